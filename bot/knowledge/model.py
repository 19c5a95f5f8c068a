"""The knowledge base as immutable values: assessments, their entries, timeline events, the phases
that group those events, out-of-scope kinds of question, and the shared vocabulary. Nothing here reads a
file or imports Discord.

Assessments form a series. An entry's, event's or out-of-scope kind's id is unique within its
assessment, and the same id may appear in several (every assessment has its own `author`): an entry
is identified by its assessment and its id, written as its `key`, "herbst-2025-05/author".
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property


@dataclass(frozen=True)
class Published:
    date: dt.date
    precision: str
    note: str


@dataclass(frozen=True)
class Entry:
    id: str
    assessment_id: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    tags: tuple[str, ...]
    # The answer gives the article's reason for what it reports ("a bid to delay ..."), so a why-question
    # may be answered with it; otherwise the bot says first that the article doesn't say why.
    gives_reasons: bool = False

    @property
    def key(self) -> str:
        """The entry across the series: "<assessment id>/<entry id>"."""
        return f"{self.assessment_id}/{self.id}"


@dataclass(frozen=True)
class Event:
    id: str
    assessment_id: str
    date: dt.date
    precision: str
    when: str
    event: str
    actors: tuple[str, ...]
    sources: tuple[str, ...]
    # The assessments reporting this event, in series order. An event of the merged timeline reported
    # by several (the same event id in each) holds all of them; its other fields are the latest's.
    reported_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phase:
    """A stretch of an assessment's timeline, told in a sentence or two: the events it groups (ids of
    that assessment's events, all dated within `start`..`end`, both days included)."""

    id: str
    assessment_id: str
    title: str
    start: dt.date
    end: dt.date
    summary: str
    events: tuple[str, ...]
    quotes: tuple[str, ...] = ()


@dataclass(frozen=True)
class OutOfScope:
    """A kind of question near the article that it does not answer: the bot declines it, saying why."""

    id: str
    assessment_id: str  # "" for a kind shared by the whole series (knowledge/shared.yaml)
    questions: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class WhatsNew:
    """What an assessment reports that is new since the one before, in the maintainer's words, with
    optional verbatim quotes of its article: the answer to "what changed since the last assessment?"."""

    summary: str
    sources: tuple[str, ...] = ()


WHATS_NEW_ID = "whats-new"  # the entry id under which an assessment's `whats_new` is answered


@dataclass(frozen=True)
class Assessment:
    id: str
    title: str
    author: str
    publisher: str
    published: Published
    source: str
    source_text: str
    entries: tuple[Entry, ...]
    timeline: tuple[Event, ...]
    author_role: str = ""
    series: str = ""
    number: int | None = None
    out_of_scope: tuple[OutOfScope, ...] = ()
    phases: tuple[Phase, ...] = ()
    whats_new: WhatsNew | None = None


def series_order(assessment: Assessment) -> tuple:
    """Sort key of the series: publication date, then number (an unnumbered one first), then id."""
    return (assessment.published.date, assessment.number or 0, assessment.id)


@dataclass(frozen=True)
class Vocabulary:
    """Shared spellings: `synonyms` maps each variant (lower case) to its canonical term."""

    synonyms: Mapping[str, str]
    stopwords: frozenset[str]


@dataclass(frozen=True)
class SmallTalk:
    """One kind of small talk (greeting, thanks, ...): what people say, and what the bot replies."""

    kind: str
    phrasings: tuple[str, ...]
    replies: tuple[str, ...]


@dataclass(frozen=True)
class SeriesWords:
    """How a question names one assessment of the series (knowledge/conversation.yaml, `series:`).

    `ordinals` and `months` hold one item per position ("second 2nd" is number 2, "june jun" month 6),
    its alternatives separated by spaces; the others are lists of phrases."""

    nouns: tuple[str, ...] = ()
    determiners: tuple[str, ...] = ()
    latest: tuple[str, ...] = ()
    previous: tuple[str, ...] = ()
    earliest: tuple[str, ...] = ()
    ordinals: tuple[str, ...] = ()
    months: tuple[str, ...] = ()
    marks: tuple[str, ...] = ()
    whats_new: tuple[str, ...] = ()
    since: tuple[str, ...] = ()


@dataclass(frozen=True)
class Phrasebook:
    """How the bot holds a conversation (knowledge/conversation.yaml): small talk, and the words that
    mark a follow-up, a question and its kind, and a question put to the bot in a listen channel."""

    small_talk: tuple[SmallTalk, ...] = ()
    more: tuple[str, ...] = ()
    next: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    pointers: tuple[str, ...] = ()
    demonstratives: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    elliptical: tuple[str, ...] = ()
    accept_suggestion: tuple[str, ...] = ()
    openers: tuple[str, ...] = ()
    determiners: tuple[str, ...] = ()
    second_person: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()
    continuations: tuple[str, ...] = ()
    reason: tuple[str, ...] = ()
    number: tuple[str, ...] = ()
    time: tuple[str, ...] = ()
    # Words with which an answer says the article gives no reason ("does not say why"): `validate` reads
    # them to tell an entry that takes why-questions honestly from one that restates (see review.py).
    no_reason: tuple[str, ...] = ()
    # ... that it gives no date ("not whether or when"), and what else it does not give ("does not name"):
    # the conversation tells a question about just that so first.
    no_date: tuple[str, ...] = ()
    not_given: tuple[str, ...] = ()
    # Words that date what an answer reports ("on Thursday", "last weekend"), beside the months and digits.
    dated: tuple[str, ...] = ()
    address: tuple[str, ...] = ()
    article: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    series: SeriesWords = SeriesWords()


@dataclass(frozen=True)
class KnowledgeBase:
    """Every assessment, in series order (the loader sorts them: oldest first, see `series_order`), the
    out-of-scope kinds shared by the series, the shared vocabulary and the phrasebook."""

    assessments: tuple[Assessment, ...]
    vocabulary: Vocabulary
    phrasebook: Phrasebook = Phrasebook()
    shared_out_of_scope: tuple[OutOfScope, ...] = ()

    # Derived once per knowledge base (it never changes): autocomplete and buttons read these often.
    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for a in self.assessments for e in a.entries)

    @property
    def latest(self) -> Assessment:
        return self.assessments[-1]

    @cached_property
    def timeline(self) -> tuple[Event, ...]:
        """Every event of every assessment, oldest first; an event reported by several assessments (the
        same id in each) appears once, as the latest reported it, with all of them in `reported_by`."""
        merged: dict[str, Event] = {}
        for assessment in self.assessments:  # series order: a later report replaces an earlier one
            for event in assessment.timeline:
                earlier = merged.get(event.id)
                own = event.reported_by or (event.assessment_id,)
                reporters = (*earlier.reported_by, *own) if earlier else own
                merged[event.id] = replace(event, reported_by=tuple(dict.fromkeys(reporters)))
        # Stable: same-day events keep the order their articles give them.
        return tuple(sorted(merged.values(), key=lambda e: e.date))

    @cached_property
    def phases(self) -> tuple[Phase, ...]:
        """Every phase of every assessment, earliest first."""
        return tuple(sorted((p for a in self.assessments for p in a.phases), key=lambda p: (p.start, p.end)))

    def phases_of(self, assessment_id: str | None = None) -> tuple[Phase, ...]:
        """The phases, or only those of one assessment."""
        return tuple(p for p in self.phases if assessment_id is None or p.assessment_id == assessment_id)

    @cached_property
    def out_of_scope(self) -> tuple[OutOfScope, ...]:
        return tuple(o for a in self.assessments for o in a.out_of_scope) + self.shared_out_of_scope

    @cached_property
    def actors(self) -> tuple[str, ...]:
        return tuple(sorted({actor for e in self.timeline for actor in e.actors}))

    @cached_property
    def _assessments_by_id(self) -> dict[str, Assessment]:
        return {a.id: a for a in self.assessments}

    @cached_property
    def _entries_by_key(self) -> dict[tuple[str, str], Entry]:
        found = {(e.assessment_id, e.id): e for e in self.entries}
        for assessment in self.assessments:
            whats_new = self.whats_new_entry(assessment)
            if whats_new is not None:
                found.setdefault((assessment.id, whats_new.id), whats_new)
        return found

    @cached_property
    def _events_by_id(self) -> dict[str, Event]:
        return {e.id: e for e in self.timeline}

    @cached_property
    def _events_by_key(self) -> dict[tuple[str, str], Event]:
        return {(a.id, e.id): e for a in self.assessments for e in a.timeline}

    @cached_property
    def _numbers(self) -> dict[str, int]:
        return {a.id: a.number or position for position, a in enumerate(self.assessments, start=1)}

    def assessment(self, assessment_id: str) -> Assessment:
        return self._assessments_by_id[assessment_id]

    def find_assessment(self, assessment_id: str) -> Assessment | None:
        return self._assessments_by_id.get(assessment_id)

    def number_of(self, assessment: Assessment | str) -> int:
        """The assessment's place in the series: its `number`, or else its position (1 for the oldest)."""
        return self._numbers[assessment if isinstance(assessment, str) else assessment.id]

    def numbered(self, number: int) -> Assessment | None:
        """The assessment whose place in the series (`number_of`) is `number`, or None."""
        return next((a for a in self.assessments if self._numbers[a.id] == number), None)

    def entry(self, entry_id: str, assessment_id: str | None = None) -> Entry | None:
        """The entry an id names: a key ("herbst-2025-05/author"), an id within `assessment_id`, or a plain
        id alone (as recorded before the series), which means the first assessment holding it."""
        if "/" in entry_id:
            assessment_id, _, entry_id = entry_id.partition("/")
        if assessment_id is not None:
            return self._entries_by_key.get((assessment_id, entry_id))
        return next((found for a in self.assessments if (found := self._entries_by_key.get((a.id, entry_id)))), None)

    def whats_new_entry(self, assessment: Assessment) -> Entry | None:
        """The assessment's `whats_new` as an entry to answer with (id WHATS_NEW_ID), or None without one."""
        if assessment.whats_new is None:
            return None
        question = f"What is new in assessment no. {self.number_of(assessment)}?"
        return Entry(WHATS_NEW_ID, assessment.id, (question,), assessment.whats_new.summary,
                     assessment.whats_new.sources, ("whats-new",))

    def event(self, event_id: str, assessment_id: str | None = None) -> Event | None:
        """An event of the merged timeline; with `assessment_id`, the event as that assessment reports it
        (in its own words), or None when it does not."""
        if assessment_id is not None:
            return self._events_by_key.get((assessment_id, event_id))
        return self._events_by_id.get(event_id)

    def actor(self, name: str) -> str | None:
        """The timeline's spelling of an actor named in any case ("russia" -> "Russia"), or None."""
        return next((a for a in self.actors if a.casefold() == name.strip().casefold()), None)

    def events_of(self, actor: str | None, assessment: str | None = None) -> tuple[Event, ...]:
        """The merged timeline, or only the events involving `actor` (named in any case); with
        `assessment` (an id), only the events that assessment reports, in its own words."""
        if assessment is None:
            events = self.timeline
        else:
            events = tuple(sorted(self.assessment(assessment).timeline, key=lambda e: e.date))
        if actor is None:
            return events
        canonical = self.actor(actor)
        return tuple(e for e in events if canonical in e.actors)
