"""Where discord.py sends its HTTP requests and opens its gateway connection."""

from __future__ import annotations

import yarl
from discord import http
from discord.gateway import DiscordWebSocket


def point_at(api_base: str, gateway_url: str | None) -> None:
    """Aim discord.py at `api_base` (REST, webhooks and interaction callbacks alike) and `gateway_url`.

    discord.py 2.7 keeps both as class attributes: `Route.BASE` for every HTTP route, and
    `DiscordWebSocket.DEFAULT_GATEWAY`, which a plain client connects to without asking the API and
    which it falls back to after an invalid session. A sharded client with SHARD_COUNT unset asks
    `GET /gateway/bot` instead, which a Discord-compatible server answers with its own address.
    """
    http.Route.BASE = api_base.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)
