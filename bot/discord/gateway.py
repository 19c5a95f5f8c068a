"""Gateway events that discord.py cannot parse are dropped, not fatal.

discord.py turns each gateway event into its objects with a parser (`ConnectionState.parsers`, one per
event type) called straight from the websocket's read loop; an exception there (a TypeError on a
`"guild_id": null` that a Discord-compatible server sends, say) leaves the read loop, then
`Client.start`, and ends the process. Each parser is wrapped so that such an event is logged and
dropped and the next one is read as usual.
"""

from __future__ import annotations

import functools
import logging
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import Any

import discord

log = logging.getLogger(__name__)


def drop_malformed_events(client: discord.Client) -> None:
    """Makes every gateway event parser of `client` log and drop an event it fails on.

    Call once, after the client is built: discord.py 2.7 fills `parsers` in ConnectionState.__init__
    and every gateway connection (each shard's too) reads that same dict.
    """
    parsers: dict[str, Callable[[Any], None]] = client._connection.parsers
    for event, parse in parsers.items():
        parsers[event] = _dropping_failures(event, parse)


def _dropping_failures(event: str, parse: Callable[[Any], None]) -> Callable[[Any], None]:
    @functools.wraps(parse)
    def parse_or_drop(data: Any) -> None:
        try:
            parse(data)
        except Exception as error:
            # The event type, the error's type and where discord.py failed, never the error's text nor the
            # event: either may hold what someone wrote (a DM's text).
            log.error("Dropped a %s event that discord.py could not read (%s in %s); still serving",
                      event, type(error).__name__, _where(error))

    return parse_or_drop


def _where(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    if not frames:
        return "?"
    frame = frames[-1]
    return f"{Path(frame.filename).name}:{frame.lineno} {frame.name}"
