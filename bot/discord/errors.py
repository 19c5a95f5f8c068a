"""Errors that the Discord edge raises on purpose, apart from the client so that cogs can import them
without importing the client (which loads the cogs)."""

from __future__ import annotations

from discord import app_commands


class NotAllowed(app_commands.CheckFailure):
    """A command refused to this user; the message tells them why."""
