"""The conversation core on the shipped knowledge base: small talk, follow-ups, listen channels, memory."""

from __future__ import annotations

import pytest

from bot.conversation import NO_DATE, NO_REASON, Context, Conversation, Memory
from bot.matching import Engine


@pytest.fixture(scope="module")
def conversation(engine: Engine) -> Conversation:
    return Conversation(engine)


def ask_in_turn(conversation: Conversation, *lines: str):
    """The replies to `lines` sent one after another by one person, each read against the bot's last reply."""
    context: Context | None = None
    replies = []
    for line in lines:
        reply = conversation.respond(line, context)
        context = reply.context(context)
        replies.append(reply)
    return replies


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        ("thank you!!", "thanks"),
        ("thankssss bot", "thanks"),
        ("hello bot", "greeting"),
        ("hey there", "greeting"),
        ("what are you?", "about-bot"),
        ("how do i use you", "about-bot"),
        ("agree", "agreement"),
        ("lol", "reaction"),
        ("🔥🔥", "reaction"),
        ("thanks for explaining the minerals deal", "thanks"),
        ("ok bye", "goodbye"),
    ],
)
def test_small_talk_gets_a_reply_in_the_bots_voice_never_an_article_answer(conversation: Conversation, line: str, kind: str) -> None:
    reply = conversation.respond(line)
    assert reply.kind == "small_talk" and reply.small_talk == kind
    assert reply.entry is None and reply.text


def test_thanks_gets_youre_welcome_and_help_says_how_to_ask_with_an_example(conversation: Conversation, engine: Engine) -> None:
    assert "welcome" in conversation.respond("thanks!").text.lower()
    about = conversation.respond("what can you do?").text
    assert "/ask" in about and "mention" in about
    assert any(entry.questions[0] in about for entry in engine.entries)  # the example is a question it answers


@pytest.mark.parametrize(
    ("line", "entry_id"),
    [("hi, who wrote this?", "author"), ("thanks! and when was the minerals deal signed?", "minerals-deal")],
)
def test_a_question_after_a_greeting_or_thanks_is_answered(conversation: Conversation, line: str, entry_id: str) -> None:
    reply = conversation.respond(line)
    assert reply.kind == "answer" and reply.entry is not None and reply.entry.id == entry_id


def test_an_incomplete_follow_up_is_read_against_the_last_answer(conversation: Conversation) -> None:
    first, when = ask_in_turn(conversation, "what was the minerals deal", "when was that?")
    assert first.entry.id == "minerals-deal" and first.follow_up_of is None
    assert when.kind == "answer" and when.entry.id == "minerals-deal" and when.follow_up_of == "minerals-deal"
    assert "April 30" in when.entry.answer


def test_the_same_words_alone_get_no_answer(conversation: Conversation) -> None:
    assert conversation.respond("when was that?").kind == "decline"


def test_a_complete_question_on_a_new_topic_is_answered_on_its_own(conversation: Conversation) -> None:
    _, new_topic = ask_in_turn(conversation, "what was the minerals deal", "who wrote this article?")
    assert new_topic.entry.id == "author" and new_topic.follow_up_of is None


def test_tell_me_more_gives_every_quote_and_the_related_entries(conversation: Conversation) -> None:
    first, more = ask_in_turn(conversation, "did putin go to the istanbul talks?", "tell me more")
    assert more.kind == "more" and more.entry.id == first.entry.id == "putin-no-show"
    assert more.follow_up_of == "putin-no-show"
    assert more.related and all(s.entry_id != "putin-no-show" for s in more.related)


def test_where_does_it_say_that_is_a_request_for_the_source(conversation: Conversation) -> None:
    _, source = ask_in_turn(conversation, "what did russia demand at the talks", "where does it say that?")
    assert source.kind == "more" and source.entry.id == "kremlin-demands"


def test_a_follow_up_the_article_does_not_answer_is_declined_with_its_reason(conversation: Conversation) -> None:
    _, worth = ask_in_turn(conversation, "what was the minerals deal", "how much was it worth?")
    assert worth.kind == "decline" and worth.follow_up_of == "minerals-deal"
    assert worth.result.reason and "value" in worth.result.reason


def test_a_why_question_the_article_gives_no_reason_for_is_told_so_first(conversation: Conversation) -> None:
    reply = conversation.respond("why did russian media criticize the talks?")
    assert reply.kind == "decline" and reply.result.reason == NO_REASON
    assert reply.entry is not None and reply.entry.id == "russian-media"  # what the article does report


def test_yes_after_did_you_mean_gets_the_first_suggestion(conversation: Conversation) -> None:
    declined, yes = ask_in_turn(conversation, "how many civilians died in bucha", "yes")
    assert declined.kind == "decline" and declined.result.suggestions
    assert yes.kind == "answer" and yes.entry.id == declined.result.suggestions[0].entry_id


@pytest.mark.parametrize(
    "line",
    [
        "swapping prisoners is at least something",
        "the may 12 deadline was a bluff",
        "putin was never serious about peace",
        "anyone else reading this?",
        "did you guys see the istanbul thing?",
        "thanks!",
        "https://example.com/some-link",
        "😂😂",
        "why does trump always give putin a pass?",
    ],
)
def test_a_listen_channel_gets_silence_for_what_people_say_to_each_other(conversation: Conversation, line: str) -> None:
    assert conversation.respond(line, listening=True).kind == "silent"


@pytest.mark.parametrize(
    ("line", "entry_id"),
    [
        ("bot, who wrote this article?", "author"),
        ("according to the article, what did russia demand at the talks?", "kremlin-demands"),
        ("what does herbst recommend?", "main-argument"),
    ],
)
def test_a_listen_channel_answers_questions_put_to_the_bot(conversation: Conversation, line: str, entry_id: str) -> None:
    reply = conversation.respond(line, listening=True)
    assert reply.kind == "answer" and reply.entry.id == entry_id


def test_a_bare_mention_asks_for_help(conversation: Conversation) -> None:
    assert conversation.respond("<@123456789012345678>").kind == "help"


def test_memory_forgets_after_its_time_and_beyond_its_size() -> None:
    now = [0.0]
    memory = Memory(seconds=600, limit=2, clock=lambda: now[0])
    memory.put("a", Context("author"))
    now[0] = 599
    assert memory.get("a") == Context("author")
    now[0] = 1200
    assert memory.get("a") is None  # 10 minutes after it was last put
    for key in ("a", "b", "c"):
        memory.put(key, Context(key))
    assert len(memory) == 2 and memory.get("a") is None and memory.get("c") == Context("c")


def test_a_declined_follow_up_leaves_the_topic_for_the_next_one(conversation: Conversation) -> None:
    first, exactly, others = ask_in_turn(
        conversation, "why did the wsj criticize the white house", "what did the wsj say exactly", "who else criticized it")
    assert first.entry.id == "carrots-criticism"
    assert exactly.kind == "decline" and exactly.result.reason
    assert others.kind == "answer" and others.entry.id == "carrots-criticism" and others.follow_up_of == "carrots-criticism"


def test_a_when_question_the_article_gives_no_date_for_is_told_so_first(conversation: Conversation) -> None:
    swap, when = ask_in_turn(conversation, "did russia and ukraine agree to swap prisoners", "when")
    assert swap.entry.id == "prisoner-exchange"
    assert when.kind == "decline" and when.result.reason == NO_DATE and when.follow_up_of == "prisoner-exchange"
    assert [s.entry_id for s in when.result.suggestions] == ["prisoner-exchange"]  # what the article does report
    dated = ask_in_turn(conversation, "what was the minerals deal", "when was that?")[1]
    assert dated.kind == "answer" and dated.entry.id == "minerals-deal"  # "April 30": a date is given


def test_a_question_about_what_an_answer_says_is_missing_gets_that_sentence_first(conversation: Conversation) -> None:
    reply = conversation.respond("what was kremlin state tv saying about the negotiations")
    assert reply.kind == "decline" and reply.entry is not None and reply.entry.id == "russian-media"
    assert reply.result.reason.startswith('The article writes "Russian media" without naming any outlet')


def test_what_kind_of_something_the_last_answer_named_is_read_against_it(conversation: Conversation) -> None:
    threats, kind = ask_in_turn(conversation, "is the us putting sanctions on russia", "what kind of sanctions")
    assert threats.entry.id == "us-sanctions-threats"
    # Read against the threats (not answered on its own words by another entry), and the article names none.
    assert kind.kind == "decline" and kind.follow_up_of == "us-sanctions-threats"
    assert "does not say what sanctions they would be" in kind.result.reason
