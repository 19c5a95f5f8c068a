"""What people ask and how they rate the answers, kept in a small SQLite file for the operators.

Two questions drive this module: what do people ask that the bot cannot answer, and which answers do
they dislike. `Records` stores each question (with whether it was answered) and each 👍/👎 vote, and
reports the most frequent unanswered questions, near-identical wordings counted together, and the
entries with the most 👎. `format_report` turns both reports into text for a terminal.

Privacy: no user id and no username is stored. A voter is kept only as an HMAC-SHA256 of their id,
keyed with a random secret generated once per database, so that one vote per person per message can be
enforced; questions lose Discord markup (mentions included) before they are stored; everything is
deleted after `retention_days`.

The bot must keep answering whatever happens to this file: a corrupt, locked or unwritable database
never raises out of a public method. Failures are logged once per kind, recording does nothing and
reports come back empty until the database works again; `healthy` and `problem` tell the operator.

What is recorded (`worth_recording`): questions the bot declined, and questions it answered with a score
below LOW_CONFIDENCE, asked in a server. Questions asked in direct messages are never recorded: a DM is a
private conversation with the bot, and its text should not end up in a file operators read.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import math
import secrets
import sqlite3
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TypeVar

from rapidfuzz import fuzz, process, utils

from bot.matching import Result
from bot.render import clip
from bot.text import clean

log = logging.getLogger(__name__)

T = TypeVar("T")

# How long a write waits for another writer (another shard's process) before giving up on this record.
BUSY_TIMEOUT_SECONDS = 0.5
# After a failure, leave the database alone for a while instead of paying the busy timeout (or a
# failed open) on every question the bot answers.
RETRY_AFTER = timedelta(seconds=30)
# token_sort_ratio of processed wordings at or above which two unanswered questions count as one.
# Calibrated on the pair "how many died in the war" / "how many people died in the war" (87.3);
# different questions that share most words, such as "what is the capital of peru" / "... of france"
# (78.6) or "when did the war start" / "... end" (81.0), stay apart.
GROUPING_CUTOFF = 85.0
MAX_OTHER_WORDINGS = 3
MAX_SUGGESTIONS = 3
# An answer scoring below this is kept for review (was it the right entry?): the engine answers from
# its threshold (bot.matching.Tuning) up, and the closer to it, the likelier a wrong entry.
LOW_CONFIDENCE = 70.0
_VOTER_KEY = "voter_hmac_key"


def worth_recording(result: Result, *, direct: bool) -> bool:
    """Whether a question deserves a row: declined or answered with low confidence, and not asked in a DM.

    A bare mention (no question at all) is not a question and is not recorded either.
    """
    if direct or not result.question:
        return False
    return not result.matched or result.score < LOW_CONFIDENCE


@dataclass(frozen=True)
class QuestionGroup:
    """Near-identical unanswered questions, counted together."""

    wording: str                       # the most frequent wording, as it was asked
    count: int                         # how many times any wording of the group was asked
    other_wordings: tuple[str, ...]    # a few other distinct wordings, most frequent first
    last_asked: datetime               # UTC
    best_score: float                  # the engine's best score for any of them (0..100)
    suggestions: tuple[str, ...]       # entry ids offered most often, most often first


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
    Every write is a single short transaction.
    """

    def __init__(self, path: Path, retention_days: int, clock: Callable[[], datetime] = _utc_now):
        if retention_days < 1:
            raise ValueError(f"retention_days must be at least 1, not {retention_days}")
        self.path = Path(path)
        self.retention_days = retention_days
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

        def upsert(conn: sqlite3.Connection) -> bool:
            voter = self._voter_hash(voter_id)
            values = (entry_id, int(bool(helpful)), self._now_iso(), message_id, voter)
            with _transaction(conn):
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
        """Deletes questions and votes older than `retention_days`; returns how many rows went (0 on failure)."""
        return self._run(self._purge, 0, purge_on_open=False)

    # --- reports -----------------------------------------------------------------------------------

    def unanswered(self, limit: int = 20) -> list[QuestionGroup]:
        """The `limit` most frequent unanswered questions, near-identical wordings grouped; [] on failure.

        Unanswered means the engine declined (too little confidence, or too close a runner-up).
        Groups are ordered by count, then by the most recent question.
        """

        return self._grouped(
            "SELECT question, suggestions, COUNT(*), MAX(asked_at), MAX(score) FROM questions"
            " WHERE matched = 0 GROUP BY question, suggestions",
            limit,
        )

    def low_confidence(self, limit: int = 20) -> list[QuestionGroup]:
        """The `limit` most frequent questions answered with low confidence, grouped like `unanswered`; [] on failure.

        Each group's `suggestions` are the entries the bot answered with, most often first.
        """

        return self._grouped(
            "SELECT question, json_array(entry_id), COUNT(*), MAX(asked_at), MAX(score) FROM questions"
            " WHERE matched = 1 GROUP BY question, entry_id",
            limit,
        )

    def _grouped(self, query: str, limit: int) -> list[QuestionGroup]:
        """The rows of `query` (question, suggestions as JSON, count, last asked, best score) grouped by
        near-identical wording; [] on failure."""

        def report(conn: sqlite3.Connection) -> list[QuestionGroup]:
            # Identical rows are collapsed by SQLite; only distinct wordings reach the fuzzy grouping.
            return _group_questions(conn.execute(query).fetchall())[:limit]

        return self._run(report, [])

    def votes(self, limit: int = 20) -> list[EntryVotes]:
        """Entries that received votes, the most 👎 first (then the fewest 👍); [] on failure."""

        def report(conn: sqlite3.Connection) -> list[EntryVotes]:
            rows = conn.execute(
                "SELECT entry_id, SUM(helpful = 0), SUM(helpful = 1) FROM votes GROUP BY entry_id"
                " ORDER BY SUM(helpful = 0) DESC, SUM(helpful = 1) ASC, entry_id LIMIT ?",
                (limit,),
            ).fetchall()
            return [EntryVotes(entry_id, down, up) for entry_id, down, up in rows]

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
            self.path.parent.mkdir(parents=True, exist_ok=True)
            # The bot uses it from one worker thread, not necessarily the one that opened it.
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False)
            # WAL lets the report command read while the bot writes.
            conn.execute("PRAGMA journal_mode = WAL")
            # Purged questions must really go, not linger in free pages of the file.
            conn.execute("PRAGMA secure_delete = ON")
            # In WAL mode NORMAL never corrupts the file; a power cut may lose the last few records,
            # which is acceptable here, and no commit waits for the disk while questions queue up.
            conn.execute("PRAGMA synchronous = NORMAL")
            _migrate(conn)
            self._voter_key = _voter_key(conn)
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
        cutoff = _iso(self._clock() - timedelta(days=self.retention_days))
        with _transaction(conn):
            removed = conn.execute("DELETE FROM questions WHERE asked_at < ?", (cutoff,)).rowcount
            removed += conn.execute("DELETE FROM votes WHERE voted_at < ?", (cutoff,)).rowcount
        if removed:
            log.info("Deleted %d records older than %d days from %s", removed, self.retention_days, self.path)
        return removed

    def _voter_hash(self, voter_id: int) -> str:
        return hmac.new(self._voter_key, str(voter_id).encode(), hashlib.sha256).hexdigest()

    def _now_iso(self) -> str:
        return _iso(self._clock())

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


# --- schema ------------------------------------------------------------------------------------------


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
    conn.execute("INSERT INTO meta (key, value) VALUES (?, ?)", (_VOTER_KEY, secrets.token_hex(32)))


# MIGRATIONS[n] takes a database from user_version n to n + 1. Append; never edit a released step.
MIGRATIONS: tuple[Callable[[sqlite3.Connection], None], ...] = (_create_v1,)
SCHEMA_VERSION = len(MIGRATIONS)


def _migrate(conn: sqlite3.Connection) -> None:
    """Brings the schema to SCHEMA_VERSION; refuses (sqlite3.DatabaseError) a database from a newer bot."""
    version = _user_version(conn)
    if version == SCHEMA_VERSION:
        return
    if version < SCHEMA_VERSION:
        with _transaction(conn):
            # Read again under the write lock: another process may have migrated meanwhile.
            version = _user_version(conn)
            for step in MIGRATIONS[version:]:
                step(conn)
            # PRAGMA takes no parameters; the value is our own integer.
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        version = SCHEMA_VERSION
    if version > SCHEMA_VERSION:
        raise sqlite3.DatabaseError(
            f"schema version {version} is newer than this bot understands ({SCHEMA_VERSION}); upgrade the bot"
        )


def _user_version(conn: sqlite3.Connection) -> int:
    return conn.execute("PRAGMA user_version").fetchone()[0]


def _voter_key(conn: sqlite3.Connection) -> bytes:
    row = conn.execute("SELECT value FROM meta WHERE key = ?", (_VOTER_KEY,)).fetchone()
    if row is None:
        # Only if someone deleted it: a new key means earlier voters are no longer recognised.
        conn.execute("INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", (_VOTER_KEY, secrets.token_hex(32)))
        row = conn.execute("SELECT value FROM meta WHERE key = ?", (_VOTER_KEY,)).fetchone()
    return bytes.fromhex(row[0])


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    # IMMEDIATE takes the write lock up front, so a busy database fails here rather than half-way.
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _iso(moment: datetime) -> str:
    # One fixed format in UTC, so that comparing the strings compares the times.
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


# --- grouping ----------------------------------------------------------------------------------------


@dataclass
class _Wording:
    """Every question whose processed text is `key`: its tallies and its written forms."""

    key: str
    count: int = 0
    last_asked: str = ""
    best_score: float = 0.0
    forms: Counter[str] = field(default_factory=Counter)
    suggestions: Counter[str] = field(default_factory=Counter)


def _group_questions(rows: Sequence[tuple[str, str, int, str, float]]) -> list[QuestionGroup]:
    """Groups of near-identical questions from (question, suggestions JSON, count, last asked, best score).

    Wordings equal after rapidfuzz's default_process (case, punctuation) are one wording. Then, most
    frequent wording first, each wording not yet grouped becomes a group's representative and takes every
    ungrouped wording within GROUPING_CUTOFF of it. Comparing with the representative only, not with any
    member, keeps a chain of small differences from joining unrelated questions.
    """
    wordings: dict[str, _Wording] = {}
    for question, suggestions_json, count, last_asked, best_score in rows:
        key = utils.default_process(question)
        wording = wordings.setdefault(key, _Wording(key))
        wording.count += count
        wording.last_asked = max(wording.last_asked, last_asked)
        wording.best_score = max(wording.best_score, best_score or 0.0)
        wording.forms[question] += count
        for suggestion in _suggestions(suggestions_json):
            wording.suggestions[suggestion] += count

    # Most frequent first, then most recently asked: stable sorts, least significant key first.
    ordered = sorted(wordings.values(), key=lambda w: w.key)
    ordered.sort(key=lambda w: w.last_asked, reverse=True)
    ordered.sort(key=lambda w: w.count, reverse=True)
    ungrouped = {index: wording.key for index, wording in enumerate(ordered)}
    groups: list[QuestionGroup] = []
    for index, representative in enumerate(ordered):
        if index not in ungrouped:
            continue
        del ungrouped[index]
        members = [representative]
        if representative.key and ungrouped:
            # With a dict of choices, extract yields (choice, score, key): the key is the index in `ordered`.
            hits = process.extract(
                representative.key, ungrouped, scorer=fuzz.token_sort_ratio, score_cutoff=GROUPING_CUTOFF, limit=None
            )
            for _choice, _score, member in sorted(hits, key=lambda hit: hit[2]):
                members.append(ordered[member])
                del ungrouped[member]
        groups.append(_make_group(members))
    groups.sort(key=lambda g: (-g.count, -g.last_asked.timestamp()))
    return groups


def _make_group(members: list[_Wording]) -> QuestionGroup:
    suggestions: Counter[str] = Counter()
    for member in members:
        suggestions.update(member.suggestions)
    return QuestionGroup(
        wording=members[0].forms.most_common(1)[0][0],
        count=sum(m.count for m in members),
        other_wordings=tuple(m.forms.most_common(1)[0][0] for m in members[1 : MAX_OTHER_WORDINGS + 1]),
        last_asked=datetime.fromisoformat(max(m.last_asked for m in members)),
        best_score=max(m.best_score for m in members),
        suggestions=tuple(s for s, _ in suggestions.most_common(MAX_SUGGESTIONS)),
    )


def _suggestions(raw: str) -> list[str]:
    # A row edited by hand must not break the whole report.
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return []
    return [str(s) for s in value] if isinstance(value, list) else []


# --- rendering ---------------------------------------------------------------------------------------

REPORT_WORDING_CHARS = 100  # one terminal line per question, long questions cut


def format_report(
    groups: Sequence[QuestionGroup], votes: Sequence[EntryVotes], low_confidence: Sequence[QuestionGroup] = ()
) -> str:
    """The reports as plain text for a terminal, with a clear line when one has nothing yet.

    `low_confidence` (questions answered with a low score) is a section of its own only when given.
    """
    lines = ["Most frequent unanswered questions", ""]
    if not groups:
        lines.append("  None recorded yet: every question asked so far was answered, or none was asked.")
    lines += _group_lines(groups, "suggestions offered")
    if low_confidence:
        lines += ["", f"Answered with low confidence (score below {LOW_CONFIDENCE:.0f}): check the answer given", ""]
        lines += _group_lines(low_confidence, "answered with")
    lines += ["", "Answers with the most 👎", ""]
    if not votes:
        lines.append("  No votes recorded yet.")
    else:
        id_width = max(len("entry"), *(len(v.entry_id) for v in votes))
        lines.append(f"  {'entry':<{id_width}}  {'down':>5}  {'up':>5}")
        for entry in votes:
            lines.append(f"  {entry.entry_id:<{id_width}}  {entry.down:>5}  {entry.up:>5}")
    return "\n".join(lines)


def _group_lines(groups: Sequence[QuestionGroup], entries_label: str) -> list[str]:
    lines = []
    width = len(str(max((g.count for g in groups), default=0)))
    for group in groups:
        lines.append(f"  {group.count:>{width}}×  {clip(group.wording, REPORT_WORDING_CHARS)}")
        indent = " " * (width + 5)
        for other in group.other_wordings:
            lines.append(f"{indent}also asked as: {clip(other, REPORT_WORDING_CHARS)}")
        entries = ", ".join(group.suggestions) if group.suggestions else "none"
        lines.append(
            f"{indent}best score {group.best_score:.1f}; last asked "
            f"{group.last_asked.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC; {entries_label}: {entries}"
        )
    return lines
