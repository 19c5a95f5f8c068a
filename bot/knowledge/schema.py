"""What each knowledge file must contain, checked field by field while its values are built.

Every problem is collected, pinned to a line and a field (`file:line: field: message`), so that a
maintainer fixes a file in one pass. An assessment's `source:` must be a file in the knowledge
directory's sources/ folder once every link is followed: the bot quotes it as "the article".
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from types import MappingProxyType
from typing import Any

from bot.knowledge.document import Document, field_name
from bot.knowledge.files import SOURCES_DIR, UnreadableFile, read_text
from bot.knowledge.model import WHATS_NEW_ID, Assessment, Entry, Event, OutOfScope, Published, Vocabulary, WhatsNew
from bot.knowledge.problems import MAX_PROBLEMS, Problem, shorten

VOCABULARY_FILE = "vocabulary.yaml"
REVIEW_KEY = "review"  # marks an item not yet reviewed (python -m bot draft writes it; review.py warns)
SHARED_FILE = "shared.yaml"  # what the whole series shares: out-of-scope kinds
PRECISIONS = ("day", "week", "part-of-month", "month", "year")
MIN_QUESTIONS = 5
SLUG_MAX = 64
# An assessment's number travels with an entry id in Discord button ids ("vote:2.author:down", at most
# 100 characters): five digits and a 64-character id make 80.
NUMBER_MAX = 99_999
ACTOR_MAX = 40
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


def _quoted(value: Any, width: int = 70) -> str:
    """A value from the file, short enough to quote in a problem and leave room for what is wrong."""
    return shorten(str(value), width)


class TooManyProblems(Exception):
    """A file has had as many problems as are ever listed: checking it further would only cost time."""


class Checker:
    """Collects problems for one file, each pinned to a line and a field name; raises TooManyProblems
    at the `limit`-th, since a maintainer fixes the first ones before the rest matter."""

    def __init__(self, doc: Document, problems: list[Problem], limit: int = MAX_PROBLEMS - 1):
        self.doc = doc
        self.problems = problems
        self.limit = limit
        self.found = 0
        # Fields already reported as missing or malformed: what lies under them would only repeat it.
        self._reported: set[tuple] = set()

    def add(self, path: tuple, message: str) -> None:
        if any(path[:n] in self._reported for n in range(len(path) + 1)):
            return
        self.report(Problem(self.doc.display, self.doc.line(path), field_name(path), message))

    def report(self, problem: Problem) -> None:
        self.problems.append(problem)
        self.found += 1
        if self.found >= self.limit:
            raise TooManyProblems

    def mapping(self, value: Any, path: tuple, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> dict:
        if not isinstance(value, dict):
            self.add(path, f"expected a mapping with keys {', '.join(required)}")
            self._reported.add(path)
            return {}
        for key in required:
            if key not in value:
                self.add(path, f"missing required field '{key}'")
                self._reported.add(path + (key,))
        allowed = required + optional
        for key in value:
            if key not in allowed:
                self.add(path + (key,), f"unknown field '{_quoted(key)}' (allowed: {', '.join(allowed)})")
        return value

    def text(self, value: Any, path: tuple) -> str:
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(path, "must not be empty")
            return ""
        if not isinstance(value, (str, int, float)) or isinstance(value, bool):
            self.add(path, f"expected text, got {type(value).__name__}")
            return ""
        return str(value).strip()

    def slug(self, value: Any, path: tuple) -> str:
        text = self.text(value, path)
        if text and not _SLUG.match(text):
            self.add(path, f"'{_quoted(text)}' is not a slug (lower-case letters, digits and hyphens)")
        elif len(text) > SLUG_MAX:
            self.add(path, f"'{_quoted(text)}' is longer than {SLUG_MAX} characters (ids travel in Discord button ids)")
        return text

    def texts(self, value: Any, path: tuple, minimum: int = 1) -> tuple[str, ...]:
        if not isinstance(value, list):
            self.add(path, f"expected a list of at least {minimum} item(s)")
            return ()
        items = tuple(self.text(item, path + (i,)) for i, item in enumerate(value))
        if len(value) < minimum:
            self.add(path, f"has {len(value)} item(s), needs at least {minimum}")
        return tuple(item for item in items if item)

    def actors(self, value: Any, path: tuple) -> tuple[str, ...]:
        names = self.texts(value, path)
        for i, name in enumerate(names):
            if len(name) > ACTOR_MAX:
                self.add(path + (i,), f"'{_quoted(name)}' is longer than {ACTOR_MAX} characters (actors travel in Discord button ids)")
        return names

    def date(self, value: Any, path: tuple) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(path, f"'{_quoted(value)}' is not an ISO date (YYYY-MM-DD)")
            return None

    def precision(self, value: Any, path: tuple) -> str:
        text = self.text(value, path)
        if text and text not in PRECISIONS:
            self.add(path, f"'{_quoted(text)}' is not one of {', '.join(PRECISIONS)}")
        return text

    def quotes(self, value: Any, path: tuple, source: str) -> tuple[str, ...]:
        quotes = self.texts(value, path)
        if source:
            for i, quote in enumerate(quotes):
                if fold_whitespace(quote) not in source:
                    self.add(path + (i,), f"quote not found verbatim in the source text: {shorten(quote, 70)!r}")
        return quotes


def load_assessment(doc: Document, root: Path, check: Checker) -> Assessment | None:
    top = check.mapping(doc.data, (), ("assessment", "entries", "timeline"), ("out_of_scope", "phases"))  # phases: bot/knowledge/phases.py
    meta = check.mapping(
        top.get("assessment"), ("assessment",),
        ("id", "title", "author", "publisher", "published", "source"),
        ("author_role", "series", "number", "whats_new", REVIEW_KEY),
    )
    p = ("assessment",)
    assessment_id = check.slug(meta.get("id"), p + ("id",))
    published_raw = check.mapping(meta.get("published"), p + ("published",), ("date", "precision"), ("note", REVIEW_KEY))
    published = Published(
        check.date(published_raw.get("date"), p + ("published", "date")) or dt.date.min,
        check.precision(published_raw.get("precision"), p + ("published", "precision")),
        str(published_raw.get("note") or "").strip(),
    )
    number = meta.get("number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool) or number < 1):
        check.add(p + ("number",), f"'{_quoted(number)}' is not a positive whole number")
        number = None
    elif number is not None and number > NUMBER_MAX:
        check.add(p + ("number",), f"{number} is over {NUMBER_MAX:,} (numbers travel in Discord button ids)")
        number = None

    source = check.text(meta.get("source"), p + ("source",))
    source_text = _source_text(root, source, p + ("source",), check) if source else ""
    whats_new = _load_whats_new(meta["whats_new"], p + ("whats_new",), source_text, check) if "whats_new" in meta else None

    entries = tuple(
        _load_entry(item, ("entries", i), assessment_id, source_text, check)
        for i, item in enumerate(items_of(top.get("entries"), ("entries",), check, minimum=1))
    )
    timeline = tuple(
        _load_event(item, ("timeline", i), assessment_id, source_text, check)
        for i, item in enumerate(items_of(top.get("timeline"), ("timeline",), check, minimum=0))
    )
    out_of_scope = tuple(
        _load_out_of_scope(item, ("out_of_scope", i), assessment_id, check)
        for i, item in enumerate(items_of(top.get("out_of_scope"), ("out_of_scope",), check, minimum=0))
    )
    return Assessment(
        id=assessment_id,
        title=check.text(meta.get("title"), p + ("title",)),
        author=check.text(meta.get("author"), p + ("author",)),
        publisher=check.text(meta.get("publisher"), p + ("publisher",)),
        published=published,
        source=source,
        source_text=source_text,
        entries=entries,
        timeline=timeline,
        out_of_scope=out_of_scope,
        author_role=str(meta.get("author_role") or "").strip(),
        series=str(meta.get("series") or "").strip(),
        number=number,
        whats_new=whats_new,
    )


def _load_whats_new(value: Any, path: tuple, source: str, check: Checker) -> WhatsNew | None:
    raw = check.mapping(value, path, ("summary",), ("sources",))
    if not raw:
        return None
    summary = fold_whitespace(check.text(raw.get("summary"), path + ("summary",)))
    sources = check.quotes(raw["sources"], path + ("sources",), source) if "sources" in raw else ()
    return WhatsNew(summary, sources)


def load_shared(doc: Document, check: Checker) -> tuple[OutOfScope, ...]:
    """knowledge/shared.yaml: the out-of-scope kinds of question every assessment declines alike."""
    top = check.mapping(doc.data, (), ("out_of_scope",))
    return tuple(
        _load_out_of_scope(item, ("out_of_scope", i), "", check)
        for i, item in enumerate(items_of(top.get("out_of_scope"), ("out_of_scope",), check, minimum=1))
    )


def _source_text(root: Path, source: str, path: tuple, check: Checker) -> str:
    """The text of the article `source` names, whitespace folded; "" (and a problem) when it is not a
    readable UTF-8 file inside root/sources/, links followed."""
    sources = root / SOURCES_DIR
    written = Path(os.path.normpath(root / source))  # root / an absolute path is that path
    if not written.is_relative_to(os.path.normpath(sources)):
        check.add(path, f"'{_quoted(source, 300)}' is not in the knowledge directory's {SOURCES_DIR}/ folder: put the "
                        f"article's text there and write {SOURCES_DIR}/<file name>")
        return ""
    resolved = written.resolve()
    if not resolved.is_relative_to(sources.resolve()):
        check.add(path, f"'{_quoted(source, 300)}' is a link to {resolved}, outside the knowledge directory's {SOURCES_DIR}/ "
                        "folder: put a copy of the text there instead")
        return ""
    if not resolved.exists():
        check.add(path, f"source text not found: {resolved}")
        return ""
    try:
        return fold_whitespace(read_text(resolved))
    except UnreadableFile as error:
        where = f", on its line {error.line}" if error.line else ""
        check.add(path, f"'{_quoted(source, 300)}' is {error.reason}{where}")
        return ""


def items_of(value: Any, path: tuple, check: Checker, minimum: int) -> list:
    if value is None and minimum == 0:
        return []
    if not isinstance(value, list) or len(value) < minimum:
        check.add(path, f"expected a list of at least {minimum} item(s)")
        return value if isinstance(value, list) else []
    return value


def _load_entry(item: Any, path: tuple, assessment_id: str, source: str, check: Checker) -> Entry:
    raw = check.mapping(item, path, ("id", "questions", "answer", "sources", "tags"), ("gives_reasons", REVIEW_KEY))
    gives_reasons = raw.get("gives_reasons", False)
    if not isinstance(gives_reasons, bool):
        check.add(path + ("gives_reasons",), f"'{_quoted(gives_reasons)}' is not true or false")
        gives_reasons = False
    entry_id = check.slug(raw.get("id"), path + ("id",))
    if entry_id == WHATS_NEW_ID:
        check.add(path + ("id",), f"'{WHATS_NEW_ID}' is kept for the assessment's whats_new: choose another id")
    return Entry(
        id=entry_id,
        assessment_id=assessment_id,
        questions=check.texts(raw.get("questions"), path + ("questions",), minimum=MIN_QUESTIONS),
        answer=fold_whitespace(check.text(raw.get("answer"), path + ("answer",))),
        sources=check.quotes(raw.get("sources"), path + ("sources",), source),
        tags=tuple(check.slug(t, path + ("tags", i)) for i, t in enumerate(check.texts(raw.get("tags"), path + ("tags",)))),
        gives_reasons=gives_reasons,
    )


def _load_out_of_scope(item: Any, path: tuple, assessment_id: str, check: Checker) -> OutOfScope:
    raw = check.mapping(item, path, ("id", "questions", "reason"), (REVIEW_KEY,))
    return OutOfScope(
        id=check.slug(raw.get("id"), path + ("id",)),
        assessment_id=assessment_id,
        questions=check.texts(raw.get("questions"), path + ("questions",), minimum=MIN_QUESTIONS),
        reason=fold_whitespace(check.text(raw.get("reason"), path + ("reason",))),
    )


def _load_event(item: Any, path: tuple, assessment_id: str, source: str, check: Checker) -> Event:
    raw = check.mapping(item, path, ("id", "date", "precision", "when", "event", "actors", "sources"), (REVIEW_KEY,))
    when = check.text(raw.get("when"), path + ("when",))
    if when and source and fold_whitespace(when) not in source:
        check.add(path + ("when",), f"'{_quoted(when)}' is not the article's own words (not found in the source text)")
    return Event(
        id=check.slug(raw.get("id"), path + ("id",)),
        assessment_id=assessment_id,
        date=check.date(raw.get("date"), path + ("date",)) or dt.date.min,
        precision=check.precision(raw.get("precision"), path + ("precision",)),
        when=when,
        event=fold_whitespace(check.text(raw.get("event"), path + ("event",))),
        actors=check.actors(raw.get("actors"), path + ("actors",)),
        sources=check.quotes(raw.get("sources"), path + ("sources",), source),
        reported_by=(assessment_id,),
    )


def load_vocabulary(doc: Document, check: Checker) -> Vocabulary:
    top = check.mapping(doc.data, (), (), ("synonyms", "stopwords"))
    synonyms: dict[str, str] = {}
    raw = top.get("synonyms") or {}
    if not isinstance(raw, dict):
        check.add(("synonyms",), "expected a mapping of canonical term to a list of variants")
        raw = {}
    for canonical, variants in raw.items():
        path = ("synonyms", canonical)
        for i, variant in enumerate(check.texts(variants, path)):
            key = variant.casefold()
            if key in synonyms and synonyms[key] != str(canonical).casefold():
                check.add(path + (i,), f"'{_quoted(variant)}' is already a variant of '{_quoted(synonyms[key])}'")
            synonyms[key] = str(canonical).casefold()
    stopwords = check.texts(top.get("stopwords") or [], ("stopwords",), minimum=0)
    return Vocabulary(MappingProxyType(synonyms), frozenset(w.casefold() for w in stopwords))
