"""The suite stands alone: no `.env` is read and nothing it starts reaches past loopback."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.subprocess_site.loopback_guard import REFUSAL
from tests.test_cli import run_cli
from tests.test_config import TOKEN

# Addresses that are never routed (RFC 5737) and a name that never resolves (RFC 2606): were the guard
# missing, the attempts would fail anyway, only with another message, and leak as little as possible.
UNROUTED_ADDRESS, UNRESOLVABLE_NAME = "192.0.2.1", "discord.invalid"

PROBE = f"""
import asyncio, json, socket

def attempt(action):
    try:
        action()
    except OSError as error:
        return str(error)
    return "reached"

async def open_connection():
    await asyncio.wait_for(asyncio.open_connection({UNROUTED_ADDRESS!r}, 443), 2)

with socket.create_server(("127.0.0.1", 0)) as server:
    loopback = attempt(lambda: socket.create_connection(server.getsockname(), timeout=2).close())
print(json.dumps({{
    "resolve": attempt(lambda: socket.getaddrinfo({UNRESOLVABLE_NAME!r}, 443)),
    "gethostbyname": attempt(lambda: socket.gethostbyname({UNRESOLVABLE_NAME!r})),
    "connect": attempt(lambda: socket.create_connection(({UNROUTED_ADDRESS!r}, 443), timeout=2)),
    "udp": attempt(lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ({UNROUTED_ADDRESS!r}, 53))),
    "asyncio": attempt(lambda: asyncio.run(open_connection())),
    "loopback": loopback,
}}))
"""


def test_a_python_subprocess_can_reach_loopback_and_nothing_else() -> None:
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, cwd="/")
    assert done.returncode == 0, done.stderr
    outcomes = json.loads(done.stdout)
    assert outcomes.pop("loopback") == "reached"
    refused = {what: REFUSAL in outcome for what, outcome in outcomes.items()}
    assert all(refused.values()), outcomes


def test_the_bot_started_with_a_token_cannot_reach_discord(tmp_path: Path) -> None:
    # What a leaked token would lead to: `run` aimed at discord.com. The guard stops the first lookup.
    proc = run_cli("run", cwd=tmp_path, env={"DISCORD_TOKEN": TOKEN, "DATABASE_PATH": str(tmp_path / "bot.sqlite3")})
    assert proc.returncode == 1, proc.stderr
    assert "Cannot reach Discord" in proc.stderr and REFUSAL in proc.stderr
    assert TOKEN not in proc.stderr
