"""An article's text drafted into an assessment: metadata, entries that together quote every sentence,
and one timeline event for every date expression, each item marked `review:` for the maintainer.

The result is plain data (dicts in the knowledge format's key order) for `writing` to put on disk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType

from bot.draft.article import Article, Sentence, read_article
from bot.draft.asking import Asker, Question
from bot.draft.dates import DateExpression, find_dates, latest_full_date
from bot.draft.general import ArticleEntries, is_article_id
from bot.draft.neighbours import Neighbours
from bot.draft.phrasing import actors_in, attributed, gives_reason
from bot.draft.words import STOPWORDS, ArticleWords, slug
from bot.knowledge import MIN_QUESTIONS, SLUG_MAX, Phrasebook, Vocabulary, asks_why
from bot.text import Normalizer, words

# The bot answers best from many phrasings of an entry (benchmarks/phrasings_curve.py: 57% right with 5,
# 70% with 10, 78% with 20), so a drafted entry gets as many as its sentences give, up to this many.
QUESTIONS_PER_ENTRY = 20
VARIANTS_PER_ENTRY = 2                         # of them, questions again in the vocabulary's synonyms or chat spellings
COVERING_QUERIES = 3                           # ... keyword queries of a sentence's words no other question has
COVERING_WORDS = 3                             # words in such a query
GROUP_MAX = 3                                  # sentences an entry quotes, short ones aside
SHORT_SENTENCE = 6                             # words: "Russia rejected both." belongs with what it answers
MARK = "draft"                                 # the `review:` of an item the drafter wrote whole
_ANAPHORS = frozenset({"he", "she", "they", "those", "these", "so", "and", "but", "them"})
_DATED_LINE = re.compile(r"^(?:(?:Published|Posted|Updated|Date)\b:?\s*(?:on\s+)?)?(?P<date>[A-Z][a-z]+ \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}-\d\d-\d\d)\.?$")


@dataclass(frozen=True)
class Taken:
    """What the knowledge base the draft joins already uses: ids and question phrasings (their keys),
    and which of those phrasings another assessment asks of an entry with one of ARTICLE_IDS, as
    (id, key): the draft's entry of that id may ask it too."""

    ids: frozenset[str] = frozenset()
    questions: frozenset[str] = frozenset()
    shared: frozenset[tuple[str, str]] = frozenset()


@dataclass(frozen=True)
class Draft:
    assessment_id: str
    metadata: dict
    entries: tuple[dict, ...]
    events: tuple[dict, ...]
    drafted_on: dt.date
    notes: tuple[str, ...] = field(default=())   # what the drafter could not find, for the command line to say


def question_key(question: str) -> str:
    """A phrasing as the loader compares them for duplicates."""
    return " ".join(re.sub(r"[^\w\s]", " ", question.casefold()).split())


@dataclass(frozen=True)
class Dating:
    """The publication date as the text lets us state it."""

    date: dt.date
    fields: dict             # `published` in the file, but its date
    stated: bool             # False: a placeholder (the day of drafting)
    evidence: str = ""       # the text's own words that date it (a date line, the caption's sentence)
    answer: str = ""         # what the publication-date entry says


def draft_assessment(text: str, *, today: dt.date, assessment_id: str | None = None, fallback_id: str = "assessment",
                     taken: Taken = Taken(), vocabulary: Vocabulary | None = None,
                     phrasebook: Phrasebook = Phrasebook()) -> Draft:
    """The draft of the article `text`. `assessment_id` defaults to the author's surname and the
    publication month ("herbst-2025-05"), or `fallback_id` when the text states no date; `today`
    stands in for a publication date the text does not state, with a marker saying so. `vocabulary`
    (the knowledge base's synonyms and stopwords) words some questions in synonyms and chat spellings,
    and weighs questions' words as the bot does; `phrasebook` says which questions ask why, which only
    an entry that gives a reason is asked."""
    article = read_article(text)
    notes: list[str] = []
    dating = _published(text, article, today)
    if not dating.stated:
        notes.append(f"The text states no publication date: {today.isoformat()} (today) stands in for it, "
                     "marked for review; the timeline's relative dates are reckoned from it.")
    assessment_id = assessment_id or default_id(text, today, fallback_id)
    drafter = _Drafter(article, assessment_id, dating, taken, vocabulary or Vocabulary(MappingProxyType({}), frozenset()),
                       phrasebook)
    metadata = _metadata(article, assessment_id, dating, today, notes)
    general = drafter.article_entries()
    entries = general + drafter.sentence_entries(general)
    events = drafter.events()
    return Draft(assessment_id, metadata, tuple(entries), tuple(events), today, tuple(notes))


def default_id(text: str, today: dt.date, fallback_id: str = "assessment") -> str:
    """The id a draft of `text` gets unless told otherwise: the author's surname and the publication
    month ("herbst-2025-05"), or `fallback_id` when the text states no date."""
    article = read_article(text)
    dating = _published(text, article, today)
    surname = article.bio.surname if article.bio else "assessment"
    return f"{slug(surname, 2)}-{dating.date.year}-{dating.date.month:02d}" if dating.stated else fallback_id


def _published(text: str, article: Article, today: dt.date) -> Dating:
    for line in text.splitlines():
        found = _DATED_LINE.match(line.strip())
        stated = latest_full_date(found["date"]) if found else None
        if stated:
            words = " ".join(line.split())
            return Dating(stated[0], {"precision": "day", "note": f"The text states the date: “{words}”.",
                                      "review": "draft: the date line read from the text"}, True,
                          words, f"The article is dated {stated[1]} (“{words}”).")
    sentences = [*article.caption, *(s.text for s in article.sentences), *article.others]
    latest = latest_full_date("\n".join(sentences))
    if latest:
        date, words = latest
        where = "its photo caption" if any(words in c for c in article.caption) else "the text"
        evidence = next(s for s in sentences if words in s)
        return Dating(date, {
            "precision": "week",
            "note": (f"The article prints no publication date. Its latest date, {words} (in {where}), is the "
                     "earliest it can have appeared; so the precision is the week, not the day."),
            "review": f"draft: dated from {where} ({words}); set the publication date and precision if known",
        }, True, evidence, (f"The article prints no publication date of its own; the latest date it gives is {words} "
                            f"(in {where}), so it appeared on or after that day."))
    return Dating(today, {
        "precision": "week",
        "note": f"Not stated in the text: {today.isoformat()} is the day this file was drafted, a placeholder.",
        "review": ("PLACEHOLDER: the text states no publication date; set the date and precision, then check "
                   "the timeline's relative dates (reckoned from this placeholder)"),
    }, False)


def _metadata(article: Article, assessment_id: str, dating: Dating, today: dt.date, notes: list[str]) -> dict:
    checks = ["title", "author", "author_role", "publisher"]
    meta: dict = {"id": assessment_id, "review": ""}
    meta["title"] = article.title or "unknown: the text has no title line"
    if article.bio:
        meta["author"] = article.bio.author
        meta["author_role"] = article.bio.role[0].upper() + article.bio.role[1:]
    else:
        meta["author"] = "unknown: no bio line (NAME is the ROLE.) found"
        notes.append("No bio line (\"NAME is the ROLE.\") found: author left for the maintainer.")
    publisher = article.publisher
    if publisher is None:
        publisher = "unknown: not stated in the text"
        notes.append("No publisher found in the bio line: left for the maintainer.")
    meta["publisher"] = publisher
    series = article.series
    if series:
        meta["series"] = series[0]
        if series[1] is not None:
            meta["number"] = series[1]
        checks.append("series")
    meta["published"] = {"date": dating.date.isoformat(), **dating.fields}
    meta["source"] = f"sources/{assessment_id}.txt"
    meta["review"] = (f"draft: {', '.join(checks)} read from the text by `python -m bot draft` on {today.isoformat()}; "
                      "check them" + ("" if article.bio else "; the author is not stated"))
    return meta


class _Drafter:
    def __init__(self, article: Article, assessment_id: str, dating: Dating, taken: Taken, vocabulary: Vocabulary,
                 phrasebook: Phrasebook):
        self.article = article
        self.id = assessment_id
        self.dating = dating
        self.published = dating.date
        self.author = article.bio.surname if article.bio else "The author"
        self.full_author = article.bio.author if article.bio else "the author"
        self.words = ArticleWords([s.text for s in article.sentences] + [article.title, *article.caption])
        self.used_ids = set(taken.ids)
        self.taken = taken
        self.asked: set[str] = set()   # the keys of the draft's own questions
        self.normalizer = Normalizer(vocabulary)
        self.phrasebook = phrasebook
        self.asker = Asker(self.words, self.author if article.bio else "the author", vocabulary.synonyms)
        self.dates = self._all_dates()

    # --- ids and questions, unique across the knowledge base --------------------------------------

    def new_id(self, *parts: str) -> str:
        base = "-".join(p for p in (self.id, *parts) if p)
        base = base[:SLUG_MAX].rstrip("-")
        candidate, n = base, 2
        while candidate in self.used_ids:
            suffix = f"-{n}"
            candidate = base[:SLUG_MAX - len(suffix)].rstrip("-") + suffix
            n += 1
        self.used_ids.add(candidate)
        return candidate

    def pick(self, entry_id: str, candidates: Sequence[str], sources: Sequence[str], last_resort: Sequence[str] = (),
             owns: Callable[[str], bool] | None = None, gives_reasons: bool = False, cover: bool = False) -> list[str]:
        """Up to QUESTIONS_PER_ENTRY of the candidates, in order: each new to the knowledge base (or asked
        of this very id by another assessment), not one the bot reads as the same words as one already
        chosen, pointing to this entry (`owns`), and asking why only if the entry `gives_reasons`;
        with `cover`, keyword queries of the words of `sources` no question has yet; VARIANTS_PER_ENTRY
        of them in the vocabulary's words. Topped up from `last_resort` to the format's minimum."""
        chosen: list[str] = []
        seen: set[frozenset[str]] = set()

        def take(question: str, check: bool = True) -> None:
            question = " ".join(question.replace("’", "'").split())
            key = question_key(question)
            if not key or key in self.asked or (key in self.taken.questions and (entry_id, key) not in self.taken.shared):
                return
            if not gives_reasons and asks_why(question, self.phrasebook):
                return  # `validate` would flag it: the answer gives no reason
            same = frozenset(self.normalizer.tokens(words(question)))
            if check and (same in seen or (owns is not None and not owns(question))):
                return
            seen.add(same)
            self.asked.add(key)
            chosen.append(question)

        core = QUESTIONS_PER_ENTRY - VARIANTS_PER_ENTRY - (COVERING_QUERIES if cover else 0)
        for question in candidates:
            if len(chosen) < core:
                take(question)
        if cover:
            for query in self._uncovered(sources, chosen)[:COVERING_QUERIES]:
                take(query)
        wanted = len(chosen) + VARIANTS_PER_ENTRY
        for variant in self.asker.variants(chosen, " ".join(sources)):  # the same words to the bot: they count for people reading
            if len(chosen) < wanted:
                take(variant, check=False)
        for question in candidates:
            if len(chosen) < QUESTIONS_PER_ENTRY:
                take(question)
        for question in last_resort:
            if len(chosen) < MIN_QUESTIONS:
                take(question, check=False)
        return chosen

    def _uncovered(self, sources: Sequence[str], asked: Sequence[str]) -> list[str]:
        """Keyword queries, in the sentence's order, of its words that none of the questions `asked` has:
        the bot counts a word in an entry's questions fully, in its answer or quotes only in part."""
        covered = {t for question in asked for t in self.normalizer.tokens(words(question))}
        missing: list[str] = []
        for unit in (u for source in sources for u in self._units(source)):
            tokens = self.normalizer.tokens(words(unit))
            if tokens and not covered.issuperset(tokens):
                covered.update(tokens)
                missing.append(unit.casefold())
        return [" ".join(missing[i:i + COVERING_WORDS]) for i in range(0, len(missing), COVERING_WORDS)]

    def _units(self, sentence: str) -> list[str]:
        """The sentence's words as a keyword query has them, lower case: no function words, adverbs or
        numbers ("cease-fires" whole, "Putin’s" as "putin")."""
        found = (re.sub(r"[’']s$", "", w) for w in re.findall(r"[\w’'-]*\w", sentence.casefold()))
        return [w for w in found if w not in STOPWORDS and not w.isdigit() and not (w.endswith("ly") and len(w) > 4)]

    # --- dates ------------------------------------------------------------------------------------

    def _all_dates(self) -> dict[str, list[DateExpression]]:
        found: dict[str, list[DateExpression]] = {}
        previous: DateExpression | None = None
        for sentence in [*(s.text for s in self.article.sentences), *self.article.caption]:
            expressions = find_dates(sentence, self.published, previous)
            found[sentence] = expressions
            if expressions:
                previous = expressions[-1]
        return found

    # --- the article as a whole ---------------------------------------------------------------------

    def article_entries(self) -> list[dict]:
        """The entries about the article as a whole (bot.draft.general), their questions picked."""
        dated = (self.dating.evidence, self.dating.answer) if self.dating.evidence else None
        return [self.entry(g.id, g.questions, g.answer, g.sources, g.tags)
                for g in ArticleEntries(self.article, self.words, self.asker, self.dates, dated).all()]

    def entry(self, name: str, questions: Sequence[str], answer: str, sources: Sequence[str], tags: Sequence[str],
              gives_reasons: bool = False, review: str = MARK, last_resort: Sequence[str] = (),
              owns: Callable[[str], bool] | None = None, cover: bool = False) -> dict:
        """An entry of the draft: `name` is its id when one of ARTICLE_IDS, else the end of a new id."""
        entry_id = name if is_article_id(name) else self.new_id(name)
        self.used_ids.add(entry_id)
        # Never fewer than the format's minimum: a phrasing another assessment has, made this one's.
        last_resort = [*last_resort, *(f"{q} (about the {self.id} assessment)" for q in questions)]
        item = {
            "id": entry_id,
            "review": review,
            "questions": self.pick(entry_id, questions, sources, last_resort, owns, gives_reasons, cover),
            "answer": answer,
            "sources": list(dict.fromkeys(sources)),
            "tags": list(dict.fromkeys(t for t in tags if t)) or ["article"],
        }
        if gives_reasons:
            item["gives_reasons"] = True
        return item

    # --- one entry a sentence, or a small group of sentences ----------------------------------------

    def sentence_entries(self, general: Sequence[dict]) -> list[dict]:
        """An entry for each sentence, or small group of sentences, that no entry of `general` (the
        article's own) quotes alone; each keeps the questions that point to it rather than to another."""
        series_sentence = self.article.series[2] if self.article.series else None
        groups = [g for g in self._groups() if [s.text for s in g] != [series_sentence]]  # the series entry quotes it
        answers = [self._answer([s.text for s in g]) for g in groups]
        neighbours = Neighbours(
            [[*e["sources"], e["answer"], *e["questions"]] for e in general] + [[*(s.text for s in g), answer]
                                                                                 for g, answer in zip(groups, answers)],
            [e["sources"] for e in general] + [[s.text for s in g] for g in groups],
            self.normalizer,
        )
        return [self._sentence_entry(group, answer, neighbours, len(general) + i)
                for i, (group, answer) in enumerate(zip(groups, answers))]

    def _groups(self) -> list[list[Sentence]]:
        """Sentences together where the later ones lean on the earlier: "Russia rejected both." with what it
        rejected, "He did not discourage them." with who asked."""
        groups: list[list[Sentence]] = []
        for sentence in self.article.sentences:
            words = sentence.text.split()
            first = words[0].casefold().strip("“\"‘") if words else ""
            leans = first in _ANAPHORS and not (first == "it" and words[1:2] and words[1] in ("is", "was"))
            short = len(words) <= SHORT_SENTENCE
            if groups and groups[-1][-1].paragraph == sentence.paragraph and (
                short or (leans and len(groups[-1]) < GROUP_MAX)
            ):
                groups[-1].append(sentence)
            else:
                groups.append([sentence])
        return groups

    def _answer(self, texts: Sequence[str]) -> str:
        return " ".join(attributed(t, self.words, self.author, i == 0) for i, t in enumerate(texts))

    def _sentence_entry(self, group: list[Sentence], answer: str, neighbours: Neighbours, index: int) -> dict:
        texts = [s.text for s in group]
        phrases = [p for t in texts for p in self.words.phrases(t, self.dates.get(t, ()))]
        top = phrases[0] if phrases else ""
        reason = next((r for r in map(gives_reason, texts) if r), None)
        asked = self._questions(texts)
        candidates = [q.text for q in asked]
        restating = {q.text for q in asked if q.restates}

        def owns(question: str) -> bool:
            # A clause asked in the sentence's own words may tie with another entry's: its phrasing is this
            # entry's alone. A keyword query may not ("general naval cease-fires" is another sentence's too).
            return neighbours.owns(index, question, ties=question in restating)

        last_resort = [f"What does the article mean by “{' '.join(t.split()[:9])}…”?" for t in texts] + [
            f"What does the article say about {p}?" for p in phrases[1:8]] + [
            f"{p}, what does {self.author} write?" for p in phrases[:8]]
        actors = [a for t in texts for a in actors_in(t)]
        tags = [slug(w, 1) for w in top.split() if slug(w, 1) and len(w) > 2][:2] + [slug(a) for a in dict.fromkeys(actors)][:2]
        review = MARK if reason is None else f"draft (gives_reasons guessed from “{reason}”)"
        return self.entry(slug(top, 4) or "sentence", candidates, answer, texts, tags, gives_reasons=reason is not None,
                          review=review, last_resort=last_resort, owns=owns, cover=True)

    def _questions(self, texts: Sequence[str]) -> list[Question]:
        """The group's questions, best first: the first sentence names the topic and leads with three, then
        each sentence in turn gives its next (a why-question only of a sentence that gives a reason)."""
        lists = [self.asker.of_sentence(t, self.dates.get(t, ()), gives_reason(t) is not None) for t in texts]
        ordered = lists[0][:3]
        rest = [lists[0][3:], *lists[1:]]
        for i in range(max(map(len, rest))):
            ordered += [questions[i] for questions in rest if i < len(questions)]
        return ordered

    # --- the timeline -------------------------------------------------------------------------------

    def events(self) -> list[dict]:
        article = self.article
        common = Counter(a for s in article.sentences for a in actors_in(s.text)).most_common(1)
        paragraphs = {s.paragraph: " ".join(x.text for x in article.sentences if x.paragraph == s.paragraph)
                      for s in article.sentences}
        paragraph_of = {s.text: s.paragraph for s in article.sentences}
        events: list[dict] = []
        for sentence, expressions in self.dates.items():
            for expression in expressions:
                caption = sentence in article.caption
                if caption:
                    text = f"The article's photo caption: {sentence.split(':', 1)[-1].strip()}"
                else:
                    text = attributed(sentence, self.words, self.author)
                actors = actors_in(sentence) or actors_in(paragraphs.get(paragraph_of.get(sentence, -1), "")) or \
                    [a for a, _ in common] or ["Unknown"]
                reckoning = expression.reckoning
                if expression.precision != "day" or "publication" in reckoning:
                    reckoning += f" ({self.published.isoformat()})" if "publication" in reckoning else ""
                events.append({
                    "id": self.new_id("event", slug(expression.when, 4)),
                    "review": f"draft: “{expression.when}”: {reckoning}",
                    "date": expression.date.isoformat(),
                    "precision": expression.precision,
                    "when": expression.when,
                    "event": text,
                    "actors": list(dict.fromkeys(actors)),
                    "sources": [sentence],
                })
        return events
