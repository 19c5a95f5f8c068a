"""The entries about an article as a whole, before their questions are picked: its title, author,
publisher, publication date, series, photo, summary and main argument, the author's view of each side
it judges most ("What does Herbst think of Russia?"), and the topics it returns to ("What does the
article say about sanctions?"). Each has an id that every assessment of the series gives the same
entry (`is_article_id`), since the bot counts entries of one id as one, the latest assessment's: "who
wrote this?" is the latest's author. Their questions are what people ask of any article, worded for
this one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.draft.article import ORDINALS, Article
from bot.draft.asking import Asker
from bot.draft.clauses import Clause, read_clauses
from bot.draft.dates import DateExpression
from bot.draft.phrasing import actors_in, attributed, is_opinion, judgements, keyword_query
from bot.draft.words import ACTORS, STOPWORDS, ArticleWords, is_adjective, slug, tokenize
from bot.text import stem

ARTICLE_IDS = ("title", "author", "publisher", "publication-date", "series", "photo-caption", "article-summary",
               "main-argument")
VIEW_ID = "view-of-"      # + the side: the author's judgements of one side ("view-of-russia")
VIEW_SENTENCES = 4        # judgements quoted in such an entry, the strongest
TOPIC_ID = "topic-"       # + a topic the article returns to ("topic-sanctions")
TOPIC_SENTENCES = 4       # sentences that name a noun for it to be a topic ...
TOPICS = 4                # ... and topics at most
TOPIC_QUOTES = 5          # sentences such an entry quotes, the first
_ORDINAL_WORDS = {number: word for word, number in ORDINALS.items()}


def is_article_id(entry_id: str) -> bool:
    """An id every assessment of the series gives the same entry about the article as a whole."""
    return entry_id in ARTICLE_IDS or entry_id.startswith((VIEW_ID, TOPIC_ID))


@dataclass(frozen=True)
class General:
    """An entry about the article as a whole: its id, candidate questions (best first), answer, quotes, tags."""

    id: str
    questions: tuple[str, ...]
    answer: str
    sources: tuple[str, ...]
    tags: tuple[str, ...]


class ArticleEntries:
    def __init__(self, article: Article, words: ArticleWords, asker: Asker, dates: Mapping[str, Sequence[DateExpression]],
                 dated: tuple[str, str] | None):
        """`dates`: each sentence's date expressions; `dated`: the words that date the article and what the
        publication-date entry answers, or None when nothing does."""
        self.article = article
        self.words = words
        self.asker = asker
        self.dates = dates
        self.dated = dated
        self.author = article.bio.surname if article.bio else "The author"  # as answers name the author
        self.full_author = article.bio.author if article.bio else "the author"

    def all(self) -> list[General]:
        return self.about() + self.views() + self.topics()

    def about(self) -> list[General]:
        """The title, author, publisher, publication date, series, photo, summary and main argument, as
        far as the text states them (ARTICLE_IDS)."""
        a, name = self.article, self.full_author
        surname = self.author if a.bio else "the author"  # as questions name the author
        ordinal = _ORDINAL_WORDS.get(a.series[1], "") if a.series and a.series[1] else ""
        which = f"{surname}'s {ordinal} assessment".replace("  ", " ") if a.bio else f"the {ordinal} assessment".replace("  ", " ")
        title_words = keyword_query(self.words.phrases(a.title)[:2], limit=4)
        entries: list[General] = []
        if a.title:
            entries.append(_general(
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
            entries.append(_general(
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
                entries.append(_general(
                    "publisher",
                    ["Who published the article?", f"which think tank published {which}", "publisher of the assessment",
                     "who published this", f"is {which} from the {organization}", "which organization put this out",
                     f"where does {which} come from", f"who publishes {surname}'s assessments", "what outlet is this from",
                     "where was this published", f"is this from the {organization}", "which institution is behind the article",
                     *([f"is this a {unit} publication"] if unit else []), "publisher?"],
                    f"The bio line names {name} as {role}; the publisher recorded for the assessment is {publisher}.",
                    [a.bio.sentence], ["publisher", slug(publisher, 2)]))
        if self.dated:
            evidence, dated_answer = self.dated
            entries.append(_general(
                "publication-date",
                ["When was the article published?", f"when was {which} published", "publication date of the piece",
                 "when was this written", f"how recent is {which}", "what date is the article from", f"date of {which}",
                 "how old is the article", "what month was this published", "when did this come out", "publication date",
                 "is the article recent", "when was the assessment written", "date published"],
                dated_answer, [evidence], ["date", "published"]))
        if a.series:
            sentence = a.series[2]
            entries.append(_general(
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
            entries.append(_general(
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
            entries.append(_general(
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
            entries.append(_general(
                "main-argument",
                ["What is the author's main argument?", f"what does {surname} recommend", "main argument",
                 f"what is {surname}'s thesis", *argued, f"what is the bottom line of {which}", f"what does {surname} conclude",
                 f"{surname} conclusion", "what is the article's argument", "what does the author advocate",
                 f"what does {surname} argue", *[q.text for q in self.asker.of_sentence(a.title) if len(q.text.split()) > 2][:3],
                 "what should be done according to the author",
                 "what's the takeaway", "key message of the piece", "what's the point of the article"],
                f"The main argument is in the title: “{a.title}”. {answer}",
                [a.title, *(s.text for s in closing)], ["argument", "recommendation"]))
        return entries

    def topics(self) -> list[General]:
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
        entries: list[General] = []
        for key in topics[:TOPICS]:
            topic = forms[key].most_common(1)[0][0]
            quoted = named[key][:TOPIC_QUOTES]
            answer = " ".join(attributed(s, self.words, self.author, i == 0) for i, s in enumerate(quoted))
            entries.append(_general(
                TOPIC_ID + slug(topic),
                [f"What does the article say about {topic}?", topic, f"{topic} overall", f"tell me about the {topic}",
                 f"what about the {topic}", f"{author} on {topic}", f"what happened with the {topic}",
                 f"which {topic} does the article mention", f"explain the {topic}", f"summary of the {topic}",
                 f"what's the story with the {topic}", f"{topic} in the article", f"anything on {topic}?",
                 f"what does {author} write about {topic}"],
                f"The article comes back to {topic} more than once. {answer}", quoted, ["topic", slug(topic)]))
        return entries

    def views(self) -> list[General]:
        """For each side the article judges in two sentences or more (naming it first), an entry with the
        author's strongest judgements of it: "What does Herbst think of Russia?"."""
        author = self.author if self.article.bio else "the author"
        judged: dict[str, list[str]] = {}
        for sentence in self.article.sentences:
            named = actors_in(sentence.text)
            if named and is_opinion(sentence.text):
                judged.setdefault(named[0], []).append(sentence.text)
        text = " ".join(s.text for s in self.article.sentences)
        entries: list[General] = []
        for side in (s for s in ACTORS if len(judged.get(s, ())) >= 2):
            strongest = sorted(judged[side], key=judgements, reverse=True)[:VIEW_SENTENCES]
            quoted = [s for s in judged[side] if s in strongest]  # in the article's order
            names = sorted((n for n in ACTORS[side] if n != side and len(n) > 3 and n[0].isupper()),
                           key=lambda n: -len(re.findall(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)))
            names = [n for n in names if re.search(rf"(?<![\w-]){re.escape(n)}(?![\w-])", text)][:2] or [side]
            called = f"the {side}" if len(side.split()) > 1 else side
            first, second = (names * 2)[:2]
            answer = f"On {called}: " + " ".join(attributed(s, self.words, self.author, i == 0) for i, s in enumerate(quoted))
            entries.append(_general(
                VIEW_ID + slug(side),
                [f"What does {author} think of {called}?", f"How does {author} judge {called}?", f"{author}'s view of {called}",
                 f"Is {author} critical of {called}?", f"author view on {called}", f"What is {author}'s opinion of {first}?",
                 f"What does the author think of {first}?", f"how does {author} see {second}", f"{author} on {first}",
                 f"does {author} blame {called}?", f"what does {author} make of {second}", f"is the author harsh on {first}",
                 f"how does the article portray {called}", f"{author}'s take on {first}", f"how does {author} rate {second}"],
                answer, quoted, ["view", slug(side)]))
        return entries


def _general(entry_id: str, questions: Sequence[str], answer: str, sources: Sequence[str], tags: Sequence[str]) -> General:
    return General(entry_id, tuple(questions), answer, tuple(dict.fromkeys(sources)), tuple(t for t in tags if t))


def _subject_of(clause: Clause) -> str:
    """The subject inside a question: "the White House", not "The White House"."""
    return clause.subject[0].lower() + clause.subject[1:] if clause.subject.split()[0] in ("The", "A", "An") else clause.subject
