"""The command line: `python -m bot ask|chat|assessments|timeline|validate|draft|run|report`, a thin edge over the core."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TextIO

from bot.chronology import reporters
from bot.config import ConfigError, Settings, load_settings
from bot.conversation import Context, Conversation, Reply
from bot.exit_codes import EXIT_PROBLEMS, EXIT_USAGE
from bot.knowledge import (
    MAX_PROBLEMS,
    KnowledgeBase,
    KnowledgeError,
    Problem,
    load_checked,
    load_knowledge,
    more_line,
    warning_line,
)
from bot.matching import Engine
from bot.render import assessment_line, date_label, render_reply, render_timeline_summary, reported_in
from bot.series import SeriesReader


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description="assessment-bot: answers questions about the Atlantic Council's assessments, quoting the article.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    ask = commands.add_parser("ask", help="answer one question, or one per line from standard input")
    ask.add_argument("question", nargs="?", help="the question; omit it to read questions from standard input, one a line")
    ask.add_argument("--json", action="store_true", help="write one JSON object per question (the stable interface for tools)")
    reading = ask.add_mutually_exclusive_group()
    reading.add_argument(
        "--conversation", action="store_true",
        help="read the lines as one conversation, each a reply to the bot's previous answer; a blank line starts a new one",
    )
    reading.add_argument(
        "--listen", action="store_true",
        help="read each line as a message from someone else in a channel the bot listens to: it replies only to questions put to it",
    )
    ask.add_argument("--assessment", metavar="WHICH",
                     help="answer within one assessment: its number, id, date or title, or 'latest' (default: any)")

    commands.add_parser("chat", help="talk to the bot in the console, without Discord")

    assessments = commands.add_parser("assessments", help="the assessments of the series: number, date, title, author, entries")
    assessments.add_argument("--json", action="store_true", help="write them as a JSON array")

    timeline = commands.add_parser("timeline", help="the events the assessments cover, in date order; or their summary and picture")
    timeline.add_argument("--json", action="store_true", help="write the events as a JSON array")
    timeline.add_argument("--actor", help="only events involving this actor (e.g. Russia, Ukraine, 'United States', Europe)")
    timeline.add_argument("--summary", action="store_true", help="the timeline at a glance: its span and phases, as /timeline shows them")
    timeline.add_argument("--png", metavar="FILE", type=Path, help="write the timeline picture that /timeline shows to FILE (PNG)")
    timeline.add_argument("--assessment", metavar="WHICH",
                          help="only one assessment's events and phases: its number, id, date or title, or 'latest' "
                               "(default: the whole series, an event reported by several once)")

    validate = commands.add_parser(
        "validate", help="check the knowledge base; exit 0 when valid (warnings listed), 1 listing every problem",
    )
    validate.add_argument("path", nargs="?", type=Path, help="knowledge directory (default: KNOWLEDGE_DIR, else the knowledge the bot came with)")
    validate.add_argument("--strict", action="store_true",
                          help="exit 1 on warnings too (review marks left by `draft`, why-questions answered without a reason)")

    draft = commands.add_parser(
        "draft", help="draft a knowledge file from an article's text, everything in it marked for review",
        description="Reads an article's text (UTF-8: the title on the first line, the author's bio line 'NAME is "
                    "the ROLE.' after the body) and writes a knowledge file that validates as it stands, with "
                    "entries quoting every sentence and a timeline event for every date, each marked `review:`; "
                    "the text is copied to sources/<id>.txt beside the file. Nothing is overwritten without --force.",
    )
    draft.add_argument("source", type=Path, help="the article's text file")
    draft.add_argument("--id", dest="assessment_id", metavar="ID",
                       help="the assessment's id (default: the author's surname and the publication month, e.g. herbst-2025-06)")
    draft.add_argument("--out", type=Path, metavar="FILE",
                       help="the knowledge file to write (default: KNOWLEDGE_DIR/<id>.yaml); the text goes to sources/<id>.txt beside it")
    draft.add_argument("--force", action="store_true", help="replace the knowledge file and the text if they exist")

    commands.add_parser("run", help="start the Discord bot (needs DISCORD_TOKEN)")

    report = commands.add_parser(
        "report", help="the most frequent unanswered and low-confidence questions, and the answers with the most 👎"
    )
    report.add_argument("--limit", type=int, default=20, help="how many of each to list (default 20)")
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 0
    try:
        settings = load_settings()
    except ConfigError as error:
        print(f"Configuration error:\n{error}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "validate":
        return validate(args.path or settings.knowledge_dir, strict=args.strict)
    if args.command == "draft":
        return draft(args.source, settings.knowledge_dir, args.out, args.assessment_id, args.force)
    if args.command == "run":
        return run(settings)
    if args.command == "report":
        return report(settings, args.limit)
    try:
        knowledge = load_knowledge(settings.knowledge_dir)
    except KnowledgeError as error:
        print(_problems_report(error), file=sys.stderr)
        return EXIT_PROBLEMS
    within = None
    if getattr(args, "assessment", None):  # ask and timeline: within one assessment of the series
        within = SeriesReader(knowledge).resolve(args.assessment)
        if within is None:
            print(f"No assessment matches {args.assessment!r}. The series:\n{_series_lines(knowledge)}", file=sys.stderr)
            return EXIT_USAGE
    if args.command == "ask":
        conversation = Conversation(Engine(knowledge, cache_dir=settings.cache_dir))
        lines = [args.question] if args.question is not None else _lines(sys.stdin, keep_blank=args.conversation)
        return ask(conversation, lines, as_json=args.json, out=sys.stdout, in_context=args.conversation, listening=args.listen,
                   assessment=within.id if within else None)
    if args.command == "assessments":
        return assessments(knowledge, as_json=args.json)
    if args.command == "chat":
        return chat(Conversation(Engine(knowledge, cache_dir=settings.cache_dir)))
    if args.command == "timeline":
        if (args.summary or args.png) and (args.actor or args.json):
            parser.error("--summary and --png show the whole timeline: use them without --actor and --json")
        scope = within.id if within else None
        if args.summary or args.png:
            return timeline_summary(knowledge, summary=args.summary, png=args.png, assessment=scope)
        return timeline(knowledge, args.actor, as_json=args.json, assessment=scope)
    parser.error(f"unknown command {args.command}")
    return EXIT_USAGE


def _lines(stream: TextIO, keep_blank: bool = False) -> Iterable[str]:
    for line in stream:
        line = line.rstrip("\r\n")
        if line.strip() or keep_blank:
            yield line


def reply_json(question: str, reply: Reply, knowledge: KnowledgeBase) -> dict:
    """The stable JSON shape of the bot's response to one line; tools rely on these keys.

    `matched` is true when the bot answers from the article (in a listen channel: when it would post a
    reply there at all); small talk puts the bot's reply in `answer` with `matched` false. `entry` is the
    entry's id within its `assessment` (the same id may be in several); `assessment_number` is its place
    in the series, and `suggested_assessments` the assessment of each suggested entry.
    """
    result = reply.result
    entry = reply.entry if reply.answered else None
    related = reply.related if reply.kind == "more" else (result.suggestions if result and not entry else ())
    return {
        "question": question,
        "matched": reply.answered,
        "answer": entry.answer if entry else reply.text,
        "entry": entry.id if entry else None,
        "assessment": entry.assessment_id if entry else None,
        "assessment_number": knowledge.number_of(entry.assessment_id) if entry else None,
        "score": result.score if result else 0.0,
        "sources": list(entry.sources) if entry else [],
        "suggestions": [s.question for s in related],
        "suggested_entries": [s.entry_id for s in related],
        "suggested_assessments": [s.assessment_id or None for s in related],
        "reason": result.reason if result and not entry else None,
        "small_talk": reply.small_talk if reply.kind == "small_talk" else None,
        "follow_up_of": reply.follow_up_of,
        "kind": reply.kind,
    }


def ask(conversation: Conversation, lines: Iterable[str], as_json: bool, out: TextIO, *,
        in_context: bool = False, listening: bool = False, assessment: str | None = None) -> int:
    """Answers each line: on its own, as one conversation (`in_context`; a blank line starts a new one),
    or as messages in a listen channel (`listening`); within the assessment whose id is `assessment`
    when given."""
    context: Context | None = None
    for line in lines:
        if not line.strip():
            context = None
            continue
        reply = conversation.respond(line, context, listening=listening, assessment=assessment)
        if in_context:
            context = reply.context(context)
        if as_json:
            out.write(json.dumps(reply_json(line, reply, conversation.knowledge), ensure_ascii=False) + "\n")
        else:
            card = render_reply(reply, conversation.knowledge)
            out.write((card.as_text() if card else "(no reply: not a question put to the bot)") + "\n\n")
        out.flush()
    return 0


def chat(conversation: Conversation) -> int:
    """A console conversation: each question is read against the bot's previous answer, as in a DM."""
    print("Ask about the assessment (empty line or Ctrl-D to leave).")
    context: Context | None = None
    while True:
        try:
            line = input("you> ")
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if not line.strip() or line.strip().lower() in {"quit", "exit"}:
            return 0
        reply = conversation.respond(line, context)
        context = reply.context(context)
        card = render_reply(reply, conversation.knowledge)
        print(card.as_text() if card else "", end="\n\n")


def assessments(knowledge: KnowledgeBase, as_json: bool) -> int:
    """The series, oldest first: number, date, title, author and number of entries."""
    if as_json:
        rows = [
            {
                "number": knowledge.number_of(a), "id": a.id, "date": a.published.date.isoformat(),
                "precision": a.published.precision, "title": a.title, "author": a.author, "entries": len(a.entries),
            }
            for a in knowledge.assessments
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(_series_lines(knowledge))
    return 0


def _series_lines(knowledge: KnowledgeBase) -> str:
    return "\n".join(assessment_line(a, knowledge) for a in knowledge.assessments)


def timeline(knowledge: KnowledgeBase, actor: str | None, as_json: bool, assessment: str | None = None) -> int:
    """The events in date order (the series merged, or one assessment's in its own words), as text or JSON;
    `reported_by` lists the ids of every assessment reporting an event."""
    events = knowledge.events_of(actor, assessment)
    if not events:
        mentioned = {a for e in knowledge.events_of(None, assessment) for a in e.actors}
        known = ", ".join(a for a in knowledge.actors if a in mentioned)
        where = f"assessment no. {knowledge.number_of(assessment)}'s timeline" if assessment else "the timeline"
        if not actor or not known:
            print(f"No events in {where}.", file=sys.stderr)
        else:
            print(f"No events involve {actor!r}. Actors in {where}: {known}.", file=sys.stderr)
        return EXIT_PROBLEMS
    if as_json:
        rows = [
            {
                "id": e.id, "assessment": e.assessment_id, "date": e.date.isoformat(), "precision": e.precision,
                "when": e.when, "event": e.event, "actors": list(e.actors), "sources": list(e.sources),
                "reported_by": list(reporters(knowledge, e)),
            }
            for e in events
        ]
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for event in events:
        reported = reported_in(knowledge, event, assessment)
        print(f"{date_label(event.date, event.precision)} · “{event.when}”{f' · {reported}' if reported else ''}\n"
              f"    {event.event} [{', '.join(event.actors)}]")
    return 0


def timeline_summary(knowledge: KnowledgeBase, summary: bool, png: Path | None, assessment: str | None = None) -> int:
    """Prints the summary, writes the picture to `png`, or both: of the series, or of one assessment."""
    if summary:
        print(render_timeline_summary(knowledge, assessment).as_text())
    if png is None:
        return 0
    from bot.timeline_picture import timeline_picture  # Pillow is only loaded to draw

    picture = timeline_picture(knowledge, assessment)
    if picture is None:
        print("The timeline has no events to draw.", file=sys.stderr)
        return EXIT_PROBLEMS
    try:
        png.write_bytes(picture.png)
    except OSError as error:
        print(f"Cannot write the picture to {png}: {error.strerror or error}", file=sys.stderr)
        return EXIT_PROBLEMS
    print(f"Wrote the timeline picture to {png} ({picture.width}×{picture.height} pixels, {len(picture.png) / 1024:.0f} KB).")
    return 0


def validate(path: Path, strict: bool = False) -> int:
    """Lists every problem, then every warning; exit 1 on a problem, or on a warning when `strict`."""
    try:
        checked = load_checked(path)
    except KnowledgeError as error:
        print(_problems_report(error, _warnings_text(error.warnings)))
        return EXIT_PROBLEMS
    knowledge, warnings = checked.knowledge, checked.warnings
    if warnings:
        print(_warnings_text(warnings))
    entries = len(knowledge.entries)
    events = len(knowledge.timeline)
    declined = len(knowledge.out_of_scope)
    print(f"OK: {len(knowledge.assessments)} assessment(s), {entries} entries, {events} timeline events, "
          f"{declined} out-of-scope kinds in {path}")
    if not warnings:
        return 0
    count = f"{len(warnings):,} warning{'s' if len(warnings) != 1 else ''}"
    if strict:
        print(f"{count}: --strict fails until they are resolved.")
        return EXIT_PROBLEMS
    print(f"{count} (the bot loads this knowledge; `validate --strict` fails until they are resolved).")
    return 0


def _warnings_text(warnings: Sequence[Problem]) -> str:
    """The first MAX_PROBLEMS warnings, one a line, then how many more."""
    lines = [warning_line(w) for w in warnings[:MAX_PROBLEMS]]
    if len(warnings) > MAX_PROBLEMS:
        lines.append(more_line(len(warnings) - MAX_PROBLEMS))
    return "\n".join(lines)


def draft(source: Path, knowledge_dir: Path, out: Path | None, assessment_id: str | None, force: bool) -> int:
    from bot.draft import DraftRefused, draft_file

    try:
        drafted = draft_file(source, knowledge_dir, out=out, assessment_id=assessment_id, force=force)
    except DraftRefused as error:
        print(f"Nothing drafted: {error}", file=sys.stderr)
        return EXIT_PROBLEMS
    written, result = drafted.written, drafted.draft
    copied = "copied to" if written.source_copied else "already in"
    print(f"Drafted {written.knowledge_file}: {len(result.entries)} entries and {len(result.events)} timeline events, "
          f"every item marked for review (the text {copied} {written.source_file}).")
    for note in result.notes:
        print(f"  {note}")
    if drafted.problems is not None:
        print(f"The knowledge in {written.knowledge_file.parent} does not validate:")
        print(_problems_report(drafted.problems))
        return EXIT_PROBLEMS
    print(f"Next: review each item marked `review:` (check it against the article, then delete that line), then run "
          f"`python -m bot validate {written.knowledge_file.parent}`; `--strict` fails while any mark remains.")
    return 0


def report(settings: Settings, limit: int) -> int:
    from bot.records import Records, format_report

    if not settings.database_path.exists():
        print(f"No records yet: {settings.database_path} does not exist (the bot creates it when it first records a question).")
        return 0
    # Entries recorded before the series (plain ids) belong to its first assessment, when the knowledge
    # says which that is; the report works without valid knowledge all the same.
    try:
        first = load_knowledge(settings.knowledge_dir).assessments[0].id
    except KnowledgeError:
        first = None
    # Read-only: the report never creates, migrates or purges the file, so it is safe beside a running bot.
    with Records(settings.database_path, settings.retention_days, read_only=True) as records:
        if not records.healthy:
            print(f"Cannot read the records database {records.path}: {records.problem}", file=sys.stderr)
            return EXIT_PROBLEMS
        print(format_report(records.unanswered(limit, first), records.votes(limit, first), records.low_confidence(limit, first)))
    return 0


def _problems_report(error: KnowledgeError, warnings: str = "") -> str:
    """The problems (the first ones, then how many more), any warnings, and their count."""
    count = error.count
    listed = f"{error}\n{warnings}" if warnings else str(error)
    also = f" and {len(error.warnings):,} warning{'s' if len(error.warnings) != 1 else ''}" if warnings else ""
    return f"{listed}\n{count:,} problem{'s' if count != 1 else ''}{also} found in the knowledge base."


def run(settings: Settings) -> int:
    try:
        token = settings.require_token()
    except ConfigError as error:
        print(f"Cannot start: {error}", file=sys.stderr)
        return EXIT_USAGE
    from bot.discord.runner import run_bot  # Discord is only imported when the bot really runs

    return run_bot(settings, token)
