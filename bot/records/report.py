"""The operators' report (`python -m bot report`) as plain text for a terminal."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from datetime import timezone

from bot.records.grouping import QuestionGroup
from bot.records.policy import LOW_CONFIDENCE
from bot.records.store import EntryVotes

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
        lines.append(f"  {group.count:>{width}}×  {_shorten(group.wording)}")
        indent = " " * (width + 5)
        for other in group.other_wordings:
            lines.append(f"{indent}also asked as: {_shorten(other)}")
        entries = ", ".join(group.suggestions) if group.suggestions else "none"
        when = f"{group.last_asked.astimezone(timezone.utc):%Y-%m-%d %H:%M} UTC" if group.last_asked else "unknown"
        lines.append(f"{indent}best score {group.best_score:.1f}; last asked {when}; {entries_label}: {entries}")
    return lines


def _shorten(text: str) -> str:
    return textwrap.shorten(text, REPORT_WORDING_CHARS, placeholder=" …")
