"""An article's words: tokens, the names and function words among them, and its key phrases, each
word weighed by how few of the article's sentences use it (rare words tell a sentence apart).
Plain heuristics over words, no language model: good enough to start a review from, never final.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
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
ACTORS = {  # the timeline's actors and the names that stand for them in a sentence
    "United States": ("United States", "US", "U.S.", "USA", "America", "American", "Americans", "Washington",
                      "White House", "Trump", "Congress", "Capitol Hill", "Republicans", "Democrats", "Pentagon"),
    "Russia": ("Russia", "Russian", "Russians", "Moscow", "Kremlin", "Putin"),
    "Ukraine": ("Ukraine", "Ukrainian", "Ukrainians", "Kyiv", "Kiev", "Zelenskyy", "Zelensky", "Zelenskiy"),
    "Europe": ("Europe", "European", "Europeans", "EU", "United Kingdom", "UK", "Britain", "British", "France",
               "French", "Germany", "German", "Poland", "Polish", "Italy", "Brussels"),
}
KNOWN_NAMES = frozenset(w.casefold() for names in ACTORS.values() for name in names for w in name.split())
ADJECTIVES = frozenset({"new", "old", "major", "key", "few", "several", "last", "next", "other", "real", "full", "due",
                        "clear", "possible", "unfavorable", "skeptical", "natural", "modest", "weak", "strong"})
ADJECTIVE_ENDINGS = ("al", "ive", "ous", "ful", "ic", "able", "ible", "less", "ish")
# A lower-case word after these is a verb ("to accept", "did block", "it remains"), never part of a topic.
_VERB_BEFORE = frozenset({"to", "not", "will", "would", "must", "should", "can", "could", "may", "might", "did", "does",
                          "it", "he", "she", "they", "which", "who"})
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
NOT_PAST = frozenset({"need", "indeed", "seed", "speed", "bed", "red", "hundred", "based", "so-called", "armed",
                      "united", "limited", "detailed", "advanced", "related", "supposed", "alleged", "renewed"})
_ING_NOUNS = frozenset({"thing", "things", "string", "king", "wing", "ring", "spring", "evening", "morning", "meeting",
                        "meetings", "building", "briefing", "funding", "ceiling", "setting", "hearing", "understanding"})
LEADING = frozenset({"but", "and", "yet"})  # dropped before a sentence is attributed or read as a clause
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


def slug(text: str, max_words: int = 5) -> str:
    words = re.findall(r"[a-z0-9]+", _POSSESSIVE.sub("", text.casefold().replace("’", "'")))
    return "-".join(words[:max_words])


def is_past(key: str) -> bool:
    """Reads as a past-tense verb or participle: "inked", "sought" (not "hundred", "united")."""
    return key in IRREGULAR_PAST or (key.endswith("ed") and len(key) > 4 and key not in NOT_PAST and key.isalpha())


def is_adjective(token: Token) -> bool:
    """Reads as an adjective (a phrase does not end on one): "new", "natural", "diplomatic"."""
    return token.text[0].islower() and (token.key in ADJECTIVES or (token.key.endswith(ADJECTIVE_ENDINGS) and len(token.key) > 4))


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
        return token.key in KNOWN_NAMES or ((token.key in self.names or token.text.isupper()) and token.key not in self.lowered)

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
                    if window[-1].key == "of" or window[0].key == "of" or is_adjective(window[-1]) or \
                            _POSSESSIVE.search(window[-1].text):
                        continue  # a phrase ends on its noun: "possibility of new", "Trump administration’s" are none
                    if any(self.is_name(t) for t in window) or size > 1:
                        score *= 1.2
                    scored[text] = max(scored.get(text, 0.0), score)
        return [p for p, s in sorted(scored.items(), key=lambda item: -item[1]) if s > 0]

    def _content(self, token: Token) -> bool:
        key = token.key
        if key in STOPWORDS or not key[0].isalnum():
            return False
        lower = token.text[0].islower() or (token.start == 0 and self.casing(token)[0].islower())  # "Demonstrating ..."
        if lower and (
            (key.endswith("ly") and len(key) > 4) or (key.endswith("ed") and len(key) > 4 and key not in NOT_PAST)
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
