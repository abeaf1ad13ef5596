"""How well the analyser agrees with people: ../shared/eval/analysis-dev.jsonl (evaluation only).

Prints, per behaviour, precision / recall / F1 against the datasets' human labels
(overall and per source, so a gain tuned to one source shows), and for sentiment the
complaint AUC and the Spearman correlation with turn-level satisfaction.

    python bench/analysis_accuracy.py [--data PATH]
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from facilitation.analysis import Analyser, Analysis

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "eval" / "analysis-dev.jsonl"
THRESHOLD = 0.5

# behaviour → (label in the data, how to read our analysis)
TARGETS: dict[str, tuple[str, Callable[[Analysis], float]]] = {
    "empathy": ("empathy", lambda a: a.behaviours["empathy"]),
    "question": ("question", lambda a: a.behaviours["question"]),
    "suggestion/options": ("suggestion", lambda a: max(a.behaviours["suggestion"], a.behaviours["options"])),
    "reassurance": ("reassurance", lambda a: a.behaviours["reassurance"]),
    "summary (restatement)": ("restatement", lambda a: a.behaviours["summary"]),
}


def _prf(pairs: Sequence[tuple[bool, bool]]) -> tuple[float, float, float, int]:
    tp = sum(1 for p, y in pairs if p and y)
    fp = sum(1 for p, y in pairs if p and not y)
    fn = sum(1 for p, y in pairs if not p and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1, len(pairs)


def _ranks(values: Sequence[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    i = 0
    while i < len(order):
        j = i
        while j + 1 < len(order) and values[order[j + 1]] == values[order[i]]:
            j += 1
        for k in range(i, j + 1):
            ranks[order[k]] = (i + j) / 2 + 1
        i = j + 1
    return ranks


def auc(scores: Sequence[float], labels: Sequence[int]) -> float:
    ranks = _ranks(scores)
    pos = sum(labels)
    neg = len(labels) - pos
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - pos * (pos + 1) / 2) / (pos * neg)


def spearman(xs: Sequence[float], ys: Sequence[float]) -> float:
    rx, ry = _ranks(xs), _ranks(ys)
    n = len(xs)
    mx, my = sum(rx) / n, sum(ry) / n
    cov = sum((a - mx) * (b - my) for a, b in zip(rx, ry, strict=True))
    vx = sum((a - mx) ** 2 for a in rx) ** 0.5
    vy = sum((b - my) ** 2 for b in ry) ** 0.5
    return cov / (vx * vy)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    args = parser.parse_args()
    rows = [json.loads(line) for line in args.data.open(encoding="utf-8")]
    analyser = Analyser()
    started = time.perf_counter()
    analyses = [analyser.analyse(r["text"], r["role"], r.get("context")) for r in rows]
    seconds = time.perf_counter() - started
    print(f"{len(rows)} messages analysed in {seconds:.1f} s\n")

    print(f"{'behaviour':<24}{'source':<20}{'P':>6}{'R':>6}{'F1':>6}{'n':>7}")
    for name, (label, read) in TARGETS.items():
        per_source: dict[str, list[tuple[bool, bool]]] = defaultdict(list)
        for row, analysis in zip(rows, analyses, strict=True):
            if label in row["labels"]:
                per_source[row["source"]].append((read(analysis) >= THRESHOLD, bool(row["labels"][label])))
        every = [pair for pairs in per_source.values() for pair in pairs]
        for source, pairs in [("ALL", every), *sorted(per_source.items())]:
            p, r, f, n = _prf(pairs)
            print(f"{name if source == 'ALL' else '':<24}{source:<20}{p:6.2f}{r:6.2f}{f:6.2f}{n:7d}")

    complaints = [(a, r) for a, r in zip(analyses, rows, strict=True) if r["source"] == "complaints"]
    labels = [r["labels"]["complaint"] for _, r in complaints]
    complaint_auc = auc([-a.sentiment for a, _ in complaints], labels)
    print(f"\ncomplaint AUC (lower sentiment = complaint): {complaint_auc:.3f}  (n={len(complaints)})")
    turns = [(a, r) for a, r in zip(analyses, rows, strict=True) if r["source"] == "uss_mwoz"]
    print(f"satisfaction Spearman (sentiment vs 1–5 rating): "
          f"{spearman([a.sentiment for a, _ in turns], [r['labels']['satisfaction'] for _, r in turns]):.3f}"
          f"  (n={len(turns)})")
    polite = [(a, r) for a, r in zip(analyses, rows, strict=True) if r["source"] == "tydip"]
    print(f"politeness Spearman (sentiment vs rating): "
          f"{spearman([a.sentiment for a, _ in polite], [r['labels']['politeness'] for _, r in polite]):.3f}"
          f"  (n={len(polite)})")


if __name__ == "__main__":
    main()
