"""An assessment's optional `phases:`, checked against that file's own timeline.

A phase groups events of the same file: each named event must exist there, be dated within the
phase's `from`..`to` (both days included; an event's date is the day the file gives, whatever its
precision) and belong to no other phase; phases of one assessment do not overlap, so that they can be
drawn as bands side by side. Quotes are verbatim from the article, as everywhere else.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

from bot.knowledge.document import Document
from bot.knowledge.model import Assessment, Event, Phase
from bot.knowledge.schema import Checker, fold_whitespace, items_of

TITLE_MAX = 60      # a title is drawn on the timeline picture and heads an embed field
SUMMARY_MAX = 250   # one or two short sentences: a line or two in the /timeline summary


def with_phases(assessment: Assessment, doc: Document, check: Checker) -> Assessment:
    """`assessment` with the phases its file gives (none when it has no `phases:`)."""
    if not isinstance(doc.data, dict) or doc.data.get("phases") is None:
        return assessment
    phases = load_phases(doc.data["phases"], assessment.timeline, assessment.id, assessment.source_text, check)
    return dataclasses.replace(assessment, phases=phases)


def load_phases(value: Any, timeline: tuple[Event, ...], assessment_id: str, source: str, check: Checker) -> tuple[Phase, ...]:
    """The phases of one assessment file; every problem goes to `check`, pinned to its line."""
    events = {event.id: event for event in timeline}
    phases: list[Phase] = []
    dated_phases: list[tuple[int, Phase]] = []
    grouped: dict[str, int] = {}  # event id -> index of the phase that groups it
    ids: dict[str, int] = {}
    for index, item in enumerate(items_of(value, ("phases",), check, minimum=0)):
        phase, dated = _load_phase(item, ("phases", index), assessment_id, source, check)
        if phase.id and phase.id in ids:
            check.add(("phases", index, "id"), f"duplicate phase id '{phase.id}' (first at phases[{ids[phase.id]}])")
        ids.setdefault(phase.id, index)
        _check_events(phase, index, dated, events, grouped, check)
        if dated:
            dated_phases.append((index, phase))
        phases.append(phase)
    _check_overlaps(dated_phases, check)
    return tuple(phases)


def _check_overlaps(dated: list[tuple[int, Phase]], check: Checker) -> None:
    """Each phase that begins before an earlier-starting one has ended, reported once (sorted by start,
    so a file of thousands of phases is checked in a moment)."""
    latest: tuple[int, Phase] | None = None  # of the phases so far, the one that ends last
    for index, phase in sorted(dated, key=lambda item: (item[1].start, item[0])):
        if latest is not None and phase.start <= latest[1].end:
            other_index, other = latest
            check.add(("phases", index, "from"), f"{_span(phase)} overlaps phases[{other_index}] "
                                                 f"({_span(other)}); phases of one assessment do not overlap")
        if latest is None or phase.end > latest[1].end:
            latest = (index, phase)


def _load_phase(item: Any, path: tuple, assessment_id: str, source: str, check: Checker) -> tuple[Phase, bool]:
    """The phase, and whether it has a valid date range (without one, nothing can be placed in it, so
    its events' dates and its neighbours are not checked against it: each problem is reported once)."""
    raw = check.mapping(item, path, ("id", "title", "from", "to", "summary", "events"), ("quotes",))
    title = check.text(raw.get("title"), path + ("title",))
    if len(title) > TITLE_MAX:
        check.add(path + ("title",), f"{len(title)} characters, at most {TITLE_MAX} (titles are drawn on the timeline picture)")
    summary = fold_whitespace(check.text(raw.get("summary"), path + ("summary",)))
    if len(summary) > SUMMARY_MAX:
        check.add(path + ("summary",), f"{len(summary)} characters, at most {SUMMARY_MAX}: one or two sentences")
    start = check.date(raw.get("from"), path + ("from",)) if "from" in raw else None
    end = check.date(raw.get("to"), path + ("to",)) if "to" in raw else None
    if start and end and start > end:
        check.add(path + ("to",), f"{end.isoformat()} is before the phase's start, {start.isoformat()}")
    phase = Phase(
        id=check.slug(raw.get("id"), path + ("id",)),
        assessment_id=assessment_id,
        title=title,
        start=start or dt.date.min,
        end=end or dt.date.min,
        summary=summary,
        events=check.texts(raw.get("events"), path + ("events",)),
        quotes=check.quotes(raw["quotes"], path + ("quotes",), source) if "quotes" in raw else (),
    )
    return phase, bool(start and end and start <= end)


def _check_events(phase: Phase, index: int, dated: bool, events: dict[str, Event], grouped: dict[str, int],
                  check: Checker) -> None:
    for position, event_id in enumerate(phase.events):
        path = ("phases", index, "events", position)
        event = events.get(event_id)
        if event is None:
            check.add(path, f"unknown event '{event_id}': not an id in this file's timeline")
            continue
        if dated and not phase.start <= event.date <= phase.end:
            check.add(path, f"event '{event_id}' is dated {event.date.isoformat()}, outside this phase ({_span(phase)})")
        if event_id in grouped:
            where = "this phase" if grouped[event_id] == index else f"phases[{grouped[event_id]}]"
            check.add(path, f"event '{event_id}' is already in {where}; an event belongs to one phase")
        else:
            grouped[event_id] = index


def _span(phase: Phase) -> str:
    return f"{phase.start.isoformat()} to {phase.end.isoformat()}"
