"""Aiming discord.py at the stand-in for one test, through the bot's own mechanism.

The bot points discord.py at its REST base and gateway with :func:`bot.discord.endpoints.point_at`
(see there for the two class attributes involved). Tests use the same function, so they exercise
it; this module only adds what a test needs on top: putting the previous values back afterwards,
because both attributes are process-wide and the next test may expect discord.py's defaults.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import discord.gateway
import discord.http

from bot.discord.endpoints import point_at


@contextlib.contextmanager
def discord_endpoints(api_base: str, gateway_url: str) -> Iterator[None]:
    """:func:`point_at` for the duration of a ``with`` block, then the previous REST base and gateway."""
    saved = discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY
    point_at(api_base, gateway_url)
    try:
        yield
    finally:
        discord.http.Route.BASE, discord.gateway.DiscordWebSocket.DEFAULT_GATEWAY = saved
