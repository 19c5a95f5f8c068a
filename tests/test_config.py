"""Settings from the environment and .env: typed, validated once, the token never printed."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings

TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GAbCdE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def test_env_file_is_read_and_environment_wins(tmp_path: Path) -> None:
    env_file = tmp_path / ".env"
    env_file.write_text(f"DISCORD_TOKEN={TOKEN}\nLISTEN_CHANNEL_IDS=1, 2\nCOOLDOWN_RATE=3\n", encoding="utf-8")
    settings = load_settings({"COOLDOWN_RATE": "7"}, env_files=[env_file])
    assert settings.require_token() == TOKEN
    assert settings.listen_channel_ids == {1, 2}
    assert settings.cooldown_rate == 7


def test_token_never_appears_in_reprs() -> None:
    settings = load_settings({"DISCORD_TOKEN": TOKEN}, env_files=())
    assert TOKEN not in repr(settings) and TOKEN not in str(settings.discord_token)


def test_every_bad_setting_is_reported_together() -> None:
    with pytest.raises(ConfigError) as caught:
        load_settings({"LISTEN_CHANNEL_IDS": "12,general", "COOLDOWN_RATE": "-1", "LOG_LEVEL": "loud"}, env_files=())
    message = str(caught.value)
    assert "LISTEN_CHANNEL_IDS" in message and "general" in message
    assert "COOLDOWN_RATE" in message and "LOG_LEVEL" in message


def test_missing_token_says_where_to_put_it() -> None:
    settings = load_settings({}, env_files=())
    with pytest.raises(ConfigError, match=r"DISCORD_TOKEN is not set.*\.env"):
        settings.require_token()


def test_shard_ids_need_a_shard_count() -> None:
    with pytest.raises(ConfigError, match="SHARD_COUNT"):
        load_settings({"SHARD_IDS": "0,1"}, env_files=())


def test_knowledge_poll_seconds_defaults_to_five_and_zero_disables() -> None:
    assert load_settings({}, env_files=()).knowledge_poll_seconds == 5.0
    assert load_settings({"KNOWLEDGE_POLL_SECONDS": "0"}, env_files=()).knowledge_poll_seconds == 0.0
    with pytest.raises(ConfigError, match="KNOWLEDGE_POLL_SECONDS"):
        load_settings({"KNOWLEDGE_POLL_SECONDS": "soon"}, env_files=())


@pytest.mark.parametrize("base", [
    "https://discord.com/api/v10", "https://discord.com/api/v10/", "http://127.0.0.1:8080/api/v10",
    "https://proxy.example.org/discord/api/v9",
])
def test_api_base_accepts_versioned_api_roots(base: str) -> None:
    assert load_settings({"DISCORD_API_BASE": base}, env_files=()).api_base == base.rstrip("/")


@pytest.mark.parametrize("base", [
    "discord.com/api/v10", "https://discord.com", "https://discord.com/api", "ftp://discord.com/api/v10",
    "https://discord.com/api/v10/channels", "https://discord.com/api/vten",
])
def test_api_base_that_discord_py_cannot_use_is_refused_clearly(base: str) -> None:
    with pytest.raises(ConfigError, match=r"DISCORD_API_BASE=.*must be an http\(s\) URL ending in /api/v<version>"):
        load_settings({"DISCORD_API_BASE": base}, env_files=())


def test_gateway_url_must_be_a_websocket_url() -> None:
    assert load_settings({"DISCORD_GATEWAY_URL": "ws://127.0.0.1:9/"}, env_files=()).gateway_url == "ws://127.0.0.1:9/"
    with pytest.raises(ConfigError, match="DISCORD_GATEWAY_URL"):
        load_settings({"DISCORD_GATEWAY_URL": "https://gateway.discord.gg"}, env_files=())


def test_relative_paths_in_env_file_are_relative_to_that_file(tmp_path: Path) -> None:
    env_file = tmp_path / "deploy" / ".env"
    env_file.parent.mkdir()
    env_file.write_text("KNOWLEDGE_DIR=kb\nDATABASE_PATH= data/records.sqlite3 \n", encoding="utf-8")
    settings = load_settings({}, env_files=[env_file])
    assert settings.knowledge_dir == tmp_path / "deploy" / "kb"
    assert settings.database_path == tmp_path / "deploy" / "data" / "records.sqlite3"
    from_environment = load_settings({"KNOWLEDGE_DIR": "kb"}, env_files=[env_file])
    assert from_environment.knowledge_dir == Path("kb")  # the shell's own meaning: the working directory


def test_env_file_setting_picks_the_file_or_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n", encoding="utf-8")
    elsewhere = tmp_path / "deploy.env"
    elsewhere.write_text("COOLDOWN_RATE=9\n", encoding="utf-8")
    assert load_settings({}).require_token() == TOKEN  # unset: .env in the working directory
    assert load_settings({"ENV_FILE": ""}).discord_token is None
    chosen = load_settings({"ENV_FILE": str(elsewhere)})
    assert chosen.cooldown_rate == 9 and chosen.discord_token is None
    with pytest.raises(ConfigError, match=r"ENV_FILE='nowhere.env' is not a file"):
        load_settings({"ENV_FILE": "nowhere.env"})


def test_the_test_run_reads_no_env_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The suite sets ENV_FILE empty (tests/conftest.py): the process environment's own reading.
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n", encoding="utf-8")
    assert load_settings().discord_token is None
