"""Reports: pure functions from the store to pandas DataFrames and plotly figures.

The notebooks in ``reports/`` are thin: a parameters cell, then calls into here.
"""

from .frames import PASS_MARK, Frames, load_frames

__all__ = ["PASS_MARK", "Frames", "load_frames"]
