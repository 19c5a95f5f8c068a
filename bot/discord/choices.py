"""Autocomplete choices shared by several commands, and the assessment an `assessment` option names."""

from __future__ import annotations

import discord
from discord import app_commands

from bot.knowledge import Assessment
from bot.render import AUTOCOMPLETE_CHOICES, CHOICE_LIMIT, clip
from bot.series import SeriesReader


def assessment_choices(series: SeriesReader, current: str) -> list[app_commands.Choice[str]]:
    """Assessments fitting what is typed (number, date or title), for an `assessment` option: each
    labelled with its number, date and title; its value is its id (a slug of at most 64 characters)."""
    return [app_commands.Choice(name=clip(series.label(a), CHOICE_LIMIT), value=a.id)
            for a in series.choices(current, AUTOCOMPLETE_CHOICES)]


def chosen_assessment(series: SeriesReader, interaction: discord.Interaction) -> Assessment | None:
    """While another option is being typed, the assessment the command's `assessment` option names, if it
    was filled in first (its choice's id, or whatever was typed); None when it was not, or names none."""
    chosen = getattr(interaction.namespace, "assessment", None)
    return series.resolve(chosen) if isinstance(chosen, str) and chosen else None
