"""The conversation: each message read in its place, as every edge (Discord and the command line) needs it.
See the package's docstring."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import replace

from bot.conversation.article_map import ArticleMap
from bot.conversation.memory import Context
from bot.conversation.phrases import REPEATS, Phrases, key_words
from bot.conversation.reply import Reply
from bot.knowledge import Assessment, Entry, KnowledgeBase, Phrasebook
from bot.matching import Engine, Result, Suggestion
from bot.series import Reference, SeriesReader, WhatsNewQuestion
from bot.text import QUESTION_WORDS, clean, stem, words

SECOND_PERSON_WITHIN = 3  # "do u ...", "what r u ...", "are you ...": "you" this early asks about the bot
SMALL_TALK_COSINE = 0.5  # contextual cosine from which a remark is as near to small talk as it can be
SMALL_TALK_TAIL = 8      # words after "lol"/"thanks" that can still be small talk; more is a message
TOPIC_AFFINITY = 0.45    # cosine of mean phrasing vectors from which a document belongs to an entry's topic
TOPIC_WORDS = 3          # words of the last answer's topic spelled into a follow-up
RELATED_LIMIT = 3        # related entries offered with "tell me more"

# The honest first line when the answer lacks what was asked; what the article does report follows.
NO_REASON = "The article doesn't say why."
NO_FIGURE = "The article gives no figure for that."
NO_DATE = "The article gives no date for that."
SAID_FIRST = 2     # sentences of an answer that a reader takes in first
REASON_WITHIN = 3  # "why ...", "so why ...", "but how come ...": a why- (or when-) question asks it up front
_FIGURE = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion|percent|half|both|all|none|several|few|weeks|days|hours|years)\b",
    re.IGNORECASE,
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
_CLAUSE = re.compile(r";\s+|,\s+(?=though|but|although)")
_KINDS = frozenset({"kind", "kinds", "type", "types", "sort", "sorts"})  # "what kind of sanctions"
_MENTIONS = re.compile(r"<@[!&]?\d+>|<#\d+>")


class Conversation:
    """Answers messages in context with an engine and its knowledge base's phrasebook; built once per engine."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.knowledge: KnowledgeBase = engine.knowledge
        book: Phrasebook = self.knowledge.phrasebook
        self.book = book
        self._small_talk = Phrases((p, talk.kind) for talk in book.small_talk for p in talk.phrasings)
        self._replies = {talk.kind: talk.replies for talk in book.small_talk}
        self._talk_phrasings = [p for talk in book.small_talk if talk.kind != "about-bot" for p in talk.phrasings]
        self._talk_kinds = [talk.kind for talk in book.small_talk if talk.kind != "about-bot" for _p in talk.phrasings]
        self._more = Phrases((p, "more") for p in book.more)
        self._chronology = Phrases([*((p, "next") for p in book.next), *((p, "before") for p in book.before)])
        self._accept = Phrases((p, "yes") for p in book.accept_suggestion)
        self._address = Phrases((p, "bot") for p in book.address)
        self._article = Phrases((p, "article") for p in book.article)
        self._others = Phrases((p, "others") for p in book.others)
        self._tags = Phrases((p, "tag") for p in book.tags)
        self._reason = Phrases((p, "why") for p in book.reason)
        self._number = Phrases((p, "figure") for p in book.number)
        self._time = Phrases((p, "when") for p in book.time)
        self._no_date = Phrases((p, "no date") for p in book.no_date)
        self._dated = frozenset(w for p in (*book.dated, *book.series.months) for w in key_words(p))
        self._determiners = frozenset(w for p in book.determiners for w in key_words(p))
        self._openers = frozenset(w for p in book.openers for w in key_words(p))
        self._fillers = frozenset(w for p in book.fillers for w in key_words(p))
        self._continuations = frozenset(w for p in book.continuations for w in key_words(p))
        self._stopwords = frozenset(REPEATS.sub(r"\1", w) for w in engine.normalizer.stopwords)
        self._wh_words = frozenset(w for w in self._openers if stem(w) in QUESTION_WORDS)
        self._second_person = frozenset(w for p in book.second_person for w in key_words(p))
        self._pointers = frozenset(w for p in book.pointers for w in key_words(p))
        self._demonstratives = frozenset(w for p in book.demonstratives for w in key_words(p))
        self._parties = Phrases((p, "party") for p in book.parties)
        self._elliptical = frozenset(stem(w) for p in book.elliptical for w in key_words(p))
        self._map = ArticleMap(self.knowledge)
        self._not_given = Phrases((p, "not given") for p in book.not_given)
        self._admission_words = frozenset(self._tokens(" ".join(book.not_given)))
        self._admissions: dict[str, tuple[list[tuple[str, set[str]]], set[str]]] = {}  # by Entry.key, on first need
        self.series = SeriesReader(self.knowledge)

    # -- the one entry point ------------------------------------------------------------------------

    def respond(self, message: str, context: Context | None = None, *, listening: bool = False,
                assessment: str | None = None) -> Reply:
        """The bot's response to `message`, read against `context` (the last answer to this person here).

        `listening`: the message was posted in a listen channel, not addressed to the bot: only a
        question put to the bot about the article, answered with confidence, gets a reply.
        `assessment`: the id of the assessment to answer within (the /ask option), unless the question
        names another.
        """
        cleaned = clean(message)
        if not cleaned:
            if listening:
                return Reply("silent", cleaned)
            # Emoji alone (custom ones included) is a reaction; a bare mention asks how to use the bot.
            emoji = _MENTIONS.sub("", message).strip()
            return self._small_talk_reply(emoji, "reaction") if emoji else Reply("help", cleaned)
        # Before small talk: "what's new in the latest one?" is not the greeting "what's new".
        whats_new = self.series.whats_new(cleaned)
        if whats_new is not None and (not listening or self._asks_the_bot(message, cleaned)):
            reply = self._whats_new(cleaned, whats_new)
            return reply if not listening or reply.answered else Reply("silent", cleaned, result=reply.result)
        kind, question = self._read_small_talk(cleaned)
        topic = self.knowledge.entry(context.entry_id, context.assessment_id) if context and context.entry_id and not listening else None
        if kind is None and topic is not None and self._asks_more(key_words(question), topic):
            return self._more_of(key_words(question), topic)
        if kind is None:
            kind = self._sounds_like_small_talk(question)
        if kind is not None:
            if listening:
                return Reply("silent", cleaned, small_talk=kind)
            accepted = self._accepted_suggestion(key_words(cleaned), context)
            if accepted is not None:
                return accepted
            return self._small_talk_reply(cleaned, kind)
        if listening:
            if not self._asks_the_bot(message, question):
                return Reply("silent", question)
            reply = self._answer(question, None)
            return reply if reply.kind == "answer" else Reply("silent", question, result=reply.result)
        reply = self._answer(question, context, assessment)
        if reply.kind == "decline" and self._asks_about_the_bot(question, reply):
            return self._small_talk_reply(cleaned, "about-bot")
        return reply

    # -- small talk ---------------------------------------------------------------------------------

    def _unaddressed(self, tokens: list[str]) -> list[str]:
        """`tokens` without the bot's name at the start or the end ("hey bot", "thanks bot")."""
        opening = self._address.opening(tokens)
        if opening and len(tokens) > opening[1]:
            tokens = tokens[opening[1]:]
        for size in range(min(3, len(tokens) - 1), 0, -1):
            if self._address.whole(tokens[-size:]) and not self._address.whole(tokens[-size - 1:]):
                return tokens[:-size]
        return tokens

    def _read_small_talk(self, cleaned: str) -> tuple[str | None, str]:
        """(small-talk kind, "") when the message is small talk, else (None, the question it asks).

        Small talk is a whole phrasebook phrase, or a chain of them ("ok thanks bye"), or an opening
        thanks, reaction, agreement or goodbye followed by words that ask nothing ("lol putin"), or
        emoji alone. A question after an opening phrase ("hi, who wrote this?") is returned without
        the opening, in the words as typed.
        """
        typed = words(cleaned)
        if not typed:
            return "reaction", ""  # emoji or punctuation alone
        whole = self._small_talk.whole(key_words(cleaned))
        if whole is not None:
            return whole, ""
        kinds: list[str] = []
        rest = self._unaddressed(key_words(cleaned))
        while rest:
            whole = self._small_talk.whole(rest)
            if whole is not None:
                return _strongest([*kinds, whole]), ""
            opening = self._small_talk.opening(rest)
            if opening is None or opening[0] == "about-bot":
                break
            kinds.append(opening[0])
            rest = self._unaddressed(rest[opening[1]:]) if len(rest) > opening[1] else []
        if not kinds:
            return None, cleaned
        if not rest:
            return _strongest(kinds), ""
        remainder = " ".join(typed[len(typed) - len(rest):])  # as typed: "soon", not "son"
        if self._is_question(rest, cleaned) or "?" in cleaned or len(rest) > SMALL_TALK_TAIL:
            return None, remainder
        if all(kind == "greeting" for kind in kinds):
            return None, remainder  # "hi minerals deal date": a greeting, then a query in keywords
        return _strongest(kinds), ""

    def _sounds_like_small_talk(self, question: str) -> str | None:
        """The kind of small talk a short remark that asks nothing comes nearest to in meaning, when it is
        nearer to the phrasebook's small talk than to any question the knowledge base answers or declines
        ("this is gold", "you rock"); None otherwise, or when the contextual model is not ready."""
        tokens = key_words(question)
        if self._is_question(tokens, question) or len(tokens) > SMALL_TALK_TAIL or self.engine.contextual is None:
            return None
        nearest = self.engine.contextual.nearest(question, self._talk_phrasings, wait=self.engine.wait_for_model)
        if nearest is None:
            return None
        to_questions, to_talk, which = nearest
        if to_talk >= SMALL_TALK_COSINE and to_talk > to_questions:
            return self._talk_kinds[which]
        return None

    def _small_talk_reply(self, cleaned: str, kind: str) -> Reply:
        replies = self._replies.get(kind) or self._replies.get("reaction") or ("🙂",)
        pick = zlib.crc32(cleaned.encode())  # varied by message, the same for the same message
        entries = self.knowledge.entries
        latest = self.knowledge.assessments[-1] if self.knowledge.assessments else None
        example = entries[pick % len(entries)].questions[0] if entries else ""
        text = replies[pick % len(replies)].format_map({
            "example": example,
            "assessment": latest.title if latest else "",
            "count": len(self.knowledge.assessments),
        })
        return Reply("small_talk", cleaned, small_talk=kind, text=text)

    def _accepted_suggestion(self, tokens: list[str], context: Context | None) -> Reply | None:
        """"yes" after a "Did you mean": the first entry offered."""
        if context is None or not context.suggestions or not self._accept.whole(tokens):
            return None
        entry = self.knowledge.entry(context.suggestions[0])
        if entry is None:
            return None
        result = Result(entry.questions[0], True, 100.0, entry, ())
        return Reply("answer", entry.questions[0], result=result, entry=entry, follow_up_of=entry.id)

    # -- questions ----------------------------------------------------------------------------------

    def _is_question(self, tokens: Sequence[str], text: str) -> bool:
        """A question mark, a question word or request ("tell", "explain") first after any fillers, or a
        question word last ("agree to what")."""
        if text.rstrip().endswith("?"):
            return True
        content = [t for t in tokens if t not in self._fillers]
        return bool(content) and (content[0] in self._openers or content[-1] in self._wh_words)

    def _asks_about_the_bot(self, question: str, declined: Reply) -> bool:
        """A question put to "you" that the article does not answer ("do u speak russian", "what r u
        for"): a question about the bot itself, not a near-topic one with a reason to give."""
        result = declined.result
        if result is None or result.reason or declined.entry is not None:
            return False
        content = [t for t in key_words(question) if t not in self._fillers]
        return self._is_question(content, question) and any(t in self._second_person for t in content[:SECOND_PERSON_WITHIN])

    def _asks_the_bot(self, message: str, question: str) -> bool:
        """In a listen channel: a question that addresses the bot, or names the article without being put
        to the other people there."""
        raw = key_words(message.replace("!ask", " bot "))
        tokens = self._unaddressed(key_words(question))
        if not self._is_question(tokens, question):
            return False
        if self._address.anywhere(raw):
            return True
        if not self._article.anywhere(tokens):
            return False
        asks_others = self._others.anywhere(tokens) or any(self._tags.whole(tokens[-n:]) for n in (1, 2) if len(tokens) > n)
        return not asks_others

    # -- the series -----------------------------------------------------------------------------------

    def _answer(self, question: str, context: Context | None, assessment: str | None = None) -> Reply:
        """The reply to a question: within the assessment it names (or `assessment`), else from any."""
        reference = self.series.reference(question)
        if reference is None:
            return self._answer_within(question, context, assessment)
        if reference.assessment is None:
            return self._no_such_assessment(question, reference)
        reply = self._answer_within(reference.question, context, reference.assessment.id)
        # The question as asked, not as read ("who wrote the first assessment?", not "... the assessment").
        asked = clean(question)
        result = replace(reply.result, question=asked) if reply.result else None
        return replace(reply, question=asked, result=result)

    def _no_such_assessment(self, question: str, reference: Reference) -> Reply:
        series = self.knowledge.assessments
        known = ", ".join(self._name(a) for a in series)
        reason = (f"The series holds no “{reference.named}”: I know {len(series)} assessment"
                  f"{'s' if len(series) != 1 else ''}, {known}.")
        result = Result(clean(question), False, 0.0, None, (), reason=reason)
        return Reply("decline", result.question, result=result)

    def _name(self, assessment: Assessment) -> str:
        """"no. 2 (June 2025)": an assessment as a reply names it."""
        return f"no. {self.knowledge.number_of(assessment)} ({assessment.published.date:%B %Y})"

    def _whats_new(self, question: str, asked: WhatsNewQuestion) -> Reply:
        """"What changed since the last assessment?": the `whats_new` of the assessment it asks about,
        or an honest decline (no such assessment, none after it, or no summary of what is new)."""
        named = asked.reference.assessment
        if named is None:
            return self._no_such_assessment(question, asked.reference)
        found = [(a, self.knowledge.whats_new_entry(a)) for a in asked.assessments]
        if len(found) == 1 and found[0][1] is not None:
            assessment, entry = found[0]
            result = Result(question, True, 100.0, entry, ())
            return Reply("answer", question, result=result, entry=entry, assessment_id=assessment.id)
        offered = tuple(Suggestion(e.id, e.questions[0], 100.0, a.id) for a, e in found if e is not None)
        if not found:
            reason = f"Assessment {self._name(named)} is the latest: there is none after it yet."
        elif len(found) == 1:
            reason = f"Assessment {self._name(found[0][0])} has no summary of what is new in it."
        elif offered:
            reason = "Each assessment says what is new since the one before it: pick one."
        else:
            reason = f"None of the assessments after {self._name(named)} has a summary of what is new in it."
        result = Result(question, False, 0.0, None, offered, reason=reason)
        return Reply("decline", question, result=result, assessment_id=found[0][0].id if len(found) == 1 else None)

    # -- questions, in context ------------------------------------------------------------------------

    def _answer_within(self, question: str, context: Context | None, assessment: str | None) -> Reply:
        """The reply to `question`, within `assessment` when given, else from any assessment; a follow-up
        is read within the assessment of the answer it follows."""
        topic = self.knowledge.entry(context.entry_id, context.assessment_id) if context and context.entry_id else None
        within = assessment or (topic.assessment_id if topic else None)
        tokens = key_words(question)
        if topic is not None:  # ("tell me more" was taken by `respond`, before small talk)
            direction = self._chronology.whole(tokens) or self._chronology.whole(self._unaddressed(list(tokens)))
            if direction is not None:
                return self._neighbour_in_time(question, topic, direction)
        standalone = self.engine.answer(question, assessment)
        if assessment is None:
            standalone = self._in_conversation(standalone, context)
        if topic is None:
            return self._checked(standalone, question, scope=assessment)
        if not self._incomplete(tokens, topic) and (standalone.matched or not self._continues(tokens)):
            # A complete question is answered on its own: context never hijacks it. Only one that opens
            # by continuing ("and whats the link to the talks") and finds no answer alone is read in context.
            return self._checked(standalone, question, scope=assessment)
        detail = self._detail_not_given(question, tokens, topic, within)
        if detail is not None:
            return self._checked(detail, question, follow_up_of=topic.id, scope=within)
        contextual = self.engine.answer(self._with_topic(tokens, topic), within)
        contextual = replace(contextual, question=standalone.question)
        if contextual.matched:
            return self._checked(contextual, question, follow_up_of=topic.id, scope=within)
        if standalone.matched and self._own_topic(tokens):
            return self._checked(standalone, question, scope=assessment)
        return self._checked(contextual, question, follow_up_of=topic.id, scope=within)

    def _in_conversation(self, result: Result, context: Context | None) -> Result:
        """An answer from an entry that several assessments hold ("author"), taken from the assessment
        the conversation is about when that one holds it too, rather than from the latest."""
        entry = result.entry
        if entry is None or context is None or not context.assessment_id or context.assessment_id == entry.assessment_id:
            return result
        own = self.knowledge.entry(entry.id, context.assessment_id)
        return replace(result, entry=own) if own is not None else result

    def _detail_not_given(self, question: str, tokens: Sequence[str], topic: Entry, within: str | None) -> Result | None:
        """A follow-up naming a detail of the last answer's topic that the article does not give ("which
        areas?" after the Kremlin's demands): the decline of the out-of-scope kind about it, or None.

        Read on its own words, the follow-up's best match within the topic (documents close in meaning to
        the last answer's entry) is that kind, not an entry."""
        if not self._own_topic(tokens):
            return None
        engine = self.engine
        affinity = engine.affinity(topic)
        ranked = engine.ranking(engine.candidates(question, within))
        within = [(i, score) for i, score in ranked if affinity[i] >= TOPIC_AFFINITY]
        if not within:
            return None
        best, score = within[0]
        kind = engine.documents[best]
        if isinstance(kind, Entry) or score < engine.tuning.answer_threshold:
            return None
        return Result(clean(question), False, round(score, 1), None, engine.suggestions(ranked), kind.reason)

    def _checked(self, result: Result, question: str, follow_up_of: str | None = None, scope: str | None = None) -> Reply:
        """The reply for an engine result, never a bare restatement where the question asks for what the
        answer does not give: a why-question answered by an entry that gives no reason, or a question
        for a figure answered by an entry that holds none, is told so first, with what the article does
        report offered instead."""
        entry = result.entry
        if entry is None:
            return Reply("decline", result.question, result=result, follow_up_of=follow_up_of, assessment_id=scope)
        missing = self._missing(key_words(question), entry)
        if missing is None:
            return Reply("answer", result.question, result=result, follow_up_of=follow_up_of, entry=entry, assessment_id=scope)
        offered = (Suggestion(entry.id, entry.questions[0], result.score, entry.assessment_id),)
        declined = Result(result.question, False, result.score, None, offered, reason=missing)
        return Reply("decline", result.question, result=declined, follow_up_of=follow_up_of, entry=entry, assessment_id=scope)

    def _missing(self, tokens: Sequence[str], entry: Entry) -> str | None:
        """What the question asks for that `entry`'s answer does not give, as the bot says it; or None."""
        content = [t for t in tokens if t not in self._fillers]
        if self._reason.anywhere(content[:REASON_WITHIN]) and not entry.gives_reasons:
            return NO_REASON
        if self._number.anywhere(content) and not _FIGURE.search(entry.answer):
            return NO_FIGURE
        if self._time.anywhere(content[:REASON_WITHIN]) and not self._dates(entry):
            return NO_DATE
        return self._admitted(tokens, entry)

    def _tokens(self, text: str) -> set[str]:
        """The words of `text` as the engine weighs them (stems, synonyms, no stopwords), question words aside."""
        return set(self.engine.normalizer.tokens(words(clean(text)))) - QUESTION_WORDS

    def _split_admissions(self, entry: Entry) -> tuple[list[tuple[str, set[str]]], set[str]]:
        """`entry`'s answer as (its sentences saying what the article does not give, with their words),
        and the words of the rest of it."""
        admissions, rest = [], set()
        for position, sentence in enumerate(_SENTENCE.split(entry.answer)):
            for clause in _CLAUSE.split(sentence):
                # In the first two sentences, what the article does not give is already said first.
                if position >= SAID_FIRST and self._not_given.anywhere(key_words(clause)):
                    admissions.append((sentence, self._tokens(clause) - self._admission_words))
                else:
                    rest |= self._tokens(clause)
        # What the entry's own phrasings ask about is what its answer answers, admission or not.
        for question in entry.questions:
            rest |= self._tokens(question)
        return admissions, rest

    def _admitted(self, tokens: Sequence[str], entry: Entry) -> str | None:
        """The sentence of `entry`'s answer saying the article does not give what the question asks
        ("did trump and putin meet after this?": "... no report of one taking place"): the question's
        own words that the rest of the answer lacks are in that sentence."""
        if entry.key not in self._admissions:
            self._admissions[entry.key] = self._split_admissions(entry)
        admissions, rest = self._admissions[entry.key]
        asked = self._tokens(" ".join(tokens)) - rest
        for sentence, said in admissions:
            if asked & said:
                return sentence
        return None

    def _dates(self, entry: Entry) -> bool:
        """Whether `entry` dates what it reports: a timeline event it quotes, or a date in its answer,
        unless the answer says the article gives no date ("not whether or when it was carried out")."""
        answer = key_words(entry.answer)
        if self._no_date.anywhere(answer):
            return False
        return bool(self._map.events(entry)) or any(w in self._dated or w.isdigit() for w in answer)

    def _is_stopword(self, token: str) -> bool:
        """Whether `token` (a key word: repeated letters squeezed, "tell" is "tel") is a vocabulary stopword."""
        return stem(token) in self._stopwords or token in self._stopwords

    def _points_back(self, tokens: Sequence[str]) -> bool:
        """A pronoun ("who signed it?"), or a demonstrative with no noun after it ("when was that?")."""
        for i, token in enumerate(tokens):
            if token in self._pointers:
                return True
            if token in self._demonstratives:
                following = tokens[i + 1] if i + 1 < len(tokens) else None
                if following is None or self._is_stopword(following) or following in self._pointers:
                    return True
        return False

    def _content(self, tokens: Sequence[str], *, keep_pointers: bool = True) -> list[str]:
        """`tokens` without fillers, stopwords and the bot's name (and pointers, unless kept)."""
        dropped = self._fillers | (frozenset() if keep_pointers else self._pointers | self._demonstratives)
        kept = [t for t in self._unaddressed(list(tokens)) if t not in dropped]
        return [t for t in kept if not self._is_stopword(t) or (keep_pointers and t in self._pointers | self._demonstratives)]

    def _own_topic(self, tokens: Sequence[str]) -> list[str]:
        """The words that say what the question is about: not question words, people, pointers, or
        verbs of reacting ("how did kyiv respond to it?" has none)."""
        rest = self._content(tokens, keep_pointers=False)
        i = 0
        while i < len(rest):
            party = self._parties.opening(rest[i:])
            if party:
                del rest[i : i + party[1]]
            else:
                i += 1
        return [t for t in rest if t not in self._openers and stem(t) not in QUESTION_WORDS and stem(t) not in self._elliptical]

    def _incomplete(self, tokens: Sequence[str], last: Entry) -> bool:
        """A question to read against the last answer: it points back ("who signed it?"), names no topic
        of its own ("how did kyiv respond?", "and russia?"), is a bare "what X" ("which areas"), or asks
        what kind of something the last answer named ("what kind of sanctions")."""
        if self._points_back(tokens):
            return True
        topic = self._own_topic(tokens)
        if not topic:
            return True
        # "which areas?", "what sanctions?": a bare which-noun asks which of the last answer's.
        asked = [t for t in self._unaddressed(list(tokens)) if t not in self._fillers]
        if len(asked) == 2 and asked[0] in self._determiners and asked[1] == topic[0]:
            return True
        kind_of = len(asked) > 3 and asked[0] in self._determiners and asked[1] in _KINDS and asked[2] == "of"
        return kind_of and bool(self._tokens(asked[3]) & self._tokens(last.answer))

    def _continues(self, tokens: Sequence[str]) -> bool:
        """A question that opens by continuing ("and whats the link to the talks", "so what did he
        achieve"): read against the last answer when it is not answered on its own."""
        unaddressed = self._unaddressed(list(tokens))
        return bool(unaddressed) and unaddressed[0] in self._continuations

    def _with_topic(self, tokens: Sequence[str], topic: Entry) -> str:
        """The follow-up with the earlier answer's topic spelled in: "when was that" -> "when was <topic>"."""
        kept = [t for t in tokens if t not in self._pointers and t not in self._demonstratives]
        return " ".join([*kept, *self.engine.topic_words(topic, TOPIC_WORDS)])

    # -- more, and the timeline ---------------------------------------------------------------------

    def _asks_more(self, tokens: Sequence[str], topic: Entry) -> bool:
        """"tell me more", "where does it say that", "more about that": more of the last answer."""
        content = self._content(tokens, keep_pointers=False)
        if self._more.whole(tokens) or (content and self._more.whole(content)):
            return True
        opening = self._more.opening(content)
        if opening is None:
            return False
        rest = [t for t in content[opening[1]:] if t not in ("about", "on", "of", "abt")]
        if not rest:
            return True
        # "tell me more about the minerals deal": more of the last answer only if it is the same topic.
        asked = self.engine.answer(" ".join(rest), topic.assessment_id)
        return asked.entry is not None and asked.entry.key == topic.key

    def _more_of(self, tokens: Sequence[str], topic: Entry) -> Reply:
        """More of the last answer: all its quotes, and the entries next to it in the article."""
        related = tuple(
            Suggestion(e.id, e.questions[0], 0.0, e.assessment_id) for e in self._map.related(topic)[:RELATED_LIMIT]
        )
        question = " ".join(tokens)
        result = Result(question, True, 100.0, topic, related)
        return Reply("more", question, result=result, follow_up_of=topic.id, entry=topic, related=related)

    def _neighbour_in_time(self, question: str, topic: Entry, direction: str) -> Reply:
        """"what came next" / "what came before": the entry of the timeline's next (or previous) event."""
        entry = self._map.neighbour_in_time(topic, direction)
        if entry is None:
            result = Result(question, False, 0.0, None, (), reason=(
                "The article has nothing after that in its timeline." if direction == "next"
                else "The article has nothing before that in its timeline."))
            return Reply("decline", question, result=result, follow_up_of=topic.id)
        result = Result(question, True, 100.0, entry, ())
        return Reply("answer", question, result=result, follow_up_of=topic.id, entry=entry)


def _strongest(kinds: Sequence[str]) -> str:
    """The kind that says most of a chain of small talk: "great thanks" thanks, "ok bye" says goodbye."""
    order = ("thanks", "goodbye", "about-bot", "greeting", "agreement", "reaction")
    return min(kinds, key=order.index)

