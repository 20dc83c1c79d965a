"""The report's numbers on a long show: their cost grows with the show, never with its square.

Viewers replying to viewers are counted by joining each reply to its parent comment. Since the
comments' key became an integer (issue 19), a join on the message id's text had no index and read
the whole show once per reply: a 100k-comment show with replies took two minutes to report.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from stagehand.metrics import show_metrics
from stagehand.store import open_database
from stagehand.store.keys import install_message_key
from stagehand.store.queries import open_show

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


def show_with_replies(path: Path, comments: int) -> None:
    """`comments` comments by two viewers, every tenth a reply to the one before it."""
    db = open_database(path)
    show, _ = open_show(db, "long", title="Long", description="", source="test", started_at=T0)
    db.conn.close()
    conn = sqlite3.connect(path)
    install_message_key(conn)
    with conn:
        conn.executemany(
            "INSERT INTO authors (platform, platform_user_id, name, first_seen_at)"
            " VALUES ('twitch', ?, ?, '2026-11-20T19:00:00.000Z')",
            [("1", "ana"), ("2", "ben")],
        )
        conn.execute(
            "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?)"
            " INSERT INTO comments (show_id, author_id, platform, message_id, msg_key, ts, text,"
            " original_text, reply_to)"
            " SELECT ?, (SELECT id FROM authors WHERE name = iif(i % 2, 'ana', 'ben')), 'twitch',"
            " 'm' || i, stagehand_message_key('twitch', 'm' || i),"
            " strftime('%Y-%m-%dT%H:%M:%fZ', '2026-11-20T19:00:00', '+' || (i / 10) || ' seconds'),"
            " 'the filter sounds great', 'the filter sounds great',"
            " iif(i % 10 = 0, 'm' || (i - 1), NULL) FROM n",
            (comments, show.id),
        )
    conn.close()


def steps_to_report(path: Path) -> tuple[int, int]:
    """SQLite steps (in thousands) to compute the show's metrics, and the replies counted."""
    db = open_database(path, create=False)
    steps = 0

    def count_step() -> int:
        nonlocal steps
        steps += 1
        return 0

    db.conn.set_progress_handler(count_step, 1_000)
    metrics = show_metrics(db, "long")
    db.conn.set_progress_handler(None, 0)
    db.conn.close()
    return steps, metrics.totals.viewer_replies


def test_counting_replies_costs_in_proportion_to_the_show(tmp_path: Path) -> None:
    short, long = tmp_path / "short.db", tmp_path / "long.db"
    show_with_replies(short, 2_000)
    show_with_replies(long, 20_000)

    short_steps, short_replies = steps_to_report(short)
    long_steps, long_replies = steps_to_report(long)

    assert (short_replies, long_replies) == (200, 2_000)  # every reply found its parent
    # Ten times the show: about ten times the work (the text join made it about a hundred).
    assert long_steps < 20 * short_steps, (short_steps, long_steps)
