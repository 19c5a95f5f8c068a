"""The series at the wire: a running bot picking up the next assessment dropped into KNOWLEDGE_DIR, and the
commands and buttons that name assessments (the real bot against the loopback Discord stand-in)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.discord.replies import NO_SUCH_ASSESSMENT
from bot.knowledge import KnowledgeBase
from bot.live import LiveKnowledge
from bot.records import EntryVotes
from bot.render import CUSTOM_ID_LIMIT
from tests.conftest import add_next_assessment
from tests.discord_helpers import (
    ARTICLE_TITLE,
    AUTHOR_ANSWER,
    AUTOCOMPLETE_RESULT,
    EPHEMERAL,
    GENERAL,
    GUILD,
    WAIT,
    WORLD,
    bounded,
    buttons,
    interact,
    reply_to,
    serving,
    the_embed,
    until,
)
from tests.discord_stub import DiscordStub, payloads
from tests.test_series import FIRST, SECOND, SECOND_BYLINE, TESTWELL, WHATS_NEW

DM_MESSAGES = f"/channels/{WORLD.dm_channel_id}/messages"
FOLLOWUP = "/webhooks/{webhook_id}/{webhook_token}"
SECOND_TITLE = "Assessment no. 2 (a test fixture): a made-up second round of talks"


@pytest.fixture
def watching(settings: Settings, knowledge_copy: Path) -> Settings:
    """The bot watching a copy of the shipped knowledge, as a maintainer's KNOWLEDGE_DIR."""
    return dataclasses.replace(settings, knowledge_dir=knowledge_copy, knowledge_poll_seconds=0.05,
                               admin_user_ids=frozenset({WORLD.user_id}))


async def ask(stub: DiscordStub, question: str, **options: str) -> dict[str, Any]:
    """The message the bot answers /ask with (its data: embeds, components, flags)."""
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": question, **options}))
    return callback.body["data"]


@bounded
async def test_a_running_bot_answers_from_the_next_assessment_once_it_is_dropped_in(
    stub: DiscordStub, watching: Settings,
) -> None:
    async with serving(stub, watching, LiveKnowledge(watching.knowledge_dir)) as bot:
        assert the_embed(await ask(stub, "who wrote the latest assessment?"))["description"] == AUTHOR_ANSWER
        add_next_assessment(watching.knowledge_dir)
        await until(lambda: len(bot.knowledge.assessments) == 2, "the next assessment was not picked up")

        latest = await ask(stub, "who wrote the latest assessment?")
        embed = the_embed(latest)
        assert embed["description"] == TESTWELL and embed["footer"]["text"].startswith(SECOND_BYLINE)
        votes = [b["custom_id"] for b in buttons(latest)]
        assert votes == ["vote:2.author:up", "vote:2.author:down"] and all(len(v) <= CUSTOM_ID_LIMIT for v in votes)
        first = the_embed(await ask(stub, "who wrote the first assessment?"))
        assert first["description"] == AUTHOR_ANSWER and first["footer"]["text"].startswith("Assessment no. 1, around May 16, 2025 · ")
        assert not stub.requests_to("POST", DM_MESSAGES)  # a valid drop troubles no administrator


@bounded
async def test_a_vote_on_an_answer_from_the_second_assessment_is_recorded_for_it(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge) as bot:
        command = payloads.slash_command(WORLD, "ask", {"question": "who wrote this?"})
        answer = await interact(stub, command)
        up = buttons(answer.body["data"])[0]["custom_id"]
        assert up == "vote:2.author:up"  # the latest assessment's `author`: no tie with the first's
        message = stub.rest.messages[stub.interaction(command["id"]).original_id]
        press = payloads.button_press(WORLD, up, message_data=message)
        await interact(stub, press)
        thanked = await stub.wait_for_request("POST", FOLLOWUP, where=lambda r: r.route.endswith(press["token"]), timeout=WAIT)
        assert thanked.body["content"] == "Thanks, noted."
        assert bot.records.votes() == [EntryVotes(f"{SECOND}/author", down=0, up=1)]


@bounded
async def test_a_suggestion_button_names_the_entry_of_its_assessment(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge):
        callback = await interact(stub, payloads.button_press(WORLD, "suggest:2.geneva-round"))
        data = callback.body["data"]
        assert data["flags"] & EPHEMERAL and the_embed(data)["description"].startswith("In the fixture's made-up June")
        assert [b["custom_id"] for b in buttons(data)] == ["vote:2.geneva-round:up", "vote:2.geneva-round:down"]
        old = await interact(stub, payloads.button_press(WORLD, "suggest:author"))  # a message from before the series
        assert the_embed(old.body["data"])["description"] == AUTHOR_ANSWER


@bounded
async def test_ask_within_one_assessment_chosen_by_number_date_or_title(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge):
        assert the_embed(await ask(stub, "who wrote this?", assessment="1"))["description"] == AUTHOR_ANSWER
        assert the_embed(await ask(stub, "who wrote this?", assessment=SECOND))["description"] == TESTWELL
        refused = await ask(stub, "who wrote this?", assessment="no. 9")
        assert refused["content"] == NO_SUCH_ASSESSMENT and refused["flags"] & EPHEMERAL

        choices = await interact(stub, payloads.autocomplete(WORLD, "ask", "assessment", "jun"))
        assert choices.body["type"] == AUTOCOMPLETE_RESULT
        assert choices.body["data"]["choices"][0] == {"name": f"No. 2 · 2025-06-20 · {SECOND_TITLE}", "value": SECOND}
        everything = await interact(stub, payloads.autocomplete(WORLD, "ask", "assessment", ""))
        assert [c["value"] for c in everything.body["data"]["choices"]] == [SECOND, FIRST]  # the latest first
        within = await interact(stub, payloads.autocomplete(WORLD, "ask", "question", "", others={"assessment": SECOND}))
        assert [c["name"] for c in within.body["data"]["choices"]] == [
            "Who wrote the article?", "What is the author's main argument?", "What happened in Geneva?"]


@bounded
async def test_assessments_lists_the_series_and_about_shows_one(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge):
        listed = (await interact(stub, payloads.slash_command(WORLD, "assessments"))).body["data"]
        assert listed["flags"] & EPHEMERAL
        assert the_embed(listed)["description"].splitlines() == [
            f"• No. 2 · Jun 20, 2025 · {SECOND_TITLE} — Mara Testwell · 3 entries",
            f"• No. 1 · around May 16, 2025 · {ARTICLE_TITLE} — John E. Herbst · 51 entries",
        ]
        latest = the_embed((await interact(stub, payloads.slash_command(WORLD, "about"))).body["data"])
        assert [f["name"] for f in latest["fields"]] == [SECOND_TITLE, "What is new in it"]
        assert latest["fields"][1]["value"].startswith(WHATS_NEW)
        first = the_embed((await interact(stub, payloads.slash_command(WORLD, "about", {"assessment": "first"}))).body["data"])
        assert first["fields"][0]["name"] == ARTICLE_TITLE and first["fields"][0]["value"].startswith("No. 1 · John E. Herbst")


async def reply_to_answer(stub: DiscordStub, question: str, follow_up: str) -> dict[str, Any]:
    """The bot's reply to `follow_up`, sent as a Discord reply to its answer to /ask `question`."""
    command = payloads.slash_command(WORLD, "ask", {"question": question})
    await interact(stub, command)
    answered = stub.rest.messages[stub.interaction(command["id"]).original_id]
    message = payloads.guild_message(WORLD, follow_up)
    # A reply, pinging the bot as Discord's replies do by default (so its text reaches the bot).
    message |= {"type": 19, "referenced_message": answered, "mentions": [payloads.bot_user_public(WORLD)],
                "message_reference": {"message_id": answered["id"], "channel_id": GENERAL, "guild_id": GUILD}}
    return the_embed((await reply_to(stub, message)).body)


@bounded
async def test_a_reply_to_an_answer_stays_in_that_answers_assessment(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge):
        more = await reply_to_answer(stub, "who wrote the latest assessment?", "tell me more")
        assert more["title"] == "More on: Who wrote the article?" and more["description"] == TESTWELL
        # Both assessments answer this; a reply to an answer from the first is answered from the first.
        argument = await reply_to_answer(stub, "who wrote the first assessment?", "and what is the main argument?")
        assert argument["description"].startswith("Herbst's main argument, stated in the title")
        assert argument["footer"]["text"].startswith("Assessment no. 1, ")
