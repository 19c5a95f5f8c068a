"""Reloading knowledge from disk: valid changes swap in whole, invalid ones change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.knowledge import KnowledgeError
from bot.live import LiveKnowledge
from tests.conftest import ASSESSMENT_FILE


def test_a_valid_change_is_seen_and_swapped_in(knowledge_copy: Path) -> None:
    live = LiveKnowledge(knowledge_copy)
    old_engine = live.engine
    author = old_engine.knowledge.entry("author")
    assert author is not None and not live.changed_on_disk()

    path = knowledge_copy / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("- id: author\n", "- id: the-author\n", 1), encoding="utf-8")
    assert live.changed_on_disk()

    engine, built_from = live.build()
    assert live.engine is old_engine  # nothing changes until the swap
    live.swap(engine, built_from)
    assert live.engine.knowledge.entry("the-author") is not None
    assert live.engine.knowledge.entry("author") is None
    assert not live.changed_on_disk()


def test_an_invalid_change_keeps_the_old_knowledge(knowledge_copy: Path) -> None:
    live = LiveKnowledge(knowledge_copy)
    old_engine = live.engine
    (knowledge_copy / ASSESSMENT_FILE).write_text("assessment: [broken\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        live.build()
    assert ASSESSMENT_FILE in str(caught.value)
    assert live.engine is old_engine
    assert live.engine.answer("who wrote this?").matched
