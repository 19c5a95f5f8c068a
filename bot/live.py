"""The knowledge in service: validated, indexed, and swapped in whole when the files change.

A reload builds a complete new engine before anything changes, so a question is always answered by
either the old knowledge or the new one, never a mix; an invalid knowledge base never replaces a
valid one. Building is slow for a large knowledge base (seconds for 10,000 entries), so the bot runs
`attempt` in a worker thread and only `accept` on its event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import KnowledgeError, Problem, load_knowledge
from bot.matching import Engine
from bot.render import clip

log = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]


def signature(directory: Path) -> Signature:
    """What the knowledge directory looks like on disk: every file's path, size and modification time."""
    files = []
    for path in sorted(directory.rglob("*")):
        try:
            if path.is_file():
                stat = path.stat()
                files.append((str(path.relative_to(directory)), stat.st_size, stat.st_mtime_ns))
        except OSError:
            continue  # a file removed while we looked: the next look sees the new state
    return tuple(files)


@dataclass(frozen=True)
class Attempt:
    """One try at building the knowledge from the files: a new engine, or every problem found."""

    engine: Engine | None
    problems: tuple[Problem, ...]
    built_from: Signature  # the files as they were just before reading them

    @property
    def valid(self) -> bool:
        return self.engine is not None

    def summary(self) -> str:
        """One line for the operator: what was loaded, or how many problems stopped it."""
        if self.engine is not None:
            knowledge = self.engine.knowledge
            return (f"{len(knowledge.entries)} entries and {len(knowledge.timeline)} timeline events "
                    f"from {len(knowledge.assessments)} assessment(s)")
        count = len(self.problems)
        return f"{count} problem{'s' if count != 1 else ''} in the knowledge base"


class LiveKnowledge:
    """Holds the engine answering questions now, and replaces it only with a valid one."""

    def __init__(self, directory: Path, engine: Engine | None = None):
        self.directory = directory
        self._signature = signature(directory)
        self._last_look: Signature | None = None
        self.engine = engine or Engine(load_knowledge(directory))

    def changed_on_disk(self) -> bool:
        """True when the files differ from those last built (or last found invalid)."""
        return signature(self.directory) != self._signature

    def changed_and_settled(self) -> bool:
        """True when the files differ from those last built and did not change since the previous call.

        For a watch that calls this periodically: a file still being written (an editor saving, a copy
        in progress) is read one look later, whole, rather than reported as invalid half-way.
        """
        now = signature(self.directory)
        if now == self._signature:
            self._last_look = None
            return False
        settled = now == self._last_look
        self._last_look = now
        return settled

    def attempt(self) -> Attempt:
        """A new engine from the files as they are now, or their problems; changes nothing.

        Safe to run in a worker thread: it reads only the files and builds only new objects.
        """
        before = signature(self.directory)
        try:
            engine = Engine(load_knowledge(self.directory))
        except KnowledgeError as error:
            return Attempt(None, tuple(error.problems), before)
        return Attempt(engine, (), before)

    def accept(self, attempt: Attempt) -> None:
        """Puts a valid attempt in service; remembers an invalid one, so it is reported once, not on every look."""
        if attempt.engine is not None:
            self.swap(attempt.engine, attempt.built_from)
        else:
            self._signature = attempt.built_from

    def swap(self, engine: Engine, built_from: Signature) -> None:
        """Put `engine` in service (one reference assignment: atomic for every reader)."""
        self.engine = engine
        self._signature = built_from
        log.info("Knowledge reloaded: %d entries, %d timeline events", len(engine.entries), len(engine.knowledge.timeline))


def problems_text(problems: Sequence[Problem], limit: int) -> tuple[str, bool]:
    """The problems one a line (`file:line: field: message`) within `limit` characters.

    Returns the text and whether every problem is in it; when some are not, the text ends with how many
    were left out, and the caller should also hand over `all_problems_text` (a file, for Discord).
    """
    lines = [str(p) for p in problems]
    text = "\n".join(lines)
    if len(text) <= limit:
        return text, True
    kept: list[str] = []
    for index, line in enumerate(lines):
        if len("\n".join([*kept, line, f"… and {len(lines) - index - 1} more"])) > limit:
            break
        kept.append(line)
    if not kept:  # the first line alone is longer than the limit: show its start
        tail = f"\n… and {len(lines) - 1} more" if len(lines) > 1 else ""
        return clip(lines[0], max(limit - len(tail), 1)) + tail, False
    return "\n".join([*kept, f"… and {len(lines) - len(kept)} more"]), False


def all_problems_text(problems: Sequence[Problem]) -> str:
    """Every problem, one a line, for a file or a terminal."""
    return "".join(f"{p}\n" for p in problems)
