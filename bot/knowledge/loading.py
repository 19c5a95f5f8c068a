"""Loading the whole knowledge base: every file read and checked, problems across files found, and
either a KnowledgeBase or one KnowledgeError listing the problems (the first ones, then a count).

Nothing a file holds can make loading raise anything else: each file is read within size, kind,
encoding and YAML limits, and an unforeseen error in one file becomes a problem of that file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from pathlib import Path
from types import MappingProxyType

import yaml

from bot.knowledge.document import Document, RefusedYAML, field_name
from bot.knowledge.files import UnreadableFile, knowledge_files, read_text
from bot.knowledge.model import Assessment, KnowledgeBase, Phrasebook, Vocabulary
from bot.knowledge.phases import with_phases
from bot.knowledge.phrasebook import PHRASEBOOK_FILE, load_phrasebook
from bot.knowledge.problems import MAX_PROBLEMS, KnowledgeError, Problem
from bot.knowledge.review import Checked, warnings_of
from bot.knowledge.schema import VOCABULARY_FILE, Checker, TooManyProblems, load_assessment, load_vocabulary


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


def _load(root: Path) -> Checked:
    problems: list[Problem] = []
    if not root.is_dir():
        raise KnowledgeError([Problem(str(root), None, "", "knowledge directory not found")])
    assessments: list[tuple[Assessment, Document]] = []
    vocabulary = Vocabulary(MappingProxyType({}), frozenset())
    phrasebook = Phrasebook()

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
    problems += islice(_problems_across_files(assessments), MAX_PROBLEMS)
    warnings = warnings_of(assessments, phrasebook)
    if problems:
        raise KnowledgeError(sorted(problems, key=lambda p: (p.file, p.line or 0)), warnings)
    return Checked(KnowledgeBase(tuple(a for a, _ in assessments), vocabulary, phrasebook), tuple(warnings))


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


def _problems_across_files(assessments: list[tuple[Assessment, Document]]) -> Iterator[Problem]:
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
                yield Problem(doc.display, doc.line(path), field_name(path), f"duplicate id '{item_id}' (first at {ids[item_id]})")
            else:
                ids[item_id] = place
        askable = [("entries", assessment.entries), ("out_of_scope", assessment.out_of_scope)]
        for section, items in askable:
            for i, item in enumerate(items):
                for j, question in enumerate(item.questions):
                    key = " ".join(re.sub(r"[^\w\s]", " ", question.casefold()).split())
                    path = (section, i, "questions", j)
                    if key in phrasings:
                        yield Problem(doc.display, doc.line(path), field_name(path), f"question {question!r} duplicates one in {phrasings[key]}")
                    else:
                        phrasings[key] = f"{doc.display}:{doc.line(path)} ({item.id})"


def _display_path(path: Path, root: Path) -> str:
    """The file as a maintainer names it: relative to the knowledge directory's parent ("knowledge/x.yaml")."""
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
