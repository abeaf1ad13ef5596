"""How real a scenario felt: the agent's 1-to-5 rating after a scene, and customer lines flagged as
unrealistic. Both are scene events (append-only), so a card's rating is read across every
scene that drew it, and a writer of cards sees which lines to fix."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Connection, Row, select

from .records import Event, Record
from .scenebase import InvalidInput, SceneBase, check_text
from .store.schema import events, messages, scenes

STARS = range(1, 6)


@dataclass(frozen=True)
class RealismSummary(Record):
    """A card's realism as the agents who played it rated it."""

    card_id: str
    ratings: int
    mean: float | None
    flagged_lines: list[str]
    comments: list[str] = field(default_factory=list)  # what the raters wrote, newest first


class Realism(SceneBase):
    # -- realism feedback ---------------------------------------------------------

    def rate_realism(self, scene_id: str, person: str, stars: int, comment: str | None = None) -> Event:
        """The agent's verdict on how real the customer felt, 1 (not at all) to 5 (very)."""
        if stars not in STARS:
            raise InvalidInput(f"a realism rating is 1 to 5 stars, not {stars!r}")
        if comment is not None:
            check_text(comment, "comment")

        def change(conn: Connection, row: Row, version: int) -> Event:
            return self._record_event(conn, scene_id, version, "realism",
                                      {"stars": stars, "comment": comment, "card": row.card_id}, person)

        return self._write(scene_id, change)

    def flag_line(self, scene_id: str, person: str, message_id: int, reason: str | None = None) -> Event:
        """Mark a customer line as one no real customer would say."""
        if reason is not None:
            check_text(reason, "reason")

        def change(conn: Connection, row: Row, version: int) -> Event:
            line = conn.execute(select(messages.c.text, messages.c.speaker).where(
                messages.c.id == message_id, messages.c.scene_id == scene_id)).first()
            if line is None or line.speaker != "customer":
                raise InvalidInput(f"message {message_id} is not a customer line of this scene")
            return self._record_event(conn, scene_id, version, "unrealistic", {
                "message": message_id, "text": line.text, "reason": reason, "card": row.card_id}, person)

        return self._write(scene_id, change)

    def card_realism(self) -> dict[str, RealismSummary]:
        """Every rated or flagged card's realism: mean stars, number of ratings, flagged lines."""
        query = (select(scenes.c.card_id, events.c.kind, events.c.payload)
                 .join(scenes, scenes.c.id == events.c.scene_id)
                 .where(events.c.kind.in_(("realism", "unrealistic"))).order_by(events.c.id))
        stars: dict[str, list[int]] = {}
        flagged: dict[str, list[str]] = {}
        comments: dict[str, list[str]] = {}
        with self.db.read() as conn:
            for card_id, kind, payload in conn.execute(query):
                if kind == "realism":
                    stars.setdefault(card_id, []).append(int(payload["stars"]))
                    if payload.get("comment"):
                        comments.setdefault(card_id, []).insert(0, f"{'★' * int(payload['stars'])} "
                                                                   f"{payload['comment']}")
                elif payload["text"] not in flagged.setdefault(card_id, []):
                    flagged[card_id].append(payload["text"])
        return {card: RealismSummary(card_id=card, ratings=len(stars.get(card, [])),
                                     mean=_mean(stars.get(card)), flagged_lines=flagged.get(card, []),
                                     comments=comments.get(card, []))
                for card in sorted({*stars, *flagged})}


def _mean(values: list[int] | None) -> float | None:
    return round(sum(values) / len(values), 2) if values else None

