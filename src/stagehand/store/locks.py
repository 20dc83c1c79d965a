"""Who holds a database's lock, so "database is locked" can name the program to close.

SQLite locks with POSIX advisory locks: on the database file itself, and in WAL mode on its
`-shm` file (the write lock is a byte there). Linux lists every such lock, with the holder's
process id, in /proc/locks. Elsewhere, or when nothing is listed, the answer is "unknown".
"""

from __future__ import annotations

import os
from pathlib import Path

from stagehand.sanitize import clean

_FileKey = tuple[int, int, int]  # device major, minor, inode: how /proc/locks names a file


def lock_holders(path: Path | str, *, locks_file: Path = Path("/proc/locks")) -> list[str]:
    """'sqlite3 (pid 1234)' for each other process locking the database, writers first."""
    path = Path(path)
    files = {key for key in map(_file_key, (path, path.with_name(path.name + "-shm"))) if key}
    try:
        listing = locks_file.read_text(encoding="ascii", errors="replace")
    except OSError:
        return []
    writers: list[int] = []
    readers: list[int] = []
    for line in listing.splitlines():
        entry = _parse(line)
        if entry is None:
            continue
        access, pid, key = entry
        if key in files and pid > 0 and pid != os.getpid():
            (writers if access == "WRITE" else readers).append(pid)
    return [f"{_program(pid)} (pid {pid})" for pid in dict.fromkeys(writers or readers)]


def _file_key(path: Path) -> _FileKey | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    return os.major(stat.st_dev), os.minor(stat.st_dev), stat.st_ino


def _parse(line: str) -> tuple[str, int, _FileKey] | None:
    """(access, pid, file) of a held lock; None for a waiter ("->") or a line not understood.

    A line reads `1: POSIX  ADVISORY  WRITE 4242 fd:01:1311 1073741824 1073741824`.
    """
    parts = line.split()
    if len(parts) < 6 or parts[1] == "->":
        return None
    try:
        major, minor, inode = parts[5].split(":")
        return parts[3], int(parts[4]), (int(major, 16), int(minor, 16), int(inode))
    except ValueError:
        return None


def _program(pid: int) -> str:
    """The holder's program name (anyone can name a process: cleaned like chat text)."""
    try:
        name = Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return "unknown program"
    return clean(name, max_chars=40) or "unknown program"
