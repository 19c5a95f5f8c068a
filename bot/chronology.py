"""The timeline at a glance, Discord-free: its span, its phases, its events, and a colour for each actor.

Shared by the /timeline summary (bot/render.py) and its picture (bot/timeline_picture.py), so both
tell the same span, number the phases alike and colour the actors alike. Every function takes the
knowledge base and an optional assessment, so that one assessment of a series can be shown alone.

Once the series holds more than one assessment, the whole timeline marks each phase with its
assessment's number ("No. 2"), and one assessment shown alone says which it is; an event that several
assessments report is shown once, with all of them as its sources (`reporters`).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from bot.knowledge import Event, KnowledgeBase, Phase


@dataclass(frozen=True)
class Swatch:
    """An actor's colour: `rgb` on the picture, `emoji` (the nearest coloured square) in Discord menus."""

    rgb: tuple[int, int, int]
    emoji: str


# Okabe and Ito's palette, told apart with every common kind of colour blindness, in an order whose
# first colours differ most; dark enough to stand out on the picture's light card.
PALETTE = (
    Swatch((0, 114, 178), "🟦"),    # blue
    Swatch((213, 94, 0), "🟥"),     # vermilion
    Swatch((0, 158, 115), "🟩"),    # bluish green
    Swatch((204, 121, 167), "🟪"),  # reddish purple
    Swatch((230, 159, 0), "🟧"),    # orange
    Swatch((86, 180, 233), "🔵"),   # sky blue
    Swatch((90, 90, 90), "⬛"),     # grey
)


def swatches(knowledge: KnowledgeBase) -> dict[str, Swatch]:
    """A colour for every actor of the knowledge base, by the actors' alphabetical order (so an actor
    keeps its colour whichever assessment is shown); past the palette, colours repeat."""
    return {actor: PALETTE[i % len(PALETTE)] for i, actor in enumerate(knowledge.actors)}


@dataclass(frozen=True)
class Overview:
    """What the timeline summary shows: the phases, earliest first, and every event in date order.

    The span runs from the first phase's start to the last phase's end; without phases, from the first
    event to the last. Events dated outside it (background such as a massacre years before) are
    `outside`; events within it that no phase groups are still drawn on the axis.

    In a series of several assessments, `phase_numbers` holds each phase's assessment number when the
    whole series is shown, and `assessment` the number of the one shown alone; both are empty otherwise,
    so that a knowledge base of one assessment is shown as it always was.
    """

    phases: tuple[Phase, ...]
    events: tuple[Event, ...]
    start: dt.date | None
    end: dt.date | None
    phase_numbers: tuple[int, ...] = ()
    assessment: int | None = None

    @cached_property
    def within(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if self.start is not None and self.start <= e.date <= self.end)

    @cached_property
    def outside(self) -> tuple[Event, ...]:
        return tuple(e for e in self.events if self.start is None or not self.start <= e.date <= self.end)

    @property
    def label(self) -> str:
        """The span in words: "Feb 28 – May 16, 2025"; without phases, as precisely as the article dates
        its first and last events ("2022 – May 16, 2025")."""
        if self.start is None or self.end is None:
            return ""
        if self.phases or self.start == self.end:
            return span_label(self.start, self.end)
        first, last = self.events[0], self.events[-1]
        return f"{date_label(first.date, first.precision)} – {date_label(last.date, last.precision)}"

    @cached_property
    def actors(self) -> tuple[str, ...]:
        """The actors of the events within the span, alphabetically."""
        return tuple(sorted({actor for event in self.within for actor in event.actors}))


def overview(knowledge: KnowledgeBase, assessment_id: str | None = None) -> Overview:
    """The timeline of the knowledge base (the series merged), or of one assessment: every event it
    reports, in its own words, those that later assessments report again included; none for an
    assessment the knowledge base does not hold."""
    phases = knowledge.phases_of(assessment_id)
    shown = knowledge.find_assessment(assessment_id) if assessment_id is not None else None
    if assessment_id is None:
        events = knowledge.timeline
    else:
        events = knowledge.events_of(None, shown.id) if shown is not None else ()
    if phases:
        start, end = min(p.start for p in phases), max(p.end for p in phases)
    elif events:
        start, end = events[0].date, events[-1].date
    else:
        start = end = None
    if len(knowledge.assessments) < 2:
        return Overview(phases, events, start, end)
    if assessment_id is None:
        return Overview(phases, events, start, end, tuple(knowledge.number_of(p.assessment_id) for p in phases))
    return Overview(phases, events, start, end, assessment=knowledge.number_of(shown) if shown is not None else None)


def reporters(knowledge: KnowledgeBase, event: Event) -> tuple[str, ...]:
    """The ids of the assessments that report `event`, in series order: read from the merged timeline,
    so that an event shown in one assessment's words still names every assessment that reports it."""
    merged = knowledge.event(event.id)
    return merged.reported_by if merged is not None and merged.reported_by else (event.assessment_id,)


def numbers_label(numbers: Iterable[int]) -> str:
    """Assessment numbers in words: "No. 2", "Nos. 1 and 2", "Nos. 1, 2 and 4"."""
    shown = [str(n) for n in numbers]
    if len(shown) == 1:
        return f"No. {shown[0]}"
    return f"Nos. {', '.join(shown[:-1])} and {shown[-1]}"


def actor_order(view: Overview, limit: int | None = None) -> tuple[str, ...]:
    """The actors in the order that keeps the actors of each event together: the picture's rows top to
    bottom (its lines joining one event's actors are then shortest) and the order of the actor buttons.
    Alphabetical among equals, and alone past six actors, where trying every order would cost too much.
    With `limit`, only that many actors: those in the most events."""
    actors = view.actors
    if limit is not None and len(actors) > limit:
        involved = Counter(actor for event in view.within for actor in event.actors)
        kept = set(sorted(actors, key=lambda a: (-involved[a], a))[:limit])
        actors = tuple(a for a in actors if a in kept)
    if len(actors) > 6:
        return actors
    row_of = set(actors)
    groups = Counter(frozenset(a for a in event.actors if a in row_of) for event in view.within)
    shared = [(group, count) for group, count in groups.items() if len(group) > 1]

    def length(order: tuple[str, ...]) -> int:
        row = {actor: i for i, actor in enumerate(order)}
        return sum(count * (max(row[a] for a in group) - min(row[a] for a in group)) for group, count in shared)

    return min(itertools.permutations(actors), key=length)


def date_label(date: dt.date, precision: str) -> str:
    """A date as precisely as the article states it: "Feb 28, 2025", "mid Mar 2025", "2022"."""
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return date.strftime("%b %Y")
    if precision == "part-of-month":
        part = "early" if date.day <= 10 else "mid" if date.day <= 20 else "late"
        return f"{part} {date.strftime('%b %Y')}"
    if precision == "week":  # a representative day, not the week's start: say "around"
        return f"around {date.strftime('%b')} {date.day}, {date.year}"
    return f"{date.strftime('%b')} {date.day}, {date.year}"


def day_label(day: dt.date, with_year: bool = False) -> str:
    """ "Feb 28", or "Feb 28, 2025"."""
    return f"{day.strftime('%b')} {day.day}" + (f", {day.year}" if with_year else "")


def span_label(start: dt.date, end: dt.date, with_year: bool = True) -> str:
    """ "Feb 28 – May 16, 2025"; the year on both ends when they differ; one day alone when they agree."""
    if start == end:
        return day_label(start, with_year)
    if start.year != end.year:
        return f"{day_label(start, True)} – {day_label(end, True)}"
    return f"{day_label(start)} – {day_label(end, with_year)}"


def busiest_week(events: tuple[Event, ...]) -> tuple[dt.date, int] | None:
    """The first day of the seven that hold the most events, and how many (the earliest such week);
    None without events."""
    if not events:
        return None
    dates = sorted(e.date for e in events)
    best, best_first, end = 0, dates[0], 0
    for start, first in enumerate(dates):  # a sliding window over the sorted dates
        while end < len(dates) and dates[end] < first + dt.timedelta(days=7):
            end += 1
        if end - start > best:
            best, best_first = end - start, first
    return best_first, best
