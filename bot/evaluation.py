"""Scores the bot on labelled sets: standalone questions (accuracy, declines, wrong answers, suggestions, by
kind), conversations (follow-ups), small talk, listen channels and loaded questions.

Every set is answered the way the bot answers people, through `bot.conversation.Conversation`.
Used by `benchmarks/evaluate.py` (figures and every failure) and by the tests that enforce the targets.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.conversation import Context, Conversation, Reply
from bot.matching import Engine

DECLINE = "decline"
MORE = "more"
SMALL_TALK = "small_talk"


@dataclass(frozen=True)
class Labelled:
    question: str
    expected: frozenset[str]  # entry ids that answer it; empty when it must be declined
    kind: str

    @property
    def answerable(self) -> bool:
        return bool(self.expected)


@dataclass(frozen=True)
class Outcome:
    item: Labelled
    matched_entry: str | None
    suggested: tuple[str, ...]
    score: float

    @property
    def verdict(self) -> str:
        """right, wrong-entry, declined (answerable but declined), declined-ok, or false-answer."""
        if self.item.answerable:
            if self.matched_entry is None:
                return "declined"
            return "right" if self.matched_entry in self.item.expected else "wrong-entry"
        return "declined-ok" if self.matched_entry is None else "false-answer"


@dataclass
class Report:
    outcomes: list[Outcome] = field(default_factory=list)

    def _of(self, answerable: bool) -> list[Outcome]:
        return [o for o in self.outcomes if o.item.answerable == answerable]

    @property
    def accuracy(self) -> float:
        """Share of answerable questions that got a right entry."""
        return _share(self._of(True), lambda o: o.verdict == "right")

    @property
    def wrong_rate(self) -> float:
        """Share of answerable questions that got a wrong entry (the confident wrong answer)."""
        return _share(self._of(True), lambda o: o.verdict == "wrong-entry")

    @property
    def decline_rate(self) -> float:
        """Share of the questions to decline that were declined."""
        return _share(self._of(False), lambda o: o.verdict == "declined-ok")

    @property
    def suggestion_recall(self) -> float:
        """Among answerable questions that were declined, the share whose suggestions hold a right entry."""
        declined = [o for o in self._of(True) if o.verdict == "declined"]
        return _share(declined, lambda o: bool(o.item.expected & set(o.suggested)), empty=1.0)

    def by_kind(self) -> dict[str, Counter]:
        table: dict[str, Counter] = defaultdict(Counter)
        for outcome in self.outcomes:
            table[outcome.item.kind][outcome.verdict] += 1
        return dict(table)

    def failures(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.verdict not in ("right", "declined-ok")]


def _share(items: list[Outcome], predicate, empty: float = 0.0) -> float:
    return sum(map(predicate, items)) / len(items) if items else empty


def load_questions(path: Path) -> list[Labelled]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    items = []
    for raw in data["questions"]:
        expect = raw["expect"]
        expected = frozenset() if expect == DECLINE else frozenset([expect] if isinstance(expect, str) else expect)
        items.append(Labelled(str(raw["q"]), expected, raw.get("kind", "")))
    return items


def evaluate(bot: Engine | Conversation, items: list[Labelled]) -> Report:
    """Each question asked on its own, as a first message to the bot."""
    conversation = bot if isinstance(bot, Conversation) else Conversation(bot)
    report = Report()
    for item in items:
        reply = conversation.respond(item.question)
        result = reply.result
        report.outcomes.append(
            Outcome(
                item,
                reply.entry.id if reply.answered and reply.entry else None,
                tuple(s.entry_id for s in result.suggestions) if result else (),
                result.score if result else 0.0,
            )
        )
    return report


# --- conversations -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Turn:
    question: str
    expected: frozenset[str]  # entry ids; or one of DECLINE, MORE, SMALL_TALK
    follow_up: bool


@dataclass(frozen=True)
class TurnOutcome:
    turn: Turn
    reply: Reply
    previous_entry: str | None  # the entry of the bot's previous answer in the conversation

    @property
    def category(self) -> str:
        """standalone, follow-up, follow-up-decline, more, small-talk (and standalone-decline)."""
        expected = self.turn.expected
        if expected == {SMALL_TALK}:
            return "small-talk"
        if expected == {MORE}:
            return "more"
        if expected == {DECLINE}:
            return "follow-up-decline" if self.turn.follow_up else "standalone-decline"
        return "follow-up" if self.turn.follow_up else "standalone"

    @property
    def right(self) -> bool:
        reply, expected = self.reply, self.turn.expected
        if expected == {SMALL_TALK}:
            return reply.kind == "small_talk"
        if expected == {MORE}:
            return reply.kind == "more" and reply.entry is not None and reply.entry.id == self.previous_entry
        if expected == {DECLINE}:
            return not reply.answered
        return reply.answered and reply.entry is not None and reply.entry.id in expected

    @property
    def answered_with_article(self) -> bool:
        return self.reply.answered


def load_conversations(path: Path) -> list[list[Turn]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    conversations = []
    for raw in data["conversations"]:
        turns = []
        for turn in raw["turns"]:
            expect = turn["expect"]
            expected = frozenset([expect] if isinstance(expect, str) else expect)
            turns.append(Turn(str(turn["q"]), expected, bool(turn.get("follow_up"))))
        conversations.append(turns)
    return conversations


def evaluate_conversations(conversation: Conversation, conversations: list[list[Turn]]) -> list[TurnOutcome]:
    """Each conversation replayed turn by turn, each turn read against the bot's own previous reply."""
    outcomes = []
    for turns in conversations:
        context: Context | None = None
        for turn in turns:
            reply = conversation.respond(turn.question, context)
            outcomes.append(TurnOutcome(turn, reply, context.entry_id if context else None))
            context = reply.context(context)
    return outcomes


# --- small talk, listen channels, loaded questions -----------------------------------------------------


@dataclass(frozen=True)
class Line:
    text: str
    kind: str                 # small talk kind, "question", or "chatter"
    expected: frozenset[str]  # for questions: entry ids, or {DECLINE}


def load_lines(path: Path) -> list[Line]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = []
    for raw in data["lines"]:
        expect = raw.get("expect")
        expected = frozenset() if expect is None else frozenset([expect] if isinstance(expect, str) else expect)
        lines.append(Line(str(raw["text"]), str(raw["kind"]), expected))
    return lines


def evaluate_lines(conversation: Conversation, lines: list[Line], *, listening: bool) -> list[tuple[Line, Reply]]:
    """Each line on its own: sent to the bot (a mention or a DM), or posted in a listen channel."""
    return [(line, conversation.respond(line.text, listening=listening)) for line in lines]
