"""`python -m bot run`: logging, the Discord endpoints, the bot, and a clean stop on SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Iterable
from functools import partial
from typing import TextIO

import aiohttp
import discord
from discord.voice_client import VoiceClient

from bot.config import Settings
from bot.discord.client import AssessmentBot, create_bot, replies
from bot.discord.endpoints import point_at
from bot.exit_codes import EXIT_OK, EXIT_PROBLEMS, EXIT_UNEXPECTED, EXIT_USAGE
from bot.knowledge import KnowledgeBase, KnowledgeError
from bot.live import LiveKnowledge, build_engine

log = logging.getLogger(__name__)

# At DEBUG discord.py logs every gateway event (the text of DMs included), every request body (answers
# repeat the question) and interaction URLs (which hold the interaction's token). Its loggers stay at
# INFO or above whatever LOG_LEVEL says; LOG_LEVEL=DEBUG is for the bot's own loggers.
DISCORD_LOG_FLOOR = logging.INFO
REDACTED = "[redacted]"
UNEXPECTED = (f"Stopped by an unexpected error (exit status {EXIT_UNEXPECTED}); its traceback follows. "
              "It is a bug: please report it with this log.")


class Redact(logging.Filter):
    """Replaces each secret (the token) in a record's message and traceback before a handler writes it."""

    def __init__(self, secrets: Iterable[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if any(s in message for s in self.secrets):
            record.msg, record.args = self._clean(message), None
        if record.exc_info:
            traceback = record.exc_text or logging.Formatter().formatException(record.exc_info)
            if any(s in traceback for s in self.secrets):
                # Formatters (discord.py's coloured one included) format exc_info afresh; the cleaned text
                # must replace it, not sit beside it.
                record.exc_info, record.exc_text = None, self._clean(traceback)
        return True

    def _clean(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text


def configure_logging(level: str, secrets: Iterable[str] = (), stream: TextIO | None = None) -> logging.Handler:
    """Logging for the whole process, once: one handler on the root logger (standard error by default)
    at `level`, discord.py's loggers at DISCORD_LOG_FLOOR or above, `secrets` redacted. Returns the handler."""
    numeric = getattr(logging, level)
    handler = logging.StreamHandler(stream)
    handler.addFilter(Redact(secrets))
    discord.utils.setup_logging(handler=handler, level=numeric, root=True)
    logging.getLogger("discord").setLevel(max(numeric, DISCORD_LOG_FLOOR))
    return handler


def run_bot(settings: Settings, token: str) -> int:
    configure_logging(settings.log_level, secrets=[token])
    # The bot has no voice features: discord.py's warnings about missing voice libraries are noise.
    VoiceClient.warn_nacl = VoiceClient.warn_dave = False
    try:
        live = LiveKnowledge(settings.knowledge_dir, build=partial(build_engine, cache_dir=settings.cache_dir))
    except KnowledgeError as error:
        log.error("The knowledge base is invalid; fix it and start again:\n%s", error)
        return EXIT_PROBLEMS
    point_at(settings.api_base, settings.gateway_url)
    try:
        return asyncio.run(_serve(settings, live, token))
    except KeyboardInterrupt:
        return EXIT_OK
    except Exception:  # raised outside `serve` (building the bot): the same clear end as inside it
        log.exception(UNEXPECTED)
        return EXIT_UNEXPECTED


async def _serve(settings: Settings, knowledge: LiveKnowledge | KnowledgeBase, token: str) -> int:
    return await serve(create_bot(settings, knowledge), token)


async def serve(bot: AssessmentBot, token: str) -> int:
    """Runs `bot` until it is closed; SIGINT and SIGTERM close it cleanly (see AssessmentBot.close)."""
    loop = asyncio.get_running_loop()
    stopping: list[asyncio.Task[None]] = []  # holds the closing task, which the loop only references weakly
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, _stop, bot, signum, stopping)
    try:
        async with bot:
            await bot.start(token)
    except (aiohttp.ClientConnectionError, OSError) as error:
        log.error("Cannot reach Discord at %s: %s. Check the network, or DISCORD_API_BASE and DISCORD_GATEWAY_URL.",
                  bot.settings.api_base, error)
        return EXIT_PROBLEMS
    except discord.LoginFailure:
        log.error("Discord rejected DISCORD_TOKEN. Copy the token again from the Developer Portal (Bot > Reset Token) into .env.")
        return EXIT_USAGE
    except discord.PrivilegedIntentsRequired:
        log.error(
            "LISTEN_CHANNEL_IDS needs the Message Content intent: enable it in the Developer Portal "
            "(Bot > Privileged Gateway Intents), or leave LISTEN_CHANNEL_IDS empty."
        )
        return EXIT_USAGE
    except discord.DiscordServerError as error:  # 5xx, after discord.py's own retries
        log.error("Discord is failing (%s %s); try again later.", error.status, error.text)
        return EXIT_PROBLEMS
    except Exception:
        # Anything else is a bug, ours or a library's (a malformed answer from a Discord-compatible
        # server, say): a clear last line and a status of its own instead of a bare traceback and 1.
        log.exception(UNEXPECTED)
        return EXIT_UNEXPECTED
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)
        if stopping:
            await stopping[0]
    log.info("Stopped")
    return EXIT_OK


def _stop(bot: AssessmentBot, signum: int, stopping: list[asyncio.Task[None]]) -> None:
    name = signal.Signals(signum).name
    if stopping:
        log.info("Received %s; already stopping", name)
        return
    log.info("Received %s; finishing %s in progress, then closing the gateway and the database",
             name, replies(bot.in_flight.count))
    stopping.append(asyncio.create_task(bot.close(), name="graceful-stop"))
