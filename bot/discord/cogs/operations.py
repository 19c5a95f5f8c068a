"""Keeping the bot current without a restart: /reload, a watch on the knowledge files, the daily purge.

A reload builds the new knowledge in a worker thread (seconds for a large knowledge base, which must not
stall the replies), then swaps it in on the event loop, whole. Invalid knowledge is never swapped in: the
bot keeps serving the previous version and says exactly what is wrong, privately: to whoever used
/reload, or by DM to ADMIN_USER_IDS when the watch found the change.
"""

from __future__ import annotations

import asyncio
import io
import logging
from typing import TYPE_CHECKING

import discord
from discord import app_commands
from discord.ext import commands, tasks

from bot.discord.errors import NotAllowed
from bot.render import CONTENT_LIMIT
from bot.live import Attempt, all_problems_text, problems_text

if TYPE_CHECKING:
    from bot.discord.client import AssessmentBot

log = logging.getLogger(__name__)

PURGE_EVERY_HOURS = 24
PROBLEMS_FILE = "knowledge-problems.txt"
# A safety net: MAX_PROBLEMS problems of at most ~1 KB each come to about 200 KB; Discord takes 10 MB.
ATTACHMENT_LIMIT = 512 * 1024
SPLIT_FENCE = "`\u200b``"  # three backticks that do not end a code block


def may_reload(interaction: discord.Interaction) -> bool:
    """Members with Manage Server in the server where the command is used, and the users in ADMIN_USER_IDS."""
    bot: AssessmentBot = interaction.client  # type: ignore[assignment]
    if interaction.user.id in bot.settings.admin_user_ids:
        return True
    if interaction.guild_id is not None and interaction.permissions.manage_guild:
        return True
    raise NotAllowed("Only members with the Manage Server permission, or the bot's administrators, may reload the knowledge.")


def problems_message(header: str, attempt: Attempt) -> tuple[str, bytes | None]:
    """`header` and the problems (file:line: field: message) within Discord's limit on a message; when
    they do not all fit, also the full list, for a text file (PROBLEMS_FILE). Both are bounded whatever
    the files hold: an attempt carries at most MAX_PROBLEMS problems (then a count), each cut to a few
    hundred characters, so the file stays under ATTACHMENT_LIMIT."""
    fence = "```"
    room = CONTENT_LIMIT - len(header) - len(fence) * 2 - 3
    while True:
        text, complete = problems_text(attempt.problems, room, attempt.omitted)
        # A quote from a YAML file may hold backticks; they must not close the code block early.
        text = text.replace(fence, SPLIT_FENCE)
        content = f"{header}\n{fence}\n{text}\n{fence}"
        if len(content) <= CONTENT_LIMIT or room <= 0:
            break
        room -= len(content) - CONTENT_LIMIT
    if complete:
        return content[:CONTENT_LIMIT], None
    data = all_problems_text(attempt.problems, attempt.omitted).encode("utf-8")
    if len(data) > ATTACHMENT_LIMIT:  # cut on a character boundary
        data = data[:ATTACHMENT_LIMIT].decode("utf-8", "ignore").encode("utf-8")
    return content[:CONTENT_LIMIT], data


def as_files(data: bytes | None) -> dict[str, discord.File]:
    """Keyword arguments attaching `data` as PROBLEMS_FILE (a discord.File is good for one send only)."""
    return {} if data is None else {"file": discord.File(io.BytesIO(data), filename=PROBLEMS_FILE)}


class OperationsCog(commands.Cog):
    def __init__(self, bot: AssessmentBot):
        self.bot = bot
        self._reloading = asyncio.Lock()
        self._admins_told_invalid = False
        self._watch_failing = False
        poll = bot.settings.knowledge_poll_seconds
        self.watch: tasks.Loop | None = tasks.loop(seconds=poll)(self._watch_knowledge) if poll > 0 else None
        self.purge: tasks.Loop = tasks.loop(hours=PURGE_EVERY_HOURS)(self._purge_records)

    async def cog_load(self) -> None:
        if self.watch is not None:
            self.watch.start()
        self.purge.start()

    async def cog_unload(self) -> None:
        if self.watch is not None:
            self.watch.cancel()
        self.purge.cancel()

    # -- reloading ----------------------------------------------------------------------------------

    async def reload(self, *, only_if_changed: bool = False) -> Attempt | None:
        """Builds the knowledge from the files and swaps it in if valid; None when nothing changed
        (`only_if_changed`). One reload at a time."""
        async with self._reloading:
            live = self.bot.live
            if only_if_changed and not live.changed_on_disk():
                return None  # another reload already took this change
            attempt = await asyncio.to_thread(live.attempt)
            live.accept(attempt)
        if not attempt.valid:
            log.error(
                "The knowledge files are invalid; still serving the previous knowledge (%d entries):\n%s",
                len(self.bot.knowledge.entries), all_problems_text(attempt.problems, attempt.omitted).rstrip(),
            )
        return attempt

    async def _watch_knowledge(self) -> None:
        try:
            if not self.bot.live.changed_and_settled():
                self._watch_failing = False
                return
            log.info("The knowledge files changed; reloading")
            attempt = await self.reload(only_if_changed=True)
            if attempt is not None:
                await self._tell_admins(attempt)
            self._watch_failing = False
        except Exception:
            # A failed look must not end the watch: the loop tries again at the next interval. The
            # traceback is logged at the first failure, not at every look while the failure lasts.
            if not self._watch_failing:
                log.exception("Watching the knowledge files failed; trying again every %s s",
                              self.bot.settings.knowledge_poll_seconds)
            self._watch_failing = True

    async def _tell_admins(self, attempt: Attempt) -> None:
        """DMs each administrator when the files became invalid (once), and when they are valid again."""
        if attempt.valid:
            if not self._admins_told_invalid:
                return
            self._admins_told_invalid = False
            await self._dm_admins(f"The knowledge files are valid again and in service: {attempt.summary()}.", None)
            return
        self._admins_told_invalid = True
        header = (f"The knowledge files changed but are invalid ({attempt.summary()}), so I am still answering "
                  f"from the previous version ({len(self.bot.knowledge.entries)} entries). Fix these and save again:")
        await self._dm_admins(*problems_message(header, attempt))

    async def _dm_admins(self, content: str, attachment: bytes | None) -> None:
        admins = sorted(self.bot.settings.admin_user_ids)
        if not admins:
            log.warning("No ADMIN_USER_IDS to tell by DM; the problems are in this log only")
            return
        for user_id in admins:
            try:
                user = self.bot.get_user(user_id) or await self.bot.fetch_user(user_id)
                await user.send(content, **as_files(attachment))
            except discord.HTTPException as error:
                log.warning("Could not DM administrator %s about the knowledge: %s %s", user_id, error.status, error.text)

    @app_commands.command(name="reload", description="Reload the knowledge files now and say whether they are valid")
    @app_commands.default_permissions(manage_guild=True)
    @app_commands.guild_only()
    @app_commands.check(may_reload)
    async def reload_command(self, interaction: discord.Interaction) -> None:
        log.info("Reload requested by user %s", interaction.user.id)
        await interaction.response.defer(ephemeral=True, thinking=True)  # a large knowledge base takes seconds
        attempt = await self.reload()
        assert attempt is not None
        if attempt.valid:
            self._admins_told_invalid = False
            await interaction.followup.send(f"Reloaded: {attempt.summary()}.", ephemeral=True)
            return
        header = (f"Not reloaded: {attempt.summary()}. Still serving the previous knowledge "
                  f"({len(self.bot.knowledge.entries)} entries).")
        content, attachment = problems_message(header, attempt)
        await interaction.followup.send(content, ephemeral=True, **as_files(attachment))

    # -- retention ----------------------------------------------------------------------------------

    async def _purge_records(self) -> None:
        try:
            await self.bot.with_records(lambda records: records.purge())
        except Exception:  # Records never raises; this keeps the loop alive if that ever changes
            log.exception("Purging old records failed")
