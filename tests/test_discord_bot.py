"""The real bot (create_bot, the shipped knowledge base) against the loopback Discord stand-in.

Every test drives the bot through gateway events and checks the request bodies it sends; the
stand-in checks each body against Discord's OpenAPI spec and fails the test on any violation.
The engine's scores are not asserted: questions are picked so the outcome is unambiguous
("who wrote this article?" is answered, "what is the capital of peru?" is declined).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from typing import Any

import pytest

from bot.cli import EXIT_USAGE
from bot.config import Settings
from bot.discord.client import AssessmentBot
from bot.discord.cogs.questions import cooldown_message
from bot.discord.replies import FAILED
from bot.discord.runner import _serve
from bot.discord.views import SuggestionButton, TimelinePageButton
from bot.knowledge import KnowledgeBase
from bot.render import BUTTON_LABEL_LIMIT, TITLE_LIMIT, render_answer, render_event, render_help, render_timeline
from tests.discord_helpers import (
    WORLD,
    GENERAL,
    GUILD,
    MESSAGES,
    GLOBAL_COMMANDS,
    GUILD_COMMANDS,
    EPHEMERAL,
    CHANNEL_MESSAGE,
    AUTOCOMPLETE_RESULT,
    UPDATE_MESSAGE,
    ANSWERED,
    DECLINED,
    UNSURE,
    WAIT,
    bounded,
    serving,
    interact,
    reply_to,
    until,
    messages_sent,
    the_embed,
    buttons,
    assert_answer,
    assert_pings_nobody,
    many_events,
)
from tests.discord_stub import DiscordStub, payloads
from tests.discord_stub.fixtures import stand_in
from tests.discord_stub.gateway import DIRECT_MESSAGES, GUILD_MESSAGES, GUILDS, MESSAGE_CONTENT


# -- start-up: intents and command registration --------------------------------------------------

@bounded
async def test_identify_asks_only_for_the_intents_it_needs(stub: DiscordStub, bot: AssessmentBot) -> None:
    [identify] = stub.identifies
    assert identify["intents"] == GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES  # nothing privileged


@bounded
async def test_listen_channels_add_the_message_content_intent(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, dataclasses.replace(settings, listen_channel_ids=frozenset({int(GENERAL)})), knowledge):
        pass
    [identify] = stub.identifies
    assert identify["intents"] == GUILDS | GUILD_MESSAGES | DIRECT_MESSAGES | MESSAGE_CONTENT


@bounded
async def test_commands_are_registered_once_across_restarts(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, knowledge):
        pass
    async with serving(stub, settings, knowledge):
        pass
    [put] = stub.requests_to("PUT", GLOBAL_COMMANDS)
    assert put.status == 200 and not stub.requests_to("PUT", GUILD_COMMANDS)
    assert sorted(c["name"] for c in put.body) == ["about", "ask", "help", "reload", "timeline", "topics"]
    ask = next(c for c in put.body if c["name"] == "ask")
    assert ask["options"][0] | {"name": "question", "required": True, "autocomplete": True} == ask["options"][0]
    assert settings.database_path.with_suffix(".commands.json").is_file()
    assert len(stub.identifies) == 2


@bounded
async def test_dev_guild_registers_on_the_guild_route(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, dataclasses.replace(settings, dev_guild_id=int(GUILD)), knowledge):
        pass
    [put] = stub.requests_to("PUT", GUILD_COMMANDS)
    assert put.route == f"/applications/{WORLD.application_id}/guilds/{GUILD}/commands"
    assert "ask" in {c["name"] for c in put.body} and not stub.requests_to("PUT", GLOBAL_COMMANDS)


@bounded
async def test_a_refused_registration_is_logged_and_retried_at_the_next_start(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    stub.fail_next("PUT", GLOBAL_COMMANDS, 403, payloads.MISSING_ACCESS)
    async with serving(stub, settings, knowledge):
        reply = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))  # still serving
        assert reply.status == 200
    assert any("Could not register the slash commands" in r.getMessage() for r in caplog.records)
    async with serving(stub, settings, knowledge):
        pass
    assert [r.status for r in stub.requests_to("PUT", GLOBAL_COMMANDS)] == [403, 200]


@bounded
async def test_the_sharded_bot_identifies_its_shard_and_answers(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, dataclasses.replace(settings, shard_count=1), knowledge):
        reply = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
    assert stub.identifies[0]["shard"] == [0, 1]
    assert_answer(the_embed(reply.body), knowledge)


# -- /ask and its autocomplete ----------------------------------------------------------------------

@bounded
async def test_ask_answers_with_the_quote_and_the_byline(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
    assert callback.status == 200 and callback.body["type"] == CHANNEL_MESSAGE
    data = callback.body["data"]
    assert_answer(the_embed(data), knowledge, title=ANSWERED)
    assert not int(data.get("flags") or 0) & EPHEMERAL
    entry = next(e for e in knowledge.entries if e.answer == the_embed(data)["description"])
    assert [b["custom_id"] for b in buttons(data)] == [f"vote:{entry.id}:up", f"vote:{entry.id}:down"]
    assert data["allowed_mentions"] == {"parse": []}


@bounded
async def test_ask_in_a_dm_is_answered(stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}, in_guild=False))
    assert_answer(the_embed(callback.body["data"]), knowledge, title=ANSWERED)


@bounded
async def test_ask_declines_and_offers_suggestions_as_buttons(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    expected = bot.engine.answer(UNSURE)
    assert not expected.matched and expected.suggestions, "pick a question the engine declines with suggestions"
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": UNSURE}))
    data = callback.body["data"]
    embed = the_embed(data)
    assert embed["description"] == render_answer(expected, knowledge).description and not embed.get("fields")
    offered = buttons(data)
    assert [b["custom_id"] for b in offered] == [f"suggest:{s.entry_id}" for s in expected.suggestions]
    assert all(knowledge.entry(b["custom_id"].removeprefix("suggest:")) for b in offered)
    assert all(0 < len(b["label"]) <= BUTTON_LABEL_LIMIT for b in offered)


def test_button_labels_and_custom_ids_fit_discords_limits() -> None:
    from bot.discord.views import VoteButton
    from bot.knowledge import ACTOR_MAX, SLUG_MAX
    from bot.render import CUSTOM_ID_LIMIT

    assert len(SuggestionButton("some-entry", "why " * 100).item.label) == BUTTON_LABEL_LIMIT
    longest_id = "x" * SLUG_MAX  # the validator refuses longer ids and actor names
    buttons = [SuggestionButton(longest_id), VoteButton(longest_id, helpful=False), TimelinePageButton(999, "A" * ACTOR_MAX)]
    assert all(len(b.item.custom_id) <= CUSTOM_ID_LIMIT for b in buttons)


@bounded
async def test_ask_autocomplete_offers_relevant_questions_first(stub: DiscordStub, bot: AssessmentBot) -> None:
    callback = await interact(stub, payloads.autocomplete(WORLD, "ask", "question", "who wrote"))
    assert callback.body["type"] == AUTOCOMPLETE_RESULT
    choices = callback.body["data"]["choices"]
    assert 1 <= len(choices) <= 25 and all(0 < len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    assert "wrote" in choices[0]["name"].lower()


@bounded
async def test_ask_autocomplete_with_nothing_typed_offers_examples(stub: DiscordStub, bot: AssessmentBot) -> None:
    callback = await interact(stub, payloads.autocomplete(WORLD, "ask", "question", ""))
    choices = callback.body["data"]["choices"]
    assert 1 <= len(choices) <= 25 and all(0 < len(c["name"]) <= 100 for c in choices)


# -- mentions, DMs and listen channels --------------------------------------------------------------

@bounded
async def test_a_mention_gets_a_reply_that_pings_nobody(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    question = payloads.mention_message(WORLD, ANSWERED)
    reply = await reply_to(stub, question)
    assert reply.status == 200 and reply.route == f"/channels/{GENERAL}/messages"
    assert_answer(the_embed(reply.body), knowledge, title=ANSWERED)
    assert_pings_nobody(reply.body)


@bounded
async def test_a_bare_mention_says_how_to_ask(stub: DiscordStub, bot: AssessmentBot) -> None:
    reply = await reply_to(stub, payloads.mention_message(WORLD, ""))
    assert the_embed(reply.body)["description"] == render_help().description


@bounded
async def test_a_dm_is_answered(stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase) -> None:
    reply = await reply_to(stub, payloads.dm_message(WORLD, ANSWERED))
    assert reply.route == f"/channels/{WORLD.dm_channel_id}/messages"
    assert_answer(the_embed(reply.body), knowledge, title=ANSWERED)


@bounded
async def test_bots_webhooks_and_unaddressed_messages_are_ignored(stub: DiscordStub, bot: AssessmentBot) -> None:
    other_bot = payloads.user(payloads.snowflake(), "other-bot", bot=True)
    from_bot = payloads.mention_message(WORLD, ANSWERED)
    from_bot["author"] = other_bot
    from_webhook = payloads.mention_message(WORLD, ANSWERED)
    from_webhook.update(author=payloads.user(payloads.snowflake(), "hook"), webhook_id=payloads.snowflake())
    from_webhook.pop("member")
    ignored = [from_bot, from_webhook, payloads.dm_message(WORLD, ANSWERED, author=other_bot),
               payloads.guild_message(WORLD, ANSWERED)]  # no mention, not a listen channel
    before = len(stub.requests)
    for event in ignored:
        await stub.dispatch("MESSAGE_CREATE", event, timeout=WAIT)
    # Events are handled in order, so once this is answered the ignored ones are done with.
    sentinel = await reply_to(stub, payloads.dm_message(WORLD, ANSWERED))
    assert stub.requests[before:] == [sentinel]


@bounded
async def test_listen_channel_answers_when_sure_and_stays_silent_otherwise(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    listening = dataclasses.replace(settings, listen_channel_ids=frozenset({int(GENERAL)}))
    async with serving(stub, listening, knowledge):
        before = len(stub.requests)
        await stub.dispatch("MESSAGE_CREATE", payloads.guild_message(WORLD, DECLINED), timeout=WAIT)
        reply = await reply_to(stub, payloads.guild_message(WORLD, ANSWERED))
        assert stub.requests[before:] == [reply]
        assert_answer(the_embed(reply.body), knowledge, title=ANSWERED)
        assert_pings_nobody(reply.body)


@bounded
async def test_listen_channel_cooldown_is_silent(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    listening = dataclasses.replace(settings, listen_channel_ids=frozenset({int(GENERAL)}), cooldown_rate=1)
    async with serving(stub, listening, knowledge):
        await reply_to(stub, payloads.guild_message(WORLD, ANSWERED))
        before = len(stub.requests)
        await stub.dispatch("MESSAGE_CREATE", payloads.guild_message(WORLD, ANSWERED), timeout=WAIT)  # on cooldown
        bob = payloads.user(payloads.snowflake(), "bob")
        reply = await reply_to(stub, payloads.guild_message(WORLD, ANSWERED, author=bob))
        assert stub.requests[before:] == [reply]  # no reply and no DM for the cooled-down message


# -- /timeline ---------------------------------------------------------------------------------------

@bounded
async def test_timeline_pages_forward_and_back_in_place(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    paged = many_events(knowledge)
    pages = render_timeline(paged)
    assert len(pages) >= 3, "the test needs a timeline of three pages or more"
    async with serving(stub, settings, paged):
        command = payloads.slash_command(WORLD, "timeline")
        first = await interact(stub, command)
        assert first.body["type"] == CHANNEL_MESSAGE
        assert the_embed(first.body["data"])["description"] == pages[0].description
        previous, following = buttons(first.body["data"])
        assert previous["disabled"] and not following.get("disabled")
        message = stub.rest.messages[stub.interaction(command["id"]).original_id]

        turned = await interact(stub, payloads.button_press(WORLD, following["custom_id"], message_data=message))
        assert turned.body["type"] == UPDATE_MESSAGE
        assert the_embed(turned.body["data"])["description"] == pages[1].description
        previous, following = buttons(turned.body["data"])
        assert not previous.get("disabled") and not following.get("disabled")

        back = await interact(stub, payloads.button_press(WORLD, previous["custom_id"], message_data=message))
        assert back.body["type"] == UPDATE_MESSAGE
        assert the_embed(back.body["data"])["description"] == pages[0].description


@bounded
async def test_timeline_pages_of_one_actor_keep_the_filter(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    paged = many_events(knowledge)
    actor = max(paged.actors, key=lambda a: sum(a in e.actors for e in paged.timeline))
    pages = render_timeline(paged, actor)
    assert len(pages) >= 2, "the test needs an actor with two pages of events or more"
    async with serving(stub, settings, paged):
        command = payloads.slash_command(WORLD, "timeline", {"actor": actor.lower()})
        first = await interact(stub, command)
        _, following = buttons(first.body["data"])
        message = stub.rest.messages[stub.interaction(command["id"]).original_id]
        turned = await interact(stub, payloads.button_press(WORLD, following["custom_id"], message_data=message))
    assert turned.body["type"] == UPDATE_MESSAGE
    embed = the_embed(turned.body["data"])
    assert actor in embed["title"] and embed["description"] == pages[1].description


@bounded
async def test_timeline_actor_filter_shows_only_that_actors_events(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    actor = min(knowledge.actors, key=lambda a: sum(a in e.actors for e in knowledge.timeline))
    callback = await interact(stub, payloads.slash_command(WORLD, "timeline", {"actor": actor.upper()}))
    embed = the_embed(callback.body["data"])
    assert actor in embed["title"]
    shown = [e for e in knowledge.timeline if e.event in embed["description"]]
    assert shown and all(actor in e.actors for e in shown)


@bounded
async def test_timeline_unknown_actor_is_told_privately(stub: DiscordStub, bot: AssessmentBot) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, "timeline", {"actor": "Atlantis"}))
    data = callback.body["data"]
    assert data["flags"] & EPHEMERAL and "Unknown actor" in data["content"] and not data.get("embeds")


@bounded
async def test_timeline_event_shows_one_event_in_full(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    event = knowledge.timeline[-1]
    typed = " ".join(event.event.split()[:5])
    offered = await interact(stub, payloads.autocomplete(WORLD, "timeline", "event", typed))
    choices = offered.body["data"]["choices"]
    assert event.id in {c["value"] for c in choices} and all(len(c["name"]) <= 100 for c in choices)
    callback = await interact(stub, payloads.slash_command(WORLD, "timeline", {"event": event.id}))
    embed = the_embed(callback.body["data"])
    assert embed["description"] == event.event and embed["title"] == render_event(event, knowledge).title
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert event.sources[0][:40] in fields["From the article"] and event.actors[0] in fields["Who"]


# -- buttons on answers -------------------------------------------------------------------------------

@bounded
async def test_did_you_mean_button_shows_that_answer_privately(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    entry = knowledge.entries[0]
    callback = await interact(stub, payloads.button_press(WORLD, f"suggest:{entry.id}"))
    data = callback.body["data"]
    assert callback.body["type"] == CHANNEL_MESSAGE and data["flags"] & EPHEMERAL
    assert_answer(the_embed(data), knowledge, title=entry.questions[0])


@bounded
async def test_did_you_mean_button_for_a_removed_entry_says_so(stub: DiscordStub, bot: AssessmentBot) -> None:
    callback = await interact(stub, payloads.button_press(WORLD, "suggest:no-such-entry"))
    assert callback.body["data"]["flags"] & EPHEMERAL and "no longer" in callback.body["data"]["content"]


# -- nobody is pinged -------------------------------------------------------------------------------

@bounded
async def test_mentions_in_a_question_ping_nobody(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    role_id = payloads.snowflake()
    noisy = f"@everyone <@&{role_id}> <@{WORLD.user_id}> {ANSWERED}"
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": noisy}))
    assert_answer(the_embed(callback.body["data"]), knowledge)
    assert_pings_nobody(callback.body["data"])

    message = payloads.mention_message(WORLD, noisy)
    message.update(mention_everyone=True, mention_roles=[role_id],
                   mentions=[*message["mentions"], payloads.human(WORLD)])
    reply = await reply_to(stub, message)
    assert_answer(the_embed(reply.body), knowledge)
    assert_pings_nobody(reply.body)


# -- failures -----------------------------------------------------------------------------------------

@bounded
async def test_a_refused_send_is_logged_and_the_bot_keeps_serving(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    stub.fail_next("POST", MESSAGES, 403, payloads.MISSING_PERMISSIONS)
    refused = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
    assert refused.status == 403
    await until(lambda: any("Could not reply" in r.getMessage() and "403" in r.getMessage() for r in caplog.records),
                "the refused reply was not logged")
    later = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
    assert later.status == 200
    assert_answer(the_embed(later.body), knowledge)


class BrokenEngine:
    """Stands in for the core at its boundary: every question fails."""

    def __init__(self, knowledge: KnowledgeBase) -> None:
        self.knowledge = knowledge

    def answer(self, question: str) -> Any:
        raise RuntimeError("the engine broke")

    def autocomplete(self, text: str, limit: int = 25) -> list[str]:
        raise RuntimeError("the engine broke")


@bounded
async def test_a_failing_command_tells_the_user_and_logs_the_traceback(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    bot.live.engine = BrokenEngine(knowledge)  # type: ignore[assignment]
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
    data = callback.body["data"]
    assert data["flags"] & EPHEMERAL and "something went wrong" in data["content"] and not data.get("embeds")
    [logged] = [r for r in caplog.records if r.name == "bot.discord.client" and r.levelno == logging.ERROR]
    assert "/ask" in logged.getMessage() and logged.exc_info is not None
    assert "RuntimeError: the engine broke" in caplog.text


@bounded
async def test_a_failing_question_by_message_is_logged_the_asker_told_and_the_bot_keeps_serving(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    engine = bot.engine
    bot.live.engine = BrokenEngine(knowledge)  # type: ignore[assignment]
    broken = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
    assert broken.body["content"] == FAILED and not broken.body.get("embeds")  # told, briefly
    assert_pings_nobody(broken.body)
    await until(lambda: "RuntimeError: the engine broke" in caplog.text, "the failure was not logged")
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert ANSWERED not in logged.getMessage()
    bot.live.engine = engine
    reply = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
    assert_answer(the_embed(reply.body), knowledge)


# -- cooldown -----------------------------------------------------------------------------------------

@bounded
async def test_cooldown_stops_a_fast_asker_and_no_one_else(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, dataclasses.replace(settings, cooldown_rate=1, cooldown_seconds=60.0), knowledge):
        first = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
        assert_answer(the_embed(first.body["data"]), knowledge)

        again = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
        data = again.body["data"]
        assert data["flags"] == EPHEMERAL and re.search(r"wait \d+ s", data["content"]) and not data.get("embeds")

        bob = payloads.user(payloads.snowflake(), "bob")
        other = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}, invoker=bob))
        assert_answer(the_embed(other.body["data"]), knowledge)

        # Asking by mention shares the cooldown: no reply in the channel, a private notice instead.
        before = len(stub.requests)
        await stub.dispatch("MESSAGE_CREATE", payloads.mention_message(WORLD, ANSWERED), timeout=WAIT)
        notice = await stub.wait_for_request("POST", f"/channels/{WORLD.dm_channel_id}/messages", timeout=WAIT)
        assert "wait" in notice.body["content"] and messages_sent(stub, before) == [notice]


def test_cooldown_notice_never_asks_to_wait_zero_seconds() -> None:
    assert "wait 1 s" in cooldown_message(0.3) and "wait 30 s" in cooldown_message(29.2)


# -- /about, /topics, /help ------------------------------------------------------------------------

@bounded
@pytest.mark.parametrize("command", ["about", "topics", "help"])
async def test_info_commands_answer_privately_with_an_embed(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase, command: str,
) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, command))
    data = callback.body["data"]
    assert callback.body["type"] == CHANNEL_MESSAGE and data["flags"] & EPHEMERAL
    embed = the_embed(data)
    assert embed["title"] and embed["description"]
    if command == "about":
        assert {a.title for a in knowledge.assessments} <= {f["name"] for f in embed["fields"]}


# -- Discord's limits -----------------------------------------------------------------------------

@bounded
async def test_a_very_long_dm_still_gets_a_valid_reply(stub: DiscordStub, bot: AssessmentBot) -> None:
    question = (ANSWERED + " ") * 200
    reply = await reply_to(stub, payloads.dm_message(WORLD, question[:4000]))
    assert reply.status == 200 and reply.errors == []
    assert 0 < len(the_embed(reply.body)["title"]) <= TITLE_LIMIT


# -- the runner's start-up failures ----------------------------------------------------------------

@bounded
async def test_a_rejected_token_ends_the_runner_with_a_config_error(
    settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    assert await _serve(settings, knowledge, "not-the-token") == EXIT_USAGE
    assert any("rejected DISCORD_TOKEN" in r.getMessage() for r in caplog.records)


@bounded
async def test_a_missing_message_content_intent_ends_the_runner_with_a_config_error(
    settings: Settings, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    async with stand_in(allowed_intents=0) as locked:
        listening = dataclasses.replace(settings, listen_channel_ids=frozenset({int(GENERAL)}))
        assert await _serve(listening, knowledge, locked.token) == EXIT_USAGE
    assert any("LISTEN_CHANNEL_IDS needs the Message Content intent" in r.getMessage() for r in caplog.records)
