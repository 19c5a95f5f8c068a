"""The knowledge base: one YAML file per assessment plus a shared vocabulary, loaded into immutable values.

Loading validates strictly and reports every problem at once (file, line, field), so a maintainer
fixes a file in one pass; no file, however broken or hostile, makes it raise anything but
KnowledgeError. Nothing here imports Discord.

- `model`: the values (KnowledgeBase, Assessment, Entry, Event, Phase, OutOfScope, Vocabulary);
- `problems`: Problem and KnowledgeError, in bounded amounts;
- `files`: which files are knowledge, read within size, kind and encoding limits;
- `document`: YAML with the line of every value, aliases and deep nesting refused;
- `schema`: what each file must contain, checked field by field;
- `phases`: an assessment's optional phases, checked against its timeline;
- `phrasebook`: knowledge/conversation.yaml, the small talk and the words of conversation;
- `review`: warnings, which never stop loading: review marks, why-questions answered without a reason;
- `loading`: `load_knowledge` (and `load_checked`, with the warnings), every file and the checks across files.
"""

from bot.knowledge.files import MAX_FILE_BYTES, is_ignored, knowledge_files, watched_files
from bot.knowledge.loading import load_checked, load_knowledge
from bot.knowledge.model import (
    Assessment,
    Entry,
    Event,
    KnowledgeBase,
    OutOfScope,
    Phase,
    Phrasebook,
    Published,
    SmallTalk,
    Vocabulary,
)
from bot.knowledge.phrasebook import PHRASEBOOK_FILE
from bot.knowledge.problems import MAX_PROBLEMS, KnowledgeError, Problem, more_line
from bot.knowledge.review import REVIEW_KEY, Checked, warning_line
from bot.knowledge.schema import (
    ACTOR_MAX,
    MIN_QUESTIONS,
    PRECISIONS,
    SLUG_MAX,
    VOCABULARY_FILE,
    fold_whitespace,
)

__all__ = [
    "ACTOR_MAX", "MAX_FILE_BYTES", "MAX_PROBLEMS", "MIN_QUESTIONS", "PHRASEBOOK_FILE", "PRECISIONS", "SLUG_MAX",
    "REVIEW_KEY", "VOCABULARY_FILE", "Assessment", "Checked", "Entry", "Event", "KnowledgeBase", "KnowledgeError", "OutOfScope", "Phase", "Phrasebook",
    "Problem", "Published", "SmallTalk", "Vocabulary", "fold_whitespace", "is_ignored", "knowledge_files", "load_checked", "load_knowledge", "more_line", "warning_line", "watched_files",
]
