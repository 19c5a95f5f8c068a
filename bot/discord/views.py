"""Buttons whose state lives in their custom id, so they keep working after a restart or a reload."""

from __future__ import annotations

import logging
import re

import discord

from bot.discord.embeds import card_to_embed
from bot.matching import Result
from bot.render import clip, render_entry, render_timeline

log = logging.getLogger(__name__)

BUTTON_LABEL_LIMIT = 80


class SuggestionButton(discord.ui.DynamicItem[discord.ui.Button], template=re.compile(r"suggest:(?P<entry>[a-z0-9-]+)")):
    """A "Did you mean" choice: pressing it shows that entry's answer to whoever pressed it."""

    def __init__(self, entry_id: str, label: str = "…"):
        super().__init__(
            discord.ui.Button(label=clip(label, BUTTON_LABEL_LIMIT), style=discord.ButtonStyle.secondary, custom_id=f"suggest:{entry_id}")
        )
        self.entry_id = entry_id

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]) -> SuggestionButton:
        return cls(match["entry"], item.label or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        card = render_entry(self.entry_id, interaction.client.knowledge)  # type: ignore[attr-defined]
        if card is None:
            await interaction.response.send_message("That answer is no longer in the knowledge base; try /ask again.", ephemeral=True)
            return
        await interaction.response.send_message(embed=card_to_embed(card), ephemeral=True)


def suggestions_view(result: Result) -> discord.ui.View | None:
    if result.matched or not result.suggestions:
        return None
    view = discord.ui.View(timeout=None)
    for suggestion in result.suggestions:
        view.add_item(SuggestionButton(suggestion.entry_id, suggestion.question))
    return view


class TimelinePageButton(discord.ui.DynamicItem[discord.ui.Button], template=re.compile(r"timeline:(?P<page>\d+):(?P<actor>.*)")):
    """Turns the timeline to another page, in place."""

    def __init__(self, page: int, actor: str, label: str = "…", disabled: bool = False):
        super().__init__(
            discord.ui.Button(label=label, style=discord.ButtonStyle.primary, disabled=disabled, custom_id=f"timeline:{page}:{actor}"[:100])
        )
        self.page = page
        self.actor = actor

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Button, match: re.Match[str]) -> TimelinePageButton:
        return cls(int(match["page"]), match["actor"], item.label or "…")

    async def callback(self, interaction: discord.Interaction) -> None:
        pages = render_timeline(interaction.client.knowledge, self.actor or None)  # type: ignore[attr-defined]
        page = min(self.page, len(pages) - 1)
        await interaction.response.edit_message(embed=card_to_embed(pages[page]), view=timeline_view(page, len(pages), self.actor))


def timeline_view(page: int, page_count: int, actor: str | None) -> discord.ui.View | None:
    if page_count <= 1:
        return None
    view = discord.ui.View(timeout=None)
    actor = actor or ""
    view.add_item(TimelinePageButton(max(page - 1, 0), actor, "◀ Previous", disabled=page == 0))
    view.add_item(TimelinePageButton(min(page + 1, page_count - 1), actor, "Next ▶", disabled=page >= page_count - 1))
    return view


DYNAMIC_ITEMS = (SuggestionButton, TimelinePageButton)
