"""Questions asked with /ask, by mentioning the bot, in a DM, or in a listen channel."""

from __future__ import annotations

import logging
import math
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.embeds import card_to_embed
from bot.discord.views import suggestions_view
from bot.render import clip, render_answer, render_help
from bot.text import MAX_QUESTION_CHARS

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot

log = logging.getLogger(__name__)

CHOICE_LIMIT = 100  # Discord's limit on an autocomplete choice's name and value


def cooldown_message(retry_after: float) -> str:
    """The notice for a user on cooldown; the wait is rounded up, so it never says "wait 0 s"."""
    return f"You're asking quickly: please wait {math.ceil(retry_after)} s before the next question."


class QuestionsCog(commands.Cog):
    def __init__(self, bot: AssessmentBot):
        self.bot = bot

    @app_commands.command(name="ask", description="Ask a question about the assessment, in plain words")
    @app_commands.describe(question="Your question; suggestions from the knowledge base appear as you type")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, MAX_QUESTION_CHARS]) -> None:
        retry_after = self.bot.retry_after(interaction)
        if retry_after:
            await interaction.response.send_message(cooldown_message(retry_after), ephemeral=True)
            return
        result = self.bot.engine.answer(question)
        card = render_answer(result, self.bot.knowledge)
        view = suggestions_view(result)
        await interaction.response.send_message(embed=card_to_embed(card), **({"view": view} if view else {}))

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        questions = self.bot.engine.autocomplete(current, limit=25)
        return [app_commands.Choice(name=clip(q, CHOICE_LIMIT), value=clip(q, CHOICE_LIMIT)) for q in questions]

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return  # other bots, webhooks and the bot itself
        direct = message.guild is None
        mentioned = self.bot.user is not None and any(u.id == self.bot.user.id for u in message.mentions)
        listening = message.channel.id in self.bot.settings.listen_channel_ids
        if not (direct or mentioned or listening):
            return
        result = self.bot.engine.answer(message.content)
        addressed = direct or mentioned
        if not addressed and not result.matched:
            return  # listen channels: answer what we can, stay quiet otherwise
        retry_after = self.bot.retry_after(message)
        if retry_after:
            if addressed:  # a listen-channel message never asked the bot anything: no notice for it
                await self._tell_privately(message.author, cooldown_message(retry_after))
            return
        if not result.question:
            card = render_help()  # a bare mention: say how to ask
            view = None
        else:
            card = render_answer(result, self.bot.knowledge)
            view = suggestions_view(result)
        try:
            await message.reply(embed=card_to_embed(card), mention_author=False, **({"view": view} if view else {}))
        except discord.HTTPException as error:
            log.warning("Could not reply in channel %s: %s %s", message.channel.id, error.status, error.text)

    async def _tell_privately(self, user: discord.abc.User, text: str) -> None:
        try:
            await user.send(text)
        except discord.HTTPException as error:
            log.info("Could not DM a cooldown notice to user %s: %s", user.id, error.status)
