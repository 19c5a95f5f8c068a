"""The knowledge base as immutable values: assessments, their entries, timeline events, the phases
that group those events, out-of-scope kinds of question, and the shared vocabulary. Nothing here reads a file or imports Discord.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
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
    assessment_id: str
    questions: tuple[str, ...]
    reason: str


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
    reason: tuple[str, ...] = ()
    number: tuple[str, ...] = ()
    # Words with which an answer says the article gives no reason ("does not say why"): `validate` reads
    # them to tell an entry that takes why-questions honestly from one that restates (see review.py).
    no_reason: tuple[str, ...] = ()
    address: tuple[str, ...] = ()
    article: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    assessments: tuple[Assessment, ...]
    vocabulary: Vocabulary
    phrasebook: Phrasebook = Phrasebook()

    # Derived once per knowledge base (it never changes): autocomplete and buttons read these often.
    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for a in self.assessments for e in a.entries)

    @cached_property
    def timeline(self) -> tuple[Event, ...]:
        """Every event of every assessment, oldest first."""
        events = (e for a in self.assessments for e in a.timeline)
        return tuple(sorted(events, key=lambda e: e.date))  # stable: same-day events keep the article's order

    @cached_property
    def phases(self) -> tuple[Phase, ...]:
        """Every phase of every assessment, earliest first."""
        return tuple(sorted((p for a in self.assessments for p in a.phases), key=lambda p: (p.start, p.end)))

    def phases_of(self, assessment_id: str | None = None) -> tuple[Phase, ...]:
        """The phases, or only those of one assessment."""
        return tuple(p for p in self.phases if assessment_id is None or p.assessment_id == assessment_id)

    @cached_property
    def out_of_scope(self) -> tuple[OutOfScope, ...]:
        return tuple(o for a in self.assessments for o in a.out_of_scope)

    @cached_property
    def actors(self) -> tuple[str, ...]:
        return tuple(sorted({actor for e in self.timeline for actor in e.actors}))

    @cached_property
    def _by_id(self) -> dict[str, Assessment | Entry | Event]:
        return {item.id: item for item in (*self.assessments, *self.entries, *self.timeline)}

    def assessment(self, assessment_id: str) -> Assessment:
        found = self._by_id[assessment_id]
        assert isinstance(found, Assessment)
        return found

    def entry(self, entry_id: str) -> Entry | None:
        found = self._by_id.get(entry_id)
        return found if isinstance(found, Entry) else None

    def event(self, event_id: str) -> Event | None:
        found = self._by_id.get(event_id)
        return found if isinstance(found, Event) else None

    def actor(self, name: str) -> str | None:
        """The timeline's spelling of an actor named in any case ("russia" -> "Russia"), or None."""
        return next((a for a in self.actors if a.casefold() == name.strip().casefold()), None)

    def events_of(self, actor: str | None) -> tuple[Event, ...]:
        """The timeline, or only the events involving `actor` (named in any case)."""
        if actor is None:
            return self.timeline
        canonical = self.actor(actor)
        return tuple(e for e in self.timeline if canonical in e.actors)
