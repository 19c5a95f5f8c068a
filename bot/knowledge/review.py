"""Warnings: what a valid knowledge base still asks a maintainer to look at.

A warning never stops the bot from loading the knowledge (the running bot logs them once per load);
`python -m bot validate` lists them after the errors, and `validate --strict` fails while any remains.

- a `review` key, anywhere in an assessment file, marks what `python -m bot draft` wrote (or what a
  maintainer wants to come back to) as not yet reviewed: delete the key once it is;
- an entry whose questions ask why (the phrasebook's `asking: reason` words) while it is not marked
  `gives_reasons: true` and its answer does not say the article gives no reason (the phrasebook's
  `answering: no_reason` words) would answer a why-question with a bare restatement.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.knowledge.document import Document, field_name
from bot.knowledge.model import Assessment, KnowledgeBase, Phrasebook
from bot.knowledge.problems import Problem, shorten
from bot.knowledge.schema import REVIEW_KEY

REASON_WITHIN = 3  # a why-question asks it up front ("why ...", "so why ...", "but how come ..."), as the bot reads it

_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ`](?=\w)")


@dataclass(frozen=True)
class Checked:
    """A valid knowledge base and the warnings its files still carry (file and line order)."""

    knowledge: KnowledgeBase
    warnings: tuple[Problem, ...] = ()


def warning_line(warning: Problem) -> str:
    """A warning as `validate` and the log print it: `file:line: field: warning: message`."""
    return str(Problem(warning.file, warning.line, warning.field, f"warning: {warning.message}"))


def warnings_of(assessments: Iterable[tuple[Assessment, Document]], phrasebook: Phrasebook) -> list[Problem]:
    """Every warning of the assessment files, in file and line order."""
    found: list[Problem] = []
    why = _Phrases(phrasebook.reason)
    says_no_reason = _Phrases(phrasebook.no_reason)
    fillers = frozenset(w for phrase in phrasebook.fillers for w in _words(phrase))
    for assessment, doc in assessments:
        found += _review_marks(doc, doc.data, ())
        if why:
            found += _unanswered_whys(assessment, doc, why, says_no_reason, fillers)
    return sorted(found, key=lambda p: (p.file, p.line or 0))


def _review_marks(doc: Document, value: Any, path: tuple) -> Iterator[Problem]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == REVIEW_KEY:
                note = f": {shorten(str(item), 200)}" if isinstance(item, (str, int, float)) and str(item).strip() else ""
                yield Problem(doc.display, doc.line(path + (key,)), field_name(path + (key,)),
                              f"marked for review{note} (delete this line once reviewed)")
            else:
                yield from _review_marks(doc, item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _review_marks(doc, item, path + (index,))


def asks_why(question: str, phrasebook: Phrasebook) -> bool:
    """Whether `question` asks why as `validate` reads it: one of the phrasebook's reason words up front
    ("why", "so why", "what made"), which an entry answers only with a reason or by saying it has none."""
    content = [w for w in _words(question) if w not in {w for phrase in phrasebook.fillers for w in _words(phrase)}]
    return _Phrases(phrasebook.reason).anywhere(content[:REASON_WITHIN])


def _unanswered_whys(assessment: Assessment, doc: Document, why: _Phrases, says_no_reason: _Phrases,
                     fillers: frozenset[str]) -> Iterator[Problem]:
    for i, entry in enumerate(assessment.entries):
        if entry.gives_reasons or says_no_reason.anywhere(_words(entry.answer)):
            continue
        for j, question in enumerate(entry.questions):
            content = [w for w in _words(question) if w not in fillers]
            if why.anywhere(content[:REASON_WITHIN]):
                path = ("entries", i, "questions", j)
                yield Problem(doc.display, doc.line(path), field_name(path), (
                    f"flagged for review: {shorten(question, 80)!r} asks why, but the answer of '{entry.id}' gives no "
                    "reason and does not say the article gives none: say so in the answer (\"the article does not say "
                    "why\"), move the question to an out-of-scope kind, or mark the entry `gives_reasons: true` if its "
                    "answer does give the article's reason"))
                break  # one warning an entry: the fix is the entry's


def _words(text: str) -> list[str]:
    """Lower-case words, apostrophes joined ("doesn't" -> "doesnt"), as the bot compares phrasebook words."""
    return re.findall(r"[^\W_]+", _APOSTROPHES.sub("", text.casefold()))


class _Phrases:
    """Phrasebook phrases found as consecutive words."""

    def __init__(self, phrases: Sequence[str]):
        self._keys = {tuple(_words(p)) for p in phrases} - {()}
        self._longest = max((len(k) for k in self._keys), default=0)

    def __bool__(self) -> bool:
        return bool(self._keys)

    def anywhere(self, tokens: Sequence[str]) -> bool:
        return any(tuple(tokens[i:i + n]) in self._keys
                   for i in range(len(tokens)) for n in range(1, min(self._longest, len(tokens) - i) + 1))
