"""`stagehand run --headless` as a user runs it against the fake Twitch, for the tests of a live
show that is stopped, killed and run again."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Callable
from pathlib import Path

from fakes.twitch_server import BROADCASTER, FakeTwitch


def twitch_config(
    path: Path, fake: FakeTwitch, *, name: str = "friday", show: str = "", twitch: str = ""
) -> Path:
    """A config at `path` for show `name` on the fake Twitch; `show`, `twitch`: more lines of
    those sections."""
    path.write_text(
        f"""
[show]
name = "{name}"
{show}
[twitch]
enabled = true
channel = "{BROADCASTER["login"]}"
helix_url = "{fake.helix_url}"
oauth_url = "{fake.oauth_url}"
eventsub_url = "{fake.eventsub_url}"
{twitch}""",
        encoding="utf-8",
    )
    return path


async def run_headless(config: Path, db: Path, env: dict[str, str]) -> asyncio.subprocess.Process:
    """`stagehand run -c CONFIG --db DB --headless`, its output piped."""
    return await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "stagehand", "run", "-c", str(config), "--db", str(db), "--headless"),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


async def wait_for(predicate: Callable[[], bool], timeout: float = 20.0) -> None:
    """Until `predicate()` holds, looking every 50 ms (TimeoutError after `timeout` seconds)."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)
