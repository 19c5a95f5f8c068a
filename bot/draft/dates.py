"""Date expressions in an article's sentences ("April 30", "mid-March", "last weekend", "On Thursday",
"three years ago", "that same month") and the ISO date and precision each stands for, reckoned from the
publication date.

The precisions are the knowledge format's: a day; a week (the date is a representative day of it: the
Monday of "this week", the Saturday of "last weekend"); part of a month (early, mid, late: the 5th, 15th,
25th); a month (its 1st); a year (January 1).
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {name: number for number, name in enumerate(calendar.month_name) if name}
WEEKDAYS = {name: number for number, name in enumerate(calendar.day_name)}
NUMBER_WORDS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}
PARTS = {"early": 5, "mid": 15, "late": 25}

_MONTH = "(?P<month>" + "|".join(MONTHS) + ")"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:19|20)\d\d)"
_COUNT = r"(?P<count>\d+|" + "|".join(NUMBER_WORDS) + ")"
_WEEKDAY = "(?P<weekday>" + "|".join(WEEKDAYS) + ")"
# Longest forms first: a match is never part of a longer one found before it.
_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = tuple((kind, re.compile(pattern)) for kind, pattern in (
    ("full", rf"\b{_MONTH} {_DAY},? {_YEAR}\b"),
    ("full", rf"\b{_DAY} {_MONTH},? {_YEAR}\b"),
    ("iso", r"\b(?P<iso>(?:19|20)\d\d-[01]\d-[0-3]\d)\b"),
    ("part", rf"\b(?P<part>[Ee]arly|[Mm]id|[Ll]ate)[- ]{_MONTH}(?:,? {_YEAR})?\b"),
    ("month_day", rf"\b{_MONTH} {_DAY}\b(?!,? (?:19|20)\d\d)"),
    ("month", rf"\b{_MONTH},? {_YEAR}\b"),
    ("month", rf"\b(?:in|In|by|By|of|since|Since|until|through|during|from|to) (?P<expr>{_MONTH})\b"),
    ("weekday", rf"\b(?:(?P<relation>[Oo]n|[Ll]ast|[Tt]his|[Nn]ext|[Ss]ince) )?{_WEEKDAY}\b"),
    ("relative", r"\b(?:(?P<qualifier>[Ee]arlier|[Ll]ater) )?(?P<relation>[Ll]ast|[Tt]his|[Nn]ext) (?P<unit>weekend|week|month|year)\b"),
    ("ago", rf"\b{_COUNT} (?P<unit>day|week|month|year)s? ago\b"),
    ("day_word", r"\b(?P<word>[Yy]esterday|[Tt]omorrow)\b"),
    ("same", r"\b(?:[Tt]hat|[Tt]he) same (?P<unit>day|week|month|year)\b"),
    ("year", rf"\b(?:in|In|by|of|since|Since|until|through|during|from) (?P<expr>{_YEAR})\b"),
))


@dataclass(frozen=True)
class DateExpression:
    when: str        # the article's own words
    start: int       # where in the sentence
    date: dt.date
    precision: str   # day, week, part-of-month, month or year
    reckoning: str   # how the date was worked out, for the reviewer


def find_dates(sentence: str, published: dt.date, previous: DateExpression | None = None) -> list[DateExpression]:
    """Every date expression in `sentence`, in order, resolved against `published`; `previous`, the last
    expression before the sentence, resolves "that same month"."""
    taken: list[tuple[int, int]] = []
    found: list[DateExpression] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(sentence):
            # A preposition may only place the expression ("in March"): the article's words are the rest.
            span = match.span("expr") if "expr" in pattern.groupindex else match.span()
            if any(span[0] < end and start < span[1] for start, end in taken):
                continue
            earlier = max((e for e in found if e.start < span[0]), key=lambda e: e.start, default=previous)
            resolved = _resolve(kind, match, published, earlier)
            if resolved is None:
                continue
            date, precision, reckoning = resolved
            taken.append(span)
            found.append(DateExpression(sentence[span[0]:span[1]], span[0], date, precision, reckoning))
    return sorted(found, key=lambda e: e.start)


def latest_full_date(text: str) -> tuple[dt.date, str] | None:
    """The latest complete date the text prints ("May 16, 2025"), with its words, or None."""
    dates = []
    for kind, pattern in _PATTERNS[:3]:
        for match in pattern.finditer(text):
            resolved = _resolve(kind, match, dt.date.min, None)
            if resolved:
                dates.append((resolved[0], match.group()))
    return max(dates, default=None)


def _resolve(kind: str, m: re.Match[str], published: dt.date,
             previous: DateExpression | None) -> tuple[dt.date, str, str] | None:
    """(date, precision, how it was reckoned) for one matched expression, or None when it names no date."""
    groups = m.groupdict()
    month = MONTHS.get(groups.get("month") or "")
    try:
        if kind == "full":
            return dt.date(int(groups["year"]), month, int(groups["day"])), "day", "a complete date"
        if kind == "iso":
            return dt.date.fromisoformat(groups["iso"]), "day", "a complete date"
        if kind == "part":
            part = groups["part"].casefold()
            if groups.get("year"):
                return dt.date(int(groups["year"]), month, PARTS[part]), "part-of-month", "a part of a month"
            date = _nearest_year(month, PARTS[part], published)
            return date, "part-of-month", f"{part} {groups['month']}, the year taken from the publication date"
        if kind == "month_day":
            date = _nearest_year(month, int(groups["day"]), published)
            return date, "day", "the year taken from the publication date"
        if kind == "month":
            if groups.get("year"):
                return dt.date(int(groups["year"]), month, 1), "month", "a month"
            return _nearest_year(month, 1, published), "month", "the year taken from the publication date"
    except ValueError:  # "February 30": not a date
        return None
    if kind == "weekday":
        weekday = WEEKDAYS[groups["weekday"]]
        relation = (groups.get("relation") or "").casefold()
        if relation == "next":
            date = published + dt.timedelta(days=(weekday - published.weekday()) % 7 or 7)
        else:  # "On Thursday", "last Thursday", "Thursday": the latest before the publication date
            date = published - dt.timedelta(days=(published.weekday() - weekday) % 7 or 7)
        return date, "day", f"the {groups['weekday']} before the publication date"
    if kind == "relative":
        return _relative(groups["relation"].casefold(), groups["unit"], published)
    if kind == "ago":
        count = int(groups["count"]) if groups["count"].isdigit() else NUMBER_WORDS[groups["count"].casefold()]
        return _ago(count, groups["unit"], published)
    if kind == "day_word":
        step = -1 if groups["word"].casefold() == "yesterday" else 1
        return published + dt.timedelta(days=step), "day", "a day from the publication date"
    if kind == "same":
        if previous is None:
            return None
        return _same(groups["unit"], previous)
    if kind == "year":
        return dt.date(int(groups["year"]), 1, 1), "year", "a year"
    return None


def _nearest_year(month: int, day: int, published: dt.date) -> dt.date:
    """The month and day in the year (the publication's, the one before or after) nearest the publication."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:
            continue
    return min(candidates, key=lambda d: abs((d - published).days))


def _monday(date: dt.date) -> dt.date:
    return date - dt.timedelta(days=date.weekday())


def _relative(relation: str, unit: str, published: dt.date) -> tuple[dt.date, str, str]:
    step = {"last": -1, "this": 0, "next": 1}[relation]
    if unit == "weekend":  # "last weekend": the one before the publication's week; "this weekend": the one ending it
        saturday = _monday(published) + dt.timedelta(days=5 + 7 * step)
        return saturday, "week", f"the Saturday of {relation} weekend from the publication date"
    if unit == "week":
        return _monday(published) + dt.timedelta(weeks=step), "week", f"the Monday of {relation} week from the publication date"
    if unit == "month":
        month_index = published.year * 12 + published.month - 1 + step
        return dt.date(month_index // 12, month_index % 12 + 1, 1), "month", f"{relation} month from the publication date"
    return dt.date(published.year + step, 1, 1), "year", f"{relation} year from the publication date"


def _ago(count: int, unit: str, published: dt.date) -> tuple[dt.date, str, str]:
    reckoning = f"{count} {unit}(s) before the publication date"
    if unit == "day":
        return published - dt.timedelta(days=count), "day", reckoning
    if unit == "week":
        return _monday(published - dt.timedelta(weeks=count)), "week", reckoning
    if unit == "month":
        month_index = published.year * 12 + published.month - 1 - count
        return dt.date(month_index // 12, month_index % 12 + 1, 1), "month", reckoning
    return dt.date(published.year - count, 1, 1), "year", reckoning


def _same(unit: str, previous: DateExpression) -> tuple[dt.date, str, str]:
    reckoning = f"the same {unit} as “{previous.when}”"
    date = previous.date
    if unit == "day":
        return date, previous.precision, reckoning
    if unit == "week":
        return date, "week" if previous.precision == "day" else previous.precision, reckoning
    if unit == "month":
        return date.replace(day=1), "month" if previous.precision != "year" else "year", reckoning
    return date.replace(month=1, day=1), "year", reckoning
