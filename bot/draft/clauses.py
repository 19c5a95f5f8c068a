"""A sentence's clauses read as subject, verb and object ("the White House" "proposed" "the truly
damaging concession"), so that questions can ask what the sentence says: "Who proposed ...?", "What
did Russia reject?", "When did ...?". Heuristics over words; a clause they cannot read is left out.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.draft.dates import DateExpression
from bot.draft.words import (
    ADJECTIVE_ENDINGS,
    ADJECTIVES,
    IRREGULAR_PAST,
    LEADING,
    STOPWORDS,
    ArticleWords,
    Token,
    is_past,
    tokenize,
)

_AGENT_NOUNS = frozenset({"leaders", "sides", "parties", "negotiators", "administration", "government", "officials",
                          "president", "team", "allies", "side", "troops", "media", "critics", "republicans", "leader"})
_PRONOUNS = frozenset({"he", "she", "it", "they", "this", "that", "these", "those", "we", "i", "you", "which", "who"})
_CLAUSE_WORDS = frozenset({"when", "as", "while", "which", "who", "that", "because", "after", "before", "since",
                           "if", "until", "although", "though", "but", "where", "whereas", "so"})
_ADVERBS = frozenset({"also", "then", "still", "already", "just", "even", "only", "now", "too", "again"})
_PREPOSITIONS = frozenset({"in", "on", "to", "for", "with", "from", "by", "as", "at", "toward", "towards", "between",
                           "during", "against", "into", "after", "before", "since", "through", "without", "via"})
_AUXILIARIES = {"has": "has", "have": "have", "was": "was", "were": "were"}
_MODALS = frozenset({"must", "should", "will", "would", "may", "might", "can", "could"})


@dataclass(frozen=True)
class Clause:
    """A clause read as subject, verb and object ("the White House" "proposed" "the truly damaging concession")."""

    subject: str
    verb: str          # as written: "inked", "has largely accepted" -> "accepted"
    base: str          # "ink", "accept"
    object: str
    form: str          # "past", "perfect", "passive", "modal", "negative"
    auxiliary: str = ""  # "has", "was", "must"
    agent: bool = False  # a who-subject (a person, a country, an institution)
    pronoun: bool = False
    following: tuple[str, ...] = ()  # the words after the verb, before any date: "to", "each", "exchange"

    def what_question(self) -> str | None:
        """ "What did Russia reject?", "What did the sides agree to?", "What did the gamble seem to do?";
        None when the verb takes no object ("this tendency continued") or a complement ("grew unfavorable")."""
        first = self.following[0] if self.following else ""
        if self.form == "passive" and first == "by" and not self.pronoun:
            return f"What {self.verb} {self.subject}?"  # "was hobbled by ...": "What hobbled the approach?"
        if self.pronoun or not first or self.form != "past":
            return None
        head = f"What did {self.subject} {self.base}"
        if first == "to" and len(self.following) > 1:
            return f"{head} to?" if self.following[1] in STOPWORDS else f"{head} to do?"
        if first in ("on", "with", "for", "about", "against"):
            return f"{head} {first}?" if len(self.following) > 1 else None
        if first in _PREPOSITIONS or (len(self.following) == 1 and first.endswith(ADJECTIVE_ENDINGS)) or first in ADJECTIVES:
            return None
        return f"{head}?"


def read_clauses(words: ArticleWords, sentence: str, dates: Sequence[DateExpression] = ()) -> list[Clause]:
    """The clauses whose subject, verb and object can be read off the words."""
    tokens = tokenize(sentence)
    date_starts = {d.start for d in dates}
    found: list[Clause] = []
    segments: list[list[Token]] = [[]]
    for token in tokens:
        if token.boundary_before and segments[-1]:
            segments.append([])
        if token.key in _CLAUSE_WORDS:  # "when Moscow refused ...": the clause starts after it
            if segments[-1]:
                if token.key == "that":  # "Trump declared that ...": the verb's object is what follows
                    segments[-1].append(token)
                segments.append([])
            continue
        segments[-1].append(token)
    for segment in segments:
        clause = _clause(words, sentence, segment, date_starts)
        if clause:
            found.append(clause)
    return found

def _clause(words: ArticleWords, sentence: str, tokens: list[Token], date_starts: set[int]) -> Clause | None:
    while tokens and tokens[0].key in LEADING:
        tokens = tokens[1:]
    for index in range(1, min(len(tokens), 9)):
        key = tokens[index].key
        subject = tokens[:index]
        form, auxiliary, verb_at = "", "", index
        if key in _AUXILIARIES or key in _MODALS or key == "did":
            after = index + 1
            negative = after < len(tokens) and tokens[after].key == "not"
            after += negative
            while after < len(tokens) and tokens[after].key.endswith("ly") and len(tokens[after].key) > 4:
                after += 1
            if after >= len(tokens):
                return None
            following = tokens[after].key
            if key in _MODALS and not negative and following.isalpha() and following not in STOPWORDS:
                form, auxiliary, verb_at = "modal", key, after
            elif key == "did" and negative:
                form, auxiliary, verb_at = "negative", "did", after
            elif key in ("has", "have") and is_past(following) and not negative:
                form, auxiliary, verb_at = "perfect", key, after
            elif key in ("was", "were") and is_past(following) and not negative:
                form, auxiliary, verb_at = "passive", key, after
            else:
                return None
        elif is_past(key) and tokens[index].text[0].islower():
            if tokens[index - 1].key in ("the", "a", "an", "its", "his", "her", "their", "our", "of", "to", "be", "been"):
                continue
            form = "past"
        else:
            continue
        subject = [t for t in subject if not (t.key.endswith("ly") and len(t.key) > 4 and t.text[0].islower())
                   and t.key not in _ADVERBS]
        dated = next((i for i, t in enumerate(subject) if t.start in date_starts), None)
        if dated is not None:  # "the approach through late April": the subject without its date
            subject = subject[:dated]
            while subject and subject[-1].key in STOPWORDS:
                subject.pop()
        if (not subject or len(subject) > 7 or subject[-1].key in ("and", "or", "of", "the", "a", "an")
                or any(is_past(t.key) and t.text[0].islower() for t in subject)):
            return None
        verb = tokens[verb_at]
        rest: list[Token] = []
        for token in tokens[verb_at + 1:]:
            if token.start in date_starts:
                break
            rest.append(token)
        raw_object = [t.key for t in rest]
        # The object up to its first preposition after three words: "two modest shipments of weapons".
        cut = next((i for i, t in enumerate(rest) if i >= 3 and t.key in _PREPOSITIONS), len(rest))
        rest = rest[:min(cut, 8)]
        while rest and rest[-1].key in STOPWORDS:
            rest.pop()
        first = subject[0]
        pronoun = len(subject) == 1 and first.key in _PRONOUNS
        subject_text = words.casing(subject[0], subject[0].start == 0) + sentence[subject[0].end:subject[-1].end]
        agent = pronoun and first.key in ("he", "she", "they") or any(
            words.is_name(t) or t.key in _AGENT_NOUNS for t in subject)
        base = verb.key if form == "modal" else base_form(verb.key) if form in ("past", "negative") else verb.key
        object_text = sentence[rest[0].start:rest[-1].end] if rest else ""
        return Clause(subject_text, verb.text, base, object_text, form, auxiliary, agent, pronoun, tuple(raw_object))
    return None


def base_form(past: str) -> str:
    """The bare verb of a past-tense form: "inked" -> "ink", "agreed" -> "agree", "proposed" -> "propose"."""
    if past in IRREGULAR_PAST:
        return IRREGULAR_PAST[past]
    if not past.endswith("ed") or len(past) < 4:
        return past
    if past.endswith("eed"):
        return past[:-1]
    if past.endswith("ied"):
        return past[:-3] + "y"
    stem = past[:-2]
    if len(stem) >= 4 and stem[-1] == stem[-2] and stem[-1] in "bdgmnprt" and stem[-3] in "aeiou" and stem[-4] not in "aeiou":
        return stem[:-1]                                                  # stopped, planned, committed
    if re.search(r"(?:[^aeiou]at|[^aeiou]ut|[cvz]|[^aeiou]iz|dg|[nr]g|[bcdfgkpstz]l|[^aeiou][aou]r|quir|"
                 r"[aeiou]s|[^aeiou][aiu]d|[^aeiou][aiou]k|[^aeiou]am|[^aeiou]ot|[^aeiou]u)$", stem):
        return stem + "e"                                                 # violated, announced, proposed, declared
    return stem
