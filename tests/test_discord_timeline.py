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
from bot.discord.replies import NO_SUCH_ASSESSMENT
from bot.discord.views import TimelineOpenButton, TimelinePageButton
from bot.knowledge import KnowledgeBase
from bot.render import CUSTOM_ID_LIMIT, EMBED_TOTAL_LIMIT, FIELD_VALUE_LIMIT
from tests.discord_helpers import (
    AUTOCOMPLETE_RESULT, CHANNEL_MESSAGE, EPHEMERAL, UPDATE_MESSAGE, WORLD, bounded, buttons, interact, many_events, serving,
    the_embed,
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


# -- the series (the shipped assessment and the fixture's made-up no. 2) ----------------------------------

FIRST, SECOND = "herbst-2025-05", "fixture-2025-06"
SHARED = "event-direct-talks-results"  # the one event both assessments report


@bounded
async def test_timeline_of_the_series_marks_each_phase_and_shows_a_shared_event_once_with_both_sources(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge):
        command = payloads.slash_command(WORLD, "timeline")
        callback = await interact(stub, command)
        assert callback.status == 200 and not callback.errors
        embed = the_embed(callback.body["data"])
        assert embed["title"] == "Timeline: Feb 28 – Jun 20, 2025"
        assert [f["name"].rsplit(" · ", 1)[1] for f in embed["fields"]] == ["No. 1"] * 5 + ["No. 2"] * 2
        assert embed_chars(embed) <= EMBED_TOTAL_LIMIT and list(callback.uploads) == ["timeline.png"]
        assert callback.body["data"]["attachments"][0]["description"].startswith("Timeline picture, Feb 28 – Jun 20, 2025")

        # "All events", page by page: the event both report once, marked with both; no. 2's own last.
        summary = stub.rest.messages[stub.interaction(command["id"]).original_id]
        [all_events] = [b for b in buttons(callback.body["data"]) if b["label"] == "All events"]
        assert all_events["custom_id"] == "timeline-open:"
        press = payloads.button_press(WORLD, all_events["custom_id"], message_data=summary)
        pages = [(await interact(stub, press)).body["data"]]
        listing = stub.rest.messages[stub.interaction(press["id"]).original_id]
        while not buttons(pages[-1])[1]["disabled"]:
            pages.append((await interact(stub, payloads.button_press(WORLD, buttons(pages[-1])[1]["custom_id"], message_data=listing))).body["data"])
        lines = [line for page in pages for line in the_embed(page)["description"].splitlines()]
        assert len(lines) == len(series_knowledge.timeline) == 24
        assert [line for line in lines if "first direct Russia-Ukraine talks" in line] == [
            "**around May 16, 2025** (“in May”): Results came in from the first direct Russia-Ukraine talks, as the first"
            " assessment reported. · *Nos. 1 and 2*"]
        assert lines[-1].endswith("Geneva. · *No. 2*") and lines[0].endswith(" · *No. 1*")
        assert the_embed(pages[-1])["footer"]["text"].endswith(
            "Dates worked out from the articles (No. 1, John E. Herbst; No. 2, Mara Testwell)")

        # The event itself: quoted from each assessment, both named under it.
        card = the_embed((await interact(stub, payloads.slash_command(WORLD, "timeline", {"event": SHARED}))).body["data"])
        quotes = {f["name"]: f["value"] for f in card["fields"]}
        assert quotes["From assessment no. 1"] == "\n".join(f"> {q}" for q in series_knowledge.event(SHARED, FIRST).sources)
        assert quotes["From assessment no. 1"].startswith("> The results are now in from the first direct talks")
        assert quotes["From assessment no. 2"] == "> The results are now in from the first direct talks between Russia and Ukraine"
        assert card["footer"]["text"] == "Reported by assessments no. 1 (John E. Herbst) and no. 2 (Mara Testwell)"


@bounded
async def test_timeline_assessment_option_keeps_the_summary_picture_and_buttons_to_one_assessment(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge):
        command = payloads.slash_command(WORLD, "timeline", {"assessment": SECOND})  # the choice's value: its id
        callback = await interact(stub, command)
        assert callback.status == 200 and not callback.errors
        data = callback.body["data"]
        embed = the_embed(data)
        assert embed["title"] == "Timeline of assessment no. 2: May 16 – Jun 20, 2025"
        assert embed["description"] == "2 events in 2 phases." and len(embed["fields"]) == 2
        assert data["attachments"][0]["description"].startswith("Timeline picture of assessment no. 2, May 16 – Jun 20, 2025: 2 events")
        assert Image.open(io.BytesIO(callback.uploads["timeline.png"])).width == 1000
        shown = buttons(data)
        assert [(b["label"], b["custom_id"]) for b in shown] == [
            ("All events", "timeline-open.2:"), ("Russia", "timeline-open.2:Russia"), ("Ukraine", "timeline-open.2:Ukraine")]
        message = stub.rest.messages[stub.interaction(command["id"]).original_id]
        assert component_errors("MessageResponse", message) == []

        opened = the_embed((await interact(stub, payloads.button_press(WORLD, shown[0]["custom_id"], message_data=message))).body["data"])
        assert opened["title"] == "Timeline of assessment no. 2"
        assert opened["description"].splitlines() == [
            "**around May 16, 2025** (“in May”): Results came in from the first direct Russia-Ukraine talks, as the first"
            " assessment reported. · *Nos. 1 and 2*",
            "**Jun 10, 2025** (“June 10”): A made-up second round of talks took place in Geneva.",
        ]

        # The actor filter and `event:` within the first assessment, chosen by what a person types.
        europe = the_embed((await interact(stub, payloads.slash_command(WORLD, "timeline", {"actor": "Europe", "assessment": "first"}))).body["data"])
        assert europe["title"] == "Timeline of assessment no. 1: Europe" and europe["description"].count("\n") + 1 == 4
        own = the_embed((await interact(stub, payloads.slash_command(WORLD, "timeline", {"event": SHARED, "assessment": "1"}))).body["data"])
        assert own["description"] == series_knowledge.event(SHARED, FIRST).event and "since Bucha and Irpin" in own["description"]
        elsewhere = await interact(stub, payloads.slash_command(WORLD, "timeline", {"event": "event-geneva-round", "assessment": "1"}))
        assert elsewhere.body["data"]["flags"] & EPHEMERAL
        assert elsewhere.body["data"]["content"].startswith("Assessment no. 1 does not report that event")
        unknown = await interact(stub, payloads.slash_command(WORLD, "timeline", {"assessment": "no. 9"}))
        assert unknown.body["data"]["content"] == NO_SUCH_ASSESSMENT and unknown.body["data"]["flags"] & EPHEMERAL


@bounded
async def test_timeline_autocomplete_offers_assessments_and_keeps_actors_and_events_to_the_one_chosen(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge):
        offered = await interact(stub, payloads.autocomplete(WORLD, "timeline", "assessment", "jun"))
        assert offered.body["type"] == AUTOCOMPLETE_RESULT and not offered.errors
        assert offered.body["data"]["choices"][0] == {
            "name": "No. 2 · 2025-06-20 · Assessment no. 2 (a test fixture): a made-up second round of talks", "value": SECOND}
        events = await interact(stub, payloads.autocomplete(WORLD, "timeline", "event", "", others={"assessment": SECOND}))
        assert [c["value"] for c in events.body["data"]["choices"]] == [SHARED, "event-geneva-round"]
        actors = await interact(stub, payloads.autocomplete(WORLD, "timeline", "actor", "", others={"assessment": SECOND}))
        assert [c["value"] for c in actors.body["data"]["choices"]] == ["Russia", "Ukraine"]
        every = await interact(stub, payloads.autocomplete(WORLD, "timeline", "actor", ""))
        assert [c["value"] for c in every.body["data"]["choices"]] == list(series_knowledge.actors)


@bounded
async def test_timeline_buttons_of_one_assessment_work_after_a_restart(
    stub: DiscordStub, settings: Settings, series_knowledge: KnowledgeBase,
) -> None:
    async with serving(stub, settings, series_knowledge):
        # Only the custom id is left of a message sent before the restart.
        second_page = TimelinePageButton(1, "", number=1)
        assert second_page.custom_id == "timeline.1:1:" and len(TimelineOpenButton("A" * 40, number=99999).custom_id) <= CUSTOM_ID_LIMIT
        turned = await interact(stub, payloads.button_press(WORLD, second_page.custom_id))
        assert turned.body["type"] == UPDATE_MESSAGE
        page = the_embed(turned.body["data"])
        assert page["title"] == "Timeline of assessment no. 1" and page["footer"]["text"].startswith("Page 2 of 2 · ")
        assert [b["custom_id"] for b in buttons(turned.body["data"])] == ["timeline.1:0:", "timeline.1:1:"]
        russia = the_embed((await interact(stub, payloads.button_press(WORLD, "timeline-open.2:Russia"))).body["data"])
        assert russia["title"] == "Timeline of assessment no. 2: Russia" and russia["description"].count("\n") == 1
        gone = await interact(stub, payloads.button_press(WORLD, "timeline-open.7:"))
        assert gone.body["data"]["content"] == "That assessment is no longer in the knowledge base; try /timeline again."
