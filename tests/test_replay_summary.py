"""The replay's summary counts what the database confirmed, and any write failure is an error."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

from fakes.transcripts import SMALL_SHOW
from stagehand.store import open_database

#: What the summary says it counts (every chat line stored, not only the viewers' comments).
LINES_COUNTED = "(commands and the hosts' own included; "


def replay(transcript: Path, db: Path) -> subprocess.CompletedProcess[str]:
    stagehand = [sys.executable, "-m", "stagehand"]
    return subprocess.run(
        [
            *stagehand,
            "replay",
            str(transcript),
            "--db",
            str(db),
            "--instant",
            "--headless",
            "--show",
            "s",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )


def small_show(path: Path, **names: str) -> Path:
    """The small show, with some authors renamed; written the way `json.dumps` escapes text."""
    records = [dict(record) for record in SMALL_SHOW]
    for record in records:
        if record.get("author") in names:
            record["author"] = names[record["author"]]
    path.write_text("".join(json.dumps(record) + "\n" for record in records), "utf-8")
    return path


def database_with_trigger(path: Path, action: str) -> Path:
    """A stagehand database whose comments table does `action` with comment m3."""
    open_database(path).conn.close()
    conn = sqlite3.connect(path)
    conn.execute(
        "CREATE TRIGGER refuse_m3 BEFORE INSERT ON comments WHEN NEW.message_id = 'm3'"
        f" BEGIN SELECT RAISE({action}); END"
    )
    conn.commit()
    conn.close()
    return path


def test_lone_surrogates_in_names_are_stored_not_dropped(tmp_path: Path) -> None:
    # "\ud800" in JSON decodes to a lone surrogate, which no UTF-8 database can take as is.
    transcript = small_show(tmp_path / "s.jsonl", ana="ana\ud800", ben="\udfffben")
    assert "\\ud800" in transcript.read_text()
    db = tmp_path / "s.db"
    result = replay(transcript, db)
    assert result.returncode == 0, result.stderr
    assert "Stored show 's': 5 chat lines" in result.stdout
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 5
    names = {name for (name,) in conn.execute("SELECT name FROM authors")}
    assert {"ana\ufffd", "\ufffdben"} <= names


def test_the_summary_counts_only_rows_the_database_kept(tmp_path: Path) -> None:
    db = database_with_trigger(tmp_path / "s.db", "IGNORE")
    result = replay(small_show(tmp_path / "s.jsonl"), db)
    assert result.returncode == 0, result.stderr
    assert "Stored show 's': 4 chat lines" in result.stdout
    assert sqlite3.connect(db).execute("SELECT count(*) FROM comments").fetchone()[0] == 4
    stored = sqlite3.connect(db).execute("SELECT count(*) FROM segments").fetchone()[0]
    assert f"), {stored} segment{'' if stored == 1 else 's'} in {db}" in result.stdout


def test_a_comment_the_database_refuses_makes_the_replay_fail(tmp_path: Path) -> None:
    db = database_with_trigger(tmp_path / "s.db", "ABORT, 'refused'")
    result = replay(small_show(tmp_path / "s.jsonl"), db)
    assert result.returncode != 0
    assert "Stored show 's': 4 chat lines" in result.stdout  # the others were kept
    assert result.stderr.strip().splitlines()[-1].startswith("Error: 1 change(s) could not be")
    assert "Traceback" not in result.stderr.strip().splitlines()[-1]
    assert sqlite3.connect(db).execute("SELECT count(*) FROM comments").fetchone()[0] == 4


async def test_a_live_comment_with_lone_surrogates_is_stored(tmp_path: Path) -> None:
    """A platform's JSON can carry them too (discord.py decodes "\\udfff" as it is)."""
    from stagehand.config import Settings
    from stagehand.domain import Author, Comment
    from stagehand.session import open_show
    from stagehand.times import parse_ts

    live = open_show(
        Settings(), db_path=tmp_path / "live.db", show_name="live", adapters=[], commands=False
    )
    live.comment_received(
        Comment(
            id="m\ud800",
            platform="discord",
            channel="chat",
            author=Author("discord", "42", "cleo\udfff", "Cleo \ud83d"),
            text="hi \udc00 there",
            ts=parse_ts("2026-11-20T19:00:00Z"),
        )
    )
    assert await live.close()
    assert live.stored.comments == 1
    row = (
        sqlite3.connect(tmp_path / "live.db")
        .execute(
            "SELECT comments.message_id, comments.original_text, authors.name, authors.display_name"
            " FROM comments JOIN authors ON authors.id = comments.author_id"
        )
        .fetchone()
    )
    assert row == ("m\ufffd", "hi \ufffd there", "cleo\ufffd", "Cleo \ufffd")


def test_a_comment_with_an_empty_id_is_a_bad_line_not_a_duplicate(tmp_path: Path) -> None:
    """Two comments with `"id": ""` were one comment to the database (its key is platform and
    id): the second was dropped as a duplicate. Each is now a named bad line, skipped; the rest
    of the show is stored once, a second run too."""
    records = [dict(record) for record in SMALL_SHOW]
    records.insert(3, {**records[2], "id": "", "text": "is the VCO analog?"})
    records.insert(5, {**records[2], "id": "  ", "text": "what about the filter?"})
    transcript = tmp_path / "s.jsonl"
    transcript.write_text("".join(json.dumps(record) + "\n" for record in records), "utf-8")
    db = tmp_path / "s.db"
    result = replay(transcript, db)
    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f'{transcript}:{line}: "id" is empty: each comment needs the id its platform gave it '
        "(line skipped)"
        for line in (4, 6)
    ]
    assert f"Stored show 's': 5 chat lines {LINES_COUNTED}0 duplicates skipped)" in result.stdout
    conn = sqlite3.connect(db)
    stored = [message_id for (message_id,) in conn.execute("SELECT message_id FROM comments")]
    assert sorted(stored) == ["m1", "m2", "m3", "m4", "m5"]
    again = replay(transcript, db)
    assert again.returncode == 0, again.stderr
    assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 5


def test_a_resumed_replay_counts_the_segments_it_stored_as_it_counts_comments(
    tmp_path: Path,
) -> None:
    """The summary's numbers are this run's, as the writer counted them: a resumed replay that
    added one segment (and one comment) says 1 segment, not every segment the show has."""
    transcript = small_show(tmp_path / "s.jsonl")
    db = tmp_path / "s.db"
    first = replay(transcript, db)
    assert f"Stored show 's': 5 chat lines {LINES_COUNTED}0 duplicates skipped), 2 segments in" in (
        first.stdout
    )
    more = [
        {"kind": "segment", "ts": "2026-11-20T19:10:00Z", "title": "Envelopes", "keywords": []},
        {**SMALL_SHOW[2], "id": "m6", "ts": "2026-11-20T19:10:05Z", "text": "how long is it?"},
    ]
    with transcript.open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record) + "\n" for record in more)
    again = replay(transcript, db)
    assert again.returncode == 0, again.stderr
    assert (
        f"Resumed show 's': 1 chat line {LINES_COUNTED}0 duplicates skipped), 1 segment in {db}; "
        "picked up after" in again.stdout
    )
    done = replay(transcript, db)
    assert (
        f"Resumed show 's': 0 chat lines {LINES_COUNTED}0 duplicates skipped), 0 segments in"
        in done.stdout
    )
    assert sqlite3.connect(db).execute("SELECT count(*) FROM segments").fetchone()[0] == 3


def test_a_transcript_with_no_playable_chat_line_is_an_error_not_a_stored_show(
    tmp_path: Path,
) -> None:
    """Every chat line of it malformed: each was named (line skipped), then the replay said
    "Stored show 's': 0 chat lines" and exited 0, as if the show had been played. It is an
    error naming the file and the fix; fixed, the same command plays it."""
    records = [dict(record) for record in SMALL_SHOW]
    broken = [
        {key: value for key, value in record.items() if key != "author"}
        if record["kind"] == "comment"
        else record
        for record in records
    ]
    transcript = tmp_path / "s.jsonl"
    transcript.write_text("".join(json.dumps(record) + "\n" for record in broken), "utf-8")
    db = tmp_path / "s.db"
    result = replay(transcript, db)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Stored show" not in result.stdout
    assert result.stderr.count("(line skipped)") == 5
    error = result.stderr.strip().splitlines()[-1]
    assert error == (
        f"Error: {transcript}: not one chat line of it could be played: 5 bad lines skipped "
        "(named above); fix them (docs/transcript-format.md) and run the same command again"
    )
    assert "Traceback" not in result.stderr
    small_show(transcript)
    fixed = replay(transcript, db)
    assert fixed.returncode == 0, fixed.stderr
    # (The failed run stored the show's segments: the fixed transcript picks the show up.)
    assert f"show 's': 5 chat lines {LINES_COUNTED}" in fixed.stdout


def test_the_summary_says_how_many_bad_lines_were_skipped(tmp_path: Path) -> None:
    """Some bad lines: the rest plays, and the closing line counts what was skipped (the
    lines named above it are not all a reader sees when the first 20 scroll away)."""
    records = [dict(record) for record in SMALL_SHOW]
    text = "".join(json.dumps(record) + "\n" for record in records)
    transcript = tmp_path / "s.jsonl"
    transcript.write_text(text + 'not json\n{"kind": "comment"}\n', "utf-8")
    result = replay(transcript, tmp_path / "s.db")
    assert result.returncode == 0, result.stderr
    assert "Stored show 's': 5 chat lines" in result.stdout
    assert result.stdout.rstrip().endswith("; 2 bad lines skipped (named above)"), result.stdout


def test_the_same_replay_again_on_a_show_played_to_a_cut_short_last_line_says_it_is_stored(
    tmp_path: Path,
) -> None:
    """The transcript's last line cut short (a recording stopped mid-write): the first run
    stores the show and names the line. Run again, as the notice says, the show is resumed after
    its last stored line, re-reads only that bad line and plays no chat line: that said "not one
    chat line of it could be played", exit 2, of a show whose chat is all stored. It is the show
    already stored to the end; the error is only for a show with no chat line stored at all."""
    records = [dict(record) for record in SMALL_SHOW]
    text = "".join(json.dumps(record) + "\n" for record in records)
    transcript = tmp_path / "s.jsonl"
    transcript.write_text(text + '{"kind": "comment", "id": "trunc', "utf-8")
    db = tmp_path / "s.db"
    first = replay(transcript, db)
    assert first.returncode == 0, first.stderr
    assert "Stored show 's': 5 chat lines" in first.stdout
    again = replay(transcript, db)
    assert again.returncode == 0, again.stdout + again.stderr
    assert "not one chat line" not in again.stderr
    assert "Resumed show 's': 0 chat lines" in again.stdout
    assert "it was already stored to the end of the transcript" in again.stdout
    assert "Traceback" not in again.stderr
    assert sqlite3.connect(db).execute("SELECT count(*) FROM comments").fetchone()[0] == 5
