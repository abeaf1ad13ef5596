"""Behaviour analysis of agent messages and sentiment of customer messages, offline."""

from .analyser import Analyser, Analysis

__all__ = ["Analyser", "Analysis"]
