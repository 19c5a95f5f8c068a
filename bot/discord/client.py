"""The Discord client: least-privilege intents, no pings, cogs loaded and commands synced once.

The bot holds the live knowledge (cogs read `bot.engine` afresh for every question, so a reload takes
effect at once), the records database, and a count of the questions being answered, so that a stop can
let them finish before it closes the gateway and the database.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import logging
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import TypeVar
from pathlib import Path

import discord
from discord import app_commands
from discord.ext import commands

from bot.config import Settings
from bot.discord.errors import NotAllowed
from bot.discord.gateway import drop_malformed_events
from bot.discord.replies import failed, say_privately
from bot.knowledge import KnowledgeBase
from bot.live import LiveKnowledge, build_engine
from bot.matching import Engine, Result
from bot.records import Records, worth_recording

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a stop waits for replies in progress before it closes anyway.
STOP_GRACE_SECONDS = 10.0


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
        if isinstance(error, NotAllowed):
            log.info("Refused /%s to user %s: not allowed", name, interaction.user.id)
            await say_privately(interaction, str(error))
            return
        log.error("Command /%s failed", name, exc_info=error)
        await say_privately(interaction, failed(f"with /{name}" if interaction.command else "with that command"))


class InFlight:
    """Counts the questions being answered, so that a stop can wait for their replies."""

    def __init__(self) -> None:
        self.count = 0
        self.closed = False  # no new questions once a stop began
        self._idle = asyncio.Event()
        self._idle.set()

    @contextlib.contextmanager
    def track(self) -> Iterator[None]:
        self.count += 1
        self._idle.clear()
        try:
            yield
        finally:
            self.count -= 1
            if not self.count:
                self._idle.set()

    async def drain(self, timeout: float) -> bool:
        """Refuses new questions, then waits up to `timeout` seconds for those in progress; True if all finished."""
        self.closed = True
        try:
            async with asyncio.timeout(timeout):
                await self._idle.wait()
        except TimeoutError:
            return False
        return True


class AssessmentBot(commands.Bot):
    """Holds the live knowledge, the records and the questions in flight; cogs read them on every question."""

    def __init__(self, settings: Settings, live: LiveKnowledge, **options):
        super().__init__(
            command_prefix=[],  # no text commands: slash commands, mentions and DMs only
            help_command=None,
            intents=intents_for(settings),
            allowed_mentions=discord.AllowedMentions.none(),
            tree_cls=ReportingTree,
            **options,
        )
        drop_malformed_events(self)
        self.settings = settings
        self.live = live
        self.records = Records(settings.database_path, settings.retention_days)
        # SQLite may wait up to its busy timeout for another writer (a shard sharing the file): that
        # wait happens on this one thread, never on the event loop that answers questions.
        self._records_thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="records")
        self.in_flight = InFlight()
        self._model_warming: asyncio.Task[None] | None = None
        # One cooldown for every way of asking, keyed on the user, so no channel can be flooded.
        self.cooldowns: commands.CooldownMapping = commands.CooldownMapping(
            app_commands.Cooldown(settings.cooldown_rate, settings.cooldown_seconds), type=_user_id
        )
        # A notice by DM at most once per user per cooldown window: a fast asker is told once, not once
        # per question (a slash command is always answered, privately, in place).
        self._cooldown_notices: commands.CooldownMapping = commands.CooldownMapping(
            app_commands.Cooldown(1, settings.cooldown_seconds), type=_user_id
        )

    @property
    def engine(self) -> Engine:
        """The engine in service now; read it once per question, so one question sees one knowledge base."""
        return self.live.engine

    @property
    def knowledge(self) -> KnowledgeBase:
        return self.live.engine.knowledge

    @property
    def stopping(self) -> bool:
        return self.in_flight.closed

    async def with_records(self, work: Callable[[Records], T]) -> T:
        """`work(records)`, run on the records thread."""
        return await asyncio.get_running_loop().run_in_executor(self._records_thread, work, self.records)

    async def record(self, result: Result, guild_id: int | None) -> None:
        """Keeps a declined or low-confidence question for the report (never one asked in a DM)."""
        if not worth_recording(question=result.question, matched=result.matched, score=result.score, direct=guild_id is None):
            return
        # Entries across the series by their keys ("herbst-2025-05/author"): the same id may be in several.
        await self.with_records(lambda records: records.record_question(
            question=result.question, guild_id=guild_id, matched=result.matched,
            entry_id=result.entry.key if result.entry else None,
            score=result.score, suggestions=[s.key for s in result.suggestions],
        ))

    def retry_after(self, source: discord.Message | discord.Interaction) -> float | None:
        """Seconds the user must wait before asking again, or None when they may ask now."""
        bucket = self.cooldowns.get_bucket(source)
        return bucket.update_rate_limit() if bucket else None

    def may_send_cooldown_notice(self, message: discord.Message) -> bool:
        """True for the first cooldown notice to this message's author in a cooldown window, False after."""
        bucket = self._cooldown_notices.get_bucket(message)
        return bucket is None or not bucket.update_rate_limit()

    async def setup_hook(self) -> None:
        from bot.discord.cogs import load_cogs

        # Opens (and creates) the database now, so a problem shows at start-up; Records logs it as a
        # warning naming the path, and the bot answers questions all the same.
        if await self.with_records(lambda records: records.healthy):
            log.info("Recording unanswered questions and votes in %s (kept %d days)", self.records.path, self.records.retention_days)
        await load_cogs(self)
        await self.sync_commands()
        # The contextual model's index takes seconds to build the first time: until it is ready the
        # bot answers with the word measures alone.
        self._model_warming = asyncio.create_task(self._warm_model(), name="contextual-model")

    async def _warm_model(self) -> None:
        engine = self.engine
        if engine.contextual is None or engine.contextual.ready:
            return
        started = time.perf_counter()
        if await asyncio.to_thread(engine.contextual.warm):
            log.info("Contextual model ready after %.1f s: unsure questions get a second look", time.perf_counter() - started)

    async def model_ready(self) -> None:
        """Returns once the contextual model's index of the knowledge in service is built (or failed)."""
        if self._model_warming is not None:
            await self._model_warming

    async def close(self) -> None:
        """Stops taking questions, lets the replies in progress finish (up to STOP_GRACE_SECONDS), then
        closes the gateway and the database. Safe to call more than once."""
        if not self.in_flight.closed and self.in_flight.count:
            log.info("Stopping: waiting for %s in progress", replies(self.in_flight.count))
        if not await self.in_flight.drain(STOP_GRACE_SECONDS):
            log.warning("Stopping with %s unfinished after %.0f s", replies(self.in_flight.count), STOP_GRACE_SECONDS)
        await super().close()
        await self.with_records(lambda records: records.close())
        self._records_thread.shutdown(wait=False)

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
            log.error("Could not register the slash commands (%s): %s %s. %s",
                      scope, error.status, error.text, sync_hint(error.status, in_guild=guild is not None))
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


def create_bot(settings: Settings, knowledge: LiveKnowledge | KnowledgeBase, **options) -> AssessmentBot:
    """The bot for these settings: sharded when SHARD_COUNT is set. `options` go to discord.py's client.

    A KnowledgeBase is served as the knowledge of `settings.knowledge_dir` (what it was loaded from).
    """
    if not isinstance(knowledge, LiveKnowledge):
        engine = Engine(knowledge, cache_dir=settings.cache_dir, wait_for_model=False)
        knowledge = LiveKnowledge(settings.knowledge_dir, engine, build=partial(build_engine, cache_dir=settings.cache_dir))
    live = knowledge
    if settings.shard_count:
        shard_ids = list(settings.shard_ids) if settings.shard_ids else None
        return ShardedAssessmentBot(settings, live, shard_count=settings.shard_count, shard_ids=shard_ids, **options)
    return AssessmentBot(settings, live, **options)


def sync_hint(status: int, *, in_guild: bool) -> str:
    """What to do about a refused command registration, by Discord's HTTP status."""
    if status == 400:
        return ("Discord rejected the commands' definitions: a bug in the bot, not in its settings; "
                "the commands registered before stay in service.")
    if status in (403, 404) and in_guild:
        return "Check DEV_GUILD_ID and that the bot was invited there with the applications.commands scope."
    if status == 429:
        return "Discord limits how often commands are registered; the next start tries again."
    return "The commands registered before stay in service; the next start tries again."


def replies(count: int) -> str:
    return f"{count} repl{'y' if count == 1 else 'ies'}"


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
