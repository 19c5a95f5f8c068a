"""The records database's tables, their versions, and opening a file for reading or for writing.

The schema is versioned with `PRAGMA user_version` and migrated forward on opening for writing. A file
from a newer bot, or one that is not a records database at all, is refused before anything is written
to it: the version check comes first, before even the switch to WAL (which rewrites the file's header).
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

VOTER_KEY = "voter_hmac_key"
VOTER_KEY_BYTES = 32


def _create_v1(conn: sqlite3.Connection) -> None:
    conn.execute(
        """CREATE TABLE questions (
            id          INTEGER PRIMARY KEY,
            asked_at    TEXT    NOT NULL,  -- UTC, ISO 8601
            guild_id    INTEGER,           -- NULL for direct messages
            question    TEXT    NOT NULL,
            matched     INTEGER NOT NULL,  -- 1 answered, 0 declined
            entry_id    TEXT,              -- the entry answered with, NULL when declined
            score       REAL    NOT NULL,
            suggestions TEXT    NOT NULL   -- JSON list of the entry ids offered instead
        )"""
    )
    conn.execute("CREATE INDEX questions_asked_at ON questions (asked_at)")
    conn.execute(
        """CREATE TABLE votes (
            message_id  INTEGER NOT NULL,  -- the bot's answer message
            voter_hash  TEXT    NOT NULL,  -- HMAC-SHA256 of the voter's id, keyed with meta.voter_hmac_key
            entry_id    TEXT    NOT NULL,
            helpful     INTEGER NOT NULL,  -- 1 for 👍, 0 for 👎
            voted_at    TEXT    NOT NULL,  -- UTC, ISO 8601
            UNIQUE (message_id, voter_hash)
        )"""
    )
    conn.execute("CREATE INDEX votes_voted_at ON votes (voted_at)")
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (VOTER_KEY, secrets.token_hex(VOTER_KEY_BYTES)))


# MIGRATIONS[n] takes a database from user_version n to n + 1. Append; never edit a released step.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_create_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


def open_for_writing(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A connection to `path` (created if missing) with the schema at SCHEMA_VERSION.

    Raises sqlite3.Error or OSError; a file from a newer bot (sqlite3.DatabaseError) is then unchanged.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    # The bot uses it from one worker thread, not necessarily the one that opened it.
    conn = sqlite3.connect(path, timeout=busy_timeout, isolation_level=None, check_same_thread=False)
    try:
        _readable_text(conn)
        # Before anything that writes: a newer bot's file must stay exactly as it is.
        _refuse_newer(_user_version(conn))
        # WAL lets the report command read while the bot writes.
        conn.execute("PRAGMA journal_mode = WAL")
        # Purged questions must really go, not linger in free pages of the file.
        conn.execute("PRAGMA secure_delete = ON")
        # In WAL mode NORMAL never corrupts the file; a power cut may lose the last few records,
        # which is acceptable here, and no commit waits for the disk while questions queue up.
        conn.execute("PRAGMA synchronous = NORMAL")
        _migrate(conn)
    except BaseException:
        conn.close()
        raise
    return conn


def open_for_reading(path: Path, busy_timeout: float) -> sqlite3.Connection:
    """A read-only connection to an existing `path` at SCHEMA_VERSION: nothing is created, migrated or
    deleted. Raises sqlite3.Error for a missing file or another schema version."""
    # mode=ro: SQLite itself refuses every write. (In WAL mode it may still create the empty -wal and
    # -shm companions, which hold no data; the database file itself is never written.)
    conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=busy_timeout, check_same_thread=False)
    try:
        _readable_text(conn)
        version = _user_version(conn)
        _refuse_newer(version)
        if version < SCHEMA_VERSION:
            raise sqlite3.DatabaseError(
                f"schema version {version} is older than this bot's ({SCHEMA_VERSION}); "
                "the bot brings it up to date when it next starts"
            )
    except BaseException:
        conn.close()
        raise
    return conn


def _readable_text(conn: sqlite3.Connection) -> None:
    # A hand-edited cell may hold bytes that are not UTF-8; read them with a replacement character
    # instead of failing the whole query.
    conn.text_factory = lambda raw: raw.decode("utf-8", "replace")


def _refuse_newer(version: int) -> None:
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"schema version {version} is newer than this bot understands ({SCHEMA_VERSION}); upgrade the bot"
        )


def _migrate(conn: sqlite3.Connection) -> None:
    """Brings the schema to SCHEMA_VERSION."""
    if _user_version(conn) == SCHEMA_VERSION:
        return
    with transaction(conn):
        # Read again under the write lock: another process may have migrated meanwhile.
        version = _user_version(conn)
        _refuse_newer(version)
        for step in MIGRATIONS[version:]:
            step(conn)
        # PRAGMA takes no parameters; the value is our own integer.
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def voter_key(conn: sqlite3.Connection) -> tuple[bytes, bool]:
    """The database's secret for voter hashes, and whether it had to be made anew.

    A missing key, or one that is not VOTER_KEY_BYTES in hex (edited by hand), is replaced by a new
    random one, so that votes are still recorded; earlier voters are then no longer recognised.
    """
    key = _valid_key(conn)
    if key is not None:
        return key, False
    with transaction(conn):
        # Read again under the write lock: another process may have replaced it meanwhile, and both
        # must then hash with the same key.
        key = _valid_key(conn)
        if key is not None:
            return key, False
        key = secrets.token_bytes(VOTER_KEY_BYTES)
        conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (VOTER_KEY, key.hex()))
    return key, True


def _valid_key(conn: sqlite3.Connection) -> bytes | None:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (VOTER_KEY,)).fetchone()
    if row is None or not isinstance(row[0], str):
        return None
    try:
        key = bytes.fromhex(row[0])
    except ValueError:
        return None
    return key if len(key) == VOTER_KEY_BYTES else None


@contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, so a busy database fails here rather than half-way.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def iso(moment: datetime) -> str:
    """One fixed format in UTC, so that comparing the strings compares the times."""
    return _utc(moment).isoformat(timespec="seconds")


def unix(moment: datetime) -> int:
    """`moment` in Unix seconds, as `unix_seconds` reads stored times."""
    return int(_utc(moment).timestamp())


def _utc(moment: datetime) -> datetime:
    # The clock may be naive in tests and scripts: a naive time is taken as UTC, never as local time.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def unix_seconds(column: str) -> str:
    """SQL for the time in `column` as Unix seconds: NULL when SQLite cannot read it as a time (a cell
    edited by hand), and offsets other than UTC compared correctly."""
    return f"CAST(strftime('%s', {column}) AS INTEGER)"


def from_unix_seconds(value: object) -> datetime | None:
    """The UTC time of `unix_seconds`' result; None for NULL or a time Python cannot represent."""
    if not isinstance(value, int):
        return None
    try:
        return datetime.fromtimestamp(value, tz=timezone.utc)
    except (ValueError, OverflowError, OSError):
        return None
