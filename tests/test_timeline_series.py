"""The timeline of a series (the shipped assessment and the fixture's made-up no. 2, added as README.md says):
the summary and the picture cover both, each phase marked with its assessment; an event both report
appears once with both as its sources; `timeline --assessment` keeps to one; with one assessment, the
output is what it always was."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import yaml
from PIL import ImageChops

from bot.discord.embeds import card_to_embed
from bot.knowledge import KnowledgeBase
from bot.render import render_timeline, render_timeline_summary
from bot.timeline_picture import DESCRIPTION_LIMIT, LINE, WIDTH, timeline_picture
from tests.conftest import NEXT_ASSESSMENT
from tests.discord_stub.spec import component_errors, documented_limit_errors, find_operation
from tests.test_cli import run_cli
from tests.test_discord_timeline import PHASE_FIELDS
from tests.test_series import FIRST, SECOND
from tests.test_timeline_picture import PNG_BUDGET, assert_not_blank, decoded

SHARED = "event-direct-talks-results"  # the one event both assessments report
BOTH = "the articles (No. 1, John E. Herbst; No. 2, Mara Testwell)"


@pytest.fixture(scope="module")
def fixture_phases() -> list[dict]:
    """The fixture's phases as its YAML file writes them."""
    return yaml.safe_load(NEXT_ASSESSMENT.read_text(encoding="utf-8"))["phases"]


def test_the_merged_summary_marks_each_phase_with_its_assessment_within_discords_limits(
    series_knowledge: KnowledgeBase, fixture_phases: list[dict],
) -> None:
    card = render_timeline_summary(series_knowledge, image="timeline.png")
    embed = card_to_embed(card).to_dict()
    assert component_errors("RichEmbed", embed) == []
    assert documented_limit_errors(find_operation("POST", "/interactions/1/token/callback"), {"data": {"embeds": [embed]}}) == []
    assert embed["title"] == "Timeline: Feb 28 – Jun 20, 2025"
    assert embed["description"].startswith("23 events in 7 phases.")
    assert [f["name"] for f in embed["fields"]] == [f"{name} · No. 1" for name in PHASE_FIELDS] + [
        f"6. May 16 – Jun 9 · {fixture_phases[0]['title']} · No. 2",
        f"7. Jun 10 – Jun 20 · {fixture_phases[1]['title']} · No. 2",
    ]
    assert [f["value"] for f in embed["fields"][5:]] == [" ".join(p["summary"].split()) for p in fixture_phases]
    assert embed["footer"]["text"] == f"Phases and dates worked out from {BOTH}"


def test_one_assessment_of_the_series_is_named_and_its_phases_need_no_mark(
    series_knowledge: KnowledgeBase, fixture_phases: list[dict],
) -> None:
    second = render_timeline_summary(series_knowledge, SECOND)
    assert second.title == "Timeline of assessment no. 2: May 16 – Jun 20, 2025"
    assert [name for name, _ in second.fields] == [
        f"1. May 16 – Jun 9 · {fixture_phases[0]['title']}", f"2. Jun 10 – Jun 20 · {fixture_phases[1]['title']}"]
    assert second.footer == "Phases and dates worked out from the article (No. 2, Mara Testwell)"
    first = render_timeline_summary(series_knowledge, FIRST)
    assert first.title == "Timeline of assessment no. 1: Feb 28 – May 16, 2025"
    assert [name for name, _ in first.fields] == PHASE_FIELDS


def test_the_merged_picture_decodes_at_the_expected_size_and_shows_both_assessments(
    series_knowledge: KnowledgeBase, knowledge: KnowledgeBase, fixture_phases: list[dict],
) -> None:
    picture = timeline_picture(series_knowledge)
    assert picture is not None and len(picture.png) <= PNG_BUDGET
    image = decoded(picture.png)
    one = decoded(timeline_picture(knowledge).png)
    # As wide as ever; taller than the first assessment's alone by at least the key's two more lines (a
    # longer axis packs May's dots closer, into more sub-rows), and still bounded.
    assert image.size == (picture.width, picture.height) and image.width == WIDTH
    assert one.height + 2 * LINE <= image.height <= 1000, (image.size, one.size)
    assert_not_blank(image, series_knowledge)
    assert len(picture.description) <= DESCRIPTION_LIMIT
    assert picture.description.startswith("Timeline picture, Feb 28 – Jun 20, 2025: 23 events as dots")
    assert "1 After the Oval Office: cease-fire proposals (Feb 28 – Mar 24, No. 1)" in picture.description
    assert f"7 {fixture_phases[1]['title']} (Jun 10 – Jun 20, No. 2)" in picture.description
    # The second assessment alone: its own two phases and two events, its number in the heading.
    alone = timeline_picture(series_knowledge, SECOND)
    assert alone is not None and decoded(alone.png).width == WIDTH
    assert alone.description.startswith("Timeline picture of assessment no. 2, May 16 – Jun 20, 2025: 2 events")
    assert alone.png != picture.png


def test_the_pictures_key_marks_each_phase_with_its_assessment(series_knowledge: KnowledgeBase, knowledge: KnowledgeBase) -> None:
    # A series whose second assessment adds no event and no phase: the same picture as the first's alone,
    # but for the key, whose lines now say "No. 1" between each phase's dates and title.
    silent = dataclasses.replace(series_knowledge.assessment(SECOND), timeline=(), phases=())
    series = dataclasses.replace(knowledge, assessments=(*knowledge.assessments, silent))
    alone, marked = decoded(timeline_picture(knowledge).png), decoded(timeline_picture(series).png)
    assert marked.size == alone.size
    changed = ImageChops.difference(alone, marked).getbbox()
    assert changed is not None, "the key does not name the phases' assessment"
    left, top, _right, _bottom = changed
    assert top >= alone.height - 5 * LINE - 60 and left > 200, changed  # in the key's five lines, after the dates


def test_the_paged_list_shows_an_event_both_report_once_with_both_as_its_sources(series_knowledge: KnowledgeBase) -> None:
    text = "\n".join(page.description for page in render_timeline(series_knowledge))
    [shared] = [line for line in text.splitlines() if "first direct Russia-Ukraine talks" in line]
    assert shared.endswith(" · *Nos. 1 and 2*")
    assert text.splitlines()[-1].endswith("A made-up second round of talks took place in Geneva. · *No. 2*")
    assert len(text.splitlines()) == len(series_knowledge.timeline) == 24
    # The first assessment alone: in its own words, only the event the other reports too is marked.
    first = render_timeline(series_knowledge, assessment_id=FIRST)
    lines = "\n".join(page.description for page in first).splitlines()
    [marked] = [line for line in lines if "*" in line.replace("**", "")]
    assert "since Bucha and Irpin" in marked and marked.endswith(" · *Nos. 1 and 2*")
    assert first[0].title == "Timeline of assessment no. 1"
    assert first[0].footer.endswith("Dates worked out from the article (No. 1, John E. Herbst)")


# -- the command line -------------------------------------------------------------------------------------

def test_timeline_json_gives_each_event_once_with_every_assessment_reporting_it(series_copy: Path) -> None:
    proc = run_cli("timeline", "--json", env={"KNOWLEDGE_DIR": str(series_copy)})
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    [shared] = [r for r in rows if r["id"] == SHARED]
    assert shared["reported_by"] == [FIRST, SECOND] and shared["assessment"] == SECOND
    assert all(r["reported_by"] == [r["assessment"]] for r in rows if r["id"] != SHARED)


def test_timeline_assessment_keeps_every_output_to_one_assessment(series_copy: Path, tmp_path: Path) -> None:
    env = {"KNOWLEDGE_DIR": str(series_copy)}
    rows = json.loads(run_cli("timeline", "--json", "--assessment", "2", env=env).stdout)
    assert [r["id"] for r in rows] == [SHARED, "event-geneva-round"]
    assert rows[0]["reported_by"] == [FIRST, SECOND]  # shown in no. 2's words, still reported by both
    first = json.loads(run_cli("timeline", "--json", "--assessment", FIRST, env=env).stdout)
    [own] = [r for r in first if r["id"] == SHARED]
    assert own["assessment"] == FIRST and "since Bucha and Irpin" in own["event"] and len(first) == 23

    russia = run_cli("timeline", "--actor", "russia", "--assessment", "june", env=env)
    assert russia.returncode == 0, russia.stderr
    assert russia.stdout.splitlines()[0] == "around May 16, 2025 · “in May” · Nos. 1 and 2"
    assert russia.stdout.count("\n    ") == 2
    europe = run_cli("timeline", "--actor", "Europe", "--assessment", "2", env=env)
    assert europe.returncode == 1 and "Actors in assessment no. 2's timeline: Russia, Ukraine." in europe.stderr

    summary = run_cli("timeline", "--summary", "--assessment", "latest", env=env)
    assert summary.returncode == 0, summary.stderr
    assert summary.stdout.splitlines()[0] == "Timeline of assessment no. 2: May 16 – Jun 20, 2025"
    assert "No. 1" not in summary.stdout
    picture = tmp_path / "second.png"
    drawn = run_cli("timeline", "--png", str(picture), "--assessment", "2", env=env)
    assert drawn.returncode == 0, drawn.stderr
    assert decoded(picture.read_bytes()).width == WIDTH

    unknown = run_cli("timeline", "--summary", "--assessment", "no. 9", env=env)
    assert unknown.returncode == 2 and "No assessment matches 'no. 9'. The series:\nNo. 1 · " in unknown.stderr


def test_with_one_assessment_naming_it_changes_nothing() -> None:
    assert run_cli("timeline", "--summary", "--assessment", "1").stdout == run_cli("timeline", "--summary").stdout
    listed = run_cli("timeline", "--actor", "europe", "--assessment", "latest")
    assert listed.returncode == 0 and listed.stdout == run_cli("timeline", "--actor", "europe").stdout
    assert " · No. " not in listed.stdout
