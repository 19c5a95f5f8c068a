"""Scores the engine on a labelled question set: accuracy, declines, wrong answers, suggestions, by kind.

Used by `benchmarks/evaluate.py` (figures and every failure) and by the test that enforces the targets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.matching import Engine

DECLINE = "decline"


@dataclass(frozen=True)
class Labelled:
    question: str
    expected: frozenset[str]  # entry ids that answer it; empty when it must be declined
    kind: str

    @property
    def answerable(self) -> bool:
        return bool(self.expected)


@dataclass(frozen=True)
class Outcome:
    item: Labelled
    matched_entry: str | None
    suggested: tuple[str, ...]
    score: float

    @property
    def verdict(self) -> str:
        """right, wrong-entry, declined (answerable but declined), declined-ok, or false-answer."""
        if self.item.answerable:
            if self.matched_entry is None:
                return "declined"
            return "right" if self.matched_entry in self.item.expected else "wrong-entry"
        return "declined-ok" if self.matched_entry is None else "false-answer"


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _of(self, answerable: bool) -> list[Outcome]:
        return [o for o in self.outcomes if o.item.answerable == answerable]

    @property
    def accuracy(self) -> float:
        """Share of answerable questions that got a right entry."""
        return _share(self._of(True), lambda o: o.verdict == "right")

    @property
    def wrong_rate(self) -> float:
        """Share of answerable questions that got a wrong entry (the confident wrong answer)."""
        return _share(self._of(True), lambda o: o.verdict == "wrong-entry")

    @property
    def decline_rate(self) -> float:
        """Share of the questions to decline that were declined."""
        return _share(self._of(False), lambda o: o.verdict == "declined-ok")

    @property
    def suggestion_recall(self) -> float:
        """Among answerable questions that were declined, the share whose suggestions hold a right entry."""
        declined = [o for o in self._of(True) if o.verdict == "declined"]
        return _share(declined, lambda o: bool(o.item.expected & set(o.suggested)), empty=1.0)

    def by_kind(self) -> dict[str, Counter]:
        table: dict[str, Counter] = defaultdict(Counter)
        for outcome in self.outcomes:
            table[outcome.item.kind][outcome.verdict] += 1
        return dict(table)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict not in ("right", "declined-ok")]


def _share(items: list[Outcome], predicate, empty: float = 0.0) -> float:
    return sum(map(predicate, items)) / len(items) if items else empty


def load_questions(path: Path) -> list[Labelled]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for raw in data["questions"]:
        expect = raw["expect"]
        expected = frozenset() if expect == DECLINE else frozenset([expect] if isinstance(expect, str) else expect)
        items.append(Labelled(str(raw["q"]), expected, raw.get("kind", "")))
    return items


def evaluate(engine: Engine, items: list[Labelled]) -> Report:
    report = Report()
    for item in items:
        result = engine.answer(item.question)
        report.outcomes.append(
            Outcome(
                item,
                result.entry.id if result.entry else None,
                tuple(s.entry_id for s in result.suggestions),
                result.score,
            )
        )
    return report
