"""Reloading knowledge from disk: valid changes swap in whole, invalid ones change nothing."""

from __future__ import annotations

from pathlib import Path

from bot.knowledge import Problem
from bot.live import LiveKnowledge, all_problems_text, problems_text
from tests.conftest import ASSESSMENT_FILE


def test_a_valid_change_is_seen_and_swapped_in(knowledge_copy: Path) -> None:
    live = LiveKnowledge(knowledge_copy)
    old_engine = live.engine
    author = old_engine.knowledge.entry("author")
    assert author is not None and not live.changed_on_disk()

    path = knowledge_copy / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- id: author\n", "- id: the-author\n", 1), encoding="utf-8")
    assert live.changed_on_disk()

    attempt = live.attempt()
    assert attempt.valid and not attempt.problems
    assert live.engine is old_engine  # nothing changes until it is accepted
    live.accept(attempt)
    assert live.engine is attempt.engine
    assert live.engine.knowledge.entry("the-author") is not None
    assert live.engine.knowledge.entry("author") is None
    assert not live.changed_on_disk()


def test_an_invalid_change_keeps_the_old_knowledge_and_is_reported_once(knowledge_copy: Path) -> None:
    live = LiveKnowledge(knowledge_copy)
    old_engine = live.engine
    (knowledge_copy / ASSESSMENT_FILE).write_text("assessment: [broken\n", encoding="utf-8")
    attempt = live.attempt()
    assert not attempt.valid and attempt.engine is None
    assert any(p.file.endswith(ASSESSMENT_FILE) and p.line for p in attempt.problems)
    assert "problem" in attempt.summary()
    assert live.changed_on_disk()
    live.accept(attempt)
    assert live.engine is old_engine
    assert live.engine.answer("who wrote this?").matched
    assert not live.changed_on_disk()  # the invalid state is seen: the watch does not report it again


def test_the_watch_waits_until_the_files_stop_changing(knowledge_copy: Path) -> None:
    live = LiveKnowledge(knowledge_copy)
    path = knowledge_copy / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    assert not live.changed_and_settled()
    path.write_text(text[: len(text) // 2], encoding="utf-8")  # half-way through a save
    assert not live.changed_and_settled()
    path.write_text(text.replace("- id: author\n", "- id: the-author\n", 1), encoding="utf-8")  # the save ends
    assert not live.changed_and_settled()
    assert live.changed_and_settled()  # the same at two looks in a row
    live.accept(live.attempt())
    assert live.engine.knowledge.entry("the-author") is not None
    assert not live.changed_and_settled()


def problems(count: int, message: str = "missing required field 'answer'") -> list[Problem]:
    return [Problem("herbst.yaml", 10 + n, f"entries[{n}]", message) for n in range(count)]


def test_problems_fit_the_limit_and_say_how_many_were_left_out() -> None:
    text, complete = problems_text(problems(2), 2000)
    assert complete and text.splitlines() == ["herbst.yaml:10: entries[0]: missing required field 'answer'",
                                              "herbst.yaml:11: entries[1]: missing required field 'answer'"]
    text, complete = problems_text(problems(200), 2000)
    assert not complete and len(text) <= 2000
    *shown, tail = text.splitlines()
    assert tail == f"… and {200 - len(shown)} more" and shown == [str(p) for p in problems(len(shown))]
    assert all_problems_text(problems(200)).count("\n") == 200


def test_a_single_huge_problem_is_cut_to_the_limit() -> None:
    text, complete = problems_text(problems(3, "x" * 5000), 300)
    assert not complete and len(text) <= 300 and text.startswith("herbst.yaml:10: entries[0]: xxx")
    assert text.endswith("… and 2 more")
