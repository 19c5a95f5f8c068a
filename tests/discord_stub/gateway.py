"""The stand-in's gateway: Discord's websocket protocol as discord.py 2.7 speaks it.

A connection gets HELLO (op 10), answers heartbeats (op 1 -> op 11), and on IDENTIFY (op 2)
gets READY then a GUILD_CREATE (if the GUILDS intent is set), with increasing sequence numbers.
RESUME (op 6) of a known session replays the events missed and sends RESUMED; an unknown
session gets INVALID_SESSION (op 9, not resumable) so discord.py identifies again. REQUEST_GUILD_MEMBERS
(op 8) is answered with one GUILD_MEMBERS_CHUNK.

Transport compression is what the connection URL asks for: ``compress=zlib-stream`` (one zlib
stream per connection, every message flushed with Z_SYNC_FLUSH so it ends in ``00 00 ff ff``),
``compress=zstd-stream`` (one zstd stream, every message a flushed block; needs ``zstandard``
or Python 3.14's ``compression.zstd``, as discord.py itself does) or none (text frames).

Events are delivered as Discord does for the identified intents: an event whose intent is
missing is not sent, and without MESSAGE_CONTENT a guild message that does not mention the
bot arrives with empty content, embeds, attachments, components and poll.
"""

from __future__ import annotations

import asyncio
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field

from aiohttp import WSMsgType, web

from . import payloads
from .payloads import Payload, World

log = logging.getLogger(__name__)

# Gateway intents (https://discord.com/developers/docs/events/gateway#gateway-intents).
GUILDS, GUILD_MEMBERS, GUILD_PRESENCES = 1 << 0, 1 << 1, 1 << 8
GUILD_MESSAGES, GUILD_MESSAGE_REACTIONS, GUILD_MESSAGE_TYPING = 1 << 9, 1 << 10, 1 << 11
DIRECT_MESSAGES, DIRECT_MESSAGE_REACTIONS, DIRECT_MESSAGE_TYPING = 1 << 12, 1 << 13, 1 << 14
MESSAGE_CONTENT = 1 << 15
PRIVILEGED_INTENTS = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE_UPDATE, VOICE_STATE_UPDATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_GUILD_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11


def make_compressor(kind: str | None) -> Callable[[str], bytes] | None:
    """A per-connection encoder for the ``compress`` query value, None for plain text frames."""
    if kind is None:
        return None
    if kind == "zlib-stream":
        stream = zlib.compressobj()
        return lambda text: stream.compress(text.encode()) + stream.flush(zlib.Z_SYNC_FLUSH)
    if kind == "zstd-stream":
        try:
            import zstandard  # type: ignore[import-not-found]
        except ImportError:
            from compression import zstd  # type: ignore[import-not-found]  # Python >= 3.14

            compressor = zstd.ZstdCompressor()
            return lambda text: compressor.compress(text.encode(), mode=zstd.ZstdCompressor.FLUSH_BLOCK)
        zobj = zstandard.ZstdCompressor().compressobj()
        return lambda text: zobj.compress(text.encode()) + zobj.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
    raise ValueError(f"unsupported transport compression {kind!r}")


def intent_for(event: str, data: Payload) -> int:
    """The intent an event needs to be delivered (0: always delivered)."""
    in_guild = "guild_id" in data
    if event.startswith("MESSAGE_REACTION_"):
        return GUILD_MESSAGE_REACTIONS if in_guild else DIRECT_MESSAGE_REACTIONS
    if event.startswith("MESSAGE_"):
        return GUILD_MESSAGES if in_guild else DIRECT_MESSAGES
    if event == "TYPING_START":
        return GUILD_MESSAGE_TYPING if in_guild else DIRECT_MESSAGE_TYPING
    if event.startswith("GUILD_MEMBER_") and event != "GUILD_MEMBERS_CHUNK":
        return GUILD_MEMBERS
    if event == "PRESENCE_UPDATE":
        return GUILD_PRESENCES
    if event.startswith(("GUILD_", "CHANNEL_", "THREAD_")) and event != "GUILD_MEMBERS_CHUNK":
        return GUILDS
    return 0


def as_delivered(event: str, data: Payload, intents: int, bot_id: str) -> Payload | None:
    """``data`` as a session with ``intents`` receives it, or None if it is not delivered."""
    needed = intent_for(event, data)
    if needed and not intents & needed:
        return None
    if event in ("MESSAGE_CREATE", "MESSAGE_UPDATE") and not intents & MESSAGE_CONTENT:
        mentioned = any(u.get("id") == bot_id for u in data.get("mentions", []))
        own = data.get("author", {}).get("id") == bot_id
        if "guild_id" in data and not (mentioned or own):
            blank = {"content": "", "embeds": [], "attachments": [], "components": []}
            data = {**data, **{k: v for k, v in blank.items() if k in data}}
            data.pop("poll", None)
    return data


@dataclass
class Session:
    """One identified gateway session, kept across reconnects so it can be resumed."""

    session_id: str
    identify: Payload
    shard: list[int] | None
    seq: int = 0
    events: list[Payload] = field(default_factory=list)
    connection: Connection | None = None

    @property
    def intents(self) -> int:
        return int(self.identify.get("intents", 0))


class Connection:
    """One open websocket; frames are encoded and sent one at a time (the zlib stream is ordered)."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None) -> None:
        self.ws, self.compress = ws, compress
        self._encode = make_compressor(compress)
        self._lock = asyncio.Lock()

    async def send(self, payload: Payload) -> None:
        text = json.dumps(payload)
        async with self._lock:
            if self.ws.closed:
                return
            try:
                if self._encode is None:
                    await self.ws.send_str(text)
                else:
                    await self.ws.send_bytes(self._encode(text))
            except ConnectionError as exc:  # the client went away mid-send; it will resume or not
                log.debug("gateway send failed: %r", exc)

    async def close(self, code: int, reason: str = "") -> None:
        log.info("gateway closing connection with %s %s", code, reason)
        await self.ws.close(code=code, message=reason.encode())


class Gateway:
    """The websocket endpoint: sessions, dispatch of events, reconnect and invalidation."""

    def __init__(self, world: World, guild: Payload, *, token: str, allowed_intents: int,
                 heartbeat_interval_ms: int) -> None:
        self.world, self.guild, self.token = world, guild, token
        self.allowed_intents = allowed_intents
        self.heartbeat_interval_ms = heartbeat_interval_ms
        self.url = ""  # set by the server once it is listening
        self.sessions: dict[str, Session] = {}
        self.identifies: list[Payload] = []
        self.received: list[Payload] = []
        self.connections: set[Connection] = set()
        self.handshakes: list[dict[str, str]] = []  # path and query of every connection, in order
        self._ready = asyncio.Condition()

    @property
    def resume_url(self) -> str:
        return self.url + "resume"

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """aiohttp handler for ``/`` and ``/resume``: one gateway connection until it closes."""
        ws = web.WebSocketResponse(compress=False, max_msg_size=0, autoping=True)
        await ws.prepare(request)
        query = request.query
        self.handshakes.append({"path": request.path, **query})
        try:
            conn = Connection(ws, query.get("compress"))
        except ValueError as exc:
            await ws.close(code=4000, message=str(exc).encode())
            return ws
        self.connections.add(conn)
        log.info("gateway connection on %s %s", request.path, dict(query))
        try:
            if query.get("v") != "10":
                await conn.close(4012, "Invalid API version")
            elif query.get("encoding", "json") != "json":
                await conn.close(4002, "Decode error: only encoding=json is served")
            else:
                await conn.send({"op": HELLO, "d": {"heartbeat_interval": self.heartbeat_interval_ms},
                                 "s": None, "t": None})
                await self._serve(conn)
        finally:
            self.connections.discard(conn)
            for session in self.sessions.values():
                if session.connection is conn:
                    session.connection = None
        return ws

    async def _serve(self, conn: Connection) -> None:
        session: Session | None = None
        async for msg in conn.ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            try:
                frame = json.loads(msg.data)
                op, data = frame["op"], frame.get("d")
            except (ValueError, KeyError, TypeError):
                await conn.close(4002, "Decode error")
                return
            self.received.append(frame)
            if op == HEARTBEAT:
                await conn.send({"op": HEARTBEAT_ACK, "d": None, "s": None, "t": None})
            elif op == IDENTIFY:
                if session is not None:
                    await conn.close(4005, "Already authenticated")
                    return
                session = await self._identify(conn, data)
            elif op == RESUME:
                session = await self._resume(conn, data)
            elif op == REQUEST_GUILD_MEMBERS and session is not None:
                await self._send_chunk(session, data)
            elif op in (PRESENCE_UPDATE, VOICE_STATE_UPDATE):
                pass  # recorded in self.received
            else:
                await conn.close(4001, f"Unknown opcode {op}")
                return

    async def _identify(self, conn: Connection, data: Payload) -> Session | None:
        self.identifies.append(data)
        intents = int(data.get("intents", 0))
        shard = data.get("shard")
        if data.get("token") != self.token:
            await conn.close(4004, "Authentication failed")
            return None
        if intents & PRIVILEGED_INTENTS & ~self.allowed_intents:
            await conn.close(4014, "Disallowed intent(s)")
            return None
        if shard is not None and not (0 <= shard[0] < shard[1]):
            await conn.close(4010, "Invalid shard")
            return None
        session = Session(secrets.token_hex(16), data, shard, connection=conn)
        self.sessions[session.session_id] = session
        on_shard = shard is None or (int(self.guild["id"]) >> 22) % shard[1] == shard[0]
        guild_ids = [self.guild["id"]] if on_shard else []
        await self._send_event(session, "READY", payloads.ready(self.world, session.session_id, self.resume_url,
                                                                shard, guild_ids))
        if on_shard and intents & GUILDS:
            await self._send_event(session, "GUILD_CREATE", {**self.guild, "members": self._members(session)})
        async with self._ready:
            self._ready.notify_all()
        return session

    async def _resume(self, conn: Connection, data: Payload) -> Session | None:
        session = self.sessions.get(data.get("session_id", ""))
        if session is None or data.get("token") != self.token:
            await conn.send({"op": INVALID_SESSION, "d": False, "s": None, "t": None})
            return None
        session.connection = conn
        for event in session.events:
            if event["s"] > (data.get("seq") or 0):
                await conn.send(event)
        await self._send_event(session, "RESUMED", {})
        async with self._ready:
            self._ready.notify_all()
        return session

    def _members(self, session: Session) -> list[Payload]:
        """The guild's members as the session may see them: only the bot without GUILD_MEMBERS."""
        if session.intents & GUILD_MEMBERS:
            return self.guild["members"]
        return [m for m in self.guild["members"] if m["user"]["id"] == self.world.bot_id]

    async def _send_chunk(self, session: Session, data: Payload) -> None:
        """Answer REQUEST_GUILD_MEMBERS: by ``user_ids``, by username prefix ``query``, or all."""
        members = self._members(session)
        if data.get("user_ids"):
            wanted = {str(u) for u in data["user_ids"]}
            members = [m for m in members if m["user"]["id"] in wanted]
        elif data.get("query"):
            members = [m for m in members if m["user"]["username"].lower().startswith(data["query"].lower())]
        if data.get("limit"):
            members = members[: data["limit"]]
        chunk = payloads.members_chunk(self.guild, data.get("nonce"), members)
        await self._send_event(session, "GUILD_MEMBERS_CHUNK", chunk)

    async def _send_event(self, session: Session, event: str, data: Payload) -> int:
        session.seq += 1
        frame = {"op": DISPATCH, "t": event, "s": session.seq, "d": data}
        session.events.append(frame)
        if session.connection is not None:
            await session.connection.send(frame)
        return session.seq

    def live_sessions(self, shard_id: int | None = None) -> list[Session]:
        """Identified sessions with an open connection (on ``shard_id`` if given)."""
        return [s for s in self.sessions.values() if s.connection is not None
                and (shard_id is None or (s.shard or [0])[0] == shard_id)]

    async def wait_for_session(self, *, shard_id: int | None = None, timeout: float = 5.0) -> list[Session]:
        """Wait until at least one session is live (identified or resumed) and return them."""
        async with self._ready:
            await asyncio.wait_for(self._ready.wait_for(lambda: self.live_sessions(shard_id)), timeout)
        return self.live_sessions(shard_id)

    async def dispatch(self, event: str, data: Payload, *, shard_id: int | None = None,
                       wait: float | None = 5.0) -> list[int]:
        """Send a DISPATCH to every live session (as its intents allow); returns the sequence numbers.

        With ``wait`` (seconds) it first waits for a live session; with None it sends to those
        there are, possibly none."""
        sessions = (await self.wait_for_session(shard_id=shard_id, timeout=wait) if wait is not None
                    else self.live_sessions(shard_id))
        sent = []
        for session in sessions:
            delivered = as_delivered(event, data, session.intents, self.world.bot_id)
            if delivered is None:
                log.warning("%s not delivered: session lacks intent %#x", event, intent_for(event, data))
            else:
                sent.append(await self._send_event(session, event, delivered))
        return sent

    async def reconnect(self) -> None:
        """Ask every live connection to reconnect (op 7); discord.py then resumes."""
        for session in self.live_sessions():
            assert session.connection is not None
            await session.connection.send({"op": RECONNECT, "d": None, "s": None, "t": None})

    async def invalidate_sessions(self, *, resumable: bool = False) -> None:
        """Send INVALID_SESSION (op 9) to every live session; not resumable ones are forgotten."""
        for session in self.live_sessions():
            assert session.connection is not None
            await session.connection.send({"op": INVALID_SESSION, "d": resumable, "s": None, "t": None})
            if not resumable:
                self.sessions.pop(session.session_id, None)

    async def close(self) -> None:
        """Close every open connection with 1001 (going away)."""
        for conn in list(self.connections):
            await conn.close(1001, "stand-in shutting down")
