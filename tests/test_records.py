"""The question and vote store on real SQLite files: reports, one vote per person, privacy, retention, failures."""

from __future__ import annotations

import hashlib
import logging
import os
import sqlite3
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.records import (
    LOW_CONFIDENCE,
    RETRY_AFTER,
    SCHEMA_VERSION,
    EntryVotes,
    QuestionGroup,
    Records,
    format_report,
    worth_recording,
)
from tests.test_cli import run_cli

VOTER = 987654321098765432
OTHER_VOTER = 123456789012345678
START = datetime(2025, 5, 1, 12, 0, tzinfo=timezone.utc)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, now: datetime = START):
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "data" / "records.sqlite3"


@pytest.fixture
def records(db_path: Path, clock: Clock):
    store = Records(db_path, retention_days=90, clock=clock)
    yield store
    store.close()


def ask(records: Records, question: str, *, matched: bool = False, score: float = 30.0,
        suggestions: tuple[str, ...] = (), entry_id: str | None = None, guild_id: int | None = 42) -> bool:
    return records.record_question(
        question=question, guild_id=guild_id, matched=matched, entry_id=entry_id, score=score, suggestions=suggestions
    )


def database_bytes(path: Path) -> bytes:
    """The database file and its WAL and shared-memory companions, as stored on disk."""
    return b"".join(p.read_bytes() for p in sorted(path.parent.glob(path.name + "*")))


# --- recording and reporting -------------------------------------------------------------------------


def test_near_identical_unanswered_questions_are_counted_together(records: Records, clock: Clock) -> None:
    assert ask(records, "how many died in the war", score=31.0, suggestions=("casualties", "prisoner-exchange"))
    clock.advance(minutes=1)
    ask(records, "how many died in the war", score=30.0, suggestions=("casualties",))
    clock.advance(minutes=1)
    ask(records, "How many died in the war??", score=33.5, suggestions=("casualties", "minerals-deal"))
    clock.advance(minutes=1)
    ask(records, "how many people died in the war", score=29.0, suggestions=("prisoner-exchange",))
    last = clock.now
    clock.advance(minutes=1)
    ask(records, "what is the capital of peru", score=2.0)
    ask(records, "who wrote this?", matched=True, entry_id="author", score=88.0)

    groups = records.unanswered()

    assert [g.count for g in groups] == [4, 1]
    war, peru = groups
    assert war.wording == "how many died in the war"  # the most frequent wording represents the group
    assert war.other_wordings == ("how many people died in the war",)  # case and "??" are not a new wording
    assert war.best_score == 33.5
    assert war.last_asked == last
    assert war.suggestions[:2] == ("casualties", "prisoner-exchange")
    assert peru == QuestionGroup("what is the capital of peru", 1, (), clock.now, 2.0, ())
    assert all("who wrote this" not in g.wording for g in groups)  # answered questions are not reported


def test_groups_are_ordered_by_count_and_limited(records: Records) -> None:
    for question, times in [("what is the capital of peru", 1), ("when did the war end", 3), ("when did the war start", 2)]:
        for _ in range(times):
            ask(records, question)

    assert [(g.wording, g.count) for g in records.unanswered()] == [
        ("when did the war end", 3),
        ("when did the war start", 2),  # shares most words with "end" but asks something else
        ("what is the capital of peru", 1),
    ]
    assert [g.wording for g in records.unanswered(limit=1)] == ["when did the war end"]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from([
    "how many died in the war", "How many died in the war??", "how many people died in the war",
    "what is the capital of peru", "when did the war start", "when did the war end", "?!", "Minerals deal",
]), min_size=1, max_size=15))
def test_every_unanswered_question_is_counted_in_exactly_one_group(tmp_path: Path, questions: list[str]) -> None:
    with Records(tmp_path / f"{uuid.uuid4().hex}.sqlite3", retention_days=90) as store:
        for question in questions:
            ask(store, question)
        groups = store.unanswered(limit=100)
    assert sum(g.count for g in groups) == len(questions)
    wordings = [g.wording for g in groups] + [w for g in groups for w in g.other_wordings]
    assert len(wordings) == len(set(wordings))


def test_question_markup_and_guild_are_stored_as_given(records: Records, db_path: Path) -> None:
    ask(records, f"<@{VOTER}> how many   died in the war?", guild_id=None)
    records.close()
    with sqlite3.connect(db_path) as raw:
        row = raw.execute("SELECT question, guild_id, matched, entry_id, suggestions FROM questions").fetchone()
    assert row == ("how many died in the war?", None, 0, None, "[]")


# --- votes -------------------------------------------------------------------------------------------


def test_a_second_vote_by_the_same_user_replaces_the_first(records: Records) -> None:
    assert records.record_vote(message_id=1, entry_id="minerals-deal", voter_id=VOTER, helpful=True) is True
    assert records.votes() == [EntryVotes("minerals-deal", down=0, up=1)]

    assert records.record_vote(message_id=1, entry_id="minerals-deal", voter_id=VOTER, helpful=False) is False
    assert records.votes() == [EntryVotes("minerals-deal", down=1, up=0)]

    assert records.record_vote(message_id=1, entry_id="minerals-deal", voter_id=OTHER_VOTER, helpful=False) is True
    assert records.record_vote(message_id=2, entry_id="minerals-deal", voter_id=VOTER, helpful=False) is True
    assert records.votes() == [EntryVotes("minerals-deal", down=3, up=0)]


def test_votes_are_aggregated_per_entry_most_thumbs_down_first(records: Records) -> None:
    ballots = [
        (10, "author", 1, True),
        (11, "naval-ceasefire", 1, False), (11, "naval-ceasefire", 2, True), (11, "naval-ceasefire", 3, True),
        (12, "minerals-deal", 1, False), (12, "minerals-deal", 2, False),
        (13, "naval-ceasefire", 4, True),
    ]
    for message_id, entry_id, voter_id, helpful in ballots:
        records.record_vote(message_id=message_id, entry_id=entry_id, voter_id=voter_id, helpful=helpful)

    assert records.votes() == [
        EntryVotes("minerals-deal", down=2, up=0),
        EntryVotes("naval-ceasefire", down=1, up=3),
        EntryVotes("author", down=0, up=1),
    ]
    assert records.votes(limit=1) == [EntryVotes("minerals-deal", down=2, up=0)]


def test_no_user_id_reaches_the_database(db_path: Path, clock: Clock, tmp_path: Path) -> None:
    with Records(db_path, retention_days=90, clock=clock) as store:
        store.record_vote(message_id=555, entry_id="author", voter_id=VOTER, helpful=False)
        ask(store, f"<@{VOTER}> <@!{VOTER}> how many died in the war")
    stored = database_bytes(db_path)
    assert stored  # the check below reads the real file
    assert str(VOTER).encode() not in stored
    assert VOTER.to_bytes(8, "big") not in stored and VOTER.to_bytes(8, "little") not in stored

    with sqlite3.connect(db_path) as raw:
        (voter_hash,) = raw.execute("SELECT voter_hash FROM votes").fetchone()
        tables = [t for (t,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        cells = [str(c) for t in tables for row in raw.execute(f"SELECT * FROM {t}") for c in row]
    assert all(str(VOTER) not in cell for cell in cells)
    # Keyed, not a plain hash anyone could recompute from a list of ids.
    assert voter_hash != hashlib.sha256(str(VOTER).encode()).hexdigest()

    other_path = tmp_path / "other.sqlite3"
    with Records(other_path, retention_days=90, clock=clock) as other:
        other.record_vote(message_id=555, entry_id="author", voter_id=VOTER, helpful=False)
    with sqlite3.connect(other_path) as raw:
        assert raw.execute("SELECT voter_hash FROM votes").fetchone()[0] != voter_hash  # a secret per database


def test_reopening_keeps_data_and_recognises_the_same_voter(db_path: Path, clock: Clock) -> None:
    with Records(db_path, retention_days=90, clock=clock) as first:
        ask(first, "how many died in the war")
        assert first.record_vote(message_id=7, entry_id="author", voter_id=VOTER, helpful=True)

    with Records(db_path, retention_days=90, clock=clock) as second:
        assert [g.wording for g in second.unanswered()] == ["how many died in the war"]
        assert second.record_vote(message_id=7, entry_id="author", voter_id=VOTER, helpful=False) is False
        assert second.votes() == [EntryVotes("author", down=1, up=0)]


# --- schema and retention ----------------------------------------------------------------------------


def test_schema_is_created_lazily_and_versioned(db_path: Path, clock: Clock) -> None:
    store = Records(db_path, retention_days=90, clock=clock)
    assert not db_path.parent.exists()  # nothing happens until first use
    assert store.healthy
    store.close()

    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION == 1
        columns = {t: [c[1] for c in raw.execute(f"PRAGMA table_info({t})")] for t in ("questions", "votes", "meta")}
        (key,) = raw.execute("SELECT value FROM meta WHERE key = 'voter_hmac_key'").fetchone()
    assert columns == {
        "questions": ["id", "asked_at", "guild_id", "question", "matched", "entry_id", "score", "suggestions"],
        "votes": ["message_id", "voter_hash", "entry_id", "helpful", "voted_at"],
        "meta": ["key", "value"],
    }
    assert len(bytes.fromhex(key)) == 32


def test_a_database_from_a_newer_bot_is_left_alone(db_path: Path, clock: Clock) -> None:
    db_path.parent.mkdir(parents=True)
    with sqlite3.connect(db_path) as raw:
        raw.execute("PRAGMA user_version = 99")
    with Records(db_path, retention_days=90, clock=clock) as store:
        assert ask(store, "how many died in the war") is False
        assert not store.healthy
        assert "newer" in (store.problem or "")
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("PRAGMA user_version").fetchone()[0] == 99
        assert raw.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()[0] == 0


def test_purge_deletes_what_is_older_than_the_retention(records: Records, clock: Clock) -> None:
    ask(records, "how many died in the war")
    records.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=False)
    clock.advance(days=10)
    ask(records, "what is the capital of peru")
    records.record_vote(message_id=2, entry_id="minerals-deal", voter_id=VOTER, helpful=False)

    clock.advance(days=80)  # the first pair is exactly 90 days old: kept
    assert records.purge() == 0
    clock.advance(seconds=1)
    assert records.purge() == 2
    assert [g.wording for g in records.unanswered()] == ["what is the capital of peru"]
    assert records.votes() == [EntryVotes("minerals-deal", down=1, up=0)]
    assert records.purge() == 0


def test_opening_purges_old_records(db_path: Path, clock: Clock) -> None:
    with Records(db_path, retention_days=30, clock=clock) as store:
        ask(store, "how many died in the war")
    clock.advance(days=31)
    with Records(db_path, retention_days=30, clock=clock) as store:
        assert store.unanswered() == []
    with sqlite3.connect(db_path) as raw:
        assert raw.execute("SELECT COUNT(*) FROM questions").fetchone()[0] == 0


# --- failures ----------------------------------------------------------------------------------------


def test_a_corrupt_file_degrades_without_raising(db_path: Path, clock: Clock, caplog: pytest.LogCaptureFixture) -> None:
    db_path.parent.mkdir(parents=True)
    garbage = os.urandom(8192)
    db_path.write_bytes(garbage)
    caplog.set_level(logging.WARNING, logger="bot.records")

    with Records(db_path, retention_days=90, clock=clock) as store:
        assert ask(store, "secret question text") is False
        assert store.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=False) is False
        assert store.unanswered() == []
        assert store.votes() == []
        assert store.purge() == 0
        assert not store.healthy
        assert "not a database" in (store.problem or "")
        clock.advance(seconds=RETRY_AFTER.total_seconds() + 1)  # tried again, failed the same way
        assert ask(store, "secret question text") is False

    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1  # once per kind of failure, not once per call
    message = warnings[0].getMessage()
    assert str(db_path) in message and "not a database" in message
    assert "secret question text" not in caplog.text
    assert db_path.read_bytes() == garbage  # the operator's file is never overwritten


def test_a_locked_database_degrades_and_recovers(db_path: Path, clock: Clock) -> None:
    with Records(db_path, retention_days=90, clock=clock) as store:
        assert ask(store, "how many died in the war")
        holder = sqlite3.connect(db_path, isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            # How long a record waits on the lock (the busy timeout): benchmarks/discord_load.py.
            assert ask(store, "what is the capital of peru") is False
            assert store.record_vote(message_id=1, entry_id="author", voter_id=VOTER, helpful=True) is False
            assert not store.healthy
            assert "locked" in (store.problem or "")

            with Records(db_path, retention_days=90, clock=clock) as newcomer:
                assert not newcomer.healthy
                assert newcomer.unanswered() == []
        finally:
            holder.rollback()
            holder.close()

        assert ask(store, "what is the capital of peru") is False  # still waiting before trying again
        clock.advance(seconds=RETRY_AFTER.total_seconds() + 1)
        assert ask(store, "what is the capital of peru") is True
        assert store.healthy and store.problem is None
        assert sum(g.count for g in store.unanswered()) == 2


def test_an_unopenable_path_degrades_without_raising(tmp_path: Path, clock: Clock) -> None:
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where a directory should be")
    with Records(blocker / "records.sqlite3", retention_days=90, clock=clock) as store:
        assert ask(store, "how many died in the war") is False
        assert store.votes() == []
        assert not store.healthy


# --- rendering ---------------------------------------------------------------------------------------


def test_report_says_when_there_is_nothing_yet() -> None:
    text = format_report([], [])
    assert "Most frequent unanswered questions" in text
    assert "None recorded yet" in text
    assert "Answers with the most 👎" in text
    assert "No votes recorded yet" in text


def test_report_lists_questions_and_votes(records: Records) -> None:
    ask(records, "how many died in the war", score=31.0, suggestions=("casualties",))
    ask(records, "how many died in the war", score=31.0, suggestions=("casualties",))
    ask(records, "how many people died in the war", score=40.5, suggestions=("prisoner-exchange",))
    records.record_vote(message_id=1, entry_id="naval-ceasefire", voter_id=VOTER, helpful=False)
    records.record_vote(message_id=1, entry_id="naval-ceasefire", voter_id=OTHER_VOTER, helpful=True)

    text = format_report(records.unanswered(), records.votes())

    assert "3×  how many died in the war" in text
    assert "also asked as: how many people died in the war" in text
    assert "best score 40.5" in text
    assert "last asked 2025-05-01 12:00 UTC" in text
    assert "suggestions offered: casualties, prisoner-exchange" in text
    assert "None recorded yet" not in text and "No votes recorded yet" not in text
    vote_line = next(line for line in text.splitlines() if "naval-ceasefire" in line)
    assert vote_line.split() == ["naval-ceasefire", "1", "1"]


# --- what is recorded --------------------------------------------------------------------------------


def worth(*, matched: bool, score: float, direct: bool, question: str = "how many died in the war") -> bool:
    return worth_recording(question=question, matched=matched, score=score, direct=direct)


def test_declines_and_unsure_answers_in_servers_are_worth_recording_dm_questions_never() -> None:
    assert worth(matched=False, score=40.0, direct=False)
    assert worth(matched=True, score=LOW_CONFIDENCE - 0.1, direct=False)
    assert not worth(matched=True, score=LOW_CONFIDENCE, direct=False)
    assert not worth(matched=False, score=40.0, direct=True)
    assert not worth(matched=True, score=55.0, direct=True)
    assert not worth(matched=False, score=0.0, question="", direct=False)  # a bare mention


def test_low_confidence_answers_are_grouped_with_the_entry_answered(records: Records) -> None:
    ask(records, "who wrote it", matched=True, entry_id="author", score=60.0)
    ask(records, "who wrote it?", matched=True, entry_id="author", score=62.5)
    ask(records, "what about the navy", matched=True, entry_id="naval-ceasefire", score=58.0)
    ask(records, "what is the capital of peru", score=2.0)

    groups = records.low_confidence()
    assert [(g.wording, g.count, g.suggestions) for g in groups] == [
        ("who wrote it", 2, ("author",)), ("what about the navy", 1, ("naval-ceasefire",)),
    ]
    assert groups[0].best_score == 62.5
    text = format_report(records.unanswered(), records.votes(), groups)
    assert "Answered with low confidence" in text and "answered with: author" in text
    assert "suggestions offered: none" in text  # the peru question, in the unanswered section


def test_report_command_prints_the_database(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    with Records(db_path, retention_days=90) as store:
        for _ in range(2):
            ask(store, "how many died in the war", suggestions=("casualties",))
        ask(store, "how many people died in the war")
        ask(store, "who wrote it", matched=True, entry_id="author", score=60.0)
        store.record_vote(message_id=1, entry_id="naval-ceasefire", voter_id=VOTER, helpful=False)
    proc = run_cli("report", "--limit", "5", env={"DATABASE_PATH": str(db_path)})
    assert proc.returncode == 0, proc.stderr
    assert "3×  how many died in the war" in proc.stdout
    assert "also asked as: how many people died in the war" in proc.stdout
    # Rows from before the series hold plain entry ids: the report reads them as the first assessment's.
    assert "answered with: herbst-2025-05/author" in proc.stdout
    assert next(line for line in proc.stdout.splitlines() if "naval-ceasefire" in line).split() == [
        "herbst-2025-05/naval-ceasefire", "1", "0"]


def test_report_command_without_a_database_says_so(tmp_path: Path) -> None:
    proc = run_cli("report", env={"DATABASE_PATH": str(tmp_path / "none.sqlite3")})
    assert proc.returncode == 0 and "No records yet" in proc.stdout
    assert not (tmp_path / "none.sqlite3").exists()


def test_report_command_on_a_corrupt_database_fails_clearly(tmp_path: Path) -> None:
    db_path = tmp_path / "bot.sqlite3"
    db_path.write_bytes(b"this is not a database" * 100)
    proc = run_cli("report", env={"DATABASE_PATH": str(db_path)})
    assert proc.returncode == 1 and "Cannot read the records database" in proc.stderr
    assert "Traceback" not in proc.stderr
