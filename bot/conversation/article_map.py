"""Where entries sit in the article: which are neighbours, and which timeline events each one reports."""

from __future__ import annotations

from collections.abc import Iterable

from bot.knowledge import Entry, KnowledgeBase, fold_whitespace

NEARBY_CHARS = 250       # quotes this close in the article make two entries related
SUMMARY_SPANS = 5        # an entry quoting more places than this sums up the article: never "related"


class ArticleMap:
    """Which entries sit near each other in the article, and which timeline events each one reports."""

    def __init__(self, knowledge: KnowledgeBase):
        self.knowledge = knowledge
        # Keyed by Entry.key; the events are those of the entry's own assessment, by id.
        self._spans: dict[str, list[tuple[int, int]]] = {}
        self._events: dict[str, list[str]] = {}
        for assessment in knowledge.assessments:
            source = assessment.source_text
            for entry in assessment.entries:
                self._spans[entry.key] = _spans(source, entry.sources)
                self._events[entry.key] = [
                    e.id for e in assessment.timeline if _overlap(self._spans[entry.key], _spans(source, e.sources))
                ]

    def related(self, entry: Entry) -> list[Entry]:
        """Entries quoting the same or nearby sentences of the same article, nearest first."""
        mine = self._spans.get(entry.key, [])
        scored = []
        for other in self.knowledge.entries:
            theirs = self._spans.get(other.key, [])
            if other.key == entry.key or other.assessment_id != entry.assessment_id or len(theirs) > SUMMARY_SPANS:
                continue
            gap = min((_gap(a, b) for a in mine for b in theirs), default=None)
            if gap is not None and gap <= NEARBY_CHARS:
                scored.append((gap, theirs[0][0] if theirs else 0, other))
        return [other for _gap_, _start, other in sorted(scored, key=lambda item: item[:2])]

    def events(self, entry: Entry) -> list[str]:
        """The ids of the timeline events `entry` quotes."""
        return self._events.get(entry.key, [])

    def neighbour_in_time(self, entry: Entry, direction: str) -> Entry | None:
        """The entry reporting the timeline event right after (or before) those `entry` reports, in the
        merged timeline of the series (from `entry`'s own assessment when several report that event)."""
        events = self._events.get(entry.key, [])
        timeline = [e.id for e in self.knowledge.timeline]
        if not events:
            return None
        positions = [timeline.index(e) for e in events]
        step = 1 if direction == "next" else -1
        position = (max(positions) if step > 0 else min(positions)) + step
        while 0 <= position < len(timeline):
            event = timeline[position]
            reporting = [e for e in self.knowledge.entries if event in self._events.get(e.key, ())
                         and len(self._spans.get(e.key, ())) <= SUMMARY_SPANS and e.key != entry.key]
            if reporting:
                # The entry that quotes the event most narrowly is the one about it (its own assessment's first).
                return min(reporting, key=lambda e: (e.assessment_id != entry.assessment_id, sum(b - a for a, b in self._spans[e.key])))
            position += step
        return None


def _spans(source: str, quotes: Iterable[str]) -> list[tuple[int, int]]:
    found = []
    for quote in quotes:
        start = source.find(fold_whitespace(quote))
        if start >= 0:
            found.append((start, start + len(fold_whitespace(quote))))
    return found


def _gap(a: tuple[int, int], b: tuple[int, int]) -> int:
    """Characters between two spans of the article (0 when they overlap)."""
    return max(0, max(a[0], b[0]) - min(a[1], b[1]))


def _overlap(mine: list[tuple[int, int]], theirs: list[tuple[int, int]]) -> bool:
    return any(_gap(a, b) == 0 for a in mine for b in theirs)
