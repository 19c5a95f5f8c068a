"""Questions asked with /ask, by mentioning the bot, in a DM, or in a listen channel.

Each question is answered by the engine in service at that moment, logged in one line (how it came, the
entry or "declined", the score, the latency, the guild; never the question itself, so neither DM text nor
anything else a user typed reaches the logs), and recorded for the report when the bot declined it or was
unsure, unless it came in a DM (see bot/records.py).
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.embeds import card_to_embed
from bot.discord.replies import FAILED, RESTARTING, reply_briefly
from bot.discord.views import answer_view
from bot.matching import Result
from bot.render import clip, render_answer, render_help
from bot.text import MAX_QUESTION_CHARS

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot

log = logging.getLogger(__name__)

CHOICE_LIMIT = 100  # Discord's limit on an autocomplete choice's name and value


def cooldown_message(retry_after: float) -> str:
    """The notice for a user on cooldown; the wait is rounded up, so it never says "wait 0 s"."""
    return f"You're asking quickly: please wait {math.ceil(retry_after)} s before the next question."


def log_outcome(via: str, result: Result, guild_id: int | None, started: float) -> None:
    """The one INFO line per question answered or declined. No question text, no user."""
    entry = result.entry.id if result.matched and result.entry else "declined"
    latency_ms = (time.perf_counter() - started) * 1000
    log.info("question via=%s entry=%s score=%.1f latency_ms=%.0f guild=%s",
             via, entry, result.score, latency_ms, guild_id if guild_id is not None else "dm")


class QuestionsCog(commands.Cog):
    def __init__(self, bot: AssessmentBot):
        self.bot = bot

    @app_commands.command(name="ask", description="Ask a question about the assessment, in plain words")
    @app_commands.describe(question="Your question; suggestions from the knowledge base appear as you type")
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, MAX_QUESTION_CHARS]) -> None:
        with self.bot.in_flight.track():  # the stop waits for this reply, a notice included
            if self.bot.stopping:
                await interaction.response.send_message(RESTARTING, ephemeral=True)
                return
            started = time.perf_counter()
            retry_after = self.bot.retry_after(interaction)
            if retry_after:
                log.info("question via=slash rate-limited retry_after=%.1f guild=%s", retry_after, interaction.guild_id or "dm")
                await interaction.response.send_message(cooldown_message(retry_after), ephemeral=True)
                return
            engine = self.bot.engine
            result = engine.answer(question)
            view = answer_view(result)
            embed = card_to_embed(render_answer(result, engine.knowledge))
            await interaction.response.send_message(embed=embed, **({"view": view} if view else {}))
            log_outcome("slash", result, interaction.guild_id, started)
            self.bot.record(result, interaction.guild_id)

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
        addressed = direct or mentioned
        with self.bot.in_flight.track():  # the stop waits for this reply, a notice included
            if self.bot.stopping:
                if addressed:
                    await reply_briefly(message, RESTARTING)
                return
            try:
                await self._answer_message(message, via="dm" if direct else "mention" if mentioned else "listen")
            except Exception:
                # The traceback names the failure; the message's text stays out of the log.
                log.exception("Answering a message in channel %s failed", message.channel.id)
                if addressed:
                    await reply_briefly(message, FAILED)

    async def _answer_message(self, message: discord.Message, via: str) -> None:
        started = time.perf_counter()
        engine = self.bot.engine
        result = engine.answer(message.content)
        addressed = via != "listen"
        guild_id = message.guild.id if message.guild else None
        if not addressed and not result.matched:
            log.debug("listen channel %s: not a question the bot can answer (score %.1f)", message.channel.id, result.score)
            return  # listen channels: answer what we can, stay quiet otherwise
        retry_after = self.bot.retry_after(message)
        if retry_after:
            if addressed:  # a listen-channel message never asked the bot anything: no notice for it
                log.info("question via=%s rate-limited retry_after=%.1f guild=%s", via, retry_after, guild_id or "dm")
                await self._tell_privately(message.author, cooldown_message(retry_after))
            return
        if not result.question:
            card = render_help()  # a bare mention: say how to ask
            view = None
        else:
            card = render_answer(result, engine.knowledge)
            view = answer_view(result)
        try:
            await message.reply(embed=card_to_embed(card), mention_author=False, **({"view": view} if view else {}))
        except discord.HTTPException as error:
            log.warning("Could not reply in channel %s: %s %s", message.channel.id, error.status, error.text)
        if result.question:
            log_outcome(via, result, guild_id, started)
            self.bot.record(result, guild_id)

    async def _tell_privately(self, user: discord.abc.User, text: str) -> None:
        try:
            await user.send(text)
        except discord.HTTPException as error:
            log.info("Could not DM a cooldown notice to user %s: %s", user.id, error.status)
