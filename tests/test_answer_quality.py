"""The engine against the labelled question sets, with the targets the product promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.evaluation import evaluate, load_questions
from bot.matching import Engine

EVAL_DIR = Path(__file__).resolve().parent / "eval"


@pytest.mark.parametrize("name", ["questions.yaml", "heldout.yaml"])
def test_question_set_labels_name_real_entries(engine: Engine, name: str) -> None:
    ids = {entry.id for entry in engine.entries}
    for item in load_questions(EVAL_DIR / name):
        assert item.expected <= ids, (item.question, item.expected - ids)


def test_development_set_meets_the_targets(engine: Engine) -> None:
    report = evaluate(engine, load_questions(EVAL_DIR / "questions.yaml"))
    summary = f"accuracy {report.accuracy:.1%}, wrong {report.wrong_rate:.1%}, declines {report.decline_rate:.1%}, suggestions {report.suggestion_recall:.1%}"
    assert report.accuracy >= 0.95, summary
    assert report.wrong_rate <= 0.02, summary
    assert report.decline_rate >= 0.95, summary
    assert report.suggestion_recall >= 0.80, summary
