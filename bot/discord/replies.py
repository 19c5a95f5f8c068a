"""Short private notices, the same words wherever they are needed."""

from __future__ import annotations

import logging
from typing import Any

import discord

log = logging.getLogger(__name__)


def failed(doing: str) -> str:
    """The notice for a failure of ours while `doing` something ("with /reload", "recording your vote")."""
    return f"Sorry, something went wrong {doing}. It has been logged; please try again."


FAILED = failed("answering that")  # a question asked by message
RESTARTING = "I'm restarting right now; please ask again in a minute."
# When Discord refuses the answer itself (400: its content) or the channel (403, 404: no access).
ANSWER_REFUSED = "Sorry, Discord would not take my answer to that. It has been logged."
CHANNEL_CLOSED = "I can't post in that channel, so I couldn't answer you there. Ask me here, or with /ask."
NO_SUCH_ASSESSMENT = "No assessment of the series matches that; pick one from the list as you type, or see /assessments."


async def say_privately(interaction: discord.Interaction, text: str) -> None:
    """`text` to whoever caused `interaction`, visible only to them, whether or not it was answered yet."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True)
        else:
            await interaction.response.send_message(text, ephemeral=True)
    except discord.HTTPException as error:
        log.warning("Could not send a private notice for interaction %s: %s %s", interaction.id, error.status, error.text)


async def reply(message: discord.Message, text: str | None = None, **content: Any) -> discord.HTTPException | None:
    """A reply to `message` (text, or an embed and view in `content`) that pings nobody. Discord's refusal
    is logged and returned, not raised; None when the reply was sent."""
    try:
        await message.reply(text, mention_author=False, **content)
    except discord.HTTPException as error:
        log.warning("Could not reply in channel %s: %s %s", message.channel.id, error.status, error.text)
        return error
    return None
