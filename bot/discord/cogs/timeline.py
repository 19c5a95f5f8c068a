"""/timeline: the summary with its picture, the events of one actor (paged), or one event in full."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.embeds import card_to_embed
from bot.discord.views import timeline_summary_view, timeline_view
from bot.knowledge import KnowledgeBase
from bot.matching import search_events
from bot.render import AUTOCOMPLETE_CHOICES, CHOICE_LIMIT, clip, render_event, render_timeline, render_timeline_summary
from bot.timeline_picture import Picture, timeline_picture

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot

log = logging.getLogger(__name__)


class TimelineCog(commands.Cog):
    def __init__(self, bot: AssessmentBot):
        self.bot = bot

    @app_commands.command(name="timeline", description="The timeline at a glance: its phases and a picture; or one actor's events")
    @app_commands.describe(actor="Only events involving this actor", event="Show one event in full, with its quote")
    async def timeline(self, interaction: discord.Interaction, actor: str | None = None, event: str | None = None) -> None:
        knowledge = self.bot.knowledge
        if event:
            found = knowledge.event(event) or next(iter(search_events(knowledge.timeline, event, limit=1)), None)
            if found is None:
                await interaction.response.send_message("No event matches that; pick one from the list as you type.", ephemeral=True)
                return
            await interaction.response.send_message(embed=card_to_embed(render_event(found, knowledge)))
            return
        if not actor:
            await interaction.response.send_message(**await summary_message(knowledge))
            return
        canonical = knowledge.actor(actor)
        if canonical is None:
            await interaction.response.send_message(f"Unknown actor. Choose one of: {', '.join(knowledge.actors)}.", ephemeral=True)
            return
        actor = canonical
        pages = render_timeline(knowledge, actor)
        view = timeline_view(0, len(pages), actor)
        await interaction.response.send_message(embed=card_to_embed(pages[0]), **({"view": view} if view else {}))

    @timeline.autocomplete("actor")
    async def actor_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        wanted = current.casefold()
        actors = [a for a in self.bot.knowledge.actors if wanted in a.casefold()]
        return [app_commands.Choice(name=a, value=a) for a in actors[:AUTOCOMPLETE_CHOICES]]

    @timeline.autocomplete("event")
    async def event_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        events = search_events(self.bot.knowledge.timeline, current, limit=AUTOCOMPLETE_CHOICES)
        return [app_commands.Choice(name=clip(f"{e.date.isoformat()} · {e.event}", CHOICE_LIMIT), value=e.id) for e in events]


async def summary_message(knowledge: KnowledgeBase) -> dict[str, Any]:
    """The summary embed, its picture as an attachment shown inside it, and its buttons. The picture is
    drawn in a worker thread (a first drawing takes tens of milliseconds; later ones come from a cache);
    should drawing fail, the summary goes without it."""
    picture: Picture | None = None
    try:
        picture = await asyncio.to_thread(timeline_picture, knowledge)
    except Exception:
        log.exception("Could not draw the timeline picture; sending the summary without it")
    card = render_timeline_summary(knowledge, image=picture.filename if picture else "")
    message: dict[str, Any] = {"embed": card_to_embed(card)}
    if view := timeline_summary_view(knowledge):
        message["view"] = view
    if picture:
        message["file"] = discord.File(io.BytesIO(picture.png), filename=picture.filename, description=picture.description)
    return message
