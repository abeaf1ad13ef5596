"""Fit the analyser's learned heads on the project's own training text; write heads.json.

Each head is a logistic regression on the static model's sentence vectors
(``facilitation/analysis/embedding.py``). The training text is the project's own: the
phrase banks and templates in ``facilitation/analysis/data/training/*.yaml``, written
for this project in two registers (customer support and everyday emotional support).
No evaluation data is read here, and none may be: the evaluation sets are licensed for
measurement only.

    .venv/bin/python tools/fit_heads.py            # rewrites facilitation/analysis/data/heads.json
    .venv/bin/python tools/fit_heads.py --check    # cross-validated accuracy on the training text

The output is deterministic: templates are filled from a seeded generator and the fit
is Newton's method from zero, so the same text gives the same file.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from facilitation.analysis.embedding import static_model  # noqa: E402
from facilitation.analysis.learned import AGENT_HEADS, CUSTOMER_HEADS, HEADS_FILE  # noqa: E402

TRAINING = ROOT / "facilitation" / "analysis" / "data" / "training"
AGENT_FILES = ("empathy", "question", "suggestion", "reassurance", "restatement", "other")
CUSTOMER_FILES = ("complaint", "customer_other")
PER_TEMPLATE = 30
SEED = 20240611
L2 = 1.0
SLOT = re.compile(r"\{(\w+)((?::\w+)*)\}")
_DOUBLE = {"set", "get", "put", "stop", "plan", "shop", "split", "drop", "jog", "chat", "sit", "run", "cut"}


def gerund(phrase: str) -> str:
    """'take a walk' → 'taking a walk' (the leading verb only)."""
    verb, _, rest = phrase.partition(" ")
    if verb in _DOUBLE:
        ing = verb + verb[-1] + "ing"
    elif verb.endswith("ie"):
        ing = verb[:-2] + "ying"
    elif verb.endswith("e") and not verb.endswith(("ee", "ye")):
        ing = verb[:-1] + "ing"
    else:
        ing = verb + "ing"
    return f"{ing} {rest}".strip()


def fill(template: str, slots: dict[str, list[str]], rng: random.Random) -> str:
    def one(m: re.Match[str]) -> str:
        value = rng.choice(slots[m.group(1)])
        for mod in filter(None, m.group(2).split(":")):
            value = gerund(value) if mod == "ing" else value[:1].upper() + value[1:]
        return value

    return SLOT.sub(one, template)


def chat_style(sentence: str, rng: random.Random) -> str:
    """Some people type in lower case and leave the full stop off: the heads should not care."""
    if rng.random() < 0.25:
        sentence = sentence.lower().rstrip(".")
    return sentence


def expand(name: str, slots: dict[str, list[str]], rng: random.Random) -> list[str]:
    bank = yaml.safe_load((TRAINING / f"{name}.yaml").read_text(encoding="utf-8"))
    out = list(bank.get("examples", []))
    for entry in [*out, *bank.get("templates", [])]:
        if not isinstance(entry, str):  # an unquoted "a: b" reads as a mapping
            raise SystemExit(f"{name}.yaml: not a sentence (quote it): {entry!r}")
    for template in bank.get("templates", []):
        seen: set[str] = set()
        for _ in range(PER_TEMPLATE * 3):
            seen.add(fill(template, slots, rng))
            if len(seen) >= PER_TEMPLATE:
                break
        out.extend(sorted(seen))
    return [chat_style(s, rng) for s in out]


def training_sets() -> tuple[dict[str, list[str]], dict[str, list[str]]]:
    slots = yaml.safe_load((TRAINING / "slots.yaml").read_text(encoding="utf-8"))["slots"]
    rng = random.Random(SEED)
    agent = {name: expand(name, slots, rng) for name in AGENT_FILES}
    customer = {name: expand(name, slots, rng) for name in CUSTOMER_FILES}
    return agent, customer


def fit_logistic(x: np.ndarray, y: np.ndarray, l2: float = L2) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression, classes weighted to balance, by Newton's method."""
    n, d = x.shape
    xb = np.hstack([x, np.ones((n, 1))])
    pos = y.sum()
    sample_w = np.where(y == 1, n / (2 * pos), n / (2 * (n - pos)))
    w = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(50):
        p = 1 / (1 + np.exp(-(xb @ w)))
        grad = xb.T @ (sample_w * (p - y)) + reg * w
        hess = (xb * (sample_w * p * (1 - p))[:, None]).T @ xb + np.diag(reg + 1e-9)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-7:
            break
    return w[:-1], float(w[-1])


def design(sets: dict[str, list[str]], heads: dict[str, str]) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    model = static_model()
    texts = [t for name in sets for t in sets[name]]
    names = [name for name in sets for _ in sets[name]]
    x = model.embed(texts).astype(np.float64)
    labels = {head: np.array([n == source for n in names], dtype=float) for head, source in heads.items()}
    return x, labels


def cross_validate(x: np.ndarray, y: np.ndarray, folds: int = 5) -> float:
    order = np.random.default_rng(SEED).permutation(len(y))
    right = 0
    for k in range(folds):
        test = order[k::folds]
        train = np.setdiff1d(order, test)
        w, b = fit_logistic(x[train], y[train])
        right += int(((x[test] @ w + b > 0) == (y[test] == 1)).sum())
    return right / len(y)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="print 5-fold accuracy instead of writing")
    parser.add_argument("--dump", type=Path, help="also write the expanded training text here (JSON)")
    args = parser.parse_args()
    agent, customer = training_sets()
    if args.dump:
        args.dump.write_text(json.dumps({**agent, **customer}, indent=1), encoding="utf-8")
    out: dict[str, object] = {"schema_version": 1, "model": "static-minilm", "dim": static_model().dim,
                              "trained_on": {n: len(v) for n, v in {**agent, **customer}.items()},
                              "heads": {}}
    for sets, heads in ((agent, AGENT_HEADS), (customer, CUSTOMER_HEADS)):
        x, labels = design(sets, heads)
        for head, y in labels.items():
            if args.check:
                print(f"{head:<14} n={len(y):5d} positives={int(y.sum()):5d} "
                      f"5-fold accuracy {cross_validate(x, y):.3f}")
                continue
            w, b = fit_logistic(x, y)
            out["heads"][head] = {"bias": round(b, 6), "weights": [round(float(v), 6) for v in w]}  # type: ignore[index]
    if not args.check:
        HEADS_FILE.write_text(json.dumps(out) + "\n", encoding="utf-8")
        print(f"wrote {HEADS_FILE.relative_to(ROOT)}: {out['trained_on']}")


if __name__ == "__main__":
    main()
