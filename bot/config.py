"""Settings, read once at start-up from the environment and an optional `.env` file, then passed down.

`ENV_FILE` in the environment says which `.env` file to read, or (set empty) that none is read.

No other module reads `os.environ`. The Discord token is wrapped in `Secret` so that it never prints.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from dotenv import dotenv_values

PROJECT_ROOT = Path(__file__).resolve().parent.parent
APP_NAME = "assessment-bot"
DATABASE_FILE = f"{APP_NAME}.sqlite3"


def _default_knowledge_dir() -> Path:
    """The knowledge a regular install ships inside the package (setup.py maps knowledge/ onto
    bot/bundled_knowledge), else, in a checkout or an editable install, the repository's knowledge/."""
    shipped = resources.files("bot") / "bundled_knowledge"
    return Path(str(shipped)) if shipped.is_dir() else PROJECT_ROOT / "knowledge"


DEFAULT_KNOWLEDGE_DIR = _default_knowledge_dir()


def user_data_dir(environ: Mapping[str, str]) -> Path:
    """Where the bot keeps its own files by default: $XDG_DATA_HOME/assessment-bot, else
    ~/.local/share/assessment-bot (the XDG base directory rules); never the installed package."""
    xdg = (environ.get("XDG_DATA_HOME") or "").strip()
    if xdg and Path(xdg).is_absolute():  # the rules say a relative one is to be ignored
        return Path(xdg) / APP_NAME
    home = (environ.get("HOME") or "").strip()
    return (Path(home) if home else Path.home()) / ".local" / "share" / APP_NAME
DEFAULT_API_BASE = "https://discord.com/api/v10"
# discord.py appends routes to this base, so it must end at the versioned API root.
_API_BASE_SHAPE = re.compile(r"^https?://[^/\s]+(/[^\s]*)?/api/v\d+$")
_GATEWAY_SHAPE = re.compile(r"^wss?://[^/\s]+(/[^\s]*)?$")
# Three dot-separated base64url parts: the shape of every bot token Discord issues.
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{20,}$")


class ConfigError(Exception):
    """A setting is missing or malformed; the message says which and where to set it."""


class Secret:
    """A value that never appears in a repr, a log line or a traceback's locals."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__


@dataclass(frozen=True)
class Settings:
    knowledge_dir: Path = DEFAULT_KNOWLEDGE_DIR
    discord_token: Secret | None = None
    listen_channel_ids: frozenset[int] = frozenset()
    dev_guild_id: int | None = None
    cooldown_rate: int = 5
    cooldown_seconds: float = 30.0
    api_base: str = DEFAULT_API_BASE
    gateway_url: str | None = None
    shard_count: int | None = None
    shard_ids: tuple[int, ...] | None = None
    log_level: str = "INFO"
    # The records database; the slash-command registration state sits beside it (.commands.json).
    database_path: Path = field(default_factory=lambda: user_data_dir(os.environ) / DATABASE_FILE)
    retention_days: int = 90
    admin_user_ids: frozenset[int] = frozenset()
    knowledge_poll_seconds: float = 5.0  # 0: never look at the knowledge files on its own; /reload still works
    # Computed files worth keeping between runs (the sentence model's phrasing vectors); never inside
    # the installed package. CACHE_DIR, else $XDG_CACHE_HOME/assessment-bot, else ~/.cache/assessment-bot.
    cache_dir: Path = Path.home() / ".cache" / "assessment-bot"

    def require_token(self) -> str:
        """The token for `run`, or a ConfigError that says where to put it."""
        if self.discord_token is None:
            raise ConfigError(
                "DISCORD_TOKEN is not set. Copy .env.example to .env and put the bot token from "
                "https://discord.com/developers/applications (Bot > Reset Token) after DISCORD_TOKEN=, "
                "or set DISCORD_TOKEN in the environment."
            )
        token = self.discord_token.reveal()
        if not _TOKEN_SHAPE.match(token):
            raise ConfigError(
                "DISCORD_TOKEN does not look like a bot token (three dot-separated parts). Check for "
                "quotes, spaces or a 'Bot ' prefix in .env or the environment; copy the token again "
                "from the Developer Portal if unsure."
            )
        return token


def env_files_to_search(environ: Mapping[str, str]) -> tuple[Path, ...]:
    """The `.env` files to look for, first found wins, as `ENV_FILE` in `environ` says.

    Unset: `.env` in the working directory, then in the project root. Set but empty: none, so that
    nothing outside the environment is read (the test suite runs this way). Set: that file only, which
    must then exist.
    """
    if "ENV_FILE" not in environ:
        return (Path.cwd() / ".env", PROJECT_ROOT / ".env")
    chosen = environ["ENV_FILE"].strip()
    if not chosen:
        return ()
    path = Path(chosen).expanduser()
    if not path.is_file():
        raise ConfigError(f"ENV_FILE={chosen!r} is not a file: give the path of a .env file, or set it empty to read none.")
    return (path,)


def load_settings(environ: Mapping[str, str] | None = None, env_files: Sequence[Path] | None = None) -> Settings:
    """Settings from `environ` (default: the process environment) over the first `.env` file found.

    `env_files` defaults to what `ENV_FILE` in `environ` asks for (see `env_files_to_search`).
    """
    environ = os.environ if environ is None else environ
    if env_files is None:
        env_files = env_files_to_search(environ)
    env_file = next((p for p in env_files if p.is_file()), None)
    from_file = {k: v for k, v in (dotenv_values(env_file) if env_file else {}).items() if v is not None}
    values = {**from_file, **environ}
    read = _Reader(values)

    def path(name: str, default: Path) -> Path:
        """A path setting; a relative one in `.env` is relative to that file, so it works from any directory."""
        raw = read.text(name)
        if not raw:
            return default
        value = Path(raw).expanduser()
        if env_file and name not in environ and not value.is_absolute():
            value = env_file.parent / value
        return value

    token = values.get("DISCORD_TOKEN", "").strip()
    settings = Settings(
        knowledge_dir=path("KNOWLEDGE_DIR", DEFAULT_KNOWLEDGE_DIR),
        discord_token=Secret(token) if token else None,
        listen_channel_ids=frozenset(read.ids("LISTEN_CHANNEL_IDS")),
        dev_guild_id=read.optional_int("DEV_GUILD_ID"),
        cooldown_rate=read.int("COOLDOWN_RATE", 5, minimum=1),
        cooldown_seconds=read.float("COOLDOWN_SECONDS", 30.0, minimum=0.0),
        api_base=(read.text("DISCORD_API_BASE") or DEFAULT_API_BASE).rstrip("/"),
        gateway_url=read.text("DISCORD_GATEWAY_URL") or None,
        shard_count=read.optional_int("SHARD_COUNT", minimum=1),
        shard_ids=tuple(read.ids("SHARD_IDS")) or None,
        log_level=read.choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR")),
        database_path=path("DATABASE_PATH", user_data_dir(values) / DATABASE_FILE),
        retention_days=read.int("RETENTION_DAYS", 90, minimum=1),
        admin_user_ids=frozenset(read.ids("ADMIN_USER_IDS")),
        knowledge_poll_seconds=read.float("KNOWLEDGE_POLL_SECONDS", 5.0, minimum=0.0),
        cache_dir=path("CACHE_DIR", user_cache_dir(values)),
    )
    if not _API_BASE_SHAPE.match(settings.api_base):
        read.errors.append(
            f"DISCORD_API_BASE={settings.api_base!r} must be an http(s) URL ending in /api/v<version>, "
            f"such as {DEFAULT_API_BASE}."
        )
    if settings.gateway_url and not _GATEWAY_SHAPE.match(settings.gateway_url):
        read.errors.append(
            f"DISCORD_GATEWAY_URL={settings.gateway_url!r} must be a ws:// or wss:// URL, such as "
            "wss://gateway.discord.gg; leave it empty for Discord's own."
        )
    if read.errors:
        raise ConfigError("\n".join(read.errors))
    if settings.shard_ids and settings.shard_count is None:
        raise ConfigError("SHARD_IDS is set but SHARD_COUNT is not: set SHARD_COUNT to the total number of shards.")
    if settings.shard_ids and settings.shard_count and max(settings.shard_ids) >= settings.shard_count:
        raise ConfigError(f"SHARD_IDS must be below SHARD_COUNT ({settings.shard_count}).")
    return settings


def user_cache_dir(values: Mapping[str, str]) -> Path:
    """The bot's directory under the user's cache directory, as the XDG base-directory spec places it."""
    xdg = (values.get("XDG_CACHE_HOME") or "").strip()
    # The spec says a relative XDG_CACHE_HOME is invalid and to be ignored.
    base = Path(xdg) if xdg and Path(xdg).is_absolute() else Path.home() / ".cache"
    return base / "assessment-bot"


class _Reader:
    """Typed reads of raw strings that collect every error instead of stopping at the first."""

    def __init__(self, values: Mapping[str, str]):
        self.values = values
        self.errors: list[str] = []

    def _raw(self, name: str) -> str:
        return (self.values.get(name) or "").strip()

    def text(self, name: str) -> str:
        return self._raw(name)

    def optional_int(self, name: str, minimum: int = 0) -> int | None:
        raw = self._raw(name)
        if not raw:
            return None
        if not raw.isdigit() or int(raw) < minimum:
            self.errors.append(f"{name}={raw!r} must be a whole number of at least {minimum}.")
            return None
        return int(raw)

    def int(self, name: str, default: int, minimum: int) -> int:
        value = self.optional_int(name, minimum)
        return default if value is None else value

    def float(self, name: str, default: float, minimum: float) -> float:
        raw = self._raw(name)
        if not raw:
            return default
        try:
            value = float(raw)
        except ValueError:
            value = minimum - 1
        if value < minimum:
            self.errors.append(f"{name}={raw!r} must be a number of at least {minimum}.")
            return default
        return value

    def ids(self, name: str) -> list[int]:
        """A comma- or space-separated list of Discord ids (snowflakes) or shard numbers."""
        parts = self._raw(name).replace(",", " ").split()
        bad = [p for p in parts if not p.isdigit()]
        if bad:
            self.errors.append(f"{name} must list numeric ids separated by commas; not numbers: {', '.join(bad)}.")
        return [int(p) for p in parts if p.isdigit()]

    def choice(self, name: str, default: str, choices: tuple[str, ...]) -> str:
        raw = self._raw(name).upper() or default
        if raw not in choices:
            self.errors.append(f"{name}={raw!r} must be one of {', '.join(choices)}.")
            return default
        return raw
