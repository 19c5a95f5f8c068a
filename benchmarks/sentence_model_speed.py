"""Speed and size of the contextual sentence model (bot/sentence_model.py).

    python benchmarks/sentence_model_speed.py [--repeat 3]

Prints: the cold load in a fresh process (import, checksums, onnxruntime session), per-question
latency with 1 and 2 threads (p50, mean, p99) on the tuning sets' questions and on hostile inputs, the
engine's own latency for comparison, the time to build and to load the phrasing cache, and the
installed size the model's packages add. Asserts nothing; wall-clock on whatever machine runs it, so
read it together with the load average it prints.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

from bot.evaluation import load_questions
from bot.knowledge import load_knowledge
from bot.matching import Engine
from bot.sentence_model import MODEL_PACKAGE, SentenceModel, phrasing_vectors
from bot.text import Normalizer, clean, words

ROOT = Path(__file__).resolve().parent.parent
EVAL_DIR = ROOT / "tests" / "eval"
SETS = ("questions", "blind", "fresh")  # never heldout.yaml
ADDED_PACKAGES = (MODEL_PACKAGE, "onnxruntime", "flatbuffers", "protobuf")  # what the model brings into the venv
HOSTILE = {
    "4,000 characters": "why did putin " * 285,
    "4,000 random words": " ".join(["zq", "xkcd", "ukraine", "lorem", "ipsum", "sanctions"] * 120)[:4000],
    "only emoji": "🙂🔥🇺🇦" * 300,
    "right-to-left": "مرحبا من كتب هذا المقال؟ ‏שלום",
}


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def summary(timings: list[float]) -> str:
    return (
        f"p50 {statistics.median(timings):6.2f} ms, mean {statistics.fmean(timings):6.2f} ms, "
        f"p99 {percentile(timings, 0.99):6.2f} ms, max {max(timings):6.2f} ms over {len(timings)}"
    )


def timed(function, *args) -> float:
    started = time.perf_counter()
    function(*args)
    return (time.perf_counter() - started) * 1000


def cold_start(repeat: int, phrasings: list[str], cache_dir: Path) -> None:
    """`cache_dir` holds the phrasing cache for `phrasings` already."""
    print("== cold start, a fresh python process each time (median of", repeat, "runs)")
    with_cache = (
        "import json, sys; from pathlib import Path; from bot.sentence_model import SentenceModel, phrasing_vectors; "
        "phrasing_vectors(SentenceModel(), json.loads(sys.stdin.read()), Path(sys.argv[1]))"
    )
    commands = {
        "python -c 'import bot.sentence_model'": ["-c", "import bot.sentence_model"],
        "... and SentenceModel() (import onnxruntime, checksums, session)": ["-c", "from bot.sentence_model import SentenceModel; SentenceModel()"],
        "... and the phrasing matrix read from the cache": ["-c", with_cache, str(cache_dir)],
        "python -c 'import onnxruntime' alone": ["-c", "import onnxruntime"],
        "for comparison, python -m bot ask 'who wrote the article' today": ["-m", "bot", "ask", "who wrote the article"],
    }
    for label, arguments in commands.items():
        runs = []
        for _ in range(repeat):
            started = time.perf_counter()
            subprocess.run([sys.executable, *arguments], check=True, input=json.dumps(phrasings), text=True, stdout=subprocess.DEVNULL)
            runs.append(time.perf_counter() - started)
        print(f"  {label:<66} {statistics.median(runs):5.2f} s (runs: {', '.join(f'{r:.2f}' for r in runs)})")
    print()


def latency(questions: list[str], repeat: int) -> None:
    print("== per question (embedding one question; the tuning sets' questions, spelled out as the engine would)")
    for threads in (1, 2):
        model = SentenceModel(threads=threads)
        model.embed(questions[:20])  # warm up
        timings = [timed(model.embed, [q]) for _ in range(repeat) for q in questions]
        print(f"  {threads} thread{'s' if threads > 1 else ' '}: {summary(timings)}")
        for label, text in HOSTILE.items():
            print(f"    {label:<20} {statistics.median(timed(model.embed, [text]) for _ in range(5)):7.2f} ms")
    print()


def engine_latency(engine: Engine, questions: list[str], repeat: int) -> None:
    for q in questions:
        engine.answer(q)  # the caches a running bot would have
    timings = [timed(engine.answer, q) for _ in range(repeat) for q in questions]
    print(f"== for comparison, the engine's whole answer today: {summary(timings)}")
    print()


def cache(texts: list[str], cache_dir: Path) -> None:
    """Leaves the cache for `texts` in `cache_dir`."""
    print(f"== the phrasing cache ({len(texts)} phrasings)")
    for threads in (1, 2):
        model = SentenceModel(threads=threads)
        directory = cache_dir / f"{threads}-threads"
        built = timed(phrasing_vectors, model, texts, directory)
        loads = [timed(phrasing_vectors, model, texts, directory) for _ in range(5)]
        (file,) = directory.glob("phrasings-*.npz")
        print(
            f"  {threads} thread{'s' if threads > 1 else ' '}: first build {built / 1000:5.1f} s; "
            f"load {statistics.median(loads):6.1f} ms (median of 5); file {file.stat().st_size / 1e6:.1f} MB"
        )
    print()


def installed_size() -> None:
    print("== installed size")
    total = 0
    for name in ADDED_PACKAGES:
        try:
            files = metadata.files(name) or []
        except metadata.PackageNotFoundError:
            print(f"  {name}: not installed")
            continue
        size = sum(Path(str(f.locate())).stat().st_size for f in files if Path(str(f.locate())).is_file())
        total += size
        print(f"  {name:<22} {metadata.version(name):<10} {size / 2**20:6.1f} MiB")
    print(f"  added by the sentence model: {total / 2**20:.1f} MiB (plus the tokenizer in bot/models: "
          f"{sum(p.stat().st_size for p in (ROOT / 'bot' / 'models').iterdir()) / 2**20:.1f} MiB)")
    venv = sum(p.stat().st_size for p in Path(sys.prefix).rglob("*") if p.is_file() and not p.is_symlink())
    print(f"  the whole environment at {sys.prefix}: {venv / 2**20:.0f} MiB")
    print()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="passes over the questions, and cold starts")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    knowledge = load_knowledge(ROOT / "knowledge")
    normalizer = Normalizer(knowledge.vocabulary)
    raw_questions = [item.question for name in SETS for item in load_questions(EVAL_DIR / f"{name}.yaml")]
    questions = [normalizer.spelled_out(words(clean(q))) for q in raw_questions]
    phrasings = [normalizer.spelled_out(words(q)) for d in knowledge.entries + knowledge.out_of_scope for q in d.questions]
    with tempfile.TemporaryDirectory() as directory:
        cache(phrasings, Path(directory))
        cold_start(args.repeat, phrasings, Path(directory) / "1-threads")
    latency(questions, args.repeat)
    engine_latency(Engine(knowledge), raw_questions, args.repeat)
    installed_size()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
