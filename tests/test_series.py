"""A series of assessments: the next one is a file drop (tests/fixtures/series/, a made-up assessment no. 2).

The fixture repeats the first assessment's general questions ("Who wrote the article?", "main argument")
under the same entry ids, and one of its timeline events. These tests add it to a copy of the shipped
knowledge as README.md, "Adding the next assessment", says (`add_next_assessment`), then check the
validator, which assessment answers, what the answer says of it, the merged timeline and the command line.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.conversation import Conversation, Reply
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matching import Engine
from bot.render import render_reply
from bot.series import SeriesReader
from tests.conftest import ASSESSMENT_FILE, NEXT_ASSESSMENT, add_next_assessment
from tests.test_cli import run_cli
from tests.test_conversation import ask_in_turn as in_turn
from tests.test_knowledge import line_of, problems_of, replace_once

FIRST, SECOND = "herbst-2025-05", "fixture-2025-06"
NEXT_FILE = NEXT_ASSESSMENT.name
# What a reader sees, word for word from the two files.
HERBST = "The article was written by John E. Herbst."
TESTWELL = "The fixture was written by Mara Testwell, a fictional analyst invented for the bot's tests."
TESTWELL_QUOTE = "> Mara Testwell is a fictional analyst invented for the bot's tests."
WHATS_NEW = "The fixture's made-up news is a second round of talks in Geneva on June 10"
SECOND_BYLINE = "Assessment no. 2, Jun 20, 2025 · Assessment no. 2 (a test fixture): a made-up second round of talks"


@pytest.fixture(scope="module")
def conversation(series_engine: Engine) -> Conversation:
    return Conversation(series_engine)


def said(reply: Reply, knowledge: KnowledgeBase) -> str:
    """The reply as a person reads it (the card's text: title, answer, quotes, byline)."""
    card = render_reply(reply, knowledge)
    assert card is not None
    return card.as_text()


# -- validation ------------------------------------------------------------------------------------------

def test_the_next_assessment_is_a_file_drop_with_the_same_general_questions(knowledge_copy: Path) -> None:
    add_next_assessment(knowledge_copy)
    proc = run_cli("validate", env={"KNOWLEDGE_DIR": str(knowledge_copy)})
    assert proc.returncode == 0, proc.stdout
    assert proc.stdout.startswith("OK: 2 assessment(s), 54 entries, 24 timeline events")
    first, second = load_knowledge(knowledge_copy).assessments
    both = {q for e in first.entries for q in e.questions} & {q for e in second.entries for q in e.questions}
    assert {"Who wrote the article?", "What is the author's main argument?", "main argument"} <= both
    assert {e.id for e in first.entries} & {e.id for e in second.entries} == {"author", "main-argument"}


def test_a_question_repeated_within_one_assessment_is_still_an_error(series_copy: Path) -> None:
    path = series_copy / NEXT_FILE
    replace_once(path, '      - "who penned this piece"', '      - "Who wrote the article?"')
    line = line_of(path, '      - "Who wrote the article?"') + 5
    problems = problems_of(series_copy)
    assert problems == [f"knowledge/{NEXT_FILE}:{line}: entries[0].questions[5]: question 'Who wrote the article?' "
                        f"duplicates one in knowledge/{NEXT_FILE}:{line - 5} (author)"]


def test_an_id_repeated_within_one_assessment_is_an_error_across_assessments_not(series_copy: Path) -> None:
    path = series_copy / NEXT_FILE
    replace_once(path, "  - id: geneva-round\n", "  - id: main-argument\n")
    problems = problems_of(series_copy)
    first = line_of(path, "  - id: main-argument")
    second = line_of(path, "      - \"What happened in Geneva?\"") - 2
    assert problems == [f"knowledge/{NEXT_FILE}:{second}: entries[2].id: duplicate id 'main-argument' "
                        f"(first at knowledge/{NEXT_FILE}:{first})"]


def test_two_assessments_never_share_an_id_or_a_number(series_copy: Path) -> None:
    path = series_copy / NEXT_FILE
    replace_once(path, "  number: 2\n", "  number: 1\n")
    problems = "\n".join(problems_of(series_copy))
    assert f"knowledge/{NEXT_FILE}:{line_of(path, '  number: 1')}: assessment.number: number 1 is already that of " \
           f"knowledge/{ASSESSMENT_FILE}:" in problems
    replace_once(path, "  number: 1\n", "  number: 2\n")
    replace_once(path, f"  id: {SECOND}\n", f"  id: {FIRST}\n")
    assert any(f"assessment.id: duplicate id '{FIRST}'" in p for p in problems_of(series_copy))


def test_numbers_rise_with_dates_and_fit_in_a_button(series_copy: Path) -> None:
    path = series_copy / NEXT_FILE
    replace_once(path, "    date: 2025-06-20\n", "    date: 2025-04-20\n")
    assert any(f"knowledge/{ASSESSMENT_FILE}:" in p and f"assessment.number: number 1 comes before 2 ({SECOND}) but "
               "is published after it" in p for p in problems_of(series_copy))
    replace_once(path, "    date: 2025-04-20\n", "    date: 2025-06-20\n")
    replace_once(path, "  number: 2\n", "  number: 100000\n")
    assert any("assessment.number: 100000 is over 99,999 (numbers travel in Discord button ids)" in p
               for p in problems_of(series_copy))


def test_whats_new_quotes_are_verbatim_and_its_id_is_kept_for_it(series_copy: Path) -> None:
    path = series_copy / NEXT_FILE
    replace_once(path, '      - "What is new since the first assessment', '      - "What is truly new since the first assessment')
    replace_once(path, "  - id: geneva-round\n", "  - id: whats-new\n")
    problems = "\n".join(problems_of(series_copy))
    assert "assessment.whats_new.sources[0]: quote not found verbatim in the source text" in problems
    assert "entries[2].id: 'whats-new' is kept for the assessment's whats_new: choose another id" in problems


SHARED = {"out_of_scope": [{
    "id": "bot-weather",
    "questions": ["what is the weather in kyiv", "will it rain in moscow", "weather forecast for ukraine",
                  "how cold is it in kyiv", "is it sunny in geneva"],
    "reason": "The assessments say nothing about the weather.",
}]}


def test_out_of_scope_kinds_may_be_shared_by_the_series(series_copy: Path) -> None:
    (series_copy / "shared.yaml").write_text(yaml.safe_dump(SHARED), encoding="utf-8")
    knowledge = load_knowledge(series_copy)
    conversation = Conversation(Engine(knowledge))
    for assessment in (None, FIRST, SECOND):
        reply = conversation.respond("what's the weather like in kyiv?", assessment=assessment)
        assert reply.kind == "decline" and said(reply, knowledge).splitlines()[2] == \
            "The assessments say nothing about the weather. I won't guess."


def test_shared_kinds_are_validated_like_the_rest(series_copy: Path) -> None:
    broken = {"out_of_scope": [dict(SHARED["out_of_scope"][0], questions=[
        *SHARED["out_of_scope"][0]["questions"], "Who wrote the article?"])], "entries": []}
    (series_copy / "shared.yaml").write_text(yaml.safe_dump(broken, sort_keys=False), encoding="utf-8")
    problems = "\n".join(problems_of(series_copy))
    line = line_of(series_copy / "shared.yaml", "entries:")
    assert f"knowledge/shared.yaml:{line}: entries: unknown field 'entries' (allowed: out_of_scope)" in problems
    # An assessment's own question may not repeat a shared kind's, in any assessment.
    assert f"knowledge/{ASSESSMENT_FILE}:" in problems and f"knowledge/{NEXT_FILE}:" in problems
    assert "question 'Who wrote the article?' duplicates one in knowledge/shared.yaml:" in problems


# -- which assessment a question names ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("question", "named", "rest"),
    [
        ("in the first assessment, what is the main argument?", FIRST, "in the assessment what is the main argument"),
        ("who wrote the latest one?", SECOND, "who wrote the assessment"),
        ("what does the newest assessment say about geneva", SECOND, "what does the assessment say about geneva"),
        ("what did the most recent piece argue", SECOND, "what did the piece argue"),
        ("what did the current assessment say", SECOND, "what did the assessment say"),
        ("who wrote the previous one", FIRST, "who wrote the assessment"),
        ("in the earlier article who was the author", FIRST, "in the article who was the author"),
        ("what does assessment no. 2 say about the talks", SECOND, "what does the assessment say about the talks"),
        ("#1 main argument", FIRST, "the assessment main argument"),
        ("who wrote the second assessment", SECOND, "who wrote the assessment"),
        ("what did the June assessment say", SECOND, "what did the assessment say"),
        ("what's in Herbst's May piece about sanctions", FIRST, "whats in the piece about sanctions"),
        ("Testwell's June op-ed: main argument", SECOND, "the op ed main argument"),
        ("the assessment from may 2025, who wrote it", FIRST, "the assessment who wrote it"),
    ],
)
def test_a_question_naming_an_assessment(series_knowledge: KnowledgeBase, question: str, named: str, rest: str) -> None:
    reference = SeriesReader(series_knowledge).reference(question)
    assert reference is not None and reference.assessment is not None
    assert (reference.assessment.id, reference.question) == (named, rest)


@pytest.mark.parametrize("question", [
    "who wrote this?", "what does article 5 say?", "what was the may 12 deadline", "is this the first one in the series",
    "who was the first one to break the truce", "what's the latest on the cease-fire", "when was the last truce",
    "coffee number two", "the herbst piece",
])
def test_a_question_naming_no_assessment(series_knowledge: KnowledgeBase, question: str) -> None:
    assert SeriesReader(series_knowledge).reference(question) is None


@pytest.mark.parametrize("typed", ["2", "no. 2", "#2", "latest", "june", "2025-06", "2025-06-20", SECOND, "made-up second round"])
def test_an_assessment_chosen_by_number_date_or_title(series_knowledge: KnowledgeBase, typed: str) -> None:
    series = SeriesReader(series_knowledge)
    found = series.resolve(typed)
    assert found is not None and found.id == SECOND
    assert series.choices(typed)[0].id == SECOND


# -- which assessment answers -----------------------------------------------------------------------------

def test_who_wrote_the_first_and_the_latest_assessment_answer_from_the_right_files(
    conversation: Conversation, series_knowledge: KnowledgeBase,
) -> None:
    first = conversation.respond("who wrote the first assessment?")
    latest = conversation.respond("who wrote the latest assessment?")
    assert first.entry is not None and first.entry.key == f"{FIRST}/author"
    assert latest.entry is not None and latest.entry.key == f"{SECOND}/author"
    first_card, latest_card = said(first, series_knowledge), said(latest, series_knowledge)
    assert first_card.startswith(f"who wrote the first assessment?\n\n{HERBST}")
    assert first_card.endswith("— Assessment no. 1, around May 16, 2025 · To achieve his goal of a durable peace, "
                               "Trump must turn up the pressure on Putin — John E. Herbst, Atlantic Council, Eurasia Center")
    assert latest_card.startswith(f"who wrote the latest assessment?\n\n{TESTWELL}\n\nFrom the article:\n{TESTWELL_QUOTE}")
    assert latest_card.endswith(f"— {SECOND_BYLINE} — Mara Testwell, assessment-bot tests (not a real publication)")


def test_a_question_naming_no_assessment_is_answered_by_the_latest_that_answers_it(
    conversation: Conversation, series_knowledge: KnowledgeBase,
) -> None:
    # Both assessments answer these, with the same entry ids: one answer (no tie to decline), the latest's.
    for question, expected in [("who wrote this?", TESTWELL), ("what is the main argument?", "The fixture's made-up main argument")]:
        reply = conversation.respond(question)
        assert reply.kind == "answer" and said(reply, series_knowledge).split("\n\n")[1].startswith(expected)
    # Only the first answers this one.
    deal = conversation.respond("when was the minerals deal signed?")
    assert deal.entry is not None and deal.entry.assessment_id == FIRST
    assert "Assessment no. 1, around May 16, 2025" in said(deal, series_knowledge)


def test_the_ask_option_keeps_the_answer_within_one_assessment(conversation: Conversation, series_knowledge: KnowledgeBase) -> None:
    reply = conversation.respond("who wrote this?", assessment=FIRST)
    assert said(reply, series_knowledge).split("\n\n")[1].startswith(HERBST)
    elsewhere = conversation.respond("what happened in Geneva?", assessment=FIRST)
    assert elsewhere.kind == "decline" and "Geneva" not in said(elsewhere, series_knowledge).split("\n\n", 1)[1]
    assert conversation.respond("what happened in Geneva?").entry.key == f"{SECOND}/geneva-round"  # type: ignore[union-attr]


def test_a_follow_up_stays_in_the_assessment_of_the_answer_it_follows(conversation: Conversation) -> None:
    first, more, argument = in_turn(conversation, "who wrote the first assessment?", "tell me more", "what is the main argument?")
    assert (first.entry.key, more.kind, more.entry.key) == (f"{FIRST}/author", "more", f"{FIRST}/author")  # type: ignore[union-attr]
    assert argument.entry is not None and argument.entry.key == f"{FIRST}/main-argument"
    # A new conversation, naming none: the latest.
    assert conversation.respond("what is the main argument?").entry.key == f"{SECOND}/main-argument"  # type: ignore[union-attr]


def test_an_assessment_the_series_does_not_hold_is_declined_saying_which_it_holds(
    conversation: Conversation, series_knowledge: KnowledgeBase,
) -> None:
    reply = conversation.respond("who wrote the third assessment?")
    assert reply.kind == "decline"
    assert said(reply, series_knowledge).splitlines()[2] == (
        "The series holds no “third assessment”: I know 2 assessments, no. 1 (May 2025), no. 2 (June 2025). I won't guess.")


# -- across the series ------------------------------------------------------------------------------------

@pytest.mark.parametrize("question", ["what's new in the latest one?", "what changed since the last assessment?",
                                      "what is new in assessment no. 2", "whats different in the June piece"])
def test_what_is_new_is_answered_from_the_assessments_own_summary(
    conversation: Conversation, series_knowledge: KnowledgeBase, question: str,
) -> None:
    reply = conversation.respond(question)
    text = said(reply, series_knowledge)
    assert reply.kind == "answer" and text.split("\n\n")[1].startswith(WHATS_NEW)
    assert "> What is new since the first assessment is the invented second round of talks in Geneva." in text
    assert SECOND_BYLINE in text


@pytest.mark.parametrize(("question", "reason"), [
    ("what's new in the first assessment?", "Assessment no. 1 (May 2025) has no summary of what is new in it."),
    ("what changed since the latest assessment?", "Assessment no. 2 (June 2025) is the latest: there is none after it yet."),
])
def test_what_is_new_is_declined_honestly_where_nobody_wrote_it(
    conversation: Conversation, series_knowledge: KnowledgeBase, question: str, reason: str,
) -> None:
    reply = conversation.respond(question)
    assert reply.kind == "decline" and said(reply, series_knowledge).splitlines()[2] == f"{reason} I won't guess."


def test_with_one_assessment_what_changed_is_declined_and_whats_new_alone_is_a_greeting(engine: Engine) -> None:
    conversation = Conversation(engine)
    reply = conversation.respond("what changed since the last assessment?")
    assert reply.kind == "decline" and reply.result is not None
    assert reply.result.reason == "The series holds no “last assessment”: I know 1 assessment, no. 1 (May 2025)."
    assert conversation.respond("what's new?").kind == "small_talk"


# -- the merged timeline ----------------------------------------------------------------------------------

def test_the_timeline_merges_the_series_in_date_order_each_event_once(series_knowledge: KnowledgeBase) -> None:
    timeline = series_knowledge.timeline
    assert [e.date for e in timeline] == sorted(e.date for e in timeline)
    [talks] = [e for e in timeline if e.id == "event-direct-talks-results"]
    assert talks.reported_by == (FIRST, SECOND)
    assert talks.event == "Results came in from the first direct Russia-Ukraine talks, as the first assessment reported."
    assert timeline[-1].id == "event-geneva-round" and timeline[-1].reported_by == (SECOND,)
    own = series_knowledge.events_of(None, assessment=SECOND)
    assert [e.id for e in own] == ["event-direct-talks-results", "event-geneva-round"]
    first = sorted(series_knowledge.assessment(FIRST).timeline, key=lambda e: e.date)
    assert series_knowledge.events_of("russia", assessment=FIRST) == tuple(e for e in first if "Russia" in e.actors)


def test_the_timeline_command_lists_an_event_reported_twice_once(series_copy: Path) -> None:
    proc = run_cli("timeline", "--json", env={"KNOWLEDGE_DIR": str(series_copy)})
    assert proc.returncode == 0, proc.stderr
    ids = [row["id"] for row in json.loads(proc.stdout)]
    assert ids.count("event-direct-talks-results") == 1 and ids[-1] == "event-geneva-round" and len(ids) == 24


# -- the command line -------------------------------------------------------------------------------------

def test_the_assessments_command_lists_the_series(series_copy: Path) -> None:
    proc = run_cli("assessments", env={"KNOWLEDGE_DIR": str(series_copy)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        "No. 1 · around May 16, 2025 · To achieve his goal of a durable peace, Trump must turn up the pressure on Putin"
        " — John E. Herbst · 51 entries",
        "No. 2 · Jun 20, 2025 · Assessment no. 2 (a test fixture): a made-up second round of talks — Mara Testwell · 3 entries",
    ]
    rows = json.loads(run_cli("assessments", "--json", env={"KNOWLEDGE_DIR": str(series_copy)}).stdout)
    assert [(r["number"], r["id"], r["date"], r["author"], r["entries"]) for r in rows] == [
        (1, FIRST, "2025-05-16", "John E. Herbst", 51), (2, SECOND, "2025-06-20", "Mara Testwell", 3)]


def test_ask_json_names_the_assessment_and_keeps_its_keys(series_copy: Path) -> None:
    lines = "who wrote the first assessment?\nwho wrote this?\n"
    proc = run_cli("ask", "--json", stdin=lines, env={"KNOWLEDGE_DIR": str(series_copy)})
    assert proc.returncode == 0, proc.stderr
    first, latest = (json.loads(line) for line in proc.stdout.splitlines())
    assert (first["entry"], first["assessment"], first["assessment_number"]) == ("author", FIRST, 1)
    assert (latest["entry"], latest["assessment"], latest["assessment_number"]) == ("author", SECOND, 2)
    assert latest["answer"] == TESTWELL
    within = run_cli("ask", "--json", "--assessment", "1", "who wrote this?", env={"KNOWLEDGE_DIR": str(series_copy)})
    assert json.loads(within.stdout)["assessment"] == FIRST
    unknown = run_cli("ask", "--assessment", "7", "who wrote this?", env={"KNOWLEDGE_DIR": str(series_copy)})
    assert unknown.returncode == 2 and "No assessment matches '7'" in unknown.stderr
