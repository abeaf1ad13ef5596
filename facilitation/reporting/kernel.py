"""A long-lived kernel that executes report notebooks one after another.

Starting a kernel and importing pandas and plotly costs about a second; rendering a report
afterwards costs a fraction of that. A batch therefore keeps one kernel per worker and
runs every report of the worker in it, clearing the namespace in between, instead of
one papermill process (and kernel) per report.

jupyter_client and nbclient load when a kernel is made, not when this module is imported:
importing the core loads no notebook or server package (tests/test_boundaries.py).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import tempfile
from typing import Any

import nbformat

CELL_TIMEOUT = 300  # seconds; a report cell that runs longer is stuck
# Run in a fresh kernel before the first report: the imports every report makes, so the
# first report of a worker costs what the later ones cost.
WARM_UP = "import pandas, plotly.graph_objects, facilitation.reporting"


class ReportKernel:
    """One kernel, reused; ``execute`` runs a whole notebook in it."""

    def __init__(self, kernel_name: str = "python3", cwd: str | None = None,
                 env: dict[str, str] | None = None) -> None:
        from jupyter_client.manager import AsyncKernelManager

        self.kernel_name = kernel_name
        self._loop = asyncio.new_event_loop()
        # IPC sockets in a folder of its own: the kernel is a private child of this process,
        # not a network service, and parallel workers never pick the same socket names.
        self._sockets = tempfile.mkdtemp(prefix="roleplay-kernel-")
        self._km = AsyncKernelManager(kernel_name=kernel_name, transport="ipc",
                                      ip=os.path.join(self._sockets, "kernel"))
        self._kc: Any = None
        self._started = self._used = False
        self._cwd, self._env = cwd, env

    def start(self) -> None:
        """Launch the kernel process (returns before it is ready: see ``ready``)."""
        if not self._started:
            options = {k: v for k, v in (("cwd", self._cwd), ("env", self._env)) if v is not None}
            self._loop.run_until_complete(self._km.start_kernel(**options))
            self._started = True

    def ready(self, warm_up: bool = True) -> None:
        self.start()
        if self._kc is None:
            self._kc = self._km.client()
            self._kc.start_channels()
            self._loop.run_until_complete(self._kc.wait_for_ready(timeout=60))
            if warm_up:
                self._run_code(WARM_UP)

    def execute(self, nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
        """Execute ``nb`` in place; a failing cell raises ``nbclient.exceptions.CellExecutionError``
        after its error output is recorded in ``nb``."""
        from nbclient import NotebookClient

        self.ready()
        if self._used:  # the last report's variables go; its imports stay loaded
            self._run_code("get_ipython().run_line_magic('reset', '-f')")
        self._used = True
        client = NotebookClient(nb, km=self._km, kernel_name=self.kernel_name,
                                timeout=CELL_TIMEOUT, allow_errors=False, record_timing=False)
        client.kc = self._kc  # nbclient would open (and leave open) a client of its own
        return self._loop.run_until_complete(client.async_execute())

    def _run_code(self, code: str) -> None:
        reply = self._loop.run_until_complete(self._kc.execute_interactive(
            code, store_history=False, output_hook=lambda _msg: None, timeout=CELL_TIMEOUT))
        if reply["content"]["status"] != "ok":
            content = reply["content"]
            raise RuntimeError(f"the report kernel failed on {code!r}: "
                               f"{content.get('ename')}: {content.get('evalue')}")

    def shutdown(self) -> None:
        if self._kc is not None:
            self._kc.stop_channels()
            self._kc = None
        if self._started:
            self._loop.run_until_complete(self._km.shutdown_kernel(now=True))
            self._started = False
        self._loop.close()
        shutil.rmtree(self._sockets, ignore_errors=True)

    def __enter__(self) -> ReportKernel:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()
