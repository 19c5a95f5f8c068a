"""What is wrong with the knowledge files, as `file:line: field: message`, in bounded amounts.

A problem quotes what it found (a key, a value), and a hostile file can make those megabytes long or
produce half a million problems: each problem's text is cut to a few lines' worth, and a KnowledgeError
keeps the first MAX_PROBLEMS (in file and line order) and a count of the rest.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

MAX_PROBLEMS = 200        # listed by `validate`, logged, sent to administrators; the rest are counted
FIELD_MAX = 100           # characters of a field's name (keys come from the file)
MESSAGE_MAX = 500         # characters of a message (messages quote values from the file)


def shorten(text: str, width: int) -> str:
    """`text`, cut to `width` characters with an ellipsis when longer."""
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "field", shorten(self.field, FIELD_MAX))
        object.__setattr__(self, "message", shorten(self.message, MESSAGE_MAX))

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


def more_line(omitted: int) -> str:
    """The line that stands for the problems not listed."""
    return f"… and {omitted:,} more"


class KnowledgeError(Exception):
    """The knowledge base is invalid: `problems` holds the first MAX_PROBLEMS problems found, in file and
    line order, and `omitted` how many more there were. `warnings` (review.py) are what the files would
    still carry once the problems are fixed, for `validate` to list too; they are not in the message."""

    def __init__(self, problems: Sequence[Problem], warnings: Sequence[Problem] = ()):
        self.problems = list(problems[:MAX_PROBLEMS])
        self.omitted = max(len(problems) - MAX_PROBLEMS, 0)
        self.warnings = tuple(warnings)
        lines = [str(p) for p in self.problems] + ([more_line(self.omitted)] if self.omitted else [])
        super().__init__("\n".join(lines))

    @property
    def count(self) -> int:
        """How many problems were found in all."""
        return len(self.problems) + self.omitted
