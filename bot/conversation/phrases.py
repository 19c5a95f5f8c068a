"""Phrasebook phrases matched in what people type: case, punctuation, emoji and repeated letters aside
("thankssss" is "thanks"), a typo allowed in longer phrases."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from rapidfuzz import fuzz, process

from bot.text import words

FUZZY_PHRASE = 88.0      # rapidfuzz ratio at which a typed phrase counts as a phrasebook phrase ("thnaks")
FUZZY_MIN_CHARS = 6      # shorter phrases must match exactly: "no" is not "yo"

REPEATS = re.compile(r"([^\W\d_])\1+")  # "thankssss", "heyyy", "sooo": letters repeated for emphasis


def key_words(text: str) -> list[str]:
    """Words for comparing with phrasebook phrases: lower case, no punctuation, repeats squeezed."""
    return [REPEATS.sub(r"\1", w) for w in words(text)]


class Phrases:
    """Phrasebook phrases matched as whole word sequences: the whole message, its start, or anywhere."""

    def __init__(self, phrases: Iterable[tuple[str, str]]):
        """`phrases`: (phrase, label) pairs; the first label given for a phrase wins."""
        self._label: dict[tuple[str, ...], str] = {}
        for phrase, label in phrases:
            key = tuple(key_words(phrase))
            if key:
                self._label.setdefault(key, label)
        self._joined = {" ".join(key): label for key, label in self._label.items()}
        self._choices = [text for text in self._joined if len(text) >= FUZZY_MIN_CHARS]
        self._longest = max((len(key) for key in self._label), default=0)

    def __bool__(self) -> bool:
        return bool(self._label)

    def whole(self, tokens: Sequence[str]) -> str | None:
        """The label of the phrase that is all of `tokens` (a typo allowed in longer phrases), or None."""
        label = self._label.get(tuple(tokens))
        if label is not None or not tokens:
            return label
        text = " ".join(tokens)
        if len(text) < FUZZY_MIN_CHARS:
            return None
        best = process.extractOne(text, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_PHRASE)
        return self._joined[best[0]] if best else None

    def opening(self, tokens: Sequence[str]) -> tuple[str, int] | None:
        """(label, length) of the longest phrase that `tokens` start with, or None."""
        for size in range(min(self._longest, len(tokens)), 0, -1):
            label = self._label.get(tuple(tokens[:size]))
            if label is not None:
                return label, size
        return None

    def anywhere(self, tokens: Sequence[str]) -> bool:
        """Whether any phrase occurs in `tokens` as consecutive words."""
        return any(self.opening(tokens[i:]) for i in range(len(tokens)))
