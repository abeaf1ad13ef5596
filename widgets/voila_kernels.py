"""The kernel manager `roleplay serve` gives Voilà: at most ``max_kernels`` kernels at once.

Every page load starts a kernel (about 110 to 160 MB each) that lives until it is culled, so
a few dozen reloads could fill the machine's memory. At the cap a new page is refused with
a 503 and a sentence saying why and what to do; pages already open keep working; a closed
page gives its kernel back at once (``allow_unload_shutdown``). Imported only by the Voilà
process (the core never imports Voilà or jupyter_server)."""

from __future__ import annotations

from typing import Any

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer


class CappedKernelManager(AsyncMappingKernelManager):  # type: ignore[misc]
    max_kernels = Integer(0, config=True, help="Most kernels at once; 0: no cap.")

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        running = len(self.list_kernel_ids())
        if self.max_kernels and running >= self.max_kernels:
            self.log.warning("kernel cap reached: %s kernels running, no new page opened", running)
            raise web.HTTPError(503, reason=full_message(self.max_kernels))
        kernel_id = await super().start_kernel(*args, **kwargs)
        self._refill_empty_pools()
        return kernel_id

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self._refill_empty_pools()  # a culled kernel made room

    def _refill_empty_pools(self) -> None:
        """Preheat again once there is room: a refill refused at the cap left its notebook's
        pool empty, and Voilà refills a pool only when a page takes a kernel from it."""
        pools: dict[str, list[Any]] = getattr(self, "_pools", {})
        fill = getattr(self, "fill_if_needed", None)
        if fill is None or (self.max_kernels and len(self.list_kernel_ids()) >= self.max_kernels):
            return
        for notebook, pool in list(pools.items()):
            if not pool:
                fill(delay=0, notebook_name=notebook)


def full_message(cap: int) -> str:
    return (f"The room's server has {cap} pages open, its limit: close pages nobody is using "
            f"(an idle page closes by itself after two minutes) and reload this one.")


def allow_unload_shutdown() -> None:
    """Let a closing page shut its kernel down.

    Voilà's page posts ``/voila/api/shutdown/<kernel id>`` on unload (a beacon) with the
    ``_xsrf`` cookie's value, but Voilà never sets that cookie: every close got a 403 and its
    kernel lived on, holding its memory and a place under the cap, until culled minutes later.
    The request must still be authenticated, and it names the kernel's random id, which
    another site cannot know; only the XSRF check is skipped, for this handler alone.
    """
    from voila.shutdown_kernel_handler import VoilaShutdownKernelHandler

    VoilaShutdownKernelHandler.check_xsrf_cookie = lambda self: None


allow_unload_shutdown()  # this module loads when Voilà starts, before any page is served
