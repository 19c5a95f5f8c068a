"""Loading the whole knowledge base: every file read and checked, problems across files found, and
either a KnowledgeBase or one KnowledgeError listing the problems (the first ones, then a count).

Nothing a file holds can make loading raise anything else: each file is read within size, kind,
encoding and YAML limits, and an unforeseen error in one file becomes a problem of that file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from itertools import islice
from pathlib import Path
from types import MappingProxyType
from typing import TypeVar

import yaml

from bot.knowledge.document import Document, RefusedYAML, field_name
from bot.knowledge.files import UnreadableFile, knowledge_files, read_text
from bot.knowledge.model import Assessment, KnowledgeBase, OutOfScope, Phrasebook, Vocabulary, series_order
from bot.knowledge.phases import with_phases
from bot.knowledge.phrasebook import PHRASEBOOK_FILE, load_phrasebook
from bot.knowledge.problems import MAX_PROBLEMS, KnowledgeError, Problem
from bot.knowledge.review import Checked, warnings_of
from bot.knowledge.schema import (
    SHARED_FILE,
    VOCABULARY_FILE,
    Checker,
    TooManyProblems,
    load_assessment,
    load_shared,
    load_vocabulary,
)

T = TypeVar("T")


def load_knowledge(directory: Path | str) -> KnowledgeBase:
    """Load and validate every YAML file in `directory`.

    Raises KnowledgeError (and nothing else) listing the problems (file, line, field) when anything is wrong.
    """
    return load_checked(directory).knowledge


def load_checked(directory: Path | str) -> Checked:
    """As load_knowledge, with the warnings a valid knowledge base still carries (review.py)."""
    root = Path(directory)
    try:
        return _load(root)
    except KnowledgeError:
        raise
    except Exception as error:  # a bug here must read as a problem, not a traceback, in a running bot too
        raise KnowledgeError([Problem(str(root), None, "", f"could not be loaded: {type(error).__name__}: {error}")]) from error


def shared_kinds(directory: Path | str) -> tuple[OutOfScope, ...]:
    """The out-of-scope kinds of `directory`'s shared.yaml on their own, even before any assessment file
    exists (python -m bot draft keeps a new assessment's questions clear of them); () when there is no
    such file or it has any problem (validating the directory reports those)."""
    return _shared_file(directory, SHARED_FILE, load_shared, ())


def shared_vocabulary(directory: Path | str) -> Vocabulary:
    """`directory`'s vocabulary.yaml on its own, even before any assessment file exists (python -m bot
    draft words questions in its synonyms and weighs their words as the bot does); empty when there is
    no such file or it has any problem."""
    return _shared_file(directory, VOCABULARY_FILE, load_vocabulary, Vocabulary(MappingProxyType({}), frozenset()))


def shared_phrasebook(directory: Path | str) -> Phrasebook:
    """`directory`'s conversation.yaml on its own (python -m bot draft asks why only where `validate`
    lets it); empty when there is no such file or it has any problem."""
    return _shared_file(directory, PHRASEBOOK_FILE, load_phrasebook, Phrasebook())


def _shared_file(directory: Path | str, name: str, load: Callable[[Document, Checker], T], empty: T) -> T:
    """One of the files the series shares, loaded on its own; `empty` when it is missing or has any
    problem (validating the directory reports those)."""
    path = Path(directory) / name
    if not path.is_file():
        return empty
    problems: list[Problem] = []
    doc = _read(path, name, problems)
    if doc is None:
        return empty
    try:
        loaded = load(doc, Checker(doc, problems))
    except TooManyProblems:
        return empty
    return empty if problems else loaded


def _load(root: Path) -> Checked:
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), None, "", "knowledge directory not found")])
    assessments: list[tuple[Assessment, Document]] = []
    vocabulary = Vocabulary(MappingProxyType({}), frozenset())
    phrasebook = Phrasebook()
    shared: tuple[OutOfScope, ...] = ()
    shared_doc: Document | None = None

    for path in knowledge_files(root):
        display = _display_path(path, root)
        try:
            doc = _read(path, display, problems)
            if doc is None:
                continue
            check = Checker(doc, problems)
            for path_, key, line in doc.duplicate_keys:
                check.report(Problem(display, line, field_name(path_ + (key,)), "key appears twice"))
            if path.name == VOCABULARY_FILE:
                vocabulary = load_vocabulary(doc, check)
            elif path.name == PHRASEBOOK_FILE:
                phrasebook = load_phrasebook(doc, check)
            elif path.name == SHARED_FILE:
                shared, shared_doc = load_shared(doc, check), doc
            else:
                assessment = load_assessment(doc, root, check)
                if assessment is not None:
                    assessments.append((with_phases(assessment, doc, check), doc))
        except TooManyProblems:
            # Listed before the file's problems (it has no line): the count that follows is not all.
            problems.append(Problem(display, None, "", f"checking stopped at {MAX_PROBLEMS - 1} problems in this "
                                                       "file; fix those and validate again"))
        except Exception as error:  # unforeseen: this file is reported, the others still checked
            problems.append(Problem(display, None, "", f"could not be checked: {type(error).__name__}: {error}"))

    if not assessments and not problems:
        problems.append(Problem(str(root), None, "", "no assessment files (*.yaml) found"))
    assessments.sort(key=lambda pair: series_order(pair[0]))
    problems += islice(_problems_across_files(assessments, shared, shared_doc), MAX_PROBLEMS)
    problems += islice(_problems_of_numbers(assessments), MAX_PROBLEMS)
    warnings = warnings_of(assessments, phrasebook)
    if problems:
        raise KnowledgeError(sorted(problems, key=lambda p: (p.file, p.line or 0)), warnings)
    return Checked(KnowledgeBase(tuple(a for a, _ in assessments), vocabulary, phrasebook, shared), tuple(warnings))


def _read(path: Path, display: str, problems: list[Problem]) -> Document | None:
    """The file parsed, or None with its problem added."""
    try:
        return Document(read_text(path), display)
    except UnreadableFile as error:
        problems.append(Problem(display, error.line, "", error.reason))
    except RefusedYAML as error:
        problems.append(Problem(display, error.line, "", error.message))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        reason = getattr(error, "problem", None) or str(error)
        problems.append(Problem(display, line, "", f"not valid YAML: {reason}"))
    return None


def _problems_across_files(
    assessments: list[tuple[Assessment, Document]], shared: tuple[OutOfScope, ...], shared_doc: Document | None,
) -> Iterator[Problem]:
    """Assessment ids are unique across files. Within one assessment, ids (of entries, events and
    out-of-scope kinds) and question phrasings are unique, and no phrasing repeats one of the kinds
    shared by the series (shared.yaml); across assessments both may repeat, since every assessment has
    its own "who wrote this?"."""
    shared_phrasings: dict[str, str] = {}
    if shared_doc is not None:
        yield from _unique_ids(shared_doc, [(("out_of_scope", i, "id"), o.id) for i, o in enumerate(shared)], {})
        yield from _unique_phrasings(shared_doc, [("out_of_scope", shared)], shared_phrasings)
    assessment_ids: dict[str, str] = {}
    for assessment, doc in assessments:
        yield from _unique_ids(doc, [(("assessment", "id"), assessment.id)], assessment_ids)
        owners = [(("entries", i, "id"), e.id) for i, e in enumerate(assessment.entries)]
        owners += [(("timeline", i, "id"), e.id) for i, e in enumerate(assessment.timeline)]
        owners += [(("out_of_scope", i, "id"), o.id) for i, o in enumerate(assessment.out_of_scope)]
        yield from _unique_ids(doc, owners, {})
        askable = [("entries", assessment.entries), ("out_of_scope", assessment.out_of_scope)]
        yield from _unique_phrasings(doc, askable, dict(shared_phrasings))


def _unique_ids(doc: Document, owners: list[tuple[tuple, str]], ids: dict[str, str]) -> Iterator[Problem]:
    """A problem for each id of `owners` already in `ids` (id -> where it first appeared), which grows."""
    for path, item_id in owners:
        if not item_id:
            continue
        if item_id in ids:
            yield Problem(doc.display, doc.line(path), field_name(path), f"duplicate id '{item_id}' (first at {ids[item_id]})")
        else:
            ids[item_id] = f"{doc.display}:{doc.line(path)}"


def _unique_phrasings(doc: Document, askable: list[tuple[str, tuple]], phrasings: dict[str, str]) -> Iterator[Problem]:
    """A problem for each question phrasing already in `phrasings` (its words -> where), which grows."""
    for section, items in askable:
        for i, item in enumerate(items):
            for j, question in enumerate(item.questions):
                key = " ".join(re.sub(r"[^\w\s]", " ", question.casefold()).split())
                path = (section, i, "questions", j)
                if key in phrasings:
                    yield Problem(doc.display, doc.line(path), field_name(path), f"question {question!r} duplicates one in {phrasings[key]}")
                else:
                    phrasings[key] = f"{doc.display}:{doc.line(path)} ({item.id})"


def _problems_of_numbers(assessments: list[tuple[Assessment, Document]]) -> Iterator[Problem]:
    """Each assessment's place in the series is one number (its own, or its position when it has none),
    never another's, and numbers rise with publication dates: a button or a question ("assessment no. 2")
    must name one assessment."""
    path = ("assessment", "number")
    taken: dict[int, str] = {}
    for assessment, doc in assessments:
        if assessment.number is not None:
            if assessment.number in taken:
                yield Problem(doc.display, doc.line(path), field_name(path), f"number {assessment.number} is already "
                              f"that of {taken[assessment.number]}")
            taken.setdefault(assessment.number, f"{doc.display}:{doc.line(path)}")
    for position, (assessment, doc) in enumerate(assessments, start=1):
        if assessment.number is None and position in taken:
            yield Problem(doc.display, doc.line(("assessment",)), "assessment", f"has no number, and its place in the "
                          f"series ({position}) is the number of {taken[position]}: give it a number")
    numbered = [(a, doc) for a, doc in assessments if a.number is not None]
    for (earlier, _), (later, doc) in zip(numbered, numbered[1:]):
        if later.number is not None and earlier.number is not None and later.number < earlier.number:
            yield Problem(doc.display, doc.line(path), field_name(path), f"number {later.number} comes before "
                          f"{earlier.number} ({earlier.id}) but is published after it")


def _display_path(path: Path, root: Path) -> str:
    """The file as a maintainer names it: relative to the knowledge directory's parent ("knowledge/x.yaml")."""
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
