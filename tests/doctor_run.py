"""`stagehand doctor` as a user runs it, for the tests of every platform's checks."""

from __future__ import annotations

import asyncio
import os
import sys


async def doctor(*args: str, env: dict[str, str]) -> tuple[int, str]:
    """Run `stagehand doctor` while a fake keeps serving on this loop; (exit code, output)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "stagehand", "doctor", *args),
        env={**os.environ, **env},
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    output, _ = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode is not None
    return process.returncode, output.decode()


def line(output: str, name: str) -> str:
    """The doctor's line about `name` (`  FIX twitch bot token: ...`)."""
    found = [row for row in output.splitlines() if f" {name}: " in row]
    assert found, f"no {name!r} line in:\n{output}"
    return found[0]
