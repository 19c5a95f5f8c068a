"""The knowledge base: one YAML file per assessment plus a shared vocabulary, loaded into immutable values.

Loading validates strictly and reports every problem at once (file, line, field), so a maintainer
fixes a file in one pass. Nothing here imports Discord.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import yaml

VOCABULARY_FILE = "vocabulary.yaml"
PHRASEBOOK_FILE = "conversation.yaml"
SMALL_TALK_KINDS = ("greeting", "thanks", "reaction", "agreement", "goodbye", "about-bot")
REPLY_FIELDS = ("example", "assessment", "count")  # the {placeholders} a small-talk reply may use
PRECISIONS = ("day", "week", "part-of-month", "month", "year")
MIN_QUESTIONS = 5
SLUG_MAX = 64
ACTOR_MAX = 40
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class Published:
    date: dt.date
    precision: str
    note: str


@dataclass(frozen=True)
class Entry:
    id: str
    assessment_id: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    tags: tuple[str, ...]
    # The answer gives the article's reason for what it reports ("a bid to delay ..."), so a why-question
    # may be answered with it; otherwise the bot says first that the article doesn't say why.
    gives_reasons: bool = False


@dataclass(frozen=True)
class Event:
    id: str
    assessment_id: str
    date: dt.date
    precision: str
    when: str
    event: str
    actors: tuple[str, ...]
    sources: tuple[str, ...]


@dataclass(frozen=True)
class OutOfScope:
    """A kind of question near the article that it does not answer: the bot declines it, saying why."""

    id: str
    assessment_id: str
    questions: tuple[str, ...]
    reason: str


@dataclass(frozen=True)
class Assessment:
    id: str
    title: str
    author: str
    publisher: str
    published: Published
    source: str
    source_text: str
    entries: tuple[Entry, ...]
    timeline: tuple[Event, ...]
    author_role: str = ""
    series: str = ""
    number: int | None = None
    out_of_scope: tuple[OutOfScope, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """Shared spellings: `synonyms` maps each variant (lower case) to its canonical term."""

    synonyms: Mapping[str, str]
    stopwords: frozenset[str]


@dataclass(frozen=True)
class SmallTalk:
    """One kind of small talk (greeting, thanks, ...): what people say, and what the bot replies."""

    kind: str
    phrasings: tuple[str, ...]
    replies: tuple[str, ...]


@dataclass(frozen=True)
class Phrasebook:
    """How the bot holds a conversation (knowledge/conversation.yaml): small talk, and the words that
    mark a follow-up, a question, a why-question, and a question put to the bot in a listen channel."""

    small_talk: tuple[SmallTalk, ...] = ()
    more: tuple[str, ...] = ()
    next: tuple[str, ...] = ()
    before: tuple[str, ...] = ()
    pointers: tuple[str, ...] = ()
    demonstratives: tuple[str, ...] = ()
    parties: tuple[str, ...] = ()
    elliptical: tuple[str, ...] = ()
    accept_suggestion: tuple[str, ...] = ()
    openers: tuple[str, ...] = ()
    determiners: tuple[str, ...] = ()
    fillers: tuple[str, ...] = ()
    reason: tuple[str, ...] = ()
    number: tuple[str, ...] = ()
    address: tuple[str, ...] = ()
    article: tuple[str, ...] = ()
    others: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class KnowledgeBase:
    assessments: tuple[Assessment, ...]
    vocabulary: Vocabulary
    phrasebook: Phrasebook = Phrasebook()

    # Derived once per knowledge base (it never changes): autocomplete and buttons read these often.
    @cached_property
    def entries(self) -> tuple[Entry, ...]:
        return tuple(e for a in self.assessments for e in a.entries)

    @cached_property
    def timeline(self) -> tuple[Event, ...]:
        """Every event of every assessment, oldest first."""
        events = (e for a in self.assessments for e in a.timeline)
        return tuple(sorted(events, key=lambda e: e.date))  # stable: same-day events keep the article's order

    @cached_property
    def out_of_scope(self) -> tuple[OutOfScope, ...]:
        return tuple(o for a in self.assessments for o in a.out_of_scope)

    @cached_property
    def actors(self) -> tuple[str, ...]:
        return tuple(sorted({actor for e in self.timeline for actor in e.actors}))

    @cached_property
    def _by_id(self) -> dict[str, Assessment | Entry | Event]:
        return {item.id: item for item in (*self.assessments, *self.entries, *self.timeline)}

    def assessment(self, assessment_id: str) -> Assessment:
        found = self._by_id[assessment_id]
        assert isinstance(found, Assessment)
        return found

    def entry(self, entry_id: str) -> Entry | None:
        found = self._by_id.get(entry_id)
        return found if isinstance(found, Entry) else None

    def event(self, event_id: str) -> Event | None:
        found = self._by_id.get(event_id)
        return found if isinstance(found, Event) else None

    def actor(self, name: str) -> str | None:
        """The timeline's spelling of an actor named in any case ("russia" -> "Russia"), or None."""
        return next((a for a in self.actors if a.casefold() == name.strip().casefold()), None)

    def events_of(self, actor: str | None) -> tuple[Event, ...]:
        """The timeline, or only the events involving `actor` (named in any case)."""
        if actor is None:
            return self.timeline
        canonical = self.actor(actor)
        return tuple(e for e in self.timeline if canonical in e.actors)


@dataclass(frozen=True)
class Problem:
    file: str
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.field}: {self.message}" if self.field else f"{where}: {self.message}"


class KnowledgeError(Exception):
    """The knowledge base is invalid; `problems` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(map(str, problems)))


def fold_whitespace(text: str) -> str:
    return " ".join(text.split())


# --- reading YAML with line numbers --------------------------------------------------------------


# libyaml's parser when PyYAML was built with it: a large knowledge base loads several times faster.
_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Loader(_SafeLoader):
    """PyYAML's safe loader, except that dates stay text, so a bad date is reported, not raised."""


_Loader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


class _Document:
    """A parsed YAML file: its data plus the line of every node, addressed by path."""

    def __init__(self, path: Path, display: str):
        self.display = display
        loader = _Loader(path.read_text(encoding="utf-8"))
        try:
            root = loader.get_single_node()
            self.data = loader.construct_document(root) if root is not None else None
        finally:
            loader.dispose()
        self.lines: dict[tuple, int] = {}
        self.duplicate_keys: list[tuple[tuple, str, int]] = []
        if root is not None:
            self._index(root, ())

    def _index(self, node: yaml.Node, path: tuple) -> None:
        self.lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicate_keys.append((path, key, key_node.start_mark.line + 1))
                seen.add(key)
                self.lines[path + (key,)] = key_node.start_mark.line + 1
                self._index(value_node, path + (key,))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self._index(item, path + (index,))

    def line(self, path: tuple) -> int | None:
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


class _Checker:
    """Collects problems for one file, each pinned to a line and a field name."""

    def __init__(self, doc: _Document, problems: list[Problem]):
        self.doc = doc
        self.problems = problems
        # Fields already reported as missing or malformed: what lies under them would only repeat it.
        self._reported: set[tuple] = set()

    def add(self, path: tuple, message: str) -> None:
        if any(path[:n] in self._reported for n in range(len(path) + 1)):
            return
        self.problems.append(Problem(self.doc.display, self.doc.line(path), _field(path), message))

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
                self.add(path + (key,), f"unknown field '{key}' (allowed: {', '.join(allowed)})")
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
            self.add(path, f"'{text}' is not a slug (lower-case letters, digits and hyphens)")
        elif len(text) > SLUG_MAX:
            self.add(path, f"'{text}' is longer than {SLUG_MAX} characters (ids travel in Discord button ids)")
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
                self.add(path + (i,), f"'{name}' is longer than {ACTOR_MAX} characters (actors travel in Discord button ids)")
        return names

    def date(self, value: Any, path: tuple) -> dt.date | None:
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.add(path, f"'{value}' is not an ISO date (YYYY-MM-DD)")
            return None

    def precision(self, value: Any, path: tuple) -> str:
        text = self.text(value, path)
        if text and text not in PRECISIONS:
            self.add(path, f"'{text}' is not one of {', '.join(PRECISIONS)}")
        return text

    def quotes(self, value: Any, path: tuple, source: str) -> tuple[str, ...]:
        quotes = self.texts(value, path)
        if source:
            for i, quote in enumerate(quotes):
                if fold_whitespace(quote) not in source:
                    self.add(path + (i,), f"quote not found verbatim in the source text: {_clip(quote)!r}")
        return quotes


def _clip(text: str, width: int = 70) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


# --- assessments ---------------------------------------------------------------------------------


def _load_assessment(doc: _Document, root: Path, check: _Checker) -> Assessment | None:
    top = check.mapping(doc.data, (), ("assessment", "entries", "timeline"), ("out_of_scope",))
    meta = check.mapping(
        top.get("assessment"), ("assessment",),
        ("id", "title", "author", "publisher", "published", "source"),
        ("author_role", "series", "number"),
    )
    p = ("assessment",)
    assessment_id = check.slug(meta.get("id"), p + ("id",))
    published_raw = check.mapping(meta.get("published"), p + ("published",), ("date", "precision"), ("note",))
    published = Published(
        check.date(published_raw.get("date"), p + ("published", "date")) or dt.date.min,
        check.precision(published_raw.get("precision"), p + ("published", "precision")),
        str(published_raw.get("note") or "").strip(),
    )
    number = meta.get("number")
    if number is not None and (not isinstance(number, int) or isinstance(number, bool) or number < 1):
        check.add(p + ("number",), f"'{number}' is not a positive whole number")
        number = None

    source_text = ""
    source = check.text(meta.get("source"), p + ("source",))
    if source:
        source_path = (root / source).resolve()
        if not source_path.is_file():
            check.add(p + ("source",), f"source text not found: {source_path}")
        else:
            source_text = fold_whitespace(source_path.read_text(encoding="utf-8"))

    entries = tuple(
        _load_entry(item, ("entries", i), assessment_id, source_text, check)
        for i, item in enumerate(_list(top.get("entries"), ("entries",), check, minimum=1))
    )
    timeline = tuple(
        _load_event(item, ("timeline", i), assessment_id, source_text, check)
        for i, item in enumerate(_list(top.get("timeline"), ("timeline",), check, minimum=0))
    )
    out_of_scope = tuple(
        _load_out_of_scope(item, ("out_of_scope", i), assessment_id, check)
        for i, item in enumerate(_list(top.get("out_of_scope"), ("out_of_scope",), check, minimum=0))
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
    )


def _list(value: Any, path: tuple, check: _Checker, minimum: int) -> list:
    if value is None and minimum == 0:
        return []
    if not isinstance(value, list) or len(value) < minimum:
        check.add(path, f"expected a list of at least {minimum} item(s)")
        return value if isinstance(value, list) else []
    return value


def _load_entry(item: Any, path: tuple, assessment_id: str, source: str, check: _Checker) -> Entry:
    raw = check.mapping(item, path, ("id", "questions", "answer", "sources", "tags"), ("gives_reasons",))
    gives_reasons = raw.get("gives_reasons", False)
    if not isinstance(gives_reasons, bool):
        check.add(path + ("gives_reasons",), f"'{gives_reasons}' is not true or false")
        gives_reasons = False
    return Entry(
        id=check.slug(raw.get("id"), path + ("id",)),
        assessment_id=assessment_id,
        questions=check.texts(raw.get("questions"), path + ("questions",), minimum=MIN_QUESTIONS),
        answer=fold_whitespace(check.text(raw.get("answer"), path + ("answer",))),
        sources=check.quotes(raw.get("sources"), path + ("sources",), source),
        tags=tuple(check.slug(t, path + ("tags", i)) for i, t in enumerate(check.texts(raw.get("tags"), path + ("tags",)))),
        gives_reasons=gives_reasons,
    )


def _load_out_of_scope(item: Any, path: tuple, assessment_id: str, check: _Checker) -> OutOfScope:
    raw = check.mapping(item, path, ("id", "questions", "reason"))
    return OutOfScope(
        id=check.slug(raw.get("id"), path + ("id",)),
        assessment_id=assessment_id,
        questions=check.texts(raw.get("questions"), path + ("questions",), minimum=MIN_QUESTIONS),
        reason=fold_whitespace(check.text(raw.get("reason"), path + ("reason",))),
    )


def _load_event(item: Any, path: tuple, assessment_id: str, source: str, check: _Checker) -> Event:
    raw = check.mapping(item, path, ("id", "date", "precision", "when", "event", "actors", "sources"))
    when = check.text(raw.get("when"), path + ("when",))
    if when and source and fold_whitespace(when) not in source:
        check.add(path + ("when",), f"'{when}' is not the article's own words (not found in the source text)")
    return Event(
        id=check.slug(raw.get("id"), path + ("id",)),
        assessment_id=assessment_id,
        date=check.date(raw.get("date"), path + ("date",)) or dt.date.min,
        precision=check.precision(raw.get("precision"), path + ("precision",)),
        when=when,
        event=fold_whitespace(check.text(raw.get("event"), path + ("event",))),
        actors=check.actors(raw.get("actors"), path + ("actors",)),
        sources=check.quotes(raw.get("sources"), path + ("sources",), source),
    )


# --- vocabulary ----------------------------------------------------------------------------------


def _load_vocabulary(doc: _Document, check: _Checker) -> Vocabulary:
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
                check.add(path + (i,), f"'{variant}' is already a variant of '{synonyms[key]}'")
            synonyms[key] = str(canonical).casefold()
    stopwords = check.texts(top.get("stopwords") or [], ("stopwords",), minimum=0)
    return Vocabulary(MappingProxyType(synonyms), frozenset(w.casefold() for w in stopwords))


# --- the phrasebook -------------------------------------------------------------------------------

_PHRASEBOOK_SECTIONS = {
    "follow_ups": ("more", "next", "before", "pointers", "demonstratives", "parties", "elliptical", "accept_suggestion"),
    "asking": ("openers", "determiners", "fillers", "reason", "number"),
    "listen": ("address", "article", "others", "tags"),
}


def _load_phrasebook(doc: _Document, check: _Checker) -> Phrasebook:
    top = check.mapping(doc.data, (), ("small_talk",), tuple(_PHRASEBOOK_SECTIONS))
    kinds: list[SmallTalk] = []
    owner: dict[str, str] = {}
    for i, item in enumerate(_list(top.get("small_talk"), ("small_talk",), check, minimum=1)):
        path = ("small_talk", i)
        raw = check.mapping(item, path, ("kind", "phrasings", "replies"))
        kind = check.text(raw.get("kind"), path + ("kind",))
        if kind and kind not in SMALL_TALK_KINDS:
            check.add(path + ("kind",), f"'{kind}' is not one of {', '.join(SMALL_TALK_KINDS)}")
        phrasings = check.texts(raw.get("phrasings"), path + ("phrasings",))
        for j, phrasing in enumerate(phrasings):
            key = " ".join(re.sub(r"[^\w\s%]", " ", phrasing.casefold()).split())
            if key in owner and owner[key] != kind:
                check.add(path + ("phrasings", j), f"'{phrasing}' is already small talk of kind '{owner[key]}'")
            owner.setdefault(key, kind)
        replies = check.texts(raw.get("replies"), path + ("replies",))
        for j, reply in enumerate(replies):
            try:
                reply.format_map({name: "" for name in REPLY_FIELDS})
            except (KeyError, ValueError, IndexError) as error:
                check.add(path + ("replies", j), f"unknown or malformed placeholder {error} (allowed: "
                          + ", ".join("{" + f + "}" for f in REPLY_FIELDS) + ")")
        kinds.append(SmallTalk(kind, phrasings, replies))
    words: dict[str, tuple[str, ...]] = {}
    for section, keys in _PHRASEBOOK_SECTIONS.items():
        raw = check.mapping(top.get(section) or {}, (section,), (), keys)
        for key in keys:
            words[key] = check.texts(raw[key], (section, key)) if key in raw else ()
    return Phrasebook(small_talk=tuple(kinds), **words)


# --- the whole knowledge base --------------------------------------------------------------------


def load_knowledge(directory: Path | str) -> KnowledgeBase:
    """Load and validate every YAML file in `directory`.

    Raises KnowledgeError listing every problem (file, line, field) when anything is wrong.
    """
    root = Path(directory)
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), None, "", "knowledge directory not found")])
    files = sorted(root.glob("*.yaml")) + sorted(root.glob("*.yml"))
    assessments: list[tuple[Assessment, _Document]] = []
    vocabulary = Vocabulary(MappingProxyType({}), frozenset())
    phrasebook = Phrasebook()

    for path in files:
        display = _display_path(path, root)
        try:
            doc = _Document(path, display)
        except yaml.YAMLError as error:
            mark = getattr(error, "problem_mark", None)
            line = mark.line + 1 if mark else None
            reason = getattr(error, "problem", None) or str(error)
            problems.append(Problem(display, line, "", f"not valid YAML: {reason}"))
            continue
        except (OSError, UnicodeDecodeError) as error:
            problems.append(Problem(display, None, "", f"cannot read file: {error}"))
            continue
        check = _Checker(doc, problems)
        for path_, key, line in doc.duplicate_keys:
            problems.append(Problem(display, line, ".".join(map(str, path_ + (key,))), "key appears twice"))
        if path.name == VOCABULARY_FILE:
            vocabulary = _load_vocabulary(doc, check)
        elif path.name == PHRASEBOOK_FILE:
            phrasebook = _load_phrasebook(doc, check)
        else:
            assessment = _load_assessment(doc, root, check)
            if assessment is not None:
                assessments.append((assessment, doc))

    if not assessments and not problems:
        problems.append(Problem(str(root), None, "", "no assessment files (*.yaml) found"))
    _check_across_files(assessments, problems)
    if problems:
        raise KnowledgeError(sorted(problems, key=lambda p: (p.file, p.line or 0)))
    return KnowledgeBase(tuple(a for a, _ in assessments), vocabulary, phrasebook)


def _check_across_files(assessments: list[tuple[Assessment, _Document]], problems: list[Problem]) -> None:
    """Ids and question phrasings must be unique across every file."""
    ids: dict[str, str] = {}
    phrasings: dict[str, str] = {}
    for assessment, doc in assessments:
        owners = [(("assessment", "id"), assessment.id)]
        owners += [(("entries", i, "id"), e.id) for i, e in enumerate(assessment.entries)]
        owners += [(("timeline", i, "id"), e.id) for i, e in enumerate(assessment.timeline)]
        owners += [(("out_of_scope", i, "id"), o.id) for i, o in enumerate(assessment.out_of_scope)]
        for path, item_id in owners:
            if not item_id:
                continue
            place = f"{doc.display}:{doc.line(path)}"
            if item_id in ids:
                problems.append(Problem(doc.display, doc.line(path), _field(path), f"duplicate id '{item_id}' (first at {ids[item_id]})"))
            else:
                ids[item_id] = place
        askable = [("entries", assessment.entries), ("out_of_scope", assessment.out_of_scope)]
        for section, items in askable:
            for i, item in enumerate(items):
                for j, question in enumerate(item.questions):
                    key = " ".join(re.sub(r"[^\w\s]", " ", question.casefold()).split())
                    path = (section, i, "questions", j)
                    if key in phrasings:
                        problems.append(Problem(doc.display, doc.line(path), _field(path), f"question {question!r} duplicates one in {phrasings[key]}"))
                    else:
                        phrasings[key] = f"{doc.display}:{doc.line(path)} ({item.id})"


def _field(path: tuple) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in path).lstrip(".")


def _display_path(path: Path, root: Path) -> str:
    """The file as a maintainer names it: relative to the knowledge directory's parent ("knowledge/x.yaml")."""
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
