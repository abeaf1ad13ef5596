"""Behaviour analysis of agent messages and sentiment of customer messages, offline."""

from .analyser import SHOWN, Analyser, Analysis

__all__ = ["SHOWN", "Analyser", "Analysis"]
