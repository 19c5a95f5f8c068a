"""An article's text drafted into an assessment: metadata, entries that together quote every sentence,
and one timeline event for every date expression, each item marked `review:` for the maintainer.

The result is plain data (dicts in the knowledge format's key order) for `writing` to put on disk.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from bot.draft.article import ORDINALS, Article, Sentence, read_article
from bot.draft.dates import DateExpression, find_dates, latest_full_date
from bot.draft.clauses import read_clauses
from bot.draft.phrasing import actors_in, attributed, gives_reason, is_opinion, keyword_query, numbers_in, when_phrase
from bot.draft.words import ArticleWords, slug
from bot.knowledge import MIN_QUESTIONS, SLUG_MAX

QUESTIONS_PER_ENTRY = max(MIN_QUESTIONS, 5)   # the format's minimum; the engine is to answer from few
GROUP_MAX = 3                                  # sentences an entry quotes, short ones aside
SHORT_SENTENCE = 6                             # words: "Russia rejected both." belongs with what it answers
MARK = "draft"                                 # the `review:` of an item the drafter wrote whole
_ANAPHORS = frozenset({"he", "she", "they", "those", "these", "so", "and", "but", "them"})
_DATED_LINE = re.compile(r"^(?:(?:Published|Posted|Updated|Date)\b:?\s*(?:on\s+)?)?(?P<date>[A-Z][a-z]+ \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}-\d\d-\d\d)\.?$")
_ORDINAL_WORDS = {number: word for word, number in ORDINALS.items()}


@dataclass(frozen=True)
class Taken:
    """What the knowledge base the draft joins already uses: ids and question phrasings (their keys)."""

    ids: frozenset[str] = frozenset()
    questions: frozenset[str] = frozenset()


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
                     taken: Taken = Taken()) -> Draft:
    """The draft of the article `text`. `assessment_id` defaults to the author's surname and the
    publication month ("herbst-2025-05"), or `fallback_id` when the text states no date; `today`
    stands in for a publication date the text does not state, with a marker saying so."""
    article = read_article(text)
    notes: list[str] = []
    dating = _published(text, article, today)
    if not dating.stated:
        notes.append(f"The text states no publication date: {today.isoformat()} (today) stands in for it, "
                     "marked for review; the timeline's relative dates are reckoned from it.")
    assessment_id = assessment_id or default_id(text, today, fallback_id)
    drafter = _Drafter(article, assessment_id, dating, taken)
    metadata = _metadata(article, assessment_id, dating, today, notes)
    entries = drafter.article_entries() + drafter.sentence_entries()
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
    def __init__(self, article: Article, assessment_id: str, dating: Dating, taken: Taken):
        self.article = article
        self.id = assessment_id
        self.dating = dating
        self.published = dating.date
        self.author = article.bio.surname if article.bio else "The author"
        self.full_author = article.bio.author if article.bio else "the author"
        self.words = ArticleWords([s.text for s in article.sentences] + [article.title, *article.caption])
        self.used_ids = set(taken.ids)
        self.used_questions = set(taken.questions)
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

    def pick(self, candidates: Iterable[str], last_resort: Sequence[str]) -> list[str]:
        """The first QUESTIONS_PER_ENTRY candidates no entry has yet, topped up from `last_resort`."""
        chosen: list[str] = []
        for question in [*candidates, *last_resort]:
            question = " ".join(question.split())
            key = question_key(question)
            if len(chosen) == QUESTIONS_PER_ENTRY:
                break
            if key and key not in self.used_questions:
                self.used_questions.add(key)
                chosen.append(question)
        return chosen

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
        a, name = self.article, self.full_author
        surname = self.author if a.bio else "the author"  # as questions name the author
        ordinal = _ORDINAL_WORDS.get(a.series[1], "") if a.series and a.series[1] else ""
        which = f"{surname}'s {ordinal} assessment".replace("  ", " ") if a.bio else f"the {ordinal} assessment".replace("  ", " ")
        title_words = keyword_query(self.words.phrases(a.title)[:2], limit=4)
        entries: list[dict] = []
        if a.title:
            entries.append(self.entry(
                "title",
                [f"What is the title of {which}?", "What is the article called?", "article title", "headline of the piece",
                 f"title of {which}", f"what is {which} called", f"what's the headline of {which}"],
                f"The article is titled “{a.title}”.", [a.title], ["title", "article"]))
        if a.bio:
            role = a.bio.role
            entries.append(self.entry(
                "author",
                ["Who wrote the article?", f"Who is {name}?", f"who wrote {which}", f"what is {surname}'s role",
                 f"{surname} bio", "who is the author of this piece", f"what are {surname}'s credentials",
                 f"who is the author of the assessment on {title_words}"],
                f"The article was written by {name}, {role}.", [a.bio.sentence], ["author", slug(surname, 1)]))
            publisher = a.publisher
            if publisher:
                entries.append(self.entry(
                    "publisher",
                    ["Who published the article?", f"which think tank published {which}", "publisher of the assessment",
                     f"is {which} from the {publisher.split(',')[0]}", f"where does {which} come from",
                     f"who publishes {surname}'s assessments"],
                    f"The bio line names {name} as {role}; the publisher recorded for the assessment is {publisher}.",
                    [a.bio.sentence], ["publisher", slug(publisher, 2)]))
        if self.dating.evidence:
            entries.append(self.entry(
                "publication-date",
                ["When was the article published?", f"when was {which} published", "publication date of the piece",
                 f"how recent is {which}", f"date of {which}"],
                self.dating.answer, [self.dating.evidence], ["date", "published"]))
        if a.series:
            sentence = a.series[2]
            entries.append(self.entry(
                "series",
                ["Is this part of a series?", f"which number in the series is {which}", "series of assessments",
                 f"is {surname} writing regular assessments", f"what series does {which} belong to",
                 f"is there more than one {surname} assessment"],
                attributed(sentence, self.words, self.author), [sentence], ["series", "article"]))
        if a.caption:
            caption = a.caption[0].split(":", 1)[-1].strip()
            credit = " ".join(a.caption[1:])
            entries.append(self.entry(
                "image",
                ["What does the article's image show?", "photo caption", f"what is the picture in {which}",
                 "who took the photo", "image credit", f"caption of the photo in {which}"],
                f"The article's image is captioned: “{caption}”" + (f" Credit: {credit}" if credit else ""),
                list(a.caption), ["image", "photo"]))
        body = [p for p in a.body if p]
        if body:
            topics = []
            for paragraph in body:
                phrases = [p for s in paragraph for p in self.words.phrases(s.text, self.dates.get(s.text, ()))[:1]]
                if phrases and phrases[0].casefold() not in (t.casefold() for t in topics):
                    topics.append(phrases[0])
            listing = ", ".join(topics[:-1]) + (f" and {topics[-1]}" if len(topics) > 1 else (topics[0] if topics else ""))
            entries.append(self.entry(
                "summary",
                ["What is the article about?", "article summary", f"can you summarize {which}",
                 f"what are the main points of {which}", "give me the gist of the piece", "tl;dr of the assessment",
                 f"summary of {which}", f"overview of the assessment on {title_words}"],
                f"In this assessment, {name} writes about {listing}. The main argument is in the title: “{a.title}”."
                if a.bio else f"The assessment covers {listing}. Its title: “{a.title}”.",
                [a.title, *(p[0].text for p in body)], ["summary", "article"]))
            closing = body[-1]
            answer = " ".join(attributed(s.text, self.words, self.author, i == 0) for i, s in enumerate(closing))
            entries.append(self.entry(
                "main-argument",
                ["What is the author's main argument?", f"what does {surname} recommend", "main argument",
                 f"what is {surname}'s thesis", f"what is the bottom line of {which}", f"what does {surname} conclude",
                 f"{surname} conclusion"],
                f"The main argument is in the title: “{a.title}”. {answer}",
                [a.title, *(s.text for s in closing)], ["argument", "recommendation"]))
        return entries

    def entry(self, name: str, questions: Sequence[str], answer: str, sources: Sequence[str], tags: Sequence[str],
              gives_reasons: bool = False, review: str = MARK, last_resort: Sequence[str] = ()) -> dict:
        # Never fewer than the format's minimum: a phrasing another assessment has, made this one's.
        last_resort = [*last_resort, *(f"{q} (about the {self.id} assessment)" for q in questions)]
        item = {
            "id": self.new_id(name),
            "review": review,
            "questions": self.pick(questions, last_resort),
            "answer": answer,
            "sources": list(dict.fromkeys(sources)),
            "tags": list(dict.fromkeys(t for t in tags if t)) or ["article"],
        }
        if gives_reasons:
            item["gives_reasons"] = True
        return item

    # --- one entry a sentence, or a small group of sentences ----------------------------------------

    def sentence_entries(self) -> list[dict]:
        series_sentence = self.article.series[2] if self.article.series else None
        entries = []
        for group in self._groups():
            if [s.text for s in group] == [series_sentence]:
                continue  # the series entry quotes it
            entries.append(self._sentence_entry(group))
        return entries

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

    def _sentence_entry(self, group: list[Sentence]) -> dict:
        texts = [s.text for s in group]
        answer = " ".join(attributed(t, self.words, self.author, i == 0) for i, t in enumerate(texts))
        phrases = [p for t in texts for p in self.words.phrases(t, self.dates.get(t, ()))]
        top = phrases[0] if phrases else ""
        reason = next((r for r in map(gives_reason, texts) if r), None)
        candidates = self._questions(texts, reason is not None)
        last_resort = [f"What does the article mean by “{' '.join(t.split()[:9])}…”?" for t in texts] + [
            f"What does the article say about {p}?" for p in phrases[1:8]] + [
            f"{p}, what does {self.author} write?" for p in phrases[:8]]
        actors = [a for t in texts for a in actors_in(t)]
        tags = [slug(w, 1) for w in top.split() if slug(w, 1) and len(w) > 2][:2] + [slug(a) for a in dict.fromkeys(actors)][:2]
        review = MARK if reason is None else f"draft (gives_reasons guessed from “{reason}”)"
        return self.entry(slug(top, 4) or "sentence", candidates, answer, texts, tags, gives_reasons=reason is not None,
                          review=review, last_resort=last_resort)

    def _questions(self, texts: Sequence[str], gives_reasons: bool) -> list[str]:
        """The group's questions, best first: the first sentence names the topic and leads with three,
        each later sentence adds its best, then the rest in the same order."""
        first, *others = [self._sentence_questions(t, gives_reasons) for t in texts]
        return [*first[:3], *(q[0] for q in others if q), *first[3:], *(x for q in others for x in q[1:])]

    def _sentence_questions(self, sentence: str, gives_reasons: bool) -> list[str]:
        words, author = self.words, self.author
        dates = [d for d in self.dates.get(sentence, ()) if not d.when.casefold().startswith(("that same", "the same"))]
        phrases = words.phrases(sentence, self.dates.get(sentence, ()))
        clause_questions: list[str] = []
        for clause in read_clauses(words, sentence, self.dates.get(sentence, ()))[:3]:
            subject, obj = clause.subject, clause.object
            has_object = any(w.casefold() not in ("both", "all", "it", "them") for w in obj.split())
            if clause.subject.casefold() in ("this", "which", "that", "it", "all of this"):
                if clause.form == "past" and has_object:
                    clause_questions.append(f"What {clause.verb} {obj}?")
                continue
            if clause.form == "past":
                if has_object:
                    clause_questions.append(f"{'Who' if clause.agent else 'What'} {clause.verb} {obj}?")
                what = clause.what_question()
                if what:
                    clause_questions.append(what)
                if not clause.pronoun:
                    if dates:
                        clause_questions.append(f"When did {subject} {clause.base}{' ' + obj if obj else ''}?")
                    if gives_reasons and clause.agent:
                        clause_questions.append(f"Why did {subject} {clause.base}{' ' + obj if obj else ''}?")
            elif clause.form == "perfect" and not clause.pronoun:
                clause_questions.append(f"What {clause.auxiliary} {subject} {clause.verb}?")
                if has_object:
                    clause_questions.append(f"{'Who' if clause.agent else 'What'} {clause.auxiliary} {clause.verb} {obj}?")
            elif clause.form == "passive" and not clause.pronoun and obj.startswith("to "):
                clause_questions.append(f"What {clause.auxiliary} {subject} {clause.verb} to do?")
            elif clause.form == "passive" and clause.what_question():
                clause_questions.append(clause.what_question() or "")
            elif clause.form == "modal" and not clause.pronoun:
                clause_questions.append(f"What {clause.auxiliary} {subject} do?")
            elif clause.form == "negative" and not clause.pronoun and has_object:
                clause_questions.append(f"Did {subject} {clause.base} {obj}?")
        other: list[str] = []
        for date in dates[:2]:
            other.append(f"What happened {when_phrase(date)}?")
        for counted in numbers_in(sentence, words, self.dates.get(sentence, ()))[:1]:
            other.append(f"How many {counted}?" if len(counted.split()) > 1 else f"How many {counted} does the article mention?")
        if phrases:
            other.append(f"What does the article say about {phrases[0]}?")
            other.append(keyword_query(phrases[:2], dates[0].when if dates else ""))
            if is_opinion(sentence):
                other.append(f"How does {author} judge {phrases[0]}?")
            else:
                other.append(f"How does {author} describe {phrases[0]}?")
        if len(phrases) > 1:
            other.append(f"Tell me about {phrases[1]}")
            other.append(f"What does {author} say about {phrases[1]}?")
        # Clauses first (they ask what the sentence says), then a date, a number, a topic, a keyword query.
        ordered = [*clause_questions[:2], *other[:3], *clause_questions[2:], *other[3:]]
        return [_capitalized(q.replace("’", "'").replace("‘", "'")) for q in ordered]

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


def _capitalized(question: str) -> str:
    return question[0].upper() + question[1:] if question and question[0].islower() and "?" in question else question
