"""Counting near-identical questions together ("how many died in the war" and "how many people died in
the war?"), so the report shows what people ask rather than every way they typed it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from rapidfuzz import fuzz, process, utils

# token_sort_ratio of processed wordings at or above which two unanswered questions count as one.
# Calibrated on the pair "how many died in the war" / "how many people died in the war" (87.3);
# different questions that share most words, such as "what is the capital of peru" / "... of france"
# (78.6) or "when did the war start" / "... end" (81.0), stay apart.
GROUPING_CUTOFF = 85.0
MAX_OTHER_WORDINGS = 3
MAX_SUGGESTIONS = 3


@dataclass(frozen=True)
class QuestionRow:
    """Identical stored questions, as the store reads them: every field already of its type."""

    question: str
    entries: tuple[str, ...]       # entry ids suggested (declined) or answered with (low confidence)
    count: int
    last_asked: datetime | None    # UTC; None when no stored time of these could be read
    best_score: float


@dataclass(frozen=True)
class QuestionGroup:
    """Near-identical questions, counted together."""

    wording: str                       # the most frequent wording, as it was asked
    count: int                         # how many times any wording of the group was asked
    other_wordings: tuple[str, ...]    # a few other distinct wordings, most frequent first
    last_asked: datetime | None        # UTC; None only when no time of the group could be read
    best_score: float                  # the engine's best score for any of them (0..100)
    suggestions: tuple[str, ...]       # entry ids offered (or answered with) most often, most often first


@dataclass
class _Wording:
    """Every question whose processed text is `key`: its tallies and its written forms."""

    key: str
    count: int = 0
    last_asked: datetime | None = None
    best_score: float = 0.0
    forms: Counter[str] = field(default_factory=Counter)
    suggestions: Counter[str] = field(default_factory=Counter)

    def add(self, row: QuestionRow) -> None:
        self.count += row.count
        self.last_asked = _latest(self.last_asked, row.last_asked)
        self.best_score = max(self.best_score, row.best_score)
        self.forms[row.question] += row.count
        for entry in row.entries:
            self.suggestions[entry] += row.count


def group_questions(rows: Sequence[QuestionRow]) -> list[QuestionGroup]:
    """Groups of near-identical questions, the most asked first (then the most recently asked).

    Wordings equal after rapidfuzz's default_process (case, punctuation) are one wording. Then, most
    frequent wording first, each wording not yet grouped becomes a group's representative and takes every
    ungrouped wording within GROUPING_CUTOFF of it. Comparing with the representative only, not with any
    member, keeps a chain of small differences from joining unrelated questions.
    """
    wordings: dict[str, _Wording] = {}
    for row in rows:
        key = utils.default_process(row.question)
        wordings.setdefault(key, _Wording(key)).add(row)

    # Most frequent first, then most recently asked: stable sorts, least significant key first.
    ordered = sorted(wordings.values(), key=lambda w: w.key)
    ordered.sort(key=lambda w: _recency(w.last_asked), reverse=True)
    ordered.sort(key=lambda w: w.count, reverse=True)
    ungrouped = {index: wording.key for index, wording in enumerate(ordered)}
    groups: list[QuestionGroup] = []
    for index, representative in enumerate(ordered):
        if index not in ungrouped:
            continue
        del ungrouped[index]
        members = [representative]
        if representative.key and ungrouped:
            # With a dict of choices, extract yields (choice, score, key): the key is the index in `ordered`.
            hits = process.extract(
                representative.key, ungrouped, scorer=fuzz.token_sort_ratio, score_cutoff=GROUPING_CUTOFF, limit=None
            )
            for _choice, _score, member in sorted(hits, key=lambda hit: hit[2]):
                members.append(ordered[member])
                del ungrouped[member]
        groups.append(_make_group(members))
    groups.sort(key=lambda g: (-g.count, -_recency(g.last_asked)))
    return groups


def _make_group(members: list[_Wording]) -> QuestionGroup:
    suggestions: Counter[str] = Counter()
    last_asked = None
    for member in members:
        suggestions.update(member.suggestions)
        last_asked = _latest(last_asked, member.last_asked)
    return QuestionGroup(
        wording=members[0].forms.most_common(1)[0][0],
        count=sum(m.count for m in members),
        other_wordings=tuple(m.forms.most_common(1)[0][0] for m in members[1 : MAX_OTHER_WORDINGS + 1]),
        last_asked=last_asked,
        best_score=max(m.best_score for m in members),
        suggestions=tuple(s for s, _ in suggestions.most_common(MAX_SUGGESTIONS)),
    )


def _latest(a: datetime | None, b: datetime | None) -> datetime | None:
    return b if a is None else a if b is None else max(a, b)


def _recency(moment: datetime | None) -> float:
    # An unreadable time sorts as the oldest.
    return moment.timestamp() if moment is not None else float("-inf")
