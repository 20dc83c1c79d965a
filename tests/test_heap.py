"""A long show's processes give a big table back to the system once it is dropped: a bounded
cache copies itself into a new table now and then, and the old one must not stay behind
(stagehand/heap.py; on the 1M-comment replay it grew both processes by megabytes)."""

from __future__ import annotations

import subprocess
import sys

import pytest

#: In a fresh interpreter (the allocator's state is the process's): build a big dict (a cache's
#: table, a few MB) a few times, each time keeping a small allocation made after it (what the
#: show goes on doing meanwhile), then drop it. Prints how much the process grew, in MB.
PROBE = """
import itertools
import sys

if sys.argv[1] == "show":  # a show was opened in this process, its ranker in a worker
    import asyncio
    import tempfile
    from pathlib import Path

    from stagehand.config import Settings
    from stagehand.session import open_show

    with tempfile.TemporaryDirectory() as directory:
        settings = Settings.model_validate({"ranking": {"worker": "process"}})
        live = open_show(settings, db_path=Path(directory) / "show.db", adapters=[])
        asyncio.run(live.close())
elif sys.argv[1] == "worker":  # this process served as a ranker's worker (its show left at once)
    import socket

    from stagehand.ranking.worker_process import main

    ours, theirs = socket.socketpair()
    ours.close()
    main(["worker", str(theirs.detach())])


def resident_mb():
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * 4096 / 2**20


keys = [str(number) for number in range(1_200_000)]
kept = []
start = resident_mb()
for round in range(4):
    table = {}
    for key in itertools.islice(keys, round * 300_000, (round + 1) * 300_000):
        table[key] = None  # a cache fills: its table is copied into a bigger one as it grows
    kept.append(b"x" * 2_000)
    del table
print(resident_mb() - start)
"""

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc's allocator")


def grown_mb(mode: str) -> float:
    done = subprocess.run(
        [sys.executable, "-c", PROBE, mode], capture_output=True, text=True, check=True
    )
    return float(done.stdout.split()[-1])


def test_a_shows_process_gives_a_dropped_table_back() -> None:
    assert grown_mb("show") < 2


def test_a_rankers_worker_process_gives_a_dropped_table_back() -> None:
    assert grown_mb("worker") < 2
