"""Running the stand-in and a discord.py client inside a test.

* :func:`stand_in` starts a :class:`DiscordStub`, points discord.py at it, and on a clean exit
  fails if any request broke Discord's spec, hit a route the stand-in does not serve (take
  expected ones with ``take_violations()``), or got an answer that itself breaks the spec.
* a test module defines its own fixture around :func:`stand_in` (see tests/discord_helpers.py).
* :func:`running` starts a client against the stand-in and stops it cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any, TypeVar

import discord

from .endpoints import discord_endpoints
from .server import DiscordStub

ClientT = TypeVar("ClientT", bound=discord.Client)
log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def stand_in(**options: Any) -> AsyncIterator[DiscordStub]:
    """A started stand-in (``options`` go to :class:`DiscordStub`) with discord.py's REST base and
    gateway pointed at it; checks the recorded traffic when the block ends without error."""
    async with DiscordStub(**options) as stub:
        with discord_endpoints(stub.api_base, stub.gateway_url):
            yield stub
    stub.assert_no_violations()
    off_spec = [f"{r.method} {r.route}: {r.response_errors}" for r in stub.requests if r.response_errors]
    assert not off_spec, f"the stand-in answered off-spec (a bug in the stand-in): {off_spec}"


@contextlib.asynccontextmanager
async def running(client: ClientT, stub: DiscordStub, *, timeout: float = 5.0) -> AsyncIterator[ClientT]:
    """Start ``client`` with the stand-in's token, wait until it is ready (READY and the
    GUILD_CREATEs processed), and on exit close it and wait for it to finish, re-raising the
    error it died of, if any. Build the client with ``guild_ready_timeout=0.05``, or discord.py
    waits 2 s after the last GUILD_CREATE before it is ready."""
    task = asyncio.create_task(client.start(stub.token), name="discord-client")
    try:
        async with asyncio.timeout(timeout):
            while not client.is_ready():
                if task.done():
                    task.result()  # raises the error the client died of
                    raise RuntimeError("the client stopped before it was ready")
                await asyncio.sleep(0.01)
        yield client
    finally:
        await client.close()
        await asyncio.wait({task}, timeout=timeout)
        if not task.done():
            task.cancel()
            await asyncio.wait({task}, timeout=1.0)
            log.error("the client did not stop within %ss", timeout)
        elif not task.cancelled() and task.exception() is not None:
            log.error("the client died: %r", task.exception())
    if task.done() and not task.cancelled() and (error := task.exception()) is not None:
        raise error
