"""An assessment's phases, on the YAML files on disk: the shipped ones, and copies broken in the ways a
maintainer might break them, each problem reported at its file, line and field."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from bot.knowledge import KnowledgeBase, fold_whitespace
from tests.conftest import ASSESSMENT_FILE
from tests.test_knowledge import line_of, problems_of, replace_once

FILE = f"knowledge/{ASSESSMENT_FILE}"


def test_the_shipped_phases_run_from_the_oval_office_to_mid_may_and_group_every_event_of_2025(knowledge: KnowledgeBase) -> None:
    phases = knowledge.phases_of("herbst-2025-05")
    assert 4 <= len(phases) <= 6
    assert phases[0].start == dt.date(2025, 2, 28) and "event-oval-office-meeting" in phases[0].events
    assert dt.date(2025, 5, 10) <= phases[-1].end <= dt.date(2025, 5, 20)
    grouped = [event_id for phase in phases for event_id in phase.events]
    assert len(grouped) == len(set(grouped))  # an event belongs to one phase
    assert set(grouped) == {e.id for e in knowledge.timeline if e.date.year == 2025}
    for phase in phases:
        assert phase.title and phase.summary
        assert "Herbst" in phase.summary or not _opinionated(phase.summary), phase.summary  # judgements attributed
        assert all(phase.start <= knowledge.event(e).date <= phase.end for e in phase.events)
        assert all(fold_whitespace(q) in knowledge.assessment(phase.assessment_id).source_text for q in phase.quotes)


def _opinionated(summary: str) -> bool:
    """Words of judgement that must be attributed to the author when a summary uses them."""
    return any(word in summary.casefold() for word in ("damaging", "carrots", "cynical", "bid to", "severe"))


def test_an_unknown_event_is_reported_at_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "events: [event-minerals-deal, ", "events: [event-minerals-dael, ")
    line = line_of(path, "event-minerals-dael")
    assert problems_of(knowledge_copy) == [
        f"{FILE}:{line}: phases[2].events[0]: unknown event 'event-minerals-dael': not an id in this file's timeline"]


def test_an_event_outside_its_phase_is_reported_with_its_date(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "    to: 2025-04-29\n", "    to: 2025-04-20\n")  # Crimea (April 25) now falls outside
    line = line_of(path, "events: [event-naval-ceasefire-proposal, event-crimea-proposal]")
    assert problems_of(knowledge_copy) == [
        f"{FILE}:{line}: phases[1].events[1]: event 'event-crimea-proposal' is dated 2025-04-25, "
        "outside this phase (2025-03-25 to 2025-04-20)"]


def test_a_quote_not_in_the_article_is_reported_at_its_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    head, phases = text.split("\nphases:\n", 1)  # the same quote backs an entry above: change the phase's
    phases = phases.replace('"Ukraine agreed without objection to the mid-March', '"Ukraine agreed gladly to the mid-March', 1)
    path.write_text(head + "\nphases:\n" + phases, encoding="utf-8")
    line = line_of(path, '"Ukraine agreed gladly')
    [problem] = problems_of(knowledge_copy)
    assert problem.startswith(f"{FILE}:{line}: phases[0].quotes[1]: quote not found verbatim in the source text: "
                              "'Ukraine agreed gladly to the mid-March"), problem


def test_reversed_dates_overlaps_shared_events_and_typos_are_all_reported(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "    from: 2025-04-30\n    to: 2025-05-09\n", "    from: 2025-05-09\n    to: 2025-04-30\n")
    replace_once(path, "    from: 2025-05-13\n", "    from: 2025-05-12\n    form: 2025-05-13\n")
    replace_once(path, "event-trump-thursday-statement, ", "event-trump-thursday-statement, event-zelenskyy-reverses, ")
    problems = problems_of(knowledge_copy)
    assert problems == [
        f"{FILE}:{line_of(path, '    to: 2025-04-30')}: phases[2].to: 2025-04-30 is before the phase's start, 2025-05-09",
        f"{FILE}:{line_of(path, '    from: 2025-05-12')}: phases[4].from: 2025-05-12 to 2025-05-16 overlaps phases[3] "
        "(2025-05-10 to 2025-05-12); phases of one assessment do not overlap",
        f"{FILE}:{line_of(path, '    form: 2025-05-13')}: phases[4].form: unknown field 'form' "
        "(allowed: id, title, from, to, summary, events, quotes)",
        f"{FILE}:{line_of(path, 'event-zelenskyy-reverses, event-us')}: phases[4].events[4]: event "
        "'event-zelenskyy-reverses' is already in phases[3]; an event belongs to one phase",
    ]


def test_validate_names_a_bad_phase_at_its_line_on_the_command_line(knowledge_copy: Path) -> None:
    path = knowledge_copy / ASSESSMENT_FILE
    replace_once(path, "  - id: offers-to-moscow\n", "  - id: offers-to-moscow\n    title: Twice\n")
    environment = {k: v for k, v in os.environ.items() if k != "KNOWLEDGE_DIR"}
    done = subprocess.run([sys.executable, "-m", "bot", "validate", str(knowledge_copy)], capture_output=True,
                          text=True, timeout=60, cwd=knowledge_copy.parent, env=environment)
    assert done.returncode == 1
    assert f"{FILE}:{line_of(path, '    title: Twice') + 1}: phases[1].title: key appears twice" in done.stdout, done.stdout


def test_an_assessment_without_phases_still_loads(knowledge_copy: Path) -> None:
    from bot.knowledge import load_knowledge

    path = knowledge_copy / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("\nphases:\n", 1)
    path.write_text(head + "\ntimeline:\n" + rest.split("\ntimeline:\n", 1)[1], encoding="utf-8")
    loaded = load_knowledge(knowledge_copy)
    assert loaded.phases == () and len(loaded.timeline) == 23
