"""A show is what it was recorded from, not just its name: replaying another transcript under a
stored show's name (both weeks' files called chat.jsonl) is refused, not merged into it; the same
transcript, grown or edited, still resumes or plays into it."""

from __future__ import annotations

import json
from pathlib import Path

from fakes.show_runs import copy_to, count, next_week, stagehand
from stagehand.demo import demo_transcript_path


def test_next_weeks_transcript_under_last_weeks_name_is_refused_not_merged(
    tmp_path: Path,
) -> None:
    """Both weeks' files are called chat.jsonl, so both replays default to the show 'chat': the
    second was merged into the first (one show of 168 hours and twice the comments), rc 0."""
    week1 = copy_to(demo_transcript_path(), tmp_path / "wk1" / "chat.jsonl")
    week2 = next_week(week1, tmp_path / "wk2" / "chat.jsonl")
    db = tmp_path / "weekly.db"
    first = stagehand("replay", str(week1), "--db", str(db), "--instant", "--headless")
    assert first.returncode == 0, first.stderr
    stored = count(db, "SELECT count(*) FROM comments")

    second = stagehand("replay", str(week2), "--db", str(db), "--instant", "--headless")
    assert second.returncode == 2, second.stdout + second.stderr
    assert second.stderr == (
        f"Error: show 'chat' in {db} was stored from another transcript ({week1}), "
        f"not from {week2}: store this one as a show of its own with --show chat-2\n"
    )
    assert count(db, "SELECT count(*) FROM comments") == stored
    assert count(db, "SELECT count(*) FROM shows WHERE ended_at IS NOT NULL") == 1

    # The fix it names works: a show of its own, beside last week's.
    own = stagehand(
        "replay", str(week2), "--db", str(db), "--show", "chat-2", "--instant", "--headless"
    )
    assert own.returncode == 0, own.stderr
    assert count(db, "SELECT count(*) FROM shows") == 2

    # The same transcript again is the same show: already stored to its end.
    again = stagehand("replay", str(week1), "--db", str(db), "--instant", "--headless")
    assert again.returncode == 0, again.stderr
    assert "it was already stored to the end of the transcript" in again.stdout


def test_a_transcript_edited_since_it_was_stored_still_plays_into_its_show(
    tmp_path: Path,
) -> None:
    """A transcript whose bad line was fixed (its bytes before the stored position changed)
    is the same show: played from its start into it, nothing stored twice, rc 0."""
    transcript = copy_to(demo_transcript_path(), tmp_path / "show.jsonl")
    db = tmp_path / "edited.db"
    assert (
        stagehand("replay", str(transcript), "--db", str(db), "--instant", "--headless").returncode
        == 0
    )
    stored = count(db, "SELECT count(*) FROM comments")
    lines = transcript.read_text("utf-8").splitlines(keepends=True)
    record = json.loads(lines[5])
    record["text"] = record.get("text", "") + " (typo fixed)"
    lines[5] = json.dumps(record, ensure_ascii=False) + "\n"
    transcript.write_text("".join(lines), "utf-8")
    again = stagehand("replay", str(transcript), "--db", str(db), "--instant", "--headless")
    assert again.returncode == 0, again.stderr
    assert "has changed since the show was stored from it" in again.stderr
    assert count(db, "SELECT count(*) FROM comments") == stored
    assert count(db, "SELECT count(*) FROM shows") == 1


def test_a_demo_under_the_name_of_another_show_is_refused(tmp_path: Path) -> None:
    small = tmp_path / "friday.jsonl"
    small.write_text(
        '{"kind": "show", "ts": "2026-11-01T19:00:00Z", "title": "Friday"}\n'
        '{"kind": "comment", "id": "f1", "ts": "2026-11-01T19:00:05Z", "platform": "twitch",'
        ' "author_id": "1", "author": "ana", "text": "hello"}\n',
        "utf-8",
    )
    db = tmp_path / "d.db"
    assert (
        stagehand("replay", str(small), "--db", str(db), "--instant", "--headless").returncode == 0
    )
    demo = stagehand("demo", "--db", str(db), "--show", "friday", "--headless", "--speed", "1000")
    assert demo.returncode == 2, demo.stdout + demo.stderr
    assert "show 'friday' in" in demo.stderr and "--show friday-2" in demo.stderr
    assert count(db, "SELECT count(*) FROM comments") == 1


def test_a_transcript_grown_since_resumes_where_the_show_stops(tmp_path: Path) -> None:
    """A recording still being written: replayed cut short, then again once complete."""
    full = demo_transcript_path().read_bytes().splitlines(keepends=True)
    transcript = tmp_path / "growing.jsonl"
    transcript.write_bytes(b"".join(full[:400]))
    db = tmp_path / "grow.db"
    command = ("replay", str(transcript), "--db", str(db), "--instant", "--headless")
    assert stagehand(*command).returncode == 0
    transcript.write_bytes(b"".join(full))
    grown = stagehand(*command)
    assert grown.returncode == 0, grown.stderr
    assert "picked up after line 400 of the transcript" in grown.stdout
    assert count(db, "SELECT count(*) FROM shows") == 1


def test_a_live_run_under_the_name_of_a_replayed_show_is_refused(tmp_path: Path) -> None:
    """`run` with `[show] name = "friday"` on a database where a replay stored 'friday'."""
    transcript = copy_to(demo_transcript_path(), tmp_path / "friday.jsonl")
    db = tmp_path / "fri.db"
    assert (
        stagehand("replay", str(transcript), "--db", str(db), "--instant", "--headless").returncode
        == 0
    )
    config = tmp_path / "live.toml"
    config.write_text(
        '[show]\nname = "friday"\n\n[twitch]\nenabled = true\nchannel = "someone"\n'
        'helix_url = "http://127.0.0.1:9/helix"\noauth_url = "http://127.0.0.1:9/oauth2"\n'
        'eventsub_url = "ws://127.0.0.1:9/ws"\n',
        "utf-8",
    )
    live = stagehand("run", "-c", str(config), "--db", str(db), "--headless")
    assert live.returncode == 2, live.stdout + live.stderr
    assert live.stderr == (
        f"Error: show 'friday' in {db} was stored from a transcript ({transcript}), not live: "
        "store this one as a show of its own with --show friday-2\n"
    )
    assert count(db, "SELECT count(*) FROM shows WHERE ended_at IS NOT NULL") == 1
