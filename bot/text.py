"""Turning what people type in Discord into the comparable tokens the matcher scores.

Discord markup, emoji, case and punctuation are dropped; the vocabulary's synonyms map each variant to
one canonical token; light stemming lets "sanction", "sanctions" and "sanctioned" meet.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from rapidfuzz import utils

from bot.knowledge import Vocabulary

MAX_QUESTION_CHARS = 500  # longer text is cut: no real question about the article needs more

_DISCORD_MARKUP = re.compile(
    r"<a?:\w+:\d+>"          # custom emoji
    r"|<@[!&]?\d+>|<#\d+>"   # user, role and channel mentions
    r"|</[^:>]+:\d+>"        # slash-command mentions
    r"|<t:-?\d+(?::\w)?>"    # timestamps
    r"|@[\w-]+"                # @everyone, @here, and names typed as plain text ("@assessment-bot")
    r"|https?://\S+"
)
_APOSTROPHES = re.compile(r"(?<=\w)['’ʼ`](?=\w)")


def clean(text: str) -> str:
    """The question as a person meant it: no Discord markup, no control characters, one space between words."""
    text = unicodedata.normalize("NFKC", text[: MAX_QUESTION_CHARS * 4])
    text = _DISCORD_MARKUP.sub(" ", text)
    text = "".join(ch if unicodedata.category(ch)[0] != "C" else " " for ch in text)
    text = text.replace("```", " ").replace("`", "")
    return " ".join(text.split())[:MAX_QUESTION_CHARS]


def words(text: str) -> list[str]:
    """Lower-case alphanumeric words; apostrophes join ("Putin's" -> "putins"), everything else splits."""
    return utils.default_process(_APOSTROPHES.sub("", text.casefold())).split()


@lru_cache(maxsize=1 << 16)  # a knowledge base of 60,000 phrasings repeats its words a million times
def stem(word: str) -> str:
    """A deliberately light suffix stripper: plural, past and gerund forms meet their base word."""
    if len(word) > 5 and word.endswith("ing"):
        word = word[:-3]
    elif len(word) > 4 and word.endswith(("ies", "ied")):
        word = word[:-3] + "y"
    elif len(word) > 4 and word.endswith("ed"):
        word = word[:-2]
    elif len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    return word


# Words that ask but do not say what about: a question made of these alone ("who are you?") is not
# about the article, however well "who" matches "who wrote it".
QUESTION_WORDS = frozenset(stem(w) for w in ("who", "whom", "whose", "what", "when", "where", "why", "how", "which"))


class Normalizer:
    """Maps text to stemmed tokens, with the vocabulary's synonyms folded onto canonical tokens."""

    def __init__(self, vocabulary: Vocabulary):
        self.stopwords = frozenset(stem(w) for s in vocabulary.stopwords for w in words(s))
        # Every variant (and the canonical term itself) becomes one canonical token, matched as a
        # phrase of stemmed words, longest phrase first.
        self._phrases: dict[tuple[str, ...], str] = {}
        self._spelled: dict[tuple[str, ...], str] = {}  # the canonical term as words, for the meaning measure
        for variant, canonical in vocabulary.synonyms.items():
            token = "".join(words(canonical))
            for form in (variant, canonical):
                key = tuple(stem(w) for w in words(form))
                if key:
                    self._phrases.setdefault(key, token)
                    self._spelled.setdefault(key, " ".join(words(canonical)))
        # Per first word, the lengths of the phrases it starts, longest first: most words start none.
        lengths: dict[str, set[int]] = {}
        for key in self._phrases:
            lengths.setdefault(key[0], set()).add(len(key))
        self._lengths_from = {first: sorted(sizes, reverse=True) for first, sizes in lengths.items()}

    def vocabulary_words(self) -> set[str]:
        """The (stemmed) words of the vocabulary's terms, so that typo correction can land on them."""
        return {w for phrase in self._phrases for w in phrase}

    def tokens(self, raw_words: Iterable[str]) -> list[str]:
        """Stemmed tokens, each synonym phrase folded onto its canonical token, stopwords dropped."""
        return [t for t in self._folded(list(raw_words), self._phrases, stemmed=True) if t not in self.stopwords]

    def spelled_out(self, raw_words: Iterable[str]) -> str:
        """The words as typed, each synonym phrase replaced by its canonical term ("abt the us" ->
        "about the united states"): text for the meaning measure, which knows no chat spellings."""
        return " ".join(self._folded(list(raw_words), self._spelled, stemmed=False))

    def _folded(self, raw_words: list[str], canonical_of: dict[tuple[str, ...], str], *, stemmed: bool) -> list[str]:
        stems = [stem(w) for w in raw_words]
        out: list[str] = []
        i = 0
        while i < len(stems):
            for size in self._lengths_from.get(stems[i], ()):
                canonical = canonical_of.get(tuple(stems[i : i + size]))
                if canonical:
                    out.append(canonical)
                    i += size
                    break
            else:
                out.append(stems[i] if stemmed else raw_words[i])
                i += 1
        return out
