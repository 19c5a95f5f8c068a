"""An article's text read into its parts: title, body paragraphs and their sentences, the author's bio
line, a photo caption, and what they state (author, role, publisher, series, a dated line).

Every sentence is kept exactly as it stands in the text with its whitespace folded, so that it can be
quoted verbatim as a `sources` line. Nothing here guesses beyond what the text states; what it cannot
find is None, for the drafter to leave to the maintainer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.knowledge import fold_whitespace

ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
    "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}
# Before a full stop these end no sentence: titles, initials, months, "U.S.".
_ABBREVIATIONS = frozenset({
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "lt", "col", "capt", "st", "jr", "sr", "no",
    "vol", "etc", "vs", "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "inc", "co", "corp", "ltd", "approx", "fig", "e.g", "i.e",
})
_SENTENCE_END = re.compile(r"[.!?][”\"’')\]]*(?=\s+[“\"‘'(\[]?[A-Z0-9])")
_CAPTION = re.compile(r"^(?:Image|Photo|Picture|Caption|Photograph)\s*:", re.IGNORECASE)
_NAME = r"[A-Z][\w’'-]*\.?(?:\s+[A-Z][\w’'-]*\.?){1,4}"
_BIO = re.compile(rf"^(?P<name>{_NAME}) (?:is|was) (?:the |a |an )(?P<role>.+)\.$")
_ORGANIZATION = re.compile(r"(?P<org>[A-Z][\w-]*(?:\s+(?:of\s+)?[A-Z][\w-]*)*)[’']s\s+(?P<unit>[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*)")
_INSTITUTION = re.compile(r"(?:at|of) the (?P<org>[A-Z][\w-]*(?:\s+(?:of\s+|for\s+)?[A-Z][\w-]*)+)")
_SERIES = re.compile(r"^This is the (?P<ordinal>\w+) (?:\w+ )?(?:in|of) (?:a|the|our) series of (?P<series>.+?)\.$")


@dataclass(frozen=True)
class Sentence:
    text: str          # verbatim, whitespace folded
    paragraph: int     # index among the body paragraphs


@dataclass(frozen=True)
class Bio:
    sentence: str      # the bio line, verbatim
    author: str        # "John E. Herbst"
    role: str          # "senior director of the Atlantic Council’s Eurasia Center and a former US ambassador to Ukraine"

    @property
    def surname(self) -> str:
        return self.author.split()[-1]


@dataclass(frozen=True)
class Article:
    title: str
    body: tuple[tuple[Sentence, ...], ...]   # the body paragraphs, each its sentences
    bio: Bio | None
    caption: tuple[str, ...]                 # the photo caption's sentences, verbatim
    others: tuple[str, ...]                  # other sentences after the body (not headings)

    @property
    def sentences(self) -> tuple[Sentence, ...]:
        return tuple(s for paragraph in self.body for s in paragraph)

    @property
    def publisher(self) -> str | None:
        """The organization the bio line names ("Atlantic Council, Eurasia Center"), or None."""
        if self.bio is None:
            return None
        found = _ORGANIZATION.search(self.bio.role)
        if found:
            return f"{found['org']}, {found['unit']}"
        found = _INSTITUTION.search(self.bio.role)
        return found["org"] if found else None

    @property
    def series(self) -> tuple[str, int | None, str] | None:
        """(series name, number in it, the sentence saying so) from "This is the first in a series of ...", or None."""
        for sentence in self.sentences:
            found = _SERIES.match(sentence.text)
            if found:
                name = found["series"]
                return name[0].upper() + name[1:], ORDINALS.get(found["ordinal"].casefold()), sentence.text
        return None


def read_article(text: str) -> Article:
    """The article's parts. The title is the first non-empty line; the body runs to the author's bio
    line (the last paragraph reading "NAME is the ROLE."), or to the end; after it come a photo caption
    and headings such as "Further reading", which are not sentences of the article."""
    lines = text.replace("\r\n", "\n").lstrip("\ufeff").split("\n")
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    title = fold_whitespace(lines[start]) if start < len(lines) else ""
    rest = [fold_whitespace(p) for p in re.split(r"\n\s*\n", "\n".join(lines[start + 1:]))]
    rest = [p for p in rest if p]
    bio_at = next((i for i in range(len(rest) - 1, -1, -1) if _bio(rest[i])), None)
    body_paragraphs = rest if bio_at is None else rest[:bio_at]
    after = [] if bio_at is None else rest[bio_at + 1:]
    bio = _bio(rest[bio_at]) if bio_at is not None else None
    caption: list[str] = []
    others: list[str] = []
    for paragraph in after:
        if _CAPTION.match(paragraph):
            caption += split_sentences(paragraph)
        elif not is_heading(paragraph):
            others += split_sentences(paragraph)
    body_paragraphs = [p for p in body_paragraphs if not is_heading(p)]
    body = tuple(
        tuple(Sentence(s, index) for s in split_sentences(paragraph)) for index, paragraph in enumerate(body_paragraphs)
    )
    if bio is not None and bio_at is not None and bio.sentence != rest[bio_at]:
        others = split_sentences(rest[bio_at])[1:] + others  # the bio's further sentences
    return Article(title, body, bio, tuple(caption), tuple(others))


def is_heading(paragraph: str) -> bool:
    """A short line with no closing punctuation ("Further reading", "Related"): navigation, not prose."""
    return len(paragraph.split()) <= 5 and not re.search(r"[.!?:;”\"]$", paragraph)


def split_sentences(paragraph: str) -> list[str]:
    """The paragraph's sentences, verbatim: split after . ! ? (and any closing quote) before a capital,
    except after an initial ("E."), an abbreviation ("Dr.") or dotted capitals ("U.S.")."""
    sentences: list[str] = []
    start = 0
    for end in _SENTENCE_END.finditer(paragraph):
        before = paragraph[start:end.start()].split()
        last = before[-1].rstrip(".").casefold() if before else ""
        if end.group().startswith(".") and (
            re.fullmatch(r"[a-z]", last) or last in _ABBREVIATIONS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", last)
        ):
            continue
        sentences.append(paragraph[start:end.end()].strip())
        start = end.end()
    tail = paragraph[start:].strip()
    if tail:
        sentences.append(tail)
    return sentences


def _bio(paragraph: str) -> Bio | None:
    first = split_sentences(paragraph)[0] if paragraph else ""
    found = _BIO.match(first)
    if not found:
        return None
    return Bio(first, found["name"], found["role"])
