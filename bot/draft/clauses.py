"""A sentence's clauses read as subject, verb and object ("the White House" "proposed" "the truly
damaging concession"), so that questions can ask what the sentence says: "Who proposed ...?", "What
did Russia reject?", "When did ...?", "Were the talks productive?". Heuristics over words; a clause
they cannot read is left out. Verbs joined by "and" share their subject ("denounced the idea ... and
said"); "he" or "she" later in a sentence stands for the name the sentence opens with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

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
                          "president", "team", "allies", "side", "troops", "media", "critics", "republicans", "leader",
                          "delegation", "delegations", "diplomats", "minister", "ministers", "lawmakers", "leadership"})
_PRONOUNS = frozenset({"he", "she", "it", "they", "this", "that", "these", "those", "we", "i", "you", "which", "who"})
_CONDITIONAL = frozenset({"if", "unless", "whether"})  # a sentence with one states none of its clauses as fact
_CLAUSE_WORDS = frozenset({"when", "as", "while", "which", "who", "that", "because", "after", "before", "since",
                           "if", "until", "although", "though", "but", "where", "whereas", "so"})
_ADVERBS = frozenset({"also", "then", "still", "already", "just", "even", "only", "now", "too", "again"})
_PREPOSITIONS = frozenset({"in", "on", "to", "for", "with", "from", "by", "as", "at", "toward", "towards", "between",
                           "during", "against", "into", "after", "before", "since", "through", "without", "via"})
_AUXILIARIES = {"has": "has", "have": "have", "was": "was", "were": "were", "is": "is", "are": "are"}
_COPULAS = frozenset({"is", "are", "was", "were"})
WHOLE_OBJECT = 12  # words of a clause's object and what follows it, at most
_MODALS = frozenset({"must", "should", "will", "would", "may", "might", "can", "could"})


@dataclass(frozen=True)
class Clause:
    """A clause read as subject, verb and object ("the White House" "proposed" "the truly damaging concession")."""

    subject: str
    verb: str          # as written: "inked", "has largely accepted" -> "accepted"
    base: str          # "ink", "accept"
    object: str
    form: str          # "past", "perfect", "passive", "modal", "negative", "emphatic" ("did block"),
                       # "progressive" ("has been talking"), "copula" ("were productive")
    auxiliary: str = ""  # "has", "was", "must", "did", "has been", "were"
    agent: bool = False  # a who-subject (a person, a country, an institution)
    pronoun: bool = False
    following: tuple[str, ...] = ()  # the words after the verb, before any date: "to", "each", "exchange"
    partial: bool = False  # the subject is only the last of a list ("..., Germany, and Poland joined"): not asked by
    named_object: bool = False  # the object starts with a name: "called US President Donald Trump" asks "who"
    whole_object: str = ""  # the object with what follows it in the clause: "it was natural for Putin not to attend"
    asserted: bool = True  # False where the sentence does not say it happened: "(skeptical) that Russia wanted
                           # peace", a conditional's "the United States will send ..."

    def what_question(self) -> str | None:
        """ "What did Russia reject?", "What did the sides agree to?", "What did the gamble seem to do?";
        None when the verb takes no object ("this tendency continued") or a complement ("grew unfavorable")."""
        first = self.following[0] if self.following else ""
        if self.form == "passive" and first == "by" and not self.pronoun:
            return f"What {self.verb} {self.subject}?"  # "was hobbled by ...": "What hobbled the approach?"
        if self.pronoun or not first or self.form != "past":
            return None
        if first.endswith("ly") and len(first) > 4:
            return None  # "reacted quickly" has no object
        head = f"{'Who' if self.named_object else 'What'} did {self.subject} {self.base}"
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
    unasserted: set[int] = set()  # segments the sentence does not state as fact
    for index, token in enumerate(tokens):
        if token.boundary_before and segments[-1]:
            segments.append([])
        if token.key in _CLAUSE_WORDS:  # "when Moscow refused ...": the clause starts after it
            if segments[-1]:
                if token.key == "that":  # "Trump declared that ...": the verb's object is what follows
                    segments[-1].append(token)
                segments.append([])
                before = tokens[index - 1].key if index else ""
                if token.key == "that" and not (is_past(before) or before in ("says", "argues", "writes")):
                    unasserted.add(len(segments) - 1)  # "skeptical that ...", "without mentioning that ..."
            continue
        segments[-1].append(token)
    conditional = any(t.key in _CONDITIONAL for t in tokens)
    previous: list[Token] = []
    subjects: list[list[Token]] = []  # each found clause's subject tokens
    last_read = False                  # whether the segment before gave a clause
    first = segments[0]
    opening = first if len(segments) > 1 and 0 < len(first) <= 4 and (words.is_name(first[0]) or first[0].key == "the") \
        and not any(is_past(t.key) for t in first) else []  # a sentence's subject set off by commas
    for position, segment in enumerate(segments):
        listed = bool(segment) and segment[0].key in ("and", "or") and 0 < len(previous) <= 3
        tokens = segment
        read = _clause(words, sentence, tokens, date_starts)
        if read is None and opening and segment and segment[0].text[0].islower() and is_past(segment[0].key):
            # "Washington, which hosted the first round ..., urged both sides ...": the opening names who.
            tokens = opening + segment
            read = _clause(words, sentence, tokens, date_starts)
        if read is None and last_read and not found[-1].pronoun:
            # "denounced the idea as a Russian stalling tactic and said ...": the clause just before goes on.
            joined = next((i for i in range(len(tokens) - 1) if tokens[i].key == "and" and _verb_after_and(tokens, i)), None)
            if joined is not None:
                tokens = subjects[-1] + tokens[joined + 1:]
                read = _clause(words, sentence, tokens, date_starts)
        last_read = read is not None
        while read:
            clause, subject, verb_at = read
            asserted = not conditional and position not in unasserted
            found.append(replace(clause, partial=listed, asserted=asserted))
            subjects.append(subject)
            # "denounced the idea ... and said Ukraine would not participate": the same subject's next verb.
            joined = next((i for i in range(verb_at + 1, len(tokens) - 1)
                           if tokens[i].key == "and" and _verb_after_and(tokens, i)), None)
            if joined is None:
                break
            tokens = subject + tokens[joined + 1:]
            read = _clause(words, sentence, tokens, date_starts)
            if read and read[0].subject != clause.subject:
                break
        previous = segment
        if last_read and found[-1].following == ("that",):
            said = segments[position + 1][:WHOLE_OBJECT] if position + 1 < len(segments) else []
            if said:  # "the Kremlin negotiators insisted that Ukrainian troops withdraw ...": what they insisted
                text = "that " + sentence[said[0].start:said[-1].end]
                found[-1] = replace(found[-1], whole_object=text)
    return _resolved(found)


def _verb_after_and(tokens: Sequence[Token], index: int) -> bool:
    token = tokens[index + 1]
    return token.text[0].islower() and is_past(token.key)


def _resolved(clauses: list[Clause]) -> list[Clause]:
    """"he" or "she" after the sentence's first clause stands for its subject when that is a name
    ("Trump reacted quickly ...; ..., he called on Zelenskyy"); nothing further back is guessed."""
    if not clauses or clauses[0].pronoun or not clauses[0].agent:
        return clauses
    first = clauses[0]
    return [first, *(replace(c, subject=first.subject, pronoun=False) if c.pronoun and c.subject.casefold() in ("he", "she")
                     else c for c in clauses[1:])]

def _clause(words: ArticleWords, sentence: str, tokens: list[Token],
            date_starts: set[int]) -> tuple[Clause, list[Token], int] | None:
    """The first clause of `tokens`, its subject's tokens and where its verb is, or None."""
    while tokens and tokens[0].key in LEADING:
        tokens = tokens[1:]
    for index in range(1, min(len(tokens), 11)):
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
            then = tokens[after + 1].key if after + 1 < len(tokens) else ""
            if key in _MODALS and not negative and following.isalpha() and following not in STOPWORDS:
                form, auxiliary, verb_at = "modal", key, after
            elif key == "did" and negative:
                form, auxiliary, verb_at = "negative", "did", after
            elif key == "did" and following.isalpha() and following not in STOPWORDS:
                form, auxiliary, verb_at = "emphatic", "did", after        # "his gambit did block the plans"
            elif key in ("has", "have") and following == "been" and then.endswith("ing") and not negative:
                form, auxiliary, verb_at = "progressive", f"{key} been", after + 1
            elif key in ("has", "have") and is_past(following) and not negative:
                form, auxiliary, verb_at = "perfect", key, after
            elif key in ("was", "were") and is_past(following) and not negative:
                form, auxiliary, verb_at = "passive", key, after
            elif key in _COPULAS and not negative and following.isalpha() and (following not in STOPWORDS or
                                                                               following == "to") \
                    and not following.endswith("ing") and tokens[after].text[0].islower():
                form, auxiliary, verb_at = "copula", key, index            # "the talks were productive", "was to offer"
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
        # "The Trump administration's approach to a negotiated peace": a question names "the ... approach";
        # "the instincts of the Trump team" keeps what "of" adds.
        cut = next((i for i, t in enumerate(subject) if i >= 2 and t.key in _PREPOSITIONS and t.key != "of"), None)
        if cut is not None and len(subject) > 3:
            subject = subject[:cut]
        if (not subject or len(subject) > 9 or subject[-1].key in ("and", "or", "of", "the", "a", "an")
                or any(is_past(t.key) and t.text[0].islower() and (i == 0 or subject[i - 1].key not in ("a", "an", "the"))
                       for i, t in enumerate(subject))):
            return None
        verb = tokens[verb_at]
        rest: list[Token] = []
        for at in range(verb_at + 1, len(tokens)):
            # A date ends the object ("inked the deal on April 30"), unless it is part of it ("the mid-March
            # cease-fire"); so does the next verb of the same subject ("changed his mind and announced ...").
            if (tokens[at].start in date_starts and tokens[at - 1].key not in ("the", "a", "an")) or \
                    (tokens[at].key == "and" and at + 1 < len(tokens) and _verb_after_and(tokens, at)):
                break
            rest.append(tokens[at])
        raw_object = [t.key for t in rest]
        whole = rest[:WHOLE_OBJECT]
        while whole and whole[-1].key in STOPWORDS:
            whole.pop()
        # The object up to its first preposition after three words: "two modest shipments of weapons".
        cut = next((i for i, t in enumerate(rest) if i >= 3 and t.key in _PREPOSITIONS), len(rest))
        rest = rest[:min(cut, 8)]
        while rest and rest[-1].key in STOPWORDS:
            rest.pop()
        first = subject[0]
        pronoun = len(subject) == 1 and first.key in _PRONOUNS
        subject_text = words.casing(subject[0], subject[0].start == 0) + sentence[subject[0].end:subject[-1].end]
        # Who or what: the head of the subject ("the instincts of the Trump team" is a what, "the leaders of ..." a who).
        head = next((subject[i - 1] for i, t in enumerate(subject) if i and t.key == "of"), subject[-1])
        agent = pronoun and first.key in ("he", "she", "they") or words.is_name(head) or head.key in _AGENT_NOUNS
        base = {"past": base_form(verb.key), "negative": base_form(verb.key), "copula": "be"}.get(form, verb.key)
        object_text = sentence[rest[0].start:rest[-1].end] if rest else ""
        named = bool(rest) and words.is_name(rest[0]) and rest[0].key not in _PRONOUNS and rest[0].key == rest[0].text.casefold()
        clause = Clause(subject_text, verb.text, base, object_text, form, auxiliary, agent, pronoun, tuple(raw_object),
                        named_object=named, whole_object=sentence[whole[0].start:whole[-1].end] if whole else "")
        return clause, subject, verb_at
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
                 r"[aeiou]s|[^aeiou][aiu]d|[^aeiou][aiou]k|[^aeiou]am|[^aeiou]om|[^aeiou]ot|[^aeiou]u)$", stem):
        return stem + "e"                                                 # violated, announced, proposed, declared
    return stem
