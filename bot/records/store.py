"""`Records`: the question and vote store on one SQLite file, usable whatever state the file is in."""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

from bot.records.grouping import QuestionGroup, QuestionRow, group_questions
from bot.records.schema import (
    from_unix_seconds,
    iso,
    open_for_reading,
    open_for_writing,
    transaction,
    unix,
    unix_seconds,
    voter_key,
)
from bot.text import clean

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a write waits for another writer (another shard's process) before giving up on this record.
BUSY_TIMEOUT_SECONDS = 0.5
# After a failure, leave the database alone for a while instead of paying the busy timeout (or a
# failed open) on every question the bot answers.
RETRY_AFTER = timedelta(seconds=30)


@dataclass(frozen=True)
class EntryVotes:
    entry_id: str
    down: int
    up: int


def _utc_now() -> datetime:
    return datetime.now(timezone.utc)


class Records:
    """The question and vote store at `path`; opened on first use, safe to use when broken.

    Meant for one thread at a time (the bot runs it on a thread of its own, off the event loop).
    Every write is a single short transaction. With `read_only` (the report) the file is opened
    read-only and only read: never created, migrated or purged, and nothing is recorded.
    """

    def __init__(
        self, path: Path, retention_days: int, clock: Callable[[], datetime] = _utc_now, *, read_only: bool = False
    ):
        if retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, not {retention_days}")
        self.path = Path(path)
        self.retention_days = retention_days
        self.read_only = read_only
        self._clock = clock
        self._conn: sqlite3.Connection | None = None
        self._voter_key = b""
        self._problem: str | None = None
        self._warned: set[str] = set()
        self._retry_at: datetime | None = None

    def __enter__(self) -> Records:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # --- health ------------------------------------------------------------------------------------

    @property
    def healthy(self) -> bool:
        """True when the database can be used: tries to open it if it is not open yet.

        False after the most recent attempt to use it failed; `problem` then says why.
        """
        if self._conn is None:
            self._connection()
        return self._problem is None

    @property
    def is_open(self) -> bool:
        """True while a connection to the file is open (after a first use, before `close`)."""
        return self._conn is not None

    @property
    def problem(self) -> str | None:
        """Why the database is unusable (the SQLite error), or None when the last use worked."""
        return self._problem

    # --- recording ---------------------------------------------------------------------------------

    def record_question(
        self,
        *,
        question: str,
        guild_id: int | None,
        matched: bool,
        entry_id: str | None,
        score: float,
        suggestions: Sequence[str],
    ) -> bool:
        """Stores one question and the engine's verdict; True when stored, False when the database failed.

        `guild_id` is None for direct messages; `suggestions` are the entry ids offered instead of an answer.
        Discord markup (mentions of users included) is removed from the question before it is stored.
        """
        if self.read_only:
            return False
        # NaN would become NULL in SQLite and then sort and print oddly; a score is never meaningfully NaN.
        score = float(score) if math.isfinite(score) else 0.0
        row = (
            self._now_iso(),
            guild_id,
            clean(question),
            int(bool(matched)),
            entry_id,
            round(score, 1),
            json.dumps([str(s) for s in suggestions]),
        )

        def insert(conn: sqlite3.Connection) -> bool:
            conn.execute(
                "INSERT INTO questions (asked_at, guild_id, question, matched, entry_id, score, suggestions)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                row,
            )
            return True

        return self._run(insert, False)

    def record_vote(self, *, message_id: int, entry_id: str, voter_id: int, helpful: bool) -> bool:
        """Stores a 👍 (`helpful`) or 👎 on the answer in `message_id`: True for the voter's first vote there.

        A second vote by the same voter on the same message replaces the first (they changed their mind)
        and returns False; False also when the database failed. The voter id itself is never stored.
        """
        if self.read_only:
            return False

        def upsert(conn: sqlite3.Connection) -> bool:
            voter = self._voter_hash(voter_id)
            values = (entry_id, int(bool(helpful)), self._now_iso(), message_id, voter)
            with transaction(conn):
                updated = conn.execute(
                    "UPDATE votes SET entry_id = ?, helpful = ?, voted_at = ? WHERE message_id = ? AND voter_hash = ?",
                    values,
                ).rowcount
                if not updated:
                    conn.execute(
                        "INSERT INTO votes (entry_id, helpful, voted_at, message_id, voter_hash) VALUES (?, ?, ?, ?, ?)",
                        values,
                    )
            return not updated

        return self._run(upsert, False)

    def purge(self) -> int:
        """Deletes questions and votes older than `retention_days`, and those whose time cannot be read (their
        age is unknown); returns how many rows went (0 on failure, and always 0 when `read_only`)."""
        if self.read_only:
            return 0
        return self._run(self._purge, 0, purge_on_open=False)

    # --- reports -----------------------------------------------------------------------------------

    def unanswered(self, limit: int = 20, first_assessment: str | None = None) -> list[QuestionGroup]:
        """The `limit` most frequent unanswered questions, near-identical wordings grouped; [] on failure.

        Unanswered means the engine declined (too little confidence, or too close a runner-up).
        Groups are ordered by count, then by the most recent question. Rows edited by hand into values
        of the wrong type are still counted, with what can be read of them. Entries are named by their
        keys ("herbst-2025-05/author"); a plain id, recorded before the series, is read as an entry of
        `first_assessment` when it is given.
        """
        return self._grouped("suggestions", "matched = 0", limit, _suggestions, first_assessment)

    def low_confidence(self, limit: int = 20, first_assessment: str | None = None) -> list[QuestionGroup]:
        """The `limit` most frequent questions answered with low confidence, grouped like `unanswered`; [] on failure.

        Each group's `suggestions` are the entries the bot answered with, most often first.
        """
        return self._grouped("entry_id", "matched = 1", limit, _entry, first_assessment)

    def _grouped(
        self, entries_column: str, condition: str, limit: int, entries: Callable[[object], tuple[str, ...]],
        first_assessment: str | None,
    ) -> list[QuestionGroup]:
        # Identical rows are collapsed by SQLite; only distinct wordings reach the fuzzy grouping. A time
        # or score edited into something else reads as NULL here, which MAX skips.
        query = (
            f"SELECT question, {entries_column}, COUNT(*), MAX({unix_seconds('asked_at')}),"
            " MAX(CASE WHEN typeof(score) IN ('integer', 'real') THEN score END)"
            f" FROM questions WHERE {condition} GROUP BY question, {entries_column}"
        )

        def report(conn: sqlite3.Connection) -> list[QuestionGroup]:
            rows = [
                QuestionRow(_text(question), tuple(_keyed(e, first_assessment) for e in entries(raw_entries)), count,
                            from_unix_seconds(last), _score(best))
                for question, raw_entries, count, last, best in conn.execute(query)
            ]
            return group_questions(rows)[:limit]

        return self._run(report, [])

    def votes(self, limit: int = 20, first_assessment: str | None = None) -> list[EntryVotes]:
        """Entries that received votes, the most 👎 first (then the fewest 👍); [] on failure. A plain
        entry id (a vote from before the series) counts for `first_assessment`'s entry when it is given."""

        def report(conn: sqlite3.Connection) -> list[EntryVotes]:
            rows = conn.execute(
                "SELECT entry, SUM(helpful = 0), SUM(helpful = 1) FROM (SELECT helpful, CASE WHEN ? IS NOT NULL"
                " AND instr(entry_id, '/') = 0 THEN ? || '/' || entry_id ELSE entry_id END AS entry FROM votes)"
                " GROUP BY entry ORDER BY SUM(helpful = 0) DESC, SUM(helpful = 1) ASC, entry LIMIT ?",
                (first_assessment, first_assessment, limit),
            ).fetchall()
            return [EntryVotes(_text(entry_id), int(down or 0), int(up or 0)) for entry_id, down, up in rows]

        return self._run(report, [])

    def close(self) -> None:
        """Closes the database; a later call opens it again."""
        if self._conn is not None:
            try:
                self._conn.close()
            except sqlite3.Error as exc:  # pragma: no cover - close only fails on a broken handle
                log.debug("Closing records database %s failed: %s", self.path, exc)
            self._conn = None

    # --- internals ---------------------------------------------------------------------------------

    def _run(self, work: Callable[[sqlite3.Connection], T], default: T, *, purge_on_open: bool = True) -> T:
        """`work` on the open database, or `default` if the database cannot be opened or `work` fails."""
        conn = self._connection(purge_on_open)
        if conn is None:
            return default
        try:
            result = work(conn)
        except sqlite3.Error as exc:
            self._failed(exc)
            return default
        self._succeeded()
        return result

    def _connection(self, purge_on_open: bool = True) -> sqlite3.Connection | None:
        if self._conn is not None:
            return self._conn
        if self._retry_at is not None and self._clock() < self._retry_at:
            return None
        conn: sqlite3.Connection | None = None
        try:
            if self.read_only:
                conn = open_for_reading(self.path, BUSY_TIMEOUT_SECONDS)
            else:
                conn = open_for_writing(self.path, BUSY_TIMEOUT_SECONDS)
                self._voter_key, replaced = voter_key(conn)
                if replaced:
                    log.warning(
                        "Records database %s had no valid voter key (edited by hand?); made a new one, so votes "
                        "cast before are no longer matched to their voters", self.path,
                    )
                if purge_on_open:
                    self._purge(conn)
        except (sqlite3.Error, OSError) as exc:
            if conn is not None:
                conn.close()
            self._failed(exc)
            return None
        self._conn = conn
        self._succeeded()
        return conn

    def _purge(self, conn: sqlite3.Connection) -> int:
        cutoff = unix(self._clock() - timedelta(days=self.retention_days))
        with transaction(conn):
            removed = 0
            for table, column in (("questions", "asked_at"), ("votes", "voted_at")):
                # COALESCE: a time SQLite cannot read is NULL, and such a row is deleted too.
                removed += conn.execute(
                    f"DELETE FROM {table} WHERE COALESCE({unix_seconds(column)} < ?, 1)", (cutoff,)
                ).rowcount
        if removed:
            log.info("Deleted %d records older than %d days from %s", removed, self.retention_days, self.path)
        return removed

    def _voter_hash(self, voter_id: int) -> str:
        return hmac.new(self._voter_key, str(voter_id).encode(), hashlib.sha256).hexdigest()

    def _now_iso(self) -> str:
        return iso(self._clock())

    def _failed(self, exc: Exception) -> None:
        kind = getattr(exc, "sqlite_errorname", None) or type(exc).__name__
        self._problem = f"{exc} ({kind})"
        self._retry_at = self._clock() + RETRY_AFTER
        # The connection may be on a file that was replaced or damaged; start afresh on the next try.
        self.close()
        if kind not in self._warned:
            self._warned.add(kind)
            # The path and SQLite's message only: questions are the users' words and stay out of logs.
            log.warning(
                "Records database %s is unusable (%s); questions and votes are not recorded and reports "
                "are empty until it works again (next try in %d s)",
                self.path, self._problem, RETRY_AFTER.total_seconds(),
            )

    def _succeeded(self) -> None:
        if self._problem is not None:
            log.info("Records database %s works again", self.path)
        self._problem = None
        self._retry_at = None
        self._warned.clear()


# --- reading cells that may have been edited by hand --------------------------------------------------


def _text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return "" if value is None else str(value)


def _score(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and math.isfinite(value) else 0.0


def _suggestions(raw: object) -> tuple[str, ...]:
    """The entry ids in a `suggestions` cell (a JSON list); none when it is not one."""
    try:
        value = json.loads(_text(raw))
    except (ValueError, RecursionError):
        return ()
    return tuple(_text(s) for s in value) if isinstance(value, list) else ()


def _entry(raw: object) -> tuple[str, ...]:
    return () if raw is None else (_text(raw),)


def _keyed(entry: str, first_assessment: str | None) -> str:
    """An entry as recorded, named by its key: a plain id (recorded before the series) as `first_assessment`'s."""
    return f"{first_assessment}/{entry}" if first_assessment and "/" not in entry else entry
