"""The answer engine: from any text a person types to an entry of the knowledge base, or a decline.

Scoring has four parts, each in 0..1:
- coverage: how much of the question's information (words weighted by rarity across entries) the
  entry's text contains. Words the knowledge base has never seen count against every entry, so
  "how many soldiers died" does not match an entry just because it mentions "Russia".
- closeness: the weighted F1 of the question against the entry's nearest phrasing (words it
  shares over words asked, and over the phrasing's words).
- fuzzy: rapidfuzz's QRatio against the entry's phrasings (normalised words), for leftover typos.
- meaning: the cosine of the question's word-embedding vector with its nearest phrasing's, in a space
  whitened on the knowledge base's phrasings (bot.semantics), for paraphrases in other words ("what
  did the americans want the kremlin to put up with" for "what was Russia asked to accept").
The knowledge base's out-of-scope kinds of question are scored like entries. A question may be answered
within one assessment of the series (its documents and the kinds the series shares); otherwise every
assessment's documents compete, and documents with the same id in several assessments ("author") count
as one, the latest assessment's (`Engine.collapse`). The engine answers only
when the best match is an entry that clears a threshold and leads the runner-up by a margin, or
scores so high that no margin is needed, or is picked by the words alone and by the meaning alone
and clears a lower threshold (two independent views agreeing); otherwise it declines, saying why
when the best match is an out-of-scope kind, and offers the nearest entries as suggestions. The
constants live in `Tuning`, calibrated by benchmarks/calibrate.py.
"""

from __future__ import annotations

import bisect
import heapq
import math
import os
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot.contextual import ContextualIndex
from bot.sentence_model import SentenceModel, default_sentence_model
from bot.knowledge import Entry, Event, KnowledgeBase, OutOfScope
from bot.semantics import Embedder, default_embedder, unit_rows, whitening
from bot.text import QUESTION_WORDS, Normalizer, clean, stem, words

CACHE_LIMIT = 50_000  # per-word caches stop growing here: arbitrary user text must not grow them forever
LONG_WORD = 6  # letters from which a typo of a filler word is corrected (and then dropped)
RELATED_PREFIX = 5  # words sharing this many first letters (and most of the shorter one) are related forms


@dataclass(frozen=True)
class Tuning:
    """The engine's constants, calibrated by benchmarks/calibrate.py (never on tests/eval/heldout.yaml)."""

    unknown_word_weight: float = 1.0   # relative to the rarest known word
    typo_cutoff: float = 0.79          # OSA similarity (one edit in 5 letters, transpositions count once) to correct a word
    related_similarity: float = 0.7   # credit for a related form ("negotiating" for "negotiations")
    # Where a word appears in an entry decides how strongly it speaks for that entry.
    answer_field_weight: float = 0.8
    sources_field_weight: float = 0.5
    coverage_weight: float = 0.4
    closeness_weight: float = 0.1
    fuzzy_weight: float = 0.1
    meaning_weight: float = 0.4
    meaning_shrinkage: float = 0.4     # of the whitening (bot.semantics.whitening)
    answer_threshold: float = 51.0
    margin: float = 3.0
    sure_threshold: float = 75.0       # at or above this, answer whatever the margin
    agreement_threshold: float = 52.0  # enough, whatever the margin, when words and meaning alone pick the same entry
    suggestion_floor: float = 40.0     # below it no "Did you mean": an off-topic question gets no random entries
    candidates: int = 12               # by shared words
    meaning_candidates: int = 3        # by meaning alone, for paraphrases that share no word
    # The second look (bot.contextual): when the first would decline a question that scored at least
    # `second_look_floor`, the contextual model's cosine joins the meaning measure, weighted `contextual_mix`
    # against the static one, and the decision is taken again with its own thresholds.
    second_look_floor: float = 30.0
    contextual_mix: float = 0.7
    contextual_shrinkage: float = 0.05  # of the contextual vectors' whitening
    contextual_candidates: int = 0     # documents added by the contextual model alone (calibrated: none pays)
    second_threshold: float = 70.0
    second_margin: float = 4.0
    second_sure: float = 101.0
    # Set by hand, not calibrated: a tag or an entry's id names its topic almost as a phrasing does.
    tags_field_weight: float = 0.8
    # Set by hand: forms sharing RELATED_PREFIX letters and this share of the shorter word are related
    # ("negotiating" / "negotiations"), while "sanction" / "sanctimonious" stay apart.
    related_prefix_share: float = 0.75
    # Set by hand on what people type into /ask and /timeline: below these WRatio scores a choice is noise.
    autocomplete_cutoff: float = 50.0
    event_search_cutoff: float = 40.0

    def score(self, candidate: Candidate, second_look: bool = False) -> float:
        """One 0-100 score from a candidate's measures of fit; on the second look the contextual cosine
        shares the meaning measure's weight."""
        meaning = candidate.meaning
        if second_look:
            meaning = (1 - self.contextual_mix) * meaning + self.contextual_mix * candidate.contextual
        return min(100.0, 100 * (self.words_fit(candidate) + self.meaning_weight * meaning))

    def words_fit(self, candidate: Candidate) -> float:
        """The part of the score that comes from the words the question shares with the entry."""
        return self.coverage_weight * candidate.coverage + self.closeness_weight * candidate.closeness + self.fuzzy_weight * candidate.fuzzy

    def confident(self, best: float, runner_up: float, agreed: bool = False, second_look: bool = False) -> bool:
        """Whether the best score is worth answering with, given the runner-up's, and whether the words
        and the meaning, each on its own, would have picked the same entry (`agreed`; first look only)."""
        if second_look:
            return best >= self.second_sure or (best >= self.second_threshold and best - runner_up >= self.second_margin)
        return (
            best >= self.sure_threshold
            or (best >= self.answer_threshold and best - runner_up >= self.margin)
            or (agreed and best >= self.agreement_threshold)
        )

    def agreed(self, candidates: Sequence[Candidate], index: int) -> bool:
        """Whether document `index` comes first among `candidates` both by words alone and by meaning alone."""
        return (
            max(candidates, key=self.words_fit).index == index
            and max(candidates, key=lambda c: c.meaning).index == index
        )


@dataclass(frozen=True)
class Candidate:
    index: int
    coverage: float   # share of the question's information found anywhere in the entry
    closeness: float  # weighted F1 against the entry's nearest phrasing
    fuzzy: float      # rapidfuzz QRatio against the nearest phrasing, 0..1
    meaning: float    # cosine with the nearest phrasing's embedding, floored at 0
    contextual: float = 0.0  # the contextual model's cosine with the nearest phrasing (second look only)


@dataclass(frozen=True)
class _Query:
    """A question read once: its tokens, what each matches in the index and how much it weighs, and its
    words spelled out for the meaning measures."""

    tokens: list[str]
    matches: dict[str, dict[str, float]]
    weights: dict[str, float]
    total: float
    spelled: str


@dataclass(frozen=True)
class Suggestion:
    entry_id: str
    question: str
    score: float
    assessment_id: str = ""

    @property
    def key(self) -> str:
        """The entry across the series (Entry.key)."""
        return f"{self.assessment_id}/{self.entry_id}" if self.assessment_id else self.entry_id


@dataclass(frozen=True)
class Result:
    question: str
    matched: bool
    score: float
    entry: Entry | None  # the entry answered with: set exactly when `matched`
    suggestions: tuple[Suggestion, ...]
    reason: str | None = None  # why it declined, when the question is a kind the article does not answer
    ranked_first: str | None = None  # the id of the document that scored best, answered or not (for evaluation)


class Engine:
    """Matches questions against a loaded knowledge base; the index is built once, here."""

    def __init__(
        self, knowledge: KnowledgeBase, tuning: Tuning = Tuning(), embedder: Embedder | None = None, *,
        contextual: bool = True, cache_dir: Path | None = None, wait_for_model: bool = True,
        sentence_model: Callable[[], SentenceModel] = default_sentence_model,
    ):
        """`contextual`: take a second look at unsure questions with the contextual model, whose phrasing
        vectors are cached in `cache_dir`. `wait_for_model`: build that index when first needed (the
        command line); False: use it only once built (`self.contextual.warm()`, run by the bot on a
        worker thread), answering with the word measures until then."""
        self.knowledge = knowledge
        self.tuning = tuning
        self.wait_for_model = wait_for_model
        self.embedder = embedder or default_embedder()
        self.normalizer = Normalizer(knowledge.vocabulary)
        self.entries = knowledge.entries
        # What the index scores: the entries, then the kinds of question the article does not answer,
        # which compete with the entries so that a near-topic question loses to its own kind.
        self.documents: tuple[Entry | OutOfScope, ...] = self.entries + knowledge.out_of_scope
        self._build_index()
        self._build_series_index()
        self.contextual = ContextualIndex(
            self._spelled_phrasings, self._first_phrasing, tuning.contextual_shrinkage, cache_dir, sentence_model,
        ) if contextual else None

    # --- index ------------------------------------------------------------------------------------

    def _build_index(self) -> None:
        self._build_word_index()
        self._spelled_phrasings = [self.normalizer.spelled_out(words(q)) for document in self.documents for q in document.questions]
        vectors = self.embedder.embed(self._spelled_phrasings)
        # Each document's phrasings are consecutive rows, so a document's best cosine is one reduceat.
        self._first_phrasing = np.array([self._phrasings_of[i][0] for i in range(len(self.documents))], dtype=np.int64)
        self._whitening = whitening(vectors, self._first_phrasing, self.tuning.meaning_shrinkage)
        self._phrasing_vectors = unit_rows(vectors @ self._whitening)

    def _build_word_index(self) -> None:
        known_words: set[str] = set(self.normalizer.vocabulary_words())
        entry_fields: list[dict[str, float]] = []
        phrasing_tokens: list[list[str]] = []
        self._phrasing_owner: list[int] = []
        events_by_entry = _dates_of_entries(self.knowledge)
        for index, document in enumerate(self.documents):
            fields: dict[str, float] = {}
            for question in document.questions:  # the phrasings weigh most: 1.0
                raw = words(question)
                known_words.update(raw)
                tokens = self.normalizer.tokens(raw)
                phrasing_tokens.append(tokens)
                self._phrasing_owner.append(index)
                fields.update(dict.fromkeys(tokens, 1.0))
            if isinstance(document, Entry):
                texts = (
                    (document.tags + (document.id.replace("-", " "),) + events_by_entry[document.key], self.tuning.tags_field_weight),
                    ((document.answer,), self.tuning.answer_field_weight),
                    (document.sources, self.tuning.sources_field_weight),
                )
            else:
                # An out-of-scope kind is matched by its questions alone: its reason says what the article
                # does say on the topic, and would pull in the questions the article answers.
                texts = ()
            for items, weight in texts:
                for item in items:
                    raw = words(item)
                    known_words.update(raw)
                    for token in self.normalizer.tokens(raw):
                        fields[token] = max(fields.get(token, 0.0), weight)
            entry_fields.append(fields)
        # The entries' phrasings come first: autocomplete offers only those, compared by these keys.
        self.phrasings = [q for entry in self.entries for q in entry.questions]
        self._autocomplete_keys = [_autocomplete_key(q) for q in self.phrasings]

        count = len(self.documents)
        document_frequency: dict[str, int] = defaultdict(int)
        for fields in entry_fields:
            for token in fields:
                document_frequency[token] += 1
        self._idf = {t: math.log((count + 1) / (df + 0.5)) for t, df in document_frequency.items()}
        self._unknown_weight = math.log((count + 1) / 1.5) * self.tuning.unknown_word_weight
        # token -> {entry index: field weight}; only entries sharing a word are ever scored.
        self._postings: dict[str, dict[int, float]] = defaultdict(dict)
        for index, fields in enumerate(entry_fields):
            for token, weight in fields.items():
                self._postings[token][index] = weight
        self._phrasing_sets = [frozenset(tokens) for tokens in phrasing_tokens]
        self._phrasing_weight = [sum(self._idf[k] for k in tokens) for tokens in self._phrasing_sets]
        self._phrasing_text = [" ".join(tokens) for tokens in phrasing_tokens]
        self._phrasings_of: dict[int, list[int]] = defaultdict(list)
        for p, owner in enumerate(self._phrasing_owner):
            self._phrasings_of[owner].append(p)
        self._known_words = frozenset(known_words)
        # Typos are corrected to words that carry meaning, and to filler words only when long enough
        # to be sure: "artcle" is "article", but "died" must not become "did".
        self._known_list = sorted(
            w for w in known_words if stem(w) not in self.normalizer.stopwords or len(w) >= LONG_WORD
        )
        self._tokens = sorted(self._idf)
        self._related_cache: dict[str, dict[str, float]] = {}
        self._topics: dict[str, list[str]] = {}
        self._centroids: np.ndarray | None = None
        self._corrections: dict[str, str] = {}

    def _build_series_index(self) -> None:
        """Which documents each assessment may answer with, and each document's stand-in among documents
        of the same id in several assessments (the latest assessment's)."""
        owners = [d.assessment_id for d in self.documents]
        self._allowed: dict[str, np.ndarray | None] = {}
        for assessment in self.knowledge.assessments:
            allowed = np.array([owner in (assessment.id, "") for owner in owners], dtype=bool)
            self._allowed[assessment.id] = None if allowed.all() else allowed  # one assessment: nothing to filter
        latest: dict[tuple[type, str], int] = {}
        for index, document in enumerate(self.documents):  # series order: a later assessment's replaces
            if document.assessment_id:
                latest[(type(document), document.id)] = index
        self._stand_in = [latest.get((type(d), d.id), i) if d.assessment_id else i for i, d in enumerate(self.documents)]

    # --- query ------------------------------------------------------------------------------------

    def _correct(self, word: str) -> str:
        if len(word) < 4 or word in self._known_words or stem(word) in self._idf:
            return word
        cached = self._corrections.get(word)
        if cached is None:
            best = process.extractOne(word, self._known_list, scorer=OSA.normalized_similarity, score_cutoff=self.tuning.typo_cutoff)
            cached = best[0] if best and (len(word) >= LONG_WORD or stem(best[0]) not in self.normalizer.stopwords) else word
            if len(self._corrections) < CACHE_LIMIT:
                self._corrections[word] = cached
        return cached

    def related(self, token: str) -> dict[str, float]:
        """Index tokens that stand for `token`: itself, and its other forms, with how closely (0..1)."""
        cached = self._related_cache.get(token)
        if cached is not None:
            return cached
        found = {token: 1.0} if token in self._idf else {}
        if len(token) >= RELATED_PREFIX:
            low = bisect.bisect_left(self._tokens, token[:RELATED_PREFIX])
            for other in self._tokens[low:]:
                if not other.startswith(token[:RELATED_PREFIX]):
                    break
                shared = len(os.path.commonprefix((token, other)))
                if other != token and shared >= self.tuning.related_prefix_share * min(len(token), len(other)):
                    found[other] = self.tuning.related_similarity
        if len(self._related_cache) < CACHE_LIMIT:
            self._related_cache[token] = found
        return found

    def answer(self, question: str, assessment: str | None = None) -> Result:
        """The best entry for `question`, or a decline with up to three suggestions; within the
        assessment whose id is `assessment` when given, else from any (see `collapse`).

        The word measures and the static meaning decide first; a question they leave unsure (declined,
        yet scoring at least `second_look_floor`) gets a second look with the contextual model.
        """
        cleaned = clean(question)
        if assessment not in self._allowed:
            assessment = None  # an assessment no longer in the knowledge (a reply to an old answer): any
        query = self._read(cleaned)
        if query is None:
            return Result(cleaned, False, 0.0, None, ())
        candidates = self._scoped(self._candidates(query, assessment=assessment), assessment)
        ranked = self.ranking(candidates)
        agreed = bool(ranked) and self.tuning.agreed(candidates, ranked[0][0])
        answered = self.decide(ranked, agreed)
        second_look = False
        if answered is None and ranked and ranked[0][1] >= self.tuning.second_look_floor:
            cosines = self.contextual.cosines(query.spelled, wait=self.wait_for_model) if self.contextual else None
            if cosines is not None:
                second_look = True
                candidates = self._scoped(self._candidates(query, cosines, assessment), assessment, second_look=True)
                ranked = self.ranking(candidates, second_look=True)
                answered = self.decide(ranked, False, second_look=True)
        if not ranked:
            return Result(cleaned, False, 0.0, None, ())
        best_index, best = ranked[0]
        top = self.documents[best_index]
        if answered is not None:
            return Result(cleaned, True, round(best, 1), answered, (), ranked_first=top.id)
        floor = self.tuning.second_threshold if second_look else self.tuning.answer_threshold
        reason = top.reason if isinstance(top, OutOfScope) and best >= floor else None
        return Result(cleaned, False, round(best, 1), None, self.suggestions(ranked), reason, ranked_first=top.id)

    def decide(
        self, ranked: Sequence[tuple[int, float]], agreed: bool, tuning: Tuning | None = None, second_look: bool = False,
    ) -> Entry | None:
        """The one decision rule: the entry to answer with, given a ranking (best first) and whether the
        words and the meaning agree on its top, or None to decline. `tuning` defaults to the engine's own;
        calibration passes others."""
        if not ranked:
            return None
        t = tuning or self.tuning
        best_index, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        top = self.documents[best_index]
        return top if isinstance(top, Entry) and t.confident(best, runner_up, agreed, second_look) else None

    def suggestions(self, ranked: list[tuple[int, float]]) -> tuple[Suggestion, ...]:
        """Up to three entries (never out-of-scope kinds) from a ranking, for "Did you mean"."""
        entries = ((self.documents[i], score) for i, score in ranked)
        return tuple(
            Suggestion(doc.id, doc.questions[0], round(score, 1), doc.assessment_id)
            for doc, score in entries
            if isinstance(doc, Entry) and score >= self.tuning.suggestion_floor
        )[:3]

    def ranking(self, candidates: Sequence[Candidate], second_look: bool = False, tuning: Tuning | None = None) -> list[tuple[int, float]]:
        """(document index, 0-100 score) for the candidates, best first."""
        t = tuning or self.tuning
        scored = [(c.index, t.score(c, second_look)) for c in candidates]
        scored.sort(key=lambda pair: pair[1], reverse=True)
        return scored

    def collapse(self, candidates: Sequence[Candidate], second_look: bool = False) -> list[Candidate]:
        """The candidates with those of the same id in several assessments ("author" in each) made one:
        the best scored of them, standing for the latest assessment's document. So "who wrote this?" is
        not a tie between two authors, and is answered from the latest assessment."""
        best: dict[int, Candidate] = {}
        for candidate in candidates:
            stand_in = self._stand_in[candidate.index]
            kept = best.get(stand_in)
            if kept is None or self.tuning.score(candidate, second_look) > self.tuning.score(kept, second_look):
                best[stand_in] = candidate if candidate.index == stand_in else replace(candidate, index=stand_in)
        return list(best.values())

    def _scoped(self, candidates: list[Candidate], assessment: str | None, second_look: bool = False) -> list[Candidate]:
        """Unscoped, the same entry of several assessments competes once (`collapse`)."""
        return self.collapse(candidates, second_look) if assessment is None else candidates

    def candidates(self, question: str, assessment: str | None = None, contextual: np.ndarray | None = None) -> list[Candidate]:
        """The documents (entries and out-of-scope kinds) that share the most words with the question or
        come nearest in meaning, with their measures of fit; `index` points into `documents`. With
        `assessment` (an id), only that assessment's documents and the kinds the series shares. With the
        contextual model's cosines per document (`contextual`), its nearest documents join them.

        A question made only of question words ("who are you?") has none: it says nothing about what.
        """
        query = self._read(question)
        return self._candidates(query, contextual, assessment) if query is not None else []

    def contextual_cosines(self, question: str) -> np.ndarray | None:
        """The contextual model's cosines per document for `question` (waiting for the index as the
        engine does), or None when it is off or unavailable: for calibration and evaluation."""
        query = self._read(question)
        if query is None or self.contextual is None:
            return None
        return self.contextual.cosines(query.spelled, wait=self.wait_for_model)

    def _read(self, question: str) -> _Query | None:
        """The question's corrected words, tokens and their weights; None when it holds only question words."""
        # Typos corrected against the words the knowledge base knows, for both the words and the meaning.
        corrected = [self._correct(word) for word in words(clean(question))]
        tokens = list(dict.fromkeys(self.normalizer.tokens(corrected)))
        if set(tokens) <= QUESTION_WORDS:
            return None
        matches = {q: self.related(q) for q in tokens}
        weights = {q: max((self._idf[k] for k in m), default=self._unknown_weight) for q, m in matches.items()}
        return _Query(tokens, matches, weights, sum(weights.values()), self.normalizer.spelled_out(corrected))

    def _candidates(self, query: _Query, contextual: np.ndarray | None = None, assessment: str | None = None) -> list[Candidate]:
        matches, weights, total = query.matches, query.weights, query.total
        # coverage: the share of the question's weight that each entry's text accounts for
        coverage: dict[int, float] = defaultdict(float)
        for q, related in matches.items():
            credit: dict[int, float] = {}
            for token, similarity in related.items():
                for index, field_weight in self._postings[token].items():
                    credit[index] = max(credit.get(index, 0.0), similarity * field_weight)
            for index, value in credit.items():
                coverage[index] += weights[q] * value / total
        meaning = self._meaning(query.spelled)
        allowed = self._allowed.get(assessment) if assessment is not None else None
        if allowed is not None:
            coverage = defaultdict(float, {i: value for i, value in coverage.items() if allowed[i]})
            meaning = np.where(allowed, meaning, -1.0)  # never among the nearest: not a candidate
            if contextual is not None:
                contextual = np.where(allowed, contextual, -1.0)
        pool = heapq.nlargest(self.tuning.candidates, coverage, key=coverage.__getitem__)
        nearest = np.argsort(-meaning, kind="stable")[: self.tuning.meaning_candidates]
        pool += [int(i) for i in nearest if int(i) not in pool]
        if contextual is not None:
            nearest = np.argsort(-contextual, kind="stable")[: self.tuning.contextual_candidates]
            pool += [int(i) for i in nearest if int(i) not in pool]
        query_text = " ".join(query.tokens)
        asked = set().union(*matches.values())
        found = []
        for index in pool:
            phrasing_ids = self._phrasings_of[index]
            closeness = max(
                (self._phrasing_fit(matches, weights, total, p) for p in phrasing_ids if not self._phrasing_sets[p].isdisjoint(asked)),
                default=0.0,
            )
            fuzzy = process.extractOne(query_text, [self._phrasing_text[p] for p in phrasing_ids], scorer=fuzz.QRatio)
            found.append(Candidate(
                index, coverage.get(index, 0.0), closeness, fuzzy[1] / 100 if fuzzy else 0.0, float(meaning[index]),
                float(contextual[index]) if contextual is not None else 0.0,
            ))
        return found

    def _meaning(self, text: str) -> np.ndarray:
        """Per document, the cosine (floored at 0) of `text` with its nearest phrasing."""
        vector = unit_rows(self.embedder.embed([text])[0] @ self._whitening)
        cosines = self._phrasing_vectors @ vector
        return np.maximum(np.maximum.reduceat(cosines, self._first_phrasing), 0.0)

    def _phrasing_fit(self, matches: dict[str, dict[str, float]], weights: dict[str, float], total: float, p: int) -> float:
        """F1 of weighted recall (question words phrasing `p` has) and precision (its words asked about)."""
        phrasing = self._phrasing_sets[p]
        recalled = 0.0
        hit: set[str] = set()
        for q, related in matches.items():
            best = 0.0
            for token, similarity in related.items():
                if token in phrasing and similarity > best:
                    best = similarity
                    hit.add(token)
            recalled += weights[q] * best
        if not recalled:
            return 0.0
        recall = recalled / total
        phrasing_weight = self._phrasing_weight[p]
        precision = sum(self._idf[k] for k in hit) / phrasing_weight if phrasing_weight else 0.0
        return 2 * precision * recall / (precision + recall) if precision + recall else 0.0

    def affinity(self, document: Entry | OutOfScope) -> np.ndarray:
        """Per document, how close in meaning its phrasings are, on average, to `document`'s (cosine of
        the mean phrasing vectors, 1 for itself): which out-of-scope kinds belong to an entry's topic."""
        if self._centroids is None:
            sums = np.add.reduceat(self._phrasing_vectors, self._first_phrasing, axis=0)
            self._centroids = unit_rows(sums)
        return self._centroids @ self._centroids[self.documents.index(document)]

    def topic_words(self, entry: Entry, count: int = 3) -> list[str]:
        """The `count` words that most set `entry` apart: frequent in its phrasings, rare elsewhere
        ("mineral deal critical"). A follow-up ("when was that?") is read with these spelled in."""
        cached = self._topics.get(entry.key)
        if cached is None:
            index = self.documents.index(entry)
            phrasings = self._phrasings_of[index]
            counts: dict[str, int] = defaultdict(int)
            for p in phrasings:
                for token in self._phrasing_sets[p]:
                    if token not in QUESTION_WORDS:
                        counts[token] += 1
            ranked = sorted(counts, key=lambda t: (-counts[t] / len(phrasings) * self._idf[t], t))
            cached = self._topics[entry.key] = ranked[:count]
        return cached

    # --- autocomplete ----------------------------------------------------------------------------

    def autocomplete(self, text: str, limit: int = 25, assessment: str | None = None) -> list[str]:
        """Knowledge-base questions that fit what the user has typed so far, best first, each once
        (assessments of a series share their general questions); only `assessment`'s when given."""
        cleaned = clean(text)
        entries = [e for e in self.entries if assessment is None or e.assessment_id == assessment]
        if not cleaned:
            return list(dict.fromkeys(entry.questions[0] for entry in entries))[:limit]
        hits = process.extract(
            _autocomplete_key(cleaned), self._autocomplete_keys, scorer=fuzz.WRatio,
            limit=limit * 3 if assessment is None else None, score_cutoff=self.tuning.autocomplete_cutoff,
        )
        seen: set[int] = set()
        out: dict[str, None] = {}
        for _key, _score, p in hits:
            owner = self._phrasing_owner[p]
            if assessment is not None and self.documents[owner].assessment_id != assessment:
                continue
            if owner not in seen:
                seen.add(owner)
                out.setdefault(self.phrasings[p])
            if len(out) == limit:
                break
        return list(out)


def _dates_of_entries(knowledge: KnowledgeBase) -> dict[str, tuple[str, ...]]:
    """For each entry, the dates of the timeline events that rest on the same sentences of the article.

    So "what happened on April 30" finds the minerals deal although no phrasing of it names the date.
    """
    dates: dict[str, tuple[str, ...]] = {}
    for assessment in knowledge.assessments:
        for entry in assessment.entries:
            found: list[str] = []
            for event in assessment.timeline:
                if any(a in b or b in a for a in entry.sources for b in event.sources):
                    found += [event.when, _date_words(event)]
            dates[entry.key] = tuple(found)
    return dates


def _date_words(event: Event) -> str:
    month = event.date.strftime("%B")
    if event.precision == "day":
        return f"{month} {event.date.day} {event.date.year}"
    if event.precision in ("week", "part-of-month", "month"):
        return f"{month} {event.date.year}"
    return str(event.date.year)


def _autocomplete_key(text: str) -> str:
    return " ".join(words(text))


def search_events(events: Sequence[Event], text: str, limit: int = 25, tuning: Tuning = Tuning()) -> list[Event]:
    """Timeline events that fit `text` (words of the event, its date or the article's wording), best first."""
    if not text.strip():
        return list(events[:limit])
    labels = [f"{e.date.isoformat()} {e.when} {e.event} {' '.join(e.actors)}" for e in events]
    hits = process.extract(text, labels, scorer=fuzz.WRatio, processor=_autocomplete_key, limit=limit,
                           score_cutoff=tuning.event_search_cutoff)
    return [events[index] for _label, _score, index in hits]
