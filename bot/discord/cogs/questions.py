"""Questions asked with /ask, by mentioning the bot, in a DM, or in a listen channel.

Each question is answered by the engine in service at that moment, logged in one line (how it came, the
entry or "declined", the score, the latency, the guild; never the question itself, so neither DM text nor
anything else a user typed reaches the logs), and recorded for the report when the bot declined it or was
unsure, unless it came in a DM (see bot/records/policy.py).
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
from bot.discord.replies import ANSWER_REFUSED, CHANNEL_CLOSED, FAILED, RESTARTING, reply, say_privately
from bot.discord.views import answer_view
from bot.matching import Result
from bot.render import AUTOCOMPLETE_CHOICES, CHOICE_LIMIT, clip, render_answer, render_help
from bot.text import MAX_QUESTION_CHARS

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot

log = logging.getLogger(__name__)



def cooldown_message(retry_after: float) -> str:
    """The notice for a user on cooldown; the wait is rounded up, so it never says "wait 0 s"."""
    return f"You're asking quickly: please wait {math.ceil(retry_after)} s before the next question."


def log_outcome(
    via: str, result: Result, guild_id: int | None, started: float, refused: discord.HTTPException | None = None,
) -> None:
    """The one line per question: INFO when answered or declined, WARNING with Discord's status when
    Discord refused the reply (the question was then not answered). No question text, no user."""
    entry = result.entry.id if result.entry else "declined"
    latency_ms = (time.perf_counter() - started) * 1000
    guild = guild_id if guild_id is not None else "dm"
    if refused is not None:
        log.warning("question via=%s reply-failed status=%s entry=%s score=%.1f latency_ms=%.0f guild=%s",
                    via, refused.status, entry, result.score, latency_ms, guild)
        return
    log.info("question via=%s entry=%s score=%.1f latency_ms=%.0f guild=%s", via, entry, result.score, latency_ms, guild)


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
            retry_after = self._rate_limited(interaction, "slash", interaction.guild_id)
            if retry_after:
                await interaction.response.send_message(cooldown_message(retry_after), ephemeral=True)
                return
            engine = self.bot.engine
            result = engine.answer(question)
            view = answer_view(result)
            embed = card_to_embed(render_answer(result, engine.knowledge))
            try:
                await interaction.response.send_message(embed=embed, **({"view": view} if view else {}))
            except discord.HTTPException as error:
                log.warning("Could not answer /ask: %s %s", error.status, error.text)
                await say_privately(interaction, ANSWER_REFUSED)
                await self._done("slash", result, interaction.guild_id, started, refused=error)
                return
            await self._done("slash", result, interaction.guild_id, started)

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        questions = self.bot.engine.autocomplete(current, limit=AUTOCOMPLETE_CHOICES)
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
                    await reply(message, RESTARTING)
                return
            try:
                await self._answer_message(message, via="dm" if direct else "mention" if mentioned else "listen")
            except Exception:
                # The traceback names the failure; the message's text stays out of the log.
                log.exception("Answering a message in channel %s failed", message.channel.id)
                if addressed:
                    await reply(message, FAILED)

    async def _answer_message(self, message: discord.Message, via: str) -> None:
        started = time.perf_counter()
        guild_id = message.guild.id if message.guild else None
        if via != "listen":  # asked directly: the cooldown comes first, and its notice goes privately
            retry_after = self._rate_limited(message, via, guild_id)
            if retry_after:
                if self.bot.may_send_cooldown_notice(message):
                    await self._tell_privately(message.author, cooldown_message(retry_after))
                return
        engine = self.bot.engine
        result = engine.answer(message.content)
        if via == "listen":
            # Listen channels: answer what we can, stay quiet otherwise; a message that never asked the
            # bot anything gets no cooldown notice either.
            if not result.matched or self._rate_limited(message, via, guild_id):
                return
        if not result.question:
            card, view = render_help(), None  # a bare mention: say how to ask
        else:
            card, view = render_answer(result, engine.knowledge), answer_view(result)
        refused = await reply(message, embed=card_to_embed(card), **({"view": view} if view else {}))
        if refused is not None and via != "listen":  # a listen channel stays quiet, failures included
            await self._tell_refused(message, refused)
        if result.question:
            await self._done(via, result, guild_id, started, refused)

    def _rate_limited(self, source: discord.Message | discord.Interaction, via: str, guild_id: int | None) -> float | None:
        """Seconds this user must wait, logged when they must; None when they may ask now."""
        retry_after = self.bot.retry_after(source)
        if retry_after:
            log.info("question via=%s rate-limited retry_after=%.1f guild=%s", via, retry_after, guild_id or "dm")
        return retry_after

    async def _done(
        self, via: str, result: Result, guild_id: int | None, started: float, refused: discord.HTTPException | None = None,
    ) -> None:
        log_outcome(via, result, guild_id, started, refused)
        await self.bot.record(result, guild_id)

    async def _tell_refused(self, message: discord.Message, refused: discord.HTTPException) -> None:
        """Tells the asker, briefly, that their answer did not go through: in the channel when Discord
        refused the answer (its content), by DM when it refused the channel (no access to it)."""
        if refused.status not in (403, 404):
            await reply(message, ANSWER_REFUSED)
        elif message.guild is not None:  # a refused DM channel would refuse this notice too
            await self._tell_privately(message.author, CHANNEL_CLOSED)

    async def _tell_privately(self, user: discord.abc.User, text: str) -> None:
        try:
            await user.send(text)
        except discord.HTTPException as error:
            log.info("Could not DM a notice to a user: %s", error.status)
