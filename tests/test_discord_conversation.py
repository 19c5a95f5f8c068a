"""Conversations at the wire: a reply to one of the bot's answers (after a restart too), follow-ups in a
DM and with /ask, small talk in a listen channel and in a mention, "tell me more"."""

from __future__ import annotations

import dataclasses
from typing import Any

from bot.config import Settings
from bot.discord.client import AssessmentBot
from bot.knowledge import KnowledgeBase
from tests.discord_helpers import (
    GENERAL, WORLD, assert_pings_nobody, bounded, buttons, interact, reply_to, serving, the_embed,
)
from tests.discord_stub import DiscordStub, payloads

DEAL = "what was the minerals deal"
DEAL_ANSWER_START = 'Herbst writes that "all of this changed—at least for the moment" when the United States'
WHEN = "when was that?"


def minerals_deal_answer(knowledge: KnowledgeBase) -> str:
    entry = knowledge.entry("minerals-deal")
    assert entry is not None and entry.answer.startswith(DEAL_ANSWER_START) and "April 30" in entry.answer
    return entry.answer


def reply_message(stub: DiscordStub, to: dict[str, Any], text: str) -> dict[str, Any]:
    """A member's Discord reply to the bot's message `to`: it references it, carries it, and (as a reply
    does by default) mentions its author, the bot."""
    event = payloads.guild_message(WORLD, text)
    event.update(
        type=19,
        message_reference={"type": 0, "message_id": to["id"], "channel_id": to["channel_id"], "guild_id": WORLD.guild_id},
        referenced_message=to,
        mentions=[{**payloads.bot_user_public(WORLD), "member": payloads.member({}, [WORLD.bot_role_id], with_user=False)}],
    )
    return event


@bounded
async def test_a_reply_to_an_answer_is_read_against_it_even_after_a_restart(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, knowledge):
        answer = await reply_to(stub, payloads.mention_message(WORLD, DEAL))
        assert the_embed(answer.body)["description"] == minerals_deal_answer(knowledge)
    posted = stub.rest.messages[answer.response["id"]]  # the bot's answer as Discord keeps it
    async with serving(stub, settings, knowledge):  # a new process: nothing in memory
        follow_up = await reply_to(stub, reply_message(stub, posted, WHEN))
        embed = the_embed(follow_up.body)
        assert embed["title"] == WHEN and embed["description"] == minerals_deal_answer(knowledge)
        assert_pings_nobody(follow_up.body)
        # Without the referenced message in the event, the bot fetches it.
        bare = reply_message(stub, posted, WHEN)
        bare.pop("referenced_message")
        fetched = await reply_to(stub, bare)
        assert the_embed(fetched.body)["description"] == minerals_deal_answer(knowledge)


@bounded
async def test_a_follow_up_in_a_dm_is_read_against_the_last_answer(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    await reply_to(stub, payloads.dm_message(WORLD, DEAL))
    follow_up = await reply_to(stub, payloads.dm_message(WORLD, WHEN))
    assert the_embed(follow_up.body)["description"] == minerals_deal_answer(knowledge)
    someone_else = payloads.user(payloads.snowflake(), "someone-else")
    alone = await reply_to(stub, payloads.dm_message(WORLD, WHEN, author=someone_else))
    assert the_embed(alone.body)["description"].startswith("The assessment doesn't cover that")  # their own memory is empty


@bounded
async def test_slash_ask_follows_up_on_the_askers_last_answer(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    await interact(stub, payloads.slash_command(WORLD, "ask", {"question": DEAL}))
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": WHEN}))
    assert the_embed(callback.body["data"])["description"] == minerals_deal_answer(knowledge)


@bounded
async def test_small_talk_gets_silence_in_a_listen_channel_and_a_reply_when_mentioned(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    listening = dataclasses.replace(settings, listen_channel_ids=frozenset({int(GENERAL)}))
    async with serving(stub, listening, knowledge):
        before = len(stub.requests)
        for chatter in ("thank you!!", "lol", "swapping prisoners is at least something", "anyone else reading this?"):
            await stub.dispatch("MESSAGE_CREATE", payloads.guild_message(WORLD, chatter), timeout=5.0)
        # Events are handled in order: once this question is answered, the lines before got nothing.
        question = await reply_to(stub, payloads.guild_message(WORLD, "bot, who wrote this article?"))
        assert stub.requests[before:] == [question]
        thanks = await reply_to(stub, payloads.mention_message(WORLD, "thank you!!"))
        assert thanks.body["content"] == "You're welcome! Ask me anything else about the assessment."
        assert not thanks.body.get("embeds") and not thanks.body.get("components")
        assert_pings_nobody(thanks.body)


@bounded
async def test_tell_me_more_gives_every_quote_and_buttons_for_the_related_answers(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    await reply_to(stub, payloads.dm_message(WORLD, "did putin go to the istanbul talks?"))
    more = await reply_to(stub, payloads.dm_message(WORLD, "tell me more"))
    embed = the_embed(more.body)
    entry = knowledge.entry("putin-no-show")
    assert embed["title"] == f"More on: {entry.questions[0]}"
    quoted = "\n".join(field["value"] for field in embed["fields"] if field["name"].startswith("From the article"))
    assert all(f"> {quote}" in quoted for quote in entry.sources)
    ids = [b["custom_id"] for b in buttons(more.body)]
    assert ids[:2] == ["vote:1.putin-no-show:up", "vote:1.putin-no-show:down"]
    related = [i for i in ids if i.startswith("suggest:")]
    assert related and all(i != "suggest:1.putin-no-show" for i in related)
