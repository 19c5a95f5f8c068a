"""A loopback stand-in for Discord, for testing a discord.py bot with the real client.

* :class:`DiscordStub` (``server``): REST under ``/api/v10`` and the gateway websocket on
  127.0.0.1, recording every request and checking its body against Discord's OpenAPI spec.
* ``spec``: the spec validator on its own (:func:`validate_request`, :func:`request_errors`).
* ``payloads``: raw Discord payloads (users, members, messages, interactions, errors).
* ``endpoints``: :func:`discord_endpoints`, the bot's own ``point_at`` for one ``with`` block.
* ``fixtures``: :func:`stand_in` (start, point discord.py, check traffic at the end) and
  :func:`running` for a client.
* ``gateway`` and ``rest``: the websocket protocol and the REST endpoints behind the server.
"""

from . import payloads
from .endpoints import discord_endpoints
from .payloads import World
from .server import DiscordStub, RecordedRequest
from .spec import SpecViolation, request_errors, validate_request

__all__ = [
    "DiscordStub", "RecordedRequest", "SpecViolation", "World", "discord_endpoints", "payloads",
    "request_errors", "validate_request",
]
