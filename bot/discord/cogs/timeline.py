"""/timeline: the summary with its picture, the events of one actor (paged), or one event in full; of the
whole series (an event that several assessments report once, with all of them as its sources) or, with
`assessment:`, of one assessment in its own words."""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.choices import assessment_choices, chosen_assessment
from bot.discord.embeds import card_to_embed
from bot.discord.replies import NO_SUCH_ASSESSMENT
from bot.discord.views import timeline_summary_view, timeline_view
from bot.knowledge import KnowledgeBase
from bot.matching import search_events
from bot.render import AUTOCOMPLETE_CHOICES, CHOICE_LIMIT, clip, render_event, render_timeline, render_timeline_summary
from bot.series import SeriesReader
from bot.timeline_picture import Picture, timeline_picture

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot

log = logging.getLogger(__name__)


class TimelineCog(commands.Cog):
    def __init__(self, bot: AssessmentBot):
        self.bot = bot
        self._series: SeriesReader | None = None

    @property
    def series(self) -> SeriesReader:
        """Reads the `assessment` option against the knowledge in service now, built again after a reload."""
        knowledge = self.bot.knowledge
        if self._series is None or self._series.knowledge is not knowledge:
            self._series = SeriesReader(knowledge)
        return self._series

    @app_commands.command(name="timeline", description="The timeline at a glance: its phases and a picture; or one actor's events")
    @app_commands.describe(
        actor="Only events involving this actor",
        event="Show one event in full, with its quote",
        assessment="Only this assessment of the series (by number, date or title); by default every one",
    )
    async def timeline(self, interaction: discord.Interaction, actor: str | None = None, event: str | None = None,
                       assessment: app_commands.Range[str, 1, CHOICE_LIMIT] | None = None) -> None:
        series = self.series
        knowledge = series.knowledge
        within = series.resolve(assessment) if assessment else None
        if assessment and within is None:
            await interaction.response.send_message(NO_SUCH_ASSESSMENT, ephemeral=True)
            return
        scope = within.id if within else None
        number = knowledge.number_of(within) if within else None
        if event:
            found = knowledge.event(event, scope)
            if found is None and scope is not None and knowledge.event(event) is not None:
                await interaction.response.send_message(
                    f"Assessment no. {number} does not report that event; leave out `assessment:` to find it.", ephemeral=True)
                return
            found = found or next(iter(search_events(knowledge.events_of(None, scope), event, limit=1)), None)
            if found is None:
                await interaction.response.send_message("No event matches that; pick one from the list as you type.", ephemeral=True)
                return
            await interaction.response.send_message(embed=card_to_embed(render_event(found, knowledge)))
            return
        if not actor:
            await interaction.response.send_message(**await summary_message(knowledge, scope))
            return
        canonical = knowledge.actor(actor)
        if canonical is None:
            await interaction.response.send_message(f"Unknown actor. Choose one of: {', '.join(knowledge.actors)}.", ephemeral=True)
            return
        pages = render_timeline(knowledge, canonical, scope)
        view = timeline_view(0, len(pages), canonical, number)
        await interaction.response.send_message(embed=card_to_embed(pages[0]), **({"view": view} if view else {}))

    @timeline.autocomplete("actor")
    async def actor_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        series = self.series
        within = chosen_assessment(series, interaction)
        involved = {a for e in series.knowledge.events_of(None, within.id) for a in e.actors} if within else None
        wanted = current.casefold()
        actors = [a for a in series.knowledge.actors if wanted in a.casefold() and (involved is None or a in involved)]
        return [app_commands.Choice(name=a, value=a) for a in actors[:AUTOCOMPLETE_CHOICES]]

    @timeline.autocomplete("event")
    async def event_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        series = self.series
        within = chosen_assessment(series, interaction)
        events = search_events(series.knowledge.events_of(None, within.id if within else None), current, limit=AUTOCOMPLETE_CHOICES)
        return [app_commands.Choice(name=clip(f"{e.date.isoformat()} · {e.event}", CHOICE_LIMIT), value=e.id) for e in events]

    @timeline.autocomplete("assessment")
    async def assessment_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return assessment_choices(self.series, current)


async def summary_message(knowledge: KnowledgeBase, assessment_id: str | None = None) -> dict[str, Any]:
    """The summary embed (of the series, or of one assessment), its picture as an attachment shown inside
    it, and its buttons. The picture is drawn in a worker thread (a first drawing takes tens of
    milliseconds; later ones come from a cache); should drawing fail, the summary goes without it."""
    picture: Picture | None = None
    try:
        picture = await asyncio.to_thread(timeline_picture, knowledge, assessment_id)
    except Exception:
        log.exception("Could not draw the timeline picture; sending the summary without it")
    card = render_timeline_summary(knowledge, assessment_id, image=picture.filename if picture else "")
    message: dict[str, Any] = {"embed": card_to_embed(card)}
    if view := timeline_summary_view(knowledge, assessment_id):
        message["view"] = view
    if picture:
        message["file"] = discord.File(io.BytesIO(picture.png), filename=picture.filename, description=picture.description)
    return message
