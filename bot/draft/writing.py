"""A draft put on disk: the knowledge file, in the hand-written files' layout, and the article's text
beside it in the sources/ folder the loader requires (`source: sources/<id>.txt`), never overwriting
either without being told to.
"""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
from dataclasses import dataclass
from pathlib import Path

from bot.draft.drafting import Draft
from bot.knowledge.files import SOURCES_DIR

WIDTH = 100
_FOLDED = frozenset({"answer", "event", "note"})  # long prose: a folded block, as the hand-written files have it


class DraftRefused(Exception):
    """The draft was not written: a file is in the way (and --force was not given), or cannot be written."""


@dataclass(frozen=True)
class Written:
    knowledge_file: Path
    source_file: Path
    source_copied: bool   # False when the source already was that file, or held the same text


def source_path(knowledge_file: Path, assessment_id: str) -> Path:
    """Where the article's text goes for `knowledge_file`: its directory's sources/<id>.txt."""
    return knowledge_file.parent / SOURCES_DIR / f"{assessment_id}.txt"


def write_draft(draft: Draft, text: str, knowledge_file: Path, force: bool = False) -> Written:
    """Writes the knowledge file and the article's text; raises DraftRefused, writing nothing, when
    either file exists (with other content, for the text) and `force` is not set."""
    source = source_path(knowledge_file, draft.assessment_id)
    same_text = source.is_file() and _read(source) == text
    in_the_way = [p for p in (knowledge_file,) if p.exists()] + ([source] if source.exists() and not same_text else [])
    if in_the_way and not force:
        names = " and ".join(str(p) for p in in_the_way)
        raise DraftRefused(f"{names} already exist{'s' if len(in_the_way) == 1 else ''}: not overwritten "
                           "(choose another --id or --out, or pass --force to replace)")
    try:
        source.parent.mkdir(parents=True, exist_ok=True)
        if not same_text:
            _write(source, text)
        _write(knowledge_file, knowledge_yaml(draft))
    except OSError as error:
        raise DraftRefused(f"cannot write the draft: {error}") from error
    return Written(knowledge_file, source, not same_text)


def knowledge_yaml(draft: Draft) -> str:
    """The draft as a knowledge file, the key order and layout of the hand-written ones."""
    meta = draft.metadata
    lines = [
        f"# Drafted by `python -m bot draft` on {draft.drafted_on.isoformat()} from {meta['source']}: a draft to review,",
        "# not knowledge to trust yet. Each `review:` line marks what the drafter wrote: check that item against",
        "# the article (an answer neutral, the author's judgements attributed; questions people would ask; an",
        "# event's date, precision and actors), fix it, then delete its `review:` line. `python -m bot validate`",
        "# lists the marks left, and `python -m bot validate --strict` fails while any remains.",
        "# Out-of-scope kinds are not drafted: write only those this article needs beyond the series' shared ones.",
        "",
        "assessment:",
        *_mapping(meta, 2),
        "",
        "entries:",
    ]
    for entry in draft.entries:
        lines += ["", *_item(entry, 2)]
    lines += ["", "timeline:" if draft.events else "timeline: []"]
    for event in draft.events:
        lines += ["", *_item(event, 2)]
    return "\n".join(lines) + "\n"


def _item(item: dict, indent: int) -> list[str]:
    body = _mapping(item, indent + 2)
    first = body[0].lstrip()
    return [" " * indent + "- " + first, *body[1:]]


def _mapping(mapping: dict, indent: int) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            lines += [f"{pad}{key}:", *_mapping(value, indent + 2)]
        elif isinstance(value, list):
            if key in ("tags", "actors"):
                lines.append(f"{pad}{key}: [{', '.join(_scalar(v) for v in value)}]")
            else:
                lines.append(f"{pad}{key}:")
                lines += [f"{pad}  - {_scalar(v)}" for v in value]
        elif key in _FOLDED and isinstance(value, str) and len(value) > WIDTH - indent - len(key):
            wrapped = textwrap.wrap(value, WIDTH - indent - 2, break_long_words=False, break_on_hyphens=False)
            lines += [f"{pad}{key}: >-", *(f"{pad}  {line}" for line in wrapped)]
        else:
            lines.append(f"{pad}{key}: {_scalar(value)}")
    return lines


def _scalar(value: object) -> str:
    """A YAML scalar: a JSON string is a valid YAML double-quoted one, every character kept."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _plain(text):
        return text
    return json.dumps(text, ensure_ascii=False)


def _plain(text: str) -> bool:
    """Safe to write unquoted: a simple slug-like word or ISO date that YAML reads back as the same text."""
    return bool(text) and all(c.isalnum() or c in "-_. " for c in text) and text[0].isalpha() and text[-1].isalnum() and \
        text.casefold() not in ("true", "false", "yes", "no", "on", "off", "null", "y", "n")


def _read(path: Path) -> str | None:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a running bot that watches the directory never reads half a file."""
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
