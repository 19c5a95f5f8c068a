"""Where the bot's own files go by default: the user's data directory, never the installed package."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_settings

DATABASE = Path("assessment-bot") / "assessment-bot.sqlite3"


def test_the_database_defaults_to_the_xdg_data_home(tmp_path: Path) -> None:
    settings = load_settings({"XDG_DATA_HOME": str(tmp_path / "data"), "HOME": str(tmp_path / "home")}, env_files=())
    assert settings.database_path == tmp_path / "data" / DATABASE


def test_without_xdg_data_home_the_database_goes_under_home(tmp_path: Path) -> None:
    expected = tmp_path / ".local" / "share" / DATABASE
    assert load_settings({"HOME": str(tmp_path)}, env_files=()).database_path == expected
    # The XDG rules: a relative XDG_DATA_HOME is invalid and ignored.
    assert load_settings({"HOME": str(tmp_path), "XDG_DATA_HOME": "data"}, env_files=()).database_path == expected


def test_database_path_overrides_the_default(tmp_path: Path) -> None:
    settings = load_settings({"HOME": str(tmp_path), "DATABASE_PATH": str(tmp_path / "records.sqlite3")}, env_files=())
    assert settings.database_path == tmp_path / "records.sqlite3"
