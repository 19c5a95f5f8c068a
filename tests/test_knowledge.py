"""The loader and validator, on the YAML files on disk: the shipped ones and broken copies."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from types import MappingProxyType

import pytest

from bot.knowledge import KnowledgeBase, KnowledgeError, fold_whitespace, load_knowledge
from tests.conftest import ASSESSMENT_FILE, reverse_timeline


def problems_of(directory: Path) -> list[str]:
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(directory)
    return [str(p) for p in caught.value.problems]


def line_of(path: Path, needle: str) -> int:
    """The 1-based line where `needle` first appears in the file."""
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if needle in line:
            return number
    raise AssertionError(f"{needle!r} not in {path}")


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_knowledge_loads(knowledge: KnowledgeBase) -> None:
    assessment = knowledge.assessment("herbst-2025-05")
    assert assessment.author == "John E. Herbst"
    assert assessment.publisher.startswith("Atlantic Council")
    assert len(assessment.entries) >= 12
    assert len(assessment.timeline) >= 3


def mutable_parts(value: object, where: str) -> Iterator[str]:
    """Where, inside `value`, a list, dict, set or bytearray sits (through dataclasses, tuples, frozensets
    and read-only mappings)."""
    if isinstance(value, (list, dict, set, bytearray)):
        yield f"{where}: {type(value).__name__}"
    elif dataclasses.is_dataclass(value):
        for field in dataclasses.fields(value):
            yield from mutable_parts(getattr(value, field.name), f"{where}.{field.name}")
    elif isinstance(value, (tuple, frozenset)):
        for index, item in enumerate(value):
            yield from mutable_parts(item, f"{where}[{index}]")
    elif isinstance(value, MappingProxyType):
        for key, item in value.items():
            yield from mutable_parts(item, f"{where}[{key!r}]")


def test_the_loaded_knowledge_holds_nothing_mutable(knowledge: KnowledgeBase) -> None:
    # The running bot shares one knowledge base between the event loop and the reload's worker thread:
    # every list the YAML holds must have become a tuple.
    assert list(mutable_parts(knowledge, "knowledge")) == []


def test_every_quote_is_verbatim_in_its_source(knowledge: KnowledgeBase) -> None:
    for assessment in knowledge.assessments:
        for item in assessment.entries + assessment.timeline:
            for quote in item.sources:
                assert fold_whitespace(quote) in assessment.source_text, (item.id, quote)


def test_the_timeline_is_in_date_order_whatever_the_order_in_the_file(knowledge_copy: Path, knowledge: KnowledgeBase) -> None:
    reverse_timeline(knowledge_copy / ASSESSMENT_FILE)
    reloaded = load_knowledge(knowledge_copy)
    as_written = [e.id for e in reloaded.assessment("herbst-2025-05").timeline]
    assert as_written == [e.id for e in reversed(knowledge.assessment("herbst-2025-05").timeline)]
    dates = [event.date for event in reloaded.timeline]
    assert dates == sorted(dates) and len(set(dates)) > 3
    # Events of one day keep the order the file gives them.
    same_day = [e.id for e in reloaded.timeline if e.date == dt.date(2025, 5, 16)]
    assert same_day == [i for i in as_written if i in same_day] and len(same_day) >= 2


def test_missing_answer_names_file_line_and_field(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    # Drop the first entry's answer key and its block: the entry now lacks a required field.
    block = re.search(r"^    answer: .*\n(?:      .*\n)*", text, re.MULTILINE)
    assert block
    path.write_text(text[: block.start()] + text[block.end():], encoding="utf-8")
    problems = problems_of(knowledge_copy)
    pattern = rf"knowledge/{ASSESSMENT_FILE}:\d+: entries\[0\]: missing required field 'answer'$"
    assert any(re.search(pattern, p) for p in problems), problems
    assert not any("entries[0].answer" in p for p in problems), "a missing field is reported once"


def test_quote_not_in_article_is_reported_at_its_line(knowledge_copy: Path, knowledge: KnowledgeBase) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    quote = knowledge.entries[0].sources[0]
    needle = quote[:40]
    line = line_of(path, needle)
    replace_once(path, needle, "Putin agreed to every Ukrainian demand")
    problems = problems_of(knowledge_copy)
    assert any(f"{ASSESSMENT_FILE}:{line}: entries[0].sources[0]: quote not found verbatim" in p for p in problems), problems


def test_bad_yaml_names_the_file_and_line(knowledge_copy: Path) -> None:
    (knowledge_copy / "broken.yaml").write_text("assessment:\n  id: [unclosed\n", encoding="utf-8")
    problems = problems_of(knowledge_copy)
    assert any(re.search(r"broken\.yaml:\d+: not valid YAML", p) for p in problems), problems


def test_every_problem_is_reported_at_once(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "  author:", "  autor:")
    replace_once(path, "precision:", "precision: fortnight\n    old_precision:")
    (knowledge_copy / "second.yaml").write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    problems = problems_of(knowledge_copy)
    joined = "\n".join(problems)
    assert "unknown field 'autor'" in joined
    assert "missing required field 'author'" in joined
    assert "'fortnight' is not one of" in joined
    assert "duplicate id" in joined and "second.yaml" in joined


def test_bad_date_is_reported_not_raised(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    match = re.compile(r"^    date: (\S+)$", re.MULTILINE).search(text, text.index("\ntimeline:"))
    assert match
    line = text[: match.start()].count("\n") + 1
    path.write_text(text[: match.start(1)] + "2025-02-30" + text[match.end(1):], encoding="utf-8")
    problems = problems_of(knowledge_copy)
    assert any(f"{ASSESSMENT_FILE}:{line}: timeline[0].date: '2025-02-30' is not an ISO date" in p for p in problems), problems


def test_ids_too_long_for_a_button_are_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "- id: author\n", "- id: " + "a" * 70 + "\n")
    problems = problems_of(knowledge_copy)
    assert any("longer than 64 characters" in p for p in problems), problems


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    problems = problems_of(tmp_path / "nowhere")
    assert problems == [f"{tmp_path / 'nowhere'}: knowledge directory not found"]


def test_out_of_scope_kinds_are_validated_like_entries(knowledge_copy: Path, knowledge: KnowledgeBase) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    entry_question = knowledge.entries[0].questions[0]
    head, tail = path.read_text(encoding="utf-8").split("\nout_of_scope:", 1)
    reason_line = next(line for line in tail.splitlines() if line.strip().startswith("reason:"))
    first_question = next(line for line in tail.splitlines() if line.strip().startswith("- \""))
    tail = tail.replace(reason_line, "", 1)  # the first kind loses its reason
    tail = tail.replace(first_question, f'      - "{entry_question}"', 1)  # and repeats an entry's question
    path.write_text(head + "\nout_of_scope:" + tail, encoding="utf-8")
    problems = "\n".join(problems_of(knowledge_copy))
    assert "out_of_scope[0]: missing required field 'reason'" in problems
    assert f"question {entry_question!r} duplicates one in" in problems


def test_actor_names_too_long_for_a_button_are_refused(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    first = re.search(r"^    actors: \[", text, re.MULTILINE)
    assert first
    path.write_text(text[: first.end()] + "The Coalition of Everyone Who Ever Mattered, " + text[first.end():], encoding="utf-8")
    problems = problems_of(knowledge_copy)
    assert any("timeline[0].actors[0]" in p and "longer than 40 characters" in p for p in problems), problems
