"""Timing figures for the Discord edge, the real bot against the loopback stand-in the tests use:

- a burst of 200 questions from 20 users in 4 channels: how long to dispatch and handle them, the
  event loop's worst lag meanwhile, the engine's slowest answer;
- /reload of the shipped knowledge plus a large made-up assessment: how long, and the loop's worst lag
  meanwhile (built in a worker thread, the loop should lag far less than the reload takes);
- recording a question while another process holds the database locked: how long the record waits
  (SQLite's busy timeout) before the bot gives up on it.

    python benchmarks/discord_load.py [--entries 1000] [--runs 3]

Prints figures; asserts nothing. Timings are wall-clock on whatever machine runs it. Needs the test
extras (pip install -e '.[test]'): the stand-in lives in tests/discord_stub.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # for tests.discord_stub and tests.discord_helpers

from bot.config import Settings  # noqa: E402
from bot.knowledge import load_knowledge  # noqa: E402
from bot.live import LiveKnowledge  # noqa: E402
from bot.matching import Result  # noqa: E402
from bot.records import Records  # noqa: E402
from tests.discord_helpers import (  # noqa: E402
    ANSWERED, WAIT, WORLD, burst_of_questions, interact, outcomes, reply_to, serving, write_extra_assessment,
)
from tests.discord_stub import payloads  # noqa: E402
from tests.discord_stub.fixtures import stand_in  # noqa: E402

KNOWLEDGE_DIR = ROOT / "knowledge"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
USERS, CHANNELS, QUESTIONS, RATE = 20, 4, 200, 5


class LagMonitor:
    """Sleeps 10 ms at a time on the event loop and keeps the worst overshoot: how long the loop stalled."""

    def __init__(self) -> None:
        self.worst = 0.0
        self._task: asyncio.Task[None] | None = None

    async def _watch(self) -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            self.worst = max(self.worst, time.perf_counter() - started - 0.01)

    def __enter__(self) -> LagMonitor:
        self._task = asyncio.create_task(self._watch())
        return self

    def __exit__(self, *exc_info: object) -> None:
        assert self._task is not None
        self._task.cancel()


class TimedEngine:
    """The engine in service, timing each answer."""

    def __init__(self, engine: Any) -> None:
        self.engine = engine
        self.timings: list[float] = []

    def answer(self, question: str) -> Result:
        started = time.perf_counter()
        try:
            return self.engine.answer(question)
        finally:
            self.timings.append(time.perf_counter() - started)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)


def settings_for(stub: Any, directory: Path, knowledge_dir: Path = KNOWLEDGE_DIR) -> Settings:
    return Settings(
        knowledge_dir=knowledge_dir, api_base=stub.api_base, gateway_url=stub.gateway_url,
        database_path=directory / "bot.sqlite3", cooldown_rate=RATE, cooldown_seconds=3600.0, knowledge_poll_seconds=0,
    )


async def burst(directory: Path) -> dict[str, float]:
    knowledge = load_knowledge(KNOWLEDGE_DIR)
    async with stand_in() as stub:
        _users, events = burst_of_questions(stub, knowledge, USERS, CHANNELS, QUESTIONS)
        async with serving(stub, settings_for(stub, directory), knowledge) as bot:
            engine = TimedEngine(bot.engine)
            bot.live.engine = engine  # type: ignore[assignment]
            started = time.perf_counter()
            with LagMonitor() as lag:
                for event, _user, data in events:
                    await stub.dispatch(event, data, timeout=WAIT)
                dispatched = time.perf_counter() - started
                # Events are handled in order: once a question asked after the burst is answered and
                # nothing is in flight, the burst is done (rate-limited mentions get one DM per user, so
                # not every question leaves a trace on the wire).
                latecomer = payloads.user(payloads.snowflake(), "latecomer")
                await reply_to(stub, payloads.dm_message(WORLD, ANSWERED, author=latecomer))
                while bot.in_flight.count:
                    await asyncio.sleep(0.005)
            handled = time.perf_counter() - started
        kinds = Counter(kind for _user, kind in outcomes(stub, events))
    return {"dispatched_s": dispatched, "handled_s": handled, "lag_ms": lag.worst * 1000,
            "engine_max_ms": max(engine.timings) * 1000, "answered": kinds["answered"],
            "limited": kinds["rate-limited"] + kinds["rate-limited by DM"]}


async def large_reload(directory: Path, entries: int) -> dict[str, float]:
    knowledge_dir = directory / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, knowledge_dir)
    owner = payloads.user(WORLD.owner_id, "owner")  # Manage Server: may /reload
    async with stand_in() as stub:
        live = LiveKnowledge(knowledge_dir)
        async with serving(stub, settings_for(stub, directory, knowledge_dir), live) as bot:
            before = len(bot.knowledge.entries)
            write_extra_assessment(knowledge_dir, entries)
            started = time.perf_counter()
            with LagMonitor() as lag:
                await interact(stub, payloads.slash_command(WORLD, "reload", invoker=owner))
                followup = await stub.wait_for_request("POST", FOLLOWUP, timeout=120)
                took = time.perf_counter() - started
            assert followup.body["content"].startswith(f"Reloaded: {before + entries} entries"), followup.body
    return {"reload_s": took, "lag_ms": lag.worst * 1000}


def locked_record(directory: Path) -> float:
    path = directory / "locked.sqlite3"
    with Records(path, retention_days=90) as records:
        records.record_question(question="warm-up", guild_id=1, matched=False, entry_id=None, score=1.0, suggestions=())
        holder = sqlite3.connect(path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            started = time.perf_counter()
            recorded = records.record_question(question="while locked", guild_id=1, matched=False, entry_id=None,
                                               score=1.0, suggestions=())
            waited = time.perf_counter() - started
        finally:
            holder.close()
    assert not recorded
    return waited


def summary(label: str, values: list[float], unit: str) -> str:
    return f"{label} median {statistics.median(values):.2f} {unit}, worst {max(values):.2f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=1000, help="entries in the made-up assessment to reload")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)

    bursts, reloads, waits = [], [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as scratch:
            bursts.append(asyncio.run(burst(Path(scratch))))
        with tempfile.TemporaryDirectory() as scratch:
            reloads.append(asyncio.run(large_reload(Path(scratch), args.entries)))
        with tempfile.TemporaryDirectory() as scratch:
            waits.append(locked_record(Path(scratch)))

    print(f"burst of {QUESTIONS} questions from {USERS} users in {CHANNELS} channels ({args.runs} runs; "
          f"answered {bursts[0]['answered']}, rate-limited {bursts[0]['limited']}):")
    print("  " + summary("dispatched in", [b["dispatched_s"] for b in bursts], "s"))
    print("  " + summary("all handled in", [b["handled_s"] for b in bursts], "s"))
    print("  " + summary("event-loop lag", [b["lag_ms"] for b in bursts], "ms"))
    print("  " + summary("slowest answer", [b["engine_max_ms"] for b in bursts], "ms"))
    print(f"/reload of the shipped knowledge plus {args.entries} made-up entries ({args.runs} runs):")
    print("  " + summary("took", [r["reload_s"] for r in reloads], "s"))
    print("  " + summary("event-loop lag meanwhile", [r["lag_ms"] for r in reloads], "ms"))
    print("a question's record while another process holds the database locked:")
    print("  " + summary("waited", [w * 1000 for w in waits], "ms") + ", then dropped")


if __name__ == "__main__":
    main()
