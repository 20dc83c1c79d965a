"""One clock: a show's start, end, length and stage times are all in show time.

A replay's show starts when its transcript does and ends at its last event, however fast it
was played and however long the host left the console open afterwards.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.metrics import show_metrics
from stagehand.session import open_show
from stagehand.store import open_database
from stagehand.times import format_ts


def stagehand(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args], capture_output=True, text=True, timeout=60
    )


def test_shows_gives_a_replayed_show_its_length(tmp_path: Path, small_show: Path) -> None:
    """The small show runs 19:00:00 to 19:08:10 (its last host event)."""
    db = tmp_path / "clock.db"
    played = stagehand("replay", str(small_show), "--db", str(db), "--headless", "--speed", "2000")
    assert played.returncode == 0, played.stderr
    listing = stagehand("shows", "--db", str(db))
    row = next(line for line in listing.stdout.splitlines() if line.startswith("synth-night"))
    assert re.search(r"2026-11-20 19:00\s+8 m\b", row), row
    started, ended = (
        sqlite3.connect(db).execute("SELECT started_at, ended_at FROM shows").fetchone()
    )
    assert (started, ended) == ("2026-11-20T19:00:00.000Z", "2026-11-20T19:08:10.000Z")


async def test_the_clock_stops_when_the_replay_ends(tmp_path: Path, small_show: Path) -> None:
    """Idle time after the replay finished is not show time: not in its length, not on stage."""
    db = tmp_path / "clock.db"
    replay = ReplayAdapter(small_show, speed=2000)
    live = open_show(Settings(), db_path=db, show_name="synth", adapters=[replay], commands=False)
    await live.run_adapters()
    at_the_end = live.now()
    await asyncio.sleep(1.0)  # the host looks at the console a while (2,000 s of show time)
    assert live.now() == at_the_end
    assert await live.close()

    database = open_database(db)
    ended = database.execute("SELECT ended_at FROM shows").fetchone()[0]
    assert ended == "2026-11-20T19:08:10.000Z"  # the last event, not 2,000 s later
    metrics = show_metrics(database, "synth")
    assert format_ts(metrics.show.closed_at) == ended
