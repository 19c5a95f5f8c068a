"""The questions a drafted entry is asked by, in the many ways people put a sentence to the bot in
Discord: wh-questions on each clause's subject, object, date and reason ("Who proposed ...?", "What
did Russia reject?", "When did ...?"), yes/no questions ("Did Moscow refuse ...?", "Were the talks
productive?"), frames around the sentence's distinctive phrases ("What does the article say about
X?", "tell me about X", "what about X?"), the author's judgements asked of the author ("How does
Herbst judge X?", "What is Herbst's view of X?"), dates, numbers and places ("What happened on
April 30?", "How many prisoners of war?", "What happened in Kyiv?"), short keyword queries, and
the vocabulary's synonyms and chat spellings ("truce" for "cease-fire", "abt" for "about").

Every question is made of the sentence's own words and asks what the sentence says; none presumes
more. `Asker.of_sentence` gives them most telling first, one of each kind before a second of any.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import NamedTuple

from rapidfuzz import fuzz

from bot.draft.clauses import Clause, read_clauses
from bot.draft.dates import DateExpression
from bot.draft.phrasing import is_opinion, keyword_query, numbers_in, when_phrase
from bot.draft.words import STOPWORDS, ArticleWords, tokenize

# The kinds of question, in the order a round takes one of each: what the sentence says first (its
# clauses), then its topic, its date, a keyword query, a yes/no question, ...
KINDS = ("wh", "topic", "when", "keyword", "yes-no", "number", "view", "why", "place", "chat")
RESTATING = frozenset({"wh", "yes-no", "when", "why", "chat"})  # the kinds that ask a clause as the sentence puts it
PRESUMING = frozenset({"wh", "when", "why", "topic", "view"})  # ... and those that take it as fact ("Who wanted peace?")
REPORTING = frozenset({"said", "declared", "announced", "insisted", "mentioned", "called", "told", "wrote"})
_VAGUE_SUBJECTS = frozenset({"this", "which", "that", "it", "all of this", "this tendency", "one thing", "there"})
_POSSESSIVES = ("his ", "her ", "its ", "their ")
_CUT_WORDS = frozenset({"of", "in", "on", "to", "for", "with", "from", "by", "as", "at", "toward", "towards", "between",
                        "during", "against", "into", "after", "before", "since", "through", "without", "via", "that",
                        "which", "who", "but", "about", "over"})
_CLAUSE_CUTS = frozenset({"that", "which", "who", "but", "as", "when", "while", "because", "since", "if"})
TOPICS = 5             # distinctive phrases of a sentence its questions name
SHORT_OBJECT = 6       # words of an object a wh-question repeats ("the truly damaging concession")
YES_NO_OBJECT = 9      # ... and a yes/no question ("Did Trump say it was natural for Putin not to attend?")
_ASKING_WORDS = frozenset({"why", "when", "how", "where", "who"})
SYNONYM_LIKENESS = 70  # below this rapidfuzz ratio a variant is another word ("truce"), above it a spelling ("ceasefire")


class Question(NamedTuple):
    text: str
    restates: bool  # asks a clause of the sentence in its own words ("What was Ukraine asked to accept?"): only
                    # its own entry has that phrasing, even where another sentence has the same words


class Asker:
    """Questions for the sentences of one article, written as people type them."""

    def __init__(self, words: ArticleWords, author: str, synonyms: Mapping[str, str] | None = None):
        self.words = words
        self.author = author
        # canonical term -> its variants, in the vocabulary's order
        self.variants_of: dict[str, list[str]] = {}
        for variant, canonical in (synonyms or {}).items():
            self.variants_of.setdefault(canonical, []).append(variant)
        self._terms = sorted(self.variants_of, key=len, reverse=True)

    # --- one sentence -----------------------------------------------------------------------------

    def of_sentence(self, sentence: str, dates: Sequence[DateExpression] = (), gives_reasons: bool = False) -> list[Question]:
        """The sentence's questions, one of each kind (KINDS) in turn, most telling first in each."""
        kinds: dict[str, list[str]] = {kind: [] for kind in KINDS}
        asked_dates = [d for d in dates if not d.when.casefold().startswith(("that same", "the same"))]
        clauses = read_clauses(self.words, sentence, dates)[:4]
        for clause in clauses:
            self._clause_questions(clause, bool(asked_dates), gives_reasons, kinds)
        phrases = _distinct(self.words.phrases(sentence, dates))[:TOPICS]
        eventful = bool(asked_dates) or any(c.form in ("past", "perfect", "emphatic") and c.agent for c in clauses)
        self._topic_questions(sentence, phrases, eventful, dates, kinds)
        for date in asked_dates[:2]:
            before = sentence[:date.start].split()[-1:]
            if before and before[0].casefold() in ("by", "until", "before"):  # a deadline: nothing happened then
                kinds["when"].append(f"What about {date.when}?")
            else:
                kinds["when"].append(f"What happened {when_phrase(date)}?")
            kinds["keyword"].append(date.when.casefold())
            if phrases:
                kinds["keyword"].append(f"{phrases[0]} {date.when}")
        for clause in clauses:  # "What did the White House do in late April?" (the sentence's one date)
            if len(asked_dates) == 1 and clause.agent and not clause.pronoun and not clause.partial and clause.form == "past" \
                    and not _vague(clause.subject):
                kinds["when"].append(f"What did {_subject(clause)} do {when_phrase(asked_dates[0])}?")
        for counted in numbers_in(sentence, self.words, dates)[:1]:
            kinds["number"].append(f"How many {counted}?" if len(counted.split()) > 1 else
                                   f"How many {counted} does the article mention?")
            kinds["number"].append(f"number of {counted}")
        for place in self._places(sentence, dates)[:1]:
            kinds["place"].append(f"What happened in {place}?")
            if phrases and place.casefold() not in phrases[0].casefold():
                kinds["place"].append(f"{phrases[0]} in {place}")
        return [Question(_finished(q), kind in RESTATING) for kind, q in _rounds(kinds)]

    def _clause_questions(self, clause: Clause, dated: bool, gives_reasons: bool, kinds: dict[str, list[str]]) -> None:
        if not clause.asserted:
            # "(skeptical) that Russia wanted peace": "Who wanted peace?" would presume it; a yes/no question does not.
            kinds = {kind: [] if kind in PRESUMING else questions for kind, questions in kinds.items()}
        form, aux, verb, base = clause.form, clause.auxiliary, clause.verb, clause.base
        obj = clause.object
        has_object = any(w.casefold() not in ("both", "all", "it", "them") for w in obj.split())
        short = _short(obj) if has_object else ""
        who = "Who" if clause.agent else "What"
        if clause.pronoun or _vague(clause.subject):
            if form == "past" and has_object and _vague(clause.subject) and clause.subject.casefold() != "it":
                kinds["wh"].append(f"What {verb} {obj}?")  # "What prompted a change of position?"
            return
        subject = _subject(clause)
        tail = f" {short}" if short else ""
        whole = _short(clause.whole_object, YES_NO_OBJECT, _CLAUSE_CUTS) if has_object else ""
        # "took no steps toward ..." is asked "Did the parties take any steps toward ...?"
        asked = re.sub(r"^(?:no|none of) ", "any ", whole, flags=re.IGNORECASE)
        full = f" {asked}" if asked else ""
        if clause.whole_object.startswith("that ") and form == "past":  # "insisted that Ukrainian troops withdraw ..."
            said = _short(clause.whole_object, YES_NO_OBJECT, _CLAUSE_CUTS - {"that"})
            kinds["wh"].append(f"{who} {verb} {said}?")
            if not clause.partial:
                kinds["yes-no"].append(f"Did {subject} {base} {said}?")
        if form == "past":
            if has_object:
                kinds["wh"].append(f"{who} {verb} {obj}?")
                if short != obj:
                    kinds["wh"].append(f"{who} {verb} {short}?")
            if clause.partial:
                return  # "..., and Poland joined him": the subject is only the list's last item
            what = clause.what_question()
            if what:
                kinds["wh"].append(what.replace(clause.subject, subject, 1))
            if has_object:
                kinds["yes-no"].append(f"Did {subject} {base}{full}?")
                kinds["chat"].append(f"is it true that {subject} {verb} {whole}?")
                if is_opinion(f"{verb} {whole}") and verb.casefold() not in REPORTING:  # the clause judges
                    kinds["view"].append(f"Does {self.author} think {subject} {verb} {whole}?")
                if short.casefold().startswith(("the ", "a ", "an ")) and clause.agent:
                    kinds["topic"].append(f"What came of {short}?")  # "What came of the critical minerals deal?"
            if dated and has_object:
                kinds["when"].append(f"When did {subject} {base}{tail}?")
            if gives_reasons and clause.agent:
                kinds["why"].append(f"Why did {subject} {base}{tail}?")
            if has_object:
                kinds["chat"].append(f"{subject} {verb} {whole}?".casefold())
            kinds["keyword"].append(_keywords(subject, base, _head(short)))
        elif form == "perfect":
            following = clause.following
            if len(following) > 2 and following[1] == "to" and obj:  # "has asked Russia to accept ..."
                asked = obj.split()[0]
                kinds["wh"].append(f"What {aux} {subject} {verb} {asked} to {following[2]}?")
            else:
                kinds["wh"].append(f"What {aux} {subject} {verb}?")
            if has_object:
                kinds["wh"].append(f"{who} {aux} {verb} {short}?")
                kinds["yes-no"].append(f"{aux.capitalize()} {subject} {verb}{full}?")
        elif form == "progressive":
            first, _been = aux.split()
            following = clause.following
            particle = f" to {following[1]}" if following[:1] == ("to",) and len(following) > 1 else \
                " about" if "about" in following[:4] else ""
            kinds["wh"].append(f"What {first} {subject} been {verb}{particle}?")
            if particle == " about":
                topic = obj.split(" about ", 1)[-1] if " about " in f" {obj} " else ""
                if topic:
                    kinds["yes-no"].append(f"{first.capitalize()} {subject} been {verb} about {_short(topic)}?")
            elif has_object:
                kinds["yes-no"].append(f"{first.capitalize()} {subject} been {verb}{full}?")
        elif form == "passive":
            what = clause.what_question()
            if what:
                kinds["wh"].append(what.replace(clause.subject, subject, 1))
            following = clause.following
            if following[:1] == ("to",) and len(following) > 1:
                kinds["wh"].append(f"What {aux} {subject} {verb} to do?")
                kinds["wh"].append(f"What {aux} {subject} {verb} to {following[1]}?")
                kinds["yes-no"].append(f"{aux.capitalize()} {subject} {verb}{full}?")
            else:
                kinds["yes-no"].append(f"{aux.capitalize()} {subject} {verb}?")
            if gives_reasons:
                kinds["why"].append(f"Why {aux} {subject} {verb}?")
            if dated:
                kinds["when"].append(f"When {aux} {subject} {verb}?")
        elif form == "modal":
            kinds["wh"].append(f"What {aux} {subject} do?")
            if has_object:
                kinds["yes-no"].append(f"{aux.capitalize()} {subject} {base}{full}?")
        elif form in ("negative", "emphatic"):
            if form == "emphatic" and has_object:
                kinds["wh"].append(f"What did {subject} {base}?")
            if has_object:
                kinds["yes-no"].append(f"Did {subject} {base}{full}?")
            if form == "negative" and has_object:
                kinds["chat"].append(f"{subject} did not {base} {whole}?".casefold())
        elif form == "copula":
            complement = _short(obj, 3)
            if clause.following[:1] == ("to",):  # "the White House's approach was to offer Russia more carrots"
                kinds["wh"].append(f"What {aux} {subject}?")
            elif complement and complement.split()[0].isalpha() and complement.split()[0] not in STOPWORDS:
                kinds["yes-no"].append(f"{aux.capitalize()} {subject} {complement}?")
                kinds["wh"].append(f"How {aux} {subject}?")

    def _topic_questions(self, sentence: str, phrases: list[str], eventful: bool, dates: Sequence[DateExpression],
                         kinds: dict[str, list[str]]) -> None:
        if not phrases:
            return
        first, second, third = (phrases + phrases[-1:] * 2)[:3]
        author = self.author
        kinds["topic"].append(f"What does the article say about {first}?")
        if self._telling(second):
            kinds["topic"].append(f"What does {author} say about {second}?")
        kinds["topic"].append(f"Tell me about {first}")
        if self._telling(third):
            kinds["topic"].append(f"What about {third}?")
        if self._telling(second):
            kinds["topic"].append(f"explain {second}")
        if eventful:
            kinds["topic"].insert(2, f"What happened with {first}?")
        for later in filter(self._telling, phrases[3:]):  # a long sentence's further topics
            kinds["topic"].append(f"What does the article say about {later}?")
            kinds["keyword"].append(later.casefold())
        for name in self._names(sentence, dates)[:2]:
            kinds["keyword"].append(name.casefold())
        kinds["keyword"].append(first.casefold() if len(first.split()) > 1 else keyword_query(phrases[:2]))
        kinds["keyword"].append(keyword_query(phrases[:2], limit=3))
        name = next((t.text for t in tokenize(sentence) if self.words.is_name(t)
                     and t.key not in first.casefold() and t.key not in STOPWORDS), None)
        if name:
            kinds["keyword"].append(f"{name} {first}".casefold())
        if is_opinion(sentence):
            kinds["view"] += [f"How does {author} judge {first}?", f"What is {author}'s view of {second}?",
                              f"What does {author} think about {first}?"]
            if self._telling(third):
                kinds["view"].append(f"{author}'s take on {third}")
        else:
            kinds["view"].append(f"How does {author} describe {first}?")

    def _names(self, sentence: str, dates: Sequence[DateExpression]) -> list[str]:
        """The sentence's rarest names that stand alone, rarest first: "Crimea", "Irpin" (not "Western" of
        "Western arms supplies", nor a date's month)."""
        tokens = tokenize(sentence)
        spans = [(d.start, d.start + len(d.when)) for d in dates]
        names: dict[str, float] = {}
        for i, token in enumerate(tokens):
            after = tokens[i + 1] if i + 1 < len(tokens) else None
            modifies = after is not None and not after.boundary_before and (
                self.words.is_name(after) or (after.key not in STOPWORDS and after.text[0].islower()))
            if self.words.is_name(token) and token.key not in STOPWORDS and not modifies \
                    and not any(a <= token.start < b for a, b in spans):
                names[token.text.rstrip(".").replace("’s", "").replace("'s", "")] = self.words.weight(token.key)
        return sorted(names, key=lambda n: -names[n])

    def _telling(self, phrase: str) -> bool:
        """Says what it is about on its own: a phrase of several words, or a name ("Istanbul", not "worth")."""
        tokens = tokenize(phrase)
        return len(tokens) > 1 or any(self.words.is_name(t) for t in tokens)

    def _places(self, sentence: str, dates: Sequence[DateExpression]) -> list[str]:
        """Names after "in" ("in Kyiv", "in Istanbul"), not part of a date."""
        tokens = tokenize(sentence)
        spans = [(d.start, d.start + len(d.when)) for d in dates]
        places: list[str] = []
        for i, token in enumerate(tokens[1:], start=1):
            if tokens[i - 1].key != "in" or not self.words.is_name(token) or any(a <= token.start < b for a, b in spans):
                continue
            end = i
            while end + 1 < len(tokens) and self.words.is_name(tokens[end + 1]) and not tokens[end + 1].boundary_before:
                end += 1
            places.append(sentence[token.start:tokens[end].end])
        return places

    # --- the vocabulary's words ----------------------------------------------------------------------

    def variants(self, questions: Iterable[str], source: str) -> list[str]:
        """Questions again with a word of `source` (the entry's quotes) that the vocabulary has a synonym
        for in that synonym ("truce" for "cease-fire"), or as a chat message with its chat spelling
        ("abt" for "about"). Only words the quotes use: "think" in "think tank" is no "believe"."""
        found: list[str] = []
        quoted = " " + " ".join(re.findall(r"[\w-]+", source.casefold())) + " "
        for question in questions:
            for term in self._terms:
                match = re.search(rf"(?<![\w-]){re.escape(term)}(?![\w'’-])(?! of\b)", question, re.IGNORECASE)
                if not match or term == self.author.casefold():
                    continue  # "the author" is no word to put for the author's name
                if match.group()[0].isupper() and re.match(r" [a-z]", question[match.end():]) and \
                        question[match.end():].split()[0] not in STOPWORDS:
                    continue  # a name that qualifies a noun ("Trump administration") keeps its form
                choice = self._variant(term, word_like=term not in STOPWORDS and term not in _ASKING_WORDS)
                if choice is None or (choice[1] and f" {term} " not in quoted):
                    continue
                variant, synonym = choice
                varied = question[:match.start()] + variant + question[match.end():]
                varied = re.sub(r"\b([Aa]) (?=[aeiou])", r"\1n ", varied)  # "a series" -> "an installment"
                found.append(varied if synonym else varied.casefold().rstrip("?"))
                break
        return found

    def _variant(self, term: str, word_like: bool) -> tuple[str, bool] | None:
        """The vocabulary's first synonym of `term` in the same form ("succeed" for "pay off", no
        "acknowledge" for "recognizing", no "concede" for "concession"), else its first shorter chat spelling ("ceasefire", "abt"); and
        whether it is a synonym. A function word ("when", "about") has spellings only: "date" is no "when"."""
        variants = self.variants_of[term]
        ending = next((e for e in ("ing", "ed", "ion") if term.endswith(e)), "")
        for variant in variants:
            if word_like and fuzz.ratio(variant, term) < SYNONYM_LIKENESS and variant.endswith(ending):
                return variant, True
        for variant in variants:
            if len(variant) < len(term) and " " not in variant and not (" " in term and variant.isalpha()) \
                    and (not word_like or fuzz.ratio(variant, term) >= SYNONYM_LIKENESS) and variant.endswith(ending):
                return variant, False
        return None


def _rounds(kinds: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(kind, question), one of each kind in turn: the first of each kind, then the second of each, ..."""
    out: list[tuple[str, str]] = []
    depth = max((len(q) for q in kinds.values()), default=0)
    for i in range(depth):
        out += [(kind, kinds[kind][i]) for kind in KINDS if i < len(kinds[kind])]
    return out


def _distinct(phrases: Sequence[str]) -> list[str]:
    """Phrases none of which is part of one before it ("de facto Kremlin control", not "de facto")."""
    kept: list[str] = []
    for phrase in phrases:
        if not any(phrase.casefold() in k.casefold() or k.casefold() in phrase.casefold() for k in kept):
            kept.append(phrase)
    return kept


def _short(text: str, limit: int = SHORT_OBJECT, cuts: frozenset[str] = frozenset()) -> str:
    """An object as a question repeats it: up to its first preposition or clause word (`cuts`) after two
    words, at most `limit` words ("the truly damaging concession of recognizing ..." -> "the truly damaging concession")."""
    cuts = cuts or _CUT_WORDS
    words = text.split()
    cut = next((i for i, w in enumerate(words) if i >= 2 and w.casefold() in cuts), len(words))
    kept = words[:min(cut, limit)]
    if cut > limit:  # cut short: at its last "and" or preposition rather than mid-phrase ("... and levy additional")
        kept = kept[:max((i for i, w in enumerate(kept) if i >= 3 and w.casefold() in _CUT_WORDS | {"and", "or"}),
                         default=len(kept))]
    while kept and kept[-1].casefold() in STOPWORDS | _CUT_WORDS:
        kept.pop()
    return " ".join(kept)


def _head(phrase: str) -> str:
    """The last word of a phrase, its noun as a rule ("the truly damaging concession" -> "concession")."""
    words = [w for w in phrase.split() if w.casefold() not in STOPWORDS]
    return words[-1] if words else ""


def _keywords(*parts: str) -> str:
    """A keyword query of the parts' content words: "russia reject", "white house propose concession" ("US"
    is a name, not "us")."""
    return " ".join(w for part in parts for w in part.split() if w.casefold() not in STOPWORDS or w.isupper()).casefold()


def _vague(subject: str) -> bool:
    return subject.casefold() in _VAGUE_SUBJECTS


def _subject(clause: Clause) -> str:
    """The subject as a question names it: "his gambit" -> "the gambit" (the question has no "he")."""
    subject = clause.subject
    for possessive in _POSSESSIVES:
        if subject.casefold().startswith(possessive):
            return "the " + subject[len(possessive):]
    return subject


def _finished(question: str) -> str:
    question = " ".join(question.replace("’", "'").replace("‘", "'").split())
    if question and question[0].islower() and question.endswith("?") and not question.islower():
        question = question[0].upper() + question[1:]
    return question
