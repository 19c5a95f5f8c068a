"""The shipped knowledge base as data: every sentence of the article sourced, opinions attributed."""

from __future__ import annotations

import re

import pytest

from bot.knowledge import Assessment, KnowledgeBase, fold_whitespace
from tests.conftest import KNOWLEDGE_DIR

EXEMPT_LINES = {"Further reading"}  # the web page's navigation, not the assessment's text


def article_sentences(assessment: Assessment) -> list[str]:
    """Every sentence of the article body, the title, bio and photo caption included."""
    sentences = []
    for line in (KNOWLEDGE_DIR / assessment.source).read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line and line not in EXEMPT_LINES:
            sentences += [s for s in re.split(r"(?<=[.!?])\s+(?=[A-Z“\"])", line) if s.strip()]
    return sentences


@pytest.fixture(scope="module")
def assessment(knowledge: KnowledgeBase) -> Assessment:
    return knowledge.assessment("herbst-2025-05")


def test_every_sentence_of_the_article_is_quoted(assessment: Assessment) -> None:
    text = assessment.source_text
    covered = bytearray(len(text))
    for item in assessment.entries + assessment.timeline:
        for quote in item.sources:
            for match in re.finditer(re.escape(fold_whitespace(quote)), text):
                covered[match.start() : match.end()] = b"\x01" * (match.end() - match.start())
    sentences = article_sentences(assessment)
    assert len(sentences) >= 40
    uncovered = []
    for sentence in sentences:
        start = text.index(fold_whitespace(sentence))
        span = covered[start : start + len(fold_whitespace(sentence))]
        if not all(span):
            uncovered.append(sentence)
    assert uncovered == []


def test_opinion_entries_attribute_the_opinion_to_the_author(assessment: Assessment) -> None:
    opinions = [e for e in assessment.entries if {"opinion", "argument", "recommendation"} & set(e.tags)]
    assert opinions
    for entry in opinions:
        assert "Herbst" in entry.answer, entry.id


def test_entries_have_five_or_more_distinct_phrasings(assessment: Assessment) -> None:
    for entry in assessment.entries:
        assert len({q.casefold() for q in entry.questions}) >= 5, entry.id


def test_timeline_covers_the_datable_events_with_consistent_actors(knowledge: KnowledgeBase) -> None:
    assert len(knowledge.timeline) >= 12
    assert set(knowledge.actors) == {"United States", "Russia", "Ukraine", "Europe"}
    oval_office = [e for e in knowledge.timeline if e.when == "February 28"]
    assert oval_office and oval_office[0].date.isoformat() == "2025-02-28"
