"""The records store keeps the promises its documentation makes, on files edited by hand, written by a
newer bot, or read by the report while the bot runs."""

from __future__ import annotations

import contextlib
import logging
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.records import EntryVotes, Records, format_report
from tests.test_cli import run_cli

VOTER = 987654321098765432
NOW = datetime.now(timezone.utc).replace(microsecond=0)


def ask(records: Records, question: str, **verdict: object) -> bool:
    fields = {"guild_id": 42, "matched": False, "entry_id": None, "score": 30.0, "suggestions": ()} | verdict
    return records.record_question(question=question, **fields)  # type: ignore[arg-type]


def execute(path: Path, sql: str, *args: object) -> list[tuple]:
    """SQL run by hand on the file, as an operator with the sqlite3 shell would."""
    with contextlib.closing(sqlite3.connect(path, isolation_level=None)) as raw:
        return raw.execute(sql, args).fetchall()


def files(path: Path) -> dict[str, bytes]:
    """The database file and any companion (-wal, -shm, -journal), by name, as stored on disk."""
    return {p.name: p.read_bytes() for p in sorted(path.parent.glob(path.name + "*"))}


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "records.sqlite3"


# --- a voter key edited by hand ------------------------------------------------------------------------


@pytest.mark.parametrize("edited", ["not hex at all", "abcd", "", b"\x00\x01"], ids=["text", "short", "empty", "blob"])
def test_a_voter_key_edited_by_hand_is_replaced_with_a_warning_and_votes_still_count(
    db_path: Path, edited: str | bytes, caplog: pytest.LogCaptureFixture,
) -> None:
    with Records(db_path, retention_days=90) as store:
        assert store.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=True)
    execute(db_path, "UPDATE meta SET value = ? WHERE key = 'voter_hmac_key'", edited)
    caplog.set_level(logging.WARNING, logger="bot.records")

    with Records(db_path, retention_days=90) as store:
        assert store.healthy  # start-up checks this; it must not raise
        assert store.record_vote(message_id=2, entry_id="author", voter_id=VOTER, helpful=False)
        assert store.record_vote(message_id=2, entry_id="author", voter_id=VOTER, helpful=True) is False
        assert store.votes() == [EntryVotes("author", down=0, up=2)]

    [warning] = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert str(db_path) in warning and "voter key" in warning and "no longer matched" in warning
    [(key,)] = execute(db_path, "SELECT value FROM meta WHERE key = 'voter_hmac_key'")
    assert len(bytes.fromhex(key)) == 32


def test_a_deleted_voter_key_is_made_anew_once_for_every_process_sharing_the_file(db_path: Path) -> None:
    with Records(db_path, retention_days=90) as store:
        assert store.healthy
    execute(db_path, "DELETE FROM meta")
    with Records(db_path, retention_days=90) as shard_a, Records(db_path, retention_days=90) as shard_b:
        assert shard_a.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=True)
        # The other process must hash with the same new key: the same voter is recognised there.
        assert shard_b.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=False) is False
    assert execute(db_path, "SELECT COUNT(*) FROM meta") == [(1,)]


# --- rows edited by hand -------------------------------------------------------------------------------


def test_a_question_whose_time_was_edited_into_nonsense_is_still_reported(db_path: Path) -> None:
    with Records(db_path, retention_days=90) as store:
        ask(store, "how many died in the war")
        ask(store, "what is the capital of peru")
    execute(db_path, "UPDATE questions SET asked_at = 'last tuesday' WHERE question LIKE 'what%'")

    proc = run_cli("report", env={"DATABASE_PATH": str(db_path)})

    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    peru = proc.stdout.splitlines().index("  1×  what is the capital of peru")
    assert "last asked unknown" in proc.stdout.splitlines()[peru + 1]
    assert "1×  how many died in the war" in proc.stdout


CELL = st.one_of(
    st.text(max_size=30), st.integers(min_value=-(2**63), max_value=2**63 - 1),
    st.floats(allow_nan=False), st.binary(max_size=12),
    st.sampled_from(["2025-05-01T12:00:00+00:00", "2025-05-01 12:00", "[]", '["author"]', '{"a": 1}', "0", "1"]),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(questions=st.lists(st.tuples(CELL, CELL, CELL, CELL, CELL, CELL), max_size=8),
       votes=st.lists(st.tuples(CELL, CELL, CELL, CELL), max_size=5))
def test_reports_never_raise_whatever_was_written_into_the_cells(
    tmp_path: Path, questions: list[tuple], votes: list[tuple],
) -> None:
    path = tmp_path / f"{uuid.uuid4().hex}.sqlite3"
    with Records(path, retention_days=90) as store:
        assert store.healthy
    with contextlib.closing(sqlite3.connect(path)) as raw, raw:
        raw.executemany("INSERT INTO questions (asked_at, question, matched, entry_id, score, suggestions)"
                        " VALUES (?, ?, ?, ?, ?, ?)", questions)
        raw.executemany("INSERT OR IGNORE INTO votes (message_id, voter_hash, entry_id, helpful, voted_at)"
                        " VALUES (1, ?, ?, ?, ?)", votes)
        [(declined,)] = raw.execute("SELECT COUNT(*) FROM questions WHERE matched = 0").fetchall()

    with Records(path, retention_days=90, read_only=True) as reader:
        unanswered, low, voted = reader.unanswered(1000), reader.low_confidence(1000), reader.votes(1000)
        assert reader.healthy, reader.problem
    assert sum(g.count for g in unanswered) == declined  # every declined row counted, whatever its cells
    assert format_report(unanswered, voted, low)


def test_rows_whose_time_cannot_be_read_are_purged_their_age_being_unknown(db_path: Path) -> None:
    with Records(db_path, retention_days=90) as store:
        ask(store, "how many died in the war")
        ask(store, "what is the capital of peru")
        store.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=True)
        store.record_vote(message_id=2, entry_id="author", voter_id=VOTER, helpful=True)
    execute(db_path, "UPDATE questions SET asked_at = 'soon' WHERE question LIKE 'what%'")
    execute(db_path, "UPDATE votes SET voted_at = x'00ff' WHERE message_id = 2")

    with Records(db_path, retention_days=90) as store:
        assert store.purge() == 2
        assert [g.wording for g in store.unanswered()] == ["how many died in the war"]
        assert store.votes() == [EntryVotes("author", down=0, up=1)]


def test_times_with_another_offset_are_purged_by_their_real_age(db_path: Path) -> None:
    with Records(db_path, retention_days=30) as store:
        ask(store, "how many died in the war")
    # 30 days and 2 hours old, written as local time in UTC+10: by string order it looks 8 hours younger
    # than the cutoff.
    old = (NOW - timedelta(days=30, hours=2)).astimezone(timezone(timedelta(hours=10))).isoformat()
    execute(db_path, "UPDATE questions SET asked_at = ?", old)
    with Records(db_path, retention_days=30) as store:
        assert store.unanswered() == []


# --- a file from a newer bot ---------------------------------------------------------------------------


def test_a_file_from_a_newer_bot_is_not_written_at_all(db_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    execute(db_path, "CREATE TABLE questions_v99 (anything TEXT)")
    execute(db_path, "PRAGMA user_version = 99")
    before = files(db_path)

    with Records(db_path, retention_days=90) as store:
        assert not store.healthy
        assert "newer" in (store.problem or "")
        assert ask(store, "how many died in the war") is False
        assert store.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=True) is False
        assert store.purge() == 0

    assert files(db_path) == before  # the same bytes, and no -wal or -shm beside it
    assert execute(db_path, "PRAGMA journal_mode") == [("delete",)]
    proc = run_cli("report", env={"DATABASE_PATH": str(db_path)})
    assert proc.returncode == 1 and "newer" in proc.stderr and "upgrade the bot" in proc.stderr
    assert files(db_path) == before


# --- the report only reads -----------------------------------------------------------------------------


def test_the_report_neither_purges_nor_writes(db_path: Path) -> None:
    long_ago = NOW - timedelta(days=400)
    with Records(db_path, retention_days=90, clock=lambda: long_ago) as past:
        ask(past, "how many died in the war")
        past.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=False)
    before = files(db_path)[db_path.name]

    proc = run_cli("report", env={"DATABASE_PATH": str(db_path), "RETENTION_DAYS": "90"})

    assert proc.returncode == 0, proc.stderr
    assert "1×  how many died in the war" in proc.stdout  # reported as it is, not purged
    assert files(db_path)[db_path.name] == before
    assert execute(db_path, "SELECT COUNT(*) FROM questions") == [(1,)]


def test_the_report_does_not_migrate_an_uninitialised_file(db_path: Path) -> None:
    db_path.write_bytes(b"")  # an empty file is an SQLite database of version 0, without tables

    proc = run_cli("report", env={"DATABASE_PATH": str(db_path)})

    assert proc.returncode == 1 and "Cannot read the records database" in proc.stderr
    assert "older" in proc.stderr and "Traceback" not in proc.stderr
    assert db_path.read_bytes() == b""


def test_the_report_reads_what_the_running_bot_just_wrote(db_path: Path) -> None:
    with Records(db_path, retention_days=90) as bot:
        ask(bot, "how many died in the war")  # still in the write-ahead log: the bot holds the file open
        proc = run_cli("report", env={"DATABASE_PATH": str(db_path)})
        assert ask(bot, "what is the capital of peru")  # and the bot goes on writing
    assert proc.returncode == 0, proc.stderr
    assert "1×  how many died in the war" in proc.stdout


def test_a_read_only_store_records_nothing(db_path: Path) -> None:
    with Records(db_path, retention_days=90) as store:
        assert store.healthy
    with Records(db_path, retention_days=90, read_only=True) as reader:
        assert reader.healthy
        assert ask(reader, "how many died in the war") is False
        assert reader.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=True) is False
        assert reader.unanswered() == [] and reader.problem is None
    assert execute(db_path, "SELECT COUNT(*) FROM questions") == [(0,)]
