"""The timeline as a picture (PNG), Discord-free: a date axis, one row per actor with the events as dots
in the actor's colour, the phases as numbered bands behind them, and a key naming each phase (in a
series, with the number of the assessment it comes from; one assessment shown alone says its number in
the heading).

An event with several actors has a dot in each of their rows, joined by a grey line: read down a
column for who took part, along a row for what one actor did. The card is opaque and light, with dark
text, so it reads the same on Discord's light and dark themes; text is sized to stay legible when
Discord shows the picture about 400-550 pixels wide (half its width or less).

Drawn with Pillow (benchmarks/timeline_picture.py compares it with matplotlib) and a DejaVu Sans
subset shipped in bot/fonts/, so that it looks the same on every machine. Pictures are cached by
content, so the same timeline is drawn once however often it is asked for; the Discord edge calls
`timeline_picture` in a worker thread.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from bot.chronology import Overview, Swatch, actor_order, busiest_week, day_label, overview, span_label, swatches
from bot.knowledge import Event, KnowledgeBase

FILENAME = "timeline.png"
WIDTH = 1000
DESCRIPTION_LIMIT = 1024  # Discord's limit for an attachment's description (alt text)

FONTS = Path(__file__).resolve().parent / "fonts"
REGULAR, BOLD = "DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf"

# Colours of the card: dark grey text on an off-white card with a grey frame, two greys for the bands.
CARD, FRAME, INK, MUTED, RULE = (250, 250, 248), (175, 180, 188), (33, 37, 41), (95, 101, 110), (214, 218, 224)
BANDS = ((232, 236, 242), (243, 245, 248))
CONNECTOR = (140, 146, 155)

PAD = 24             # around the card's content
TEXT = 27            # body text
SMALL = 25           # legend, axis labels, note
HEADING = 30
DOT = 22             # a dot's diameter
APART = 18           # how far apart two dots of one row must be (they may overlap a little, each outlined)
ROW_STEP = 16        # between the sub-rows of an actor's row, for events too close to sit side by side
BADGE = 28           # a phase number's circle
LANE_PAD = 7         # above and below the dots of a row
LINE = TEXT + 10     # a line of the key
# However large the timeline, the picture stays within bounds (a few hundred KB, well under a second):
MAX_ACTORS = 8       # rows of actors (those in the most events); the others are named in the note
MAX_SUB_ROWS = 5     # sub-rows of one actor's row; past them, dots overlap in the last
MAX_KEY = 12         # phases numbered and named in the key; the others are counted
MAX_BADGE_ROWS = 3   # rows of phase numbers above the bands; a number with no room is left out


@dataclass(frozen=True)
class Picture:
    """A rendered PNG and what it shows, in words (the alt text)."""

    png: bytes
    width: int
    height: int
    description: str
    filename: str = FILENAME


def timeline_picture(knowledge: KnowledgeBase, assessment_id: str | None = None) -> Picture | None:
    """The picture of the timeline (or of one assessment's), or None when no event falls in its span.

    Cached by content: a reloaded knowledge base with the same timeline reuses the picture."""
    view = overview(knowledge, assessment_id)
    if not view.within:
        return None
    colours = swatches(knowledge)
    return _draw(view, tuple((actor, colours[actor]) for actor in view.actors))


@cache
def _font(name: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(FONTS / name), size)


@lru_cache(maxsize=8)
def _draw(view: Overview, actor_colours: tuple[tuple[str, Swatch], ...]) -> Picture:
    return _Drawing(view, dict(actor_colours)).render()


class _Drawing:
    """One picture, laid out top to bottom: heading, legend, phase numbers, actor rows, axis, key, note."""

    def __init__(self, view: Overview, colours: dict[str, Swatch]):
        assert view.start is not None and view.end is not None
        self.view = view
        self.colours = colours
        self.start, self.end = view.start, view.end
        self.text, self.small = _font(REGULAR, TEXT), _font(REGULAR, SMALL)
        self.bold, self.heading = _font(BOLD, TEXT), _font(BOLD, HEADING)
        self.actors = actor_order(view, limit=MAX_ACTORS)
        label_width = max(self._width(a, self.text) for a in self.actors)
        self.plot_left = PAD + DOT + 12 + label_width + 20
        self.plot_right = WIDTH - PAD - DOT // 2
        self.days = (self.end - self.start).days + 1
        self.rows = {actor: self._rows(actor) for actor in self.actors}
        self.sub_rows = {actor: max(rows.values(), default=0) for actor, rows in self.rows.items()}  # beyond the first

    # -- geometry ------------------------------------------------------------------------------------
    def x(self, day: dt.date) -> float:
        """The middle of `day` on the axis."""
        return self.plot_left + ((day - self.start).days + 0.5) * (self.plot_right - self.plot_left) / self.days

    def edge(self, day: dt.date) -> float:
        """Where `day` begins on the axis."""
        return self.plot_left + (day - self.start).days * (self.plot_right - self.plot_left) / self.days

    def _rows(self, actor: str) -> dict[str, int]:
        """Each of `actor`'s events to a sub-row of its row: the first where its dot stands clear of the
        last dot placed there (events come in date order, so that one is the nearest)."""
        last: list[float] = []
        rows: dict[str, int] = {}
        for event in self.view.within:
            if actor not in event.actors:
                continue
            x = self.x(event.date)
            row = next((r for r, other in enumerate(last) if x - other >= APART), len(last))
            if row == len(last):
                if row == MAX_SUB_ROWS:
                    row = MAX_SUB_ROWS - 1
                else:
                    last.append(x)
            last[row] = x
            rows[event.id] = row
        return rows

    @staticmethod
    def _width(text: str, font: ImageFont.FreeTypeFont) -> int:
        return int(font.getlength(text))

    # -- drawing -------------------------------------------------------------------------------------
    def render(self) -> Picture:
        heading_h = HEADING + 12
        legend_h = SMALL + 14
        badges = self._badge_rows()
        badge_h = (max(badges.values(), default=0) + 1) * (BADGE + 4) + 6 if self.view.phases else 0
        lane_heights = {a: self.sub_rows[a] * ROW_STEP + DOT + 2 * LANE_PAD for a in self.actors}
        lanes_h = sum(lane_heights.values())
        axis_h = 14 + SMALL + 10
        key_lines = min(len(self.view.phases), MAX_KEY) + (len(self.view.phases) > MAX_KEY)
        key_h = key_lines * LINE + (6 if self.view.phases else 0)
        note = self._note()
        note_h = SMALL + 10 if note else 0
        height = PAD + heading_h + legend_h + badge_h + lanes_h + axis_h + key_h + note_h + PAD - 8

        image = Image.new("RGB", (WIDTH, height), CARD)
        draw = ImageDraw.Draw(image)
        draw.rectangle((0, 0, WIDTH - 1, height - 1), outline=FRAME, width=2)
        y = PAD
        draw.text((PAD, y), self._heading(), font=self.heading, fill=INK)
        y += heading_h
        self._legend(draw, y)
        y += legend_h
        top = y
        lanes_top = top + badge_h
        lanes_bottom = lanes_top + lanes_h
        self._bands(draw, top, lanes_bottom, badges)
        lane_y = self._lanes(draw, lanes_top, lane_heights)
        self._events(draw, lane_y, lane_heights)
        y = self._axis(draw, lanes_bottom)
        y = self._key(draw, y + 6)
        if note:
            draw.text((PAD, y + 4), note, font=self.small, fill=MUTED)
        out = io.BytesIO()
        image.save(out, format="PNG", compress_level=6)  # optimize=True is 5x slower for 3% smaller
        return Picture(out.getvalue(), WIDTH, height, describe(self.view, self.colours))

    def _heading(self) -> str:
        phases = len(self.view.phases)
        events = len(self.view.within)
        counted = f"{events:,} event{'s' * (events != 1)}" + (f" in {phases:,} phase{'s' * (phases != 1)}" if phases else "")
        shown = f"No. {self.view.assessment} · " if self.view.assessment is not None else ""
        return _fit(f"{shown}{self.view.label} · {counted}", self.heading, WIDTH - 2 * PAD)

    def _legend(self, draw: ImageDraw.ImageDraw, y: int) -> None:
        """How to read a dot and a joining line."""
        middle = y + SMALL // 2 + 2
        x = PAD
        self._dot(draw, (x + DOT / 2, middle), MUTED)
        x += DOT + 8
        label = "an event, in the row of each actor involved"
        draw.text((x, middle), label, font=self.small, fill=MUTED, anchor="lm")
        x += self._width(label, self.small) + 30
        draw.line((x + DOT // 2, middle - DOT // 2 - 2, x + DOT // 2, middle + DOT // 2 + 2), fill=CONNECTOR, width=3)
        x += DOT + 8
        draw.text((x, middle), "joins the actors of one event", font=self.small, fill=MUTED, anchor="lm")

    @staticmethod
    def _dot(draw: ImageDraw.ImageDraw, centre: tuple[float, float], colour: tuple[int, int, int]) -> None:
        """A dot with a thin rim of the card's colour, so that overlapping dots and joining lines stay apart."""
        x, y = centre
        r = DOT / 2
        draw.ellipse((x - r - 2, y - r - 2, x + r + 2, y + r + 2), fill=CARD)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=colour)

    def _badge_rows(self) -> dict[int, int]:
        """The numbered phases (the first MAX_KEY) to rows above the bands, so that the numbers of narrow
        phases never overlap; a number with no room in MAX_BADGE_ROWS rows is left out."""
        last: list[float] = []
        rows: dict[int, int] = {}
        for number, phase in enumerate(self.view.phases[:MAX_KEY], start=1):
            x = (self.edge(phase.start) + self.edge(phase.end + dt.timedelta(days=1))) / 2
            row = next((r for r, other in enumerate(last) if x - other >= BADGE + 1), len(last))
            if row == MAX_BADGE_ROWS:
                continue
            if row == len(last):
                last.append(x)
            last[row] = x
            rows[number] = row
        return rows

    def _badge(self, draw: ImageDraw.ImageDraw, centre: tuple[float, float], number: int) -> None:
        """A phase's number, white on a dark circle (a pill for two digits)."""
        cx, cy = centre
        font = _font(BOLD, SMALL)
        half = max(BADGE, self._width(str(number), font) + 12) / 2
        draw.rounded_rectangle((cx - half, cy - BADGE / 2, cx + half, cy + BADGE / 2), radius=BADGE / 2, fill=INK)
        draw.text((cx, cy + 1), str(number), font=font, fill=CARD, anchor="mm")

    def _bands(self, draw: ImageDraw.ImageDraw, top: int, bottom: int, badges: dict[int, int]) -> None:
        band_top = top + (max(badges.values(), default=0) + 1) * (BADGE + 4)
        for number, phase in enumerate(self.view.phases, start=1):
            left, right = self.edge(phase.start), self.edge(phase.end + dt.timedelta(days=1))
            draw.rectangle((left, band_top, right - 1, bottom), fill=BANDS[number % 2])
            draw.line((right - 1, band_top, right - 1, bottom), fill=CARD, width=2)  # narrow neighbours stay apart
            if number in badges:
                self._badge(draw, ((left + right) / 2, top + badges[number] * (BADGE + 4) + BADGE / 2), number)

    def _lanes(self, draw: ImageDraw.ImageDraw, top: int, heights: dict[str, int]) -> dict[str, int]:
        """The actors' rows: a name and a dot of its colour on the left, a rule between rows."""
        lane_y: dict[str, int] = {}
        y = top
        for actor in self.actors:
            lane_y[actor] = y
            middle = y + heights[actor] // 2
            swatch = self.colours[actor].rgb
            self._dot(draw, (PAD + DOT / 2, middle), swatch)
            draw.text((PAD + DOT + 12, middle), actor, font=self.text, fill=INK, anchor="lm")
            y += heights[actor]
            draw.line((PAD, y, self.plot_right + DOT // 2, y), fill=RULE, width=1)
        return lane_y

    def _dot_y(self, actor: str, event: Event, lane_y: dict[str, int], heights: dict[str, int]) -> float:
        block = self.sub_rows[actor] * ROW_STEP + DOT
        first = lane_y[actor] + (heights[actor] - block) / 2 + DOT / 2
        return first + self.rows[actor][event.id] * ROW_STEP

    def _events(self, draw: ImageDraw.ImageDraw, lane_y: dict[str, int], heights: dict[str, int]) -> None:
        # Joining lines first, so that the dots sit on top of them.
        drawn = [(event, [a for a in event.actors if a in self.rows]) for event in self.view.within]
        for event, actors in drawn:
            if len(actors) > 1:
                ys = [self._dot_y(a, event, lane_y, heights) for a in actors]
                x = self.x(event.date)
                draw.line((x, min(ys), x, max(ys)), fill=CONNECTOR, width=3)
        for event, actors in drawn:
            x = self.x(event.date)
            for actor in actors:
                self._dot(draw, (x, self._dot_y(actor, event, lane_y, heights)), self.colours[actor].rgb)

    def _axis(self, draw: ImageDraw.ImageDraw, y: int) -> int:
        """The date axis under the rows: a tick at the span's ends and each month's first day, labelled
        where the label has room."""
        draw.line((self.plot_left, y, self.plot_right, y), fill=MUTED, width=2)
        ticks = [self.start, self.end] + _ticks(self.start, self.end)
        taken: list[tuple[float, float]] = []
        ticked: list[float] = []
        for day in ticks:
            x = self.x(day)
            if any(abs(x - other) < 8 for other in ticked):
                continue  # a month's first day next to the span's end: one tick says it
            ticked.append(x)
            draw.line((x, y, x, y + 8), fill=MUTED, width=2)
            years = (self.end - self.start).days > 2 * 366
            label = (day_label(day, with_year=True) if day in (self.start, self.end) else str(day.year)) if years else day_label(day)
            width = self._width(label, self.small)
            left = min(max(x - width / 2, PAD), WIDTH - PAD - width)
            if all(left + width + 12 <= a or left >= b + 12 for a, b in taken):
                taken.append((left, left + width))
                draw.text((left, y + 12), label, font=self.small, fill=MUTED)
        return y + 14 + SMALL + 10

    def _key(self, draw: ImageDraw.ImageDraw, y: int) -> int:
        """Each numbered phase's number, dates, assessment (in a series) and title; how many more phases there are."""
        shown = self.view.phases[:MAX_KEY]
        dates_width = max((self._width(span_label(p.start, p.end, with_year=False), self.bold) for p in shown), default=0)
        badge_width = max(BADGE, self._width(str(len(shown)), _font(BOLD, SMALL)) + 12)
        marks = [f"No. {n}" for n in self.view.phase_numbers[:MAX_KEY]]
        marks_width = max((self._width(m, self.small) for m in marks), default=0)
        for index, phase in enumerate(shown):
            middle = y + LINE // 2
            self._badge(draw, (PAD + badge_width / 2, middle), index + 1)
            x = PAD + badge_width + 14
            draw.text((x, middle), span_label(phase.start, phase.end, with_year=False), font=self.bold, fill=INK, anchor="lm")
            x += dates_width + 18
            if marks:  # which assessment of the series the phase comes from, in a column of its own
                draw.text((x, middle), marks[index], font=self.small, fill=MUTED, anchor="lm")
                x += marks_width + 14
            draw.text((x, middle), _fit(phase.title, self.text, WIDTH - PAD - x), font=self.text, fill=INK, anchor="lm")
            y += LINE
        if more := len(self.view.phases) - len(shown):
            draw.text((PAD, y + LINE // 2), f"… and {more} more phase{'s' * (more != 1)}", font=self.text,
                      fill=MUTED, anchor="lm")
            y += LINE
        return y

    def _note(self) -> str:
        """What the picture leaves out: events outside the phases, actors past MAX_ACTORS."""
        parts = []
        outside = self.view.outside
        before = [e for e in outside if e.date < self.start]
        if before:
            years = sorted({e.date.year for e in before})
            shown_years = ", ".join(map(str, years[:3])) + (", …" if len(years) > 3 else "")
            parts.append(f"{len(before)} earlier event{'s' * (len(before) != 1)} ({shown_years})")
        if after := len(outside) - len(before):
            parts.append(f"{after} later event{'s' * (after != 1)}")
        note = f"Not drawn: {' and '.join(parts)}, outside the phases." if parts else ""
        if hidden := len(self.view.actors) - len(self.actors):
            note += f"{' ' if note else ''}{hidden} more actor{'s' * (hidden != 1)} not drawn."
        return _fit(note, self.small, WIDTH - 2 * PAD) if note else ""


def _ticks(start: dt.date, end: dt.date) -> list[dt.date]:
    """The first days of the months within the span, or of the years (every few) for a span of years."""
    if (end - start).days <= 2 * 366:
        first, step = dt.date(start.year, start.month, 1), 1
    else:
        first, step = dt.date(start.year, 1, 1), 12 * max(1, (end.year - start.year) // 8)
    days = []
    while first <= end:
        if first > start:
            days.append(first)
        months = first.month - 1 + step
        first = dt.date(first.year + months // 12, months % 12 + 1, 1)
    return days


def _fit(text: str, font: ImageFont.FreeTypeFont, width: float) -> str:
    """`text`, cut with an ellipsis to fit `width` pixels."""
    if font.getlength(text) <= width:
        return text
    while text and font.getlength(text + "…") > width:
        text = text[:-1]
    return text.rstrip() + "…"


def describe(view: Overview, colours: dict[str, Swatch]) -> str:
    """The picture in words, for people who cannot see it (Discord's alt text, at most 1,024 characters)."""
    assert view.start is not None and view.end is not None
    within = view.within
    shown = f" of assessment no. {view.assessment}" if view.assessment is not None else ""
    parts = [f"Timeline picture{shown}, {view.label}: {len(within)} events as dots on a date axis, "
             f"one row per actor ({', '.join(actor_order(view))}); an event with several actors has a dot in each of their "
             "rows, joined by a line."]
    if view.phases:
        marks = [f", No. {n}" for n in view.phase_numbers] or [""] * len(view.phases)
        phases = "; ".join(f"{n} {p.title} ({span_label(p.start, p.end, with_year=False)}{mark})"
                           for n, (p, mark) in enumerate(zip(view.phases, marks), 1))
        parts.append(f"Numbered bands mark {len(view.phases)} phases: {phases}.")
    busiest = busiest_week(within)
    if busiest and busiest[1] > 2:
        first, count = busiest
        last = max(e.date for e in within if first <= e.date < first + dt.timedelta(days=7))
        parts.append(f"The busiest week is {span_label(first, last, with_year=False)}, with {count} events.")
    text = " ".join(parts)
    return text if len(text) <= DESCRIPTION_LIMIT else text[: DESCRIPTION_LIMIT - 1] + "…"
