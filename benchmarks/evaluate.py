"""Answer quality on the labelled question sets: scores by kind, the confusion, and every failure.

    python benchmarks/evaluate.py                 # development, blind, fresh and held-out sets
    python benchmarks/evaluate.py --failures dev  # also list the development set's failures

Each set is marked "tuned on" (benchmarks/calibrate.py chose the engine's weights on it, and
tests/test_answer_quality.py holds it to the targets) or "never tuned on" (the held-out set, which
stands for questions nobody has seen: it is reported here and nowhere else; look at its failures
only to learn, never to tune).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.config import load_settings
from bot.evaluation import Report, evaluate, load_questions
from bot.knowledge import load_knowledge
from bot.matching import Engine

EVAL_DIR = Path(__file__).resolve().parent.parent / "tests" / "eval"
TUNED_ON, NEVER_TUNED_ON = "tuned on", "never tuned on"
SETS = {  # name: (file, whether calibration chose the engine's weights on it)
    "dev": (EVAL_DIR / "questions.yaml", TUNED_ON),
    "blind": (EVAL_DIR / "blind.yaml", TUNED_ON),
    "fresh": (EVAL_DIR / "fresh.yaml", TUNED_ON),
    "heldout": (EVAL_DIR / "heldout.yaml", NEVER_TUNED_ON),
}
VERDICTS = ("right", "wrong-entry", "declined", "declined-ok", "false-answer")


def print_report(name: str, status: str, report: Report, show_failures: bool) -> None:
    answerable = sum(o.item.answerable for o in report.outcomes)
    print(f"== {name} ({status}): {len(report.outcomes)} questions ({answerable} answerable, {len(report.outcomes) - answerable} to decline)")
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
    for name, (path, status) in SETS.items():
        show = args.failures is not None and (not args.failures or name in args.failures)
        print_report(name, status, evaluate(engine, load_questions(path)), show)


if __name__ == "__main__":
    main()
