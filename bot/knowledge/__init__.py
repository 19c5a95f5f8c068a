"""The knowledge base: one YAML file per assessment of the series, plus what they share (vocabulary,
phrasebook, out-of-scope kinds in shared.yaml), loaded into immutable values.

Loading validates strictly and reports every problem at once (file, line, field), so a maintainer
fixes a file in one pass; no file, however broken or hostile, makes it raise anything but
KnowledgeError. Nothing here imports Discord.

- `model`: the values (KnowledgeBase, Assessment, Entry, Event, Phase, OutOfScope, WhatsNew, Vocabulary);
- `problems`: Problem and KnowledgeError, in bounded amounts;
- `files`: which files are knowledge, read within size, kind and encoding limits;
- `document`: YAML with the line of every value, aliases and deep nesting refused;
- `schema`: what each file must contain, checked field by field;
- `phases`: an assessment's optional phases, checked against its timeline;
- `phrasebook`: knowledge/conversation.yaml, the small talk and the words of conversation and of the series;
- `review`: warnings, which never stop loading: review marks, why-questions answered without a reason;
- `loading`: `load_knowledge` (and `load_checked`, with the warnings), every file and the checks across files;
  `shared_kinds`, shared.yaml's kinds alone.
"""

from bot.knowledge.files import MAX_FILE_BYTES, is_ignored, knowledge_files, watched_files
from bot.knowledge.loading import load_checked, load_knowledge, shared_kinds, shared_phrasebook, shared_vocabulary
from bot.knowledge.model import (
    WHATS_NEW_ID,
    Assessment,
    Entry,
    Event,
    KnowledgeBase,
    OutOfScope,
    Phase,
    Phrasebook,
    Published,
    SeriesWords,
    SmallTalk,
    Vocabulary,
    WhatsNew,
)
from bot.knowledge.phrasebook import PHRASEBOOK_FILE
from bot.knowledge.problems import MAX_PROBLEMS, KnowledgeError, Problem, more_line
from bot.knowledge.review import REVIEW_KEY, Checked, asks_why, warning_line
from bot.knowledge.schema import (
    ACTOR_MAX,
    MIN_QUESTIONS,
    NUMBER_MAX,
    PRECISIONS,
    SHARED_FILE,
    SLUG_MAX,
    VOCABULARY_FILE,
    fold_whitespace,
)

__all__ = [
    "ACTOR_MAX", "MAX_FILE_BYTES", "MAX_PROBLEMS", "MIN_QUESTIONS", "NUMBER_MAX", "PHRASEBOOK_FILE", "PRECISIONS",
    "REVIEW_KEY", "SHARED_FILE", "SLUG_MAX", "VOCABULARY_FILE", "WHATS_NEW_ID", "Assessment", "Checked", "Entry", "Event",
    "KnowledgeBase", "KnowledgeError", "OutOfScope", "Phase", "Phrasebook", "Problem", "Published", "SeriesWords", "SmallTalk",
    "Vocabulary", "WhatsNew", "fold_whitespace", "is_ignored", "knowledge_files", "load_checked", "load_knowledge", "more_line",
    "asks_why", "shared_kinds", "shared_phrasebook", "shared_vocabulary", "warning_line", "watched_files",
]
