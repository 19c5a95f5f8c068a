"""The knowledge in service: validated, indexed, and swapped in whole when the files change.

A reload builds a complete new engine before anything changes, so a question is always answered by
either the old knowledge or the new one, never a mix; an invalid knowledge base never replaces a
valid one.
"""

from __future__ import annotations

import logging
from pathlib import Path

from bot.knowledge import load_knowledge
from bot.matching import Engine

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


class LiveKnowledge:
    """Holds the engine answering questions now, and replaces it only with a valid one."""

    def __init__(self, directory: Path, engine: Engine | None = None):
        self.directory = directory
        self._signature = signature(directory)
        self.engine = engine or Engine(load_knowledge(directory))

    def changed_on_disk(self) -> bool:
        return signature(self.directory) != self._signature

    def build(self) -> tuple[Engine, Signature]:
        """A new engine from the files as they are now. Raises KnowledgeError, changing nothing.

        Slow for a large knowledge base, so the bot runs it in a worker thread.
        """
        before = signature(self.directory)
        return Engine(load_knowledge(self.directory)), before

    def swap(self, engine: Engine, built_from: Signature) -> None:
        """Put `engine` in service (one reference assignment: atomic for every reader)."""
        self.engine = engine
        self._signature = built_from
        log.info("Knowledge reloaded: %d entries, %d timeline events", len(engine.entries), len(engine.knowledge.timeline))

    def mark_seen(self, built_from: Signature) -> None:
        """Remember a state that failed to validate, so it is reported once, not on every look."""
        self._signature = built_from
