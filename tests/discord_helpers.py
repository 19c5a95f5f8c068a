"""Shared by the wire-level tests: the stand-in world, the bot's fixtures and helpers to drive it.

The fixtures (`stub`, `settings`, `bot`) reach every test through `pytest_plugins` in conftest.py.
"""


from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import random
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml

from bot.config import Settings
from bot.discord.client import AssessmentBot, create_bot
from bot.knowledge import KnowledgeBase
from tests.conftest import KNOWLEDGE_DIR
from tests.discord_stub import DiscordStub, RecordedRequest, World, payloads
from tests.discord_stub.fixtures import running, stand_in

WORLD = World()
GENERAL, GUILD = WORLD.general_channel_id, WORLD.guild_id
MESSAGES = "/channels/{channel_id}/messages"
GLOBAL_COMMANDS = "/applications/{application_id}/commands"
GUILD_COMMANDS = "/applications/{application_id}/guilds/{guild_id}/commands"
EPHEMERAL = 1 << 6
CHANNEL_MESSAGE, AUTOCOMPLETE_RESULT, UPDATE_MESSAGE = 4, 8, 7  # interaction callback types
ANSWERED = "who wrote this article?"
DECLINED = "what is the capital of peru?"
UNSURE = "how many civilians died in bucha"  # declined, with "Did you mean" suggestions
# What a user sees, word for word from knowledge/herbst-2025-05.yaml, so that a test compares the bot's
# output with the knowledge base and not with the functions that produced it.
AUTHOR_ANSWER = (  # entry `author`, the answer to ANSWERED
    "The article was written by John E. Herbst. According to his bio line, he is the senior director of the "
    "Atlantic Council's Eurasia Center and a former US ambassador to Ukraine."
)
AUTHOR_QUOTE = "> John E. Herbst is the senior director of the Atlantic Council’s Eurasia Center and a former US ambassador to Ukraine."
AUTHOR_FIRST_QUESTION = "Who wrote the article?"
ARTICLE_TITLE = "To achieve his goal of a durable peace, Trump must turn up the pressure on Putin"
BYLINE = f"{ARTICLE_TITLE} — John E. Herbst, Atlantic Council, Eurasia Center"
NOT_COVERED = "The assessment doesn't cover that, so I won't guess."  # the decline of DECLINED
WAIT = 5.0           # any single wait for the bot
TEST_TIMEOUT = 15.0  # a whole test, start-up and shutdown included


def bounded(test: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
    """An asyncio test that fails after TEST_TIMEOUT seconds instead of hanging the run."""

    @functools.wraps(test)
    async def run(*args: Any, **kwargs: Any) -> None:
        async with asyncio.timeout(TEST_TIMEOUT):
            await test(*args, **kwargs)

    return pytest.mark.asyncio(run)


# -- fixtures and helpers --------------------------------------------------------------------------

@pytest_asyncio.fixture
async def stub() -> AsyncIterator[DiscordStub]:
    async with stand_in() as started:
        yield started


@pytest.fixture
def settings(stub: DiscordStub, tmp_path: Path, model_cache: Path) -> Settings:
    """Settings aimed at the stand-in; the command-registration state lands in tmp_path.
    The cooldown is out of the way unless a test lowers it."""
    return Settings(
        knowledge_dir=KNOWLEDGE_DIR, api_base=stub.api_base, gateway_url=stub.gateway_url,
        database_path=tmp_path / "bot.sqlite3", cache_dir=model_cache, cooldown_rate=1000, cooldown_seconds=60.0,
        knowledge_poll_seconds=0,  # others may edit the shipped knowledge meanwhile; reload tests use copies
    )


@contextlib.asynccontextmanager
async def serving(stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase) -> AsyncIterator[AssessmentBot]:
    """The project's bot, connected to the stand-in and ready, closed on exit."""
    bot = create_bot(settings, knowledge, guild_ready_timeout=0.05)
    async with running(bot, stub, timeout=WAIT) as ready:
        await ready.model_ready()  # answers must not depend on how soon the contextual model is ready
        yield ready


@pytest_asyncio.fixture
async def bot(stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase) -> AsyncIterator[AssessmentBot]:
    async with serving(stub, settings, knowledge) as ready:
        yield ready


async def interact(stub: DiscordStub, event: payloads.Payload) -> RecordedRequest:
    """Dispatch an INTERACTION_CREATE and return the bot's callback to that interaction."""
    await stub.dispatch("INTERACTION_CREATE", event, timeout=WAIT)
    return await stub.wait_for_request(
        "POST", f"/interactions/{event['id']}/{event['token']}/callback", timeout=WAIT)


def replying_to(message_id: str) -> Callable[[RecordedRequest], bool]:
    return lambda request: str(((request.body or {}).get("message_reference") or {}).get("message_id")) == message_id


async def reply_to(stub: DiscordStub, event: payloads.Payload) -> RecordedRequest:
    """Dispatch a MESSAGE_CREATE and return the bot's reply to it (a message referencing it)."""
    await stub.dispatch("MESSAGE_CREATE", event, timeout=WAIT)
    return await stub.wait_for_request("POST", MESSAGES, where=replying_to(event["id"]), timeout=WAIT)


async def until(condition: Callable[[], bool], what: str) -> None:
    """Wait (up to WAIT seconds) for `condition`, for effects that follow a request's answer."""
    async with asyncio.timeout(WAIT):
        while not condition():
            await asyncio.sleep(0.01)
    assert condition(), what


def messages_sent(stub: DiscordStub, since: int) -> list[RecordedRequest]:
    return [r for r in stub.requests[since:] if r.matches("POST", MESSAGES)]


def the_embed(body: dict[str, Any]) -> dict[str, Any]:
    [embed] = body["embeds"]
    return embed


def buttons(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [item for row in body.get("components") or [] for item in row["components"]]


def assert_author_answer(embed: dict[str, Any], title: str = ANSWERED) -> None:
    """The answer card for ANSWERED, as the reader sees it: the question, the answer, the quote, the byline."""
    assert embed["title"] == title
    assert embed["description"] == AUTHOR_ANSWER
    assert [(f["name"], f["value"]) for f in embed["fields"]] == [("From the article", AUTHOR_QUOTE)]
    assert embed["footer"]["text"] == BYLINE


def assert_answer(embed: dict[str, Any], knowledge: KnowledgeBase, title: str | None = None) -> None:
    """An answer card: the entry's answer, a quote from its article, the article's byline."""
    entry = next((e for e in knowledge.entries if e.answer == embed["description"]), None)
    assert entry is not None, f"not an answer from the knowledge base: {embed}"
    if title is not None:
        assert embed["title"] == title
    [quote] = [f for f in embed["fields"] if f["name"] == "From the article"]
    assert quote["value"].startswith("> ") and entry.sources[0][:40] in quote["value"]
    article = knowledge.assessment(entry.assessment_id)
    assert article.title in embed["footer"]["text"] and article.author in embed["footer"]["text"]


def assert_pings_nobody(body: dict[str, Any]) -> None:
    mentions = body["allowed_mentions"]
    assert mentions["parse"] == [] and "users" not in mentions and "roles" not in mentions, mentions
    assert not mentions.get("replied_user", False), mentions


def many_events(knowledge: KnowledgeBase, copies: int = 3) -> KnowledgeBase:
    """The shipped knowledge base with its timeline repeated (fresh event ids): several pages."""
    assessments = tuple(
        dataclasses.replace(a, timeline=tuple(
            dataclasses.replace(e, id=f"{e.id}-{n}") for n in range(copies) for e in a.timeline))
        for a in knowledge.assessments
    )
    return dataclasses.replace(knowledge, assessments=assessments)




Event = tuple[str, dict[str, Any], payloads.Payload]  # (gateway event, the user asking, its data)


def burst_of_questions(stub: DiscordStub, knowledge: KnowledgeBase, users: int, channels: int,
                       questions: int) -> tuple[list[dict[str, Any]], list[Event]]:
    """`questions` questions from `users` new members in `channels` channels (added to the stand-in's
    guild), each user in turn; by rounds of `users`, slash commands and mentions alternate."""
    members = [payloads.user(payloads.snowflake(), f"user{n}") for n in range(users)]
    stub.guild["members"] += [payloads.member(u, []) for u in members]
    rooms = [WORLD.general_channel_id] + [payloads.snowflake() for _ in range(channels - 1)]
    stub.guild["channels"] += [payloads.text_channel(c, f"room-{n}", WORLD.guild_id, parent_id=WORLD.category_id)
                               for n, c in enumerate(rooms[1:])]
    asked = [ANSWERED, DECLINED, *(e.questions[0] for e in knowledge.entries[:8])]
    events: list[Event] = []
    for n in range(questions):
        user, channel, question = members[n % users], rooms[n % channels], asked[n % len(asked)]
        if (n // users) % 2 == 0:
            events.append(("INTERACTION_CREATE", user, payloads.slash_command(
                WORLD, "ask", {"question": question}, invoker=user, channel_id=channel, guild_state=stub.guild)))
        else:
            message = payloads.guild_message(WORLD, f"<@{WORLD.bot_id}> {question}", channel_id=channel, author=user)
            message["mentions"] = [payloads.bot_user_public(WORLD)]
            events.append(("MESSAGE_CREATE", user, message))
    return members, events


def outcomes(stub: DiscordStub, events: list[Event]) -> list[tuple[str, str]]:
    """(user id, "answered", "rate-limited" or "rate-limited by DM") for every response to the questions,
    as seen on the wire; a rate-limited mention gets at most one DM per user per cooldown window."""
    found: list[tuple[str, str]] = []
    replies = {str(r.body["message_reference"]["message_id"]): r for r in stub.requests_to("POST", MESSAGES)
               if r.status == 200 and (r.body or {}).get("message_reference")}
    for event, user, data in events:
        if event == "INTERACTION_CREATE":
            record = stub.rest.interactions[data["id"]]
            if record.response_type == CHANNEL_MESSAGE:
                message = stub.rest.messages[record.original_id]
                found.append((user["id"], "rate-limited" if message["flags"] & EPHEMERAL else "answered"))
        elif data["id"] in replies:
            found.append((user["id"], "answered"))
    dm_owner = {c["id"]: c["recipients"][0]["id"] for c in stub.rest.dm_channels.values()}
    for request in stub.requests_to("POST", MESSAGES):
        channel_id = request.route.split("/")[2]
        if channel_id in dm_owner and request.status == 200 and "wait" in ((request.body or {}).get("content") or ""):
            found.append((dm_owner[channel_id], "rate-limited by DM"))
    return found


def write_extra_assessment(directory: Path, entries: int) -> Path:
    """One more assessment of `entries` made-up entries (6 phrasings each), quoting its own source text."""
    rng = random.Random(7)
    words = ["".join(rng.choice("bcdfghklmnprstvz") + rng.choice("aeiou") for _ in range(rng.randint(2, 4)))
             for _ in range(3000)]
    sentences = [" ".join(rng.choices(words, k=12)) + "." for _ in range(entries)]
    (directory / "sources" / "extra.txt").write_text(" ".join(sentences), encoding="utf-8")
    document = {
        "assessment": {"id": "extra", "title": "Extra", "author": "A. Writer", "publisher": "Tests",
                       "published": {"date": "2025-06-01", "precision": "day"}, "source": "sources/extra.txt"},
        "entries": [{"id": f"extra-{n}", "questions": [" ".join(rng.choices(words, k=6)) + "?" for _ in range(6)],
                     "answer": " ".join(rng.choices(words, k=30)) + ".", "sources": [sentence], "tags": ["made-up"]}
                    for n, sentence in enumerate(sentences)],
        "timeline": [],
    }
    path = directory / "extra.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")
    return path
