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
    assert 0 <= result.score <= 100


@pytest.mark.parametrize(
    "question",
    ["what is the capital of peru?", "hi", "thanks!", "asdkjh qwe zzz", "how many soldiers have died in the war"],
)
def test_declines_what_the_article_does_not_answer(engine: Engine, question: str) -> None:
    result = engine.answer(question)
    assert not result.matched
    assert result.entry is None
    assert len(result.suggestions) <= 3


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
    assert 1 <= len(result.suggestions) <= 3
    assert "bucha-irpin" in {s.entry_id for s in result.suggestions}
    assert all(s.entry_id in {e.id for e in engine.entries} for s in result.suggestions)


def test_clean_strips_mentions_markup_and_control_characters() -> None:
    assert clean("<@!42> <@&7> <#9> hey\x00\u200b `code` <:wave:123> @everyone") == "hey code"


def test_the_meaning_measure_reads_chat_spellings_as_the_vocabulary_spells_them(engine: Engine) -> None:
    spelled = engine.normalizer.spelled_out(words("wat did the US n kiev say abt the truce"))
    assert spelled == "wat did the united states n kyiv say about the cease fire"


def test_autocomplete_offers_knowledge_base_questions_best_first(engine: Engine) -> None:
    choices = engine.autocomplete("minerls")
    assert 0 < len(choices) <= 25
    assert "mineral" in choices[0].lower()
    assert len(engine.autocomplete("")) <= 25


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
    result = engine.answer(text)
    assert isinstance(result.matched, bool)
    assert 0 <= result.score <= 100
    assert len(result.suggestions) <= 3
    assert (result.entry is not None) == result.matched


def test_a_kind_of_question_the_article_does_not_answer_is_declined_with_its_reason(engine: Engine) -> None:
    result = engine.answer("how many soldiers have died in the war so far?")
    assert not result.matched and result.entry is None
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
