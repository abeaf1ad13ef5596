"""Joining a session from one's own laptop: the link carries the session, the person types
their name. Nobody shares a made-up "observer" identity, so every note has its author."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.roster import add_person

from .common import STYLE, Status, button, escape, guarded

if TYPE_CHECKING:
    from facilitation.workbench import Workbench


def joined(wb: Workbench, session_code: str, name: str) -> str:
    """The id of the person called ``name`` (added if new), now a participant of the session."""
    info = wb.session(session_code)
    person, _ = add_person(wb, name, team=info.team)
    wb.join(info.code, person)
    return person


class JoinForm(w.VBox):
    """"Who are you?" — then the page itself, built by ``open_page`` for the person's id."""

    def __init__(self, wb: Workbench, session_code: str, role: str,
                 open_page: Callable[[str], w.Widget], **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb, self.code, self.open_page = wb, session_code, open_page
        info = wb.session(session_code)
        self.name = w.Text(placeholder="Your full name, e.g. Ana Lopez", description="Name",
                           layout=w.Layout(width="24em"))
        self.join = button(f"Join as {role}", style="primary")
        self.join.add_class("rp-join")
        self.status = Status()
        self.join.on_click(guarded(self.status)(lambda _: self.submit()))
        self.page: w.Widget | None = None
        self.children = [w.HTML(f"{STYLE}<h2>{escape(info.title)} "
                                f'<small class="rp-code">session {escape(info.code)}</small></h2>'
                                f"<p>Type your name to join as {escape(role)}.</p>"),
                         w.HBox([self.name, self.join]), self.status]

    def submit(self) -> w.Widget:
        if not self.name.value.strip():
            self.status.error("Type your name first.")
            return self
        self.page = self.open_page(joined(self.wb, self.code, self.name.value))
        self.children = [self.page]
        follower = getattr(self.page, "follower", None)
        try:
            asyncio.get_running_loop()
        except RuntimeError:  # not served: whoever drives the page polls it
            return self.page
        if follower is not None:
            follower.start()
        return self.page
