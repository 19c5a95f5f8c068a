"""The project as others install it: a wheel built and installed offline, run from another directory."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import KNOWLEDGE_DIR, PROJECT_ROOT

UNSET = {"DISCORD_TOKEN", "KNOWLEDGE_DIR", "DATABASE_PATH", "XDG_DATA_HOME", "PYTHONPATH"}


def run(*args: str | Path, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in UNSET} | (env or {})
    done = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=120, cwd=cwd, env=environment)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


def test_a_regular_install_answers_from_another_directory_and_keeps_its_data_out_of_the_package(tmp_path: Path) -> None:
    source = tmp_path / "source"  # a copy: building in the checkout would leave build/ behind, stale files and all
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "README.md"):
        shutil.copy2(PROJECT_ROOT / name, source)
    for name in ("bot", "knowledge"):
        shutil.copytree(PROJECT_ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    # Offline: no index, and the build uses this environment's setuptools instead of fetching one.
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q", ".", "-w", tmp_path / "dist", cwd=source)
    [wheel] = (tmp_path / "dist").glob("*.whl")
    site = tmp_path / "site"
    run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "-q", "--target", site, wheel, cwd=tmp_path)

    installed = {p.relative_to(site).as_posix() for p in (site / "bot").rglob("*.py")}
    in_checkout = {p.relative_to(PROJECT_ROOT).as_posix() for p in (PROJECT_ROOT / "bot").rglob("*.py")}
    assert installed == in_checkout  # no module left out of the wheel

    elsewhere, home = tmp_path / "elsewhere", tmp_path / "home"
    elsewhere.mkdir()
    env = {"PYTHONPATH": str(site), "HOME": str(home)}  # the environment's site-packages provides the dependencies
    asked = run(sys.executable, "-m", "bot", "ask", "--json", "who wrote this?", cwd=elsewhere, env=env)
    answer = json.loads(asked.stdout)
    assert answer["matched"] is True and answer["entry"] == "author" and "Herbst" in answer["answer"]

    validated = run(sys.executable, "-m", "bot", "validate", cwd=elsewhere, env=env)
    assert validated.stdout.startswith("OK: ") and str(site / "bot" / "bundled_knowledge") in validated.stdout

    drawn = run(sys.executable, "-m", "bot", "timeline", "--png", tmp_path / "timeline.png", cwd=elsewhere, env=env)
    assert drawn.stdout.startswith("Wrote the timeline picture")  # its fonts are in the wheel
    assert (site / "bot" / "fonts" / "LICENSE.txt").is_file()

    reported = run(sys.executable, "-m", "bot", "report", cwd=elsewhere, env=env)
    database = home / ".local" / "share" / "assessment-bot" / "assessment-bot.sqlite3"
    assert reported.stdout.startswith(f"No records yet: {database} does not exist")
    assert not list(elsewhere.iterdir()) and not list(site.glob("*.sqlite3*"))


def test_a_checkout_reads_its_own_knowledge_directory(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    validated = run(sys.executable, "-m", "bot", "validate", cwd=tmp_path, env=env)
    assert validated.stdout.rstrip().endswith(f" in {KNOWLEDGE_DIR}")
