"""Which drafted entry a question's words point to, so that each entry keeps only questions that are its
own: a question's words, weighed by how few entries use them (as the bot weighs them: the vocabulary's
synonyms folded, light stemming, filler words dropped), must weigh more in its own entry's text than
in any other entry's, and enough to tell it apart at all. "What happened in late April?" belongs to no
entry when two sentences say "late April"; "What did Russia reject?" is the entry of "Russia rejected
both." An entry that quotes a sentence of another (the main argument quotes the closing paragraph) is
no rival of that one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence

from bot.text import QUESTION_WORDS, Normalizer, words

MIN_OWN = 2.0  # the weight a question's words must have in its own entry: about one word that few entries use


class Neighbours:
    def __init__(self, texts: Sequence[Sequence[str]], sources: Sequence[Sequence[str]], normalizer: Normalizer):
        """`texts[i]`: what entry i holds (its quotes and answer, its fixed questions); `sources[i]`: its
        quotes, which tell whether two entries quote the same sentence; `normalizer`: the vocabulary's.
        Only the article's words count: the words of question frames ("say", "about", "explain") are
        in every entry's questions alike once drafted, and tell none apart."""
        self.normalizer = normalizer
        article = {t for quotes in sources for text in quotes for t in self._tokens(text)}
        self.tokens = [frozenset(t for text in entry for t in self._tokens(text) if t in article) for entry in texts]
        frequency = Counter(t for entry in self.tokens for t in entry)
        count = len(self.tokens)
        self.weight = {t: math.log((count + 1) / (df + 0.5)) for t, df in frequency.items()}
        quoted = [frozenset(s) for s in sources]
        self.rivals = [[j for j in range(count) if j != i and not (quoted[i] & quoted[j])] for i in range(count)]

    def _tokens(self, text: str) -> list[str]:
        return [t for t in self.normalizer.tokens(words(text)) if t not in QUESTION_WORDS]

    def owns(self, index: int, question: str, ties: bool = False) -> bool:
        """Whether `question` points to entry `index` before any rival (or as much as any, with `ties`: for
        a question in its sentence's own words, which no rival has), and clearly enough."""
        asked = set(self._tokens(question))
        own = sum(self.weight.get(t, 0.0) for t in asked & self.tokens[index])
        if own < MIN_OWN:
            return False
        rival = max((sum(self.weight.get(t, 0.0) for t in asked & self.tokens[j]) for j in self.rivals[index]), default=0.0)
        return rival <= own if ties else rival < own
