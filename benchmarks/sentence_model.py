"""The contextual sentence model as a ranker, beside the static WordLlama measure and the engine.

    python benchmarks/sentence_model.py

Every document (entry or out-of-scope kind) is scored by the highest cosine of the question with one of
its phrasings; the top document is the ranker's pick, answered when it is an entry and its cosine
clears a threshold. On the tuning sets only (questions, blind, fresh; never heldout.yaml), it prints:
top-1 right, answered-right / wrong / declined at the best threshold, what the model says where the
current engine fails, and what a few ways of consulting it on the engine's declines would change.
Thresholds are chosen on the same questions they are scored on: an optimistic bound, not a promise.
Prints figures; asserts nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from bot.config import load_settings
from bot.evaluation import Labelled, load_questions
from bot.knowledge import Entry, load_knowledge
from bot.matching import Engine, Tuning
from bot.semantics import default_embedder, unit_rows, whitening
from bot.sentence_model import default_sentence_model, phrasing_vectors
from bot.text import Normalizer, clean, words

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
SETS = ("questions", "blind", "fresh")  # the tuning sets; heldout.yaml is never read here
THRESHOLDS = np.round(np.arange(0.20, 0.96, 0.01), 2)
MINILM_SHRINKAGES = (0.1, 0.4)  # whitening shrinkage for MiniLM; the first is used for the second-opinion figures
STRICT_WRONG = 0.02  # the "strict" threshold: the lowest whose wrong answers stay at or below this share


@dataclass(frozen=True)
class Ranking:
    """Per question: the top document's index, its cosine, and whether it is a right entry."""

    top: np.ndarray
    cosine: np.ndarray
    right: np.ndarray
    is_entry: np.ndarray


@dataclass(frozen=True)
class EngineView:
    answered: list[str | None]  # the entry id answered, or None
    suggestion: list[str | None]  # the first "Did you mean" entry when it declined
    score: list[float]


class Bench:
    def __init__(self) -> None:
        self.knowledge = load_knowledge(ROOT / "knowledge")
        self.documents = self.knowledge.entries + self.knowledge.out_of_scope
        self.phrasings = [q for d in self.documents for q in d.questions]
        owner = np.array([i for i, d in enumerate(self.documents) for _ in d.questions])
        self.first = np.searchsorted(owner, np.arange(len(self.documents)))
        self.items: list[Labelled] = []
        self.set_of: list[str] = []
        for name in SETS:
            loaded = load_questions(EVAL_DIR / f"{name}.yaml")
            self.items += loaded
            self.set_of += [name] * len(loaded)
        self.set_of_array = np.array(self.set_of)
        self.answerable = np.array([item.answerable for item in self.items])
        self.normalizer = Normalizer(self.knowledge.vocabulary)
        engine = Engine(self.knowledge)
        results = [engine.answer(item.question) for item in self.items]
        self.engine = EngineView(
            [r.entry.id if r.entry else None for r in results],
            [r.suggestions[0].entry_id if r.suggestions else None for r in results],
            [r.score for r in results],
        )

    def spelled(self, text: str) -> str:
        """The text the engine's meaning measure sees: normalised words, chat spellings spelled out."""
        return self.normalizer.spelled_out(words(clean(text)))

    def rank(self, question_vectors: np.ndarray, phrasing_vectors: np.ndarray) -> Ranking:
        return self.rank_cosines(np.maximum.reduceat(question_vectors @ phrasing_vectors.T, self.first, axis=1))

    def rank_cosines(self, per_document: np.ndarray) -> Ranking:
        top = per_document.argmax(axis=1)
        cosine = per_document[np.arange(len(top)), top]
        is_entry = np.array([isinstance(self.documents[i], Entry) for i in top])
        right = np.array([is_entry[n] and self.documents[i].id in self.items[n].expected for n, i in enumerate(top)])
        return Ranking(top, cosine, right, is_entry)

    def per_document(self, question_vectors: np.ndarray, phrasing_vectors: np.ndarray) -> np.ndarray:
        return np.maximum.reduceat(question_vectors @ phrasing_vectors.T, self.first, axis=1)


def share(mask: np.ndarray, within: np.ndarray) -> float:
    return float(mask[within].mean()) if within.any() else 0.0


def at_threshold(bench: Bench, ranking: Ranking, within: np.ndarray, threshold: float) -> tuple[float, float, float]:
    """(answered right, answered wrong) among answerable questions, declined among the rest."""
    answered = ranking.is_entry & (ranking.cosine >= threshold)
    answerable = within & bench.answerable
    to_decline = within & ~bench.answerable
    return share(answered & ranking.right, answerable), share(answered & ~ranking.right, answerable), share(~answered, to_decline)


def print_ranker(bench: Bench, name: str, ranking: Ranking) -> None:
    print(f"== {name}")
    everything = np.ones(len(bench.items), dtype=bool)
    scores = [(sum(at_threshold(bench, ranking, everything, t)[::2]), t) for t in THRESHOLDS]
    best = max(scores)[1]
    strict = next((t for t in THRESHOLDS if at_threshold(bench, ranking, everything, t)[1] <= STRICT_WRONG), THRESHOLDS[-1])
    print(f"  {'set':<10}{'answerable':>11}{'top-1 right':>13}   at best cos {best:.2f}: right / wrong / declined   at strict cos {strict:.2f}: right / wrong / declined")
    for label, within in [*((s, bench.set_of_array == s) for s in SETS), ("all", everything)]:
        answerable = within & bench.answerable
        b = at_threshold(bench, ranking, within, best)
        s = at_threshold(bench, ranking, within, strict)
        print(
            f"  {label:<10}{int(answerable.sum()):>11}{share(ranking.right, answerable):>13.1%}"
            f"   {b[0]:>27.1%} / {b[1]:5.1%} / {b[2]:5.1%}   {s[0]:>29.1%} / {s[1]:5.1%} / {s[2]:5.1%}"
        )
    failed = [
        n for n, item in enumerate(bench.items) if item.answerable and bench.engine.answered[n] not in item.expected
    ]
    declined = [n for n in failed if bench.engine.answered[n] is None]
    wrong = [n for n in failed if bench.engine.answered[n] is not None]
    print(
        f"  the engine fails {len(failed)} answerable questions: of the {len(declined)} it declines the model's top-1 "
        f"is right for {int(ranking.right[declined].sum())}, of the {len(wrong)} it answers wrongly for {int(ranking.right[wrong].sum())}"
    )
    if failed:
        print(f"    model cosine of those right picks: {_spread(ranking.cosine[[n for n in failed if ranking.right[n]]])}")
    to_decline = ~bench.answerable
    entry_top = to_decline & ranking.is_entry
    print(
        f"  questions to decline ({int(to_decline.sum())}): top-1 is an out-of-scope kind for {int((to_decline & ~ranking.is_entry).sum())}, "
        f"an entry for {int(entry_top.sum())}"
    )
    print(f"    cosine when an entry is top: {_spread(ranking.cosine[entry_top])}")
    print(f"    cosine when an out-of-scope kind is top: {_spread(ranking.cosine[to_decline & ~ranking.is_entry])}")
    print(f"    for comparison, answerable questions ranked right: {_spread(ranking.cosine[bench.answerable & ranking.right])}")
    print()


def _spread(values: np.ndarray) -> str:
    if not len(values):
        return "none"
    p10, median, p90 = np.percentile(values, [10, 50, 90])
    return f"min {values.min():.2f}, p10 {p10:.2f}, median {median:.2f}, p90 {p90:.2f}, max {values.max():.2f} (n={len(values)})"


def second_opinion(bench: Bench, name: str, ranking: Ranking, agree_with: Callable[[int], bool] | None) -> None:
    """Answer the model's top-1 entry for a question the engine declined, when its cosine clears t."""
    declined = [n for n in range(len(bench.items)) if bench.engine.answered[n] is None]
    answerable = int(bench.answerable.sum())
    to_decline = int((~bench.answerable).sum())
    print(f"  {name}")
    print(f"    {'cos >=':>8}{'gained right':>14}{'new wrong':>11}{'new false answers':>19}")
    for threshold in np.arange(0.50, 0.96, 0.05):
        taken = [
            n for n in declined
            if ranking.is_entry[n] and ranking.cosine[n] >= threshold and (agree_with is None or agree_with(n))
        ]
        gained = sum(1 for n in taken if bench.items[n].answerable and ranking.right[n])
        wrong = sum(1 for n in taken if bench.items[n].answerable and not ranking.right[n])
        false = sum(1 for n in taken if not bench.items[n].answerable)
        print(f"    {threshold:>8.2f}{gained:>8} ({gained / answerable:4.1%}){wrong:>5} ({wrong / answerable:4.1%}){false:>9} ({false / to_decline:5.1%})")


def print_engine(bench: Bench) -> None:
    right = sum(1 for n, item in enumerate(bench.items) if item.answerable and bench.engine.answered[n] in item.expected)
    wrong = sum(1 for n, item in enumerate(bench.items) if item.answerable and bench.engine.answered[n] not in (None, *item.expected))
    declined_ok = sum(1 for n, item in enumerate(bench.items) if not item.answerable and bench.engine.answered[n] is None)
    answerable = int(bench.answerable.sum())
    declines = sum(1 for a in bench.engine.answered if a is None)
    near = sum(1 for n, a in enumerate(bench.engine.answered) if a is None and bench.engine.score[n] >= Tuning().suggestion_floor)
    print(
        f"== the current engine on the same questions: right {right / answerable:.1%}, wrong {wrong / answerable:.1%}, "
        f"declined {declined_ok / (len(bench.items) - answerable):.1%}"
    )
    print(
        f"  it declines {declines} of {len(bench.items)} questions ({declines / len(bench.items):.1%}), "
        f"{near} of them ({near / len(bench.items):.1%}) with a score of at least {Tuning().suggestion_floor:.0f}: "
        "the share of questions a model consulted on declines would see"
    )
    print()


def vetoes(bench: Bench, ranking: Ranking) -> None:
    """How often the model's top-1 disagrees with the entry the engine answered, right or wrong."""
    answered = [n for n, a in enumerate(bench.engine.answered) if a is not None]
    top_id = [bench.documents[i].id for i in ranking.top]
    for label, group in [
        ("answered right", [n for n in answered if bench.engine.answered[n] in bench.items[n].expected]),
        ("answered wrong (wrong entry or a question to decline)", [n for n in answered if bench.engine.answered[n] not in bench.items[n].expected]),
    ]:
        disagree = [n for n in group if top_id[n] != bench.engine.answered[n]]
        print(f"  engine {label}: {len(group)}; the model's top-1 differs for {len(disagree)}; its cosine then: {_spread(ranking.cosine[disagree])}")


def drop_in(bench: Bench, model_cosines: np.ndarray) -> None:
    """The engine's decision with MiniLM's cosine mixed into its meaning measure, Tuning left as calibrated
    for WordLlama: on every question, or only where the engine declines with a score at or above the
    suggestion floor (unsure). Candidates are the engine's own pool (chosen with WordLlama's help)."""
    engine = Engine(bench.knowledge)
    tuning = engine.tuning
    pools = [engine.candidates(clean(item.question)) for item in bench.items]

    def decide(n: int, mix: float, unsure_only: bool) -> str | None:
        if unsure_only and (bench.engine.answered[n] is not None or bench.engine.score[n] < tuning.suggestion_floor):
            return bench.engine.answered[n]
        pool = [replace(c, meaning=(1 - mix) * c.meaning + mix * float(model_cosines[n, c.index])) for c in pools[n]]
        if not pool:
            return None
        ranked = sorted(((c.index, tuning.score(c)) for c in pool), key=lambda pair: pair[1], reverse=True)
        index, best = ranked[0]
        runner_up = ranked[1][1] if len(ranked) > 1 else 0.0
        top = bench.documents[index]
        return top.id if isinstance(top, Entry) and tuning.confident(best, runner_up, tuning.agreed(pool, index)) else None

    answerable = [n for n, item in enumerate(bench.items) if item.answerable]
    to_decline = [n for n, item in enumerate(bench.items) if not item.answerable]
    for unsure_only in (False, True):
        for mix in (0.0, 0.5, 1.0):
            answers = [decide(n, mix, unsure_only) for n in range(len(bench.items))]
            right = sum(answers[n] in bench.items[n].expected for n in answerable) / len(answerable)
            wrong = sum(answers[n] not in (None, *bench.items[n].expected) for n in answerable) / len(answerable)
            declined = sum(answers[n] is None for n in to_decline) / len(to_decline)
            where = "unsure questions only" if unsure_only else "every question"
            print(f"  {where:<22} meaning = {1 - mix:.1f} WordLlama + {mix:.1f} MiniLM: right {right:5.1%}, wrong {wrong:4.1%}, declined {declined:5.1%}")


def main() -> None:
    started = time.perf_counter()
    bench = Bench()
    knowledge = bench.knowledge
    print(
        f"knowledge base: {len(knowledge.entries)} entries ({sum(len(e.questions) for e in knowledge.entries)} phrasings), "
        f"{len(knowledge.out_of_scope)} out-of-scope kinds ({sum(len(o.questions) for o in knowledge.out_of_scope)} phrasings)"
    )
    for name in SETS:
        within = bench.set_of_array == name
        print(f"  {name}.yaml: {int(within.sum())} questions, {int((within & bench.answerable).sum())} answerable")
    print()
    print_engine(bench)

    model = default_sentence_model()
    cache_dir = load_settings().cache_dir
    spelled_phrasings = [bench.spelled(p) for p in bench.phrasings]
    spelled_questions = [bench.spelled(item.question) for item in bench.items]
    model_phrasings = phrasing_vectors(model, spelled_phrasings, cache_dir)
    model_questions = model.embed(spelled_questions)
    raw_phrasings = phrasing_vectors(model, [clean(p) for p in bench.phrasings], cache_dir)
    raw_questions = model.embed([clean(item.question) for item in bench.items])

    wordllama = default_embedder()
    wl_phrasings = wordllama.embed(spelled_phrasings)
    wl_questions = wordllama.embed(spelled_questions)
    matrix = whitening(wl_phrasings, bench.first, Tuning().meaning_shrinkage)
    wl_white_phrasings = unit_rows(wl_phrasings @ matrix)
    wl_white_questions = unit_rows(wl_questions @ matrix)

    minilm = bench.rank(model_questions, model_phrasings)
    whitened = bench.rank(wl_white_questions, wl_white_phrasings)
    print_ranker(bench, "MiniLM-L6 (int8), text spelled out as the engine's meaning measure sees it", minilm)
    print_ranker(bench, "MiniLM-L6 (int8), raw text", bench.rank(raw_questions, raw_phrasings))
    white_minilm = {}
    for shrinkage in MINILM_SHRINKAGES:
        # The same whitening the engine applies to WordLlama, learnt from the phrasings (not the questions).
        matrix = whitening(model_phrasings, bench.first, shrinkage)
        white_minilm[shrinkage] = (unit_rows(model_questions @ matrix), unit_rows(model_phrasings @ matrix))
        print_ranker(bench, f"MiniLM-L6 (int8), spelled out, whitened on the phrasings (shrinkage {shrinkage})", bench.rank(*white_minilm[shrinkage]))
    print_ranker(bench, "WordLlama, plain cosine", bench.rank(wl_questions, wl_phrasings))
    print_ranker(bench, "WordLlama, whitened (the engine's meaning measure)", whitened)
    chosen = white_minilm[MINILM_SHRINKAGES[0]]
    combined = (bench.per_document(*chosen) + bench.per_document(wl_white_questions, wl_white_phrasings)) / 2
    print_ranker(bench, f"mean of the cosines of MiniLM (whitened, {MINILM_SHRINKAGES[0]}) and WordLlama (whitened)", bench.rank_cosines(combined))

    print("== the model as a second opinion on the questions the engine declines (all tuning sets)")
    white = bench.rank(*chosen)
    white_id = [bench.documents[i].id for i in white.top]
    wl_top = [bench.documents[i].id for i in whitened.top]
    second_opinion(bench, "plain MiniLM's top-1 entry, cosine alone", minilm, None)
    second_opinion(bench, f"whitened MiniLM's ({MINILM_SHRINKAGES[0]}) top-1 entry, cosine alone", white, None)
    second_opinion(bench, "whitened MiniLM's top-1 entry when it is also the engine's first suggestion", white, lambda n: bench.engine.suggestion[n] == white_id[n])
    second_opinion(bench, "whitened MiniLM's top-1 entry when WordLlama (whitened) ranks it first too", white, lambda n: wl_top[n] == white_id[n])
    print()
    print("== whitened MiniLM against the engine's answers (a veto would decline where they differ)")
    vetoes(bench, white)
    print()
    print("== MiniLM (whitened) mixed into the engine's meaning measure, Tuning not recalibrated (0.0: today's engine)")
    drop_in(bench, np.maximum(bench.per_document(*chosen), 0.0))
    print(f"\n(run in {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
