"""Knowledge files that are broken or hostile (tests/hostile_knowledge.py): `validate` reports each in
seconds and bounded memory, `load_knowledge` raises nothing but KnowledgeError, and a running bot keeps
answering from the knowledge it has and tells its administrators once."""

from __future__ import annotations

import dataclasses
import logging
import os
import re
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings
from bot.discord.client import AssessmentBot
from bot.knowledge import MAX_PROBLEMS, KnowledgeError, Problem, load_knowledge
from bot.live import LiveKnowledge, all_problems_text, build_engine, problems_text
from bot.matching import Engine
from bot.render import CONTENT_LIMIT
from tests.discord_helpers import WAIT, WORLD, assert_pings_nobody, bounded, buttons, interact, serving, until
from tests.discord_stub import DiscordStub, payloads
from tests.hostile_knowledge import ASSESSMENT_FILE, CASES, Case, billion_laughs, many_problems, source_not_utf8, source_symlink

MEMORY_LIMIT = 1 << 30  # address space for `validate`: a billion laughs used to need several GB
TIME_LIMIT = 20         # seconds; each case takes about one (the huge file took minutes, a named pipe forever)
DM_MESSAGES = f"/channels/{WORLD.dm_channel_id}/messages"
ALICE = int(WORLD.user_id)
POLL = 0.05


def _bounded_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def validate(directory: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"DISCORD_TOKEN", "KNOWLEDGE_DIR"}}
    return subprocess.run(
        [sys.executable, "-m", "bot", "validate", str(directory)], capture_output=True, text=True,
        timeout=TIME_LIMIT, env=environment, cwd=directory.parent, preexec_fn=_bounded_memory,
    )


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_validate_reports_each_hostile_case_quickly_in_bounded_memory(case: Case, knowledge_copy: Path) -> None:
    case.make(knowledge_copy)
    proc = validate(knowledge_copy)
    output = proc.stdout + proc.stderr
    assert proc.returncode == (0 if case.valid else 1), output[-3000:]
    assert re.search(case.expected, proc.stdout.rstrip("\n"), re.MULTILINE), output[-3000:]
    assert "Traceback" not in output
    assert len(proc.stdout.splitlines()) <= MAX_PROBLEMS + 2  # the problems, "… and K more", the count


def test_problems_beyond_the_limit_are_counted_not_listed(knowledge_copy: Path) -> None:
    entry = "- {id: Not A Slug, questions: [], answer: ''}\n"  # six problems each
    for name in ("one", "two", "three"):
        (knowledge_copy / f"{name}.yaml").write_text("entries:\n" + entry * 25, encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    error = caught.value
    assert len(error.problems) == MAX_PROBLEMS and error.omitted > 0
    assert error.problems == sorted(error.problems, key=lambda p: (p.file, p.line or 0))  # the first ones
    assert str(error).endswith(f"\n… and {error.omitted} more")


def test_a_file_with_too_many_problems_says_checking_stopped(knowledge_copy: Path) -> None:
    many_problems(knowledge_copy)
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    [first, *rest] = map(str, caught.value.problems)
    assert first == f"knowledge/many.yaml: checking stopped at {MAX_PROBLEMS - 1} problems in this file; fix those and validate again"
    assert len(rest) == MAX_PROBLEMS - 1 and caught.value.omitted == 0


def test_a_problem_quoting_a_huge_value_is_cut(knowledge_copy: Path) -> None:
    key, value = "k" * 100_000, "v" * 100_000
    (knowledge_copy / "long.yaml").write_text(f"? {key}\n: 1\nassessment:\n  id: {value}\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as caught:
        load_knowledge(knowledge_copy)
    texts = [str(p) for p in caught.value.problems if p.file.endswith("long.yaml")]
    assert any(re.fullmatch(r"knowledge/long.yaml:\d+: k+…: unknown field 'k+…' \(allowed: assessment, .*\)", t) for t in texts), texts
    assert any(re.fullmatch(r"knowledge/long.yaml:4: assessment.id: 'v+…' is longer than 64 characters .*", t) for t in texts), texts
    assert all(len(t) < 300 for t in texts), max(map(len, texts))


def test_editor_files_are_no_change_but_a_source_edit_is(knowledge_copy: Path) -> None:
    live = LiveKnowledge(knowledge_copy)
    (knowledge_copy / f".{ASSESSMENT_FILE}.swp").write_bytes(b"b0VIM 9.0")
    (knowledge_copy / f".#{ASSESSMENT_FILE}").symlink_to("alice@laptop.1:2")
    (knowledge_copy / f"{ASSESSMENT_FILE}~").write_text("old", encoding="utf-8")
    (knowledge_copy / "sources" / ".article.txt.swp").write_bytes(b"b0VIM 9.0")
    assert not live.changed_on_disk()
    source_not_utf8(knowledge_copy)
    assert live.changed_on_disk()


def test_an_unexpected_error_while_building_keeps_the_old_engine_and_is_reported_once(
    knowledge_copy: Path, caplog: pytest.LogCaptureFixture,
) -> None:
    broken = False

    def build(directory: Path) -> Engine:
        if broken:
            raise RuntimeError("the index broke")
        return build_engine(directory)

    live = LiveKnowledge(knowledge_copy, build=build)
    engine = live.engine
    broken = True
    source_symlink(knowledge_copy)  # any change
    attempt = live.attempt()
    assert not attempt.valid and len(attempt.problems) == 1
    assert str(attempt.problems[0]) == (f"{knowledge_copy}: could not be loaded: RuntimeError: the index broke "
                                        "(the bot's log has the details)")
    live.accept(attempt)
    assert live.engine is engine and not live.changed_on_disk()  # not tried again at the next look
    assert [r.exc_info is not None for r in caplog.records if r.name == "bot.live"] == [True]


def test_problems_text_counts_the_problems_that_were_not_kept() -> None:
    problems = [Problem("k.yaml", n, "id", "bad") for n in range(1, 4)]
    assert problems_text(problems, 2000, omitted=1234) == ("k.yaml:1: id: bad\nk.yaml:2: id: bad\nk.yaml:3: id: bad\n… and 1,234 more", True)
    text, complete = problems_text(problems, 40, omitted=1234)
    assert text == "k.yaml:1: id: bad\n… and 1,236 more" and not complete
    assert all_problems_text(problems[:1], omitted=5) == "k.yaml:1: id: bad\n… and 5 more\n"


# -- a running bot ---------------------------------------------------------------------------------

@pytest.fixture
def watching(settings: Settings, knowledge_copy: Path) -> Settings:
    return dataclasses.replace(settings, knowledge_dir=knowledge_copy, knowledge_poll_seconds=POLL,
                               admin_user_ids=frozenset({ALICE}))


async def answering_entry(stub: DiscordStub) -> str:
    """The entry the bot answers "who wrote this article?" with, read from its 👍 button ("vote:<number>.<id>:up")."""
    callback = await interact(stub, payloads.slash_command(WORLD, "ask", {"question": "who wrote this article?"}))
    tag = next(b["custom_id"] for b in buttons(callback.body["data"]) if b["custom_id"].startswith("vote:")).split(":")[1]
    return tag.partition(".")[2]


async def looks(bot: AssessmentBot, count: int) -> None:
    """Waits until the watch has looked at the files `count` more times."""
    watch = bot.get_cog("OperationsCog").watch  # type: ignore[union-attr]
    target = watch.current_loop + count
    await until(lambda: watch.current_loop >= target, f"the watch stopped looking (at look {watch.current_loop})")


HOSTILE_EDITS = {
    "billion-laughs": billion_laughs,
    "source-not-utf8": source_not_utf8,
    "source-symlink": source_symlink,
    "many-problems": many_problems,
}


@pytest.mark.parametrize("edit", HOSTILE_EDITS)
@bounded
async def test_a_running_bot_keeps_answering_and_tells_the_administrators_once(
    edit: str, stub: DiscordStub, watching: Settings, caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="bot")
    directory = watching.knowledge_dir
    originals = {p: p.read_bytes() for p in (directory / ASSESSMENT_FILE, directory / "sources" / "herbst-2025-05.txt")}
    async with serving(stub, watching, LiveKnowledge(directory)) as bot:
        engine = bot.engine
        HOSTILE_EDITS[edit](directory)
        dm = await stub.wait_for_request("POST", DM_MESSAGES, timeout=WAIT)
        content = dm.body["content"]
        assert content.startswith("The knowledge files changed but are invalid") and len(content) <= CONTENT_LIMIT
        assert "still answering from the previous version" in content and "knowledge/" in content
        assert_pings_nobody(dm.body)
        assert all(size <= 1000 * MAX_PROBLEMS for _name, size in dm.files)

        await looks(bot, 5)  # the watch goes on looking at the same invalid files...
        assert bot.engine is engine and await answering_entry(stub) == "author"  # ...serving the old knowledge
        assert len(stub.requests_to("POST", DM_MESSAGES)) == 1, "the administrators were told again"
        assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"

        for path, data in originals.items():  # undo the edit, renaming an entry to see the new knowledge
            path.unlink()
            path.write_bytes(data.replace(b"- id: author\n", b"- id: the-author\n", 1))
        for extra in ("laughs.yaml", "many.yaml"):
            (directory / extra).unlink(missing_ok=True)
        fixed = await stub.wait_for_request("POST", DM_MESSAGES, where=lambda r: "valid again" in r.body["content"], timeout=WAIT)
        assert fixed.body["content"].startswith("The knowledge files are valid again")
        assert await answering_entry(stub) == "the-author"
        assert len(stub.requests_to("POST", DM_MESSAGES)) == 2
