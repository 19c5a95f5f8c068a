"""`python -m bot run`: logging, the Discord endpoints, the bot, and a clean stop on SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import logging
import signal

import discord

from bot.config import Settings
from bot.discord.client import create_bot
from bot.discord.endpoints import point_at
from bot.knowledge import KnowledgeError, load_knowledge

log = logging.getLogger(__name__)

EXIT_OK = 0
EXIT_PROBLEMS = 1
EXIT_CONFIG = 2


def run_bot(settings: Settings, token: str) -> int:
    discord.utils.setup_logging(level=getattr(logging, settings.log_level), root=True)
    try:
        knowledge = load_knowledge(settings.knowledge_dir)
    except KnowledgeError as error:
        log.error("The knowledge base is invalid; fix it and start again:\n%s", error)
        return EXIT_PROBLEMS
    point_at(settings.api_base, settings.gateway_url)
    try:
        return asyncio.run(_serve(settings, knowledge, token))
    except KeyboardInterrupt:
        return EXIT_OK


async def _serve(settings: Settings, knowledge, token: str) -> int:
    bot = create_bot(settings, knowledge)
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, lambda s=signum: _stop(bot, s))
    try:
        async with bot:
            await bot.start(token)
    except discord.LoginFailure:
        log.error("Discord rejected DISCORD_TOKEN. Copy the token again from the Developer Portal (Bot > Reset Token) into .env.")
        return EXIT_CONFIG
    except discord.PrivilegedIntentsRequired:
        log.error(
            "LISTEN_CHANNEL_IDS needs the Message Content intent: enable it in the Developer Portal "
            "(Bot > Privileged Gateway Intents), or leave LISTEN_CHANNEL_IDS empty."
        )
        return EXIT_CONFIG
    return EXIT_OK


def _stop(bot: discord.Client, signum: int) -> None:
    log.info("Received %s; closing the gateway connection", signal.Signals(signum).name)
    asyncio.ensure_future(bot.close())
