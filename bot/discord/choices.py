"""Autocomplete choices shared by several commands."""

from __future__ import annotations

from discord import app_commands

from bot.render import AUTOCOMPLETE_CHOICES, CHOICE_LIMIT, clip
from bot.series import SeriesReader


def assessment_choices(series: SeriesReader, current: str) -> list[app_commands.Choice[str]]:
    """Assessments fitting what is typed (number, date or title), for an `assessment` option: each
    labelled with its number, date and title; its value is its id (a slug of at most 64 characters)."""
    return [app_commands.Choice(name=clip(series.label(a), CHOICE_LIMIT), value=a.id)
            for a in series.choices(current, AUTOCOMPLETE_CHOICES)]
