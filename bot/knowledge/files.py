"""Which files on disk are knowledge, and reading them safely.

The knowledge directory is edited while the bot runs, by people and their editors: a lock, swap or
backup file beside a YAML file must not count as knowledge, and a file that is not a regular file
(a directory, a named pipe that would block a read forever), too large, or not UTF-8 is reported,
never read blindly.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

YAML_SUFFIXES = (".yaml", ".yml")
SOURCES_DIR = "sources"
# A knowledge file of 1,000 entries with six phrasings each is 0.7 MB, the shipped one 0.2 MB; an
# article's text is tens of kilobytes. Larger is a mistake (a pasted log, a binary), or an attack.
MAX_FILE_BYTES = 4 * 1024 * 1024

_EDITOR_SUFFIXES = ("~", ".swp", ".swo", ".swx", ".tmp", ".bak", ".orig")
_KINDS = {
    stat.S_IFDIR: "a directory", stat.S_IFIFO: "a named pipe", stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a device", stat.S_IFBLK: "a device",
}


class UnreadableFile(Exception):
    """A file that cannot be taken as knowledge; `reason` says why, `line` where (for bad text)."""

    def __init__(self, reason: str, line: int | None = None):
        super().__init__(reason)
        self.reason = reason
        self.line = line


def is_ignored(name: str) -> bool:
    """Hidden files and editors' lock, autosave, swap and backup files (`.#x.yaml`, `#x.yaml#`,
    `.x.yaml.swp`, `x.yaml~`, macOS's `._x.yaml`): never knowledge, never a reason to reload."""
    return name.startswith((".", "#")) or name.endswith(_EDITOR_SUFFIXES)


def knowledge_files(root: Path) -> list[Path]:
    """The YAML files directly in `root`, `.yaml` ones first, each group by name (the loading order)."""
    try:
        names = [entry.name for entry in os.scandir(root)]
    except OSError:
        return []
    found = [root / n for n in names if n.endswith(YAML_SUFFIXES) and not is_ignored(n)]
    return sorted(found, key=lambda path: (path.suffix, path.name))


def watched_files(root: Path) -> Iterator[Path]:
    """Every file whose change can change the knowledge: the YAML files and what is under sources/
    (symbolic links to folders are not followed, so a link loop cannot make this endless)."""
    yield from knowledge_files(root)
    for folder, subfolders, names in os.walk(root / SOURCES_DIR):
        subfolders[:] = sorted(d for d in subfolders if not is_ignored(d))
        yield from (Path(folder) / n for n in sorted(names) if not is_ignored(n))


def read_text(path: Path, limit: int = MAX_FILE_BYTES) -> str:
    """The UTF-8 text of the regular file at `path` (a symbolic link to one counts), reading at most
    `limit` bytes. Raises UnreadableFile saying what is wrong."""
    try:
        # Non-blocking, so that opening a named pipe returns at once instead of waiting for a writer;
        # the kind of file is checked on what was opened, so it cannot be swapped in between.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from error
    try:
        status = os.fstat(descriptor)
        if not stat.S_ISREG(status.st_mode):
            kind = _KINDS.get(stat.S_IFMT(status.st_mode), "an unusual kind of file")
            raise UnreadableFile(f"not a file ({kind})")
        with os.fdopen(descriptor, "rb", closefd=False) as file:
            data = file.read(limit + 1)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror or error}") from error
    finally:
        os.close(descriptor)
    if len(data) > limit:
        size = max(status.st_size, len(data))
        raise UnreadableFile(f"{size:,} bytes, over the limit of {limit:,} bytes for a knowledge file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise UnreadableFile(f"not UTF-8 text (byte 0x{data[error.start]:02x}); save it as UTF-8", line) from error
