"""Reports: pure functions from the store to pandas DataFrames and plotly figures.

The notebooks in ``reports/`` are thin: a parameters cell, then calls into here. The
package itself imports nothing heavy, so `roleplay report` starts its kernel before
pandas or plotly load anywhere.
"""

from __future__ import annotations

from typing import Any

__all__ = ["PASS_MARK", "Frames", "load_frames"]

# Output metadata a report sets when it has nothing to show, with the reason (see
# display.show_refusal); `roleplay report` reads it to exit non-zero.
REFUSED = "roleplay/refused"


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import frames

        return getattr(frames, name)
    raise AttributeError(name)
