"""Which assessment of the series a question is about, and what is new from one assessment to the next.

A question may name an assessment: "in the first assessment", "the latest one", "the previous piece",
"assessment no. 2", "#2", "the second assessment", "the June assessment", "Herbst's May piece". `SeriesReader`
finds such a reference, says which assessment it names (or that the series holds none such), and gives
the question with the reference made neutral ("who wrote the first assessment?" -> "who wrote the
assessment"), for the engine to answer within that assessment. It also reads the questions about the
series itself ("what changed since the last assessment?", "what's new in the latest one?"), answered from
each assessment's `whats_new`.

The words are data (knowledge/conversation.yaml, `series:`); nothing here imports the engine or Discord.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process, utils

from bot.knowledge import Assessment, KnowledgeBase
from bot.text import stem, words

LATEST, PREVIOUS, EARLIEST, NUMBER, MONTH = "latest", "previous", "earliest", "number", "month"
MARKED = "marked"          # a number after a mark ("number 2", "#2"): a reference without a noun
MAX_NUMBER = 999           # "no. 2025" is a year, not a number in the series
YEARS = range(1900, 2200)
CHOICE_CUTOFF = 50.0       # rapidfuzz WRatio below which an autocomplete choice is noise
TITLE_CUTOFF = 80.0        # WRatio from which typed text names an assessment by its title

_HASH_NUMBER = re.compile(r"#\s*(\d+)")
_NO_NUMBER = re.compile(r"\bno\.\s*(\d+)")
_DATE = re.compile(r"^\d{4}(-\d{2}){0,2}$")


@dataclass(frozen=True)
class Reference:
    """An assessment named in a question."""

    assessment: Assessment | None  # None: the series holds no such assessment ("the previous one" of one)
    question: str                  # the question with the reference made neutral ("... the assessment ...")
    named: str                     # the words that named it, without their determiner ("June assessment")
    since: bool = False            # after "since", "compared to": the question asks what came after it


@dataclass(frozen=True)
class WhatsNewQuestion:
    """A question about what is new: `assessments` are those whose `whats_new` answers it, oldest first
    (the one named, or every one after it for "since ..."); none when the series holds none such."""

    reference: Reference
    assessments: tuple[Assessment, ...]


class _Phrases:
    """Word sequences, matched at a position of a token list, longest first; each with a value."""

    def __init__(self, phrases: Iterable[tuple[Sequence[str], object]]):
        self._value: dict[tuple[str, ...], object] = {}
        for phrase, value in phrases:
            key = tuple(phrase)
            if key:
                self._value.setdefault(key, value)
        self._longest = max((len(k) for k in self._value), default=0)

    def at(self, tokens: Sequence[str], i: int) -> tuple[int, object] | None:
        """(length, value) of the longest phrase starting at tokens[i], or None."""
        for size in range(min(self._longest, len(tokens) - i), 0, -1):
            key = tuple(tokens[i : i + size])
            if key in self._value:
                return size, self._value[key]
        return None

    def anywhere(self, tokens: Sequence[str]) -> bool:
        return any(self.at(tokens, i) for i in range(len(tokens)))


def _tokens(text: str) -> list[str]:
    """The question's words, "#2" and "no. 2" read as "number 2"."""
    text = _NO_NUMBER.sub(r" number \1 ", _HASH_NUMBER.sub(r" number \1 ", text.casefold()))
    return words(text)


class SeriesReader:
    """Reads references to the assessments of one knowledge base; built once per knowledge base."""

    def __init__(self, knowledge: KnowledgeBase):
        self.knowledge = knowledge
        book = knowledge.phrasebook.series
        phrases = lambda items, value: ((words(p), value) for p in items)  # noqa: E731
        self._determiners = _Phrases(phrases(book.determiners, True))
        self._modifiers = _Phrases([
            *phrases(book.latest, (LATEST, 0)), *phrases(book.previous, (PREVIOUS, 0)),
            *phrases(book.earliest, (EARLIEST, 0)),
            *((words(w), (NUMBER, n)) for n, item in enumerate(book.ordinals, start=1) for w in item.split()),
        ])
        self._months = _Phrases((words(w), n) for n, item in enumerate(book.months, start=1) for w in item.split())
        self._nouns = _Phrases(([stem(w) for w in words(p)], " ".join(words(p))) for p in book.nouns)
        self._marks = _Phrases(phrases(book.marks, True))
        self._whats_new = _Phrases(phrases(book.whats_new, True))
        self._since = _Phrases(phrases(book.since, True))
        # An author named before the modifier ("Herbst's May piece"): the last word of the name, possessive or not.
        self._authors: dict[str, str] = {}
        for assessment in knowledge.assessments:
            name = words(assessment.author)
            if name:
                for form in (name[-1], name[-1] + "s"):
                    self._authors.setdefault(form, name[-1])

    # -- references in questions --------------------------------------------------------------------

    def reference(self, question: str) -> Reference | None:
        """The first assessment the question names, or None when it names none."""
        if not self.knowledge.assessments or not self._nouns:
            return None
        tokens = _tokens(question)
        stems = [stem(t) for t in tokens]
        for start in range(len(tokens)):
            found = self._reference_at(tokens, stems, start)
            if found is not None:
                return found
        return None

    def _reference_at(self, tokens: list[str], stems: list[str], start: int) -> Reference | None:
        i = start
        determiner = self._determiners.at(tokens, i)
        if determiner:
            i += determiner[0]
        author = self._authors.get(tokens[i]) if i < len(tokens) else None
        if author is not None:
            i += 1
        modifier = self._modifier_at(tokens, i)
        if modifier is not None:
            size, kind, value = modifier
            i += size
            noun = self._nouns.at(stems, i)
            if noun:
                i += noun[0]
            elif kind == MARKED:
                pass  # "number 2" alone
            elif kind in (LATEST, PREVIOUS) and i < len(tokens) and tokens[i] == "one":
                i += 1  # "the latest one"
            elif kind in (LATEST, PREVIOUS) and determiner and i == len(tokens):
                pass  # "since the last"
            else:
                return None
            return self._resolved(tokens, start, i, kind, value, author, noun[1] if noun else "")
        noun = self._nouns.at(stems, i)
        if noun is None:
            return None
        i += noun[0]
        # "assessment no. 2"; never without the mark: "article 5" is NATO's
        marked = self._modifier_at(tokens, i)
        if marked is not None and marked[1] == MARKED:
            return self._resolved(tokens, start, i + marked[0], MARKED, marked[2], author, noun[1])
        # "the assessment from June"
        if i < len(tokens) and tokens[i] in ("from", "of"):
            month = self._month_at(tokens, i + 1)
            if month is not None:
                size, value = month
                return self._resolved(tokens, start, i + 1 + size, MONTH, value, author, noun[1])
        return None

    def _modifier_at(self, tokens: list[str], i: int) -> tuple[int, str, object] | None:
        """(length, kind, value) of the modifier at tokens[i]: latest, previous, earliest, an ordinal or
        a number after a mark ("number 2"), or a month and maybe a year."""
        mark = self._marks.at(tokens, i)
        if mark and i + mark[0] < len(tokens) and tokens[i + mark[0]].isdigit():
            number = int(tokens[i + mark[0]])
            return (mark[0] + 1, MARKED, number) if 0 < number <= MAX_NUMBER else None
        found = self._modifiers.at(tokens, i)
        if found:
            size, (kind, value) = found  # type: ignore[misc]
            return size, kind, value
        month = self._month_at(tokens, i)
        if month:
            return month[0], MONTH, month[1]
        return None

    def _month_at(self, tokens: list[str], i: int) -> tuple[int, tuple[int, int | None]] | None:
        """(length, (month, year or None)) of "june" or "june 2025" at tokens[i]."""
        month = self._months.at(tokens, i)
        if month is None:
            return None
        size, number = month
        year = tokens[i + size] if i + size < len(tokens) else ""
        if year.isdigit() and int(year) in YEARS:
            return size + 1, (int(number), int(year))  # type: ignore[arg-type]
        return size, (int(number), None)  # type: ignore[arg-type]

    def _resolved(self, tokens: list[str], start: int, end: int, kind: str, value: object, author: str | None,
                  noun: str) -> Reference:
        pool = [a for a in self.knowledge.assessments if not author or author in words(a.author)]
        found: Assessment | None = None
        if kind == LATEST:
            found = pool[-1] if pool else None
        elif kind == PREVIOUS:
            found = pool[-2] if len(pool) >= 2 else None
        elif kind == EARLIEST:
            found = pool[0] if pool else None
        elif kind == NUMBER and author and len(pool) < len(self.knowledge.assessments):
            number = int(value)  # type: ignore[call-overload]
            found = pool[number - 1] if number <= len(pool) else None  # "Herbst's second piece": his second
        elif kind in (NUMBER, MARKED):
            found = self.knowledge.numbered(int(value))  # type: ignore[call-overload]
        elif kind == MONTH:
            month, year = value  # type: ignore[misc]
            dated = [a for a in pool if a.published.date.month == month and year in (None, a.published.date.year)]
            found = dated[-1] if dated else None
        determiner = self._determiners.at(tokens, start)
        named = tokens[start + (determiner[0] if determiner else 0) : end]
        rest = [*tokens[:start], "the", noun or "assessment", *tokens[end:]]
        since = any(self._since.at(tokens, start - n) == (n, True) for n in range(1, min(start, 3) + 1))
        return Reference(found, " ".join(rest), " ".join(named), since)

    # -- questions about the series -----------------------------------------------------------------

    def whats_new(self, question: str) -> WhatsNewQuestion | None:
        """A question asking what is new in an assessment, or since one ("what changed since the last
        assessment?"); None for any other question, "what's new?" alone (a greeting) included."""
        if not self._whats_new.anywhere(_tokens(question)):
            return None
        reference = self.reference(question)
        if reference is None:
            return None
        named = reference.assessment
        if named is None:
            return WhatsNewQuestion(reference, ())
        if not reference.since:
            return WhatsNewQuestion(reference, (named,))
        series = self.knowledge.assessments
        return WhatsNewQuestion(reference, series[series.index(named) + 1 :])

    # -- choosing an assessment (the /ask option, `ask --assessment`) ---------------------------------

    def label(self, assessment: Assessment) -> str:
        """"No. 2 · 2025-06-20 · <title>": how an assessment is offered for choosing."""
        return f"No. {self.knowledge.number_of(assessment)} · {assessment.published.date.isoformat()} · {assessment.title}"

    def resolve(self, text: str) -> Assessment | None:
        """The assessment `text` names: its id, number ("2", "no. 2", "#2"), a reference ("latest",
        "the June one", "second"), its publication date (2025-06 or 2025-06-20) or its title; None if none."""
        wanted = text.strip()
        if not wanted:
            return None
        knowledge = self.knowledge
        by_id = knowledge.find_assessment(wanted)
        if by_id is not None:
            return by_id
        tokens = _tokens(wanted)
        if tokens and tokens[-1].isdigit() and all(t in ("no", "number", "nr", "num") for t in tokens[:-1]):
            return knowledge.numbered(int(tokens[-1]))
        for phrase in (wanted, f"the {wanted} assessment", f"the {wanted}"):
            reference = self.reference(phrase)
            if reference is not None and " ".join(_tokens(phrase)).endswith(reference.named):
                return reference.assessment
        if _DATE.match(wanted):
            dated = [a for a in knowledge.assessments if a.published.date.isoformat().startswith(wanted)]
            return dated[-1] if dated else None
        best = process.extractOne(wanted, {a.id: a.title for a in knowledge.assessments}, scorer=fuzz.WRatio,
                                  processor=utils.default_process, score_cutoff=TITLE_CUTOFF)
        return knowledge.assessment(best[2]) if best else None

    def choices(self, current: str, limit: int = 25) -> list[Assessment]:
        """Assessments that fit what is typed so far (number, date or title), the latest first when
        nothing is typed."""
        series = list(reversed(self.knowledge.assessments))
        if not current.strip():
            return series[:limit]
        exact = self.resolve(current)
        labels = {a.id: self.label(a) for a in series}
        hits = process.extract(current, labels, scorer=fuzz.WRatio, processor=utils.default_process,
                               limit=None, score_cutoff=CHOICE_CUTOFF)
        found = [self.knowledge.assessment(key) for _label, _score, key in hits]
        ordered = ([exact] if exact else []) + [a for a in found if a != exact]
        return ordered[:limit]
