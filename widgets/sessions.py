"""The facilitator's front desk: the store's sessions with their join codes, and a form to set
up a new one (title, facilitator, team, participants by name). It is what the facilitator
page shows when its link names no session."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING
from urllib.parse import urlencode

import ipywidgets as w

from facilitation.roster import sessions, set_up_session

from .common import STYLE, Status, button, escape, guarded

if TYPE_CHECKING:
    from facilitation.workbench import Workbench

DESK_STYLE = """<style>
.rp-sessions { border-collapse: collapse; margin: 0.4em 0 1em; }
.rp-sessions th, .rp-sessions td { text-align: left; padding: 3px 10px; border-bottom: 1px solid #e5e7eb; }
.rp-sessions .rp-code { font: 600 1.1em ui-monospace, monospace; letter-spacing: 0.08em; }
</style>"""


class SessionDesk(w.VBox):
    """Pick a session to run, or set one up; ``link_params`` (the key and token of a shared
    network) are carried into each session's link."""

    def __init__(self, wb: Workbench, link_params: Mapping[str, str] | None = None, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb = wb
        self.link_params = dict(link_params or {})
        self.listing = w.HTML()
        self.title = w.Text(description="Title", placeholder="e.g. Billing team, Tuesday practice",
                            layout=w.Layout(width="30em"))
        self.facilitator = w.Text(description="Facilitator", placeholder="your full name",
                                  layout=w.Layout(width="30em"))
        self.team = w.Text(description="Team", placeholder="optional, e.g. Billing",
                           layout=w.Layout(width="30em"))
        self.people = w.Textarea(description="People", placeholder="one full name per line",
                                 layout=w.Layout(width="30em", height="8em"))
        self.create = button("Create session", style="primary")
        self.create.add_class("rp-create-session")
        self.status = Status()
        self.create.on_click(guarded(self.status)(lambda _: self.submit()))
        self.children = [w.HTML(f"{STYLE}{DESK_STYLE}<h2>Sessions</h2>"), self.listing,
                         w.HTML("<h3>Set up a session</h3>"), self.title, self.facilitator, self.team,
                         self.people, w.HBox([self.create]), self.status]
        self.refresh()

    def link(self, code: str) -> str:
        return "facilitator.ipynb?" + urlencode({"session": code, **self.link_params})

    def refresh(self) -> None:
        found = sessions(self.wb)
        if not found:
            self.listing.value = "<p>No sessions yet: set one up below.</p>"
            return
        rows = "".join(
            f'<tr><td class="rp-code">{escape(s.code)}</td><td>{escape(s.title)}</td>'
            f"<td>{escape(s.facilitator)}</td><td>{escape(s.team or '—')}</td><td>{s.participants}</td>"
            f"<td>{s.scenes}</td><td><a href=\"{escape(self.link(s.code))}\">Run it</a></td></tr>"
            for s in found)
        self.listing.value = ('<table class="rp-sessions"><tr><th>Join code</th><th>Title</th><th>Facilitator'
                              "</th><th>Team</th><th>People</th><th>Scenes</th><th></th></tr>"
                              f"{rows}</table>")

    def submit(self) -> None:
        names = [line.strip() for line in self.people.value.splitlines() if line.strip()]
        info = set_up_session(self.wb, self.title.value.strip(), self.facilitator.value.strip(), names,
                              team=self.team.value.strip() or None)
        self.title.value = self.people.value = ""
        self.refresh()
        self.status.value = (f'<div class="rp-status rp-ok">Session {escape(info.title)} is ready: join code '
                             f"<b>{escape(info.code)}</b> · <a href=\"{escape(self.link(info.code))}\">"
                             "run it now</a></div>")
