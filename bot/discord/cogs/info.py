"""/about, /assessments, /topics and /help: shown only to whoever asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.choices import assessment_choices
from bot.discord.embeds import card_to_embed
from bot.discord.replies import NO_SUCH_ASSESSMENT
from bot.render import CHOICE_LIMIT, render_about, render_assessments, render_help, render_topics
from bot.series import SeriesReader

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot


class InfoCog(commands.Cog):
    def __init__(self, bot: AssessmentBot):
        self.bot = bot

    @app_commands.command(name="about", description="An assessment the bot knows: title, author, publisher, date")
    @app_commands.describe(assessment="Which one (by number, date or title); by default the latest")
    async def about(self, interaction: discord.Interaction,
                    assessment: app_commands.Range[str, 1, CHOICE_LIMIT] | None = None) -> None:
        knowledge = self.bot.knowledge
        shown = SeriesReader(knowledge).resolve(assessment) if assessment else None
        if assessment and shown is None:
            await interaction.response.send_message(NO_SUCH_ASSESSMENT, ephemeral=True)
            return
        await interaction.response.send_message(embed=card_to_embed(render_about(knowledge, shown)), ephemeral=True)

    @about.autocomplete("assessment")
    async def about_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return assessment_choices(SeriesReader(self.bot.knowledge), current)

    @app_commands.command(name="assessments", description="The assessments of the series: number, date, title, author")
    async def assessments(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=card_to_embed(render_assessments(self.bot.knowledge)), ephemeral=True)

    @app_commands.command(name="topics", description="What you can ask about")
    async def topics(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=card_to_embed(render_topics(self.bot.knowledge)), ephemeral=True)

    @app_commands.command(name="help", description="How to ask the bot questions")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=card_to_embed(render_help()), ephemeral=True)
