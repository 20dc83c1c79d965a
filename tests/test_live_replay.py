"""The whole road, headless: a transcript replayed into SQLite, exported back, resumed."""

from __future__ import annotations

import io
import json
import sqlite3
from pathlib import Path

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.events import CommentRanked, CoreEvent, StageChanged
from stagehand.session import open_show
from stagehand.show.live import LiveShow
from stagehand.store import open_database
from stagehand.store.export import export_events
from stagehand.store.queries import resolve_show
from stagehand.transcript import (
    CommentEvent,
    HostEvent,
    SegmentEvent,
    read_transcript,
    write_events,
)


async def replay_into(
    db: Path, transcript: Path, *, name: str = "synth", replay: ReplayAdapter | None = None
) -> tuple[LiveShow, list]:
    live = open_show(
        Settings(),
        db_path=db,
        show_name=name,
        title="Synth Night",
        adapters=[replay or ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    seen: list[CoreEvent] = []
    live.add_listener(seen.append)
    await live.run_adapters()
    assert await live.close()
    return live, seen


async def test_replay_stores_comments_segments_and_host_actions(tmp_path, small_show) -> None:
    db = tmp_path / "show.db"
    _, seen = await replay_into(db, small_show)
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 5
    assert conn.execute("SELECT title FROM segments ORDER BY position").fetchall() == [
        ("Oscillators",),
        ("Filters",),
    ]
    actions = conn.execute("SELECT action FROM host_actions ORDER BY ts").fetchall()
    assert [a for (a,) in actions] == ["answer", "stage_start", "stage_end", "reply"]
    (seconds,) = conn.execute(
        "SELECT (julianday(ended_at) - julianday(started_at)) * 86400 FROM stage_sessions"
    ).fetchone()
    assert round(seconds) == 120
    # each comment is tied to the segment that was live when it arrived
    rows = conn.execute(
        "SELECT comments.message_id, segments.position FROM comments "
        "JOIN segments ON segments.id = comments.segment_id"
    ).fetchall()
    assert dict(rows) == {"m1": 1, "m2": 1, "m3": 1, "m4": 2, "m5": 2}
    ranked = [e.ranked for e in seen if isinstance(e, CommentRanked)]
    assert len(ranked) == 5 and all(r.score.reasons for r in ranked)
    assert any(isinstance(e, StageChanged) and e.on_stage for e in seen)


async def test_hostile_text_is_stored_clean_with_the_original_kept(tmp_path, small_show) -> None:
    db = tmp_path / "show.db"
    await replay_into(db, small_show)
    text, original = (
        sqlite3.connect(db)
        .execute("SELECT text, original_text FROM comments WHERE message_id = 'm5'")
        .fetchone()
    )
    assert text == "[@click=app.quit]x[/] evil"
    assert original == "[@click=app.quit]x[/] \x1b[2J\u202eevil"


async def test_export_round_trip_gives_back_the_same_show(tmp_path, small_show) -> None:
    db = tmp_path / "show.db"
    await replay_into(db, small_show)
    database = open_database(db)
    buffer = io.StringIO()
    write_events(export_events(database, resolve_show(database, "synth")), buffer)
    exported = tmp_path / "exported.jsonl"
    exported.write_text(buffer.getvalue())

    def essentials(path: Path) -> tuple[list, list, list]:
        events = list(read_transcript(path))
        return (
            [e for e in events if isinstance(e, SegmentEvent)],
            [e.comment for e in events if isinstance(e, CommentEvent)],
            [
                (e.action.kind, e.action.ts, e.action.comment_id, e.action.author_id, e.action.text)
                for e in events
                if isinstance(e, HostEvent)
            ],
        )

    assert essentials(exported) == essentials(small_show)
    # and it replays again into a second database with the same contents
    db2 = tmp_path / "again.db"
    await replay_into(db2, exported)
    count = sqlite3.connect(db2).execute("SELECT count(*) FROM comments").fetchone()[0]
    assert count == 5


async def test_replaying_the_same_show_again_resumes_it(tmp_path, small_show) -> None:
    db = tmp_path / "show.db"
    await replay_into(db, small_show)
    replay = ReplayAdapter(small_show, instant=True)
    live, _ = await replay_into(db, small_show, replay=replay)
    assert live.resumed
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM shows").fetchone()[0] == 1
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 5
    assert conn.execute("SELECT count(*) FROM segments").fetchone()[0] == 2
    assert conn.execute("SELECT count(*) FROM host_actions").fetchone()[0] == 4
    # It picked up where the stored show ends (here: the end), playing nothing again.
    assert replay.resumed_after_line == len(small_show.read_text().splitlines())
    assert replay.played == 0


async def test_a_duplicate_delivery_is_stored_once(tmp_path, small_show) -> None:
    lines = small_show.read_text().splitlines()
    twice = small_show.with_name("twice.jsonl")
    twice.write_text("\n".join(lines + [line for line in lines if '"m2"' in line]) + "\n")
    db = tmp_path / "show.db"
    live, _ = await replay_into(db, twice)
    assert live.duplicates == 1
    assert (
        sqlite3.connect(db)
        .execute("SELECT count(*) FROM comments WHERE message_id = 'm2'")
        .fetchone()[0]
        == 1
    )


async def test_bad_lines_are_skipped_and_the_rest_plays(tmp_path, small_show) -> None:
    broken = small_show.with_name("broken.jsonl")
    lines = small_show.read_text().splitlines()
    lines.insert(3, "{this is not json")
    lines.insert(5, json.dumps({"kind": "comment", "id": "x"}))
    broken.write_text("\n".join(lines) + "\n")
    db = tmp_path / "show.db"
    live, _ = await replay_into(db, broken)
    assert live.accepted == 5


async def test_real_twitch_chat_goes_through_the_pipeline(tmp_path, shared_data) -> None:
    from stagehand.importers.twitch_irc import read_comments

    capture = shared_data / "twitch-irc-raw" / "nymn-2024-01-06.recentmessages.json"
    comments = list(read_comments(json.loads(capture.read_text())["messages"]))
    live = open_show(
        Settings(), db_path=tmp_path / "nymn.db", show_name="nymn", adapters=[], commands=False
    )
    live.start_segment("Just chatting", ["stream", "game"], ts=comments[0].ts)
    for comment in comments:
        live.comment_received(comment)
    assert await live.close()
    conn = sqlite3.connect(tmp_path / "nymn.db")
    stored, people = conn.execute(
        "SELECT count(*), count(DISTINCT author_id) FROM comments"
    ).fetchone()
    assert stored == len(comments) == 798
    assert people == 118
    # nothing stored for display carries a control character
    for (text,) in conn.execute("SELECT text FROM comments"):
        assert not any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 for c in text)


async def test_a_segment_command_and_its_recorded_segment_make_one_segment(tmp_path) -> None:
    from fakes.transcripts import SMALL_SHOW, write_jsonl

    records = [dict(r) for r in SMALL_SHOW]
    # what a live show exports when a moderator typed !segment: the command and the segment
    command = {
        "kind": "comment",
        "id": "cmd",
        "ts": "2026-11-20T19:04:59Z",
        "platform": "twitch",
        "channel": "synthnight",
        "author_id": "1",
        "author": "mod",
        "roles": ["moderator"],
        "text": "!segment Filters | filter, cutoff, resonance",
        "reply_to": None,
    }
    records.insert(6, command)
    transcript = write_jsonl(tmp_path / "with-command.jsonl", records)
    live = open_show(
        Settings(),
        db_path=tmp_path / "c.db",
        show_name="c",
        adapters=[ReplayAdapter(transcript, instant=True)],
    )
    await live.run_adapters()
    assert await live.close()
    conn = sqlite3.connect(tmp_path / "c.db")
    assert conn.execute("SELECT title FROM segments ORDER BY position").fetchall() == [
        ("Oscillators",),
        ("Filters",),
    ]
    assert conn.execute("SELECT outcome FROM commands").fetchall() == [
        ("ok: segment 2 started: Filters",)
    ]
    # and the round trip through export keeps two segments
    database = open_database(tmp_path / "c.db")
    events = list(export_events(database, resolve_show(database, "c")))
    assert sum(isinstance(e, SegmentEvent) for e in events) == 2


async def test_host_actions_are_kept_once_per_show_whatever_replays_them(
    tmp_path, small_show
) -> None:
    """A host event's key travels through export: replaying the export into the same show adds
    nothing, and a live action (a fresh key) is still logged."""
    db = tmp_path / "show.db"
    await replay_into(db, small_show)
    database = open_database(db)
    exported = tmp_path / "exported.jsonl"
    with exported.open("w") as handle:
        write_events(export_events(database, resolve_show(database, "synth")), handle)
    database.conn.close()
    keys = [json.loads(line).get("id") for line in exported.read_text().splitlines()]
    host_keys = [
        k
        for k, line in zip(keys, exported.read_text().splitlines(), strict=True)
        if '"host"' in line
    ]
    assert len(host_keys) == 4 and all(host_keys)
    # The stored show ends before its last host events: force them to be replayed again.
    conn = sqlite3.connect(db)
    conn.execute("UPDATE comments SET ts = '2000-01-01T00:00:00.000Z'")
    conn.execute("UPDATE host_actions SET ts = '2000-01-01T00:00:00.000Z'")
    conn.commit()
    await replay_into(db, exported)
    assert conn.execute("SELECT count(*) FROM host_actions").fetchone()[0] == 4
