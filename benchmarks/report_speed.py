"""How long `stagehand report` takes over a show of one million comments, per format.

    python benchmarks/report_speed.py [--comments 1000000] [--db PATH] [--keep]

Builds a database with the real schema (migrations applied) and fills it with fast raw inserts:
20,000 viewers on two platforms, six segments over four hours, 5% replies, 2,000 answered
comments, 30 stage appearances. The FTS triggers are dropped for the load and put back after
(reports never read the search index). Then it times, in the same run:

  baseline   SELECT author_id, count(*) FROM comments WHERE show_id = ? GROUP BY author_id
             (one plain aggregate pass over the same rows: the floor any report stands on)
  metrics    stagehand.metrics.show_metrics (all the SQL and the pure definitions)
  <format>   metrics + rendering, for each of term, md, html, json, csv
  trend      stagehand.metrics.trend over the database (one show here)
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stagehand.metrics import show_metrics, trend
from stagehand.report import FORMATS, render_show
from stagehand.store import open_database
from stagehand.times import format_ts

START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
HOURS = 4


def build(path: Path, comments: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    db = open_database(path)
    conn = db.conn
    triggers = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'comments'"
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER {name}")
    conn.execute("PRAGMA synchronous = OFF")
    with conn:
        conn.execute(
            "INSERT INTO shows (id, name, title, started_at, ended_at) VALUES (1, 'big', "
            "'A very busy show', ?, ?)",
            (format_ts(START), format_ts(START + timedelta(hours=HOURS))),
        )
        segment_starts = [START + timedelta(minutes=40 * i) for i in range(6)]
        conn.executemany(
            "INSERT INTO segments (id, show_id, position, title, started_at) VALUES (?, 1, ?, ?, ?)",
            [
                (i + 1, i + 1, f"Segment {i + 1}", format_ts(ts))
                for i, ts in enumerate(segment_starts)
            ],
        )
        conn.executemany(
            "INSERT INTO authors (id, platform, platform_user_id, name, roles, first_seen_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    "twitch" if i % 4 else "discord",
                    str(i),
                    f"viewer{i}",
                    '["broadcaster"]' if i == 1 else "[]",
                    format_ts(START),
                )
                for i in range(1, 20_001)
            ],
        )
        span = HOURS * 3600
        rows = []
        for n in range(1, comments + 1):
            at = START + timedelta(seconds=span * n / comments)
            author = int(rng.paretovariate(1.2)) % 20_000 + 1
            question = rng.random() < 0.12
            on_topic = rng.random() < 0.4
            reply_to = f"m{rng.randrange(1, n)}" if n > 1 and rng.random() < 0.05 else None
            rows.append(
                (
                    n, 1, min(6, int((at - START).total_seconds() // 2400) + 1), author,
                    "twitch" if author % 4 else "discord", f"m{n}", format_ts(at),
                    f"comment number {n}", f"comment number {n}", reply_to,
                    rng.random() * 10, int(question), int(on_topic), int(rng.random() < 0.1),
                )
            )  # fmt: skip
            if len(rows) == 50_000:
                _insert(conn, rows)
                rows = []
        _insert(conn, rows)
        answered = rng.sample(range(1, comments + 1), min(2000, comments))
        conn.executemany(
            "INSERT INTO host_actions (show_id, ts, action, comment_id) VALUES (1, "
            "(SELECT strftime('%Y-%m-%dT%H:%M:%fZ', ts, '+45 seconds') FROM comments WHERE id = ?),"
            " 'answer', ?)",
            [(c, c) for c in answered],
        )
        conn.executemany(
            "INSERT INTO stage_sessions (show_id, author_id, started_at, ended_at)"
            " VALUES (1, ?, ?, ?)",
            [
                (
                    rng.randrange(2, 20_001),
                    format_ts(START + timedelta(minutes=8 * i)),
                    format_ts(START + timedelta(minutes=8 * i + 5)),
                )
                for i in range(30)
            ],
        )
    for _, sql in triggers:
        conn.execute(sql)
    conn.commit()
    conn.execute("ANALYZE")
    conn.close()


def _insert(conn, rows) -> None:  # type: ignore[no-untyped-def]
    conn.executemany(
        "INSERT INTO comments (id, show_id, segment_id, author_id, platform, message_id, ts, text,"
        " original_text, reply_to, score, is_question, on_topic, side_chatter)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )


def timed(label: str, run) -> float:  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    print(f"  {label:<10} {seconds:7.2f} s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--comments", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=None, help="reuse or create this database")
    args = parser.parse_args()
    path = args.db or Path(tempfile.mkdtemp()) / "report-speed.db"
    if not path.exists():
        started = time.perf_counter()
        build(path, args.comments)
        print(
            f"built {path} with {args.comments:,} comments in {time.perf_counter() - started:.1f} s"
        )
    db = open_database(path, create=False)
    print("timings (same run, warm cache):")
    db.execute("SELECT count(*) FROM comments").fetchone()  # warm the page cache
    baseline = timed(
        "baseline",
        lambda: db.execute(
            "SELECT author_id, count(*) FROM comments WHERE show_id = 1 GROUP BY author_id"
        ).fetchall(),
    )
    metrics = timed("metrics", lambda: show_metrics(db, "big"))
    for fmt in FORMATS:
        timed(fmt, lambda fmt=fmt: render_show(show_metrics(db, "big"), fmt))
    timed("trend", lambda: trend(db))
    print(f"metrics / baseline: {metrics / baseline:.1f}x")


if __name__ == "__main__":
    main()
