"""The database file deleted while the show runs: noticed, said, and written back."""

from __future__ import annotations

from pathlib import Path

from fakes.show_runs import copy_to, count, stagehand, started, wait_for_comments
from stagehand.demo import demo_transcript_path


def test_a_database_deleted_while_the_show_runs_is_written_back(tmp_path: Path) -> None:
    """`rm gone.db*` four seconds into a replay: it ended "Stored show ... in gone.db", rc 0,
    and nothing was on disk."""
    transcript = copy_to(demo_transcript_path(), tmp_path / "gone.jsonl")
    db = tmp_path / "gone.db"
    with started(
        "replay", str(transcript), "--db", str(db), "--headless", "--speed", "200"
    ) as process:
        wait_for_comments(db, 20)
        for suffix in ("", "-wal", "-shm"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        out, err = process.communicate(timeout=120)
    assert f"{db} was deleted while the show ran" in err, err
    assert process.returncode == 0, out + err
    assert f"in {db} (written back: its file was deleted while the show ran)" in out
    assert count(db, "SELECT count(*) FROM comments") > 600
    listed = stagehand("shows", "--db", str(db))
    assert listed.returncode == 0 and "gone " in listed.stdout, listed.stderr


def test_a_database_moved_while_the_show_runs_is_written_where_it_went(tmp_path: Path) -> None:
    """A producer tidying folders moves the file mid-show: every row goes on into it where it is
    now (nothing written over the old path, where a copy would be a second show file), and the
    summary says where the show is."""
    transcript = copy_to(demo_transcript_path(), tmp_path / "moved.jsonl")
    db, moved = tmp_path / "moved.db", tmp_path / "archive" / "moved.db"
    moved.parent.mkdir()
    with started(
        "replay", str(transcript), "--db", str(db), "--headless", "--speed", "200"
    ) as process:
        wait_for_comments(db, 20)
        db.rename(moved)
        out, err = process.communicate(timeout=120)
    assert f"{db} was moved to {moved} while the show ran" in err, err
    assert process.returncode == 0, out + err
    assert f"in {moved} (moved there from {db} while the show ran)" in out
    assert not db.exists()
    assert count(moved, "SELECT count(*) FROM comments") > 600
