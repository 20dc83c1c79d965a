"""Opening the database: WAL, foreign keys, a busy timeout, migrations applied."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from stagehand.store.schema import migrations


class StoreError(Exception):
    """A storage problem worded for the host: which file, what went wrong, what to do."""


def connect(path: Path | str, *, busy_timeout: float = 10.0) -> Database:
    """A connection with the pragmas every stagehand connection uses (no migrations)."""
    conn = sqlite3.connect(str(path), timeout=busy_timeout, check_same_thread=False)
    db = Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no committed batch
    return db


def open_database(path: Path | str, *, create: bool = True) -> Database:
    """Open (and create or migrate) the database at `path`; errors name the file."""
    path = Path(path).expanduser()
    if not create and not path.exists():
        raise StoreError(f"{path}: no such database (run a show first, or pass --db PATH)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = connect(path)
        db.execute("PRAGMA journal_mode = WAL")
        migrations.apply(db)
    except sqlite3.DatabaseError as exc:
        raise StoreError(describe_sqlite_error(path, exc)) from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the database: {exc.strerror}") from None
    return db


def describe_sqlite_error(path: Path | str, exc: BaseException) -> str:
    """One line a host can act on: what went wrong first (screens cut long lines), then where."""
    message = str(exc).lower()
    if "readonly" in message or "read-only" in message:
        return f"database is read-only: {path} (check the file's permissions, or pass --db PATH)"
    if "disk i/o" in message:
        return (
            f"cannot write the database (disk I/O error; read-only, full or gone?): {path}; "
            "chat is kept in memory and retried"
        )
    if "full" in message:
        return f"disk is full: {path}; chat is kept in memory until there is room again"
    if "not a database" in message or "malformed" in message:
        return f"not a stagehand database (or damaged): {path}"
    if "locked" in message or "busy" in message:
        return f"database is locked by another program: {path}; close it and stagehand retries"
    if "unable to open" in message:
        return f"cannot open the database file: {path} (check the folder exists and is writable)"
    return f"database error ({exc}): {path}"
