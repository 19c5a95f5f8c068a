"""The Discord client: least-privilege intents, no pings, cogs loaded and commands synced once."""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.knowledge import KnowledgeBase
from bot.matching import Engine

log = logging.getLogger(__name__)


def intents_for(settings: Settings) -> discord.Intents:
    """Only what slash commands, mentions and DMs need; Message Content only for listen channels."""
    intents = discord.Intents.none()
    intents.guilds = True            # guild and channel cache, needed by app commands
    intents.guild_messages = True    # MESSAGE_CREATE for mentions (content is sent when the bot is mentioned)
    intents.dm_messages = True       # MESSAGE_CREATE in DMs (content is always sent in DMs)
    intents.message_content = bool(settings.listen_channel_ids)
    return intents


class ReportingTree(app_commands.CommandTree):
    """Logs a failed command with its traceback and tells the user, privately, that it failed."""

    async def on_error(self, interaction: discord.Interaction, error: app_commands.AppCommandError) -> None:
        name = interaction.command.qualified_name if interaction.command else "?"
        log.error("Command /%s failed", name, exc_info=error)
        message = "Sorry, something went wrong answering that. It has been logged; please try again."
        try:
            if interaction.response.is_done():
                await interaction.followup.send(message, ephemeral=True)
            else:
                await interaction.response.send_message(message, ephemeral=True)
        except discord.HTTPException as notice_error:
            log.warning("Could not tell the user that /%s failed: %s", name, notice_error)


class AssessmentBot(commands.Bot):
    """Holds the live knowledge base and engine; cogs read them on every question."""

    def __init__(self, settings: Settings, knowledge: KnowledgeBase, **options):
        super().__init__(
            command_prefix=[],  # no text commands: slash commands, mentions and DMs only
            help_command=None,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ReportingTree,
            **options,
        )
        self.settings = settings
        self.engine = Engine(knowledge)
        # One cooldown for every way of asking, keyed on the user, so no channel can be flooded.
        self.cooldowns: commands.CooldownMapping = commands.CooldownMapping(
            app_commands.Cooldown(settings.cooldown_rate, settings.cooldown_seconds), type=_user_id
        )

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.engine.knowledge

    def retry_after(self, source: discord.Message | discord.Interaction) -> float | None:
        """Seconds the user must wait before asking again, or None when they may ask now."""
        bucket = self.cooldowns.get_bucket(source)
        return bucket.update_rate_limit() if bucket else None

    async def setup_hook(self) -> None:
        from bot.discord.cogs import load_cogs

        await load_cogs(self)
        await self.sync_commands()

    async def sync_commands(self) -> None:
        """Register the commands with Discord only when they changed since the last registration.

        Discord rate-limits registration, so a restart with the same commands sends nothing. A refused
        registration is logged, not raised: the bot serves on with the commands Discord already has.
        """
        guild = discord.Object(id=self.settings.dev_guild_id) if self.settings.dev_guild_id else None
        if guild:
            self.tree.copy_global_to(guild=guild)
        payload = [command.to_dict(self.tree) for command in self.tree.get_commands(guild=guild)]
        digest = hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()
        scope = f"guild-{guild.id}" if guild else "global"
        state_file = self.settings.database_path.with_suffix(".commands.json")
        state = _read_json(state_file)
        key = f"{self.application_id}:{scope}"
        if state.get(key) == digest:
            log.info("Slash commands unchanged (%s); not registering again", scope)
            return
        try:
            synced = await self.tree.sync(guild=guild)
        except discord.HTTPException as error:
            # Mentions, DMs and commands registered earlier work without this registration, so a
            # refusal must not stop the bot; nothing is recorded, so the next start tries again.
            hint = ""
            if guild:
                hint = " Check DEV_GUILD_ID and that the bot was invited there with the applications.commands scope."
            log.error("Could not register the slash commands (%s): %s %s.%s", scope, error.status, error.text, hint)
            return
        log.info("Registered %d slash commands (%s)", len(synced), scope)
        state[key] = digest
        _write_json(state_file, state)

    async def on_ready(self) -> None:
        log.info("Connected as %s (id %s) to %d guild(s)", self.user, self.user.id if self.user else "?", len(self.guilds))

    async def on_error(self, event_method: str, /, *args, **kwargs) -> None:
        log.exception("Error in %s; still serving", event_method)


class ShardedAssessmentBot(AssessmentBot, commands.AutoShardedBot):
    """The same bot, run as the shards SHARD_COUNT and SHARD_IDS name."""


def create_bot(settings: Settings, knowledge: KnowledgeBase, **options) -> AssessmentBot:
    """The bot for these settings: sharded when SHARD_COUNT is set. `options` go to discord.py's client."""
    if settings.shard_count:
        shard_ids = list(settings.shard_ids) if settings.shard_ids else None
        return ShardedAssessmentBot(settings, knowledge, shard_count=settings.shard_count, shard_ids=shard_ids, **options)
    return AssessmentBot(settings, knowledge, **options)


def _user_id(source: discord.Message | discord.Interaction) -> int:
    return source.user.id if isinstance(source, discord.Interaction) else source.author.id


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _write_json(path: Path, data: dict) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, indent=2), encoding="utf-8")
    except OSError as error:
        log.warning("Could not record the registered commands in %s: %s", path, error)
