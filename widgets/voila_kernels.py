"""The kernel manager `roleplay serve` gives Voilà: at most ``max_kernels`` kernels at once.

Every page load starts a kernel (about 110 to 160 MB each) that lives until it is culled, so
a few dozen reloads could fill the machine's memory. At the cap a new page is refused with
a 503 and a sentence saying why and what to do; pages already open keep working; a closed
page gives its kernel back at once (``allow_unload_shutdown``). Imported only by the Voilà
process (the core never imports Voilà or jupyter_server)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlparse

from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from traitlets import Integer

REQUEST_URL = "VOILA_REQUEST_URL"  # what Voilà tells a page's kernel about its request
PREHEATING = "VOILA_PREHEAT"  # "True" in the environment of a kernel started for a pool


class CappedKernelManager(AsyncMappingKernelManager):  # type: ignore[misc]
    max_kernels = Integer(0, config=True, help="Most kernels at once; 0: no cap.")
    max_session_kernels = Integer(0, config=True, help="Most kernels serving one session's pages; 0: no cap.")

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sessions: dict[str, str] = {}  # kernel id → the session code its page serves

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Voilà's preheating subclass hands pooled kernels to pages in
        ``get_rendered_notebook``: count those against their session too."""
        super().__init_subclass__(**kwargs)
        hand_out = cls.__dict__.get("get_rendered_notebook")
        if hand_out is None:
            return

        async def get_rendered_notebook(self: CappedKernelManager, notebook_name: str,
                                        extra_kernel_env_variables: dict[str, str] | None = None,
                                        **more: Any) -> Any:
            env = extra_kernel_env_variables or {}
            session = self.check_session(env)
            rendered = await hand_out(self, notebook_name, extra_kernel_env_variables=env, **more)
            if session:
                self.sessions[rendered[2]] = session  # (render task, cells so far, kernel id)
            return rendered

        cls.get_rendered_notebook = get_rendered_notebook  # type: ignore[attr-defined]

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        running = len(self.list_kernel_ids())
        if self.max_kernels and running >= self.max_kernels:
            self.log.warning("kernel cap reached: %s kernels running, no new page opened", running)
            raise web.HTTPError(503, reason=full_message(self.max_kernels))
        env = kwargs.get("env") or {}
        # a pool's fill carries the request that emptied the pool: it serves nobody yet
        session = None if env.get(PREHEATING) == "True" else self.check_session(env)
        kernel_id = await super().start_kernel(*args, **kwargs)
        if session:
            self.sessions[kernel_id] = session
        self._refill_empty_pools()
        return kernel_id

    def check_session(self, env: Mapping[str, str]) -> str | None:
        """The session a page request is for; refused when its pages hold their share already,
        so reloading one session's link cannot take the room's server from the others."""
        session = session_of(env.get(REQUEST_URL, ""))
        if session and self.max_session_kernels:
            held = sum(1 for s in self.sessions.values() if s == session)
            if held >= self.max_session_kernels:
                self.log.warning("session %s holds %s kernels, its limit; no new page opened", session, held)
                raise web.HTTPError(503, reason=session_full_message(self.max_session_kernels))
        return session

    async def shutdown_kernel(self, kernel_id: str, *args: Any, **kwargs: Any) -> None:
        await super().shutdown_kernel(kernel_id, *args, **kwargs)
        self.sessions.pop(kernel_id, None)
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


def session_of(url: str) -> str | None:
    """The join code in a page's URL (``?session=K7Q2``), as pages read it."""
    codes = parse_qs(urlparse(url).query).get("session", [])
    code = codes[-1].strip().upper() if codes else ""
    return code or None


def session_full_message(cap: int) -> str:
    return (f"This session has {cap} pages open, its limit: close pages nobody is using (an idle "
            f"page closes by itself after two minutes) and reload this one.")


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
