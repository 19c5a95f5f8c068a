"""What the bot says to one message, and what it remembers after saying it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.conversation.memory import Context
from bot.knowledge import Entry
from bot.matching import Result, Suggestion


@dataclass(frozen=True)
class Reply:
    """How the bot responds to one message.

    kind: "answer" (an entry, `result.entry`), "more" (more of `entry`: its quotes and `related`),
    "decline" (`result` says why; `entry`, when set, is what the article does report on the topic
    asked about, shown after saying what it does not), "small_talk" (`text`, of kind `small_talk`), "help" (a bare mention),
    or "silent" (a listen channel, where the message was not a question put to the bot).
    """

    kind: str
    question: str
    result: Result | None = None
    small_talk: str | None = None
    text: str | None = None
    follow_up_of: str | None = None
    entry: Entry | None = None
    related: tuple[Suggestion, ...] = ()
    assessment_id: str | None = None  # the assessment the question was answered within, when one was named

    @property
    def answered(self) -> bool:
        """True when the reply gives the article's answer (an entry, or more of one)."""
        return self.kind in ("answer", "more")

    def context(self, previous: Context | None) -> Context | None:
        """What to remember after this reply: the new answer, or the previous context kept."""
        if self.kind in ("answer", "more") and self.entry is not None:
            return Context(self.entry.id, (), self.question, self.entry.assessment_id)
        if self.kind == "decline" and self.result is not None:
            offered = tuple(s.key for s in self.result.suggestions)
            # A question the article answers only in part ("why ...?") keeps its topic for what follows.
            if self.entry is not None:
                return Context(self.entry.id, offered, self.question, self.entry.assessment_id)
            # A question the article does not answer leaves the topic where it was: people come back to it
            # ("what did the wsj say exactly?" declined, then "who else criticized it?").
            assessment = self.assessment_id or (previous.assessment_id if previous else None)
            return Context(previous.entry_id if previous else None, offered, self.question, assessment)
        return previous
