"""Draft wording from an article's sentences: answers that attribute the sentence to its author
("Herbst writes that ...", "argues" where the sentence judges, so that the bot never states the author's
view as its own), the actors a sentence names, whether it gives a reason, and the parts questions are
made of (a date as "on April 30", what a number counts, a keyword query).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from bot.draft.dates import DateExpression
from bot.draft.words import ACTORS, LEADING, STOPWORDS, ArticleWords, tokenize

OPINION_MARKERS = (
    "clear", "clearly", "critical", "truly", "damaging", "cynical", "nimbleness", "hobbled", "weak", "must", "should",
    "may well", "worth noting", "no coincidence", "twist", "roller coaster", "paydirt", "gamble", "gambit", "parried",
    "productive", "important", "limited", "difficult", "severe", "substantial", "modest", "unfavorable", "reasonable",
    "instincts", "cover for", "stalling", "aim", "seemed", "natural", "right about", "only if", "key", "complicated",
)
# What marks a sentence as giving a reason for what it reports.
CAUSAL_MARKERS = (
    "because", "so that", "in order to", "in response to", "a bid to", "to deter", "due to", "as a result",
    "owing to", "for rejecting", "in an effort to", "aimed at", "since he", "since she", "since they",
)
_ACTOR_NAMES = {
    actor: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
    for actor, names in ACTORS.items()
}

def actors_in(text: str) -> list[str]:
    """The timeline actors a text names, in the order it first names them."""
    found = [(m.start(), actor) for actor, pattern in _ACTOR_NAMES.items() for m in [pattern.search(text)] if m]
    return [actor for _, actor in sorted(found)]


def is_opinion(sentence: str) -> bool:
    return judgements(sentence) > 0


def judgements(sentence: str) -> int:
    """How many of the words that mark a judgement the sentence uses ("cynical", "truly damaging")."""
    words = " " + " ".join(t.key for t in tokenize(sentence)) + " "
    return sum(f" {marker} " in words for marker in OPINION_MARKERS)


def gives_reason(sentence: str) -> str | None:
    """The causal words a sentence uses ("a bid to"), or None."""
    text = sentence.casefold()
    return next((m for m in CAUSAL_MARKERS if re.search(rf"\b{re.escape(m)}\b", text)), None)


def attributed(sentence: str, words: ArticleWords, author: str, first: bool = True) -> str:
    """The sentence as the author's statement: "Herbst writes that ...", "Herbst argues that ..." where it
    judges; a later sentence of the same answer "Herbst adds that ..." (by name: the drafter knows no pronoun)."""
    tokens = tokenize(sentence)
    text = sentence
    if tokens and tokens[0].key in LEADING and len(tokens) > 3:
        text = sentence[tokens[1].start:]
        tokens = tokenize(text)
    if tokens and tokens[0].start == 0:
        text = words.casing(tokens[0]) + text[tokens[0].end:]
    verb = "argues" if is_opinion(sentence) else "writes"
    if first:
        return f"{author} {verb} that {text}"
    return f"{author} {'also argues' if verb == 'argues' else 'adds'} that {text}"


def when_phrase(date: DateExpression) -> str:
    """The date expression as it follows "What happened": "on April 30", "in mid-March", "last weekend"."""
    words = date.when[0].lower() + date.when[1:] if date.when.split()[0] in ("On", "In", "Last", "This") else date.when
    if words.split()[0] in ("on", "in", "last", "this", "next", "earlier", "later", "yesterday", "tomorrow") or "ago" in words:
        return words
    if date.precision == "day" or date.when.split()[0] in {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                                            "Saturday", "Sunday"}:
        return f"on {words}"
    return f"in {words}"


def numbers_in(sentence: str, words: ArticleWords, dates: Sequence[DateExpression] = ()) -> list[str]:
    """What a sentence counts: "one thousand prisoners of war" -> "prisoners of war" (not "one thing",
    not a date's day)."""
    counted: list[str] = []
    spans = [(d.start, d.start + len(d.when)) for d in dates]
    pattern = re.compile(r"\b(?:\d+(?:[.,]\d+)*|one(?=\s+(?:hundred|thousand|million|billion))|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|"
                         r"hundreds?|thousands?|millions?|billions?)(?:\s+(?:hundred|thousand|million|billion))?\s+"
                         r"(?P<rest>[a-z][\w’'-]*(?:\s+[a-z][\w’'-]*){0,3})")
    for match in pattern.finditer(sentence):
        if any(a <= match.start() < b for a, b in spans) or re.match(r"(?:years?|months?|weeks?|days?)\b", match["rest"]):
            continue
        phrases = words.phrases(match["rest"])
        if phrases:
            # The longest phrase that starts the counted words: "modest shipments of weapons".
            starting = [p for p in phrases if match["rest"].startswith(p) or match["rest"].casefold().startswith(p.casefold())]
            counted.append(max(starting or phrases[:1], key=len))
    return counted


def keyword_query(phrases: Iterable[str], extra: str = "", limit: int = 5) -> str:
    words: list[str] = []
    for phrase in [*phrases, extra]:
        for word in phrase.casefold().replace("’", "'").split():
            if word not in words and word not in STOPWORDS:
                words.append(word)
    return " ".join(words[:limit])
