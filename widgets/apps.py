"""The pages of the room, composed from the views: facilitator, observer, human customer and
projector. Each ``*_app`` function is what its notebook calls; each ``*App`` class is the
page itself, built on a ``Workbench`` so tests drive it without a kernel or a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import ipywidgets as w

from facilitation.customers import engines, is_simulated
from facilitation.customers.human import HumanCustomer
from facilitation.records import Changes, Event, Message, SceneState
from facilitation.roles import AGENT, CUSTOMER
from facilitation.vocabulary import CATEGORY_TITLES, DIFFICULTIES

from .agentscreen import AgentScreen
from .casting import RoleCasting
from .chat import ChatView
from .common import STYLE, Confirm, Status, button, escape, guarded, quiet_comm_errors, refusal
from .debrief import DebriefBoard, observations_html
from .join import JoinForm, joined
from .launch import AccessDenied, query_params, require_facilitator
from .nudges import NudgeDeck
from .observer import ObserverChecklist
from .phasebar import PhaseBar
from .projector import ProjectorView
from .sessions import SessionDesk
from .sync import SessionFollower
from .transcript import RowAction, TranscriptView

if TYPE_CHECKING:
    from facilitation.workbench import Workbench


class Page(w.VBox):
    """A page that follows one session; subclasses build the panel for its current scene."""

    def __init__(self, wb: Workbench, session_code: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb = wb
        self.info = wb.session(session_code)
        self.status = Status()
        self.header = w.HTML(f"{STYLE}<h2>{escape(self.info.title)} "
                             f'<small class="rp-code">session {escape(self.info.code)}</small></h2>')
        self.panel = w.VBox([w.HTML("<p>Waiting for the facilitator to start a scene…</p>")])
        self.scene: SceneState | None = None
        self.follower = SessionFollower(wb, self.info.id, on_scene=guarded(self.status)(self.show_scene),
                                        on_changes=guarded(self.status)(self.changed))
        self.children = [self.header, self.panel, self.status]

    def show_scene(self, state: SceneState | None) -> None:
        self.scene = state

    def changed(self, changes: Changes) -> None:
        """Something was written to the current scene (by this page or another)."""

    def poll(self) -> bool:
        """One look at the store (tests call this; a served page polls on its own)."""
        return self.follower.poll()


DEBRIEF_TAB, DEBRIEF_TAB_PHASES = 1, ("debrief", "ended")


class FacilitatorApp(Page):
    """Run a session end to end: pick a card and engine, drive the loop, nudge, rewind, debrief."""

    def __init__(self, wb: Workbench, session_code: str, *, by: str | None = None, **kwargs: object) -> None:
        super().__init__(wb, session_code, **kwargs)
        self.by = by or self.info.facilitator
        self.follower.on_poll = wb.tick  # this kernel advances the clock's record: overtime is noted once
        level = {d: i for i, d in enumerate(DIFFICULTIES)}
        cards = sorted(wb.library.cards.values(),
                       key=lambda c: (CATEGORY_TITLES[c.category], level[c.difficulty], c.title))
        # grouped as the library groups them: category, then beginner → advanced
        self.card = w.Dropdown(options=[(f"{CATEGORY_TITLES[c.category]} · {c.difficulty} · {c.title} "
                                         f"({c.channel})", c.id) for c in cards],
                               description="Card", layout=w.Layout(width="40em"))
        choices = [(engine.label, engine.name) for engine in engines.all()]  # plug-ins too
        self.engine = w.Dropdown(options=choices, value="embedded", description="Customer")
        self.hints = w.Checkbox(value=True, description="Live hints for the agent")
        self.new_scene = button("New scene", style="primary")
        self.new_scene.add_class("rp-new-scene")
        self.setup_status = Status()  # beside the controls that start a scene, not below the fold
        self.new_scene.on_click(guarded(self.setup_status)(lambda _: self.create_scene()))
        self.hints.observe(guarded(self.setup_status)(lambda ch: self._set_hints(ch["new"])), "value")
        self.notes = w.HTML()
        self.header.value += (f"<p>Observers join with code <b>{escape(self.info.code)}</b> on the observer "
                              "page; the projector page shows the clock.</p>")
        self.casting = RoleCasting(wb, session_code, self.setup_status)
        self.casting.add_newcomer.on_click(guarded(self.setup_status)(lambda _: self.casting.add_person()))
        self.engine.observe(guarded(self.setup_status)(lambda _: self._suggest_roles()), "value")
        self.chat: ChatView | None = None
        self.bar: PhaseBar | None = None
        self.debrief: DebriefBoard | None = None
        self._numbers: dict[int, int] = {}
        self.children = [self.header, w.HBox([self.card, self.engine, self.new_scene]), self.setup_status,
                         self.casting, self.hints, self.panel, self.status]
        self.add_class("rp-page")
        self.panel.add_class("rp-panel")
        scenes = wb.scenes(self.info.id)
        self._suggest_roles()
        if scenes:
            self.follower.watch(scenes[-1].id)

    def _suggest_roles(self) -> None:
        """The rotation's next agent (and customer), from the session's latest scene."""
        scenes = self.wb.scenes(self.info.id)
        self.casting.suggest(scenes[-1].roles if scenes else None, self.engine.value)

    def create_scene(self) -> SceneState:
        state = self.wb.create_scene(self.info.id, self.card.value, engine=self.engine.value,
                                     roles=self.casting.roles())
        self.setup_status.clear()
        self._suggest_roles()
        self.wb.set_hints(state.id, self.hints.value, by=self.by)
        self.follower.watch(state.id)
        return state

    def show_scene(self, state: SceneState | None) -> None:
        super().show_scene(state)
        if state is None:
            return
        sid = state.id
        for picker, value in ((self.card, state.card_id), (self.engine, state.engine)):
            if value in dict(picker.options).values():  # the pickers show the loaded scene
                picker.value = value
        self.scene_status = Status()  # under the chat: what ↺, ⚑ and Restart did, or why not
        here = guarded(self.scene_status)
        actions = (RowAction("↺", "agent", here(self.rewind), "Retry from this line"),
                   RowAction("⚑", "customer", here(self.flag), "No real customer says this"))
        self.chat = ChatView(self.wb, sid, speaker="agent", by=self._agent(state), actions=actions)
        self.bar = PhaseBar(self.wb, sid, by=self.by, on_change=guarded(self.status)(self._phase_changed))
        self.debrief = DebriefBoard(self.wb, sid, self.info.participants)
        self.restart_button = restart = button("Restart the act",
                                               tooltip="Start over from the first line; this attempt is kept")
        restart.add_class("rp-restart")
        self.confirm_restart = Confirm("Start the act over from the first line? This attempt is kept.",
                                       "Yes, restart", self.restart, self.scene_status)
        restart.on_click(lambda _: self.confirm_restart.ask())
        self.deck = NudgeDeck(self.wb, sid, by=self.by)
        self.realism = RealismForm(self.wb, sid, self._agent(state))
        drawn = self.wb.drawn_card(sid)
        card = drawn.card
        self.screen = AgentScreen(drawn)
        self.screen.show(state.phase)
        so_far = self.wb.changes_since(sid, 0)
        self.screen.show_cue(self._latest_cue(so_far.events))
        # message id → its number in the chat, kept up from each poll's new messages
        self._numbers = {m.id: m.index + 1 for m in so_far.messages}
        seats = (("Agent", "agent"), ("Customer", "customer"))
        names = self.wb.person_names(state.roles)
        cast = " · ".join(f"{label}: <b>{escape(names[p])}</b>"
                          for label, role in seats for p, r in state.roles.items() if r == role)
        brief = w.HTML(f'<div class="rp-card"><b>{escape(card.title)}</b> · {escape(card.skill)}'
                       f'<div class="rp-cast">{cast}</div>{escape(card.brief)}</div>')
        self.tabs = tabs = w.Tab([w.HBox([w.VBox([self.chat, w.HBox([restart, self.confirm_restart]),
                                                  self.scene_status],
                                                 layout=w.Layout(width="62%")),
                                          w.VBox([self.screen, self.notes, self.deck],
                                                 layout=w.Layout(width="38%"))]),
                                  self.debrief, self.realism])
        for i, title in enumerate(("Scene", "Debrief", "Realism")):
            tabs.set_title(i, title)
        self._shown_phase = state.phase
        if state.phase in DEBRIEF_TAB_PHASES:
            tabs.selected_index = DEBRIEF_TAB
        self.bar.add_class("rp-sticky")
        self.panel.children = [brief, self.bar, tabs]

    def _follow_phase(self, phase: str) -> None:
        """The agent's screen through brief and act; the debrief tab opens when the debrief starts."""
        if phase == self._shown_phase:
            return
        self._shown_phase = phase
        self.screen.show(phase)
        if phase in DEBRIEF_TAB_PHASES:
            self.tabs.selected_index = DEBRIEF_TAB

    def changed(self, changes: Changes) -> None:
        if self.scene is None or self.chat is None or self.bar is None or self.debrief is None:
            return
        state = self.wb.scene_state(self.scene.id)
        self.bar.show(state)
        self._follow_phase(state.phase)
        cue = self._latest_cue(changes.events)
        if cue is not None:
            self.screen.show_cue(cue)
        if changes.messages or changes.branches or changes.events:
            self.chat.refresh()
        if changes.notes or changes.debrief or state.phase == "ended":
            self.debrief.refresh()
        self._numbers.update({m.id: m.index + 1 for m in changes.messages})
        notes = self.wb.notes(self.scene.id)
        names = self.wb.person_names(n.observer for n in notes)
        self.notes.value = observations_html(notes, self._numbers, names)

    @staticmethod
    def _latest_cue(events: Sequence[Event]) -> str | None:
        cues = [e.payload["text"] for e in events if e.kind == "nudge" and e.payload.get("type") == "cue"]
        return cues[-1] if cues else None

    def rewind(self, message: Message) -> None:
        assert self.scene is not None and self.chat is not None
        self.wb.rewind(self.scene.id, message.id, by=self.by)
        self.chat.refresh()

    def restart(self) -> None:
        assert self.scene is not None and self.chat is not None and self.bar is not None
        self.wb.restart_act(self.scene.id, by=self.by)
        self.bar.show(self.wb.scene_state(self.scene.id))
        self.chat.refresh()
        self.chat.open_act()

    def flag(self, message: Message) -> None:
        assert self.scene is not None
        self.wb.flag_line(self.scene.id, self._agent(self.scene), message.id)
        self.scene_status.ok("Flagged as unrealistic; the card's writers will see it in the library.")

    def _phase_changed(self, state: SceneState) -> None:
        assert self.chat is not None
        self.chat.refresh()
        if state.phase == "act":
            self.chat.open_act()
        if state.phase in ("debrief", "ended") and self.debrief is not None:
            self.debrief.refresh()
        self._follow_phase(state.phase)

    def _set_hints(self, on: bool) -> None:
        if self.scene is not None:
            self.wb.set_hints(self.scene.id, on, by=self.by)
            if self.chat is not None:
                self.chat.refresh()

    @staticmethod
    def _agent(state: SceneState) -> str:
        return next((person for person, role in state.roles.items() if role == "agent"), "agent")


class RealismForm(w.VBox):
    """After the scene the agent rates its realism; customer lines are flagged from the chat (⚑)."""

    def __init__(self, wb: Workbench, scene_id: str, person: str, **kwargs: object) -> None:
        super().__init__(**kwargs)
        self.wb, self.scene_id, self.person = wb, scene_id, person
        self.status = Status()
        self.stars = w.ToggleButtons(options=[("★" * n, n) for n in range(1, 6)], value=None,
                                     description="Realism")
        self.comment = w.Text(placeholder="What felt real or not (optional)", layout=w.Layout(width="30em"))
        self.rate = button("Rate", style="primary")
        self.rate.add_class("rp-rate")
        self.rate.on_click(guarded(self.status)(lambda _: self.submit()))
        self.children = [w.HTML(f"<p>{escape(person)}, how real did this customer feel?</p>"),
                         self.stars, self.comment, self.rate, self.status]

    def submit(self) -> None:
        if self.stars.value is None:
            self.status.error("Pick 1 to 5 stars first.")
            return
        self.wb.rate_realism(self.scene_id, self.person, self.stars.value, self.comment.value.strip() or None)
        self.status.ok("Thank you: your rating shows in the library.")


class ObserverApp(Page):
    """An observer's laptop: the conversation to quote from, the checklist, the clock."""

    def __init__(self, wb: Workbench, session_code: str, observer: str, **kwargs: object) -> None:
        super().__init__(wb, session_code, **kwargs)
        self.observer = observer
        self.checklist: ObserverChecklist | None = None
        self.transcript: TranscriptView | None = None
        self.bar: PhaseBar | None = None
        self.header.value += f"<p>Observing as <b>{escape(wb.person_name(observer))}</b></p>"
        self.add_class("rp-page")
        self.panel.add_class("rp-panel")

    def show_scene(self, state: SceneState | None) -> None:
        super().show_scene(state)
        if state is None:
            return
        card = self.wb.drawn_card(state.id).card
        elsewhere = self._not_watching(state)
        if elsewhere:  # the store would refuse their notes: say why instead of a dead checklist
            self.checklist = self.transcript = None
            self.bar = PhaseBar(self.wb, state.id, controls=False)
            self.panel.children = [w.HTML(f"<h3>{escape(card.title)}</h3>"), self.bar,
                                   w.HTML(f'<p class="rp-not-watching">{elsewhere}</p>')]
            return
        rubric = self.wb.library.rubric(card.rubric)
        self.checklist = ObserverChecklist(self.wb, state.id, rubric, self.observer)
        beside = guarded(self.checklist.status)  # a refusal shows by the checklist, not below the fold
        quote = RowAction("❝", None, beside(self.checklist.quote), "Quote this message")
        soften = RowAction("≈", "customer", beside(self.checklist.mark_softened),
                           "The customer's tone softened here")
        self.transcript = TranscriptView([quote, soften])
        self.bar = PhaseBar(self.wb, state.id, controls=False)
        side = w.VBox([self.bar, self.checklist], layout=w.Layout(width="40%"))
        side.add_class("rp-sticky-side")  # the clock and the checklist stay on screen while scrolling
        columns = w.HBox([w.VBox([self.transcript], layout=w.Layout(width="60%")), side])
        columns.add_class("rp-panel")
        self.panel.children = [w.HTML(f"<h3>{escape(card.title)}</h3>"), columns]

    def _not_watching(self, state: SceneState) -> str | None:
        """Why this person takes no notes on this scene, in their words, or None."""
        if self.observer == self.info.facilitator:
            return ("You facilitate this session: run it from the facilitator page. Notes come from "
                    "the participants watching the scene.")
        role = state.roles.get(self.observer)
        if role in (AGENT, CUSTOMER):
            return (f"You play the {role} in this scene, so the others observe it: your checklist "
                    "opens in the next scene you watch.")
        return None

    def changed(self, changes: Changes) -> None:
        if self.scene is None or self.transcript is None or self.checklist is None or self.bar is None:
            return
        self.bar.show(self.wb.scene_state(self.scene.id))
        if changes.messages or changes.branches:
            transcript = self.wb.transcript(self.scene.id)
            self.transcript.show(transcript)
            self.checklist.follow(transcript)


class CustomerApp(Page):
    """A peer plays the customer from the card's customer lens."""

    def __init__(self, wb: Workbench, session_code: str, person: str, **kwargs: object) -> None:
        super().__init__(wb, session_code, **kwargs)
        self.person = person
        self.chat: ChatView | None = None
        self.bar: PhaseBar | None = None

    def show_scene(self, state: SceneState | None) -> None:
        super().show_scene(state)
        if state is None:
            return
        self.bar = PhaseBar(self.wb, state.id, controls=False)
        if is_simulated(state.engine):
            watch = w.HTML("<p>The simulated customer plays this scene; watch the room.</p>")
            self.panel.children = [self.bar, watch]
            self.chat = None
            return
        cast = [p for p, role in state.roles.items() if role == CUSTOMER]
        if cast and self.person not in cast:
            # Anyone with the room's link can open this page under their own name: the lens
            # (what the agent must earn) and the message box are for the cast customer only.
            names = self.wb.person_names([*cast, self.person])
            yours = _YOUR_PART.get(state.roles.get(self.person, ""), "You are not cast in this scene.")
            note = (f"<p>{escape(names[cast[0]])} plays the customer in this scene; this page shows the "
                    f"customer's lens to them only. {yours}</p>")
            self.panel.children = [self.bar, w.HTML(note)]
            self.chat = None
            return
        scene = self.wb.scene_context(state.id)
        self.chat = ChatView(self.wb, state.id, speaker="customer", by=self.person)
        # the chat first, in view; the lens beside it to play from
        self.panel.children = [self.bar, w.HBox([w.VBox([self.chat], layout=w.Layout(width="58%")),
                                                 w.HTML(lens_html(HumanCustomer.lens(scene)),
                                                        layout=w.Layout(width="42%"))])]

    def changed(self, changes: Changes) -> None:
        if self.scene is not None and self.bar is not None:
            self.bar.show(self.wb.scene_state(self.scene.id))
        if self.chat is not None:
            self.chat.refresh()


_YOUR_PART = {"agent": "You play the agent: the customer's needs are yours to discover.",
              "observer": "You observe this scene: open the observer's page to take notes."}


def lens_html(lens: dict[str, object]) -> str:
    """The customer lens, every field escaped (card text is typed by people too)."""
    items = []
    for key, value in lens.items():
        if isinstance(value, list):
            shown = "<ul>" + "".join(f"<li>{escape(v)}</li>" for v in value) + "</ul>"
        else:
            shown = escape(value)
        items.append(f"<dt><b>{escape(key)}</b></dt><dd>{shown}</dd>")
    return f'<div class="rp-card rp-lens"><h3>Your customer lens</h3><dl>{"".join(items)}</dl></div>'


class ProjectorApp(Page):
    def __init__(self, wb: Workbench, session_code: str, **kwargs: object) -> None:
        super().__init__(wb, session_code, **kwargs)
        self.view = ProjectorView(wb, self.info.code)
        self.children = [self.header, self.view, self.status]
        self.view.show(None)

    def show_scene(self, state: SceneState | None) -> None:
        super().show_scene(state)
        self.view.show(state)

    def changed(self, changes: Changes) -> None:
        if self.scene is not None:
            self.view.show(self.wb.scene_state(self.scene.id))


# -- what the notebooks call --------------------------------------------------------

PageBuilder = Callable[["Workbench", dict[str, str]], w.Widget]


def _page(db: str | None, build: PageBuilder, *, analyses: bool = False) -> w.Widget:
    """Open the store (and warm the analyser on a page that ``analyses`` agent messages: only
    the facilitator's, whose kernel plays the customer; the others need not hold its ~50 MB),
    then wait for the viewer's URL and build the page.

    Under a preheated Voilà kernel everything before ``query_params`` runs ahead of the
    request, so the page the viewer waits for is only the binding to their session.
    A refusal or a bad code becomes one line on the page, not a traceback.
    """
    from facilitation.errors import WorkbenchError
    from facilitation.workbench import Workbench

    quiet_comm_errors()
    try:
        wb = Workbench.open(db)
        wb.library.cards  # noqa: B018 - loaded now, before the viewer waits
        if analyses:
            warm_analyser()
    except WorkbenchError as error:
        return refusal(error)
    params = query_params()
    try:
        page = build(wb, params)
    except (WorkbenchError, AccessDenied) as error:
        return refusal(error)
    if isinstance(page, Page):
        page.follower.start()
    return page


def warm_analyser() -> None:
    from facilitation.analysis import Analyser

    # twelve words or more: the readability score reads CMUdict's syllables (about 0.5 s)
    # now, not on the agent's first long line, where it delayed the customer's reply
    Analyser().analyse("That sounds frustrating, and I am sorry; can you tell me what changed "
                       "on your team this month?", "agent")


def _session(params: dict[str, str], session: str | None) -> str:
    code = (params.get("session") or session or "").strip().upper()
    if not code:
        raise AccessDenied("This link has no session: ask the facilitator for this page's link, "
                           "which carries the session's join code.")
    return code


def facilitator_app(session: str | None = None, db: str | None = None) -> w.Widget:
    def build(wb: Workbench, params: dict[str, str]) -> w.Widget:
        require_facilitator(params)
        if not (params.get("session") or session or "").strip():  # the front desk: pick or set one up
            return SessionDesk(wb, {k: v for k, v in params.items() if k in ("key", "token")})
        return FacilitatorApp(wb, _session(params, session))
    return _page(db, build, analyses=True)


def observer_app(session: str | None = None, observer: str | None = None, db: str | None = None) -> w.Widget:
    def build(wb: Workbench, params: dict[str, str]) -> w.Widget:
        code = _session(params, session)
        return _as_person(wb, code, params.get("name") or observer, "an observer",
                          lambda person: ObserverApp(wb, code, person))
    return _page(db, build)


def customer_app(session: str | None = None, person: str | None = None, db: str | None = None) -> w.Widget:
    def build(wb: Workbench, params: dict[str, str]) -> w.Widget:
        code = _session(params, session)
        return _as_person(wb, code, params.get("name") or person, "the customer",
                          lambda someone: CustomerApp(wb, code, someone))
    return _page(db, build)


def _as_person(wb: Workbench, code: str, name: str | None, role: str,
               open_page: Callable[[str], w.Widget]) -> w.Widget:
    """The page for the person the link names (found by id or name, joined to the session),
    or a form asking who is at this laptop."""
    if name and name.strip():
        return open_page(joined(wb, code, name))
    return JoinForm(wb, code, role, open_page)


def projector_app(session: str | None = None, db: str | None = None) -> w.Widget:
    return _page(db, lambda wb, params: ProjectorApp(wb, _session(params, session)))
