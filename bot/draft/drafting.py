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

from bot.draft.article import ORDINALS, Article, Sentence, read_article
from bot.draft.asking import Asker, Question
from bot.draft.clauses import Clause, read_clauses
from bot.draft.dates import DateExpression, find_dates, latest_full_date
from bot.draft.neighbours import Neighbours
from bot.draft.phrasing import actors_in, attributed, gives_reason, is_opinion, judgements, keyword_query
from bot.draft.words import ACTORS, STOPWORDS, ArticleWords, is_adjective, slug, tokenize
from bot.knowledge import MIN_QUESTIONS, SLUG_MAX, Phrasebook, Vocabulary, asks_why
from bot.text import Normalizer, stem, words

# The bot answers best from many phrasings of an entry (benchmarks/phrasings_curve.py: 57% right with 5,
# 70% with 10, 78% with 20), so a drafted entry gets as many as its sentences give, up to this many.
QUESTIONS_PER_ENTRY = 20
QUESTIONS_WANTED = 12                          # what an entry should have; fewer only when its sentence gives no more
VARIANTS_PER_ENTRY = 2                         # of them, questions again in the vocabulary's synonyms or chat spellings
COVERING_QUERIES = 3                           # ... keyword queries of a sentence's words no other question has
COVERING_WORDS = 3                             # words in such a query
# The entries about the article as a whole have the ids every assessment of the series gives them: the
# bot counts entries of one id as one, the latest assessment's ("who wrote this?" is the latest's author).
ARTICLE_IDS = ("title", "author", "publisher", "publication-date", "series", "photo-caption", "article-summary",
               "main-argument")
VIEW_ID = "view-of-"      # + the side: the author's judgements of one side ("view-of-russia"), an id the series shares too
VIEW_SENTENCES = 4        # judgements quoted in such an entry, the strongest
TOPIC_ID = "topic-"       # + a topic the article returns to ("topic-sanctions"), an id the series shares too
TOPIC_SENTENCES = 4       # sentences that name a word for it to be a topic ...
TOPICS = 4                # ... and topics at most
TOPIC_QUOTES = 5          # sentences such an entry quotes, the first


def is_article_id(entry_id: str) -> bool:
    """An id every assessment of the series gives the same entry about the article as a whole."""
    return entry_id in ARTICLE_IDS or entry_id.startswith((VIEW_ID, TOPIC_ID))
GROUP_MAX = 3                                  # sentences an entry quotes, short ones aside
SHORT_SENTENCE = 6                             # words: "Russia rejected both." belongs with what it answers
MARK = "draft"                                 # the `review:` of an item the drafter wrote whole
_ANAPHORS = frozenset({"he", "she", "they", "those", "these", "so", "and", "but", "them"})
_DATED_LINE = re.compile(r"^(?:(?:Published|Posted|Updated|Date)\b:?\s*(?:on\s+)?)?(?P<date>[A-Z][a-z]+ \d{1,2},? \d{4}|\d{1,2} [A-Z][a-z]+ \d{4}|\d{4}-\d\d-\d\d)\.?$")
_ORDINAL_WORDS = {number: word for word, number in ORDINALS.items()}


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
        """The sentence's words as a keyword query has them, lower case: no function words or numbers
        ("cease-fires" whole, "Putin’s" as "putin")."""
        found = (re.sub(r"[’']s$", "", w) for w in re.findall(r"[\w’'-]*\w", sentence.casefold()))
        return [w for w in found if w not in STOPWORDS and not w.isdigit()]

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
        """The entries about the article itself (title, author, publisher, date, series, photo, summary,
        main argument), each with the id the series gives it (ARTICLE_IDS) and the questions any
        article's would have, worded for this one."""
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
                 "what's the title", "what is the headline", "what is this piece called", f"title of {which}",
                 f"what is {which} called", f"what's the headline of {which}", "what does the headline say",
                 "name of the article", "what's the assessment titled", "title?", "how is the article titled",
                 "what's the name of this assessment", f"what headline did {surname} give it", "exact title of the assessment"],
                f"The article is titled “{a.title}”.", [a.title], ["title", "article"]))
        if a.bio:
            role = a.bio.role
            described = re.split(r" (?:is|was) ", a.bio.sentence, maxsplit=1)[-1].rstrip(".")
            roles = [f"is {surname} {part}?" for part in described.split(" and ")[:2] if len(part.split()) <= 10]
            entries.append(self.entry(
                "author",
                ["Who wrote the article?", f"Who is {name}?", "who is the author", f"who wrote {which}", "who wrote this",
                 f"what is {surname}'s role", "author's name", *roles[:1], f"{surname} bio", "who is the author of this piece",
                 f"what are {surname}'s credentials", "what does the author do", *roles[1:], "author background",
                 f"what is {surname}'s job", f"where does {surname} work", "who's the writer",
                 f"who is the author of the assessment on {title_words}"],
                f"The article was written by {name}, {role}.", [a.bio.sentence], ["author", slug(surname, 1)]))
            publisher = a.publisher
            if publisher:
                organization, _, unit = publisher.partition(", ")
                entries.append(self.entry(
                    "publisher",
                    ["Who published the article?", f"which think tank published {which}", "publisher of the assessment",
                     "who published this", f"is {which} from the {organization}", "which organization put this out",
                     f"where does {which} come from", f"who publishes {surname}'s assessments", "what outlet is this from",
                     "where was this published", f"is this from the {organization}", "which institution is behind the article",
                     *([f"is this a {unit} publication"] if unit else []), "publisher?"],
                    f"The bio line names {name} as {role}; the publisher recorded for the assessment is {publisher}.",
                    [a.bio.sentence], ["publisher", slug(publisher, 2)]))
        if self.dating.evidence:
            entries.append(self.entry(
                "publication-date",
                ["When was the article published?", f"when was {which} published", "publication date of the piece",
                 "when was this written", f"how recent is {which}", "what date is the article from", f"date of {which}",
                 "how old is the article", "what month was this published", "when did this come out", "publication date",
                 "is the article recent", "when was the assessment written", "date published"],
                self.dating.answer, [self.dating.evidence], ["date", "published"]))
        if a.series:
            sentence = a.series[2]
            entries.append(self.entry(
                "series",
                ["Is this part of a series?", f"which number in the series is {which}", "series of assessments",
                 f"is {surname} writing regular assessments", f"what series does {which} belong to", "is this a one-off",
                 f"is there more than one {surname} assessment", "will there be more assessments", "is this a regular series",
                 "what is the series about", "which assessment is this", "what number is this assessment",
                 *([f"is this the {ordinal} assessment"] if ordinal else []), "are these assessments regular", "series?"],
                attributed(sentence, self.words, self.author), [sentence], ["series", "article"]))
        if a.caption:
            caption = a.caption[0].split(":", 1)[-1].strip()
            credit = " ".join(a.caption[1:])
            entries.append(self.entry(
                "photo-caption",
                ["What does the article's image show?", "photo caption", f"what is the picture in {which}", "who took the photo",
                 "image credit", "what's in the picture", f"caption of the photo in {which}", "what does the photo show",
                 "who is pictured", "who is in the photo", "where was the photo taken", "photo credit",
                 "what is the image of", "source of the image", "describe the photo"],
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
                "article-summary",
                ["What is the article about?", "article summary", f"can you summarize {which}",
                 f"what are the main points of {which}", "give me the gist of the piece", "tl;dr of the assessment",
                 "what's the piece about", f"summary of {which}", "summarize the article", "what does the article cover",
                 f"overview of the assessment on {title_words}", "main points", "what topics does the article cover",
                 "short version of the article", "what is this assessment about", "key points of the article"],
                f"In this assessment, {name} writes about {listing}. The main argument is in the title: “{a.title}”."
                if a.bio else f"The assessment covers {listing}. Its title: “{a.title}”.",
                [a.title, *(p[0].text for p in body)], ["summary", "article"]))
            closing = body[-1]
            answer = " ".join(attributed(s.text, self.words, self.author, i == 0) for i, s in enumerate(closing))
            argued = [f"what does {surname} say {_subject_of(c)} {c.auxiliary} do" for c in read_clauses(self.words, a.title)
                      if c.form == "modal" and not c.pronoun][:1]
            entries.append(self.entry(
                "main-argument",
                ["What is the author's main argument?", f"what does {surname} recommend", "main argument",
                 f"what is {surname}'s thesis", *argued, f"what is the bottom line of {which}", f"what does {surname} conclude",
                 f"{surname} conclusion", "what is the article's argument", "what does the author advocate",
                 f"what does {surname} argue", *[q.text for q in self.asker.of_sentence(a.title) if len(q.text.split()) > 2][:3], "what should be done according to the author",
                 "what's the takeaway", "key message of the piece", "what's the point of the article"],
                f"The main argument is in the title: “{a.title}”. {answer}",
                [a.title, *(s.text for s in closing)], ["argument", "recommendation"]))
        return entries + self._views() + self._topics()

    def _topics(self) -> list[dict]:
        """The topics the article returns to (a noun in TOPIC_SENTENCES sentences or more: "sanctions",
        "cease-fire"), each an entry quoting where the article names it: "What does the article say about
        sanctions?" asks of them all, not of one sentence."""
        author = self.author if self.article.bio else "the author"
        named: dict[str, list[str]] = {}
        forms: dict[str, Counter[str]] = {}
        for sentence in self.article.sentences:
            tokens = tokenize(sentence.text)
            for i, token in enumerate(tokens):
                after_name = i > 0 and self.words.is_name(tokens[i - 1])  # "administration" of "Trump administration"
                if token.text[0].islower() and token.key not in STOPWORDS and not is_adjective(token) and not after_name \
                        and self.words.phrases(token.text):
                    key = stem(token.key)
                    if sentence.text not in named.setdefault(key, []):
                        named[key].append(sentence.text)
                    forms.setdefault(key, Counter())[token.key] += 1
        topics = sorted((k for k, quoted in named.items() if len(quoted) >= TOPIC_SENTENCES), key=lambda k: -len(named[k]))
        entries = []
        for key in topics[:TOPICS]:
            topic = forms[key].most_common(1)[0][0]
            quoted = named[key][:TOPIC_QUOTES]
            answer = " ".join(attributed(s, self.words, self.author, i == 0) for i, s in enumerate(quoted))
            entries.append(self.entry(
                TOPIC_ID + slug(topic),
                [f"What does the article say about {topic}?", topic, f"{topic} overall", f"tell me about the {topic}",
                 f"what about the {topic}", f"{author} on {topic}", f"what happened with the {topic}",
                 f"which {topic} does the article mention", f"explain the {topic}", f"summary of the {topic}",
                 f"what's the story with the {topic}", f"{topic} in the article", f"anything on {topic}?",
                 f"what does {author} write about {topic}"],
                f"The article comes back to {topic} more than once. {answer}", quoted, ["topic", slug(topic)]))
        return entries

    def _views(self) -> list[dict]:
        """For each side the article judges in two sentences or more (naming it first), an entry with the
        author's strongest judgements of it: "What does Herbst think of Russia?"."""
        author = self.author if self.article.bio else "the author"
        judged: dict[str, list[str]] = {}
        for sentence in self.article.sentences:
            named = actors_in(sentence.text)
            if named and is_opinion(sentence.text):
                judged.setdefault(named[0], []).append(sentence.text)
        text = " ".join(s.text for s in self.article.sentences)
        entries = []
        for side in (s for s in ACTORS if len(judged.get(s, ())) >= 2):
            strongest = sorted(judged[side], key=judgements, reverse=True)[:VIEW_SENTENCES]
            quoted = [s for s in judged[side] if s in strongest]  # in the article's order
            names = sorted((n for n in ACTORS[side] if n != side and len(n) > 3 and n[0].isupper()),
                           key=lambda n: -len(re.findall(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)))
            names = [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)][:2] or [side]
            called = f"the {side}" if len(side.split()) > 1 else side
            first, second = (names * 2)[:2]
            answer = f"On {called}: " + " ".join(attributed(s, self.words, self.author, i == 0) for i, s in enumerate(quoted))
            entries.append(self.entry(
                VIEW_ID + slug(side),
                [f"What does {author} think of {called}?", f"How does {author} judge {called}?", f"{author}'s view of {called}",
                 f"Is {author} critical of {called}?", f"author view on {called}", f"What is {author}'s opinion of {first}?",
                 f"What does the author think of {first}?", f"how does {author} see {second}", f"{author} on {first}",
                 f"does {author} blame {called}?", f"what does {author} make of {second}", f"is the author harsh on {first}",
                 f"how does the article portray {called}", f"{author}'s take on {first}", f"how does {author} rate {second}"],
                answer, quoted, ["view", slug(side)]))
        return entries

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


def _subject_of(clause: Clause) -> str:
    """The subject inside a question: "the White House", not "The White House"."""
    return clause.subject[0].lower() + clause.subject[1:] if clause.subject.split()[0] in ("The", "A", "An") else clause.subject
