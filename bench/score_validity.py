"""Does the score follow what happened? The validity plays of every card, scored.

Prints, over every card with plays (``scenario_cards/plays/``): mean score and pass rate per
kind of play, the cards where a play left its band, the smallest gap between a card's good
play and its bad plays, and how many escalated or abandoned scenes passed.

    python bench/score_validity.py [--seeds 3]
"""

from __future__ import annotations

import argparse
import time
from collections import defaultdict
from statistics import mean

from facilitation.library import Library
from facilitation.scoring import LOST_CAP
from facilitation.validity import PHRASE_BANK, gaps, load_plays, play_all


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3, help="draws of each card (default 3)")
    parser.add_argument("--card", action="append", help="only these cards")
    args = parser.parse_args()
    library = Library.load()
    plays = [p for p in load_plays() if not args.card or p.card in args.card]
    started = time.perf_counter()
    played = play_all(library, plays, list(range(1, args.seeds + 1)))
    seconds = time.perf_counter() - started
    cards = sorted({p.card for p in played})
    print(f"{len(played)} scenes ({len(plays)} plays on {len(cards)} cards × {args.seeds} draws, "
          f"plus each card's phrase-bank play) in {seconds:.1f} s\n")

    by_kind: dict[str, list] = defaultdict(list)
    for p in played:
        by_kind[p.kind].append(p)
    print(f"{'kind':<18}{'scenes':>7}{'mean':>7}{'min':>6}{'max':>6}{'passed':>8}{'in band':>9}"
          f"{'cards all in band':>19}")
    for kind in ("good", "okay", "bad-blame", "bad-wrong-facts", PHRASE_BANK):
        found = by_kind.get(kind, [])
        if not found:
            continue
        per_card: dict[str, list[bool]] = defaultdict(list)
        for p in found:
            per_card[p.card].append(p.in_band)
        whole = sum(1 for v in per_card.values() if all(v))
        print(f"{kind:<18}{len(found):>7}{mean(p.overall for p in found):>7.1f}"
              f"{min(p.overall for p in found):>6}{max(p.overall for p in found):>6}"
              f"{sum(p.passed for p in found) / len(found):>8.0%}"
              f"{sum(p.in_band for p in found) / len(found):>9.0%}{f'{whole} of {len(per_card)}':>19}")

    card_gaps = sorted(gaps(played), key=lambda g: g.gap)
    if card_gaps:
        g = card_gaps[0]
        print(f"\nsmallest good-to-bad gap: {g.gap:+.1f} on {g.card} "
              f"(weakest good {g.good}, strongest bad {g.bad})")
        print(f"cards with a gap under 25: {sum(1 for g in card_gaps if g.gap < 25)} of {len(card_gaps)}")
    lost = [p for p in played if p.outcome in ("escalated", "abandoned")]
    print(f"escalated or abandoned scenes: {len(lost)}; passed: {sum(p.passed for p in lost)} "
          f"(their score is capped at {LOST_CAP})")

    out_of_band = [p for p in played if not p.in_band]
    if out_of_band:
        print("\nout of band (card, kind, register, seed: score, outcome):")
        for p in sorted(out_of_band, key=lambda p: (p.card, p.kind)):
            print(f"  {p.card:<42}{p.kind:<16}{p.seed:>3} {p.overall:>4}  {p.outcome or 'time'}  "
                  f"band {p.band[0]}–{p.band[1]}  ({p.register})")


if __name__ == "__main__":
    main()
