"""The answer engine: from any text a person types to an entry of the knowledge base, or a decline.

Scoring has three parts, each in 0..1:
- coverage: how much of the question's information (words weighted by rarity across entries) the
  entry's text contains. Words the knowledge base has never seen count against every entry, so
  "how many soldiers died" does not match an entry just because it mentions "Russia".
- closeness: the IDF-weighted cosine between the question and the entry's nearest phrasing.
- fuzzy: rapidfuzz's token_sort_ratio against the entry's phrasings, for word order and leftover typos.
The engine answers only when the best entry clears a threshold and leads the runner-up by a margin;
otherwise it declines and offers the nearest entries as suggestions.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.knowledge import Entry, Event, KnowledgeBase
from bot.text import Normalizer, clean, stem, words

# Where a word appears in an entry decides how strongly it speaks for that entry.
FIELD_WEIGHTS = {"questions": 1.0, "tags": 0.8, "answer": 0.6, "sources": 0.4}


@dataclass(frozen=True)
class Tuning:
    """The engine's calibrated constants (see benchmarks/evaluate.py)."""

    unknown_word_weight: float = 0.9   # relative to the rarest known word
    typo_cutoff: float = 88.0          # rapidfuzz ratio needed to correct a word to a known one
    coverage_weight: float = 0.5
    closeness_weight: float = 0.3
    fuzzy_weight: float = 0.2
    answer_threshold: float = 60.0
    margin: float = 4.0
    suggestion_floor: float = 25.0
    candidates: int = 12


@dataclass(frozen=True)
class Suggestion:
    entry_id: str
    question: str
    score: float


@dataclass(frozen=True)
class Result:
    question: str
    matched: bool
    score: float
    entry: Entry | None
    suggestions: tuple[Suggestion, ...]


class Engine:
    """Matches questions against a loaded knowledge base; the index is built once, here."""

    def __init__(self, knowledge: KnowledgeBase, tuning: Tuning = Tuning()):
        self.knowledge = knowledge
        self.tuning = tuning
        self.normalizer = Normalizer(knowledge.vocabulary)
        self.entries = knowledge.entries
        self._build_index()

    # --- index ------------------------------------------------------------------------------------

    def _build_index(self) -> None:
        self._known_words: set[str] = set(self.normalizer.vocabulary_words())
        entry_fields: list[dict[str, float]] = []
        phrasing_tokens: list[list[str]] = []
        self._phrasing_owner: list[int] = []
        self.phrasings: list[str] = []            # as written, for suggestions and autocomplete
        for index, entry in enumerate(self.entries):
            fields: dict[str, float] = {}
            texts = {
                "questions": entry.questions,
                "tags": entry.tags + (entry.id.replace("-", " "),),
                "answer": (entry.answer,),
                "sources": entry.sources,
            }
            for field, items in texts.items():
                for item in items:
                    raw = words(item)
                    self._known_words.update(raw)
                    for token in self.normalizer.tokens(raw):
                        fields[token] = max(fields.get(token, 0.0), FIELD_WEIGHTS[field])
            entry_fields.append(fields)
            for question in entry.questions:
                phrasing_tokens.append(self.normalizer.tokens(words(question)))
                self._phrasing_owner.append(index)
                self.phrasings.append(question)

        count = len(self.entries)
        document_frequency: dict[str, int] = defaultdict(int)
        for fields in entry_fields:
            for token in fields:
                document_frequency[token] += 1
        self._idf = {t: math.log((count + 1) / (df + 0.5)) for t, df in document_frequency.items()}
        self._max_idf = math.log((count + 1) / 1.5)
        # token -> {entry index: field weight}; only entries sharing a word are ever scored.
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        for index, fields in enumerate(entry_fields):
            for token, weight in fields.items():
                self._postings[token][index] = weight
        self._phrasing_vectors = [self._vector(tokens) for tokens in phrasing_tokens]
        self._phrasing_text = [" ".join(tokens) for tokens in phrasing_tokens]
        self._phrasings_of: dict[int, list[int]] = defaultdict(list)
        for p, owner in enumerate(self._phrasing_owner):
            self._phrasings_of[owner].append(p)
        self._known_list = sorted(self._known_words)

    def _weight(self, token: str) -> float:
        return self._idf.get(token, self._max_idf * self.tuning.unknown_word_weight)

    def _vector(self, tokens: list[str]) -> dict[str, float]:
        return {t: self._weight(t) for t in tokens}

    # --- query ------------------------------------------------------------------------------------

    def query_tokens(self, text: str) -> list[str]:
        """Question words, typos corrected against the words the knowledge base knows."""
        corrected = []
        for word in words(clean(text)):
            if len(word) >= 4 and word not in self._known_words and stem(word) not in self._idf:
                best = process.extractOne(word, self._known_list, scorer=fuzz.ratio, score_cutoff=self.tuning.typo_cutoff)
                if best:
                    word = best[0]
            corrected.append(word)
        return list(dict.fromkeys(self.normalizer.tokens(corrected)))

    def answer(self, question: str) -> Result:
        """The best entry for `question`, or a decline with up to three suggestions."""
        tokens = self.query_tokens(question)
        ranked = self._rank(tokens)
        cleaned = clean(question)
        if not ranked:
            return Result(cleaned, False, 0.0, None, ())
        best_index, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        confident = best >= self.tuning.answer_threshold and best - runner_up >= self.tuning.margin
        if confident:
            return Result(cleaned, True, round(best, 1), self.entries[best_index], ())
        suggestions = tuple(
            Suggestion(self.entries[i].id, self.entries[i].questions[0], round(score, 1))
            for i, score in ranked[:3]
            if score >= self.tuning.suggestion_floor
        )
        return Result(cleaned, False, round(best, 1), None, suggestions)

    def _rank(self, tokens: list[str]) -> list[tuple[int, float]]:
        if not tokens:
            return []
        weights = {t: self._weight(t) for t in tokens}
        total = sum(weights.values())
        coverage: dict[int, float] = defaultdict(float)
        for token, weight in weights.items():
            for index, field_weight in self._postings.get(token, {}).items():
                coverage[index] += weight * field_weight / total
        if not coverage:
            return []
        candidates = sorted(coverage, key=coverage.__getitem__, reverse=True)[: self.tuning.candidates]
        query_norm = math.sqrt(sum(w * w for w in weights.values()))
        query_text = " ".join(tokens)
        t = self.tuning
        scored = []
        for index in candidates:
            closeness = 0.0
            phrasing_ids = self._phrasings_of[index]
            for p in phrasing_ids:
                vector = self._phrasing_vectors[p]
                dot = sum(w * vector[tok] for tok, w in weights.items() if tok in vector)
                if dot:
                    norm = math.sqrt(sum(w * w for w in vector.values()))
                    closeness = max(closeness, dot / (query_norm * norm))
            fuzzy = process.extractOne(query_text, [self._phrasing_text[p] for p in phrasing_ids], scorer=fuzz.token_sort_ratio)
            fuzzy_score = fuzzy[1] / 100 if fuzzy else 0.0
            score = 100 * (t.coverage_weight * coverage[index] + t.closeness_weight * closeness + t.fuzzy_weight * fuzzy_score)
            scored.append((index, score))
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored

    # --- autocomplete ----------------------------------------------------------------------------

    def autocomplete(self, text: str, limit: int = 25) -> list[str]:
        """Knowledge-base questions that fit what the user has typed so far, best first."""
        cleaned = clean(text)
        if not cleaned:
            return [entry.questions[0] for entry in self.entries[:limit]]
        hits = process.extract(
            cleaned, self.phrasings, scorer=fuzz.WRatio, processor=_autocomplete_key, limit=limit * 3, score_cutoff=50
        )
        seen: set[int] = set()
        out: list[str] = []
        for phrasing, _score, p in hits:
            owner = self._phrasing_owner[p]
            if owner not in seen:
                seen.add(owner)
                out.append(phrasing)
            if len(out) == limit:
                break
        return out


def _autocomplete_key(text: str) -> str:
    return " ".join(words(text))


def search_events(events: Sequence[Event], text: str, limit: int = 25) -> list[Event]:
    """Timeline events that fit `text` (words of the event, its date or the article's wording), best first."""
    if not text.strip():
        return list(events[:limit])
    labels = [f"{e.date.isoformat()} {e.when} {e.event} {' '.join(e.actors)}" for e in events]
    hits = process.extract(text, labels, scorer=fuzz.WRatio, processor=_autocomplete_key, limit=limit, score_cutoff=40)
    return [events[index] for _label, _score, index in hits]
