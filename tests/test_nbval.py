"""Every shipped notebook, the room's pages and the reports, runs clean under
``pytest --nbval-lax`` against a small demo store: what a coach opening any of them in
JupyterLab on a fresh checkout would see."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_nbval_lax_passes_on_every_notebook_in_reports_and_notebooks(demo_db: str) -> None:
    folders = [ROOT / "reports", ROOT / "notebooks"]
    notebooks = sorted(p for folder in folders for p in folder.glob("*.ipynb") if not p.name.startswith("_"))
    assert len(notebooks) >= 10, notebooks
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--nbval-lax", "-q", "-p", "no:cacheprovider",
         "--rootdir", str(ROOT), "-o", "addopts=", *map(str, notebooks)],
        cwd=ROOT, capture_output=True, text=True, timeout=900,
        env={**os.environ, "ROLEPLAY_DB": demo_db},
    )
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else result.stderr[-2000:]
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-2000:]
    assert "passed" in summary and "failed" not in summary and "error" not in summary, summary
