"""Pipeline throughput and latency on real chat, against a raw-insert baseline from the same run.

Replays real Twitch chat (the captures in ../shared/data/twitch-irc-raw, repeated with fresh
message ids to reach --comments) through the whole road a live comment takes:
normalize -> sanitize -> rank -> store (the replay adapter into a show opened by
`stagehand.session.open_show`, the writer thread committing in batches), and prints:

- throughput: comments per second, flat out (an instant replay), until the last is committed;
- latency: p50 / p99 from arrival to ranked-and-stored (committed), with comments arriving at a
  steady --rate (a flood far above normal chat);
- memory: resident set size sampled along the run (flat means bounded);
- baseline: raw batched inserts of the same rows into SQLite with the sqlite3 module, and the ratio.

Pinned to one core. Run:  python3 benchmarks/pipeline_throughput.py [--comments 1000000]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from stagehand.config import Settings
from stagehand.domain import Comment
from stagehand.events import CommentRanked, CoreEvent
from stagehand.importers.twitch_irc import read_comments
from stagehand.platform import Adapter
from stagehand.session import open_show
from stagehand.show.live import LiveShow

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "twitch-irc-raw"


def real_chat() -> list[Comment]:
    if not DATA.is_dir():
        sys.exit(
            f"real chat not found at {DATA}: this benchmark needs ../shared/data beside the repo"
        )
    comments = list(read_comments((DATA / "xqcow-2019-09-15.irc.txt").open(encoding="utf-8")))
    recent = json.loads((DATA / "nymn-2024-01-06.recentmessages.json").read_text("utf-8"))
    comments += list(read_comments(recent["messages"]))
    return comments


def stream(base: list[Comment], count: int) -> Iterator[Comment]:
    """`count` comments: the real chat over and over, each round with new ids and later times."""
    span = base[-1].ts - base[0].ts + timedelta(seconds=1)
    produced = 0
    round_number = 0
    while produced < count:
        shift = span * round_number
        for comment in base:
            if produced == count:
                return
            yield dataclasses.replace(
                comment, id=f"{comment.id}-{round_number}", ts=comment.ts + shift
            )
            produced += 1
        round_number += 1


def rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 1e6


def open_live(directory: Path, name: str, *, adapters=(), on_committed=None) -> LiveShow:  # type: ignore[no-untyped-def]
    # Chat commands off, as in the earlier runs of this benchmark: the numbers stay comparable.
    live = open_show(
        Settings(),
        db_path=directory / f"{name}.db",
        show_name=name,
        adapters=adapters,
        commands=False,
        on_committed=on_committed,
    )
    live.start_segment("Devil May Cry 5", ["dmc", "devil may cry", "boss", "combo"])
    return live


def close(live: LiveShow) -> None:
    import asyncio

    asyncio.run(live.close())


def measure_throughput(base: list[Comment], count: int, directory: Path) -> tuple[float, list]:
    """Flat out through the replay adapter (which waits when the writer falls behind)."""
    import asyncio

    from stagehand.adapters.replay import ReplayAdapter
    from stagehand.transcript import CommentEvent

    replay: Adapter = ReplayAdapter((CommentEvent(c) for c in stream(base, count)), instant=True)
    live = open_live(directory, "throughput", adapters=[replay])
    samples: list[tuple[int, float]] = []
    every = max(1, count // 10)

    def sample(event: object) -> None:
        if isinstance(event, CommentRanked) and live.accepted % every == 0:
            samples.append((live.accepted, rss_mb()))

    live.add_listener(sample)

    async def play() -> None:
        await live.run_adapters()
        await asyncio.to_thread(live.flush, None)

    start = time.perf_counter()
    asyncio.run(play())
    elapsed = time.perf_counter() - start
    close(live)
    return count / elapsed, samples


def measure_latency(base: list[Comment], count: int, rate: float, directory: Path) -> list[float]:
    arrivals: dict[str, float] = {}
    latencies: list[float] = []

    def committed(events: list[CoreEvent]) -> None:
        now = time.perf_counter()
        for event in events:
            if isinstance(event, CommentRanked):
                arrived = arrivals.pop(event.ranked.comment.id, None)
                if arrived is not None:
                    latencies.append(now - arrived)

    live = open_live(directory, "latency", on_committed=committed)
    interval = 1.0 / rate
    start = time.perf_counter()
    for index, comment in enumerate(stream(base, count)):
        due = start + index * interval
        while time.perf_counter() < due:
            time.sleep(min(0.001, max(0.0, due - time.perf_counter())))
        arrivals[comment.id] = time.perf_counter()
        live.comment_received(comment)
    live.flush(timeout=None)
    close(live)
    return latencies


def measure_baseline(base: list[Comment], count: int, directory: Path, batch: int = 500) -> float:
    """Raw batched inserts of the same rows (no sanitize, rank, FTS or indexes) with sqlite3."""
    conn = sqlite3.connect(directory / "baseline.db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(
        "CREATE TABLE comments (id INTEGER PRIMARY KEY, platform TEXT, message_id TEXT UNIQUE,"
        " channel TEXT, author_id TEXT, author TEXT, ts TEXT, text TEXT)"
    )
    rows = (
        (c.platform, c.id, c.channel, c.author.id, c.author.name, c.ts.isoformat(), c.text)
        for c in stream(base, count)
    )
    start = time.perf_counter()
    pending: list[tuple] = []
    for row in rows:
        pending.append(row)
        if len(pending) == batch:
            with conn:
                conn.executemany("INSERT INTO comments VALUES (NULL,?,?,?,?,?,?,?)", pending)
            pending = []
    if pending:
        with conn:
            conn.executemany("INSERT INTO comments VALUES (NULL,?,?,?,?,?,?,?)", pending)
    elapsed = time.perf_counter() - start
    conn.close()
    return count / elapsed


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--comments", type=int, default=200_000, help="comments for throughput")
    parser.add_argument("--latency-comments", type=int, default=20_000)
    parser.add_argument(
        "--rate", type=float, default=2_000.0, help="arrivals per second for latency"
    )
    args = parser.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
    base = real_chat()
    print(f"real chat: {len(base)} comments from ../shared/data/twitch-irc-raw, repeated as needed")
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        baseline = measure_baseline(base, args.comments, directory)
        throughput, samples = measure_throughput(base, args.comments, directory)
        latencies = measure_latency(base, args.latency_comments, args.rate, directory)
    print(f"\nthroughput ({args.comments:,} comments, one core)")
    print(f"  stagehand pipeline      {throughput:>10,.0f} comments/s   (target >= 2,000)")
    print(f"  baseline raw inserts    {baseline:>10,.0f} comments/s")
    print(f"  ratio baseline/pipeline {baseline / throughput:>10.1f}x")
    print(f"\nlatency arrival -> ranked and stored, at {args.rate:,.0f} comments/s")
    print(f"  p50 {percentile(latencies, 0.50) * 1000:8.1f} ms")
    print(f"  p99 {percentile(latencies, 0.99) * 1000:8.1f} ms   (target < 50 ms)")
    print(
        f"  max {max(latencies) * 1000:8.1f} ms   mean {statistics.mean(latencies) * 1000:.1f} ms"
    )
    print("\nmemory (resident set) along the throughput run")
    for index, megabytes in samples:
        print(f"  after {index:>10,} comments  {megabytes:8.1f} MB")
    growth = samples[-1][1] - samples[len(samples) // 2][1] if len(samples) > 1 else 0.0
    print(f"  growth over the second half: {growth:+.1f} MB")


if __name__ == "__main__":
    main()
