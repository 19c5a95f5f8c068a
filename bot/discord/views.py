"""Buttons whose state lives in their custom id, so they keep working after a restart or a reload.

discord.py runs a dynamic item's callback outside any view's error handler, so every callback here is
wrapped by `reports_failures`: a failure is logged with its traceback and the presser is told privately
what failed (each button class names what it does in `doing`).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import discord

from bot.chronology import actor_order, overview, swatches
from bot.discord.embeds import card_to_embed
from bot.discord.replies import failed, say_privately
from bot.conversation import Context, Reply
from bot.knowledge import Entry, KnowledgeBase
from bot.matching import Result, Suggestion
from bot.render import BUTTON_LABEL_LIMIT, clip, render_entry, render_timeline

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot

log = logging.getLogger(__name__)

ItemT = TypeVar("ItemT", bound=discord.ui.DynamicItem[Any])


def reports_failures(
    callback: Callable[[ItemT, discord.Interaction], Awaitable[None]],
) -> Callable[[ItemT, discord.Interaction], Awaitable[None]]:
    @functools.wraps(callback)
    async def run(self: ItemT, interaction: discord.Interaction) -> None:
        try:
            await callback(self, interaction)
        except Exception:
            log.exception("Button %s failed", self.custom_id)
            await say_privately(interaction, failed(getattr(self, "doing", "with that button")))

    return run


def _bot(interaction: discord.Interaction) -> AssessmentBot:
    return interaction.client  # type: ignore[return-value]


# The custom ids of the answer buttons: the entry travels in them as a tag, "<assessment number>.<entry
# id>" ("2.author", at most 5 + 1 + 64 characters: bot.knowledge's NUMBER_MAX and SLUG_MAX), for the
# buttons themselves and for reading a reply to their message as a follow-up (`context_of`). A tag
# without a number (a message from before the series) names the first assessment holding that id.
TAG = r"(?P<tag>(?:\d+\.)?[a-z0-9-]+)"
SUGGEST_ID = re.compile(rf"suggest:{TAG}")
VOTE_ID = re.compile(rf"vote:{TAG}:(?P<way>up|down)")


def tag_of(entry_id: str, assessment_id: str, knowledge: KnowledgeBase) -> str:
    """The tag of an entry in custom ids: "2.author"."""
    return f"{knowledge.number_of(assessment_id)}.{entry_id}" if assessment_id else entry_id


def entry_of(tag: str, knowledge: KnowledgeBase) -> Entry | None:
    """The entry a custom id's tag names, or None when the knowledge no longer holds it."""
    number, dot, entry_id = tag.rpartition(".")
    if not dot:
        return knowledge.entry(entry_id)
    assessment = knowledge.numbered(int(number))
    return knowledge.entry(entry_id, assessment.id) if assessment else None


class SuggestionButton(discord.ui.DynamicItem[discord.ui.Button], template=SUGGEST_ID):
    """A "Did you mean" choice: pressing it shows that entry's answer to whoever pressed it."""

    doing = "showing that answer"

    def __init__(self, tag: str, label: str = "…"):
        super().__init__(
            discord.ui.Button(label=clip(label, BUTTON_LABEL_LIMIT), style=discord.ButtonStyle.secondary, custom_id=f"suggest:{tag}")
        )
        self.tag = tag

    @classmethod
    def offering(cls, suggestion: Suggestion, knowledge: KnowledgeBase) -> SuggestionButton:
        return cls(tag_of(suggestion.entry_id, suggestion.assessment_id, knowledge), suggestion.question)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]) -> SuggestionButton:
        return cls(match["tag"], item.label or "…")

    @reports_failures
    async def callback(self, interaction: discord.Interaction) -> None:
        knowledge = _bot(interaction).knowledge
        entry = entry_of(self.tag, knowledge)
        card = render_entry(entry.key, knowledge) if entry else None
        if entry is None or card is None:
            await interaction.response.send_message("That answer is no longer in the knowledge base; try /ask again.", ephemeral=True)
            return
        view = _view(vote_buttons(entry, knowledge))
        await interaction.response.send_message(embed=card_to_embed(card), ephemeral=True, **({"view": view} if view else {}))


class VoteButton(
    discord.ui.DynamicItem[discord.ui.Button], template=VOTE_ID
):
    """👍 or 👎 on an answer: one vote per person per message, a second press replaces the first."""

    doing = "recording your vote"

    def __init__(self, tag: str, helpful: bool):
        emoji, label, way = ("👍", "Helpful", "up") if helpful else ("👎", "Not helpful", "down")
        super().__init__(
            discord.ui.Button(emoji=emoji, label=label, style=discord.ButtonStyle.secondary, custom_id=f"vote:{tag}:{way}")
        )
        self.tag = tag
        self.helpful = helpful

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]) -> VoteButton:
        return cls(match["tag"], match["way"] == "up")

    @reports_failures
    async def callback(self, interaction: discord.Interaction) -> None:
        # The write waits its turn on the records thread (behind the daily purge, or a busy database) and
        # Discord wants an answer within 3 s: acknowledge first, privately, then say how it went.
        await interaction.response.defer(ephemeral=True, thinking=True)
        bot = _bot(interaction)
        message_id = interaction.message.id if interaction.message else interaction.id
        entry = entry_of(self.tag, bot.knowledge)
        recorded = entry.key if entry else self.tag  # the entry across the series ("herbst-2025-05/author")
        first = await bot.with_records(lambda records: records.record_vote(
            message_id=message_id, entry_id=recorded, voter_id=interaction.user.id, helpful=self.helpful))
        records = bot.records
        if first:
            text = "Thanks, noted."
        elif records.problem is not None:
            # The voter cannot fix the database: thank them all the same; Records warned the operator.
            text = "Thanks, noted."
        else:
            text = "Changed your vote."
        await interaction.followup.send(text, ephemeral=True)


def vote_buttons(entry: Entry, knowledge: KnowledgeBase) -> list[discord.ui.Item[Any]]:
    tag = tag_of(entry.id, entry.assessment_id, knowledge)
    return [VoteButton(tag, helpful=True), VoteButton(tag, helpful=False)]


def answer_view(result: Result, knowledge: KnowledgeBase) -> discord.ui.View | None:
    """The buttons under an answer: 👍 and 👎 for an answer, one per suggestion for a decline."""
    if result.entry is not None:
        return _view(vote_buttons(result.entry, knowledge))
    return _view([SuggestionButton.offering(s, knowledge) for s in result.suggestions])


def reply_view(reply: Reply, knowledge: KnowledgeBase) -> discord.ui.View | None:
    """The buttons under a reply. They also carry what a later reply to this message is read against
    (`context_of`): the entry answered with (its votes) and the entries offered (its suggestions)."""
    if reply.kind == "more" and reply.entry is not None:
        related = [SuggestionButton.offering(s, knowledge) for s in reply.related]
        return _view([*vote_buttons(reply.entry, knowledge), *related])
    if reply.kind in ("answer", "decline") and reply.result is not None:
        return answer_view(reply.result, knowledge)
    return None


def context_of(message: discord.Message, knowledge: KnowledgeBase) -> Context | None:
    """What the bot's `message` answered, read back from its buttons (so it survives a restart), and the
    question it answered (its embed's title): for reading a reply to that message as a follow-up."""
    answered: str | None = None
    offered: list[str] = []
    for row in message.components:
        for item in getattr(row, "children", ()):
            custom_id = getattr(item, "custom_id", None) or ""
            if match := VOTE_ID.fullmatch(custom_id):
                answered = answered or match["tag"]
            elif match := SUGGEST_ID.fullmatch(custom_id):
                suggested = entry_of(match["tag"], knowledge)
                offered.append(suggested.key if suggested else match["tag"])
    if answered is None and not offered:
        return None
    question = message.embeds[0].title if message.embeds and message.embeds[0].title else ""
    entry = entry_of(answered, knowledge) if answered else None
    if entry is None:  # no longer in the knowledge base: nothing to read a follow-up against
        return Context(answered.rpartition(".")[2] if answered else None, tuple(offered), question)
    return Context(entry.id, tuple(offered), question, entry.assessment_id)


def _view(items: Sequence[discord.ui.Item[Any]]) -> discord.ui.View | None:
    """A view of `items` (at most three suggestions or two votes: well within Discord's 25 components)."""
    if not items:
        return None
    view = discord.ui.View(timeout=None)
    for item in items:
        view.add_item(item)
    return view


# The timeline's buttons keep what they show in their custom ids: the page, the actor (at most 40
# characters, bot.knowledge caps it) and, for one assessment of the series, its number after the kind
# ("timeline-open.2:Russia", "timeline.2:1:"); without a number (as before the series), the whole series.
_SHOWN = r"(?:\.(?P<number>\d+))?"


def _timeline_kind(kind: str, number: int | None) -> str:
    return f"{kind}.{number}" if number is not None else kind


def _number(match: re.Match[str]) -> int | None:
    return int(match["number"]) if match["number"] else None


async def _knowledge_shown(interaction: discord.Interaction, number: int | None) -> tuple[KnowledgeBase, str | None] | None:
    """The knowledge in service and the id of the assessment a timeline button names by number (None for
    the whole series); None, after telling the presser, when that assessment is no longer there."""
    knowledge = _bot(interaction).knowledge
    if number is None:
        return knowledge, None
    assessment = knowledge.numbered(number)
    if assessment is None:
        await interaction.response.send_message(ASSESSMENT_GONE, ephemeral=True)
        return None
    return knowledge, assessment.id


ASSESSMENT_GONE = "That assessment is no longer in the knowledge base; try /timeline again."


class TimelinePageButton(discord.ui.DynamicItem[discord.ui.Button],
                         template=re.compile(rf"timeline{_SHOWN}:(?P<page>\d+):(?P<actor>.*)")):
    """Turns the timeline to another page, in place."""

    doing = "turning the page"

    def __init__(self, page: int, actor: str, label: str = "…", disabled: bool = False, number: int | None = None):
        custom_id = f"{_timeline_kind('timeline', number)}:{page}:{actor}"
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.primary, disabled=disabled, custom_id=custom_id)
        )
        self.page = page
        self.actor = actor
        self.number = number

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]) -> TimelinePageButton:
        return cls(int(match["page"]), match["actor"], item.label or "…", number=_number(match))

    @reports_failures
    async def callback(self, interaction: discord.Interaction) -> None:
        shown = await _knowledge_shown(interaction, self.number)
        if shown is None:
            return
        knowledge, assessment_id = shown
        pages = render_timeline(knowledge, self.actor or None, assessment_id)
        page = min(self.page, len(pages) - 1)
        view = timeline_view(page, len(pages), self.actor, self.number)
        await interaction.response.edit_message(embed=card_to_embed(pages[page]), view=view)


def timeline_view(page: int, page_count: int, actor: str | None, number: int | None = None) -> discord.ui.View | None:
    """◀ and ▶ under a page of the timeline (of the assessment numbered `number`, or of the whole series)."""
    if page_count <= 1:
        return None
    view = discord.ui.View(timeout=None)
    actor = actor or ""
    view.add_item(TimelinePageButton(max(page - 1, 0), actor, "◀ Previous", disabled=page == 0, number=number))
    view.add_item(TimelinePageButton(min(page + 1, page_count - 1), actor, "Next ▶", disabled=page >= page_count - 1, number=number))
    return view


class TimelineOpenButton(discord.ui.DynamicItem[discord.ui.Button],
                         template=re.compile(rf"timeline-open{_SHOWN}:(?P<actor>.*)")):
    """Under the timeline summary: opens the paged list of every event ("All events", no actor in the id)
    or of one actor's, privately for whoever pressed it, so the summary stays in place for everyone; of
    the assessment the summary shows, or of the whole series."""

    doing = "opening the timeline"

    def __init__(self, actor: str, label: str = "…", emoji: str | None = None, number: int | None = None):
        style = discord.ButtonStyle.secondary if actor else discord.ButtonStyle.primary
        custom_id = f"{_timeline_kind('timeline-open', number)}:{actor}"
        super().__init__(
            discord.ui.Button(label=clip(label, BUTTON_LABEL_LIMIT), emoji=emoji, style=style, custom_id=custom_id)
        )
        self.actor = actor
        self.number = number

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]) -> TimelineOpenButton:
        return cls(match["actor"], item.label or "…", number=_number(match))

    @reports_failures
    async def callback(self, interaction: discord.Interaction) -> None:
        shown = await _knowledge_shown(interaction, self.number)
        if shown is None:
            return
        knowledge, assessment_id = shown
        actor = knowledge.actor(self.actor) if self.actor else None
        if self.actor and actor is None:
            await interaction.response.send_message("That actor is no longer in the timeline; try /timeline again.", ephemeral=True)
            return
        pages = render_timeline(knowledge, actor, assessment_id)
        view = timeline_view(0, len(pages), actor, self.number)
        await interaction.response.send_message(embed=card_to_embed(pages[0]), ephemeral=True, **({"view": view} if view else {}))


# Discord allows 5 rows of 5 buttons: "All events" and, at most, 24 actors.
ACTOR_BUTTONS = 24


def timeline_summary_view(knowledge: KnowledgeBase, assessment_id: str | None = None) -> discord.ui.View | None:
    """ "All events", then one button per actor, in the order of the picture's rows and in its colours;
    for one assessment, its number in every custom id. None when there are no events to list."""
    shown = overview(knowledge, assessment_id)
    if not shown.events:
        return None
    number = knowledge.number_of(assessment_id) if assessment_id is not None else None
    view = discord.ui.View(timeout=None)
    view.add_item(TimelineOpenButton("", "All events", number=number))
    colours = swatches(knowledge)
    for actor in actor_order(shown)[:ACTOR_BUTTONS]:
        view.add_item(TimelineOpenButton(actor, actor, colours[actor].emoji, number=number))
    return view


DYNAMIC_ITEMS = (SuggestionButton, VoteButton, TimelinePageButton, TimelineOpenButton)
