"""/about, /topics and /help: shown only to whoever asked."""

from __future__ import annotations

from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.embeds import card_to_embed
from bot.render import render_about, render_help, render_topics

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot


class InfoCog(commands.Cog):
    def __init__(self, bot: AssessmentBot):
        self.bot = bot

    @app_commands.command(name="about", description="Which assessments the bot knows: title, author, publisher, date")
    async def about(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=card_to_embed(render_about(self.bot.knowledge)), ephemeral=True)

    @app_commands.command(name="topics", description="What you can ask about")
    async def topics(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=card_to_embed(render_topics(self.bot.knowledge)), ephemeral=True)

    @app_commands.command(name="help", description="How to ask the bot questions")
    async def help(self, interaction: discord.Interaction) -> None:
        await interaction.response.send_message(embed=card_to_embed(render_help()), ephemeral=True)
