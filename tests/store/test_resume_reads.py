"""What a resumed show reads back: every recent comment, and the scores of only those its queue
folds (the rest are never parsed, so a damaged stored score there cannot stop a resume)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stagehand.domain import Author, Comment, RankedComment, Score
from stagehand.store import open_database
from stagehand.store.queries import open_show
from stagehand.store.recorder import Recorder
from stagehand.store.resume_reads import resumed_state

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


def stored_show(path: Path, count: int) -> int:
    """A show of `count` scored comments (comment n scores n), stored as the writer stores."""
    db = open_database(path)
    show, _ = open_show(db, "synth", title="Synth", description="", source="test", started_at=T0)
    recorder = Recorder(db, show.id)
    ranked = [
        RankedComment(
            Comment(
                f"m{n}",
                "twitch",
                "synthnight",
                Author("twitch", str(n % 7), f"viewer{n % 7}", roles=frozenset({"vip"})),
                f"question {n}?",
                T0 + timedelta(seconds=n),
                clean_text=f"question {n}?",
            ),
            Score(float(n), float(n), {"question": 1.0}, frozenset({"question"})),
            0,
        )
        for n in range(count)
    ]
    with db.conn:
        recorder.comments(ranked)
    db.conn.close()
    return show.id


def test_only_the_comments_a_queue_folds_have_their_scores_read(tmp_path: Path) -> None:
    path = tmp_path / "show.db"
    show_id = stored_show(path, 300)
    # An old row's stored score damaged (a disk error, a hand edit): outside what is folded.
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE comments SET same_as = '[\"twitch\", ' WHERE message_id = 'm10'")

    db = open_database(path)
    try:
        resumed = resumed_state(db, show_id, recent=250, scored=40)
    finally:
        db.conn.close()

    # Every recent comment comes back (host actions, `!stage @name` and dedupe find them)...
    assert [r.comment.id for r in resumed.recent_comments] == [f"m{n}" for n in range(50, 300)]
    assert resumed.recent_comments[0].comment.author.roles == frozenset({"vip"})
    # ... and the latest 40 with the scores they were stored with, oldest first.
    assert [(r.comment.id, r.score.value) for r in resumed.scored_comments] == [
        (f"m{n}", float(n)) for n in range(260, 300)
    ]
    assert resumed.scored_comments[-1].score.flags == frozenset({"question"})
    assert [r.comment for r in resumed.scored_comments] == [
        r.comment for r in resumed.recent_comments[-40:]
    ]

    db = open_database(path)
    try:  # the damaged row is read as a comment only
        resumed = resumed_state(db, show_id, recent=300, scored=40)
    finally:
        db.conn.close()
    assert resumed.recent_comments[10].comment.id == "m10"


def test_a_stored_pair_cut_short_is_read_as_no_pair(tmp_path: Path) -> None:
    """A `same_as` of `[]` or one value (a damaged row among the folded ones) is read as a
    comment of its own: the resume goes on (it stopped with an IndexError)."""
    path = tmp_path / "show.db"
    show_id = stored_show(path, 5)
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE comments SET same_as = '[]' WHERE message_id = 'm3'")
        conn.execute("UPDATE comments SET same_as = '[\"twitch\"]' WHERE message_id = 'm4'")
    db = open_database(path)
    try:
        resumed = resumed_state(db, show_id, recent=5, scored=5)
    finally:
        db.conn.close()
    assert [(r.comment.id, r.score.same_as) for r in resumed.scored_comments[-2:]] == [
        ("m3", None),
        ("m4", None),
    ]
