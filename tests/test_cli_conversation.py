"""`python -m bot ask --json --conversation` and `--listen`: the contract tools and tests rely on."""

from __future__ import annotations

import json

from tests.test_cli import JSON_KEYS, run_cli

NEW_KEYS = {"small_talk", "follow_up_of"}


def json_lines(stdout: str) -> list[dict]:
    return [json.loads(line) for line in stdout.splitlines()]


def test_conversation_reads_each_line_against_the_previous_answer_and_a_blank_line_starts_afresh() -> None:
    lines = "what was the minerals deal\nwhen was that?\nthanks!!\n\nwhen was that?\n"
    proc = run_cli("ask", "--json", "--conversation", stdin=lines)
    assert proc.returncode == 0, proc.stderr
    deal, when, thanks, alone = json_lines(proc.stdout)  # one line of JSON per non-blank line
    assert all(JSON_KEYS | NEW_KEYS <= reply.keys() for reply in (deal, when, thanks, alone))
    assert deal["entry"] == "minerals-deal" and deal["follow_up_of"] is None and deal["small_talk"] is None
    assert when["matched"] is True and when["entry"] == "minerals-deal" and when["follow_up_of"] == "minerals-deal"
    assert thanks["small_talk"] == "thanks" and thanks["matched"] is False and thanks["entry"] is None
    assert "welcome" in thanks["answer"].lower()
    assert alone["matched"] is False and alone["follow_up_of"] is None  # a new conversation: nothing to read it against


def test_without_conversation_every_line_stands_alone() -> None:
    proc = run_cli("ask", "--json", stdin="what was the minerals deal\nwhen was that?\n")
    deal, when = json_lines(proc.stdout)
    assert deal["matched"] is True
    assert when["matched"] is False and when["follow_up_of"] is None


def test_listen_matches_only_what_the_bot_would_reply_to_in_a_listen_channel() -> None:
    lines = "swapping prisoners is at least something\nthanks!\nbot, who wrote this article?\nanyone else reading this?\n"
    proc = run_cli("ask", "--json", "--listen", stdin=lines)
    assert proc.returncode == 0, proc.stderr
    statement, thanks, question, to_others = json_lines(proc.stdout)
    assert [statement["matched"], thanks["matched"], question["matched"], to_others["matched"]] == [False, False, True, False]
    assert question["entry"] == "author"
    assert statement["entry"] is None and thanks["answer"] is None  # silence: no reply at all


def test_conversation_and_listen_cannot_be_combined() -> None:
    proc = run_cli("ask", "--json", "--conversation", "--listen", stdin="hi\n")
    assert proc.returncode == 2 and "not allowed with" in proc.stderr


def test_chat_keeps_the_conversation() -> None:
    proc = run_cli("chat", stdin="who proposed the istanbul talks?\ntell me more\n")
    assert proc.returncode == 0, proc.stderr
    assert "More on:" in proc.stdout and "Related" in proc.stdout
