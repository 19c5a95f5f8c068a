"""The Discord edge under conditions Discord itself rarely produces, on the wire against the stand-in:
malformed gateway events, replies Discord rejects, failed command registration, slow records, fast
askers, failing commands and an unexpected error at start-up."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
import re
import sys
import threading
from pathlib import Path

import pytest

from bot.config import Settings
from bot.discord.client import AssessmentBot, create_bot
from bot.discord.cogs.questions import cooldown_message
from bot.discord.replies import ANSWER_REFUSED, CHANNEL_CLOSED
from bot.discord.runner import serve
from bot.exit_codes import EXIT_PROBLEMS, EXIT_UNEXPECTED
from bot.knowledge import KnowledgeBase
from bot.records import EntryVotes
from tests.discord_helpers import (
    ANSWERED,
    EPHEMERAL,
    GENERAL,
    GUILD,
    GUILD_COMMANDS,
    MESSAGES,
    WAIT,
    WORLD,
    assert_answer,
    assert_pings_nobody,
    bounded,
    interact,
    reply_to,
    replying_to,
    serving,
    the_embed,
    until,
)
from tests.discord_stub import DiscordStub, payloads
from tests.discord_stub.fixtures import stand_in
from tests.test_config import TOKEN

SECRET = "my secret plan xyzzy-4711"


def bot_message(**extra: object) -> payloads.Payload:
    """A bot answer carrying a 👍 button, as Discord sends it back inside a button's interaction."""
    button = {"type": payloads.BUTTON, "id": 2, "style": 2, "label": "Helpful", "custom_id": "vote:author:up"}
    return payloads.message(GENERAL, payloads.bot_user_public(WORLD), "",
                            components=[{"type": 1, "id": 1, "components": [button]}], **extra)


def dropped(caplog: pytest.LogCaptureFixture, event: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno == logging.ERROR and event in r.getMessage()]


# -- malformed gateway events --------------------------------------------------------------------------

@bounded
async def test_a_dm_with_a_null_guild_id_is_dropped_logged_without_its_text_and_the_bot_serves_on(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    # As a Discord-compatible server (Spacebar) sends a DM: "guild_id" present, and null.
    malformed = payloads.dm_message(WORLD, f"<@{WORLD.bot_id}> {SECRET}") | {
        "guild_id": None, "mentions": [payloads.bot_user_public(WORLD)]}
    await stub.dispatch("MESSAGE_CREATE", malformed, timeout=WAIT)

    later = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))

    assert_answer(the_embed(later.body), knowledge)
    [logged] = dropped(caplog, "MESSAGE_CREATE")
    assert "TypeError" in logged.getMessage() and logged.exc_info is None
    assert SECRET not in caplog.text
    assert not [r for r in stub.requests_to("POST", MESSAGES) if replying_to(malformed["id"])(r)]


@bounded
async def test_a_button_press_on_a_message_with_a_null_thread_is_dropped_and_the_bot_serves_on(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    malformed = payloads.button_press(WORLD, "vote:author:up", message_data=bot_message(thread=None))
    await stub.dispatch("INTERACTION_CREATE", malformed, timeout=WAIT)

    later = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))

    assert_answer(the_embed(later.body["data"]), knowledge)
    assert dropped(caplog, "INTERACTION_CREATE")
    assert stub.interaction(malformed["id"]).response_type is None  # dropped: never answered
    assert bot.records.votes() == []


@bounded
async def test_the_sharded_bot_drops_a_malformed_event_too(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    async with serving(stub, dataclasses.replace(settings, shard_count=1), knowledge):
        await stub.dispatch("MESSAGE_CREATE", payloads.dm_message(WORLD, ANSWERED) | {"guild_id": None}, timeout=WAIT)
        later = await reply_to(stub, payloads.dm_message(WORLD, ANSWERED))
    assert_answer(the_embed(later.body), knowledge)
    assert dropped(caplog, "MESSAGE_CREATE")


# -- replies Discord refuses ----------------------------------------------------------------------------

INVALID_FORM = payloads.error(50035, "Invalid Form Body")
CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
DM_MESSAGES = f"/channels/{WORLD.dm_channel_id}/messages"


def outcome_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.getMessage().startswith("question via=")]


@bounded
async def test_a_refused_mention_reply_is_logged_as_failed_and_the_asker_told_briefly(
    stub: DiscordStub, bot: AssessmentBot, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    stub.fail_next("POST", MESSAGES, 400, INVALID_FORM)
    asked = payloads.mention_message(WORLD, ANSWERED)

    refused = await reply_to(stub, asked)
    notice = await stub.wait_for_request("POST", MESSAGES, where=replying_to(asked["id"]), timeout=WAIT)

    assert refused.status == 400
    assert notice.status == 200 and notice.body["content"] == ANSWER_REFUSED and not notice.body.get("embeds")
    assert_pings_nobody(notice.body)
    await until(lambda: outcome_lines(caplog), "no outcome was logged")
    [line] = outcome_lines(caplog)
    assert line.startswith("question via=mention reply-failed status=400 entry=")


@bounded
async def test_a_refused_slash_answer_is_logged_as_failed_and_the_asker_told_privately(
    stub: DiscordStub, bot: AssessmentBot, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    stub.fail_next("POST", CALLBACK, 400, INVALID_FORM)

    refused = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
    notice = await stub.wait_for_request("POST", CALLBACK, timeout=WAIT)

    assert refused.status == 400
    assert notice.status < 300 and notice.body["data"]["flags"] & EPHEMERAL
    assert notice.body["data"]["content"] == ANSWER_REFUSED
    await until(lambda: outcome_lines(caplog), "no outcome was logged")
    [line] = outcome_lines(caplog)
    assert line.startswith("question via=slash reply-failed status=400 entry=")
    assert not [r for r in caplog.records if r.exc_info]  # Discord's refusal is not a crash of ours


@bounded
async def test_a_mention_where_the_bot_may_not_post_is_logged_as_failed_and_the_asker_told_by_dm(
    stub: DiscordStub, bot: AssessmentBot, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    await stub.dispatch("MESSAGE_CREATE", payloads.mention_message(WORLD, ANSWERED, channel_id=WORLD.readonly_channel_id),
                        timeout=WAIT)

    refused = await stub.wait_for_request("POST", f"/channels/{WORLD.readonly_channel_id}/messages", timeout=WAIT)
    notice = await stub.wait_for_request("POST", DM_MESSAGES, timeout=WAIT)

    assert refused.status == 403
    assert notice.status == 200 and notice.body["content"] == CHANNEL_CLOSED
    await until(lambda: outcome_lines(caplog), "no outcome was logged")
    assert outcome_lines(caplog)[0].startswith("question via=mention reply-failed status=403 entry=")


# -- a refused command registration ------------------------------------------------------------------------

@bounded
@pytest.mark.parametrize(("status", "body", "hint", "not_hint"), [
    (400, INVALID_FORM, "rejected the commands' definitions", "DEV_GUILD_ID"),
    (403, payloads.MISSING_ACCESS, "Check DEV_GUILD_ID", "definitions"),
    (404, payloads.error(10004, "Unknown Guild"), "Check DEV_GUILD_ID", "definitions"),
], ids=["400-schema", "403-access", "404-guild"])
async def test_the_hint_after_a_refused_registration_fits_the_refusal(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
    status: int, body: payloads.Payload, hint: str, not_hint: str,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    stub.fail_next("PUT", GUILD_COMMANDS, status, body)
    async with serving(stub, dataclasses.replace(settings, dev_guild_id=int(GUILD)), knowledge):
        pass
    [logged] = [r.getMessage() for r in caplog.records if "Could not register the slash commands" in r.getMessage()]
    assert f": {status} " in logged and hint in logged and not_hint not in logged


# -- votes are acknowledged before they are written -------------------------------------------------------

DEFERRED = 5  # DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: "thinking…", answered by the first follow-up
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"


@bounded
async def test_a_vote_is_acknowledged_privately_before_the_records_thread_gets_to_it(
    stub: DiscordStub, bot: AssessmentBot,
) -> None:
    busy = threading.Event()
    # The records thread is taken (as by the daily purge, or a database another process holds locked).
    blocked = asyncio.ensure_future(bot.with_records(lambda _records: busy.wait(WAIT)))
    try:
        press = payloads.button_press(WORLD, "vote:author:up")
        acknowledged = await interact(stub, press)
        assert acknowledged.body["type"] == DEFERRED and acknowledged.body["data"]["flags"] & EPHEMERAL
        assert stub.requests_to("POST", FOLLOWUP) == []  # the vote is not written yet: no result either
    finally:
        busy.set()
        await blocked
    result = await stub.wait_for_request("POST", FOLLOWUP, where=lambda r: r.route.endswith(press["token"]),
                                         timeout=WAIT)
    assert result.body["content"] == "Thanks, noted." and result.body["flags"] & EPHEMERAL
    assert bot.records.votes() == [EntryVotes("herbst-2025-05/author", down=0, up=1)]  # a message from before the series: no. 1's


# -- cooldown notices -----------------------------------------------------------------------------------

@bounded
async def test_a_fast_asker_gets_one_cooldown_notice_per_window_not_one_per_question(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")

    def rate_limited() -> int:
        return sum("rate-limited" in line for line in outcome_lines(caplog))

    async with serving(stub, dataclasses.replace(settings, cooldown_rate=1, cooldown_seconds=60.0), knowledge) as bot:
        await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
        for _ in range(3):
            await stub.dispatch("MESSAGE_CREATE", payloads.mention_message(WORLD, ANSWERED), timeout=WAIT)
        await stub.dispatch("MESSAGE_CREATE", payloads.dm_message(WORLD, ANSWERED), timeout=WAIT)
        await until(lambda: rate_limited() == 4 and bot.in_flight.count == 0, "not every question was handled")

    [notice] = stub.requests_to("POST", DM_MESSAGES)  # one, for four questions refused
    assert re.fullmatch(re.escape(cooldown_message(60.0)).replace("60", r"\d+"), notice.body["content"])


# -- failure notices name what failed -------------------------------------------------------------------

OWNER = payloads.user(WORLD.owner_id, "owner")  # every permission, Manage Server included


@bounded
async def test_a_failing_reload_says_the_reload_failed_not_an_answer(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, knowledge_copy: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    async with serving(stub, dataclasses.replace(settings, knowledge_dir=knowledge_copy), knowledge):
        stub.fail_next("POST", FOLLOWUP, 400, INVALID_FORM)  # the "Reloaded: ..." message is refused
        command = payloads.slash_command(WORLD, "reload", invoker=OWNER)
        acknowledged = await interact(stub, command)
        refused = await stub.wait_for_request("POST", FOLLOWUP, timeout=WAIT)
        notice = await stub.wait_for_request("POST", FOLLOWUP, timeout=WAIT)

    assert acknowledged.body["type"] == DEFERRED and refused.status == 400
    assert notice.body["flags"] & EPHEMERAL
    assert notice.body["content"].startswith("Sorry, something went wrong with /reload.")
    assert "answering" not in notice.body["content"]
    assert any(r.getMessage() == "Command /reload failed" and r.exc_info for r in caplog.records)


@bounded
async def test_a_failing_page_turn_says_the_page_turn_failed(
    stub: DiscordStub, bot: AssessmentBot, caplog: pytest.LogCaptureFixture,
) -> None:
    stub.fail_next("POST", CALLBACK, 400, INVALID_FORM)  # the page itself is refused
    turn = payloads.button_press(WORLD, "timeline:1:")
    refused = await interact(stub, turn)
    notice = await stub.wait_for_request("POST", CALLBACK, where=lambda r: turn["token"] in r.route, timeout=WAIT)

    assert refused.status == 400
    assert notice.body["data"]["flags"] & EPHEMERAL
    assert notice.body["data"]["content"].startswith("Sorry, something went wrong turning the page.")


# -- an unexpected error at start-up ------------------------------------------------------------------------

@bounded
async def test_an_unexpected_error_at_start_up_ends_with_a_clear_message_and_status_3(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    stub.fail_next("GET", "/users/@me", 200, {"id": WORLD.bot_id})  # a user without a username: discord.py fails

    status = await serve(create_bot(settings, knowledge, guild_ready_timeout=0.05), stub.token)

    assert status == EXIT_UNEXPECTED == 3
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR and r.name == "bot.discord.runner"]
    assert logged.getMessage().startswith("Stopped by an unexpected error (exit status 3)") and logged.exc_info


@bounded
async def test_discord_failing_at_start_up_is_status_1_not_a_bug(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    stub.fail_next("GET", "/users/@me", 503, payloads.error(0, "503: Service Unavailable"))  # not retried

    status = await serve(create_bot(settings, knowledge, guild_ready_timeout=0.05), stub.token)

    assert status == EXIT_PROBLEMS
    [logged] = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR and r.name == "bot.discord.runner"]
    assert logged.startswith("Discord is failing (503") and "unexpected" not in logged


@pytest.mark.asyncio
async def test_the_run_command_ends_an_unexpected_start_up_error_with_status_3_and_no_token(tmp_path: Path) -> None:
    async with asyncio.timeout(60), stand_in(token=TOKEN) as stub:
        stub.fail_next("GET", "/users/@me", 200, {"id": WORLD.bot_id})
        environment = {k: v for k, v in os.environ.items() if k not in {"KNOWLEDGE_DIR", "LISTEN_CHANNEL_IDS"}} | {
            "DISCORD_TOKEN": TOKEN, "DISCORD_API_BASE": stub.api_base, "DISCORD_GATEWAY_URL": stub.gateway_url,
            "DATABASE_PATH": str(tmp_path / "records.sqlite3"), "KNOWLEDGE_POLL_SECONDS": "0",
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", "run", cwd=tmp_path, env=environment,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _out, err = await process.communicate()
    stderr = err.decode()
    assert process.returncode == 3, stderr
    assert "Stopped by an unexpected error (exit status 3)" in stderr and "KeyError" in stderr
    assert TOKEN not in stderr
