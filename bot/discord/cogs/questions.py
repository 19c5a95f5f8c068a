"""Questions asked with /ask, by mentioning the bot, in a DM, by replying to one of its answers, or in a
listen channel.

Each message is read by the conversation core (bot/conversation.py) with the engine in service at that
moment, in context: a reply to one of the bot's answers is read against that answer (carried in its
buttons, so this survives a restart); otherwise, asked directly, against the same person's last answer in
the same channel within 10 minutes (`Memory`, in memory only). In a listen channel only a question put to
the bot gets a reply. Each question is logged in one line (how it came, the entry or "declined", the
score, the latency, the guild; never the question itself, so neither DM text nor anything else a user
typed reaches the logs), and recorded for the report when the bot declined it or was unsure, unless it
came in a DM (see bot/records/policy.py). Small talk is answered, never recorded.
"""

from __future__ import annotations

import logging
import math
import time
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands

from bot.conversation import Context, Conversation, Memory, Reply
from bot.discord.choices import assessment_choices, chosen_assessment
from bot.discord.embeds import card_to_embed
from bot.discord.replies import ANSWER_REFUSED, CHANNEL_CLOSED, FAILED, NO_SUCH_ASSESSMENT, RESTARTING, reply, say_privately
from bot.discord.views import context_of, reply_view
from bot.matching import Result
from bot.render import AUTOCOMPLETE_CHOICES, CHOICE_LIMIT, clip, render_reply
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
    entry = result.entry.id if result.entry and result.matched else "declined"
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
        self.memory = Memory()  # (user id, channel id) -> the last answer given there; never written anywhere
        self._conversation: Conversation | None = None

    @property
    def conversation(self) -> Conversation:
        """The conversation over the engine in service now, built again after a reload."""
        engine = self.bot.engine
        if self._conversation is None or self._conversation.engine is not engine:
            self._conversation = Conversation(engine)
        return self._conversation

    @app_commands.command(name="ask", description="Ask a question about the assessment, in plain words")
    @app_commands.describe(
        question="Your question; suggestions from the knowledge base appear as you type",
        assessment="Only this assessment of the series (by number, date or title); by default the latest that answers",
    )
    async def ask(self, interaction: discord.Interaction, question: app_commands.Range[str, 1, MAX_QUESTION_CHARS],
                  assessment: app_commands.Range[str, 1, CHOICE_LIMIT] | None = None) -> None:
        with self.bot.in_flight.track():  # the stop waits for this reply, a notice included
            if self.bot.stopping:
                await interaction.response.send_message(RESTARTING, ephemeral=True)
                return
            started = time.perf_counter()
            retry_after = self._rate_limited(interaction, "slash", interaction.guild_id)
            if retry_after:
                await interaction.response.send_message(cooldown_message(retry_after), ephemeral=True)
                return
            conversation = self.conversation
            within = conversation.series.resolve(assessment) if assessment else None
            if assessment and within is None:
                await interaction.response.send_message(NO_SUCH_ASSESSMENT, ephemeral=True)
                return
            key = (interaction.user.id, interaction.channel_id)
            context = self.memory.get(key)
            answer = conversation.respond(question, context, assessment=within.id if within else None)
            card = render_reply(answer, conversation.knowledge)
            assert card is not None  # only a listen channel gets silence
            try:
                if answer.kind == "small_talk":  # a word in passing, for the asker alone
                    await interaction.response.send_message(card.description, ephemeral=True)
                else:
                    view = reply_view(answer, conversation.knowledge)
                    await interaction.response.send_message(embed=card_to_embed(card), **({"view": view} if view else {}))
            except discord.HTTPException as error:
                log.warning("Could not answer /ask: %s %s", error.status, error.text)
                await say_privately(interaction, ANSWER_REFUSED)
                await self._done("slash", answer, interaction.guild_id, started, refused=error)
                return
            self.memory.put(key, answer.context(context))
            await self._done("slash", answer, interaction.guild_id, started)

    @ask.autocomplete("question")
    async def ask_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        conversation = self.conversation
        within = chosen_assessment(conversation.series, interaction)  # filled in before the question, or not
        questions = conversation.engine.autocomplete(current, limit=AUTOCOMPLETE_CHOICES, assessment=within.id if within else None)
        return [app_commands.Choice(name=clip(q, CHOICE_LIMIT), value=clip(q, CHOICE_LIMIT)) for q in questions]

    @ask.autocomplete("assessment")
    async def assessment_autocomplete(self, interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return assessment_choices(self.conversation.series, current)

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        if message.author.bot or message.webhook_id is not None:
            return  # other bots, webhooks and the bot itself
        direct = message.guild is None
        mentioned = self.bot.user is not None and any(u.id == self.bot.user.id for u in message.mentions)
        listening = message.channel.id in self.bot.settings.listen_channel_ids
        answered_message = await self._bots_message_replied_to(message)
        if not (direct or mentioned or listening or answered_message):
            return
        addressed = direct or mentioned or answered_message is not None
        with self.bot.in_flight.track():  # the stop waits for this reply, a notice included
            if self.bot.stopping:
                if addressed:
                    await reply(message, RESTARTING)
                return
            via = "dm" if direct else "mention" if mentioned else "reply" if answered_message else "listen"
            try:
                await self._answer_message(message, via, answered_message)
            except Exception:
                # The traceback names the failure; the message's text stays out of the log.
                log.exception("Answering a message in channel %s failed", message.channel.id)
                if addressed:
                    await reply(message, FAILED)

    async def _bots_message_replied_to(self, message: discord.Message) -> discord.Message | None:
        """The bot's own message that `message` replies to, or None. Discord sends it with the reply; a
        reply to an old message it left out is fetched."""
        reference = message.reference
        if reference is None or reference.message_id is None or self.bot.user is None:
            return None
        replied = reference.resolved
        if replied is None:
            try:
                replied = await message.channel.fetch_message(reference.message_id)
            except discord.HTTPException:
                return None
        if not isinstance(replied, discord.Message) or replied.author.id != self.bot.user.id:
            return None
        return replied

    async def _answer_message(self, message: discord.Message, via: str, answered_message: discord.Message | None) -> None:
        started = time.perf_counter()
        guild_id = message.guild.id if message.guild else None
        if via != "listen":  # asked directly: the cooldown comes first, and its notice goes privately
            retry_after = self._rate_limited(message, via, guild_id)
            if retry_after:
                if self.bot.may_send_cooldown_notice(message):
                    await self._tell_privately(message.author, cooldown_message(retry_after))
                return
        key = (message.author.id, message.channel.id)
        conversation = self.conversation
        context: Context | None = None
        if answered_message is not None:
            context = context_of(answered_message, conversation.knowledge)
        elif via != "listen":
            context = self.memory.get(key)
        answer = conversation.respond(message.content, context, listening=via == "listen")
        if answer.kind == "silent":
            return  # a listen channel: nobody asked the bot anything, or it is not sure
        if via == "listen" and self._rate_limited(message, via, guild_id):
            return  # a listen channel gets no cooldown notice either
        card = render_reply(answer, conversation.knowledge)
        assert card is not None
        if answer.kind == "small_talk":
            refused = await reply(message, card.description)
        else:
            view = reply_view(answer, conversation.knowledge)
            refused = await reply(message, embed=card_to_embed(card), **({"view": view} if view else {}))
        if refused is not None and via != "listen":  # a listen channel stays quiet, failures included
            await self._tell_refused(message, refused)
        if refused is None:
            self.memory.put(key, answer.context(context))
        await self._done(via, answer, guild_id, started, refused)

    def _rate_limited(self, source: discord.Message | discord.Interaction, via: str, guild_id: int | None) -> float | None:
        """Seconds this user must wait, logged when they must; None when they may ask now."""
        retry_after = self.bot.retry_after(source)
        if retry_after:
            log.info("question via=%s rate-limited retry_after=%.1f guild=%s", via, retry_after, guild_id or "dm")
        return retry_after

    async def _done(
        self, via: str, answer: Reply, guild_id: int | None, started: float, refused: discord.HTTPException | None = None,
    ) -> None:
        if answer.result is None:  # small talk or a bare mention: no question to log or record
            log.info("message via=%s %s latency_ms=%.0f guild=%s", via, f"small-talk={answer.small_talk}"
                     if answer.small_talk else answer.kind, (time.perf_counter() - started) * 1000,
                     guild_id if guild_id is not None else "dm")
            return
        log_outcome(via, answer.result, guild_id, started, refused)
        await self.bot.record(answer.result, guild_id)

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
