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
    ranked_first: str | None = None  # the engine's best-scored document, answered or not

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

    @property
    def ranked_first_rate(self) -> float:
        """Share of answerable questions whose right entry the engine scored best (before deciding)."""
        return _share(self._of(True), lambda o: o.ranked_first in o.item.expected)

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
                result.ranked_first if result else None,
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


@dataclass(frozen=True)
class Share:
    """`hits` of `total`, printed as "95.2% (40/42)"."""

    hits: int
    total: int

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0

    def __str__(self) -> str:
        return f"{self.rate:6.1%} ({self.hits}/{self.total})"


def conversation_figures(outcomes: list[TurnOutcome]) -> dict[str, Share]:
    """Per category of turn, the share handled right: follow-ups answered with a right entry, follow-ups
    the article cannot answer declined, "more" requests given more, small talk never answered, and
    standalone turns (first questions, new topics) answered or declined as labelled."""
    figures = {}
    for category in ("follow-up", "follow-up-decline", "more", "small-talk", "standalone", "standalone-decline"):
        chosen = [o for o in outcomes if o.category == category]
        figures[category] = Share(sum(o.right for o in chosen), len(chosen))
    return figures


def small_talk_figures(results: list[tuple[Line, Reply]]) -> dict[str, Share]:
    talk = [(line, reply) for line, reply in results if line.kind != "question"]
    questions = [(line, reply) for line, reply in results if line.kind == "question"]
    return {
        "small talk never answered from the article": Share(sum(not r.answered for _l, r in talk), len(talk)),
        "small talk replied to as small talk": Share(sum(r.kind == "small_talk" for _l, r in talk), len(talk)),
        "look-alike questions read as questions": Share(sum(r.kind != "small_talk" for _l, r in questions), len(questions)),
    }


def channel_figures(results: list[tuple[Line, Reply]]) -> dict[str, Share]:
    chatter = [r for line, r in results if line.kind == "chatter"]
    answerable = [(line, r) for line, r in results if line.kind == "question" and DECLINE not in line.expected]
    to_decline = [r for line, r in results if line.kind == "question" and DECLINE in line.expected]
    return {
        "chatter replied to": Share(sum(r.kind != "silent" for r in chatter), len(chatter)),
        "questions to the bot answered right": Share(sum(r.answered and r.entry.id in line.expected for line, r in answerable), len(answerable)),
        "questions to the bot answered wrong": Share(sum(r.answered and r.entry.id not in line.expected for line, r in answerable), len(answerable)),
        "questions the article cannot answer left unanswered": Share(sum(not r.answered for r in to_decline), len(to_decline)),
    }


def load_loaded(path: Path) -> list[str]:
    """The loaded questions (each presumes what the article does not say): only their text is scored."""
    return [str(item["q"]) for item in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]


def loaded_figures(conversation: Conversation, questions: list[str]) -> tuple[Share, list[tuple[str, Reply]]]:
    """The share given an honest answer (declined, or told first what the article does not say), and
    the replies that seem to confirm the presumption."""
    replies = [(q, conversation.respond(q)) for q in questions]
    return Share(sum(not r.answered for _q, r in replies), len(replies)), [(q, r) for q, r in replies if r.answered]
