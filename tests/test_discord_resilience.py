"""The Discord edge under conditions Discord itself rarely produces, on the wire against the stand-in:
malformed gateway events, replies Discord rejects, failed command registration, slow records, fast
askers, failing commands and an unexpected error at start-up."""

from __future__ import annotations

import dataclasses
import logging
from pathlib import Path

import pytest

from bot.config import Settings
from bot.discord.client import AssessmentBot
from bot.knowledge import KnowledgeBase
from tests.discord_helpers import (
    ANSWERED,
    serving,
    GENERAL,
    MESSAGES,
    WAIT,
    WORLD,
    assert_answer,
    bounded,
    interact,
    replying_to,
    reply_to,
    the_embed,
)
from tests.discord_stub import DiscordStub, payloads

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
