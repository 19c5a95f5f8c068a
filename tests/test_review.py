"""Warnings: review marks and why-questions answered without a reason, as `validate` lists them (a
subprocess, on YAML on disk) and as the running bot logs them; they never stop the knowledge loading."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from bot.live import LiveKnowledge
from tests.conftest import ASSESSMENT_FILE
from tests.test_cli import run_cli
from tests.test_knowledge import line_of, replace_once

WARNING_LINE = re.compile(r"^(?P<file>\S+):(?P<line>\d+): (?P<field>\S+): warning: (?P<message>.+)$")


def warnings_in(output: str) -> list[re.Match[str]]:
    return [m for m in map(WARNING_LINE.match, output.splitlines()) if m]


def test_the_shipped_knowledge_has_no_warnings() -> None:
    proc = run_cli("validate", "--strict")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert warnings_in(proc.stdout) == [] and "warning" not in proc.stdout


def test_a_review_mark_is_a_warning_strict_fails_and_deleting_it_passes(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "  - id: minerals-deal\n", "  - id: minerals-deal\n    review: check the weapons paragraph\n")
    mark_line = line_of(path, "review: check the weapons paragraph")

    lenient = run_cli("validate", str(knowledge_copy))
    assert lenient.returncode == 0, lenient.stdout + lenient.stderr
    [warning] = warnings_in(lenient.stdout)
    assert warning["file"].endswith(ASSESSMENT_FILE) and int(warning["line"]) == mark_line
    assert re.fullmatch(r"entries\[\d+\]\.review", warning["field"])
    assert "marked for review: check the weapons paragraph" in warning["message"]
    assert "OK:" in lenient.stdout and "1 warning" in lenient.stdout

    strict = run_cli("validate", "--strict", str(knowledge_copy))
    assert strict.returncode == 1
    assert warnings_in(strict.stdout) and "--strict fails" in strict.stdout

    replace_once(path, "    review: check the weapons paragraph\n", "")
    assert run_cli("validate", "--strict", str(knowledge_copy)).returncode == 0


def test_problems_and_warnings_are_listed_together_and_counted(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "  - id: minerals-deal\n", "  - id: minerals-deal\n    review: draft\n")
    replace_once(path, "  author:", "  writer:")
    proc = run_cli("validate", str(knowledge_copy))
    assert proc.returncode == 1
    assert "unknown field 'writer'" in proc.stdout and len(warnings_in(proc.stdout)) == 1
    assert proc.stdout.rstrip().endswith("2 problems and 1 warning found in the knowledge base.")  # missing author, unknown writer


def test_a_why_question_the_answer_neither_answers_nor_declines_is_flagged(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    # prisoner-exchange gives no reason and says nothing of one: a why-question there restates.
    replace_once(path, '      - "prisoner exchange"\n',
                 '      - "prisoner exchange"\n      - "so why did they swap prisoners"\n')
    proc = run_cli("validate", str(knowledge_copy))
    assert proc.returncode == 0, proc.stdout
    [warning] = warnings_in(proc.stdout)
    assert int(warning["line"]) == line_of(path, "so why did they swap prisoners")
    assert "flagged for review" in warning["message"] and "'prisoner-exchange'" in warning["message"]
    assert run_cli("validate", "--strict", str(knowledge_copy)).returncode == 1

    # Saying that the article gives no reason (the phrasebook's words) answers the flag ...
    text = path.read_text(encoding="utf-8")
    answer_start = text.index("answer:", text.index("so why did they swap prisoners"))
    path.write_text(text[:answer_start] + "answer: >-\n      The article does not say why. " + text[answer_start + len("answer: >-\n      "):],
                    encoding="utf-8")
    assert run_cli("validate", "--strict", str(knowledge_copy)).returncode == 0


def test_an_entry_marked_as_giving_reasons_is_not_flagged(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, '      - "prisoner exchange"\n',
                 '      - "prisoner exchange"\n      - "why did they swap prisoners"\n')
    assert run_cli("validate", "--strict", str(knowledge_copy)).returncode == 1
    replace_once(path, "  - id: prisoner-exchange\n", "  - id: prisoner-exchange\n    gives_reasons: true\n")
    proc = run_cli("validate", "--strict", str(knowledge_copy))
    assert proc.returncode == 0, proc.stdout


def test_a_review_value_that_is_not_text_is_still_a_mark(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "  - id: minerals-deal\n", "  - id: minerals-deal\n    review:\n")
    proc = run_cli("validate", str(knowledge_copy))
    assert proc.returncode == 0 and len(warnings_in(proc.stdout)) == 1


def test_the_running_bot_loads_knowledge_with_warnings_and_logs_them_once(
        knowledge_copy: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "  - id: minerals-deal\n", "  - id: minerals-deal\n    review: draft\n")
    with caplog.at_level(logging.WARNING, logger="bot.live"):
        live = LiveKnowledge(knowledge_copy)
    assert live.engine.knowledge.entry("minerals-deal") is not None
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.live"]
    assert len(logged) == 1
    assert "1 warning(s)" in logged[0] and f"{ASSESSMENT_FILE}:{line_of(path, 'review: draft')}:" in logged[0]
