"""The real bot (create_bot, the shipped knowledge base) against the loopback Discord stand-in.

Every test drives the bot through gateway events and checks the request bodies it sends; the
stand-in checks each body against Discord's OpenAPI spec and fails the test on any violation.
The engine's scores are not asserted: questions are picked so the outcome is unambiguous
("who wrote this article?" is answered, "what is the capital of peru?" is declined).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
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
from bot.matching import Engine
from bot.render import BUTTON_LABEL_LIMIT
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
    assert_author_answer,
    assert_pings_nobody,
    many_events,
    AUTHOR_ANSWER,
    AUTHOR_FIRST_QUESTION,
    ARTICLE_TITLE,
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
    assert sorted(c["name"] for c in put.body) == ["about", "ask", "assessments", "help", "reload", "timeline", "topics"]
    ask = next(c for c in put.body if c["name"] == "ask")
    assert ask["options"][0] | {"name": "question", "required": True, "autocomplete": True} == ask["options"][0]
    assert ask["options"][1] | {"name": "assessment", "required": False, "autocomplete": True} == ask["options"][1]
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
    assert_author_answer(the_embed(reply.body))


# -- /ask and its autocomplete ----------------------------------------------------------------------

@bounded
async def test_ask_answers_with_the_quote_and_the_byline(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
    assert callback.status == 200 and callback.body["type"] == CHANNEL_MESSAGE
    data = callback.body["data"]
    assert_author_answer(the_embed(data))
    assert not int(data.get("flags") or 0) & EPHEMERAL
    assert [b["custom_id"] for b in buttons(data)] == ["vote:1.author:up", "vote:1.author:down"]  # no. 1's `author`
    assert data["allowed_mentions"] == {"parse": []}


@bounded
async def test_ask_in_a_dm_is_answered(stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}, in_guild=False))
    assert_author_answer(the_embed(callback.body["data"]))


@bounded
async def test_ask_declines_and_offers_suggestions_as_buttons(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": UNSURE}))
    data = callback.body["data"]
    embed = the_embed(data)
    # The out-of-scope kind `casualties`, shared by the series, gives the reason; the entry `bucha-irpin` is suggested.
    assert embed["title"] == UNSURE and not embed.get("fields")
    assert embed["description"].startswith("The assessments give no casualty figures. I won't guess.\n\nDid you mean:\n")
    offered = buttons(data)
    assert {b["custom_id"]: b["label"] for b in offered}["suggest:1.bucha-irpin"] == "What happened in Bucha and Irpin?"
    suggested = embed["description"].split("Did you mean:\n", 1)[1].splitlines()
    assert suggested == [f"• {b['label']}" for b in offered]  # a button for each suggestion listed


def test_button_labels_and_custom_ids_fit_discords_limits() -> None:
    from bot.discord.views import VoteButton
    from bot.knowledge import ACTOR_MAX, NUMBER_MAX, SLUG_MAX
    from bot.render import CUSTOM_ID_LIMIT

    assert len(SuggestionButton("some-entry", "why " * 100).item.label) == BUTTON_LABEL_LIMIT
    # The validator refuses longer ids and actor names, and larger numbers: a button's tag is "<number>.<id>".
    longest_id = f"{NUMBER_MAX}.{'x' * SLUG_MAX}"
    buttons = [SuggestionButton(longest_id), VoteButton(longest_id, helpful=False), TimelinePageButton(999, "A" * ACTOR_MAX)]
    assert all(len(b.item.custom_id) <= CUSTOM_ID_LIMIT for b in buttons)


@bounded
async def test_ask_autocomplete_offers_relevant_questions_first(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    callback = await interact(stub, payloads.autocomplete(WORLD, "ask", "question", "who wrote"))
    assert callback.body["type"] == AUTOCOMPLETE_RESULT
    choices = callback.body["data"]["choices"]
    assert choices[0]["name"] == choices[0]["value"]
    assert choices[0]["name"] in knowledge.entry("author").questions, choices[0]


@bounded
async def test_ask_autocomplete_with_nothing_typed_offers_examples(stub: DiscordStub, bot: AssessmentBot) -> None:
    callback = await interact(stub, payloads.autocomplete(WORLD, "ask", "question", ""))
    choices = callback.body["data"]["choices"]
    assert len(choices) == 25  # as many as Discord shows, of the 51 entries
    assert choices[0] == {"name": "What is the article about?", "value": "What is the article about?"}
    assert len({c["name"] for c in choices}) == 25


# -- mentions, DMs and listen channels --------------------------------------------------------------

@bounded
async def test_a_mention_gets_a_reply_that_pings_nobody(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    question = payloads.mention_message(WORLD, ANSWERED)
    reply = await reply_to(stub, question)
    assert reply.status == 200 and reply.route == f"/channels/{GENERAL}/messages"
    assert_author_answer(the_embed(reply.body))
    assert_pings_nobody(reply.body)


@bounded
async def test_a_bare_mention_says_how_to_ask(stub: DiscordStub, bot: AssessmentBot) -> None:
    reply = await reply_to(stub, payloads.mention_message(WORLD, ""))
    embed = the_embed(reply.body)
    assert embed["title"] == "How to use me"
    assert embed["description"].startswith("Ask me about the assessment in plain words, typos welcome.")
    assert "`/ask question:`" in embed["description"] and "mention me" in embed["description"]


@bounded
async def test_a_dm_is_answered(stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase) -> None:
    reply = await reply_to(stub, payloads.dm_message(WORLD, ANSWERED))
    assert reply.route == f"/channels/{WORLD.dm_channel_id}/messages"
    assert_author_answer(the_embed(reply.body))


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
        assert_author_answer(the_embed(reply.body))
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

def shown_events(description: str, knowledge: KnowledgeBase) -> list[tuple[dt.date, str]]:
    """(date, event text) of each line of a timeline page, read back against the YAML's events."""
    found = []
    for line in description.splitlines():
        [event] = [e for e in knowledge.timeline if line.endswith(f"): {e.event}")]
        found.append((event.date, event.event))
    return found


@bounded
async def test_timeline_pages_forward_and_back_in_place(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, many_events(knowledge)):  # every event three times: several pages
        command = payloads.slash_command(WORLD, "timeline")  # the summary, whose first button lists every event
        summary = await interact(stub, command)
        all_events = buttons(summary.body["data"])[0]
        assert all_events["label"] == "All events"
        summary_message = stub.rest.messages[stub.interaction(command["id"]).original_id]
        opening = payloads.button_press(WORLD, all_events["custom_id"], message_data=summary_message)
        first = await interact(stub, opening)
        assert first.body["type"] == CHANNEL_MESSAGE
        page = the_embed(first.body["data"])
        assert page["title"] == "Timeline"
        assert page["description"].startswith(
            "**2022** (“three years ago”): Russian atrocities in the Ukrainian cities of Bucha and Irpin were revealed")
        header = re.fullmatch(r"Page 1 of (\d+) · Dates worked out from the article \(John E\. Herbst\)", page["footer"]["text"])
        assert header and int(header[1]) >= 3, page["footer"]
        pages = int(header[1])
        previous, following = buttons(first.body["data"])
        assert previous["disabled"] and not following.get("disabled")
        message = stub.rest.messages[stub.interaction(opening["id"]).original_id]

        descriptions = [page["description"]]
        for number in range(2, pages + 1):
            turned = await interact(stub, payloads.button_press(WORLD, following["custom_id"], message_data=message))
            assert turned.body["type"] == UPDATE_MESSAGE
            page = the_embed(turned.body["data"])
            assert page["footer"]["text"].startswith(f"Page {number} of {pages} · ")
            descriptions.append(page["description"])
            previous, following = buttons(turned.body["data"])
            assert not previous.get("disabled")
        assert following["disabled"]  # the last page

        back = await interact(stub, payloads.button_press(WORLD, previous["custom_id"], message_data=message))
        assert back.body["type"] == UPDATE_MESSAGE
        assert the_embed(back.body["data"])["description"] == descriptions[-2]

    shown = [event for description in descriptions for event in shown_events(description, knowledge)]
    assert [date for date, _ in shown] == sorted(date for date, _ in shown)
    assert sorted(text for _, text in shown) == sorted(e.event for e in knowledge.timeline for _ in range(3))


@bounded
async def test_timeline_pages_of_one_actor_keep_the_filter(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    paged = many_events(knowledge)
    actor = max(paged.actors, key=lambda a: sum(a in e.actors for e in paged.timeline))
    theirs = {e.event for e in knowledge.timeline if actor in e.actors}
    async with serving(stub, settings, paged):
        command = payloads.slash_command(WORLD, "timeline", {"actor": actor.lower()})
        first = await interact(stub, command)
        _, following = buttons(first.body["data"])
        message = stub.rest.messages[stub.interaction(command["id"]).original_id]
        turned = await interact(stub, payloads.button_press(WORLD, following["custom_id"], message_data=message))
    assert turned.body["type"] == UPDATE_MESSAGE
    embed = the_embed(turned.body["data"])
    assert embed["title"] == f"Timeline: {actor}" and embed["footer"]["text"].startswith("Page 2 of ")
    shown = {text for _, text in shown_events(embed["description"], knowledge)}
    assert shown and shown <= theirs


@bounded
async def test_timeline_actor_filter_shows_only_that_actors_events(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    actor = min(knowledge.actors, key=lambda a: sum(a in e.actors for e in knowledge.timeline))
    callback = await interact(stub, payloads.slash_command(WORLD, "timeline", {"actor": actor.upper()}))
    embed = the_embed(callback.body["data"])
    assert embed["title"] == f"Timeline: {actor}"
    shown = {text for _, text in shown_events(embed["description"], knowledge)}
    assert shown == {e.event for e in knowledge.timeline if actor in e.actors}


@bounded
async def test_timeline_unknown_actor_is_told_privately(stub: DiscordStub, bot: AssessmentBot) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, "timeline", {"actor": "Atlantis"}))
    data = callback.body["data"]
    assert data["flags"] & EPHEMERAL and "Unknown actor" in data["content"] and not data.get("embeds")


OVAL_OFFICE = (  # the timeline event `event-oval-office-meeting`, as the YAML words it
    "A difficult Oval Office meeting with Ukrainian President Volodymyr Zelenskyy, after which the US "
    "administration put severe pressure on Ukraine."
)


@bounded
async def test_timeline_event_shows_one_event_in_full(stub: DiscordStub, bot: AssessmentBot) -> None:
    offered = await interact(stub, payloads.autocomplete(WORLD, "timeline", "event", "A difficult Oval Office"))
    choices = offered.body["data"]["choices"]
    [offer] = [c for c in choices if c["value"] == "event-oval-office-meeting"]
    assert offer["name"].startswith("2025-02-28 · A difficult Oval Office meeting") and offer["name"].endswith("…")
    callback = await interact(stub, payloads.slash_command(WORLD, "timeline", {"event": "event-oval-office-meeting"}))
    embed = the_embed(callback.body["data"])
    assert embed["title"] == "Feb 28, 2025 (“February 28”)" and embed["description"] == OVAL_OFFICE
    fields = {f["name"]: f["value"] for f in embed["fields"]}
    assert fields["Who"] == "United States, Ukraine"
    assert fields["From the article"] == (
        "> the severe pressure the US administration put on Ukraine after the difficult Oval Office meeting with "
        "Ukrainian President Volodymyr Zelenskyy on February 28.")


# -- buttons on answers -------------------------------------------------------------------------------

@bounded
async def test_did_you_mean_button_shows_that_answer_privately(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    callback = await interact(stub, payloads.button_press(WORLD, "suggest:author"))
    data = callback.body["data"]
    assert callback.body["type"] == CHANNEL_MESSAGE and data["flags"] & EPHEMERAL
    assert_author_answer(the_embed(data), title=AUTHOR_FIRST_QUESTION)  # titled with the entry's first question


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
    assert_author_answer(the_embed(callback.body["data"]))  # the pings are not part of the question
    assert_pings_nobody(callback.body["data"])

    message = payloads.mention_message(WORLD, noisy)
    message.update(mention_everyone=True, mention_roles=[role_id],
                   mentions=[*message["mentions"], payloads.human(WORLD)])
    reply = await reply_to(stub, message)
    assert_author_answer(the_embed(reply.body))
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
    assert_author_answer(the_embed(later.body))


class BrokenEngine:
    """The engine in service with a fault injected where the Discord edge calls the core: answering and
    autocompleting fail, as a bug in the core would; everything else is the real engine's."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def answer(self, question: str, assessment: str | None = None) -> Any:
        raise RuntimeError("the engine broke")

    def autocomplete(self, text: str, limit: int = 25) -> list[str]:
        raise RuntimeError("the engine broke")

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


@bounded
async def test_a_failing_command_tells_the_user_and_logs_the_traceback(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    bot.live.engine = BrokenEngine(bot.engine)  # type: ignore[assignment]
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
    bot.live.engine = BrokenEngine(bot.engine)  # type: ignore[assignment]
    broken = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
    assert broken.body["content"] == FAILED and not broken.body.get("embeds")  # told, briefly
    assert_pings_nobody(broken.body)
    await until(lambda: "RuntimeError: the engine broke" in caplog.text, "the failure was not logged")
    [logged] = [r for r in caplog.records if r.levelno == logging.ERROR and r.exc_info]
    assert ANSWERED not in logged.getMessage()
    bot.live.engine = engine
    reply = await reply_to(stub, payloads.mention_message(WORLD, ANSWERED))
    assert_author_answer(the_embed(reply.body))


# -- cooldown -----------------------------------------------------------------------------------------

@bounded
async def test_cooldown_stops_a_fast_asker_and_no_one_else(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, dataclasses.replace(settings, cooldown_rate=1, cooldown_seconds=60.0), knowledge):
        first = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
        assert_author_answer(the_embed(first.body["data"]))

        again = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}))
        data = again.body["data"]
        assert data["flags"] == EPHEMERAL and re.search(r"wait \d+ s", data["content"]) and not data.get("embeds")

        bob = payloads.user(payloads.snowflake(), "bob")
        other = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": ANSWERED}, invoker=bob))
        assert_author_answer(the_embed(other.body["data"]))

        # Asking by mention shares the cooldown: no reply in the channel, a private notice instead.
        before = len(stub.requests)
        await stub.dispatch("MESSAGE_CREATE", payloads.mention_message(WORLD, ANSWERED), timeout=WAIT)
        notice = await stub.wait_for_request("POST", f"/channels/{WORLD.dm_channel_id}/messages", timeout=WAIT)
        assert "wait" in notice.body["content"] and messages_sent(stub, before) == [notice]


def test_cooldown_notice_never_asks_to_wait_zero_seconds() -> None:
    assert "wait 1 s" in cooldown_message(0.3) and "wait 30 s" in cooldown_message(29.2)


# -- /about, /topics, /help ------------------------------------------------------------------------

@bounded
@pytest.mark.parametrize(("command", "title", "shown"), [
    ("about", "What I know", ARTICLE_TITLE),  # the assessment's title, a field's name
    ("topics", "What you can ask about", f"• {AUTHOR_FIRST_QUESTION}"),  # each entry's first question
    ("help", "How to use me", "`/timeline` for the timeline at a glance"),
])
async def test_info_commands_answer_privately_with_an_embed(
    stub: DiscordStub, bot: AssessmentBot, command: str, title: str, shown: str,
) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, command))
    data = callback.body["data"]
    assert callback.body["type"] == CHANNEL_MESSAGE and data["flags"] & EPHEMERAL
    embed = the_embed(data)
    assert embed["title"] == title
    assert shown in embed["description"] or shown in [f["name"] for f in embed.get("fields") or []], embed


# -- Discord's limits -----------------------------------------------------------------------------

@bounded
async def test_a_very_long_dm_still_gets_a_valid_reply(stub: DiscordStub, bot: AssessmentBot) -> None:
    question = (ANSWERED + " ") * 200
    reply = await reply_to(stub, payloads.dm_message(WORLD, question[:4000]))
    assert reply.status == 200 and reply.errors == []
    embed = the_embed(reply.body)
    assert embed["title"].startswith(f"{ANSWERED} {ANSWERED}") and embed["title"].endswith("…")  # cut, and marked
    assert embed["description"] == AUTHOR_ANSWER


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
