"""Shared fixtures: a hermetic run, the shipped knowledge base loaded once, and copies of it to break."""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.knowledge import KnowledgeBase, load_knowledge
from bot.matching import Engine
from tests.subprocess_site import loopback_guard

pytest_plugins = ["tests.discord_helpers"]  # the wire-level tests' fixtures: stub, settings, bot

PROJECT_ROOT = Path(__file__).resolve().parent.parent
KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
ASSESSMENT_FILE = "herbst-2025-05.yaml"
# A made-up second assessment of the series (tests only, never shipped): its YAML file and its text.
NEXT_ASSESSMENT = PROJECT_ROOT / "tests" / "fixtures" / "series" / "fixture-2025-06.yaml"
NEXT_ASSESSMENT_TEXT = PROJECT_ROOT / "tests" / "fixtures" / "series" / "sources" / "fixture-2025-06.txt"
SUBPROCESS_SITE = Path(loopback_guard.__file__).resolve().parent  # its sitecustomize.py guards subprocesses


def documented_settings() -> set[str]:
    """Every setting the bot reads: the names .env.example documents, and the switch that picks the file."""
    text = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, re.MULTILINE)) | {"ENV_FILE"}


@pytest.fixture(scope="session", autouse=True)
def hermetic_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The run depends on nothing of the developer's: no `.env` is read, in this process or any it
    starts (ENV_FILE set empty is inherited), and no bot setting from the shell (a DISCORD_TOKEN
    exported there, say) reaches a test. Tests that need a setting pass it explicitly. The user data
    and cache directories (the database, the contextual model's phrasing cache) are the run's own."""
    home = tmp_path_factory.mktemp("home")
    with pytest.MonkeyPatch.context() as patch:
        for name in documented_settings():
            patch.delenv(name, raising=False)
        patch.setenv("ENV_FILE", "")
        patch.setenv("XDG_DATA_HOME", str(home / "data"))
        patch.setenv("XDG_CACHE_HOME", str(home / "cache"))
        yield


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One phrasing cache for the whole run: the contextual model embeds the knowledge base once."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session", autouse=True)
def loopback_only() -> Iterator[None]:
    """Tests may reach 127.0.0.1 (the Discord stand-in) and nothing else, and so may every Python
    subprocess they start (sitecustomize.py on PYTHONPATH installs the same guard there): a stray
    lookup or connection to the internet fails loudly instead of leaking traffic."""
    uninstall = loopback_guard.install()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(SUBPROCESS_SITE), os.environ.get("PYTHONPATH")])))
        try:
            yield
        finally:
            uninstall()


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge(KNOWLEDGE_DIR)


@pytest.fixture(scope="session")
def engine(knowledge: KnowledgeBase, model_cache: Path) -> Engine:
    return Engine(knowledge, cache_dir=model_cache)


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the shipped knowledge directory."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, target)
    return target


def add_next_assessment(directory: Path) -> Path:
    """Adds the fixture's second assessment to the knowledge directory `directory` as README.md, "Adding the
    next assessment", leaves a reviewed draft: its text into sources/ first, then its YAML file beside the
    others (tests/test_draft.py drafts and reviews the same text). Returns the YAML file's path."""
    shutil.copyfile(NEXT_ASSESSMENT_TEXT, directory / "sources" / NEXT_ASSESSMENT_TEXT.name)
    return Path(shutil.copyfile(NEXT_ASSESSMENT, directory / NEXT_ASSESSMENT.name))


@pytest.fixture
def series_copy(knowledge_copy: Path) -> Path:
    """A writable copy of the shipped knowledge with the fixture's second assessment added."""
    add_next_assessment(knowledge_copy)
    return knowledge_copy


@pytest.fixture(scope="session")
def series_knowledge(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeBase:
    """The shipped knowledge and the fixture's second assessment, loaded once."""
    directory = tmp_path_factory.mktemp("series") / "knowledge"
    shutil.copytree(KNOWLEDGE_DIR, directory)
    add_next_assessment(directory)
    return load_knowledge(directory)


@pytest.fixture(scope="session")
def series_engine(series_knowledge: KnowledgeBase) -> Engine:
    return Engine(series_knowledge)


def reverse_timeline(path: Path) -> None:
    """Writes the timeline of the assessment file at `path` in the opposite order, latest event first."""
    text = path.read_text(encoding="utf-8")
    head, rest = text.split("\ntimeline:\n", 1)
    block, tail = rest.split("\nout_of_scope:", 1)
    lead, *events = re.split(r"(?m)^(?=  - id: )", block)
    assert len(events) >= 3, "no timeline events found to reverse"
    events = [e if e.endswith("\n") else e + "\n" for e in events]
    path.write_text(f"{head}\ntimeline:\n{lead}{''.join(reversed(events))}\nout_of_scope:{tail}", encoding="utf-8")
