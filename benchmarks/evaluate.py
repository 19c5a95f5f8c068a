"""Answer quality on the labelled question sets: scores by kind, the confusion, and every failure.

    python benchmarks/evaluate.py                 # development, held-aside, blind and fresh sets
    python benchmarks/evaluate.py --failures dev  # also list the development set's failures
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import load_settings
from bot.evaluation import Report, evaluate, load_questions
from bot.knowledge import load_knowledge
from bot.matching import Engine

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
SETS = {
    "dev": EVAL_DIR / "questions.yaml",
    "heldout": EVAL_DIR / "heldout.yaml",
    "blind": EVAL_DIR / "blind.yaml",
    "fresh": EVAL_DIR / "fresh.yaml",
}
VERDICTS = ("right", "wrong-entry", "declined", "declined-ok", "false-answer")


def print_report(name: str, report: Report, show_failures: bool) -> None:
    answerable = sum(o.item.answerable for o in report.outcomes)
    print(f"== {name}: {len(report.outcomes)} questions ({answerable} answerable, {len(report.outcomes) - answerable} to decline)")
    print(f"  right entry          {report.accuracy:6.1%}   (target >= 95%)")
    print(f"  wrong entry          {report.wrong_rate:6.1%}   (target <= 2%)")
    print(f"  declined correctly   {report.decline_rate:6.1%}   (target >= 95%)")
    print(f"  suggestion recall    {report.suggestion_recall:6.1%}   (target >= 80%, among answerable ones declined)")
    print(f"  {'kind':<14}" + "".join(f"{v:>13}" for v in VERDICTS))
    for kind, counts in sorted(report.by_kind().items()):
        print(f"  {kind:<14}" + "".join(f"{counts.get(v, 0):>13}" for v in VERDICTS))
    if show_failures:
        for o in report.failures():
            expected = ",".join(sorted(o.item.expected)) or "decline"
            print(f"  [{o.verdict}] {o.item.question!r} -> {o.matched_entry or 'declined'} ({o.score}) expected {expected}; suggested {list(o.suggested)}")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--failures", nargs="*", choices=sorted(SETS), default=None, help="list failures of these sets")
    args = parser.parse_args()
    engine = Engine(load_knowledge(load_settings().knowledge_dir))
    for name, path in SETS.items():
        show = args.failures is not None and (not args.failures or name in args.failures)
        print_report(name, evaluate(engine, load_questions(path)), show)


if __name__ == "__main__":
    main()
