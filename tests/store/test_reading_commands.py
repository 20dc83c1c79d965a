"""The commands that only read a database (`shows`, `report`, `export`) write nothing to it.

Run as a user runs them (the real CLI, a subprocess, real SQLite files): a 0-byte file stays 0
bytes and is named for what it is, and where the output cannot be written (a file size limit,
`ulimit -f`), the output file is named, not the database; nothing of the database is grown.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

from stagehand.demo import __file__ as demo_package

DEMO = Path(demo_package).parent / "show.jsonl"
READERS = (("shows",), ("report",), ("export",), ("report", "--trend"))


def stagehand(*args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def limited() -> None:  # `ulimit -f`: no file written past `limit` bytes
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
        preexec_fn=limited,
    )


def test_a_reading_command_leaves_an_empty_file_empty_and_says_what_it_is(tmp_path) -> None:
    """Before, `: > e2.db; stagehand shows --db e2.db` made the 0-byte file a 172 KB stagehand
    database (report and export too), and said there were no shows in it."""
    empty = tmp_path / "e2.db"
    for args in READERS:
        empty.write_bytes(b"")
        done = stagehand(*args, "--db", str(empty))
        assert done.returncode == 2, (args, done.stdout, done.stderr)
        assert f"{empty} is not a stagehand database (empty file)" in done.stderr, done.stderr
        assert "Traceback" not in done.stderr
        assert empty.stat().st_size == 0, args
        assert sorted(p.name for p in tmp_path.iterdir()) == ["e2.db"], args


def test_an_output_too_large_for_the_limit_names_the_output_not_the_database(tmp_path) -> None:
    """Before, under `ulimit -f 20` `export -o` and `report -o` failed "cannot write the
    database (disk I/O error): clean.db" (the database was only being read) and left a -shm."""
    db = tmp_path / "clean.db"
    played = stagehand("replay", str(DEMO), "--db", str(db), "--instant", "--headless")
    assert played.returncode == 0, played.stderr
    before = db.read_bytes()
    for args, output in (
        (("export",), tmp_path / "small.jsonl"),
        (("report", "--format", "html"), tmp_path / "small.html"),
    ):
        done = stagehand(*args, "--db", str(db), "-o", str(output), limit=20 * 1024)
        assert done.returncode == 2, (args, done.stderr)
        assert f"cannot write {output}" in done.stderr, done.stderr
        assert "database" not in done.stderr and "Traceback" not in done.stderr
        assert not output.exists()  # nothing half-written left behind
        # Without the limit the same command works on the same database.
        done = stagehand(*args, "--db", str(db), "-o", str(output))
        assert done.returncode == 0 and output.stat().st_size > 20 * 1024, done.stderr
    assert db.read_bytes() == before
