"""What the bot says, as Discord-free cards that fit Discord's embed limits and also print as text.

One function per kind of reply renders it for every channel: slash commands, mentions, DMs and the console.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.chronology import date_label, numbers_label, overview, reporters, span_label
from bot.conversation import Reply
from bot.knowledge import Assessment, Entry, Event, KnowledgeBase
from bot.matching import Result, Suggestion

# Discord's documented limits, in one place for every edge.
TITLE_LIMIT = 256
DESCRIPTION_LIMIT = 4096
FIELD_NAME_LIMIT = 256
FIELD_VALUE_LIMIT = 1024
FOOTER_LIMIT = 2048
FIELDS_LIMIT = 25
EMBED_TOTAL_LIMIT = 6000
CONTENT_LIMIT = 2000        # a message's text
CHOICE_LIMIT = 100          # an autocomplete choice's name and value
AUTOCOMPLETE_CHOICES = 25
BUTTON_LABEL_LIMIT = 80
CUSTOM_ID_LIMIT = 100       # a component's custom id: ids (64) and actors (40) are capped to fit
TIMELINE_PAGE_CHARS = 3500  # leaves room in a 6,000-character embed for title, footer and quotes

QUOTE_MARK = "> "


def clip(text: str, limit: int) -> str:
    """`text` cut to `limit` characters, marking the cut with an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Card:
    """What one reply shows; every part is clipped to Discord's embed limits as the card is made."""

    title: str
    description: str
    fields: tuple[tuple[str, str], ...] = ()
    footer: str = ""
    kind: str = "answer"
    image: str = ""  # the file name of a picture sent with the card, shown inside it

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", clip(self.title, TITLE_LIMIT))
        object.__setattr__(self, "description", clip(self.description, DESCRIPTION_LIMIT))
        fields = tuple((clip(n, FIELD_NAME_LIMIT), clip(v, FIELD_VALUE_LIMIT)) for n, v in self.fields[:FIELDS_LIMIT])
        object.__setattr__(self, "fields", fields)
        object.__setattr__(self, "footer", clip(self.footer, FOOTER_LIMIT))
        # Over the 6,000 characters an embed may hold in all: shorten the description, then drop fields
        # from the end, so the card always fits however many there are.
        overflow = self.size() - EMBED_TOTAL_LIMIT
        if overflow > 0:
            object.__setattr__(self, "description", clip(self.description, max(len(self.description) - overflow, 1)))
        while self.size() > EMBED_TOTAL_LIMIT and self.fields:
            object.__setattr__(self, "fields", self.fields[:-1])

    def size(self) -> int:
        return len(self.title) + len(self.description) + len(self.footer) + sum(len(n) + len(v) for n, v in self.fields)

    def as_text(self) -> str:
        if not self.title:
            return self.description
        parts = [self.title, "", self.description]
        for name, value in self.fields:
            parts += ["", f"{name}:", value]
        if self.footer:
            parts += ["", f"— {self.footer}"]
        return "\n".join(parts)


def byline(assessment: Assessment) -> str:
    return f"{assessment.title} — {assessment.author}, {assessment.publisher}"


def series_label(assessment: Assessment, knowledge: KnowledgeBase) -> str:
    """"Assessment no. 2, Jun 20, 2025": which assessment of the series, by number and date."""
    published = date_label(assessment.published.date, assessment.published.precision)
    return f"Assessment no. {knowledge.number_of(assessment)}, {published}"


def answer_byline(assessment: Assessment, knowledge: KnowledgeBase) -> str:
    """The byline under an answer; once the series holds more than one assessment, it also names which."""
    if len(knowledge.assessments) < 2:
        return byline(assessment)
    return f"{series_label(assessment, knowledge)} · {byline(assessment)}"


def quote_block(quotes: tuple[str, ...], limit: int = FIELD_VALUE_LIMIT) -> str:
    return clip("\n".join(f"{QUOTE_MARK}{q}" for q in quotes), limit)


def _entry_card(entry: Entry, title: str, knowledge: KnowledgeBase) -> Card:
    return Card(
        title=title,
        description=entry.answer,
        fields=(("From the article", quote_block(entry.sources)),) if entry.sources else (),
        footer=answer_byline(knowledge.assessment(entry.assessment_id), knowledge),
    )


def render_answer(result: Result, knowledge: KnowledgeBase) -> Card:
    """The reply to a question: the answer with its quoted source, or a decline with suggestions."""
    if result.entry is not None:
        return _entry_card(result.entry, result.question or result.entry.questions[0], knowledge)
    lines = [f"{result.reason} I won't guess." if result.reason else "The assessment doesn't cover that, so I won't guess."]
    if result.suggestions:
        lines += ["", "Did you mean:"] + [f"• {s.question}" for s in result.suggestions]
    return Card(title=result.question or "Question", description="\n".join(lines), kind="decline")


def render_reply(reply: Reply, knowledge: KnowledgeBase) -> Card | None:
    """What the bot says to a message, for every channel it reaches; None when it stays silent."""
    if reply.kind == "silent":
        return None
    if reply.kind == "help":
        return render_help()
    if reply.kind == "small_talk":
        return Card(title="", description=reply.text or "", kind="small_talk")
    if reply.kind == "more" and reply.entry is not None:
        return render_more(reply.entry, reply.related, knowledge)
    assert reply.result is not None
    if reply.kind == "decline" and reply.entry is not None:
        return render_not_stated(reply.result, reply.entry, knowledge)
    return render_answer(reply.result, knowledge)


def render_not_stated(result: Result, entry: Entry, knowledge: KnowledgeBase) -> Card:
    """A question the article answers only in part: what it does not say first, then what it does report."""
    return Card(
        title=result.question or entry.questions[0],
        description=f"{result.reason} What it does report:\n\n{entry.answer}",
        fields=(("From the article", quote_block(entry.sources)),),
        footer=answer_byline(knowledge.assessment(entry.assessment_id), knowledge),
        kind="decline",
    )


def render_more(entry: Entry, related: tuple[Suggestion, ...], knowledge: KnowledgeBase) -> Card:
    """More of an answer: every quote in full, each in its own field, and the entries next to it."""
    fields = [(f"From the article ({n} of {len(entry.sources)})" if len(entry.sources) > 1 else "From the article",
               quote_block((quote,))) for n, quote in enumerate(entry.sources, start=1)]
    if related:
        fields.append(("Related", "\n".join(f"• {s.question}" for s in related)))
    return Card(
        title=f"More on: {entry.questions[0]}",
        description=entry.answer,
        fields=tuple(fields[: FIELDS_LIMIT]),
        footer=answer_byline(knowledge.assessment(entry.assessment_id), knowledge),
    )


def render_entry(entry_id: str, knowledge: KnowledgeBase) -> Card | None:
    """An entry shown directly, as when a "Did you mean" suggestion is chosen; `entry_id` is its key
    (a plain id: the first assessment's)."""
    entry = knowledge.entry(entry_id)
    return _entry_card(entry, entry.questions[0], knowledge) if entry else None


def event_line(event: Event) -> str:
    return f"**{date_label(event.date, event.precision)}** (“{event.when}”): {event.event}"


def worked_out_from(knowledge: KnowledgeBase, assessment_ids: Iterable[str]) -> str:
    """Whose articles a timeline's dates come from: "the article (John E. Herbst)"; once the series
    holds several assessments, each named by its number too: "the articles (No. 1, John E. Herbst;
    No. 2, Mara Testwell)"."""
    wanted = set(assessment_ids)
    shown = [a for a in knowledge.assessments if a.id in wanted]
    if len(knowledge.assessments) < 2:
        return f"the article ({', '.join(sorted({a.author for a in shown}))})"
    named = "; ".join(f"No. {knowledge.number_of(a)}, {a.author}" for a in shown)
    return f"the article{'s' * (len(shown) != 1)} ({named})"


def reported_in(knowledge: KnowledgeBase, event: Event, assessment_id: str | None = None) -> str:
    """Which assessments report `event`, as a timeline line says it ("Nos. 1 and 2"): in a series, for
    every event of the whole timeline, and in one assessment's for those others report too; "" otherwise
    (a knowledge base of one assessment, or an event only the assessment shown reports)."""
    reported = reporters(knowledge, event)
    if len(knowledge.assessments) < 2 or (assessment_id is not None and len(reported) < 2):
        return ""
    return numbers_label(knowledge.number_of(a) for a in reported)


def _assessment_scope(knowledge: KnowledgeBase, assessment_id: str | None) -> str:
    """" of assessment no. 2" for a timeline of one assessment in a series; "" otherwise."""
    if assessment_id is None or len(knowledge.assessments) < 2 or knowledge.find_assessment(assessment_id) is None:
        return ""
    return f" of assessment no. {knowledge.number_of(assessment_id)}"


def render_timeline(knowledge: KnowledgeBase, actor: str | None = None, assessment_id: str | None = None) -> list[Card]:
    """The timeline (the series merged, or one assessment's in its own words), oldest first, paged so that
    each card fits one embed. In a series, each line names the assessments reporting its event; shown
    alone, one assessment's lines name them only for the events others report too."""
    if assessment_id is None or knowledge.find_assessment(assessment_id) is not None:
        events = knowledge.events_of(actor, assessment_id)
    else:
        events = ()
    name = (knowledge.actor(actor) or actor) if actor else None
    title = "Timeline" + _assessment_scope(knowledge, assessment_id) + (f": {name}" if name else "")
    if not events:
        return [Card(title=title, description=f"No events in the timeline involve {name}." if name
                     else "The timeline has no events yet.", kind="timeline")]
    pages: list[list[str]] = [[]]
    sources: dict[str, None] = {}
    for event in events:  # the whole series: every assessment reporting an event; one alone: its own words
        sources.update(dict.fromkeys(reporters(knowledge, event) if assessment_id is None else (assessment_id,)))
        reported = reported_in(knowledge, event, assessment_id)
        line = clip(event_line(event) + (f" · *{reported}*" if reported else ""), TIMELINE_PAGE_CHARS)
        if pages[-1] and sum(len(x) + 1 for x in pages[-1]) + len(line) > TIMELINE_PAGE_CHARS:
            pages.append([])
        pages[-1].append(line)
    return [
        Card(
            title=title,
            description="\n".join(lines),
            footer=f"Page {number} of {len(pages)} · Dates worked out from {worked_out_from(knowledge, sources)}",
            kind="timeline",
        )
        for number, lines in enumerate(pages, start=1)
    ]


def render_timeline_summary(knowledge: KnowledgeBase, assessment_id: str | None = None, image: str = "") -> Card:
    """The timeline at a glance: its span, then each phase with its dates and a line or two. `image` names
    the picture that goes with it (bot/timeline_picture.py), whose numbered bands match the fields. In a
    series, each phase names its assessment ("No. 2"); one assessment shown alone is named in the title."""
    view = overview(knowledge, assessment_id)
    if view.start is None or view.end is None:
        return Card(title="Timeline", description="The timeline has no events yet.", kind="timeline")
    within, outside = view.within, view.outside
    counted = f"{len(within):,} event{'s' * (len(within) != 1)}"
    if assessment_id is None:  # every assessment reporting an event or writing a phase
        sources = dict.fromkeys(a for e in view.events for a in reporters(knowledge, e))
        sources.update(dict.fromkeys(p.assessment_id for p in view.phases))
    else:  # one assessment, in its own words
        sources = {assessment_id: None}
    grouped_by = "the assessments do" if len(sources) > 1 else "the assessment does"
    lines = [f"{counted} in {len(view.phases):,} phase{'s' * (len(view.phases) != 1)}." if view.phases
             else f"{counted}; {grouped_by} not group them into phases yet."]
    if outside:
        earlier = [e for e in outside if e.date < view.start]
        if len(earlier) == 1:  # background the article recalls, such as an event years before
            first = earlier[0]
            lines.append(f"Before them: {date_label(first.date, first.precision)}, {_first_clause(first.event)}")
        elif earlier:
            lines.append(f"Before them: {len(earlier)} earlier events.")
        if later := len(outside) - len(earlier):
            lines.append(f"After them: {later} later event{'s' * (later != 1)}.")
    marks = [f" · {numbers_label((n,))}" for n in view.phase_numbers] or [""] * len(view.phases)
    fields = tuple((f"{n}. {span_label(p.start, p.end, with_year=False)} · {p.title}{mark}", p.summary)
                   for n, (p, mark) in enumerate(zip(view.phases, marks), start=1))
    return Card(
        title=f"Timeline{_assessment_scope(knowledge, assessment_id)}: {view.label}",
        description="\n".join(lines),
        fields=fields,
        footer=f"Phases and dates worked out from {worked_out_from(knowledge, sources)}",
        kind="timeline",
        image=image,
    )


def _first_clause(text: str) -> str:
    """An event's text up to its first semicolon, as a clause after a colon ("Russian atrocities ... were revealed.")."""
    clause = clip(text.split(";", 1)[0].rstrip("."), 200)
    return clause + ("" if clause.endswith("…") else ".")


def render_event(event: Event, knowledge: KnowledgeBase) -> Card:
    """One event in full: when, who, and its quote. An event that several assessments report is
    quoted from each, and the footer names them all."""
    reported = reporters(knowledge, event)
    own = [(a, knowledge.event(event.id, a)) for a in reported]
    quoted = [(a, found) for a, found in own if found is not None]
    if len(quoted) > 1:
        quotes = tuple((f"From assessment no. {knowledge.number_of(a)}", quote_block(found.sources)) for a, found in quoted)
        named = " and ".join(f"no. {knowledge.number_of(a)} ({knowledge.assessment(a).author})" for a, _ in quoted)
        footer = f"Reported by assessments {named}"
    else:
        quotes = (("From the article", quote_block(event.sources)),)
        footer = answer_byline(knowledge.assessment(event.assessment_id), knowledge)
    return Card(
        title=f"{date_label(event.date, event.precision)} (“{event.when}”)",
        description=event.event,
        fields=(("Who", ", ".join(event.actors)), ("Date precision", event.precision), *quotes),
        footer=footer,
        kind="timeline",
    )


def render_about(knowledge: KnowledgeBase, assessment: Assessment | None = None) -> Card:
    """One assessment (the latest unless another is given): title, number, author, publisher, date."""
    shown = assessment or knowledge.latest
    count = len(knowledge.assessments)
    role = f" ({shown.author_role})" if shown.author_role else ""
    published = date_label(shown.published.date, shown.published.precision)
    details = f"No. {knowledge.number_of(shown)} · {shown.author}{role}\n{shown.publisher}\nPublished: {published}"
    fields = [(clip(shown.title, FIELD_NAME_LIMIT), details)]
    if shown.whats_new is not None:
        fields.append(("What is new in it", shown.whats_new.summary))
    latest = " (the latest)" if shown == knowledge.latest and count > 1 else ""
    series = " `/assessments` lists them; `/about assessment:` shows another." if count > 1 else ""
    return Card(
        title="What I know",
        description=(f"I answer questions about {count} assessment{'s' if count != 1 else ''}, quoting the article."
                     f"{series}\n\nAssessment no. {knowledge.number_of(shown)}{latest}:"),
        fields=tuple(fields),
        kind="info",
    )


def assessment_line(assessment: Assessment, knowledge: KnowledgeBase) -> str:
    """One assessment of the series in a line: number, date, title, author, number of entries."""
    published = date_label(assessment.published.date, assessment.published.precision)
    entries = len(assessment.entries)
    return (f"No. {knowledge.number_of(assessment)} · {published} · {assessment.title} — {assessment.author} · "
            f"{entries} entr{'y' if entries == 1 else 'ies'}")


def render_assessments(knowledge: KnowledgeBase) -> Card:
    """The series, newest first, within one embed."""
    lines = [f"• {assessment_line(a, knowledge)}" for a in reversed(knowledge.assessments)]
    return Card(
        title=f"The assessments ({len(lines)})",
        description=_lines_within(lines, "\n…and {} older ones"),
        footer="Ask about one by naming it (“in the first assessment …”) or with /ask assessment:",
        kind="info",
    )


def _lines_within(lines: list[str], more: str) -> str:
    """As many of `lines` as fit an embed's description, then `more` with how many were left out."""
    text = ""
    for shown, line in enumerate(lines):
        rest = more.format(len(lines) - shown)
        if len(text) + len(line) + 1 + len(rest) > DESCRIPTION_LIMIT:
            return text + rest
        text += ("\n" if text else "") + line
    return text


def render_topics(knowledge: KnowledgeBase) -> Card:
    """One question per entry: everything the bot can answer, in the order of the article (a question
    several assessments share, "Who wrote the article?", once)."""
    lines = [f"• {question}" for question in dict.fromkeys(entry.questions[0] for entry in knowledge.entries)]
    return Card(
        title="What you can ask about",
        description=_lines_within(lines, "\n…and {} more: try /ask and its suggestions"),
        footer="Ask in your own words; /ask suggests questions as you type.",
        kind="info",
    )


HELP_TEXT = (
    "Ask me about the assessment in plain words, typos welcome.\n"
    "• `/ask question:` with autocomplete\n"
    "• mention me with a question, or send me a DM\n"
    "• `/timeline` for the timeline at a glance (its phases, with a picture), `actor:` for one actor's events, "
    "`event:` for one in full, `assessment:` for one assessment's\n"
    "• `/assessments` for the series, `/about` for one assessment, `/topics` for what to ask\n"
    "• name an assessment to ask about it alone: “who wrote the first assessment?”, `/ask assessment:`\n"
    "Every answer quotes the article; when the article doesn't say, I say so."
)


def render_help() -> Card:
    return Card(title="How to use me", description=HELP_TEXT, kind="info")
