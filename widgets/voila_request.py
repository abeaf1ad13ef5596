"""The kernel's side of Voilà's preheat handshake, without importing Voilà.

``voila.utils.get_query_string`` is the documented way for a notebook to read its URL, but
importing ``voila`` in a kernel pulls in jupyter_server, nbconvert, jupyterlab_server and
jsonschema: 30 MB in every page's kernel for one string. This is the same handshake
(voila 0.5's ``wait_for_request``): a preheated kernel runs before anyone asks for its
page, so it waits on the server's ``voila/query/<kernel id>`` websocket, which sends the
request's environment (QUERY_STRING and friends) once a viewer takes the kernel.
"""

from __future__ import annotations

import asyncio
import json
import os
import threading

OPEN_TIMEOUT = 5  # seconds, as Voilà waits


def _query_url() -> str:
    env = os.environ.get
    server = f"{env('VOILA_APP_IP', '127.0.0.1')}:{env('VOILA_APP_PORT', '8866')}"
    base = env("VOILA_WS_BASE_URL", env("VOILA_SERVER_URL", "/"))
    return f"{env('VOILA_WS_PROTOCOL', 'ws')}://{server}{base}voila/query/{env('VOILA_KERNEL_ID')}"


async def _request_info(url: str) -> str | None:
    import websockets

    try:
        async with websockets.connect(url, open_timeout=OPEN_TIMEOUT) as socket:
            info = await socket.recv()
    except (TimeoutError, OSError):
        return None
    return info if isinstance(info, str) else info.decode()


def wait_for_request() -> None:
    """Under a preheated kernel, block until a viewer takes it and put their request's
    environment into ``os.environ``; elsewhere return at once."""
    if os.environ.get("VOILA_PREHEAT", "False") == "False":
        return
    found: list[str | None] = []
    # on its own loop and thread: the kernel's own loop is running this cell
    thread = threading.Thread(target=lambda: found.append(asyncio.run(_request_info(_query_url()))))
    thread.start()
    thread.join()
    if found and found[0] is not None:
        os.environ.update(json.loads(found[0]))


def query_string() -> str:
    """The page's query string ("" when it has none)."""
    wait_for_request()
    return os.environ.get("QUERY_STRING", "")
