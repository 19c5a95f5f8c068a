"""Builders for raw Discord payloads, shaped as Discord documents them (API v10).

Every builder returns plain dicts exactly as they travel on the wire: snowflakes as strings,
permissions as decimal strings, timestamps in ISO 8601 with an offset. The gateway-only objects
(READY, GUILD_CREATE, MESSAGE_CREATE, INTERACTION_CREATE) carry the fields discord.py 2.7 reads;
the REST-shaped ones conform to the component schemas of Discord's OpenAPI spec (the self-tests
check ``UserResponse``, ``GuildMemberResponse``, ``GuildRoleResponse``, ``GuildChannelResponse``
and ``MessageResponse``).

:class:`World` names the one guild the stand-in serves: the bot, a human member, an owner, a
category with a writable ``#general``, a ``#read-only`` channel where the bot may not speak,
and the human's DM channel with the bot.
"""

from __future__ import annotations

import datetime as dt
import itertools
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

Payload = dict[str, Any]
DISCORD_EPOCH_MS = 1_420_070_400_000

# Permission bits (https://discord.com/developers/docs/topics/permissions).
ADD_REACTIONS = 1 << 6
ADMINISTRATOR = 1 << 3
VIEW_CHANNEL = 1 << 10
SEND_MESSAGES = 1 << 11
EMBED_LINKS = 1 << 14
ATTACH_FILES = 1 << 15
READ_MESSAGE_HISTORY = 1 << 16
USE_EXTERNAL_EMOJIS = 1 << 18
USE_APPLICATION_COMMANDS = 1 << 31
SEND_MESSAGES_IN_THREADS = 1 << 38
ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    VIEW_CHANNEL | SEND_MESSAGES | READ_MESSAGE_HISTORY | ADD_REACTIONS | EMBED_LINKS | ATTACH_FILES
    | USE_EXTERNAL_EMOJIS | USE_APPLICATION_COMMANDS | SEND_MESSAGES_IN_THREADS
)

# Channel, interaction and option types.
GUILD_TEXT, DM, GUILD_CATEGORY = 0, 1, 4
PING, APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 1, 2, 3, 4, 5
STRING, INTEGER, BOOLEAN, NUMBER = 3, 4, 5, 10
CONTEXT_GUILD, CONTEXT_BOT_DM = 0, 1
BUTTON = 2

_counter = itertools.count(1)


def snowflake(at: dt.datetime | None = None) -> str:
    """A fresh, unique snowflake (as a string) whose timestamp is ``at`` (default now)."""
    moment = at or dt.datetime.now(dt.UTC)
    ms = int(moment.timestamp() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (next(_counter) & 0x3FFFFF))


def timestamp(at: dt.datetime | None = None) -> str:
    """ISO 8601 timestamp as Discord writes it, e.g. ``2024-01-01T00:00:00.000000+00:00``."""
    return (at or dt.datetime.now(dt.UTC)).isoformat(timespec="microseconds")


def _fixed_id(n: int) -> str:
    return str(((1_704_067_200_000 - DISCORD_EPOCH_MS) << 22) + n)  # 2024-01-01, readable in logs


@dataclass(frozen=True)
class World:
    """Ids and names of everything the stand-in's guild is made of (all snowflakes are strings)."""

    bot_id: str = _fixed_id(1)
    bot_name: str = "assessment-bot"
    guild_id: str = _fixed_id(10)
    guild_name: str = "Stand-in Guild"
    owner_id: str = _fixed_id(2)
    user_id: str = _fixed_id(3)
    user_name: str = "alice"
    bot_role_id: str = _fixed_id(20)
    category_id: str = _fixed_id(30)
    general_channel_id: str = _fixed_id(31)
    readonly_channel_id: str = _fixed_id(32)
    dm_channel_id: str = _fixed_id(40)

    @property
    def application_id(self) -> str:
        """The application id; for a bot created today it equals the bot user's id."""
        return self.bot_id


def user(user_id: str, username: str, *, bot: bool = False, global_name: str | None = None) -> Payload:
    """A user object (``UserResponse``)."""
    data: Payload = {
        "id": user_id, "username": username, "discriminator": "0", "global_name": global_name,
        "avatar": None, "public_flags": 0, "flags": 0, "banner": None, "accent_color": None,
        "avatar_decoration_data": None, "collectibles": None, "primary_guild": None,
    }
    if bot:
        data["bot"] = True
    return data


def bot_user(world: World) -> Payload:
    """The bot's own user, as ``GET /users/@me`` returns it (``UserPIIResponse``)."""
    return {**user(world.bot_id, world.bot_name, bot=True), "mfa_enabled": False, "locale": "en-US",
            "verified": True, "email": None, "premium_type": 0}


def human(world: World) -> Payload:
    """The guild's ordinary member who asks the bot questions."""
    return user(world.user_id, world.user_name, global_name=world.user_name.title())


def role(role_id: str, name: str, permissions: int, *, position: int = 0, bot_id: str | None = None) -> Payload:
    """A role object (``GuildRoleResponse``); ``permissions`` is serialised as a decimal string.
    With ``bot_id`` it is the managed role Discord creates for a bot when it joins."""
    return {
        "id": role_id, "name": name, "permissions": str(permissions), "position": position,
        "color": 0, "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False, "managed": bot_id is not None, "mentionable": False, "icon": None,
        "unicode_emoji": None, "flags": 0, **({"tags": {"bot_id": bot_id}} if bot_id else {}),
    }


def member(user_data: Payload, roles: list[str], *, permissions: int | None = None, with_user: bool = True) -> Payload:
    """A guild member (``GuildMemberResponse``). ``permissions`` is set only inside interactions;
    ``with_user=False`` gives the partial member that rides along a MESSAGE_CREATE."""
    data: Payload = {
        "roles": roles, "joined_at": timestamp(dt.datetime(2024, 1, 2, tzinfo=dt.UTC)),
        "nick": None, "avatar": None, "banner": None, "premium_since": None, "deaf": False, "mute": False,
        "flags": 0, "pending": False, "communication_disabled_until": None,
    }
    if with_user:
        data["user"] = user_data
    if permissions is not None:
        data["permissions"] = str(permissions)
    return data


def overwrite(target_id: str, *, role: bool = True, allow: int = 0, deny: int = 0) -> Payload:
    """A channel permission overwrite for a role (type 0) or a member (type 1)."""
    return {"id": target_id, "type": 0 if role else 1, "allow": str(allow), "deny": str(deny)}


def text_channel(
    channel_id: str, name: str, guild_id: str, *, position: int = 0, parent_id: str | None = None,
    overwrites: list[Payload] | None = None, topic: str | None = None,
) -> Payload:
    """A guild text channel (``GuildChannelResponse``, type 0)."""
    return {
        "id": channel_id, "type": GUILD_TEXT, "guild_id": guild_id, "name": name, "position": position,
        "parent_id": parent_id, "permission_overwrites": overwrites or [], "topic": topic, "nsfw": False,
        "last_message_id": None, "rate_limit_per_user": 0, "last_pin_timestamp": None, "flags": 0,
    }


def category_channel(channel_id: str, name: str, guild_id: str, *, position: int = 0) -> Payload:
    """A guild category (type 4)."""
    return {"id": channel_id, "type": GUILD_CATEGORY, "guild_id": guild_id, "name": name,
            "position": position, "parent_id": None, "permission_overwrites": [], "nsfw": False, "flags": 0}


def dm_channel(channel_id: str, recipient: Payload) -> Payload:
    """A DM channel with one recipient (``PrivateChannelResponse``)."""
    return {"id": channel_id, "type": DM, "last_message_id": None, "flags": 0, "recipients": [recipient]}


def guild_create(world: World, *, include_all_members: bool = True) -> Payload:
    """The GUILD_CREATE dispatch for the world's guild: a guild object plus the gateway-only fields.

    ``#read-only`` denies SEND_MESSAGES to @everyone and to the bot's role; the bot's managed role
    otherwise grants the usual bot permissions. Without the GUILD_MEMBERS intent Discord sends only
    the bot's own member, which ``include_all_members=False`` reproduces.
    """
    g = world.guild_id
    members = [member(bot_user_public(world), [world.bot_role_id])]
    if include_all_members:
        members += [member(human(world), []), member(user(world.owner_id, "owner"), [])]
    return {
        "id": g, "name": world.guild_name, "icon": None, "splash": None, "discovery_splash": None,
        "banner": None, "description": None, "home_header": None, "owner_id": world.owner_id,
        "application_id": None, "region": "deprecated", "afk_channel_id": None, "afk_timeout": 300,
        "system_channel_id": world.general_channel_id, "system_channel_flags": 0, "widget_enabled": False,
        "widget_channel_id": None, "verification_level": 1, "default_message_notifications": 1,
        "mfa_level": 0, "explicit_content_filter": 2, "max_presences": None, "max_members": 500000,
        "max_stage_video_channel_users": 50, "max_video_channel_users": 25, "vanity_url_code": None,
        "premium_tier": 0, "premium_subscription_count": 0, "preferred_locale": "en-US",
        "rules_channel_id": None, "safety_alerts_channel_id": None, "public_updates_channel_id": None,
        "premium_progress_bar_enabled": False, "nsfw": False, "nsfw_level": 0, "features": [],
        "emojis": [], "stickers": [], "incidents_data": None,
        "roles": [
            role(g, "@everyone", EVERYONE_PERMISSIONS),
            role(world.bot_role_id, world.bot_name, EVERYONE_PERMISSIONS, position=1, bot_id=world.bot_id),
        ],
        # Gateway-only GUILD_CREATE fields:
        "joined_at": timestamp(dt.datetime(2024, 1, 2, tzinfo=dt.UTC)), "large": False,
        "unavailable": False, "member_count": 3, "voice_states": [], "members": members,
        "channels": [
            category_channel(world.category_id, "Text Channels", g),
            text_channel(world.general_channel_id, "general", g, parent_id=world.category_id),
            text_channel(world.readonly_channel_id, "read-only", g, position=1, parent_id=world.category_id,
                         overwrites=[overwrite(g, deny=SEND_MESSAGES),
                                     overwrite(world.bot_role_id, deny=SEND_MESSAGES)]),
        ],
        "threads": [], "presences": [], "stage_instances": [], "guild_scheduled_events": [],
        "soundboard_sounds": [],
    }


def bot_user_public(world: World) -> Payload:
    """The bot as other users see it (no e-mail/mfa fields)."""
    return user(world.bot_id, world.bot_name, bot=True)


def ready(world: World, session_id: str, resume_gateway_url: str, shard: list[int] | None,
          guild_ids: list[str]) -> Payload:
    """The READY dispatch: guilds unavailable until their GUILD_CREATE follows."""
    data: Payload = {
        "v": 10, "user": bot_user(world), "guilds": [{"id": g, "unavailable": True} for g in guild_ids],
        "session_id": session_id, "resume_gateway_url": resume_gateway_url,
        "application": {"id": world.application_id, "flags": 0},
    }
    if shard is not None:
        data["shard"] = shard
    return data


def application(world: World) -> Payload:
    """The bot's application, as ``GET /oauth2/applications/@me`` returns it (``PrivateApplicationResponse``).
    ``interactions_endpoint_url`` is null: otherwise Discord would not send interactions over the gateway."""
    return {
        "id": world.application_id, "name": world.bot_name, "icon": None, "description": "", "type": None,
        "bot": bot_user_public(world), "bot_public": False, "bot_require_code_grant": False,
        "verify_key": "0" * 64, "flags": 0, "flags_new": "0", "redirect_uris": [], "rpc_origins": [],
        "interactions_endpoint_url": None, "role_connections_verification_url": None,
        "owner": user(world.owner_id, "owner"), "team": None, "approximate_guild_count": 1,
        "approximate_user_install_count": 0, "approximate_user_authorization_count": 0,
        "explicit_content_filter": 0, "eligible_oauth2_scopes": ["applications.commands", "bot"], "tags": [],
        "integration_types_config": {"0": {}},
    }


def members_chunk(guild: Payload, nonce: str | None, members: list[Payload]) -> Payload:
    """GUILD_MEMBERS_CHUNK answering a REQUEST_GUILD_MEMBERS in one chunk."""
    data: Payload = {"guild_id": guild["id"], "members": members, "chunk_index": 0, "chunk_count": 1,
                     "not_found": []}
    if nonce is not None:
        data["nonce"] = nonce
    return data


def permissions_in(guild: Payload, user_id: str, role_ids: list[str], channel: Payload | None) -> int:
    """A member's effective permissions in ``channel`` (or guild-wide when None), computed the way
    Discord documents: @everyone and role grants, ADMINISTRATOR/owner short-cut, then the channel's
    @everyone, role and member overwrites in that order."""
    if user_id == guild["owner_id"]:
        return ALL_PERMISSIONS
    roles = {r["id"]: int(r["permissions"]) for r in guild["roles"]}
    base = roles.get(guild["id"], 0)
    for role_id in role_ids:
        base |= roles.get(role_id, 0)
    if base & ADMINISTRATOR:
        return ALL_PERMISSIONS
    if channel is None:
        return base
    overwrites = {o["id"]: (int(o["allow"]), int(o["deny"])) for o in channel.get("permission_overwrites", [])}
    allow, deny = overwrites.get(guild["id"], (0, 0))
    base = (base & ~deny) | allow
    role_allow = role_deny = 0
    for role_id in role_ids:
        a, d = overwrites.get(role_id, (0, 0))
        role_allow, role_deny = role_allow | a, role_deny | d
    base = (base & ~role_deny) | role_allow
    allow, deny = overwrites.get(user_id, (0, 0))
    return (base & ~deny) | allow


def message(
    channel_id: str, author: Payload, content: str, *, guild_id: str | None = None,
    author_member: Payload | None = None, mentions: list[Payload] | None = None,
    message_id: str | None = None, **extra: Any,
) -> Payload:
    """A message object (``MessageResponse``); with ``guild_id`` it is the MESSAGE_CREATE shape of a
    guild message (``guild_id`` plus the partial ``member`` of the author)."""
    data: Payload = {
        "id": message_id or snowflake(), "channel_id": channel_id, "author": author, "content": content,
        "timestamp": timestamp(), "edited_timestamp": None, "tts": False, "mention_everyone": False,
        "mentions": mentions or [], "mention_roles": [], "attachments": [], "embeds": [], "pinned": False,
        "type": 0, "flags": 0, "components": [],
    }
    if guild_id is not None:
        data["guild_id"] = guild_id
        if author_member is not None:
            data["member"] = {k: v for k, v in author_member.items() if k != "user"}
    data.update(extra)
    return data


def guild_message(world: World, content: str, *, channel_id: str | None = None,
                  author: Payload | None = None) -> Payload:
    """MESSAGE_CREATE for a message from the human member (default) in ``#general`` (default)."""
    author = author or human(world)
    return message(channel_id or world.general_channel_id, author, content, guild_id=world.guild_id,
                   author_member=member(author, []))


def mention_message(world: World, text: str, *, channel_id: str | None = None) -> Payload:
    """MESSAGE_CREATE for ``<@bot> text`` in a guild channel, the bot listed in ``mentions``."""
    data = guild_message(world, f"<@{world.bot_id}> {text}", channel_id=channel_id)
    data["mentions"] = [{**bot_user_public(world), "member": member({}, [world.bot_role_id], with_user=False)}]
    return data


def dm_message(world: World, content: str, *, author: Payload | None = None) -> Payload:
    """MESSAGE_CREATE for a DM from the human member to the bot (no ``guild_id``, no ``member``)."""
    return message(world.dm_channel_id, author or human(world), content)


def option(name: str, value: Any = None, *, type: int | None = None, focused: bool = False) -> Payload:
    """An interaction data option; the type is inferred from ``value`` (str, bool, int, float)."""
    if type is None:
        type = BOOLEAN if isinstance(value, bool) else INTEGER if isinstance(value, int) else (
            NUMBER if isinstance(value, float) else STRING)
    data: Payload = {"name": name, "type": type, "value": value}
    if focused:
        data["focused"] = True
    return data


def interaction(
    world: World, type: int, data: Payload | None, *, in_guild: bool = True, channel_id: str | None = None,
    invoker: Payload | None = None, message_data: Payload | None = None, guild_state: Payload | None = None,
) -> Payload:
    """An INTERACTION_CREATE payload. In a guild it carries ``member`` (with ``permissions``),
    ``guild``/``guild_id``, ``channel`` with computed ``permissions`` and ``app_permissions``; in a
    DM it carries ``user`` and the DM ``channel``. ``guild_state`` is the GUILD_CREATE payload the
    permissions are computed from (default: :func:`guild_create` of ``world``)."""
    invoker = invoker or human(world)
    payload: Payload = {
        "id": snowflake(), "application_id": world.application_id, "type": type,
        "token": "aW50ZXJhY3Rpb246" + secrets.token_urlsafe(64), "version": 1, "locale": "en-US",
        "entitlements": [], "attachment_size_limit": 10 * 1024 * 1024,
        "authorizing_integration_owners": {"0": world.guild_id} if in_guild else {"1": invoker["id"]},
        "context": CONTEXT_GUILD if in_guild else CONTEXT_BOT_DM,
    }
    if data is not None:
        payload["data"] = data
    if in_guild:
        guild = guild_state or guild_create(world)
        channel_id = channel_id or world.general_channel_id
        channel = next(c for c in guild["channels"] if c["id"] == channel_id)
        user_perms = permissions_in(guild, invoker["id"], [], channel)
        bot_perms = permissions_in(guild, world.bot_id, [world.bot_role_id], channel)
        payload.update(
            guild_id=world.guild_id, guild_locale="en-US", channel_id=channel_id,
            guild={"id": world.guild_id, "locale": "en-US", "features": []},
            channel={**channel, "permissions": str(user_perms)},
            member=member(invoker, [], permissions=user_perms), app_permissions=str(bot_perms),
        )
    else:
        channel_id = channel_id or world.dm_channel_id
        payload.update(channel_id=channel_id, channel=dm_channel(channel_id, invoker), user=invoker,
                       app_permissions=str(EVERYONE_PERMISSIONS & ~ADMINISTRATOR))
    if message_data is not None:
        payload["message"] = message_data
    return payload


def slash_command(world: World, name: str, options: Mapping[str, Any] | list[Payload] | None = None, *,
                  command_id: str | None = None, command_guild_id: str | None = None, **kwargs: Any) -> Payload:
    """INTERACTION_CREATE for ``/name`` with options (a name->value mapping or :func:`option` list).
    Pass ``command_guild_id`` when the command was synced to a guild rather than globally."""
    opts = [option(k, v) for k, v in options.items()] if isinstance(options, Mapping) else list(options or [])
    data: Payload = {"id": command_id or snowflake(), "name": name, "type": 1}
    if opts:
        data["options"] = opts
    if command_guild_id is not None:
        data["guild_id"] = command_guild_id
    return interaction(world, APPLICATION_COMMAND, data, **kwargs)


def autocomplete(world: World, name: str, focused: str, partial: str, others: Mapping[str, Any] | None = None,
                 **kwargs: Any) -> Payload:
    """INTERACTION_CREATE (type 4) asking choices for option ``focused`` whose typed text is ``partial``."""
    opts = [option(k, v) for k, v in (others or {}).items()] + [option(focused, partial, focused=True)]
    return slash_command(world, name, opts, **kwargs) | {"type": AUTOCOMPLETE}


def button_press(world: World, custom_id: str, *, message_data: Payload | None = None, **kwargs: Any) -> Payload:
    """INTERACTION_CREATE (type 3) for a click on the button ``custom_id`` of a bot message."""
    if message_data is None:
        button = {"type": BUTTON, "id": 2, "style": 1, "label": "Button", "custom_id": custom_id}
        message_data = message(world.general_channel_id, bot_user_public(world), "",
                               components=[{"type": 1, "id": 1, "components": [button]}])
    data = {"custom_id": custom_id, "component_type": BUTTON, "id": 2}
    return interaction(world, MESSAGE_COMPONENT, data, message_data=message_data, **kwargs)


def error(code: int, message: str, errors: Payload | None = None) -> Payload:
    """A Discord JSON error body, e.g. ``error(50013, "Missing Permissions")``."""
    return {"message": message, "code": code, **({"errors": errors} if errors else {})}


UNKNOWN_CHANNEL = error(10003, "Unknown Channel")
UNKNOWN_MESSAGE = error(10008, "Unknown Message")
UNKNOWN_WEBHOOK = error(10015, "Unknown Webhook")
UNKNOWN_INTERACTION = error(10062, "Unknown interaction")
ALREADY_ACKNOWLEDGED = error(40060, "Interaction has already been acknowledged.")
MISSING_ACCESS = error(50001, "Missing Access")
CANNOT_DM = error(50007, "Cannot send messages to this user")
MISSING_PERMISSIONS = error(50013, "Missing Permissions")
NOT_FOUND = error(0, "404: Not Found")
