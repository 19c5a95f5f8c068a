"""The timeline summary and its picture, from the knowledge files on disk: the picture is a real PNG of the
expected size that shows something (each actor's colour, the phases' bands, text), the summary fits
Discord's limits by the spec's own schema, and both come from the phases as the YAML writes them."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
from pathlib import Path

import pytest
from PIL import Image

from bot.chronology import swatches
from bot.discord.embeds import card_to_embed
from bot.knowledge import KnowledgeBase, Phase, load_knowledge
from bot.knowledge.phases import SUMMARY_MAX, TITLE_MAX
from bot.render import render_timeline_summary
from bot.timeline_picture import DESCRIPTION_LIMIT, WIDTH, timeline_picture
from tests.conftest import ASSESSMENT_FILE
from tests.discord_stub.spec import component_errors, documented_limit_errors, find_operation
from tests.test_knowledge import replace_once

PNG_BUDGET = 500 * 1024


def decoded(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()  # decodes every pixel: a truncated or corrupt file fails here
    return image.convert("RGB")


def test_the_picture_is_a_png_of_the_expected_size_within_budget(knowledge: KnowledgeBase) -> None:
    picture = timeline_picture(knowledge)
    assert picture is not None and picture.filename == "timeline.png"
    image = decoded(picture.png)
    assert Image.open(io.BytesIO(picture.png)).format == "PNG"
    assert image.size == (picture.width, picture.height) and picture.width == WIDTH
    # Landscape, so that Discord shows it at full width (its previews are at most about 550 x 350).
    assert 1.35 <= image.width / image.height <= 2.0, image.size
    assert len(picture.png) <= PNG_BUDGET


def test_the_picture_shows_each_actors_colour_the_bands_and_text(knowledge: KnowledgeBase) -> None:
    assert_not_blank(decoded(timeline_picture(knowledge).png), knowledge)


def assert_not_blank(image: Image.Image, knowledge: KnowledgeBase) -> None:
    """The picture shows something: every actor's colour, text, a light card filled top to bottom."""
    colours = image.getcolors(maxcolors=1 << 16)
    assert colours is not None
    counts = {rgb: n for n, rgb in colours}
    assert len(counts) > 50  # text is anti-aliased: far more than a flat drawing's handful of colours
    card = max(counts, key=counts.get)
    assert sum(card) > 3 * 235, card  # a light card, read the same on Discord's light and dark themes
    for actor, swatch in swatches(knowledge).items():
        assert counts.get(swatch.rgb, 0) >= 300, f"{actor}'s colour {swatch.rgb} barely appears"
    dark = sum(n for rgb, n in counts.items() if sum(rgb) < 3 * 80)
    assert dark > 5000  # dark text and phase numbers on the card
    # Inside the frame, most rows of pixels are not one flat colour: the drawing fills the card's height.
    inside = image.crop((2, 2, image.width - 2, image.height - 2))
    flat_rows = sum(1 for y in range(inside.height) if len(inside.crop((0, y, inside.width, y + 1)).getcolors(1 << 16)) == 1)
    assert flat_rows < inside.height / 2, f"{flat_rows} of {inside.height} rows are blank"


def test_the_alt_text_says_what_the_picture_shows(knowledge: KnowledgeBase) -> None:
    description = timeline_picture(knowledge).description
    assert len(description) <= DESCRIPTION_LIMIT
    assert description.startswith("Timeline picture, Feb 28 – May 16, 2025: 22 events as dots on a date axis")
    assert all(phase.title in description for phase in knowledge.phases)
    assert all(actor in description for actor in knowledge.actors)
    assert "The busiest week is May 10 – May 16, with 14 events." in description


def test_pictures_are_cached_by_content_and_redrawn_when_it_changes(knowledge: KnowledgeBase, knowledge_copy: Path) -> None:
    reloaded = load_knowledge(knowledge_copy)  # another object with the same timeline
    assert reloaded is not knowledge and timeline_picture(reloaded) is timeline_picture(knowledge)
    replace_once(knowledge_copy / ASSESSMENT_FILE, 'title: "Minerals deal and weapons shipments"', 'title: "Minerals deal"')
    changed = timeline_picture(load_knowledge(knowledge_copy))
    assert changed.png != timeline_picture(knowledge).png and "Minerals deal (Apr 30" in changed.description


def test_one_assessments_picture_and_summary_leave_the_others_out(knowledge: KnowledgeBase) -> None:
    assert timeline_picture(knowledge, "herbst-2025-05").png == timeline_picture(knowledge).png
    assert timeline_picture(knowledge, "no-such-assessment") is None
    assert render_timeline_summary(knowledge, "no-such-assessment").description == "The timeline has no events yet."


def longest_phases(knowledge: KnowledgeBase, count: int) -> KnowledgeBase:
    """The shipped knowledge with `count` one-week phases whose titles and summaries are as long as the
    validator allows, made of words as wide as the font draws them."""
    first = dt.date(2025, 2, 28)  # the first phase holds the Oval Office meeting: there is something to draw
    phases = tuple(
        Phase(id=f"phase-{n}", assessment_id="herbst-2025-05", title=("W" * 9 + " ") * (TITLE_MAX // 10),
              start=first + dt.timedelta(days=7 * n), end=first + dt.timedelta(days=7 * n + 6),
              summary=("Wwwwwwwww " * (SUMMARY_MAX // 10)).strip(), events=())
        for n in range(count)
    )
    assessments = tuple(dataclasses.replace(a, phases=phases) for a in knowledge.assessments)
    return dataclasses.replace(knowledge, assessments=assessments)


@pytest.mark.parametrize("count", [1, 6, 12])
def test_the_summary_fits_discords_embed_limits_however_long_the_phases(knowledge: KnowledgeBase, count: int) -> None:
    crowded = longest_phases(knowledge, count)
    embed = card_to_embed(render_timeline_summary(crowded, image="timeline.png")).to_dict()
    assert component_errors("RichEmbed", embed) == []  # lengths of title, description, fields, footer
    operation = find_operation("POST", "/interactions/1/token/callback")
    assert documented_limit_errors(operation, {"data": {"embeds": [embed]}}) == []  # 6,000 characters in all
    assert len(embed["fields"]) == count and embed["image"]["url"] == "attachment://timeline.png"
    picture = timeline_picture(crowded)
    assert picture is not None and len(picture.png) <= PNG_BUDGET and decoded(picture.png).width == WIDTH


def crowded_timeline(knowledge: KnowledgeBase, events: int, actors: int, phases: int) -> KnowledgeBase:
    """The shipped knowledge with `events` made-up events over ten years among `actors` actors, many on the
    same days, and `phases` back-to-back phases: far beyond what an assessment holds."""
    first = dt.date(2015, 1, 1)
    template = knowledge.timeline[1]
    made_up = tuple(
        dataclasses.replace(template, id=f"made-up-{n}", date=first + dt.timedelta(days=(n * 37) % 3650 // 50 * 50),
                            actors=tuple(f"Actor {(n + k) % actors}" for k in range(1 + n % 3)))
        for n in range(events)
    )
    length = 3650 // phases
    made_phases = tuple(
        Phase(id=f"phase-{n}", assessment_id=template.assessment_id, title=f"Phase number {n}",
              start=first + dt.timedelta(days=n * length), end=first + dt.timedelta(days=(n + 1) * length - 1),
              summary="A phase.", events=())
        for n in range(phases)
    )
    assessments = tuple(dataclasses.replace(a, timeline=made_up, phases=made_phases) for a in knowledge.assessments)
    return dataclasses.replace(knowledge, assessments=assessments)


def test_a_huge_timeline_still_gives_a_bounded_picture_and_summary(knowledge: KnowledgeBase) -> None:
    huge = crowded_timeline(knowledge, events=3000, actors=30, phases=40)
    picture = timeline_picture(huge)
    assert picture is not None and len(picture.png) <= PNG_BUDGET
    image = decoded(picture.png)
    assert image.width == WIDTH and image.height <= 1600  # eight actors' rows and twelve phases' names at most
    assert picture.description.startswith("Timeline picture, Jan 1, 2015 – ") and len(picture.description) <= DESCRIPTION_LIMIT
    embed = card_to_embed(render_timeline_summary(huge, image=picture.filename)).to_dict()
    assert component_errors("RichEmbed", embed) == [] and len(embed["fields"]) == 25  # Discord's most
