"""How much the engine leans on hand-written phrasings: answer quality against phrasings per entry.

    python benchmarks/phrasings_curve.py                  # 3, 5, 10, 20 and all phrasings per entry
    python benchmarks/phrasings_curve.py --counts 5 all   # only these

Each entry of the real knowledge base (KNOWLEDGE_DIR) is cut to its first N phrasings; everything else
(answers, quotes, timeline, the out-of-scope kinds of the assessments and of the series) is left as it
is. The engine is built as the bot builds it, with the contextual model's second look and its phrasing
cache (`Engine(knowledge, cache_dir=settings.cache_dir)`; the cache is keyed by the phrasings, so each
N has its own file: the first run embeds, later runs read it), and every set is asked through
bot.conversation, scored by bot.evaluation.evaluate.

Figures only, and first for the sets the engine was never tuned on (tests/eval/heldout.yaml and
unseen.yaml): their questions and failures are never printed, so that nobody tunes on them. The sets
tuned on (development, blind, fresh) follow for comparison; a cut knowledge base is not what they were
tuned with either, but their questions helped choose the engine's weights, so read them as the upper
line. "right" and "wrong" are shares of the answerable questions; "declined" is the share of the
questions to decline that were declined.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.config import load_settings  # noqa: E402
from bot.conversation import Conversation  # noqa: E402
from bot.evaluation import Report, evaluate, load_questions  # noqa: E402
from bot.knowledge import KnowledgeBase, load_knowledge  # noqa: E402
from bot.matching import Engine  # noqa: E402

EVAL_DIR = ROOT / "tests" / "eval"
NEVER_TUNED_ON = {"heldout": EVAL_DIR / "heldout.yaml", "unseen": EVAL_DIR / "unseen.yaml"}
TUNED_ON = {"dev": EVAL_DIR / "questions.yaml", "blind": EVAL_DIR / "blind.yaml", "fresh": EVAL_DIR / "fresh.yaml"}
COUNTS = ("3", "5", "10", "20", "all")
TARGETS = "targets: right >= 95%, wrong <= 2%, declined >= 95% (issue 15, for a draft: 75%, 2%, 95%)"


@dataclass(frozen=True)
class Point:
    """One set's figures at one cut."""

    answerable: int
    to_decline: int
    right: float
    wrong: float
    declined: float

    @staticmethod
    def of(report: Report) -> Point:
        answerable = sum(o.item.answerable for o in report.outcomes)
        return Point(answerable, len(report.outcomes) - answerable, report.accuracy, report.wrong_rate, report.decline_rate)


def cut(knowledge: KnowledgeBase, count: int | None) -> KnowledgeBase:
    """The knowledge base with every entry cut to its first `count` phrasings (None: all of them)."""
    if count is None:
        return knowledge
    assessments = tuple(
        replace(a, entries=tuple(replace(e, questions=e.questions[:count]) for e in a.entries)) for a in knowledge.assessments
    )
    return replace(knowledge, assessments=assessments)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", nargs="+", default=list(COUNTS), metavar="N",
                        help="phrasings per entry to measure: numbers, or 'all' (default: %(default)s)")
    args = parser.parse_args()
    counts = [None if c == "all" else int(c) for c in args.counts]
    settings = load_settings()
    knowledge = load_knowledge(settings.knowledge_dir)
    sets = {name: load_questions(path) for name, path in {**NEVER_TUNED_ON, **TUNED_ON}.items()}
    together = [item for name in NEVER_TUNED_ON for item in sets[name]]
    phrasings = [len(e.questions) for e in knowledge.entries]
    print(f"knowledge: {len(knowledge.entries)} entries ({min(phrasings)}-{max(phrasings)} phrasings each, "
          f"{sum(phrasings):,} in all), {len(knowledge.out_of_scope)} out-of-scope kinds (kept whole)")

    curve: dict[str, dict[str, Point]] = {}
    for count in counts:
        label = "all" if count is None else str(count)
        cut_knowledge = cut(knowledge, count)
        started = time.perf_counter()
        engine = Engine(cut_knowledge, cache_dir=settings.cache_dir)
        built = time.perf_counter() - started
        started = time.perf_counter()
        with_model = engine.contextual is not None and engine.contextual.warm()
        warmed = time.perf_counter() - started
        conversation = Conversation(engine)
        started = time.perf_counter()
        points = {name: Point.of(evaluate(conversation, items)) for name, items in sets.items()}
        points["never tuned on, together"] = Point.of(evaluate(conversation, together))
        asked = time.perf_counter() - started
        curve[label] = points
        entry_phrasings = sum(len(e.questions) for e in cut_knowledge.entries)
        print(f"  {label:>3} phrasings an entry ({entry_phrasings:,} in all): index {built:.1f} s, contextual model "
              f"{warmed:.1f} s{'' if with_model else ' (UNAVAILABLE: the words alone answered)'}, "
              f"{sum(map(len, sets.values())) + len(together):,} questions {asked:.1f} s")
    print()
    print(TARGETS)
    report("never tuned on", [*NEVER_TUNED_ON, "never tuned on, together"], curve)
    report("tuned on (for comparison)", list(TUNED_ON), curve)


def report(title: str, names: list[str], curve: dict[str, dict[str, Point]]) -> None:
    """A row per set (its answerable + to-decline counts), a column of right / wrong / declined per cut."""
    labels = list(curve)
    print(f"\n== {title}: right / wrong / declined, by phrasings per entry")
    print(f"  {'phrasings per entry':<36}" + "".join(f"{label:>23}" for label in labels))
    print(f"  {'set (answerable+to decline)':<36}" + f"{'right':>7}{'wrong':>7}{'declined':>9}" * len(labels))
    for name in names:
        first = curve[labels[0]][name]
        cells = "".join(f"{p.right:>7.1%}{p.wrong:>7.1%}{p.declined:>9.1%}" for p in (curve[label][name] for label in labels))
        print(f"  {name + f' ({first.answerable}+{first.to_decline})':<36}{cells}")


if __name__ == "__main__":
    main()
