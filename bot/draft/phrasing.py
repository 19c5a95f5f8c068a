"""Draft wording from an article's sentences: attributed answers, questions people might ask, key phrases,
actors. Plain heuristics over words (no language model): good enough to start a review from, never final.

- an answer attributes every sentence to the author ("Herbst writes that ...", "argues" where the
  sentence judges), so the bot never states the author's view as its own;
- questions come from a sentence's clause (subject, verb, object: "Who inked the critical minerals
  deal?", "What did Russia reject?", "When did ...?"), its dates and numbers ("What happened in
  mid-March?", "How many prisoners of war?"), and its most distinctive phrases ("What does the article
  say about the Oval Office meeting?", a keyword query);
- distinctive means rare in this article: a phrase's words weigh by how few sentences use them.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.draft.dates import DateExpression

# Words that carry no topic of their own (function words, auxiliaries, number words).
STOPWORDS = frozenset("""
a an the this that these those it its it's they them their theirs he him his she her hers we us our you your i me my
and or but nor so yet as if than then though although while when whenever where which who whom whose what why how
of to in on at by for from with without into onto upon about above below over under between among through during
before after since until toward towards against within across along around beyond per via
is are was were be been being am has have had having do does did done doing will would shall should can could may
might must not no nor only also just even still already very more most much many some any each every all both either
neither other another such same own there here now once again further quite rather really well too
one two three four five six seven eight nine ten hundred thousand million billion first second third
latest least just like said say says however far
""".split())
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
ACTORS = {  # the timeline's actors and the names that stand for them in a sentence
    "United States": ("United States", "US", "U.S.", "USA", "America", "American", "Americans", "Washington",
                      "White House", "Trump", "Congress", "Capitol Hill", "Republicans", "Democrats", "Pentagon"),
    "Russia": ("Russia", "Russian", "Russians", "Moscow", "Kremlin", "Putin"),
    "Ukraine": ("Ukraine", "Ukrainian", "Ukrainians", "Kyiv", "Kiev", "Zelenskyy", "Zelensky", "Zelenskiy"),
    "Europe": ("Europe", "European", "Europeans", "EU", "United Kingdom", "UK", "Britain", "British", "France",
               "French", "Germany", "German", "Poland", "Polish", "Italy", "Brussels"),
}
_KNOWN_NAMES = frozenset(w.casefold() for names in ACTORS.values() for name in names for w in name.split())
_ADJECTIVES = frozenset({"new", "old", "major", "key", "few", "several", "last", "next", "other", "real", "full", "due",
                         "clear", "possible", "unfavorable", "skeptical", "natural", "modest", "weak", "strong"})
_ADJECTIVE_ENDINGS = ("al", "ive", "ous", "ful", "ic", "able", "ible", "less", "ish")
# A lower-case word after these is a verb ("to accept", "did block", "it remains"), never part of a topic.
_VERB_BEFORE = frozenset({"to", "not", "will", "would", "must", "should", "can", "could", "may", "might", "did", "does",
                          "it", "he", "she", "they", "which", "who"})
_ACTOR_NAMES = {
    actor: re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True)) + r")(?![\w-])")
    for actor, names in ACTORS.items()
}
IRREGULAR_PAST = {
    "hit": "hit", "sought": "seek", "said": "say", "took": "take", "made": "make", "gave": "give", "went": "go",
    "came": "come", "met": "meet", "told": "tell", "held": "hold", "led": "lead", "left": "leave", "sent": "send",
    "began": "begin", "brought": "bring", "thought": "think", "found": "find", "kept": "keep", "spoke": "speak",
    "won": "win", "lost": "lose", "paid": "pay", "ran": "run", "saw": "see", "knew": "know", "grew": "grow",
    "chose": "choose", "stood": "stand", "fell": "fall", "struck": "strike", "broke": "break", "wrote": "write",
    "drew": "draw", "rose": "rise", "became": "become", "felt": "feel", "built": "build", "fought": "fight",
    "caught": "catch", "meant": "mean", "got": "get", "signed": "sign", "withdrew": "withdraw", "forgot": "forget",
    "bought": "buy", "sold": "sell", "taught": "teach", "understood": "understand", "shook": "shake", "swore": "swear",
}
_NOT_PAST = frozenset({"need", "indeed", "seed", "speed", "bed", "red", "hundred", "based", "so-called", "armed",
                       "united", "limited", "detailed", "advanced", "related", "supposed", "alleged", "renewed"})
_AGENT_NOUNS = frozenset({"leaders", "sides", "parties", "negotiators", "administration", "government", "officials",
                          "president", "team", "allies", "side", "troops", "media", "critics", "republicans", "leader"})
_PRONOUNS = frozenset({"he", "she", "it", "they", "this", "that", "these", "those", "we", "i", "you", "which", "who"})
_CLAUSE_WORDS = frozenset({"when", "as", "while", "which", "who", "that", "because", "after", "before", "since",
                           "if", "until", "although", "though", "but", "where", "whereas", "so"})
_LEADING = frozenset({"but", "and", "yet"})  # dropped before a sentence is attributed or read as a clause
_ADVERBS = frozenset({"also", "then", "still", "already", "just", "even", "only", "now", "too", "again"})
_PREPOSITIONS = frozenset({"in", "on", "to", "for", "with", "from", "by", "as", "at", "toward", "towards", "between",
                           "during", "against", "into", "after", "before", "since", "through", "without", "via"})
_ING_NOUNS = frozenset({"thing", "things", "string", "king", "wing", "ring", "spring", "evening", "morning", "meeting",
                        "meetings", "building", "briefing", "funding", "ceiling", "setting", "hearing", "understanding"})
_AUXILIARIES = {"has": "has", "have": "have", "was": "was", "were": "were"}
_MODALS = frozenset({"must", "should", "will", "would", "may", "might", "can", "could"})
_TOKEN = re.compile(r"[A-Za-z0-9][\w’'.-]*[\w]|[A-Za-z0-9]")
_BOUNDARY = re.compile(r"[,;:—–()“”\"?!]|\s-\s")
_POSSESSIVE = re.compile(r"[’']s$")


@dataclass(frozen=True)
class Token:
    text: str
    start: int
    end: int
    boundary_before: bool  # punctuation between this token and the one before

    @property
    def key(self) -> str:
        """Lower case, possessive dropped: the word as counted and compared."""
        return _POSSESSIVE.sub("", self.text.casefold()).rstrip(".")


def tokenize(sentence: str) -> list[Token]:
    tokens: list[Token] = []
    previous_end = 0
    for match in _TOKEN.finditer(sentence):
        gap = sentence[previous_end:match.start()]
        tokens.append(Token(match.group(), match.start(), match.end(), bool(_BOUNDARY.search(gap)) or not tokens))
        previous_end = match.end()
    return tokens


def actors_in(text: str) -> list[str]:
    """The timeline actors a text names, in the order it first names them."""
    found = [(m.start(), actor) for actor, pattern in _ACTOR_NAMES.items() for m in [pattern.search(text)] if m]
    return [actor for _, actor in sorted(found)]


def is_opinion(sentence: str) -> bool:
    words = " " + " ".join(t.key for t in tokenize(sentence)) + " "
    return any(f" {marker} " in words for marker in OPINION_MARKERS)


def gives_reason(sentence: str) -> str | None:
    """The causal words a sentence uses ("a bid to"), or None."""
    text = sentence.casefold()
    return next((m for m in CAUSAL_MARKERS if re.search(rf"\b{re.escape(m)}\b", text)), None)


def slug(text: str, max_words: int = 5) -> str:
    words = re.findall(r"[a-z0-9]+", _POSSESSIVE.sub("", text.casefold().replace("’", "'")))
    return "-".join(words[:max_words])


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
        if first in _PREPOSITIONS or (len(self.following) == 1 and first.endswith(_ADJECTIVE_ENDINGS)) or first in _ADJECTIVES:
            return None
        return f"{head}?"


class ArticleWords:
    """What the article's own words tell about any one of them: how rare it is, whether it is a name."""

    def __init__(self, sentences: Sequence[str]):
        self.count = max(len(sentences), 1)
        self.frequency: Counter[str] = Counter()
        self.names: set[str] = set()       # words written capitalized in mid-sentence: proper nouns
        self.lowered: set[str] = set()     # words written in lower case somewhere
        for sentence in sentences:
            tokens = tokenize(sentence)
            self.frequency.update({t.key for t in tokens})
            for index, token in enumerate(tokens):
                if token.text[0].isupper() and index > 0 and not token.boundary_before:
                    self.names.add(token.key)
                elif token.text[0].islower():
                    self.lowered.add(token.key)

    def weight(self, key: str) -> float:
        """How distinctive a word is here: rare words weigh most, function words nothing."""
        if key in STOPWORDS or len(key) < 2:
            return 0.0
        return math.log((self.count + 1) / (self.frequency.get(key, 0) + 0.5))

    def is_name(self, token: Token) -> bool:
        if not token.text[0].isupper():
            return False
        return token.key in _KNOWN_NAMES or ((token.key in self.names or token.text.isupper()) and token.key not in self.lowered)

    def casing(self, token: Token, initial: bool = True) -> str:
        """The token as it reads inside a sentence. Only a sentence's first word has a capital that may be
        the sentence's: it is lowered when it is a function word, written lower case elsewhere in the
        article, or reads as a verb form ("Demonstrating"); a name ("Washington") keeps it."""
        if not initial or not token.text[0].isupper() or (len(token.text) > 1 and token.text.isupper()):
            return token.text
        key = token.key
        if self.is_name(token):
            return token.text
        if key in STOPWORDS or key in self.lowered or key.endswith(("ing", "ed", "ly")):
            return token.text[0].lower() + token.text[1:]
        return token.text

    # --- key phrases -------------------------------------------------------------------------------

    def phrases(self, sentence: str, dates: Sequence[DateExpression] = ()) -> list[str]:
        """The sentence's noun-like phrases, most distinctive first ("critical minerals deal",
        "prisoners of war", "Oval Office meeting"), each at most four words, as written; the words of
        its date expressions are left out (they are asked about by date)."""
        tokens = tokenize(sentence)
        spans = [(d.start, d.start + len(d.when)) for d in dates]
        runs: list[list[Token]] = []
        current: list[Token] = []
        for index, token in enumerate(tokens):
            verb_slot = index > 0 and tokens[index - 1].key in _VERB_BEFORE and token.text[0].islower()
            content = self._content(token) and not verb_slot and not any(a <= token.start < b for a, b in spans)
            if current and (token.boundary_before or not content):
                runs.append(current)
                current = []
            if content:
                current.append(token)
        if current:
            runs.append(current)
        runs = self._join_of(runs, sentence)
        scored: dict[str, float] = {}
        for run in runs:
            for size in range(min(4, len(run)), 0, -1):
                for i in range(len(run) - size + 1):
                    window = run[i:i + size]
                    score = sum(self.weight(t.key) for t in window if t.key != "of") * (1 + 0.15 * (size - 1)) / size ** 0.5
                    text = " ".join(self.casing(t, t.start == 0) if j == 0 else t.text for j, t in enumerate(window))
                    if window[-1].key == "of" or window[0].key == "of" or _adjective(window[-1]):
                        continue  # a phrase ends on its noun: "possibility of new" is not one
                    if any(self.is_name(t) for t in window) or size > 1:
                        score *= 1.2
                    scored[text] = max(scored.get(text, 0.0), score)
        return [p for p, s in sorted(scored.items(), key=lambda item: -item[1]) if s > 0]

    def _content(self, token: Token) -> bool:
        key = token.key
        if key in STOPWORDS or not key[0].isalnum():
            return False
        if token.text[0].islower() and (
            (key.endswith("ly") and len(key) > 4) or (key.endswith("ed") and len(key) > 4 and key not in _NOT_PAST)
            or (key.endswith("ing") and len(key) >= 5 and key not in _ING_NOUNS) or key in IRREGULAR_PAST
        ):
            return False
        return True

    def _join_of(self, runs: list[list[Token]], sentence: str) -> list[list[Token]]:
        """"prisoners" "of" "war" -> one run: phrases read as "X of Y"."""
        joined: list[list[Token]] = []
        for run in runs:
            if joined:
                last = joined[-1]
                between = sentence[last[-1].end:run[0].start]
                if re.fullmatch(r"\s+of\s+", between) and len(last) + len(run) <= 4:
                    of = Token("of", last[-1].end + 1, last[-1].end + 3, False)
                    joined[-1] = [*last, of, *run]
                    continue
            joined.append(run)
        return joined

    # --- clauses -----------------------------------------------------------------------------------

    def clauses(self, sentence: str, dates: Sequence[DateExpression] = ()) -> list[Clause]:
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
            clause = self._clause(sentence, segment, date_starts)
            if clause:
                found.append(clause)
        return found

    def _clause(self, sentence: str, tokens: list[Token], date_starts: set[int]) -> Clause | None:
        while tokens and tokens[0].key in _LEADING:
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
                elif key in ("has", "have") and self._past(following) and not negative:
                    form, auxiliary, verb_at = "perfect", key, after
                elif key in ("was", "were") and self._past(following) and not negative:
                    form, auxiliary, verb_at = "passive", key, after
                else:
                    return None
            elif self._past(key) and tokens[index].text[0].islower():
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
                    or any(self._past(t.key) and t.text[0].islower() for t in subject)):
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
            subject_text = self.casing(subject[0], subject[0].start == 0) + sentence[subject[0].end:subject[-1].end]
            agent = pronoun and first.key in ("he", "she", "they") or any(
                self.is_name(t) or t.key in _AGENT_NOUNS for t in subject)
            base = verb.key if form == "modal" else base_form(verb.key) if form in ("past", "negative") else verb.key
            object_text = sentence[rest[0].start:rest[-1].end] if rest else ""
            return Clause(subject_text, verb.text, base, object_text, form, auxiliary, agent, pronoun, tuple(raw_object))
        return None

    @staticmethod
    def _past(key: str) -> bool:
        return key in IRREGULAR_PAST or (key.endswith("ed") and len(key) > 4 and key not in _NOT_PAST and key.isalpha())


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


def attributed(sentence: str, words: ArticleWords, author: str, first: bool = True) -> str:
    """The sentence as the author's statement: "Herbst writes that ...", "He argues that ..." (judgements)."""
    tokens = tokenize(sentence)
    text = sentence
    if tokens and tokens[0].key in _LEADING and len(tokens) > 3:
        text = sentence[tokens[1].start:]
        tokens = tokenize(text)
    if tokens and tokens[0].start == 0:
        text = words.casing(tokens[0]) + text[tokens[0].end:]
    verb = "argues" if is_opinion(sentence) else "writes"
    if first:
        return f"{author} {verb} that {text}"
    return f"He {'also argues' if verb == 'argues' else 'adds'} that {text}"


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


def _adjective(token: Token) -> bool:
    """Reads as an adjective (a phrase does not end on one): "new", "natural", "diplomatic"."""
    return token.text[0].islower() and (token.key in _ADJECTIVES or (token.key.endswith(_ADJECTIVE_ENDINGS) and len(token.key) > 4))
