"""Running the bot for real, at the wire: reloading knowledge, recording questions and votes, logs, a
clean stop on SIGINT/SIGTERM, and a burst of 200 questions.

The real bot (create_bot) runs against the loopback Discord stand-in, which checks every request body
against Discord's OpenAPI spec; the records database is a real SQLite file in tmp_path; knowledge to
reload is a copy of the shipped knowledge in tmp_path, edited on disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import json
import logging
import os
import re
import signal
import sqlite3
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.discord.client import AssessmentBot, create_bot
from bot.discord.cogs.operations import PROBLEMS_FILE
from bot.discord.replies import RESTARTING
from bot.discord.runner import DISCORD_LOG_FLOOR, EXIT_OK, REDACTED, configure_logging, serve
from bot.knowledge import KnowledgeBase
from bot.live import LiveKnowledge
from bot.records import LOW_CONFIDENCE, EntryVotes, Records
from tests.conftest import ASSESSMENT_FILE
from tests.discord_stub import DiscordStub, payloads
from tests.discord_stub.fixtures import stand_in
from tests.discord_helpers import (
    ANSWERED,
    CHANNEL_MESSAGE,
    DECLINED,
    EPHEMERAL,
    GUILD,
    MESSAGES,
    WAIT,
    WORLD,
    AUTHOR_ANSWER,
    NOT_COVERED,
    UNSURE,
    assert_author_answer,
    assert_pings_nobody,
    bounded,
    burst_of_questions,
    buttons,
    interact,
    outcomes,
    reply_to,
    replying_to,
    serving,
    the_embed,
    until,
    write_extra_assessment,
)
from tests.test_config import TOKEN

DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
DM_MESSAGES = f"/channels/{WORLD.dm_channel_id}/messages"
ALICE = int(WORLD.user_id)
OWNER = payloads.user(WORLD.owner_id, "owner")  # the guild's owner: every permission, Manage Server included
POLL = 0.05


def rows(path: Path, sql: str = "SELECT guild_id, question, matched, entry_id FROM questions ORDER BY id") -> list[tuple]:
    with contextlib.closing(sqlite3.connect(path)) as raw:
        return raw.execute(sql).fetchall()


def dump(path: Path) -> str:
    """Everything in the database, as SQL text."""
    with contextlib.closing(sqlite3.connect(path)) as raw:
        return "\n".join(raw.iterdump())


def vote_ids(body: dict[str, Any]) -> list[str]:
    return [b["custom_id"] for b in buttons(body) if b["custom_id"].startswith("vote:")]


async def settled(bot: AssessmentBot) -> None:
    """Wait until no question is being handled (its reply sent, its record written)."""
    await until(lambda: bot.in_flight.count == 0, "questions still in flight")


# -- reloading the knowledge -------------------------------------------------------------------------

def rename_entry(directory: Path, old: str, new: str) -> None:
    path = directory / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    assert f"- id: {old}\n" in text
    path.write_text(text.replace(f"- id: {old}\n", f"- id: {new}\n", 1), encoding="utf-8")


def misspell_answers(directory: Path, count: int = 1) -> None:
    """Makes `count` entries invalid: `answer:` spelt `anwser:` (an unknown field, a missing one)."""
    path = directory / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("    answer:", "    anwser:", count), encoding="utf-8")


def problem_line(directory: Path) -> re.Pattern[str]:
    """A problem as the bot must show it: file:line: field: message."""
    return re.compile(re.escape(f"{directory.name}/{ASSESSMENT_FILE}") + r":\d+: entries\[\d+\]\.anwser: unknown field 'anwser'")


@pytest.fixture
def reloading(settings: Settings, knowledge_copy: Path) -> Settings:
    return dataclasses.replace(settings, knowledge_dir=knowledge_copy, knowledge_poll_seconds=POLL,
                               admin_user_ids=frozenset({ALICE}))


async def entry_answering(stub: DiscordStub, question: str = ANSWERED) -> str:
    """The entry id the bot answers `question` with, read from its 👍 button ("vote:<number>.<id>:up")."""
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": question}))
    [up, _down] = vote_ids(callback.body["data"])
    return up.split(":")[1].partition(".")[2]


@bounded
async def test_a_valid_edit_on_disk_is_picked_up_without_a_restart(stub: DiscordStub, reloading: Settings) -> None:
    async with serving(stub, reloading, LiveKnowledge(reloading.knowledge_dir)) as bot:
        assert await entry_answering(stub) == "author"
        rename_entry(reloading.knowledge_dir, "author", "the-author")
        await until(lambda: bot.knowledge.entry("the-author") is not None, "the edit was not picked up")
        assert await entry_answering(stub) == "the-author"
        assert not stub.requests_to("POST", DM_MESSAGES)  # a valid change troubles no one


@bounded
async def test_an_invalid_edit_keeps_the_old_knowledge_and_the_admin_is_told_once_by_dm(
    stub: DiscordStub, reloading: Settings,
) -> None:
    directory = reloading.knowledge_dir
    async with serving(stub, reloading, LiveKnowledge(directory)) as bot:
        engine = bot.engine
        misspell_answers(directory)
        dm = await stub.wait_for_request("POST", DM_MESSAGES, timeout=WAIT)
        content = dm.body["content"]
        assert problem_line(directory).search(content), content
        assert "missing required field 'answer'" in content and "still answering from the previous version" in content
        assert not dm.files and "```" in content
        assert_pings_nobody(dm.body)

        assert bot.engine is engine and await entry_answering(stub) == "author"  # still serving the old one
        watch = bot.get_cog("OperationsCog").watch
        looked = watch.current_loop
        # Two more whole looks at the same invalid files (a look is counted once it and its DMs are done).
        await until(lambda: watch.current_loop >= looked + 3, "the watch stopped looking")
        assert len(stub.requests_to("POST", DM_MESSAGES)) == 1, "the same problems were reported again"

        path = directory / ASSESSMENT_FILE
        fixed_text = path.read_text(encoding="utf-8").replace("    anwser:", "    answer:")
        path.write_text(fixed_text.replace("- id: author\n", "- id: the-author\n", 1), encoding="utf-8")
        fixed = await stub.wait_for_request("POST", DM_MESSAGES, timeout=WAIT)
        assert "valid again" in fixed.body["content"]
        assert await entry_answering(stub) == "the-author"


@bounded
async def test_reload_by_a_member_without_manage_server_is_refused(
    stub: DiscordStub, settings: Settings, knowledge_copy: Path,
) -> None:
    async with serving(stub, dataclasses.replace(settings, knowledge_dir=knowledge_copy), LiveKnowledge(knowledge_copy)) as bot:
        engine = bot.engine
        rename_entry(knowledge_copy, "author", "the-author")
        callback = await interact(stub, payloads.slash_command(WORLD, "reload"))  # alice: no Manage Server
        data = callback.body["data"]
        assert callback.body["type"] == CHANNEL_MESSAGE and data["flags"] & EPHEMERAL
        assert "Only members with the Manage Server permission" in data["content"]
        assert bot.engine is engine and bot.knowledge.entry("the-author") is None


@bounded
async def test_reload_by_a_manage_server_member_swaps_in_the_new_knowledge(
    stub: DiscordStub, settings: Settings, knowledge_copy: Path, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, dataclasses.replace(settings, knowledge_dir=knowledge_copy), LiveKnowledge(knowledge_copy)):
        rename_entry(knowledge_copy, "author", "the-author")
        deferred = await interact(stub, payloads.slash_command(WORLD, "reload", invoker=OWNER))
        assert deferred.body["type"] == DEFERRED and deferred.body["data"]["flags"] & EPHEMERAL
        followup = await stub.wait_for_request("POST", FOLLOWUP, timeout=WAIT)
        assert followup.body["flags"] & EPHEMERAL
        assert followup.body["content"] == (  # as many as the files hold: a renamed entry is still one
            f"Reloaded: {len(knowledge.entries)} entries and {len(knowledge.timeline)} timeline events from 1 assessment(s).")
        assert await entry_answering(stub) == "the-author"


@bounded
async def test_reload_by_an_admin_lists_every_problem_privately_and_attaches_them_all(
    stub: DiscordStub, settings: Settings, knowledge_copy: Path,
) -> None:
    admin = dataclasses.replace(settings, knowledge_dir=knowledge_copy, admin_user_ids=frozenset({ALICE}))
    async with serving(stub, admin, LiveKnowledge(knowledge_copy)) as bot:
        engine = bot.engine
        misspell_answers(knowledge_copy, count=40)  # far more problems than one message holds
        await interact(stub, payloads.slash_command(WORLD, "reload"))
        followup = await stub.wait_for_request("POST", FOLLOWUP, timeout=WAIT)
        content = followup.body["content"]
        assert followup.body["flags"] & EPHEMERAL
        assert content.startswith("Not reloaded: ") and f"({len(engine.entries)} entries)" in content
        assert problem_line(knowledge_copy).search(content)
        assert re.search(r"… and \d+ more\n```$", content)
        [(name, attached)] = followup.uploads.items()
        problems = attached.decode("utf-8").splitlines()
        assert name == PROBLEMS_FILE and len(problems) == 80  # each entry: an unknown field, a missing one
        assert sum(bool(problem_line(knowledge_copy).search(p)) for p in problems) == 40
        assert sum(p.endswith("missing required field 'answer'") for p in problems) == 40
        assert bot.engine is engine


@bounded
async def test_reload_is_registered_for_manage_server_in_guilds_only(stub: DiscordStub, bot: AssessmentBot) -> None:
    [put] = stub.requests_to("PUT", "/applications/{application_id}/commands")
    reload = next(c for c in put.body if c["name"] == "reload")
    assert reload["default_member_permissions"] in (32, "32")  # MANAGE_GUILD
    assert reload["contexts"] == [0]


class OpenGate:
    """Catches a file being read in the act: the first thread other than the event loop's that opens
    `path` is held there until `release` is set, and `opened_by` says which thread opened it.

    Python's audit hooks see every open() in the process; a hook cannot be removed, so it stays
    installed and does nothing while no gate is armed.
    """

    armed: list[OpenGate] = []
    _installed = False

    def __init__(self, path: Path) -> None:
        self.name, self.path = path.name, os.path.realpath(path)
        self.loop_thread = threading.get_ident()
        self.opened_by: int | None = None
        self.release = threading.Event()

    @classmethod
    def _audit(cls, event: str, args: tuple[Any, ...]) -> None:
        if event != "open" or not cls.armed:
            return
        try:
            opened = os.fspath(args[0])
        except TypeError:  # a file descriptor
            return
        for gate in list(cls.armed):
            if gate.opened_by is None and os.path.basename(opened) == gate.name and os.path.realpath(opened) == gate.path:
                gate.opened_by = threading.get_ident()
                if gate.opened_by != gate.loop_thread:
                    gate.release.wait(WAIT)  # bounded: a forgotten gate delays, never hangs, the run

    def __enter__(self) -> OpenGate:
        if not OpenGate._installed:
            sys.addaudithook(OpenGate._audit)
            OpenGate._installed = True
        OpenGate.armed.append(self)
        return self

    def __exit__(self, *exc_info: object) -> None:
        OpenGate.armed.remove(self)
        self.release.set()


@bounded
async def test_a_reload_reads_the_files_off_the_event_loop_and_questions_are_answered_meanwhile(
    stub: DiscordStub, settings: Settings, knowledge_copy: Path,
) -> None:
    # How long a large reload takes and how much it stalls the loop: benchmarks/discord_load.py.
    async with serving(stub, dataclasses.replace(settings, knowledge_dir=knowledge_copy), LiveKnowledge(knowledge_copy)) as bot:
        before = len(bot.knowledge.entries)
        added = write_extra_assessment(knowledge_copy, 20)
        with OpenGate(added) as reading:
            await interact(stub, payloads.slash_command(WORLD, "reload", invoker=OWNER))
            await until(lambda: reading.opened_by is not None, "the reload did not read the new file")
            assert reading.opened_by != threading.get_ident(), "the reload read the files on the event loop"
            # The reload is held in the middle of reading; questions are answered all the same.
            answer = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
            assert_author_answer(the_embed(answer.body))
            assert not stub.requests_to("POST", FOLLOWUP) and bot.knowledge.entry("extra-0") is None
            reading.release.set()
            followup = await stub.wait_for_request("POST", FOLLOWUP, timeout=WAIT)
        assert followup.body["content"].startswith(f"Reloaded: {before + 20} entries")
        assert bot.knowledge.entry("extra-0") is not None


@bounded
async def test_records_older_than_the_retention_are_deleted_when_the_bot_starts(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    old = datetime.now(timezone.utc) - timedelta(days=settings.retention_days + 1)
    with Records(settings.database_path, settings.retention_days, clock=lambda: old) as past:
        past.record_question(question="asked long ago", guild_id=1, matched=False, entry_id=None, score=1.0, suggestions=())
        past.record_vote(message_id=1, entry_id="author", voter_id=ALICE, helpful=False)
    with Records(settings.database_path, settings.retention_days, clock=lambda: old + timedelta(days=2)) as recent:
        recent.record_question(question="asked lately", guild_id=1, matched=False, entry_id=None, score=1.0, suggestions=())
    async with serving(stub, settings, knowledge):
        pass
    assert [q for _g, q, _m, _e in rows(settings.database_path)] == ["asked lately"]
    assert rows(settings.database_path, "SELECT COUNT(*) FROM votes") == [(0,)]


# -- recording questions -----------------------------------------------------------------------------

# Answered rightly, but with a score below LOW_CONFIDENCE: kept for the operators to check.
LOW_SCORED = "is the guy who wrote this some kind of diplomat or just a journalist"


@bounded
async def test_declined_and_unsure_questions_in_servers_are_recorded_never_dms_nor_who_asked(
    stub: DiscordStub, bot: AssessmentBot, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    assert bot.engine.answer(ANSWERED).score >= LOW_CONFIDENCE, "pick a question the engine is sure of"
    await reply_to(stub, payloads.dm_message(WORLD, DECLINED + " dm"))
    await interact(stub, payloads.slash_command(WORLD, "ask", {"question": DECLINED + " slash dm"}, in_guild=False))
    await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
    await interact(stub, payloads.slash_command(WORLD, "ask", {"question": DECLINED}))
    await reply_to(stub, payloads.mention_message(WORLD, UNSURE))
    assert bot.engine.answer(LOW_SCORED).score < LOW_CONFIDENCE, "pick a question answered with low confidence"
    await interact(stub, payloads.slash_command(WORLD, "ask", {"question": LOW_SCORED}))
    await settled(bot)

    stored = rows(settings.database_path, "SELECT guild_id, question, matched, entry_id, suggestions FROM questions ORDER BY id")
    assert [row[:4] for row in stored] == [
        (int(GUILD), DECLINED, 0, None),
        (int(GUILD), UNSURE, 0, None),
        (int(GUILD), LOW_SCORED, 1, "herbst-2025-05/author"),  # entries by their keys across the series
    ]
    offered = [json.loads(row[4]) for row in stored]
    assert offered[0] == [] and "herbst-2025-05/bucha-irpin" in offered[1]  # the "Did you mean" entries the asker saw
    stored_text = dump(settings.database_path)
    assert WORLD.user_id not in stored_text and WORLD.user_name not in stored_text


# -- votes -----------------------------------------------------------------------------------------------

async def vote_result(stub: DiscordStub, press: dict[str, Any]) -> str:
    """What the presser of a vote button reads: acknowledged privately at once, then the result."""
    callback = await interact(stub, press)
    assert callback.body["type"] == DEFERRED and callback.body["data"]["flags"] & EPHEMERAL
    result = await stub.wait_for_request("POST", FOLLOWUP, where=lambda r: r.route.endswith(press["token"]), timeout=WAIT)
    assert result.body["flags"] & EPHEMERAL
    return result.body["content"]


@bounded
async def test_votes_are_one_per_person_per_answer_and_thanked_privately(
    stub: DiscordStub, bot: AssessmentBot, settings: Settings,
) -> None:
    command = payloads.slash_command(WORLD, "ask", {"question": ANSWERED})
    answer = await interact(stub, command)
    up, down = vote_ids(answer.body["data"])
    assert [b["emoji"]["name"] for b in buttons(answer.body["data"])] == ["👍", "👎"]
    message = stub.rest.messages[stub.interaction(command["id"]).original_id]

    async def press(custom_id: str, **kwargs: Any) -> str:
        return await vote_result(stub, payloads.button_press(WORLD, custom_id, message_data=message, **kwargs))

    assert await press(up) == "Thanks, noted."
    assert await press(down) == "Changed your vote."
    bob = payloads.user(payloads.snowflake(), "bob")
    assert await press(down, invoker=bob) == "Thanks, noted."
    assert bot.records.votes() == [EntryVotes("herbst-2025-05/author", down=2, up=0)]  # the entry across the series
    stored_text = dump(settings.database_path)
    assert WORLD.user_id not in stored_text and bob["id"] not in stored_text


@bounded
async def test_a_did_you_mean_answer_carries_vote_buttons_too(stub: DiscordStub, bot: AssessmentBot) -> None:
    callback = await interact(stub, payloads.button_press(WORLD, "suggest:author"))  # as before the series
    assert vote_ids(callback.body["data"]) == ["vote:1.author:up", "vote:1.author:down"]


@bounded
async def test_a_failing_button_is_logged_and_the_presser_told_privately(
    stub: DiscordStub, bot: AssessmentBot, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(**_: Any) -> bool:
        raise RuntimeError("the vote broke")

    monkeypatch.setattr(bot.records, "record_vote", broken)
    assert "something went wrong" in await vote_result(stub, payloads.button_press(WORLD, "vote:author:up"))
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "bot.discord.views"]
    assert "vote:author:up" in logged.getMessage() and "RuntimeError: the vote broke" in caplog.text


# -- a broken database -----------------------------------------------------------------------------

@bounded
async def test_a_corrupt_database_is_reported_and_the_bot_keeps_answering_and_thanking(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    settings.database_path.write_bytes(b"not a database at all " * 200)
    async with serving(stub, settings, knowledge) as bot:
        [warning] = [r for r in caplog.records if r.levelno == logging.WARNING and "unusable" in r.getMessage()]
        assert str(settings.database_path) in warning.getMessage()
        callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": DECLINED}))
        assert the_embed(callback.body["data"])["description"] == NOT_COVERED
        assert await vote_result(stub, payloads.button_press(WORLD, "vote:author:down")) == "Thanks, noted."
        assert not bot.records.healthy


@bounded
async def test_a_locked_database_is_reported_and_the_answer_is_not_held_up(
    stub: DiscordStub, bot: AssessmentBot, settings: Settings, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    assert bot.records.healthy
    holder = sqlite3.connect(settings.database_path, isolation_level=None)
    try:
        holder.execute("BEGIN EXCLUSIVE")
        callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": DECLINED}))
        assert the_embed(callback.body["data"])["description"] == NOT_COVERED
        await until(lambda: "locked" in caplog.text, "the locked database was not reported")
    finally:
        holder.close()
    reply = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
    assert reply.status == 200 and the_embed(reply.body)["description"] == AUTHOR_ANSWER


# -- logs --------------------------------------------------------------------------------------------

@pytest.fixture
def process_logging() -> Iterator[None]:
    """Puts the process-wide logging configuration back after a test that configures it."""
    root, discord_logger = logging.getLogger(), logging.getLogger("discord")
    saved = root.level, list(root.handlers), discord_logger.level
    yield
    for handler in [h for h in root.handlers if h not in saved[1]]:
        root.removeHandler(handler)
    root.setLevel(saved[0])
    discord_logger.setLevel(saved[2])


SECRET = "my secret plan xyzzy-4711"


@bounded
async def test_dm_text_and_the_token_never_reach_the_logs_even_at_debug(
    settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture, process_logging: None,
) -> None:
    caplog.set_level(logging.DEBUG)  # first, so that caplog puts back the level from before the test
    stream = io.StringIO()
    configure_logging("DEBUG", secrets=[TOKEN], stream=stream)
    assert logging.getLogger("discord.gateway").getEffectiveLevel() == DISCORD_LOG_FLOOR
    async with stand_in(token=TOKEN) as stub:
        aimed = dataclasses.replace(settings, api_base=stub.api_base, gateway_url=stub.gateway_url)
        async with serving(stub, aimed, knowledge):
            dm = await reply_to(stub, payloads.dm_message(WORLD, f"{ANSWERED} {SECRET}"))
            assert SECRET in the_embed(dm.body)["title"]  # the question did travel: it is in the answer's title
            await reply_to(stub, payloads.mention_message(WORLD, f"{DECLINED} {SECRET}"))
            await interact(stub, payloads.slash_command(WORLD, "ask", {"question": f"{ANSWERED} {SECRET}"}))
    assert caplog.records
    for record in caplog.records:
        text = record.getMessage() + (record.exc_text or "")
        assert SECRET not in text and TOKEN not in text, f"{record.name}: {text}"
    written = stream.getvalue()
    assert written and SECRET not in written and TOKEN not in written
    lines = [r.getMessage() for r in caplog.records if r.name == "bot.discord.cogs.questions" and r.levelno == logging.INFO]
    assert len(lines) == 3
    assert re.fullmatch(r"question via=dm entry=[a-z0-9-]+ score=\d+\.\d latency_ms=\d+ guild=dm", lines[0])
    assert re.fullmatch(rf"question via=mention entry=declined score=\d+\.\d latency_ms=\d+ guild={GUILD}", lines[1])
    assert lines[2].startswith("question via=slash entry=")


def test_the_token_is_redacted_from_whatever_the_handler_writes(process_logging: None) -> None:
    stream = io.StringIO()
    configure_logging("INFO", secrets=[TOKEN], stream=stream)
    try:
        raise ValueError(f"bad header Bot {TOKEN}")
    except ValueError:
        logging.getLogger("bot.anything").exception("request with %s failed", TOKEN)
    written = stream.getvalue()
    assert TOKEN not in written and written.count(REDACTED) == 2 and "ValueError: bad header Bot" in written


def test_log_level_applies_to_the_bot_and_discord_py_is_never_below_info(process_logging: None) -> None:
    configure_logging("WARNING", stream=io.StringIO())
    assert logging.getLogger("bot.discord").getEffectiveLevel() == logging.WARNING
    assert logging.getLogger("discord.http").getEffectiveLevel() == logging.WARNING
    configure_logging("DEBUG", stream=io.StringIO())
    assert logging.getLogger("bot.discord").getEffectiveLevel() == logging.DEBUG
    assert logging.getLogger("discord.http").getEffectiveLevel() == logging.INFO


# -- a clean stop --------------------------------------------------------------------------------------

@bounded
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
async def test_a_stop_signal_finishes_the_reply_in_progress_then_closes_the_database_and_gateway(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture, signum: int,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    bot = create_bot(settings, knowledge, guild_ready_timeout=0.05)
    serving_task = asyncio.create_task(serve(bot, stub.token))
    await until(bot.is_ready, "the bot did not start")

    release = stub.hold_next("POST", MESSAGES)  # the reply stays in progress until the test lets it go
    question = payloads.mention_message(WORLD, DECLINED)
    await stub.dispatch("MESSAGE_CREATE", question, timeout=WAIT)
    await until(lambda: stub.in_progress == 1 and bot.in_flight.count == 1, "the reply did not start")
    os.kill(os.getpid(), signum)
    await until(lambda: bot.stopping, "the signal was not handled")

    # Asked while the stop waits; in a DM, as discord.py sends one message at a time per channel.
    notice = await reply_to(stub, payloads.dm_message(WORLD, ANSWERED))
    assert notice.body["content"] == RESTARTING
    # The stop is waiting for the reply held in the stand-in: nothing is closed yet.
    assert not serving_task.done() and bot.records.is_open and stub.gateway.connections
    release.set()
    assert await asyncio.wait_for(serving_task, WAIT) == EXIT_OK

    [reply] = [r for r in stub.requests_to("POST", MESSAGES) if replying_to(question["id"])(r)]
    assert reply.status == 200 and the_embed(reply.body)["description"] == NOT_COVERED  # it completed
    # Closed: the last connection to a WAL database removes the -wal file; and recorded before that.
    assert not bot.records.is_open and not Path(f"{settings.database_path}-wal").exists()
    assert rows(settings.database_path) == [(int(GUILD), DECLINED, 0, None)]
    assert bot.is_closed() and not stub.gateway.connections
    assert any(f"Received {signal.Signals(signum).name}" in r.getMessage() for r in caplog.records)
    assert signal.getsignal(signal.SIGTERM) == signal.SIG_DFL  # the handlers were removed


# -- a burst of questions ----------------------------------------------------------------------------

USERS, CHANNELS, QUESTIONS, RATE = 20, 4, 200, 5


@pytest.mark.asyncio
async def test_a_burst_of_200_questions_is_answered_or_politely_rate_limited(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    # How fast, and how much the event loop lags meanwhile: benchmarks/discord_load.py.
    async with asyncio.timeout(30):
        caplog.set_level(logging.INFO, logger="bot")
        users, events = burst_of_questions(stub, knowledge, USERS, CHANNELS, QUESTIONS)
        limited = dataclasses.replace(settings, cooldown_rate=RATE, cooldown_seconds=3600.0)
        async with serving(stub, limited, knowledge) as bot:
            for event, _user, data in events:
                await stub.dispatch(event, data, timeout=WAIT)
            await until(lambda: len(outcome_lines(caplog)) == QUESTIONS and bot.in_flight.count == 0,
                        "some questions were not handled")
            # Events are handled in order: once a question asked after the burst is answered, anything
            # the burst would still send has been sent.
            latecomer = payloads.user(payloads.snowflake(), "latecomer")
            await reply_to(stub, payloads.dm_message(WORLD, ANSWERED, author=latecomer))

        results = outcomes(stub, events)
        answered = Counter(user for user, kind in results if kind == "answered")
        assert answered == {u["id"]: RATE for u in users}  # each user's first RATE questions, no more
        assert sum("rate-limited" in line for line in outcome_lines(caplog)) == QUESTIONS - USERS * RATE
        # Refused slash commands are each told privately in place; mentions get one DM per user per window.
        assert sum(kind == "rate-limited" for _user, kind in results) == sum(
            (n // USERS) % 2 == 0 for n in range(USERS * RATE, QUESTIONS))
        assert Counter(user for user, kind in results if kind == "rate-limited by DM") == {u["id"]: 1 for u in users}
        assert all(r.status < 300 for r in stub.requests), [r.describe() for r in stub.requests if r.status >= 300]
        trouble = [r for r in caplog.records  # (discord.py warns once per process that voice is unsupported)
                   if r.levelno >= logging.ERROR or (r.levelno >= logging.WARNING and r.name.startswith("bot"))]
        assert not trouble, [r.getMessage() for r in trouble]


def outcome_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    """The one log line each question gets: answered, declined or rate-limited."""
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("question via=")]
