"""The stand-in Discord server: REST under ``/api/v10`` and the gateway websocket, on 127.0.0.1.

``async with DiscordStub() as stub:`` listens on a random free port of 127.0.0.1 and stops
cleanly on exit. Every REST request is recorded as a :class:`RecordedRequest` with the
violations of Discord's OpenAPI spec found in its body (multipart requests: their
``payload_json``), whether or not the stub serves that route. A body that breaks the spec is
answered 400 Invalid Form Body (50035), as Discord would; a route the stub does not serve
answers 404 and is recorded as unexpected. Tests inject gateway events with :meth:`dispatch`,
wait for the bot's calls with :meth:`wait_for_request`, make calls fail with :meth:`fail_next`
and :meth:`rate_limit_next`, make them slow with :meth:`delay_next`, and check
:meth:`assert_no_violations` at the end.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from aiohttp import BodyPartReader, web

from . import payloads
from .gateway import PRIVILEGED_INTENTS, Gateway
from .payloads import Payload, World
from .rest import Call, DiscordRest, InteractionRecord
from .spec import request_errors, response_errors, split_path, template_matches

log = logging.getLogger(__name__)

__all__ = ["DiscordStub", "RecordedRequest"]


@dataclass
class RecordedRequest:
    """One REST call the bot made and how the stub answered it."""

    method: str
    path: str  # as sent, e.g. /api/v10/channels/123/messages (no query string)
    query: dict[str, str]
    body: Any | None  # parsed JSON, or the parsed payload_json of a multipart body
    files: list[tuple[str, int]]  # (filename, size) of multipart uploads
    errors: list[str]  # spec violations of the request
    status: int = 0
    response: Any | None = None
    response_errors: list[str] = field(default_factory=list)  # stub answers off-spec (a stub bug)
    unexpected: bool = False  # no such route in the stub
    injected: bool = False  # answered by fail_next/rate_limit_next
    forgiven: bool = False  # violations already taken by take_violations()
    uploads: dict[str, bytes] = field(default_factory=dict)  # the uploaded files' contents, by filename

    @property
    def route(self) -> str:
        """The path without the ``/api/v10`` prefix, e.g. ``/channels/123/messages``."""
        return "/" + "/".join(split_path(self.path))

    def matches(self, method: str, pattern: str) -> bool:
        """True for ``method`` and a path ``pattern`` whose ``{name}`` segments match any segment."""
        return self.method == method.upper() and template_matches(
            "/".join(split_path(pattern)), split_path(self.path)) is not None

    def describe(self) -> str:
        problems = self.errors + (["no such route in the stand-in"] if self.unexpected else [])
        return f"{self.method} {self.route} -> {self.status}: " + "; ".join(problems)


@dataclass
class _Delay:
    method: str
    pattern: str
    seconds: float
    remaining: int
    release: asyncio.Event | None = None  # held until this is set, instead of for `seconds`


@dataclass
class _Failure:
    method: str
    pattern: str
    status: int
    body: Payload | None
    headers: dict[str, str]
    remaining: int


class DiscordStub:
    """A Discord stand-in for one test. Defaults: one guild (:class:`World`), token ``stub-token``,
    one shard, all privileged intents enabled for the app, 3 s to answer an interaction."""

    def __init__(self, world: World | None = None, *, token: str = "stub-token", shard_count: int = 1,
                 allowed_intents: int = PRIVILEGED_INTENTS, callback_deadline: float | None = 3.0,
                 heartbeat_interval_ms: int = 41_250) -> None:
        self.world = world or World()
        self.token = token
        self.guild: Payload = payloads.guild_create(self.world)  # mutable: the gateway and REST read it
        self.gateway = Gateway(self.world, self.guild, token=token, allowed_intents=allowed_intents,
                               heartbeat_interval_ms=heartbeat_interval_ms)
        self.rest = DiscordRest(self.world, self.guild, self.gateway, shard_count=shard_count,
                                callback_deadline=callback_deadline)
        self.requests: list[RecordedRequest] = []
        self._failures: list[_Failure] = []
        self._delays: list[_Delay] = []
        self.in_progress = 0  # requests received and not answered yet
        self._claimed: set[int] = set()
        self._new_request = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        app = web.Application()
        app.router.add_get("/", self.gateway.handle)
        app.router.add_get("/resume", self.gateway.handle)
        app.router.add_route("*", "/api/{tail:.*}", self._handle)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=0.5)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.port = self._runner.addresses[0][1]
        self.gateway.url = f"ws://127.0.0.1:{self.port}/"
        log.info("Discord stand-in listening on %s", self.api_base)

    async def stop(self) -> None:
        """Close gateway connections and the listener."""
        await self.gateway.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> DiscordStub:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def api_base(self) -> str:
        """What DISCORD_API_BASE should be: ``http://127.0.0.1:PORT/api/v10``."""
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        """What DISCORD_GATEWAY_URL should be: ``ws://127.0.0.1:PORT/``."""
        return self.gateway.url

    # -- gateway -----------------------------------------------------------------------------
    async def dispatch(self, event: str, data: Payload, *, timeout: float = 5.0) -> list[int]:
        """Send a gateway event to the bot (waiting up to ``timeout`` for it to be connected).
        Interactions are remembered so their callbacks can be checked; messages are stored so
        the bot can fetch, reply to and react to them. Returns the sequence numbers sent: empty
        when the bot's intents exclude the event (logged as a warning), as Discord would."""
        if event == "INTERACTION_CREATE":
            self.rest.register_interaction(data)
        elif event == "MESSAGE_CREATE":
            self.rest.store(data)
        return await self.gateway.dispatch(event, data, wait=timeout)

    @property
    def identifies(self) -> list[Payload]:
        """IDENTIFY payloads received (``intents``, ``shard``, ``properties``, ``presence``...)."""
        return self.gateway.identifies

    def interaction(self, interaction_id: str) -> InteractionRecord:
        """What the bot did with a dispatched interaction (``response_type``, ``original_id``...)."""
        return self.rest.interactions[interaction_id]

    # -- inspection ---------------------------------------------------------------------------
    def requests_to(self, method: str, pattern: str) -> list[RecordedRequest]:
        """Recorded requests for ``method`` and a path pattern like ``/channels/{id}/messages``."""
        return [r for r in self.requests if r.matches(method, pattern)]

    async def wait_for_request(self, method: str, pattern: str, *, timeout: float = 5.0,
                               where: Callable[[RecordedRequest], bool] | None = None) -> RecordedRequest:
        """The first matching request not returned by an earlier call, waiting up to ``timeout``
        seconds for it; each recorded request is handed out once, so successive calls see
        successive requests. Raises TimeoutError listing what was recorded."""

        def claim() -> RecordedRequest | None:
            for index, req in enumerate(self.requests):
                if index not in self._claimed and req.matches(method, pattern) and (where is None or where(req)):
                    self._claimed.add(index)
                    return req
            return None

        claimed: RecordedRequest | None = None

        def arrived() -> bool:
            nonlocal claimed
            claimed = claimed or claim()
            return claimed is not None

        try:
            async with self._new_request:
                await asyncio.wait_for(self._new_request.wait_for(arrived), timeout)
        except TimeoutError:
            seen = "\n  ".join(f"{r.method} {r.route} -> {r.status}" for r in self.requests) or "(none)"
            raise TimeoutError(f"no {method} {pattern} within {timeout}s; recorded:\n  {seen}") from None
        assert claimed is not None
        return claimed

    def violations(self) -> list[RecordedRequest]:
        """Requests that broke the spec or hit a route the stand-in does not serve."""
        return [r for r in self.requests if (r.errors or r.unexpected) and not r.forgiven]

    def take_violations(self) -> list[RecordedRequest]:
        """:meth:`violations`, then forget them (for tests that provoke violations on purpose)."""
        found = self.violations()
        for req in found:
            req.forgiven = True
        return found

    def assert_no_violations(self) -> None:
        """Fail with every spec violation and unexpected call recorded so far."""
        found = self.violations()
        if found:
            raise AssertionError("requests that Discord would reject or the stand-in does not serve:\n  "
                                 + "\n  ".join(r.describe() for r in found))

    # -- failure injection ---------------------------------------------------------------------
    def fail_next(self, method: str, pattern: str, status: int, body: Payload | None = None, *,
                  times: int = 1, headers: Mapping[str, str] | None = None) -> None:
        """Answer the next ``times`` requests matching ``method`` and ``pattern`` with ``status``
        and a Discord error body (default: a generic one), e.g. ``fail_next("POST",
        "/channels/{id}/messages", 403, payloads.MISSING_PERMISSIONS)``. The request is still
        validated and recorded. Note discord.py retries 500/502/504/524 after 1 s, 3 s, ..."""
        body = body if body is not None else payloads.error(0, f"{status}: injected failure")
        self._failures.append(_Failure(method.upper(), pattern, status, body, dict(headers or {}), times))

    def delay_next(self, method: str, pattern: str, seconds: float, *, times: int = 1) -> None:
        """Hold the next ``times`` requests matching ``method`` and ``pattern`` for ``seconds``
        before answering them, as a slow Discord would (``in_progress`` counts held requests)."""
        self._delays.append(_Delay(method.upper(), pattern, seconds, times))

    def hold_next(self, method: str, pattern: str) -> asyncio.Event:
        """Hold the next request matching ``method`` and ``pattern`` until the returned event is set:
        a reply in progress for exactly as long as a test needs (``in_progress`` counts it)."""
        release = asyncio.Event()
        self._delays.append(_Delay(method.upper(), pattern, 0.0, 1, release))
        return release

    def rate_limit_next(self, method: str, pattern: str, *, retry_after: float = 0.05, times: int = 1,
                        is_global: bool = False) -> None:
        """Answer the next ``times`` matching requests with 429 and Discord's rate-limit headers
        and body, which discord.py honours by sleeping ``retry_after`` and retrying."""
        headers = {
            "Retry-After": str(math.ceil(retry_after)), "Via": "1.1 google",
            "X-RateLimit-Limit": "1", "X-RateLimit-Remaining": "0",
            "X-RateLimit-Reset": f"{time.time() + retry_after:.3f}", "X-RateLimit-Reset-After": f"{retry_after:.3f}",
            "X-RateLimit-Bucket": "stub-bucket", "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if is_global:
            headers["X-RateLimit-Global"] = "true"
        body = {"message": "You are being rate limited.", "retry_after": retry_after, "global": is_global}
        self.fail_next(method, pattern, 429, body, times=times, headers=headers)

    # -- request handling -------------------------------------------------------------------
    async def _handle(self, request: web.Request) -> web.StreamResponse:
        segments = split_path(request.raw_path)
        body, uploads, parse_errors = await _read_body(request)
        record = RecordedRequest(request.method, request.raw_path.split("?", 1)[0], dict(request.query), body,
                                 [(name, len(data)) for name, data in uploads],
                                 parse_errors + request_errors(request.method, request.raw_path, body),
                                 uploads=dict(uploads))
        self.in_progress += 1
        try:
            for delay in self._delays:
                if delay.remaining > 0 and record.matches(delay.method, delay.pattern):
                    delay.remaining -= 1
                    await (delay.release.wait() if delay.release else asyncio.sleep(delay.seconds))
                    break
            status, reply, headers = await self._answer(request, record, segments)
        finally:
            self.in_progress -= 1
        record.status, record.response = status, reply
        if status < 300 and not record.injected:
            record.response_errors = response_errors(request.method, request.raw_path, status, reply)
            if record.response_errors:
                log.error("stand-in answer off-spec for %s: %s", record.route, record.response_errors)
        if record.errors:
            log.warning("spec violation: %s", record.describe())
        self.requests.append(record)
        async with self._new_request:
            self._new_request.notify_all()
        if reply is None:
            return web.Response(status=status, headers=headers)
        # Exactly "application/json", as Discord sends it: discord.py's json_or_text compares the
        # header verbatim and treats "application/json; charset=utf-8" as plain text.
        return web.Response(body=json.dumps(reply).encode(), status=status, headers=headers,
                            content_type="application/json")

    async def _answer(self, request: web.Request, record: RecordedRequest,
                      segments: list[str]) -> tuple[int, Any, dict[str, str]]:
        for failure in self._failures:
            if failure.remaining > 0 and record.matches(failure.method, failure.pattern):
                failure.remaining -= 1
                record.injected = True
                return failure.status, failure.body, failure.headers
        if not request.raw_path.startswith("/api/v10/"):
            record.unexpected = True
            return 404, payloads.NOT_FOUND, {}
        if DiscordRest.needs_auth(segments) and request.headers.get("Authorization") != f"Bot {self.token}":
            return 401, payloads.error(0, "401: Unauthorized"), {}
        found = self.rest.find(request.method, segments)
        if found is None:
            record.unexpected = True
            return 404, payloads.NOT_FOUND, {}
        if record.errors:  # what Discord answers a body it will not take
            return 400, payloads.error(50035, "Invalid Form Body", {"_errors": [
                {"code": "SPEC_VIOLATION", "message": e} for e in record.errors]}), {}
        handler, params = found
        status, reply = await handler(Call(params, dict(request.query), record.body, record.files))
        headers = {"X-RateLimit-Limit": "50", "X-RateLimit-Remaining": "49", "X-RateLimit-Reset-After": "1.000",
                   "X-RateLimit-Reset": f"{time.time() + 1:.3f}", "X-RateLimit-Bucket": "-".join(segments[:2])}
        return status, reply, headers


async def _read_body(request: web.Request) -> tuple[Any | None, list[tuple[str, bytes]], list[str]]:
    """(parsed JSON body or None, uploaded files as (filename, contents), problems parsing it)."""
    if not request.body_exists:
        return None, [], []
    if request.content_type == "application/json":
        try:
            return json.loads(await request.text()), [], []
        except ValueError as exc:
            return None, [], [f"body is not valid JSON: {exc}"]
    if request.content_type == "multipart/form-data":
        body, files, problems = None, [], []
        async for part in await request.multipart():
            if not isinstance(part, BodyPartReader):
                problems.append("nested multipart body")
                continue
            data = await part.read()
            if part.name == "payload_json":
                try:
                    body = json.loads(data)
                except ValueError as exc:
                    problems.append(f"payload_json is not valid JSON: {exc}")
            elif part.name and part.name.startswith("files["):
                files.append((part.filename or part.name, bytes(data)))
            else:
                problems.append(f"unexpected multipart field {part.name!r} (discord.py sends payload_json)")
        return body, files, problems
    return None, [], [f"unsupported Content-Type {request.content_type!r}"]
