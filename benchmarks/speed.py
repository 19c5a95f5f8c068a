"""Speed figures: per-question latency on the real knowledge base, a synthetic 10,000-entry knowledge
base (60,000 phrasings) loaded from YAML, and the command line's cold start.

    python benchmarks/speed.py [--entries 10000] [--runs 5]

Prints figures; asserts nothing. Timings are wall-clock on whatever machine runs it.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

from bot.evaluation import load_questions
from bot.knowledge import load_knowledge
from bot.matching import Engine

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
ENTRIES_PER_FILE = 1000
UNSURE = "wat does the writer want the us to do lol"  # declined by the first look, answered on the second


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def time_questions(engine: Engine, questions: list[str], repeat: int) -> list[float]:
    timings = []
    for _ in range(repeat):
        for question in questions:
            start = time.perf_counter()
            engine.answer(question)
            timings.append((time.perf_counter() - start) * 1000)
    return timings


def report(label: str, timings: list[float]) -> None:
    print(f"{label}: median {statistics.median(timings):.3f} ms, mean {statistics.mean(timings):.3f} ms, "
          f"p99 {percentile(timings, 0.99):.3f} ms, max {max(timings):.3f} ms over {len(timings)} questions")


def eval_questions() -> list[str]:
    return [item.question for name in ("questions.yaml", "heldout.yaml") for item in load_questions(EVAL_DIR / name)]


HOSTILE = {
    "empty": "",
    "4,000 characters": "why did putin " * 285,
    "4,000 random words": " ".join(random.Random(1).choice(["zq", "xkcd", "ukraine", "lorem", "ipsum", "sanctions"]) for _ in range(700))[:4000],
    "only emoji": "🙂🔥🇺🇦" * 300,
    "only a mention": "<@123456789012345678>",
    "control characters": "\x00\x07\x1b[31m who wrote this \u200b\u202e",
    "right-to-left": "مرحبا من كتب هذا المقال؟ ‏שלום",
    "code block": "```py\nimport os; os.system('rm -rf /')\n```",
}


def hostile_inputs(engine: Engine) -> None:
    worst = 0.0
    for label, text in HOSTILE.items():
        start = time.perf_counter()
        result = engine.answer(text)
        elapsed = (time.perf_counter() - start) * 1000
        worst = max(worst, elapsed)
        print(f"  {label:<20} {elapsed:7.3f} ms  {'answered ' + result.entry.id if result.entry else 'declined'}")
    print(f"hostile inputs: worst {worst:.3f} ms")


def real_knowledge_base() -> None:
    knowledge = load_knowledge(ROOT / "knowledge")
    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        engine = Engine(knowledge, cache_dir=Path(cache))
        print(f"real knowledge base: {len(engine.entries)} entries, {len(engine.phrasings)} phrasings, loaded and "
              f"indexed in {(time.perf_counter() - start) * 1000:.0f} ms")
        start = time.perf_counter()
        engine.contextual.warm()
        print(f"contextual model: first build of the phrasing cache (model load + embedding) {time.perf_counter() - start:.1f} s")
        again = Engine(knowledge, cache_dir=Path(cache))
        start = time.perf_counter()
        again.contextual.warm()
        print(f"contextual model: a later start, from the cache (model load + cache read) {time.perf_counter() - start:.2f} s")
    questions = eval_questions()
    time_questions(engine, questions, 1)  # warm the caches a long-running bot would have
    looked = sum(1 for q in questions if not engine.answer(q).matched and engine.answer(q).score >= engine.tuning.second_look_floor)
    print(f"  ({looked} of {len(questions)} questions, {looked / len(questions):.0%}, are unsure enough for a second look)")
    report("real knowledge base, per question (second look included)", time_questions(engine, questions, 5))
    report("real knowledge base, per question, word measures only", time_questions(Engine(knowledge, contextual=False), questions, 5))
    hostile_inputs(engine)


def write_synthetic(directory: Path, entries: int, rng: random.Random) -> None:
    """`entries` entries of 6 phrasings each, in files of 1,000 entries, each with its own source text."""
    article = (ROOT / "knowledge" / "sources" / "herbst-2025-05.txt").read_text(encoding="utf-8")
    real_words = sorted({w.strip(".,“”’—").lower() for w in article.split() if w.isalpha() and len(w) > 3})
    invented = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4))) for _ in range(6000)]
    lexicon = real_words + invented
    (directory / "sources").mkdir()
    for file_number in range(0, entries, ENTRIES_PER_FILE):
        sentences, items = [], []
        for n in range(file_number, min(entries, file_number + ENTRIES_PER_FILE)):
            sentence = " ".join(rng.choices(lexicon, k=12)) + "."
            sentences.append(sentence)
            items.append({
                "id": f"entry-{n}",
                "questions": [" ".join(rng.choices(lexicon, k=rng.randint(4, 9))) + "?" for _ in range(6)],
                "answer": " ".join(rng.choices(lexicon, k=30)) + ".",
                "sources": [sentence],
                "tags": [rng.choice(invented)],
            })
        slug = f"synthetic-{file_number // ENTRIES_PER_FILE}"
        (directory / "sources" / f"{slug}.txt").write_text(" ".join(sentences), encoding="utf-8")
        document = {
            "assessment": {
                "id": slug, "title": slug, "author": "Bench Mark", "publisher": "Benchmarks",
                "published": {"date": "2025-06-01", "precision": "day"}, "source": f"sources/{slug}.txt",
            },
            "entries": items,
            "timeline": [],
        }
        (directory / f"{slug}.yaml").write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")


def synthetic_knowledge_base(entries: int) -> None:
    rng = random.Random(7)
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        write_synthetic(directory, entries, rng)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        start = time.perf_counter()
        knowledge = load_knowledge(directory)
        loaded = time.perf_counter()
        # The bot's engine before its contextual index is built (it is built in the background, from
        # 60,000 phrasings here): the word measures alone.
        engine = Engine(knowledge, wait_for_model=False)
        indexed = time.perf_counter()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(
            f"synthetic knowledge base: {len(engine.entries)} entries, {len(engine.phrasings)} phrasings; "
            f"load {loaded - start:.2f} s + index {indexed - loaded:.2f} s = {indexed - start:.2f} s; "
            f"peak resident memory {rss_after / 1024:.0f} MiB (+{(rss_after - rss_before) / 1024:.0f} MiB for it)"
        )
        questions = eval_questions()[:200]
        questions += [rng.choice(engine.phrasings) for _ in range(100)]  # questions that hit it squarely
        report("synthetic knowledge base, per question", time_questions(engine, questions, 1))


def cold_start(runs: int) -> None:
    for question, what in (("who wrote this?", "a sure question"), (UNSURE, "an unsure one: the model, from its cache")):
        subprocess.run([sys.executable, "-m", "bot", "ask", question], check=True, capture_output=True, cwd="/")  # the cache
        timings = []
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "bot", "ask", question], check=True, capture_output=True, cwd="/")
            timings.append(time.perf_counter() - start)
        print(f"cold start, python -m bot ask ({what}): median {statistics.median(timings):.2f} s, max {max(timings):.2f} s over {runs} runs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    real_knowledge_base()
    cold_start(args.runs)
    synthetic_knowledge_base(args.entries)


if __name__ == "__main__":
    main()
