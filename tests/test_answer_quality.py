"""The engine against the labelled question sets, with the targets the product promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import evaluate, load_questions
from bot.matching import Engine

EVAL_DIR = Path(__file__).resolve().parent / "eval"


@pytest.mark.parametrize("name", ["questions.yaml", "blind.yaml", "fresh.yaml", "heldout.yaml"])
def test_question_set_labels_name_real_entries(engine: Engine, name: str) -> None:
    ids = {entry.id for entry in engine.entries}
    for item in load_questions(EVAL_DIR / name):
        assert item.expected <= ids, (item.question, item.expected - ids)


# The product's targets: 95% right, 95% declined, at most 2% wrong, 80% suggestion recall, held on
# the development set and the other two tuning sets (fresh: 133 of 140 right is exactly 95%, so its
# floor sits a hair below). The held-aside set is never tuned on and is held at its own level, so a
# change that loses ground there fails too; benchmarks/evaluate.py prints every figure.
TARGETS = {
    "questions.yaml": (0.95, 0.02, 0.95, 0.80),
    "blind.yaml": (0.95, 0.02, 0.95, 0.80),
    "fresh.yaml": (0.945, 0.02, 0.95, 0.80),
    "heldout.yaml": (0.92, 0.04, 0.93, 0.80),  # 3 wrong of 89 is 3.4%
}


@pytest.mark.parametrize("name", sorted(TARGETS))
def test_question_sets_meet_the_floors(engine: Engine, name: str) -> None:
    report = evaluate(engine, load_questions(EVAL_DIR / name))
    summary = f"accuracy {report.accuracy:.1%}, wrong {report.wrong_rate:.1%}, declines {report.decline_rate:.1%}, suggestions {report.suggestion_recall:.1%}"
    accuracy, wrong, declines, suggestions = TARGETS[name]
    assert report.accuracy >= accuracy, summary
    assert report.wrong_rate <= wrong, summary
    assert report.decline_rate >= declines, summary
    assert report.suggestion_recall >= suggestions, summary
