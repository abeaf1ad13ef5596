"""Who is in the room and who plays what in the next scene: the facilitator picks the agent
(and the person playing the customer); the rotation's choice is the suggested default, and a
latecomer is added by name."""

from __future__ import annotations

from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.customers import is_simulated
from facilitation.roles import AGENT, CUSTOMER, OBSERVER, rotate
from facilitation.scenebase import InvalidInput

from .common import Status, button, escape
from .join import joined

if TYPE_CHECKING:
    from facilitation.workbench import Workbench



class RoleCasting(w.VBox):
    """The next scene's agent and human customer, chosen from the session's participants."""

    def __init__(self, wb: Workbench, session_code: str, status: Status, **kwargs: object) -> None:
        """``status`` is the line beside the scene controls, where a refusal shows."""
        super().__init__(**kwargs)
        self.wb, self.status = wb, status
        self.info = wb.session(session_code)
        self.agent = w.Dropdown(description="Next agent", layout=w.Layout(width="22em"))
        self.customer = w.Dropdown(description="Customer by", layout=w.Layout(width="22em"))
        self.agent.add_class("rp-agent-pick")
        self.customer.add_class("rp-customer-pick")
        self.people = w.HTML()
        self.newcomer = w.Text(placeholder="Full name", layout=w.Layout(width="14em"))
        self.add_newcomer = button("Add to the session", tooltip="Add a participant by name")
        self.add_newcomer.add_class("rp-add-person")
        self.human = False
        self.children = [w.HBox([self.agent, self.customer]),
                         w.HBox([self.people, self.newcomer, self.add_newcomer])]
        self._fill()

    def _fill(self) -> None:
        names = self.wb.person_names(self.info.participants)
        choices = [(names[p], p) for p in self.info.participants]
        for picker in (self.agent, self.customer):
            kept = picker.value
            picker.options = choices
            if kept in self.info.participants:
                picker.value = kept
        names = ", ".join(escape(name) for name, _ in choices) or "nobody yet"
        self.people.value = f'<span class="rp-people">People: {names}</span>'

    def suggest(self, previous: dict[str, str] | None, engine: str) -> None:
        """Set the pickers to the rotation's next roles (the facilitator may change them)."""
        self.human = not is_simulated(engine)
        self.customer.layout.display = None if self.human else "none"
        roles = rotate(self.info.participants, previous, human_customer=self.human)
        for picker, role in ((self.agent, AGENT), (self.customer, CUSTOMER)):
            chosen = next((p for p, r in roles.items() if r == role), None)
            if chosen is not None:
                picker.value = chosen

    def roles(self) -> dict[str, str] | None:
        """Everyone's role in the next scene (None when the session has no participants)."""
        if not self.info.participants or self.agent.value is None:
            return None
        roles = {p: OBSERVER for p in self.info.participants}
        roles[self.agent.value] = AGENT
        if self.human:
            if self.customer.value == self.agent.value:
                raise InvalidInput("Pick someone other than the agent to play the customer.")
            roles[self.customer.value] = CUSTOMER
        return roles

    def add_person(self) -> None:
        name = self.newcomer.value.strip()
        if not name:
            self.status.error("Type the person's full name first.")
            return
        joined(self.wb, self.info.code, name)
        self.info = self.wb.session(self.info.id)
        self.newcomer.value = ""
        self._fill()
        self.status.ok(f"{name} joined the session.")
