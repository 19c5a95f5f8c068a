"""The command line as a user runs it: a subprocess, from another working directory."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import ASSESSMENT_FILE, PROJECT_ROOT, reverse_timeline
from tests.test_config import TOKEN

JSON_KEYS = {"question", "matched", "answer", "entry", "assessment", "score", "sources", "suggestions", "suggested_entries", "reason"}


def run_cli(*args: str, stdin: str | None = None, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """`python -m bot ARGS` in its own process; the suite's environment (no .env, no bot settings from
    the shell, loopback only) plus `env`."""
    environment = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin, capture_output=True, text=True, timeout=60, env=environment, cwd=cwd or Path("/"),
    )


def test_ask_json_reads_stdin_and_writes_one_object_a_line() -> None:
    proc = run_cli("ask", "--json", stdin="who wrote this?\nwhat is the capital of peru?\n")
    assert proc.returncode == 0, proc.stderr
    first, second = (json.loads(line) for line in proc.stdout.splitlines())
    assert JSON_KEYS <= first.keys() and JSON_KEYS <= second.keys()
    assert first["question"] == "who wrote this?"
    assert first["matched"] is True and first["entry"] == "author" and first["assessment"] == "herbst-2025-05"
    assert first["answer"].startswith("The article was written by John E. Herbst.") and first["sources"]
    assert second["matched"] is False and second["answer"] is None and second["entry"] is None
    assert second["suggestions"] == [] and second["suggested_entries"] == []  # off-topic: no random entries


def test_ask_prints_the_answer_with_the_quoted_source() -> None:
    proc = run_cli("ask", "how many prisoners of war were exchanged?")
    assert proc.returncode == 0, proc.stderr
    assert "thousand" in proc.stdout
    assert "> " in proc.stdout  # the quote from the article
    assert "John E. Herbst" in proc.stdout


def test_validate_passes_on_the_shipped_knowledge() -> None:
    proc = run_cli("validate")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK:")


def test_validate_lists_every_problem_and_exits_1(tmp_path: Path) -> None:
    import shutil

    shutil.copytree(PROJECT_ROOT / "knowledge", tmp_path / "knowledge")
    path = tmp_path / "knowledge" / ASSESSMENT_FILE
    text = path.read_text(encoding="utf-8").replace("  author:", "  writer:", 1)
    path.write_text(text, encoding="utf-8")
    (tmp_path / "knowledge" / "typo.yaml").write_text("entries: [\n", encoding="utf-8")
    proc = run_cli("validate", str(tmp_path / "knowledge"))
    assert proc.returncode == 1
    assert f"{ASSESSMENT_FILE}:" in proc.stdout and "unknown field 'writer'" in proc.stdout
    assert "typo.yaml:" in proc.stdout and "not valid YAML" in proc.stdout
    assert "Traceback" not in proc.stdout + proc.stderr


def test_timeline_json_is_in_date_order_whatever_the_order_in_the_file(knowledge_copy: Path) -> None:
    reverse_timeline(knowledge_copy / ASSESSMENT_FILE)
    proc = run_cli("timeline", "--json", env={"KNOWLEDGE_DIR": str(knowledge_copy)})
    assert proc.returncode == 0, proc.stderr
    events = json.loads(proc.stdout)
    assert [e["date"] for e in events] == sorted(e["date"] for e in events)
    assert events[0]["id"] == "event-bucha-irpin-revelations" and events[0]["when"] == "three years ago"
    assert {"date", "when", "event", "actors", "sources", "precision"} <= events[0].keys()


def test_timeline_filters_by_actor_and_rejects_unknown_ones() -> None:
    proc = run_cli("timeline", "--actor", "russia")
    assert proc.returncode == 0 and proc.stdout.strip()
    unknown = run_cli("timeline", "--actor", "Atlantis")
    assert unknown.returncode == 1 and "Actors in the timeline" in unknown.stderr


def test_no_subcommand_prints_help() -> None:
    proc = run_cli()
    assert proc.returncode == 0
    for command in ("ask", "chat", "timeline", "validate", "run", "report"):
        assert command in proc.stdout


def test_run_without_token_says_where_to_put_it(tmp_path: Path) -> None:
    proc = run_cli("run", cwd=tmp_path)
    assert proc.returncode == 2
    assert "DISCORD_TOKEN" in proc.stderr and ".env" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_token_in_a_dot_env_beside_the_working_directory_is_not_read(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text(f"DISCORD_TOKEN={TOKEN}\n", encoding="utf-8")
    proc = run_cli("run", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "DISCORD_TOKEN is not set" in proc.stderr


def test_malformed_token_is_rejected_without_echoing_it(tmp_path: Path) -> None:
    proc = run_cli("run", cwd=tmp_path, env={"DISCORD_TOKEN": "Bot not-a-real-token-secret"})
    assert proc.returncode == 2
    assert "not-a-real-token-secret" not in proc.stdout + proc.stderr


def test_chat_answers_until_end_of_input() -> None:
    proc = run_cli("chat", stdin="who wrote this?\n")
    assert proc.returncode == 0, proc.stderr
    assert "Herbst" in proc.stdout


def test_run_with_discord_unreachable_explains_instead_of_a_traceback(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        "DISCORD_TOKEN": TOKEN,
        "DISCORD_API_BASE": f"http://127.0.0.1:{port}/api/v10",
        "DISCORD_GATEWAY_URL": f"ws://127.0.0.1:{port}/",
        "DATABASE_PATH": str(tmp_path / "records.sqlite3"),
    }
    proc = run_cli("run", cwd=tmp_path, env=env)
    assert proc.returncode == 1
    assert "Cannot reach Discord" in proc.stderr
    assert "Traceback" not in proc.stderr and env["DISCORD_TOKEN"] not in proc.stderr


def test_timeline_summary_prints_the_span_and_each_phase() -> None:
    proc = run_cli("timeline", "--summary")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "Timeline: Feb 28 – May 16, 2025"
    assert "22 events in 5 phases." in lines
    assert "1. Feb 28 – Mar 24 · After the Oval Office: cease-fire proposals:" in lines
    assert "5. May 13 – May 16 · Putin stays away; first direct talks in three years:" in lines
    assert sum(line[:2] in {f"{n}." for n in range(1, 10)} for line in lines) == 5


def test_timeline_png_writes_the_picture(tmp_path: Path) -> None:
    from PIL import Image

    target = tmp_path / "timeline.png"
    proc = run_cli("timeline", "--png", str(target))
    assert proc.returncode == 0, proc.stderr
    with Image.open(target) as picture:
        assert picture.format == "PNG" and picture.width == 1000
    assert proc.stdout.startswith(f"Wrote the timeline picture to {target} (1000×")


def test_timeline_png_says_clearly_when_the_file_cannot_be_written(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-folder" / "timeline.png"
    proc = run_cli("timeline", "--png", str(missing))
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"Cannot write the picture to {missing}: No such file or directory"
    assert "Traceback" not in proc.stderr and not missing.parent.exists()
    mixed = run_cli("timeline", "--summary", "--actor", "russia")
    assert mixed.returncode == 2 and "use them without --actor and --json" in mixed.stderr
