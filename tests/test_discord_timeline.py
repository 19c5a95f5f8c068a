"""/timeline with no options, at the wire: the summary embed with its picture attached and shown inside it,
and the buttons under it (every event, or one actor's, opened privately and paged in place).

The stand-in checks every request body against Discord's OpenAPI spec (for the multipart upload, its
payload_json); these tests check what the spec cannot: that the picture the embed names was uploaded,
that it is a real picture, and what a person sees.
"""

from __future__ import annotations

import dataclasses
import io
import re

from PIL import Image

from bot.config import Settings
from bot.discord.client import AssessmentBot
from bot.discord.views import TimelineOpenButton
from bot.knowledge import KnowledgeBase
from bot.render import CUSTOM_ID_LIMIT, EMBED_TOTAL_LIMIT, FIELD_VALUE_LIMIT
from tests.discord_helpers import (
    CHANNEL_MESSAGE, EPHEMERAL, UPDATE_MESSAGE, WORLD, bounded, buttons, interact, many_events, serving, the_embed,
)
from tests.discord_stub import DiscordStub, payloads
from tests.discord_stub.spec import component_errors

# The phases as knowledge/herbst-2025-05.yaml writes them: what the summary's fields must show.
PHASE_FIELDS = [
    "1. Feb 28 – Mar 24 · After the Oval Office: cease-fire proposals",
    "2. Mar 25 – Apr 29 · Naval cease-fire refused; US offers to Moscow",
    "3. Apr 30 – May 9 · Minerals deal and weapons shipments",
    "4. May 10 – May 12 · European deadline and Putin's Istanbul proposal",
    "5. May 13 – May 16 · Putin stays away; first direct talks in three years",
]


def embed_chars(embed: dict) -> int:
    return (len(embed.get("title") or "") + len(embed.get("description") or "") + len((embed.get("footer") or {}).get("text") or "")
            + sum(len(f["name"]) + len(f["value"]) for f in embed.get("fields") or []))


@bounded
async def test_timeline_answers_with_the_summary_and_its_picture_inside_the_embed(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    command = payloads.slash_command(WORLD, "timeline")
    callback = await interact(stub, command)
    assert callback.status == 200 and not callback.errors  # Discord's spec accepts the multipart body
    body = callback.body
    assert body["type"] == CHANNEL_MESSAGE
    data = body["data"]
    assert not data.get("flags", 0) & EPHEMERAL  # in the channel, for everyone

    embed = the_embed(data)
    assert embed["title"] == "Timeline: Feb 28 – May 16, 2025"
    assert embed["description"].startswith("22 events in 5 phases.\nBefore them: 2022, Russian atrocities")
    assert [f["name"] for f in embed["fields"]] == PHASE_FIELDS
    assert [f["value"] for f in embed["fields"]] == [p.summary for p in knowledge.phases]
    assert all(len(f["value"]) <= FIELD_VALUE_LIMIT for f in embed["fields"]) and embed_chars(embed) <= EMBED_TOTAL_LIMIT

    # The picture: uploaded as the message's one attachment, with alt text, and named by the embed.
    [attachment] = data["attachments"]
    assert embed["image"]["url"] == f"attachment://{attachment['filename']}"
    assert list(callback.uploads) == [attachment["filename"]] == ["timeline.png"]
    assert attachment["description"].startswith("Timeline picture, Feb 28 – May 16, 2025: 22 events")
    assert len(attachment["description"]) <= 1024
    picture = Image.open(io.BytesIO(callback.uploads["timeline.png"]))
    assert picture.format == "PNG" and picture.width == 1000 and 500 <= picture.height <= 750
    assert len(callback.uploads["timeline.png"]) <= 500 * 1024

    # What the channel shows: the message holds the embed and the picture as an attachment.
    message = stub.rest.messages[stub.interaction(command["id"]).original_id]
    assert [a["filename"] for a in message["attachments"]] == ["timeline.png"]
    assert message["embeds"][0]["image"]["url"] == "attachment://timeline.png"
    assert component_errors("MessageResponse", message) == []


@bounded
async def test_timeline_summary_buttons_are_all_events_then_each_actor_in_the_pictures_colours(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    callback = await interact(stub, payloads.slash_command(WORLD, "timeline"))
    shown = buttons(callback.body["data"])
    assert [(b["label"], (b.get("emoji") or {}).get("name")) for b in shown] == [
        ("All events", None), ("Europe", "🟦"), ("Ukraine", "🟩"), ("United States", "🟪"), ("Russia", "🟥")]
    assert shown[0]["style"] == 1 and all(b["style"] == 2 for b in shown[1:])  # "All events" stands out
    assert all(len(b["custom_id"]) <= CUSTOM_ID_LIMIT for b in shown)


@bounded
async def test_all_events_opens_every_event_privately_and_pages_in_place(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, many_events(knowledge)):  # every event three times: several pages
        command = payloads.slash_command(WORLD, "timeline")
        summary = await interact(stub, command)
        summary_message = stub.rest.messages[stub.interaction(command["id"]).original_id]
        [all_events] = [b for b in buttons(summary.body["data"]) if b["label"] == "All events"]
        press = payloads.button_press(WORLD, all_events["custom_id"], message_data=summary_message)
        opened = await interact(stub, press)
        assert opened.body["type"] == CHANNEL_MESSAGE and opened.body["data"]["flags"] & EPHEMERAL
        page = the_embed(opened.body["data"])
        assert page["title"] == "Timeline"
        assert page["description"].startswith("**2022** (“three years ago”): Russian atrocities")
        assert re.fullmatch(r"Page 1 of \d+ · Dates worked out from the article \(John E\. Herbst\)", page["footer"]["text"])
        previous, following = buttons(opened.body["data"])
        assert previous["disabled"] and following["label"] == "Next ▶"

        listing = stub.rest.messages[stub.interaction(press["id"]).original_id]
        turned = await interact(stub, payloads.button_press(WORLD, following["custom_id"], message_data=listing))
        assert turned.body["type"] == UPDATE_MESSAGE
        assert the_embed(turned.body["data"])["footer"]["text"].startswith("Page 2 of ")
    assert summary_message["embeds"][0]["title"].startswith("Timeline: ")  # the summary itself is left as it was


@bounded
async def test_an_actor_button_opens_that_actors_events_privately(
    stub: DiscordStub, bot: AssessmentBot, knowledge: KnowledgeBase,
) -> None:
    summary = await interact(stub, payloads.slash_command(WORLD, "timeline"))
    [europe] = [b for b in buttons(summary.body["data"]) if b["label"] == "Europe"]
    opened = await interact(stub, payloads.button_press(WORLD, europe["custom_id"]))
    data = opened.body["data"]
    assert data["flags"] & EPHEMERAL
    embed = the_embed(data)
    assert embed["title"] == "Timeline: Europe"
    theirs = [e for e in knowledge.timeline if "Europe" in e.actors]
    assert embed["description"].count("\n") + 1 == len(theirs) == 4
    assert all(e.event in embed["description"] for e in theirs)


@bounded
async def test_summary_buttons_work_after_a_restart_and_say_when_an_actor_is_gone(stub: DiscordStub, bot: AssessmentBot) -> None:
    # A button of a message sent before a restart reaches a bot that never sent it: its custom id is all it has.
    opened = await interact(stub, payloads.button_press(WORLD, TimelineOpenButton("russia").custom_id))
    assert the_embed(opened.body["data"])["title"] == "Timeline: Russia"
    gone = await interact(stub, payloads.button_press(WORLD, TimelineOpenButton("Atlantis").custom_id))
    data = gone.body["data"]
    assert data["flags"] & EPHEMERAL and data["content"] == "That actor is no longer in the timeline; try /timeline again."


@bounded
async def test_timeline_without_phases_or_a_picture_still_answers(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    bare = dataclasses.replace(knowledge, assessments=tuple(dataclasses.replace(a, phases=()) for a in knowledge.assessments))
    async with serving(stub, settings, bare):
        callback = await interact(stub, payloads.slash_command(WORLD, "timeline"))
    embed = the_embed(callback.body["data"])
    assert embed["title"] == "Timeline: 2022 – May 16, 2025"
    assert embed["description"].startswith("23 events; the assessment does not group them into phases yet.")
    assert "fields" not in embed or not embed["fields"]
    assert callback.uploads and embed["image"]["url"] == "attachment://timeline.png"


@bounded
async def test_timeline_with_no_events_says_so_without_a_picture_or_buttons(
    stub: DiscordStub, settings: Settings, knowledge: KnowledgeBase,
) -> None:
    empty = dataclasses.replace(knowledge, assessments=tuple(
        dataclasses.replace(a, timeline=(), phases=()) for a in knowledge.assessments))
    async with serving(stub, settings, empty):
        callback = await interact(stub, payloads.slash_command(WORLD, "timeline"))
    data = callback.body["data"]
    assert the_embed(data)["description"] == "The timeline has no events yet."
    assert not callback.uploads and not data.get("attachments") and not data.get("components")
