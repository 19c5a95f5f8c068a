"""knowledge/conversation.yaml: the phrasebook of small talk and conversation words, checked field by field."""

from __future__ import annotations

import re

from bot.knowledge.document import Document
from bot.knowledge.model import Phrasebook, SeriesWords, SmallTalk
from bot.knowledge.schema import Checker, items_of

PHRASEBOOK_FILE = "conversation.yaml"
SMALL_TALK_KINDS = ("greeting", "thanks", "reaction", "agreement", "goodbye", "about-bot")
REPLY_FIELDS = ("example", "assessment", "count")  # the {placeholders} a small-talk reply may use
SECTIONS = {
    "follow_ups": ("more", "next", "before", "pointers", "demonstratives", "parties", "elliptical", "accept_suggestion"),
    "asking": ("openers", "determiners", "second_person", "fillers", "continuations", "reason", "number", "time"),
    "listen": ("address", "article", "others", "tags"),
    "answering": ("no_reason", "no_date", "not_given", "dated"),
}
SERIES_KEYS = ("nouns", "determiners", "latest", "previous", "earliest", "ordinals", "months", "marks", "whats_new", "since")
MONTHS = 12


def load_phrasebook(doc: Document, check: Checker) -> Phrasebook:
    top = check.mapping(doc.data, (), ("small_talk",), (*SECTIONS, "series"))
    kinds: list[SmallTalk] = []
    owner: dict[str, str] = {}
    for i, item in enumerate(items_of(top.get("small_talk"), ("small_talk",), check, minimum=1)):
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
                allowed = ", ".join("{" + name + "}" for name in REPLY_FIELDS)
                check.add(path + ("replies", j), f"unknown or malformed placeholder {error} (allowed: {allowed})")
        kinds.append(SmallTalk(kind, phrasings, replies))
    words: dict[str, tuple[str, ...]] = {}
    for section, keys in SECTIONS.items():
        raw = check.mapping(top.get(section) or {}, (section,), (), keys)
        for key in keys:
            words[key] = check.texts(raw[key], (section, key)) if key in raw else ()
    return Phrasebook(small_talk=tuple(kinds), series=_series_words(top.get("series") or {}, check), **words)


def _series_words(value: object, check: Checker) -> SeriesWords:
    raw = check.mapping(value, ("series",), (), SERIES_KEYS)
    words = {key: check.texts(raw[key], ("series", key)) if key in raw else () for key in SERIES_KEYS}
    if words["months"] and len(raw.get("months") or ()) != MONTHS:
        check.add(("series", "months"), f"has {len(raw['months'])} item(s), needs one per month ({MONTHS}), January first")
    return SeriesWords(**words)
