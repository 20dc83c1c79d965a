"""Every bad input a user can hand stagehand, through the real CLI as a subprocess.

Each case asserts what the user sees and what happens to their data: the exit status, the one
line on stderr (the problem, then the fix; never a traceback), and that what was stored before
is untouched. A bad transcript line is the one input that does not stop `replay`: it is named
(`file:line: reason`) and skipped, and the rest of the show is played.

How the harder cases are made, honestly:
- read-only: `chmod 444`, or as root (who may write anyway) `chattr +i`;
- locked: a second process holding SQLite's write lock (`BEGIN IMMEDIATE`);
- full disk: a real 1 MiB tmpfs filled to the last block, so writes fail with ENOSPC as on a
  full disk (needs root to mount; skipped otherwise), and `/dev/full` for output files, which
  fails every write with ENOSPC for anyone. RLIMIT_FSIZE was not used: it fails writes with
  EFBIG, which SQLite reports as an I/O error, not what a user with a full disk sees;
- damaged: one page of the comments table overwritten with garbage;
- newer schema: the file's `PRAGMA user_version` set above what this stagehand knows.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from stagehand.store.schema import migrations

#: The schema version this stagehand writes: one per migration (docs/schema.md).
SCHEMA_VERSION = len(migrations._migrations)

T0 = "2026-11-20T19:00"
GOOD_COMMENTS = 20
BAD_LINE = 5  # where a case puts its bad transcript line


def comment(index: int) -> dict:
    return {
        "kind": "comment",
        "id": f"c{index}",
        "ts": f"2026-11-20T19:{index // 60:02d}:{index % 60:02d}Z",
        "platform": "twitch",
        "author_id": str(100 + index % 4),
        "author": f"viewer{index % 4}",
        "text": f"question {index}: which oscillator?",
    }


def transcript_lines() -> list[bytes]:
    records = [
        {"kind": "show", "ts": f"{T0}:00Z", "title": "Bad input night"},
        {"kind": "segment", "ts": f"{T0}:00Z", "title": "Oscillators", "keywords": ["vco"]},
        *(comment(i) for i in range(GOOD_COMMENTS)),
    ]
    return [json.dumps(r).encode() + b"\n" for r in records]


def with_bad_line(bad: bytes) -> bytes:
    lines = transcript_lines()
    lines.insert(BAD_LINE - 1, bad + b"\n")
    return b"".join(lines)


def stagehand(
    args: list[str], env: dict[str, str], timeout: float = 60
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def base_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding one show, 'base', written by the real CLI."""
    folder = tmp_path_factory.mktemp("base")
    transcript = folder / "base.jsonl"
    transcript.write_bytes(b"".join(transcript_lines()))
    db = folder / "base.db"
    result = stagehand(
        ["replay", str(transcript), "--db", str(db), "--instant", "--headless"], dict(os.environ)
    )
    assert result.returncode == 0, result.stderr
    return db


@dataclass
class Scene:
    """One case's files: a copy of the base database, a good transcript, the environment."""

    folder: Path
    db: Path
    transcript: Path
    env: dict[str, str]
    cleanups: list[Callable[[], None]] = field(default_factory=list)
    holder: subprocess.Popen | None = None


def base_rows(db: Path) -> list[tuple]:
    """Everything stored for the show 'base' (comments, segments, host actions, its row)."""
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        (show_id,) = conn.execute("SELECT id FROM shows WHERE name = 'base'").fetchone()
        rows = [conn.execute("SELECT * FROM shows WHERE id = ?", (show_id,)).fetchone()]
        for table in ("segments", "comments", "host_actions", "stage_sessions", "commands"):
            rows += conn.execute(
                f"SELECT * FROM {table} WHERE show_id = ? ORDER BY id", (show_id,)
            ).fetchall()
        return rows
    finally:
        conn.close()


def comments_of(db: Path, show: str) -> list[str]:
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return [
            row[0]
            for row in conn.execute(
                "SELECT message_id FROM comments JOIN shows ON shows.id = comments.show_id"
                " WHERE shows.name = ? ORDER BY comments.id",
                (show,),
            )
        ]
    finally:
        conn.close()


# -- making the bad inputs --------------------------------------------------------------------


def read_only(scene: Scene) -> None:
    if os.geteuid() != 0:
        scene.db.chmod(0o444)
        return
    if subprocess.run(["chattr", "+i", str(scene.db)], capture_output=True).returncode != 0:
        pytest.skip("running as root on a filesystem without chattr +i: no read-only file")
    scene.cleanups.append(lambda: subprocess.run(["chattr", "-i", str(scene.db)], check=False))


def locked(scene: Scene) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys, time\n"
            "conn = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "conn.execute('BEGIN IMMEDIATE')\n"
            "conn.execute(\"UPDATE shows SET title = 'changed by the holder'\")\n"
            "print('holding', flush=True)\n"
            "time.sleep(120)\n",
            str(scene.db),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    scene.holder = holder
    scene.cleanups.append(lambda: (holder.kill(), holder.wait()))
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"


def newer_schema(scene: Scene) -> None:
    with sqlite3.connect(scene.db) as conn:
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()


def not_sqlite(scene: Scene) -> None:
    scene.db.write_text("my shopping list: milk, eggs, a new synth\n" * 200)


def another_programs_database(scene: Scene) -> None:
    scene.db.unlink()
    with sqlite3.connect(scene.db) as conn:
        conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
        conn.execute("INSERT INTO moz_places (url) VALUES ('https://example.com')")
    conn.close()


def damaged(scene: Scene) -> None:
    conn = sqlite3.connect(scene.db)
    (root,) = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = 'comments'").fetchone()
    (page_size,) = conn.execute("PRAGMA page_size").fetchone()
    conn.close()
    with scene.db.open("r+b") as handle:
        handle.seek((root - 1) * page_size)
        handle.write(b"\xde\xad\xbe\xef" * (page_size // 4))


def full_disk(scene: Scene) -> None:
    """Move the database onto a 1 MiB tmpfs and fill it: a real disk with no room left."""
    mount = scene.folder / "full-disk"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root): no honest full disk")
    scene.cleanups.append(lambda: subprocess.run(["umount", "-l", str(mount)], check=False))
    on_disk = mount / scene.db.name
    shutil.copy(scene.db, on_disk)
    scene.db = on_disk
    filler = os.open(mount / "filler", os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(filler, b"\0" * 4096):
            pass
    except OSError:  # ENOSPC: the disk is full
        pass
    finally:
        os.close(filler)
    assert shutil.disk_usage(mount).free < 8192


def config_file(text: bytes) -> Callable[[Scene], None]:
    def write(scene: Scene) -> None:
        (scene.folder / "stagehand.toml").write_bytes(text)

    return write


def environment(**values: str) -> Callable[[Scene], None]:
    def set_env(scene: Scene) -> None:
        scene.env.update(values)

    return set_env


def bad_transcript_line(bad: bytes) -> Callable[[Scene], None]:
    def write(scene: Scene) -> None:
        scene.transcript.write_bytes(with_bad_line(bad))

    return write


def transcript_is(path: str) -> Callable[[Scene], None]:
    def point(scene: Scene) -> None:
        scene.transcript = Path(path)

    return point


def output_folder_is_full(scene: Scene) -> None:
    full_disk(scene)  # the database moves too; the output goes beside it


# -- the commands the cases run -------------------------------------------------------------


def replay(show: str = "base") -> Callable[[Scene], list[str]]:
    return lambda s: [
        "replay", str(s.transcript), "--db", str(s.db), "--show", show, "--instant", "--headless",
    ]  # fmt: skip


def replay_with_config() -> Callable[[Scene], list[str]]:
    return lambda s: [*replay("other")(s), "-c", str(s.folder / "stagehand.toml")]


def command(*args: str) -> Callable[[Scene], list[str]]:
    return lambda s: [a.format(db=s.db, folder=s.folder, transcript=s.transcript) for a in args]


@dataclass(frozen=True)
class Case:
    id: str
    prepare: Callable[[Scene], None]
    args: Callable[[Scene], list[str]]
    line: str  # a regex the one stderr line must match (whole line)
    exit_code: int = 2
    kept: str = "file"  # what stays as it was: "file" (byte for byte) or "rows" (the base show)
    output: str | None = None  # an -o path (under the scene's folder) that must not exist after


DB = r"\S+\.db"
REPLAY_FILE = r"\S+\.jsonl"

CASES = [
    # -- the database ------------------------------------------------------------------------
    Case("db read-only, resumed show", read_only, replay("base"),
         rf"Error: database is read-only: {DB} \(check the file's permissions, or pass --db PATH\)"),
    Case("db read-only, new show", read_only, replay("new"),
         rf"Error: database is read-only: {DB} \(check the file's permissions, or pass --db PATH\)"),
    Case("db locked by another process", locked, replay("new"),
         rf"Error: database is locked by \S+ \(pid {{holder}}\): {DB}; close that program and "
         r"try again"),
    Case("db from a newer stagehand", newer_schema, replay("new"),
         rf"Error: {DB} was written by a newer stagehand \(schema {SCHEMA_VERSION + 1}; this one "
         rf"knows up to {SCHEMA_VERSION}\): upgrade stagehand, or pass --db PATH for another "
         r"database"),
    Case("report on a db from a newer stagehand", newer_schema, command("report", "--db", "{db}"),
         rf"Error: {DB} was written by a newer stagehand .*: upgrade stagehand.*"),
    Case("db not SQLite", not_sqlite, replay("new"),
         rf"Error: not a SQLite database: {DB}; pass --db with a stagehand database file"),
    Case("shows on a file that is not SQLite", not_sqlite, command("shows", "--db", "{db}"),
         rf"Error: not a SQLite database: {DB}; pass --db with a stagehand database file"),
    Case("db of another program", another_programs_database, replay("new"),
         rf"Error: {DB} is another program's SQLite database, not stagehand's: pass --db with a "
         r"new file or a stagehand database"),
    Case("db with a damaged page", damaged, replay("new"),
         rf"Error: database is damaged \(.+\): {DB}; restore a backup, or pass --db NEW\.db .*"),
    Case("report on a damaged db", damaged, command("report", "--db", "{db}"),
         rf"Error: database is damaged \(.+\): {DB}; restore a backup, or pass --db NEW\.db .*"),
    Case("export of a damaged db", damaged, command("export", "--db", "{db}", "-o", "{folder}/x"),
         rf"Error: database is damaged \(.+\): {DB}; restore a backup.*", output="x"),
    Case("db on a full disk, resumed show", full_disk, replay("base"),
         rf"Error: disk is full: {DB}; free some space, or pass --db PATH on another disk"),
    Case("db on a full disk, new show", full_disk, replay("new"),
         rf"Error: disk is full: {DB}; free some space, or pass --db PATH on another disk"),
    # -- output files ------------------------------------------------------------------------
    Case("export -o into a missing folder", lambda s: None,
         command("export", "--db", "{db}", "-o", "{folder}/missing/dir/out.jsonl"),
         r"Error: cannot write \S+/missing/dir/out\.jsonl: there is no folder \S+/missing/dir "
         r"\(create it, or choose another -o path\)", output="missing"),
    Case("report -o into a missing folder", lambda s: None,
         command("report", "--db", "{db}", "-o", "{folder}/missing/r.html", "--format", "html"),
         r"Error: cannot write \S+/missing/r\.html: there is no folder \S+/missing \(create it, "
         r"or choose another -o path\)", output="missing"),
    Case("export -o onto /dev/full", lambda s: None,
         command("export", "--db", "{db}", "-o", "/dev/full"),
         r"Error: cannot write /dev/full: No space left on device; free some space, or choose "
         r"another -o path"),
    Case("report -o onto /dev/full", lambda s: None,
         command("report", "--db", "{db}", "--format", "csv", "-o", "/dev/full"),
         r"Error: cannot write /dev/full: No space left on device; free some space, or choose "
         r"another -o path"),
    Case("export -o onto a full disk", output_folder_is_full,
         command("export", "--db", "{folder}/base.db", "-o", "{folder}/full-disk/out.jsonl"),
         r"Error: cannot write \S+/out\.jsonl: No space left on device; free some space, or "
         r"choose another -o path", output="full-disk/out.jsonl"),
    Case("report -o onto a full disk", output_folder_is_full,
         command("report", "--db", "{folder}/base.db", "-o", "{folder}/full-disk/r.html",
                 "--format", "html"),
         r"Error: cannot write \S+/r\.html: No space left on device; free some space, or "
         r"choose another -o path", output="full-disk/r.html"),
    # -- config --------------------------------------------------------------------------------
    Case("config in Latin-1", config_file('[show]\ntitle = "Café"\n'.encode("latin-1")),
         replay_with_config(),
         r"Error: \S+stagehand\.toml: not UTF-8 text \(byte 0xe9 on line 2, column 13\): save the "
         r"file as UTF-8"),
    Case("config nested absurdly deep",
         config_file(b"a = " + b"[" * 100_000 + b"]" * 100_000 + b"\n"), replay_with_config(),
         r"Error: \S+stagehand\.toml: not valid TOML: nested too deeply"),
    Case("malformed JSON in a STAGEHAND_ section variable",
         environment(STAGEHAND_SHOW='{"name": '), replay("new"),
         r"Error: environment variable STAGEHAND_SHOW: not valid JSON \(Expecting value at column "
         r"10\); write lists and sections as JSON, .*or unset it"),
    Case("malformed JSON in a STAGEHAND_ list variable",
         environment(STAGEHAND_SHOW_HOSTS="[twitch:cohost"), replay("new"),
         r"Error: environment variable STAGEHAND_SHOW_HOSTS: not valid JSON \(.*\); write lists "
         r"and sections as JSON, .*or unset it"),
    Case("JSON nested absurdly deep in a STAGEHAND_ variable",
         environment(STAGEHAND_SHOW_HOSTS="[" * 100_000), command("shows"),
         r"Error: environment variable STAGEHAND_SHOW_HOSTS: not valid JSON \(nested too deeply\).*"),
    # -- transcripts: replay names the bad line, skips it and plays the rest ---------------------
    Case("transcript date out of range",
         bad_transcript_line(json.dumps({**comment(99), "ts": "0001-01-01T00:00:00+01:00"}).encode()),
         replay("new"),
         rf"{REPLAY_FILE}:{BAD_LINE}: timestamp '0001-01-01T00:00:00\+01:00' is out of range "
         r"\(line skipped\)", exit_code=0, kept="rows"),
    Case("transcript line not UTF-8", bad_transcript_line(b'{"kind": "comment", "text": "\xff\xfe"}'),
         replay("new"),
         rf"{REPLAY_FILE}:{BAD_LINE}: not UTF-8 text \(byte 0xff at column 30\); save the "
         r"transcript as UTF-8 \(line skipped\)", exit_code=0, kept="rows"),
    Case("transcript JSON nested 200,000 deep", bad_transcript_line(b"[" * 200_000),
         replay("new"), rf"{REPLAY_FILE}:{BAD_LINE}: JSON nested too deeply \(line skipped\)",
         exit_code=0, kept="rows"),
    Case("transcript line of 2 MiB", bad_transcript_line(b'{"text": "' + b"a" * (2 << 20) + b'"}'),
         replay("new"),
         rf"{REPLAY_FILE}:{BAD_LINE}: line longer than 1 MiB \(not a transcript line\?\) "
         r"\(line skipped\)", exit_code=0, kept="rows"),
    Case("transcript line missing a key", bad_transcript_line(b'{"kind": "comment", "id": "x"}'),
         replay("new"), rf'{REPLAY_FILE}:{BAD_LINE}: missing "author" \(line skipped\)',
         exit_code=0, kept="rows"),
    Case("/dev/zero as a transcript", transcript_is("/dev/zero"), replay("new"),
         r"Error: /dev/zero:1: no line break in 64 MiB: not a JSON Lines transcript"),
    Case("a binary file as a transcript", transcript_is("/bin/sh"), replay("new"),
         r"Error: /bin/sh: no transcript events in it; the first bad line: /bin/sh:1: .*; see "
         r"docs/transcript-format\.md for the format"),
    # -- rank: a bad line stops it, named --------------------------------------------------------
    Case("rank: date out of range",
         bad_transcript_line(json.dumps({**comment(99), "ts": "0001-01-01T00:00:00+01:00"}).encode()),
         command("rank", "{transcript}"),
         rf"Error: {REPLAY_FILE}:{BAD_LINE}: timestamp '0001-01-01T00:00:00\+01:00' is out of "
         r"range; fix or delete that line and rank again"),
    Case("rank: not UTF-8", bad_transcript_line(b"\xff\xfe"), command("rank", "{transcript}"),
         rf"Error: {REPLAY_FILE}:{BAD_LINE}: not UTF-8 text \(byte 0xff at column 1\); save the "
         r"transcript as UTF-8; fix or delete that line and rank again"),
    Case("rank: nested 200,000 deep", bad_transcript_line(b"[" * 200_000),
         command("rank", "{transcript}"),
         rf"Error: {REPLAY_FILE}:{BAD_LINE}: JSON nested too deeply; fix or delete that line and "
         r"rank again"),
    Case("rank: a line of 2 MiB", bad_transcript_line(b"x" * (2 << 20)),
         command("rank", "{transcript}"),
         rf"Error: {REPLAY_FILE}:{BAD_LINE}: line longer than 1 MiB .*; fix or delete that line "
         r"and rank again"),
    Case("rank: /dev/zero", transcript_is("/dev/zero"), command("rank", "{transcript}"),
         r"Error: /dev/zero:1: no line break in 64 MiB: not a JSON Lines transcript; pass a JSON "
         r"Lines transcript \(see docs/transcript-format\.md\)"),
]  # fmt: skip


@pytest.fixture
def scene(base_db: Path, tmp_path: Path) -> Iterator[Scene]:
    db = tmp_path / "base.db"
    shutil.copy(base_db, db)
    transcript = tmp_path / "other.jsonl"
    transcript.write_bytes(b"".join(transcript_lines()))
    made = Scene(tmp_path, db, transcript, dict(os.environ))
    yield made
    for cleanup in reversed(made.cleanups):
        cleanup()


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_one_clean_line_for_every_bad_input(scene: Scene, case: Case) -> None:
    case.prepare(scene)
    kept_bytes = scene.db.read_bytes()
    kept_rows = base_rows(scene.db) if case.kept == "rows" else None
    started = time.monotonic()
    result = stagehand(case.args(scene), scene.env)
    elapsed = time.monotonic() - started
    stderr = result.stderr.decode("utf-8", "replace")

    assert "Traceback" not in stderr, stderr
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    expected = case.line.replace("{holder}", str(scene.holder.pid if scene.holder else ""))
    assert re.fullmatch(expected, lines[0]), lines[0]
    assert result.returncode == case.exit_code, stderr
    assert elapsed < 10, f"took {elapsed:.1f} s: a user would think it hangs"
    if case.output is not None:
        assert not (scene.folder / case.output).exists(), "a partial output file was left behind"
        assert not list(scene.folder.rglob("*.part")), "a temporary file was left behind"
    if case.kept == "file":
        assert scene.db.read_bytes() == kept_bytes, "the database was changed"
    else:
        assert base_rows(scene.db) == kept_rows, "the show stored before was changed"
        played = comments_of(scene.db, "new")
        assert played == [f"c{i}" for i in range(GOOD_COMMENTS)], "the rest was not played"


def test_a_lone_surrogate_in_a_name_is_stored_as_a_replacement_character(
    scene: Scene,
) -> None:
    bad = json.dumps({**comment(99), "author_id": "999", "author": "\ud800ana"}).encode()
    scene.transcript.write_bytes(with_bad_line(bad))
    result = stagehand(replay("new")(scene), scene.env)
    assert result.returncode == 0 and result.stderr == b"", result.stderr
    played = comments_of(scene.db, "new")
    assert sorted(played) == sorted(["c99", *(f"c{i}" for i in range(GOOD_COMMENTS))])
    names = sqlite3.connect(scene.db).execute("SELECT name FROM authors").fetchall()
    assert ("\ufffdana",) in names
