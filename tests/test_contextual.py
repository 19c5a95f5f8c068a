"""The contextual model's second look: consulted only where the first look is unsure, never waited for by
the bot, and a broken model file leaves the engine answering with its word measures."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase
from bot.matching import Engine
from bot.sentence_model import TOKENIZER_PATH, ModelFiles, SentenceModel, packaged_files

# Declined by the words and the static meaning; the contextual model reads it as a sentence.
PARAPHRASE = "wat does the writer want the us to do lol"


def test_an_unsure_question_gets_a_second_look(knowledge: KnowledgeBase, model_cache: Path) -> None:
    words_only = Engine(knowledge, contextual=False).answer(PARAPHRASE)
    assert not words_only.matched and words_only.score >= Engine(knowledge).tuning.second_look_floor
    second = Engine(knowledge, cache_dir=model_cache).answer(PARAPHRASE)
    assert second.matched and second.entry.id == "main-argument"


def test_a_sure_question_never_consults_the_model(knowledge: KnowledgeBase, model_cache: Path) -> None:
    engine = Engine(knowledge, cache_dir=model_cache, wait_for_model=False)
    assert engine.answer("who wrote this article?").entry.id == "author"
    assert not engine.contextual.ready  # not even built: the first look was sure


def test_the_bot_answers_with_the_words_until_the_model_is_ready(knowledge: KnowledgeBase, model_cache: Path) -> None:
    engine = Engine(knowledge, cache_dir=model_cache, wait_for_model=False)
    assert not engine.answer(PARAPHRASE).matched  # the index is not built, and the bot does not wait for it
    assert engine.contextual.warm()
    assert engine.answer(PARAPHRASE).entry.id == "main-argument"


def test_a_broken_model_file_is_reported_and_the_words_still_answer(
    knowledge: KnowledgeBase, tmp_path: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    altered = tmp_path / "model.onnx"
    data = bytearray(packaged_files().model.read_bytes())
    data[len(data) // 2] ^= 0xFF
    altered.write_bytes(bytes(data))
    engine = Engine(knowledge, sentence_model=lambda: SentenceModel(ModelFiles(altered, TOKENIZER_PATH)))
    with caplog.at_level(logging.ERROR, logger="bot"):
        assert not engine.answer(PARAPHRASE).matched
        assert engine.answer("who wrote this article?").entry.id == "author"
        engine.answer(PARAPHRASE)
    [error] = [r for r in caplog.records if r.levelno == logging.ERROR]  # said once, not on every question
    assert "contextual model is unavailable" in error.getMessage() and "pip install --force-reinstall" in error.getMessage()
