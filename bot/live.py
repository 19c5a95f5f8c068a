"""The knowledge in service: validated, indexed, and swapped in whole when the files change.

A reload builds a complete new engine before anything changes, so a question is always answered by
either the old knowledge or the new one, never a mix; an invalid knowledge base never replaces a
valid one. Building is slow for a large knowledge base (seconds for 10,000 entries), so the bot runs
`attempt` in a worker thread and only `accept` on its event loop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.knowledge import KnowledgeError, Problem, load_checked, more_line, warning_line, watched_files
from bot.matching import Engine
from bot.render import clip

log = logging.getLogger(__name__)

Signature = tuple[tuple[str, int, int], ...]
WARNINGS_LOGGED = 20  # a drafted file carries a review mark an item: the log names the first ones, validate all


def signature(directory: Path) -> Signature:
    """What the knowledge files look like on disk: the path, size and modification time of each file the
    loader reads (hidden and editor files, which it skips, are left out: saving in an editor touches
    them constantly)."""
    files = []
    for path in watched_files(directory):
        try:
            stat = path.stat()
        except OSError:
            try:
                stat = path.lstat()  # a dangling link is still a change to report
            except OSError:
                continue  # a file removed while we looked: the next look sees the new state
        files.append((str(path.relative_to(directory)), stat.st_size, stat.st_mtime_ns))
    return tuple(files)


def build_engine(directory: Path, cache_dir: Path | None = None) -> Engine:
    """The engine for the knowledge in `directory`, for a running bot: its contextual model is consulted
    only once built (`Engine.contextual.warm`, off the event loop), its vectors cached in `cache_dir`.
    Raises KnowledgeError when the knowledge is invalid.

    Warnings (review marks, why-questions answered without a reason) never stop it: they are logged,
    once for each load, for the operator to run `validate`."""
    checked = load_checked(directory)
    if checked.warnings:
        shown = checked.warnings[:WARNINGS_LOGGED]
        more = [more_line(len(checked.warnings) - len(shown))] if len(checked.warnings) > len(shown) else []
        log.warning("The knowledge in %s carries %d warning(s); the bot answers from it all the same "
                    "(`python -m bot validate` lists them):\n%s", directory, len(checked.warnings),
                    "\n".join([*(warning_line(w) for w in shown), *more]))
    return Engine(checked.knowledge, cache_dir=cache_dir, wait_for_model=False)


@dataclass(frozen=True)
class Attempt:
    """One try at building the knowledge from the files: a new engine, or every problem found."""

    engine: Engine | None
    problems: tuple[Problem, ...]  # the first ones (at most MAX_PROBLEMS)
    built_from: Signature  # the files as they were just before reading them
    omitted: int = 0       # how many more problems there were

    @property
    def valid(self) -> bool:
        return self.engine is not None

    def summary(self) -> str:
        """One line for the operator: what was loaded, or how many problems stopped it."""
        if self.engine is not None:
            knowledge = self.engine.knowledge
            return (f"{len(knowledge.entries)} entries and {len(knowledge.timeline)} timeline events "
                    f"from {len(knowledge.assessments)} assessment(s)")
        count = len(self.problems) + self.omitted
        return f"{count:,} problem{'s' if count != 1 else ''} in the knowledge base"


class LiveKnowledge:
    """Holds the engine answering questions now, and replaces it only with a valid one."""

    def __init__(self, directory: Path, engine: Engine | None = None,
                 build: Callable[[Path], Engine] = build_engine):
        self.directory = directory
        self._build = build
        self._signature = signature(directory)
        self._last_look: Signature | None = None
        self.engine = engine or build(directory)

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
            engine = self._build(self.directory)
            if engine.contextual is not None:
                # Here, on the worker thread, so that the new knowledge is complete when it is swapped in
                # (unchanged phrasings come from the cache); the old one answers meanwhile.
                engine.contextual.warm()
        except KnowledgeError as error:
            return Attempt(None, tuple(error.problems), before, error.omitted)
        except Exception as error:
            # A bug, or a failure no check foresaw: the bot must keep serving the knowledge it has, and
            # say so once (this attempt is remembered like any invalid one), not fail on every look.
            log.exception("Building the knowledge failed unexpectedly; still serving the previous knowledge")
            problem = Problem(str(self.directory), None, "", f"could not be loaded: {type(error).__name__}: {error} "
                                                             "(the bot's log has the details)")
            return Attempt(None, (problem,), before)
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


def problems_text(problems: Sequence[Problem], limit: int, omitted: int = 0) -> tuple[str, bool]:
    """The problems one a line (`file:line: field: message`) within `limit` characters, `omitted` more
    counted at the end.

    Returns the text and whether every problem given is in it; when some are not, the text ends with how
    many were left out, and the caller should also hand over `all_problems_text` (a file, for Discord).
    """
    lines = [str(p) for p in problems]
    text = "\n".join(lines + ([more_line(omitted)] if omitted else []))
    if len(text) <= limit:
        return text, True
    kept: list[str] = []
    for index, line in enumerate(lines):
        if len("\n".join([*kept, line, more_line(len(lines) - index - 1 + omitted)])) > limit:
            break
        kept.append(line)
    if not kept:  # the first line alone is longer than the limit: show its start
        tail = f"\n{more_line(len(lines) - 1 + omitted)}" if len(lines) + omitted > 1 else ""
        return clip(lines[0], max(limit - len(tail), 1)) + tail, False
    return "\n".join([*kept, more_line(len(lines) - len(kept) + omitted)]), False


def all_problems_text(problems: Sequence[Problem], omitted: int = 0) -> str:
    """Every problem given, one a line, then how many more were found, for a file or a terminal."""
    return "".join(f"{p}\n" for p in problems) + (f"{more_line(omitted)}\n" if omitted else "")
