"""The stand-in's REST endpoints and the Discord state they act on.

Each handler takes a :class:`Call` and returns ``(status, json_body_or_None)``. The state is
kept the way Discord keeps it, so the usual mistakes fail as they would against Discord:
an interaction answered twice gets 400/40060, one answered late (``callback_deadline``) or
never dispatched gets 404/10062, a follow-up before the first response gets 404/10015, an
empty message gets 400/50006, and a message in a channel where the bot lacks VIEW_CHANNEL or
SEND_MESSAGES gets 403/50001 or 50013 (embeds are dropped without EMBED_LINKS).
Messages the bot creates, edits or deletes are echoed on the gateway (MESSAGE_CREATE/UPDATE/
DELETE), as Discord does, so a bot that answers its own messages loops here too.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from . import payloads as p
from .gateway import Gateway
from .payloads import Payload, World
from .spec import template_matches

Reply = tuple[int, Any]
Handler = Callable[["Call"], Awaitable[Reply]]
EPHEMERAL, LOADING, SUPPRESS_EMBEDS = 1 << 6, 1 << 7, 1 << 2
_ALLOWED_CALLBACKS = {p.APPLICATION_COMMAND: {4, 5, 9}, p.AUTOCOMPLETE: {8},
                      p.MESSAGE_COMPONENT: {4, 5, 6, 7, 9}, p.MODAL_SUBMIT: {4, 5, 6, 7}}
EMPTY_MESSAGE = p.error(50006, "Cannot send an empty message")
UNKNOWN_APPLICATION = p.error(10002, "Unknown Application")
UNKNOWN_USER = p.error(10013, "Unknown User")
UNKNOWN_MEMBER = p.error(10007, "Unknown Member")


@dataclass
class Call:
    """One REST request as a handler sees it: path parameters, query, parsed body, uploaded files."""

    params: dict[str, str]
    query: dict[str, str]
    body: Any | None
    files: list[tuple[str, int]] = field(default_factory=list)

    def flag(self, name: str) -> bool:
        return self.query.get(name, "").lower() in ("1", "true")


@dataclass
class InteractionRecord:
    """An interaction dispatched to the bot and what the bot has done with it."""

    payload: Payload
    dispatched_at: float
    response_type: int | None = None
    original_id: str | None = None
    message_ids: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.payload["id"]

    @property
    def token(self) -> str:
        return self.payload["token"]


class DiscordRest:
    """Route table and handlers of ``/api/v10``; ``routes`` maps (method, template) to a handler."""

    def __init__(self, world: World, guild: Payload, gateway: Gateway, *, shard_count: int,
                 callback_deadline: float | None) -> None:
        self.world, self.guild, self.gateway = world, guild, gateway
        self.shard_count, self.callback_deadline = shard_count, callback_deadline
        self.messages: dict[str, Payload] = {}
        self.commands: dict[str | None, list[Payload]] = {}
        self.interactions: dict[str, InteractionRecord] = {}
        self.dm_channels: dict[str, Payload] = {world.dm_channel_id: p.dm_channel(world.dm_channel_id, p.human(world))}
        a, w, ch, m = "/applications/{application_id}", "/webhooks/{webhook_id}/{webhook_token}", \
            "/channels/{channel_id}", "/channels/{channel_id}/messages/{message_id}"
        self.routes: dict[tuple[str, str], Handler] = {
            ("GET", "/users/@me"): self.get_me,
            ("GET", "/users/{user_id}"): self.get_user,
            ("GET", "/gateway"): self.get_gateway,
            ("GET", "/gateway/bot"): self.get_gateway_bot,
            ("GET", "/oauth2/applications/@me"): self.get_application,
            ("GET", a + "/commands"): self.get_commands,
            ("PUT", a + "/commands"): self.put_commands,
            ("GET", a + "/guilds/{guild_id}/commands"): self.get_commands,
            ("PUT", a + "/guilds/{guild_id}/commands"): self.put_commands,
            ("POST", "/interactions/{interaction_id}/{interaction_token}/callback"): self.interaction_callback,
            ("POST", w): self.followup,
            ("GET", w + "/messages/{message_id}"): self.get_webhook_message,
            ("PATCH", w + "/messages/{message_id}"): self.edit_webhook_message,
            ("DELETE", w + "/messages/{message_id}"): self.delete_webhook_message,
            ("GET", ch): self.get_channel,
            ("POST", ch + "/messages"): self.create_message,
            ("POST", ch + "/typing"): self.typing,
            ("GET", m): self.get_message,
            ("PATCH", m): self.edit_message,
            ("DELETE", m): self.delete_message,
            ("PUT", m + "/reactions/{emoji_name}/@me"): self.react,
            ("DELETE", m + "/reactions/{emoji_name}/@me"): self.react,
            ("POST", "/users/@me/channels"): self.create_dm,
            ("GET", "/guilds/{guild_id}/members/{user_id}"): self.get_member,
        }

    def find(self, method: str, segments: list[str]) -> tuple[Handler, dict[str, str]] | None:
        """The handler for a request and its path parameters (literal segments win), or None."""
        best = None
        for (route_method, template), handler in self.routes.items():
            params = template_matches(template, segments) if route_method == method else None
            if params is not None and (best is None or len(params) < len(best[1])):
                best = (handler, params)
        return best

    @staticmethod
    def needs_auth(segments: list[str]) -> bool:
        """Interaction callbacks and token webhooks are authenticated by their token, not the bot's."""
        return not (segments[0] == "interactions" or (segments[0] == "webhooks" and len(segments) > 2))

    # -- users, gateway, application -------------------------------------------------------
    async def get_me(self, call: Call) -> Reply:
        return 200, p.bot_user(self.world)

    async def get_user(self, call: Call) -> Reply:
        found = self._user(call.params["user_id"])
        return (200, found) if found else (404, UNKNOWN_USER)

    async def get_gateway(self, call: Call) -> Reply:
        return 200, {"url": self.gateway.url}

    async def get_gateway_bot(self, call: Call) -> Reply:
        limit = {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1}
        return 200, {"url": self.gateway.url, "shards": self.shard_count, "session_start_limit": limit}

    async def get_application(self, call: Call) -> Reply:
        return 200, p.application(self.world)

    async def get_member(self, call: Call) -> Reply:
        if call.params["guild_id"] != self.guild["id"]:
            return 404, p.error(10004, "Unknown Guild")
        found = next((m for m in self.guild["members"] if m["user"]["id"] == call.params["user_id"]), None)
        return (200, found) if found else (404, UNKNOWN_MEMBER)

    # -- application commands ----------------------------------------------------------------
    async def get_commands(self, call: Call) -> Reply:
        if call.params["application_id"] != self.world.application_id:
            return 404, UNKNOWN_APPLICATION
        return 200, self.commands.get(call.params.get("guild_id"), [])

    async def put_commands(self, call: Call) -> Reply:
        """Bulk overwrite: echo the commands with ids, keeping the id of a same-named command."""
        if call.params["application_id"] != self.world.application_id:
            return 404, UNKNOWN_APPLICATION
        guild_id = call.params.get("guild_id")
        old = {(c["name"], c["type"]): c["id"] for c in self.commands.get(guild_id, [])}
        registered = []
        for cmd in call.body or []:
            kind = cmd.get("type") or 1
            perms = cmd.get("default_member_permissions")
            out = {k: v for k, v in cmd.items() if v is not None}
            out.update(id=old.get((cmd["name"], kind)) or p.snowflake(), application_id=self.world.application_id,
                       version=p.snowflake(), type=kind, description=cmd.get("description") or "",
                       default_member_permissions=None if perms is None else str(perms),
                       nsfw=bool(cmd.get("nsfw")), integration_types=cmd.get("integration_types") or [0])
            if "options" in out:
                out["options"] = [_drop_nulls(o) for o in out["options"]]
            if guild_id:
                out["guild_id"] = guild_id
            registered.append(out)
        self.commands[guild_id] = registered
        return 200, registered

    # -- interactions and their webhooks -----------------------------------------------------
    def register_interaction(self, payload: Payload) -> None:
        """Remember a dispatched interaction so its callback and webhook can be checked."""
        self.interactions[payload["id"]] = InteractionRecord(payload, asyncio.get_running_loop().time())

    async def interaction_callback(self, call: Call) -> Reply:
        rec = self.interactions.get(call.params["interaction_id"])
        late = rec is not None and self.callback_deadline is not None and \
            asyncio.get_running_loop().time() - rec.dispatched_at > self.callback_deadline
        if rec is None or rec.token != call.params["interaction_token"] or late:
            return 404, p.UNKNOWN_INTERACTION
        if rec.response_type is not None:
            return 400, p.ALREADY_ACKNOWLEDGED
        body = call.body or {}
        kind, data = body.get("type"), body.get("data") or {}
        if kind not in _ALLOWED_CALLBACKS.get(rec.payload["type"], set()):
            return 400, _form_error("type", "INTERACTION_RESPONSE_TYPE_INVALID",
                                    f"callback type {kind} is not valid for interaction type {rec.payload['type']}")
        rec.response_type = kind
        answer: Payload = {"id": rec.id, "type": rec.payload["type"]}
        resource: Payload | None = None
        if kind in (4, 5):
            flags = int(data.get("flags") or 0) | (LOADING if kind == 5 else 0)
            fields = {"flags": flags} if kind == 5 else {**data, "flags": flags}
            if kind == 4 and _is_empty(data, call.files):
                return 400, EMPTY_MESSAGE
            msg = await self._create(rec.payload["channel_id"], fields, call.files, interaction=rec)
            rec.original_id = msg["id"]
            answer.update(response_message_id=msg["id"], response_message_loading=kind == 5,
                          response_message_ephemeral=bool(flags & EPHEMERAL))
            resource = {"type": 4, "message": msg} if kind == 4 else None
        elif kind in (6, 7) and "message" in rec.payload:
            target = self.messages.setdefault(rec.payload["message"]["id"], rec.payload["message"])
            rec.original_id = target["id"]
            if kind == 7:
                resource = {"type": 7, "message": await self._edit(target, data, call.files)}
        if not call.flag("with_response"):
            return 204, None
        return 200, {"interaction": answer, **({"resource": resource} if resource else {})}

    def _webhook(self, call: Call) -> InteractionRecord | None:
        if call.params["webhook_id"] != self.world.application_id:
            return None
        return next((r for r in self.interactions.values() if r.token == call.params["webhook_token"]), None)

    def _webhook_message(self, call: Call) -> tuple[InteractionRecord | None, Payload | None]:
        rec = self._webhook(call)
        wanted = call.params["message_id"]
        if rec is None:
            return None, None
        msg_id = rec.original_id if wanted == "@original" else wanted
        if msg_id is None or msg_id not in [rec.original_id, *rec.message_ids]:
            return rec, None
        return rec, self.messages.get(msg_id)

    async def followup(self, call: Call) -> Reply:
        rec = self._webhook(call)
        if rec is None or rec.response_type is None:
            return 404, p.UNKNOWN_WEBHOOK
        if _is_empty(call.body or {}, call.files):
            return 400, EMPTY_MESSAGE
        msg = await self._create(rec.payload["channel_id"], call.body or {}, call.files, interaction=rec)
        rec.message_ids.append(msg["id"])
        return (200, msg) if call.flag("wait") else (204, None)

    async def get_webhook_message(self, call: Call) -> Reply:
        rec, msg = self._webhook_message(call)
        return (404, p.UNKNOWN_WEBHOOK) if rec is None else (200, msg) if msg else (404, p.UNKNOWN_MESSAGE)

    async def edit_webhook_message(self, call: Call) -> Reply:
        rec, msg = self._webhook_message(call)
        if rec is None:
            return 404, p.UNKNOWN_WEBHOOK
        return (200, await self._edit(msg, call.body or {}, call.files)) if msg else (404, p.UNKNOWN_MESSAGE)

    async def delete_webhook_message(self, call: Call) -> Reply:
        rec, msg = self._webhook_message(call)
        if rec is None:
            return 404, p.UNKNOWN_WEBHOOK
        if msg is None:
            return 404, p.UNKNOWN_MESSAGE
        await self._delete(msg)
        return 204, None

    # -- channels and messages ---------------------------------------------------------------
    async def get_channel(self, call: Call) -> Reply:
        channel = self.channel(call.params["channel_id"])
        return (200, channel) if channel else (404, p.UNKNOWN_CHANNEL)

    async def create_message(self, call: Call) -> Reply:
        channel = self.channel(call.params["channel_id"])
        if channel is None:
            return 404, p.UNKNOWN_CHANNEL
        body = dict(call.body or {})
        if "guild_id" in channel:
            perms = self.bot_permissions(channel)
            if not perms & p.VIEW_CHANNEL:
                return 403, p.MISSING_ACCESS
            if not perms & p.SEND_MESSAGES or (call.files and not perms & p.ATTACH_FILES):
                return 403, p.MISSING_PERMISSIONS
            if not perms & p.EMBED_LINKS:
                body.pop("embeds", None)
        if _is_empty(body, call.files):
            return 400, EMPTY_MESSAGE
        ref = body.get("message_reference")
        if ref and str(ref.get("message_id")) not in self.messages and ref.get("fail_if_not_exists", True):
            return 400, _form_error("message_reference", "MESSAGE_REFERENCE_UNKNOWN_MESSAGE", "Unknown message")
        return 200, await self._create(channel["id"], body, call.files)

    async def typing(self, call: Call) -> Reply:
        return (204, None) if self.channel(call.params["channel_id"]) else (404, p.UNKNOWN_CHANNEL)

    async def get_message(self, call: Call) -> Reply:
        msg = self._message(call)
        return (200, msg) if msg else (404, p.UNKNOWN_MESSAGE)

    async def edit_message(self, call: Call) -> Reply:
        msg = self._message(call)
        if msg is None:
            return 404, p.UNKNOWN_MESSAGE
        if msg["author"]["id"] != self.world.bot_id:
            return 403, p.error(50005, "Cannot edit a message authored by another user")
        return 200, await self._edit(msg, call.body or {}, call.files)

    async def delete_message(self, call: Call) -> Reply:
        msg = self._message(call)
        if msg is None:
            return 404, p.UNKNOWN_MESSAGE
        await self._delete(msg)
        return 204, None

    async def react(self, call: Call) -> Reply:
        return (204, None) if self._message(call) else (404, p.UNKNOWN_MESSAGE)

    async def create_dm(self, call: Call) -> Reply:
        recipient = self._user(str((call.body or {}).get("recipient_id", "")))  # discord.py sends an int
        if recipient is None or recipient["id"] == self.world.bot_id:
            return 400, p.error(50033, "Invalid Recipient(s)")
        for channel in self.dm_channels.values():
            if channel["recipients"][0]["id"] == recipient["id"]:
                return 200, channel
        channel = p.dm_channel(p.snowflake(), recipient)
        self.dm_channels[channel["id"]] = channel
        return 200, channel

    # -- state helpers -----------------------------------------------------------------------
    def channel(self, channel_id: str) -> Payload | None:
        """A guild channel (with ``guild_id``) or a DM channel by id."""
        for channel in self.guild["channels"]:
            if channel["id"] == channel_id:
                return {**channel, "guild_id": self.guild["id"]}
        return self.dm_channels.get(channel_id)

    def bot_permissions(self, channel: Payload | None) -> int:
        """The bot's effective permissions in ``channel`` given the guild's current roles and overwrites."""
        roles = next(m["roles"] for m in self.guild["members"] if m["user"]["id"] == self.world.bot_id)
        return p.permissions_in(self.guild, self.world.bot_id, roles, channel)

    def store(self, message: Payload) -> None:
        """Keep a message (e.g. one dispatched by a test) so it can be fetched, replied to, reacted to."""
        self.messages[message["id"]] = message

    def _user(self, user_id: str) -> Payload | None:
        users = [m["user"] for m in self.guild["members"]] + [p.human(self.world)]
        return next((u for u in users if u["id"] == user_id), None)

    def _message(self, call: Call) -> Payload | None:
        msg = self.messages.get(call.params["message_id"])
        return msg if msg and msg["channel_id"] == call.params["channel_id"] else None

    async def _create(self, channel_id: str, body: Payload, files: list[tuple[str, int]], *,
                      interaction: InteractionRecord | None = None) -> Payload:
        channel = self.channel(channel_id) or {"id": channel_id}
        extra: Payload = {}
        if "guild_id" in channel:
            extra["guild_id"] = channel["guild_id"]
            if interaction is None:
                extra["member"] = p.member({}, [self.world.bot_role_id], with_user=False)
        if interaction is not None:
            extra.update(webhook_id=self.world.application_id, application_id=self.world.application_id,
                         interaction_metadata=_interaction_metadata(interaction.payload))
            if interaction.payload["type"] == p.APPLICATION_COMMAND and interaction.original_id is None:
                extra["type"] = 20  # CHAT_INPUT_COMMAND
        ref = body.get("message_reference")
        if ref:
            ids = {k: str(v) for k, v in ref.items() if k.endswith("_id") and v is not None}
            extra.update(type=19, message_reference={"type": ref.get("type", 0), "channel_id": channel_id, **ids})
        if body.get("nonce") is not None:
            extra["nonce"] = body["nonce"]
        msg = p.message(channel_id, p.bot_user_public(self.world), body.get("content") or "", **extra)
        msg.update(_rendered(body, files, channel_id), tts=bool(body.get("tts")))
        self.messages[msg["id"]] = msg
        if not msg["flags"] & EPHEMERAL:
            await self.gateway.dispatch("MESSAGE_CREATE", msg, wait=None)
        return msg

    async def _edit(self, msg: Payload, body: Payload, files: list[tuple[str, int]]) -> Payload:
        if "content" in body:
            msg["content"] = body["content"] or ""
        for key, value in _rendered(body, files, msg["channel_id"]).items():
            if key != "flags" and (key in body or (key == "attachments" and files)):
                msg[key] = value
        msg["flags"] = (msg["flags"] & ~LOADING & ~SUPPRESS_EMBEDS) | (int(body.get("flags") or 0) & SUPPRESS_EMBEDS)
        msg["edited_timestamp"] = p.timestamp()
        if not msg["flags"] & EPHEMERAL:
            await self.gateway.dispatch("MESSAGE_UPDATE", msg, wait=None)
        return msg

    async def _delete(self, msg: Payload) -> None:
        self.messages.pop(msg["id"], None)
        event: Payload = {k: msg[k] for k in ("id", "channel_id", "guild_id") if k in msg}
        await self.gateway.dispatch("MESSAGE_DELETE", event, wait=None)


def _rendered(body: Payload, files: list[tuple[str, int]], channel_id: str) -> Payload:
    """The message fields Discord derives from a create/edit body: embeds typed, components
    numbered, uploads turned into attachments, flags limited to those a bot may set."""
    attachments = [
        {"id": p.snowflake(), "filename": name, "size": size, "content_type": "application/octet-stream",
         "url": f"https://cdn.discordapp.com/attachments/{channel_id}/{i}/{name}",
         "proxy_url": f"https://media.discordapp.net/attachments/{channel_id}/{i}/{name}"}
        for i, (name, size) in enumerate(files)
    ]
    counter = iter(range(1, 1000))
    return {
        "embeds": [{**e, "type": e.get("type", "rich")} for e in body.get("embeds") or []],
        "components": [_numbered(c, counter) for c in body.get("components") or []],
        "attachments": attachments,
        "flags": int(body.get("flags") or 0) & (EPHEMERAL | LOADING | SUPPRESS_EMBEDS | (1 << 12) | (1 << 15)),
    }


def _numbered(component: Payload, counter: Any) -> Payload:
    out = {**_drop_nulls(component), "id": component.get("id") or next(counter)}
    if "components" in component:
        out["components"] = [_numbered(c, counter) for c in component["components"]]
    return out


def _interaction_metadata(interaction: Payload) -> Payload:
    invoker = interaction.get("member", {}).get("user") or interaction["user"]
    meta = {"id": interaction["id"], "type": interaction["type"], "user": invoker,
            "authorizing_integration_owners": interaction["authorizing_integration_owners"]}
    if interaction["type"] == p.MESSAGE_COMPONENT:
        meta["interacted_message_id"] = interaction["message"]["id"]
    return meta


def _drop_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_drop_nulls(v) for v in value]
    return value


def _is_empty(body: Payload, files: list[tuple[str, int]]) -> bool:
    return not (body.get("content") or body.get("embeds") or body.get("components") or files
                or body.get("sticker_ids") or body.get("poll"))


def _form_error(field_name: str, code: str, message: str) -> Payload:
    return p.error(50035, "Invalid Form Body", {field_name: {"_errors": [{"code": code, "message": message}]}})

