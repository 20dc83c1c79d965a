"""One stagehand records a show at a time; a crash never leaves it locked."""

from __future__ import annotations

from pathlib import Path

from fakes.show_runs import copy_to, count, stagehand, start, wait_for_comments
from stagehand.demo import demo_transcript_path


def test_a_second_copy_of_a_running_show_is_refused_and_a_killed_one_resumes_at_once(
    tmp_path: Path,
) -> None:
    """The second copy ran beside the first (14 duplicates skipped) and, stopping, marked the
    show closed while the first still ran."""
    transcript = copy_to(demo_transcript_path(), tmp_path / "live show.jsonl")
    db = tmp_path / "srv.db"
    command = ("replay", str(transcript), "--db", str(db), "--headless")
    first = start(*command, "--speed", "20")
    try:
        wait_for_comments(db)
        before = count(db, "SELECT count(*) FROM host_actions")
        second = stagehand(*command, "--instant")
        demo = stagehand("demo", "--db", str(db), "--show", "live show", "--headless")
        assert first.poll() is None, "the first copy stopped"
        assert count(db, "SELECT count(*) FROM shows WHERE ended_at IS NOT NULL") == 0
        assert count(db, "SELECT count(*) FROM host_actions") >= before
    finally:
        first.kill()  # SIGKILL: the lock goes with the process
        first.communicate(timeout=30)
    for refused in (second, demo):
        assert refused.returncode == 2, refused.stdout + refused.stderr
        assert refused.stdout == ""
        line = refused.stderr.strip()
        assert line.startswith(
            f"Error: show 'live show' is being recorded by another stagehand (pid {first.pid} "
            "on this machine, since "
        ), line
        assert line.endswith(
            "): attach to it (stagehand attach <the address it printed>) or wait for it to end"
        ), line
        assert "\n" not in line

    resumed = stagehand(*command, "--instant")
    assert resumed.returncode == 0, resumed.stderr
    assert "Resumed show 'live show'" in resumed.stdout
