"""Knowledge directories that a careless or hostile edit can produce, each made from a copy of the
shipped knowledge, with what `python -m bot validate` must say about it.

Shared by tests/test_hostile_knowledge.py (the command line, a running bot) and usable from a console
to measure a case by hand.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ASSESSMENT_FILE = "herbst-2025-05.yaml"
SOURCE_FILE = "sources/herbst-2025-05.txt"
SOURCE_LINE = f"  source: {SOURCE_FILE}\n"

# Nine levels of nine aliases each: 562 bytes that expand to 9**9 (387 million) strings.
BILLION_LAUGHS = "lol: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"l{level}: &{name} [{', '.join([f'*{previous}'] * 9)}]\n"
    for level, (previous, name) in enumerate(zip("abcdefgh", "bcdefghi"), start=1)
)


@dataclass(frozen=True)
class Case:
    name: str
    make: Callable[[Path], None]  # breaks the knowledge directory it is given (a copy; its parent is scratch space)
    expected: str                 # a regular expression the validate output must match
    valid: bool = False           # True: the loader must ignore what `make` added, so validate says OK


def _point_source_at(directory: Path, source: str) -> None:
    path = directory / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8")
    assert SOURCE_LINE in text
    path.write_text(text.replace(SOURCE_LINE, f"  source: {source}\n", 1), encoding="utf-8")


def _article_outside(directory: Path) -> Path:
    """The article's text in a file outside the knowledge directory: a stand-in for /etc/passwd that the
    shipped quotes are found in, so that before the fix the foreign file was accepted as the article."""
    outside = directory.parent / "outside" / "article.txt"
    outside.parent.mkdir(exist_ok=True)
    outside.write_bytes((directory / SOURCE_FILE).read_bytes())
    return outside


def billion_laughs(directory: Path) -> None:
    (directory / "laughs.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")


def deep_nesting(directory: Path) -> None:
    (directory / "deep.yaml").write_text("entries: " + "[" * 999 + "]" * 999 + "\n", encoding="utf-8")


def huge_yaml(directory: Path) -> None:
    """50 MB of bad entries: half a million problems before the size cap."""
    entry = "- {id: Not A Slug, questions: [], answer: ''}\n"
    with open(directory / "huge.yaml", "w", encoding="utf-8") as out:
        out.write("entries:\n")
        out.write(entry * (50_000_000 // len(entry)))


def many_problems(directory: Path) -> None:
    """A file under the size cap with thousands of problems: the first ones are listed, then a count."""
    entry = "- {id: Not A Slug, questions: [], answer: ''}\n"
    (directory / "many.yaml").write_text("entries:\n" + entry * 3000, encoding="utf-8")


def problems_in_many_files(directory: Path) -> None:
    """Files under the per-file limit whose problems add up to more than are listed."""
    entry = "- {id: Not A Slug, questions: [], answer: ''}\n"
    for number in range(5):
        (directory / f"many-{number}.yaml").write_text("entries:\n" + entry * 20, encoding="utf-8")


def source_not_utf8(directory: Path) -> None:
    with open(directory / SOURCE_FILE, "ab") as source:
        source.write(b"\nLatin-1, not UTF-8: caf\xe9\n")


def yaml_not_utf8(directory: Path) -> None:
    (directory / "latin1.yaml").write_bytes(b"assessment:\n  title: caf\xe9\n")


def source_absolute(directory: Path) -> None:
    _point_source_at(directory, str(_article_outside(directory)))


def source_dotdot(directory: Path) -> None:
    outside = _article_outside(directory)
    _point_source_at(directory, os.path.relpath(outside, directory))


def source_symlink(directory: Path) -> None:
    outside = _article_outside(directory)
    (directory / SOURCE_FILE).unlink()
    (directory / SOURCE_FILE).symlink_to(outside)


def source_directory(directory: Path) -> None:
    _point_source_at(directory, "sources")


def editor_files(directory: Path) -> None:
    """What Emacs, Vim and backups leave beside a file being edited, and a macOS metadata file."""
    (directory / f".#{ASSESSMENT_FILE}").symlink_to("alice@laptop.12345:1700000000")  # Emacs's lock: dangling
    (directory / f".{ASSESSMENT_FILE}.swp").write_bytes(b"b0VIM 9.0\x00\x00\xff\xfe" * 64)
    (directory / f"{ASSESSMENT_FILE}~").write_text("assessment: [an old, broken copy\n", encoding="utf-8")
    (directory / f"#{ASSESSMENT_FILE}#").write_text("assessment: [autosave\n", encoding="utf-8")
    (directory / f"._{ASSESSMENT_FILE}").write_bytes(b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X\xff")
    (directory / ".hidden.yaml").write_text("assessment: [a hidden draft\n", encoding="utf-8")


def directory_named_yaml(directory: Path) -> None:
    (directory / "drafts.yaml").mkdir()


def fifo_named_yaml(directory: Path) -> None:
    os.mkfifo(directory / "pipe.yaml")  # reading it would wait forever for a writer


def dangling_symlink(directory: Path) -> None:
    (directory / "moved.yaml").symlink_to(directory.parent / "no-such-file.yaml")


def _file(name: str) -> str:
    return re.escape(f"knowledge/{name}")


_SOURCE_FIELD = _file(ASSESSMENT_FILE) + r":\d+: assessment\.source: "

CASES = (
    Case("billion-laughs", billion_laughs, _file("laughs.yaml") + r":2: aliases are not allowed"),
    Case("deep-nesting", deep_nesting, _file("deep.yaml") + r":1: nested more than \d+ levels deep"),
    Case("huge-yaml", huge_yaml, _file("huge.yaml") + r": [\d,]+ bytes, over the limit of [\d,]+ bytes for a knowledge file"),
    Case("many-problems", many_problems, _file("many.yaml") + r": checking stopped at \d+ problems in this file"),
    Case("problems-in-many-files", problems_in_many_files, r"\n… and \d[\d,]* more\n[\d,]+ problems found in the knowledge base\.$"),
    Case("source-not-utf8", source_not_utf8, _SOURCE_FIELD + f"'{re.escape(SOURCE_FILE)}'" + r" is not UTF-8 text \(byte 0xe9\); save it as UTF-8, on its line \d+"),
    Case("yaml-not-utf8", yaml_not_utf8, _file("latin1.yaml") + r":2: not UTF-8 text \(byte 0xe9\); save it as UTF-8"),
    Case("source-absolute", source_absolute, _SOURCE_FIELD + r"'/[^']*article\.txt' is not in the knowledge directory's sources/ folder"),
    Case("source-dotdot", source_dotdot, _SOURCE_FIELD + r"'\.\./outside/article\.txt' is not in the knowledge directory's sources/ folder"),
    Case("source-symlink", source_symlink, _SOURCE_FIELD + r"'sources/herbst-2025-05\.txt' is a link to /\S+/outside/article\.txt, outside the knowledge directory's sources/ folder"),
    Case("source-directory", source_directory, _SOURCE_FIELD + r"'sources' is not a file \(a directory\)"),
    Case("editor-files", editor_files, r"^OK: 1 assessment\(s\)", valid=True),
    Case("directory-named-yaml", directory_named_yaml, _file("drafts.yaml") + r": not a file \(a directory\)"),
    Case("fifo-named-yaml", fifo_named_yaml, _file("pipe.yaml") + r": not a file \(a named pipe\)"),
    Case("dangling-symlink", dangling_symlink, _file("moved.yaml") + r": cannot read the file: .*No such file or directory"),
)
