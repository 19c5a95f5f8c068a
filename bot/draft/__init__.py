"""`python -m bot draft`: an article's text drafted into a knowledge file that validates as it stands,
everything in it marked `review:` for the maintainer. Nothing here imports Discord.

- `article`: the text read into title, body sentences, bio line, caption;
- `dates`: date expressions and the ISO date and precision each stands for;
- `words`: tokens, names, and key phrases weighed by rarity in the article;
- `clauses`: subject, verb and object of a sentence's clauses, for questions;
- `phrasing`: attributed answers, actors, reasons, dates and numbers as questions ask them;
- `asking`: a sentence's questions in the ways people ask, and in the vocabulary's synonyms and spellings;
- `neighbours`: whether a question's words point to its own entry rather than another;
- `general`: the entries about the article as a whole, with the ids the series shares;
- `drafting`: the assessment as data: metadata, entries covering every sentence, timeline events;
- `writing`: the knowledge file and the article's text on disk, never overwriting unless told.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from bot.draft.drafting import Draft, Taken, default_id, draft_assessment, question_key
from bot.draft.general import is_article_id
from bot.draft.writing import DraftRefused, Written, knowledge_yaml, source_path, write_draft
from bot.knowledge import (
    MAX_FILE_BYTES, SLUG_MAX, Checked, KnowledgeError, load_checked, load_knowledge, shared_kinds, shared_phrasebook,
    shared_vocabulary,
)

_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

__all__ = ["Draft", "DraftRefused", "Drafted", "Taken", "draft_assessment", "draft_file", "knowledge_yaml", "source_path"]


@dataclass(frozen=True)
class Drafted:
    """A draft written to disk, and what validating its knowledge directory found."""

    draft: Draft
    written: Written
    checked: Checked | None            # the directory valid (its warnings include the draft's marks) ...
    problems: KnowledgeError | None    # ... or not (a bug of the drafter, or a problem in another file)


def draft_file(source: Path, knowledge_dir: Path, *, out: Path | None = None, assessment_id: str | None = None,
               force: bool = False, today: dt.date | None = None) -> Drafted:
    """Drafts the article at `source` into `out` (default: knowledge_dir/<id>.yaml), its text copied to
    the sources/ folder beside it, then validates that directory. Ids and questions already in that
    knowledge base are not reused. Raises DraftRefused when nothing was written."""
    today = today or dt.date.today()
    if assessment_id is not None and (not _SLUG.match(assessment_id) or len(assessment_id) > SLUG_MAX // 2):
        raise DraftRefused(f"--id {assessment_id!r} is not a short slug (lower-case letters, digits and hyphens, "
                           f"at most {SLUG_MAX // 2} characters: entry ids start with it)")
    text = _read_source(source)
    fallback = re.sub(r"[^a-z0-9]+", "-", source.stem.casefold()).strip("-")[:SLUG_MAX // 2].strip("-") or "assessment"
    assessment_id = assessment_id or default_id(text, today, fallback)
    target = out if out is not None else knowledge_dir / f"{assessment_id}.yaml"
    existing = _existing(target.parent, assessment_id)
    draft = draft_assessment(text, today=today, assessment_id=assessment_id, taken=existing,
                             vocabulary=shared_vocabulary(target.parent), phrasebook=shared_phrasebook(target.parent))
    written = write_draft(draft, text, target, force=force)
    try:
        return Drafted(draft, written, load_checked(target.parent), None)
    except KnowledgeError as error:
        return Drafted(draft, written, None, error)


def _read_source(source: Path) -> str:
    try:
        if source.stat().st_size > MAX_FILE_BYTES:
            raise DraftRefused(f"{source} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MiB: not an article's text")
        with source.open(encoding="utf-8", newline="") as file:  # newline="": the copy keeps every byte
            text = file.read()
    except UnicodeDecodeError as error:
        raise DraftRefused(f"{source} is not UTF-8 text: {error}") from error
    except OSError as error:
        raise DraftRefused(f"cannot read {source}: {error.strerror or error}") from error
    if not text.strip():
        raise DraftRefused(f"{source} is empty")
    return text


def _existing(directory: Path, assessment_id: str) -> Taken:
    """The ids and phrasings of the knowledge in `directory` (other than a previous draft of this
    assessment, which the new one replaces) and the phrasings of the out-of-scope kinds the series
    shares (no assessment may repeat one, and they are there before the first assessment is). Another
    assessment's entries about the article itself ("author") may share their questions with the draft's
    of the same id: the bot counts them as one."""
    if not directory.is_dir():
        return Taken()
    try:
        others = [a for a in load_knowledge(directory).assessments if a.id != assessment_id]
    except KnowledgeError:
        others = []
    ids = {a.id for a in others} | {item.id for a in others for item in (*a.entries, *a.timeline, *a.out_of_scope)}
    asked = (*(item for a in others for item in (*a.entries, *a.out_of_scope)), *shared_kinds(directory))
    questions = {question_key(q) for item in asked for q in item.questions}
    shared = {(e.id, question_key(q)) for a in others for e in a.entries if is_article_id(e.id) for q in e.questions}
    return Taken(frozenset(ids), frozenset(questions), frozenset(shared))
