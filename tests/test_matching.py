"""The answer engine on the shipped knowledge base: answers, declines, suggestions, hostile input."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.matching import Engine
from bot.text import clean, words


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("who wrote this?", "author"),
        ("how many prisoners of war were exchanged", "prisoner-exchange"),
        ("minerals deal", "minerals-deal"),
        ("what happened at the oval office meeting", "oval-office-meeting"),
        ("did russia accept the naval ceasefire", "naval-ceasefire"),
    ],
)
def test_answers_questions_the_article_answers(engine: Engine, question: str, entry_id: str) -> None:
    result = engine.answer(question)
    assert result.matched, result
    assert result.entry is not None and result.entry.id == entry_id


@pytest.mark.parametrize(
    "question",
    ["what is the capital of peru?", "hi", "thanks!", "asdkjh qwe zzz", "how many soldiers have died in the war"],
)
def test_declines_what_the_article_does_not_answer(engine: Engine, question: str) -> None:
    result = engine.answer(question)
    assert not result.matched, result


def test_typos_and_discord_markup_do_not_hide_the_question(engine: Engine) -> None:
    result = engine.answer("<@123456789012345678> hw mny prisonrs of war wer exchangd?? 🙏")
    assert result.matched and result.entry is not None
    assert result.entry.id == "prisoner-exchange"


@pytest.mark.parametrize("question", ["what is the capital of peru?", "what is your favourite food", "who won the world cup"])
def test_an_off_topic_question_gets_no_random_suggestions(engine: Engine, question: str) -> None:
    result = engine.answer(question)
    assert not result.matched and result.suggestions == ()


def test_a_declined_question_gets_suggestions_from_the_entries(engine: Engine) -> None:
    result = engine.answer("how many civilians died in bucha")
    assert not result.matched
    assert "bucha-irpin" in {s.entry_id for s in result.suggestions}
    assert all(s.entry_id in {e.id for e in engine.entries} for s in result.suggestions)


def test_a_vague_question_gets_three_suggestions_however_many_entries_fit(engine: Engine) -> None:
    # "russia" fits more than a dozen entries above the suggestion floor; "Did you mean" offers three.
    result = engine.answer("russia")
    assert not result.matched, "pick a question the engine declines with many near entries"
    assert len(result.suggestions) == 3 and len({s.entry_id for s in result.suggestions}) == 3


def test_clean_strips_mentions_markup_and_control_characters() -> None:
    assert clean("<@!42> <@&7> <#9> hey\x00\u200b `code` <:wave:123> @everyone") == "hey code"


def test_the_meaning_measure_reads_chat_spellings_as_the_vocabulary_spells_them(engine: Engine) -> None:
    spelled = engine.normalizer.spelled_out(words("wat did the US n kiev say abt the truce"))
    assert spelled == "wat did the united states n kyiv say about the cease fire"


def test_autocomplete_offers_knowledge_base_questions_best_first(engine: Engine) -> None:
    assert "mineral" in engine.autocomplete("minerls")[0].lower()
    # Nothing typed: each entry's first question, in the article's order (knowledge/herbst-2025-05.yaml).
    assert engine.autocomplete("", limit=3) == [
        "What is the article about?", "What is the author's main argument?", "Who wrote the article?"]


hostile_text = st.one_of(
    st.text(max_size=4000),
    st.text(alphabet=st.characters(categories=["So", "Sk", "Cc", "Cf", "Zs"]), max_size=300),
    st.from_regex(r"<@!?[0-9]{17,20}>", fullmatch=True),
    st.builds(lambda s: f"```\n{s}\n```", st.text(max_size=200)),
    st.text(alphabet="مرحبا שלום Привет 你好 ‏‎", max_size=200),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=hostile_text)
def test_any_text_gets_a_result_never_an_exception(engine: Engine, text: str) -> None:
    # The second time, the engine's caches (typo corrections, word vectors) answer: the same result.
    assert engine.answer(text) == engine.answer(text)


def test_a_kind_of_question_the_article_does_not_answer_is_declined_with_its_reason(engine: Engine) -> None:
    result = engine.answer("how many soldiers have died in the war so far?")
    assert not result.matched
    assert result.reason and "casualt" in result.reason
    assert all(s.entry_id in {e.id for e in engine.entries} for s in result.suggestions)


def test_autocomplete_never_offers_questions_the_bot_declines(engine: Engine) -> None:
    declined = {q for kind in engine.knowledge.out_of_scope for q in kind.questions}
    assert not declined & set(engine.autocomplete("how many died casualties"))


@pytest.mark.parametrize(
    ("question", "entry_id"),
    [
        ("what did moscow have to swallow under the american plan", "russia-concessions"),
        ("what did the europeans threaten the kremlin with", "may-12-deadline"),
        ("which side got leaned on harder by washington", "pressure-imbalance"),
    ],
)
def test_meaning_ranks_paraphrases_in_other_words_first(engine: Engine, question: str, entry_id: str) -> None:
    nearest = max(engine.candidates(question), key=lambda candidate: candidate.meaning)
    assert engine.documents[nearest.index].id == entry_id
    result = engine.answer(question)
    assert result.entry is not None and result.entry.id == entry_id
