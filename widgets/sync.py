"""Follow a session from another kernel: poll the store's version numbers, fetch what changed.

Each view runs in its own Voilà kernel. Twice a second a follower reads one integer (the
scene's version); only when it moved does it read the changes, so an observer sees a new
message within a second and an idle room costs the store almost nothing. Every few polls
it also looks for a newer scene in the session, so observers move on with the facilitator.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

from facilitation.records import Changes, SceneState

if TYPE_CHECKING:
    from facilitation.workbench import Workbench

log = logging.getLogger("widgets")

POLL_SECONDS = 0.5
SCENE_CHECK_EVERY = 4  # polls between looks for a newer scene in the session


class SessionFollower:
    """Calls ``on_scene`` when the session's current scene changes and ``on_changes`` with
    what was written to it since the last poll."""

    def __init__(self, wb: Workbench, session_id: str, *, on_scene: Callable[[SceneState | None], None],
                 on_changes: Callable[[Changes], None], on_poll: Callable[[str], object] | None = None,
                 interval: float = POLL_SECONDS) -> None:
        self.wb, self.session_id, self.interval = wb, session_id, interval
        self.on_scene, self.on_changes, self.on_poll = on_scene, on_changes, on_poll
        self.scene_id: str | None = None
        self.version = -1
        self._polls = 0
        self._task: asyncio.Task[None] | None = None

    def poll(self) -> bool:
        """One look at the store; True when something changed (and the callbacks ran)."""
        moved = False
        if self.scene_id is None or self._polls % SCENE_CHECK_EVERY == 0:
            moved = self._follow_latest_scene()
        self._polls += 1
        if self.scene_id is None:
            return moved
        if self.on_poll is not None:
            self.on_poll(self.scene_id)  # e.g. the facilitator's kernel notes overtime
        if self.wb.scene_version(self.scene_id) == self.version:
            return moved
        changes = self.wb.changes_since(self.scene_id, max(self.version, 0))
        self.version = changes.version
        self.on_changes(changes)
        return True

    def watch(self, scene_id: str) -> None:
        """Follow ``scene_id`` from now on (the facilitator just created it)."""
        if scene_id != self.scene_id:
            self._switch(self.wb.scene_state(scene_id))

    def start(self) -> None:
        """Poll on the kernel's event loop until ``stop``; the first poll runs at once."""
        if self._task is None or self._task.done():
            self._task = asyncio.ensure_future(self._run())

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        while True:
            try:
                self.poll()
            except Exception:  # a busy store or a broken view must not end the following
                log.exception("following session %s failed; retrying", self.session_id)
            await asyncio.sleep(self.interval)

    def _follow_latest_scene(self) -> bool:
        scenes = self.wb.scenes(self.session_id)
        if not scenes or scenes[-1].id == self.scene_id:
            return False
        self._switch(scenes[-1])
        return True

    def _switch(self, scene: SceneState) -> None:
        """Follow ``scene`` from its first write: the next poll reads all of it."""
        self.scene_id, self.version = scene.id, 0
        self.on_scene(scene)
