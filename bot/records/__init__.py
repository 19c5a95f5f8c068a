"""What people ask and how they rate the answers, kept in a small SQLite file for the operators.

Two questions drive this package: what do people ask that the bot cannot answer, and which answers do
they dislike. `Records` (store.py) stores each question (with whether it was answered) and each 👍/👎
vote, and reports the most frequent unanswered questions, near-identical wordings counted together
(grouping.py), and the entries with the most 👎. `format_report` (report.py) turns the reports into
text for a terminal; schema.py holds the tables and their versions; policy.py decides what is kept.

Privacy: no user id and no username is stored. A voter is kept only as an HMAC-SHA256 of their id,
keyed with a random secret generated once per database, so that one vote per person per message can be
enforced; questions lose Discord markup (mentions included) before they are stored; everything is
deleted after `retention_days`.

The bot must keep answering whatever happens to this file: a corrupt, locked, unwritable or hand-edited
database never raises out of a public method. Failures are logged once per kind, recording does nothing
and reports come back empty until the database works again; `healthy` and `problem` tell the operator.
A file from a newer version of the bot is refused before anything is written to it.

What is recorded (`worth_recording`): questions the bot declined, and questions it answered with a score
below LOW_CONFIDENCE, asked in a server. Questions asked in direct messages are never recorded.

This package depends on the standard library, rapidfuzz and `bot.text` only: never on the engine.
"""

from bot.records.grouping import GROUPING_CUTOFF, QuestionGroup
from bot.records.policy import LOW_CONFIDENCE, worth_recording
from bot.records.report import format_report
from bot.records.schema import MIGRATIONS, SCHEMA_VERSION
from bot.records.store import BUSY_TIMEOUT_SECONDS, RETRY_AFTER, EntryVotes, Records

__all__ = [
    "BUSY_TIMEOUT_SECONDS", "GROUPING_CUTOFF", "LOW_CONFIDENCE", "MIGRATIONS", "RETRY_AFTER", "SCHEMA_VERSION",
    "EntryVotes", "QuestionGroup", "Records", "format_report", "worth_recording",
]
