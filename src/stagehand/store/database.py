"""Opening the database: WAL, foreign keys, a busy timeout, migrations applied.

Opening refuses, with one line naming the problem and the fix and before anything is written,
a file that is not SQLite, another program's database, a database from a newer stagehand,
and (when asked to `verify`, as a show does before it goes live) a damaged one.
"""

from __future__ import annotations

import contextlib
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlite_utils import Database

from stagehand.store.keys import install_message_key
from stagehand.store.locks import lock_holders
from stagehand.store.schema import APPLICATION_ID, migrations, schema_version

#: None binds as NULL either way; but with no adapter of its own, the sqlite3 module first asks
#: its protocol for `__adapt__` for every None bound (an AttributeError made and dropped, some
#: 2k instructions), and a comment's row binds about three (no reply, no highlight, no wave of
#: copies): about 6k instructions a comment on the writer's thread. `get` of an empty dict is
#: a C call that answers None for None.
_NO_ADAPTATION: dict[None, None] = {}
sqlite3.register_adapter(type(None), _NO_ADAPTATION.get)

#: How long opening waits for another program's write lock before saying who holds it.
OPEN_BUSY_SECONDS = 3.0


class StoreError(Exception):
    """A storage problem worded for the host: which file, what went wrong, what to do.

    When part of the fix is "use another database file", that part is kept apart (`elsewhere`:
    what the file should be, and how `--db` says it), so a reader that points at its database
    another way words it its own way (`worded_for`: doctor names the setting to change).
    """

    def __init__(
        self, message: str, elsewhere: tuple[str, str] | None = None, after: str = ""
    ) -> None:
        #: Before the "use another file" advice (or all of it), the advice, and what follows it.
        self.before, self.elsewhere, self.after = message, elsewhere, after
        super().__init__(self.worded_for(None))

    def worded_for(self, setting: str | None) -> str:
        """The whole line, the other file named as the `setting` to change (None: `--db`)."""
        if self.elsewhere is None:
            return self.before
        option, target = self.elsewhere
        advice = option if setting is None else f"set {setting} to {target}"
        return f"{self.before}{advice}{self.after}"


def connect(
    path: Path | str,
    *,
    busy_timeout: float = 10.0,
    read_only: bool = False,
    create: bool = True,
    unshared: bool = False,
) -> Database:
    """A connection with the pragmas every stagehand connection uses (no migrations);
    `read_only`: one that never writes, nor creates a missing file; `create=False`: one that
    writes but never creates a missing file (a database moved away mid-show is not made again
    empty where it was: opening it fails instead); `unshared` (read-only too): one that does
    not even make the shared-memory file (-shm) readers of a WAL database share with its
    writer, for a file nobody writes now."""
    if read_only or unshared or not create:
        mode = "ro&immutable=1" if unshared else "ro" if read_only else "rw"
        target, uri = f"{Path(path).expanduser().resolve().as_uri()}?mode={mode}", True
    else:
        target, uri = str(path), False
    conn = sqlite3.connect(target, timeout=busy_timeout, check_same_thread=False, uri=uri)
    db = Database(conn)
    try:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("PRAGMA synchronous = NORMAL")  # safe with WAL: a crash loses no batch
        # A row updated or deleted is zeroed on the page SQLite rewrites anyway (no extra
        # writes): an emptied comment leaves no old text beside it. Freed pages: store/purge.py.
        db.execute("PRAGMA secure_delete = FAST")
    except BaseException:
        conn.close()
        raise
    install_message_key(conn)  # `stagehand_message_key(platform, id)` for queries by key
    return db


def open_database(path: Path | str, *, create: bool = True, verify: bool = False) -> Database:
    """Open (and create or migrate) the database at `path`; errors are StoreErrors naming it.

    `create=False` is for reading: a missing file is an error. Otherwise the caller means to
    write, so a read-only file or another program's lock is refused now, not at the first
    write. `verify` runs SQLite's quick integrity check (about 0.1 s per 100 MB when cached).
    """
    path = Path(path).expanduser()
    _check_path(path, create=create)
    db: Database | None = None
    is_new = not path.exists()
    try:
        with store_errors(path):
            if create:
                _make_folder(path)
            db = connect(path, busy_timeout=OPEN_BUSY_SECONDS)
            check_format(db, path)
            if verify:
                check_integrity(db, path)
            if create:
                _check_writable(db)
            db.execute("PRAGMA journal_mode = WAL")
            migrated = bool(migrations.pending(db))
            migrations.apply(db)
            if create or migrated:
                _stamp(db)
    except StoreError:
        if db is not None:
            db.conn.close()
        if is_new:  # leave no empty database behind (e.g. on a full disk)
            for leftover in (path, *(path.with_name(path.name + end) for end in ("-wal", "-shm"))):
                with contextlib.suppress(OSError):  # in no folder at all: nothing was left
                    leftover.unlink(missing_ok=True)
        raise
    return db


def open_read_only(
    path: Path | str, *, verify: bool = False, stagehand_only: bool = False
) -> Database:
    """An existing database opened only to read it, after the checks `open_database` makes (a
    folder, not SQLite, another program's, a newer stagehand's, and damage when `verify`),
    worded the same; nothing is written (no migrations, no journal mode), nothing created.
    `stagehand_only`: a file with no stagehand schema yet (an empty file) is refused too, as a
    reading command must (it has nothing to read, and must not make one)."""
    path = Path(path).expanduser()
    _check_path(path, create=False)
    with store_errors(path):
        db = _reader(path)
        try:
            check_format(db, path)
            if stagehand_only and not migrations.applied(db):
                raise _no_schema(path)
            if verify:
                check_integrity(db, path)
        except BaseException:
            db.conn.close()
            raise
    return db


def _reader(path: Path) -> Database:
    """A read-only connection. Reading a WAL database makes its -shm file (32 KiB); where that
    cannot be written (a full disk, a file size limit) and no show is writing the database (no
    -wal with content), it is read without one, so only what the command writes can fail."""
    try:
        return connect(path, busy_timeout=OPEN_BUSY_SECONDS, read_only=True)
    except sqlite3.OperationalError as exc:
        code = getattr(exc, "sqlite_errorcode", None)
        wal = path.with_name(path.name + "-wal")
        if code is None or code & 0xFF != sqlite3.SQLITE_IOERR or _has_content(wal):
            raise
    return connect(path, busy_timeout=OPEN_BUSY_SECONDS, unshared=True)


def _has_content(path: Path) -> bool:
    try:
        return path.stat().st_size > 0
    except FileNotFoundError:
        return False


def _no_schema(path: Path) -> StoreError:
    """A reader's refusal of a file that holds no stagehand database (yet)."""
    what = "empty file" if path.stat().st_size == 0 else "no stagehand tables in it"
    return StoreError(
        f"{path} is not a stagehand database ({what}): a show run with --db {path} makes one; or ",
        ("pass --db with a stagehand database", "a stagehand database"),
    )


def _check_path(path: Path, *, create: bool) -> None:
    if not create and not path.exists():
        raise StoreError(
            f"{path}: no such database (run a show first, or ",
            ("pass --db PATH", "another file"),
            ")",
        )
    if path.is_dir():
        raise StoreError(f"{path} is a folder, not a database file: ", ("pass --db FILE", "a file"))


def _make_folder(path: Path) -> None:
    """The database's folder, made if missing; one that cannot be made is named, with why."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise StoreError(
            f"cannot make the folder {path.parent} for the database {path} "
            f"({exc.strerror or exc}): create it, or ",
            ("pass --db PATH in a folder that exists", "a file in a folder that exists"),
        ) from None


@contextmanager
def store_errors(path: Path | str) -> Iterator[None]:
    """SQLite and file errors inside become a StoreError worded for the host."""
    try:
        yield
    except sqlite3.Error as exc:
        raise sqlite_store_error(path, exc, retrying=False) from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot open the database: {exc.strerror}") from None


def check_format(db: Database, path: Path) -> None:
    """Refuse another program's database and one from a newer stagehand (nothing written yet)."""
    application_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    foreign = application_id not in (0, APPLICATION_ID) or (
        application_id == 0 and _has_tables(db) and not migrations.applied(db)
    )
    if foreign:
        raise StoreError(
            f"{path} is another program's SQLite database, not stagehand's: ",
            (
                "pass --db with a new file or a stagehand database",
                "a new file or a stagehand database",
            ),
        )
    if version > schema_version():
        raise StoreError(
            f"{path} was written by a newer stagehand (schema {version}; this one knows up to "
            f"{schema_version()}): upgrade stagehand, or ",
            ("pass --db PATH for another database", "another database"),
        )


def _has_tables(db: Database) -> bool:
    row = db.execute("SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'")
    return row.fetchone()[0] > 0


def check_integrity(db: Database, path: Path) -> None:
    problem = db.execute("PRAGMA quick_check(1)").fetchone()[0]
    if problem != "ok":  # e.g. "*** in database main ***\nPage 4: btreeInitPage() returns ..."
        detail = " ".join(problem.replace("*** in database main ***", "").split())
        raise _damaged(path, detail)


def _check_writable(db: Database) -> None:
    """Take the write lock and give it back: a read-only file or a held lock shows up now."""
    db.execute("BEGIN IMMEDIATE")
    db.execute("ROLLBACK")


def _stamp(db: Database) -> None:
    """Mark the file as stagehand's, at the schema version this stagehand wrote."""
    if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    if db.execute("PRAGMA user_version").fetchone()[0] != schema_version():
        db.execute(f"PRAGMA user_version = {schema_version()}")


def _damaged(path: Path | str, detail: str) -> StoreError:
    return StoreError(
        f"database is damaged ({detail}): {path}; restore a backup, or ",
        ("pass --db NEW.db", "a new file"),
        " (`sqlite3 FILE .recover` can rescue what is left)",
    )


def _disk_full(path: Path | str) -> bool:
    """True when the database's disk has (almost) no room: SQLite reports a full disk as an I/O
    error when it happens while growing the -shm file."""
    try:
        return shutil.disk_usage(Path(path).parent).free < 1 << 20
    except OSError:
        return False


def describe_sqlite_error(path: Path | str, exc: BaseException, *, retrying: bool = True) -> str:
    """One line a host can act on: what went wrong first (screens cut long lines), then where.

    `retrying` is the writer's view (chat stays queued and is written once the problem goes);
    otherwise the command stops here and the line says how to fix it.
    """
    return str(sqlite_store_error(path, exc, retrying=retrying))


def sqlite_store_error(path: Path | str, exc: BaseException, *, retrying: bool) -> StoreError:
    """`describe_sqlite_error` as a StoreError, its "use another file" advice kept apart."""
    code = getattr(exc, "sqlite_errorcode", None)
    primary = code & 0xFF if isinstance(code, int) else None
    message = str(exc).lower()
    if primary == sqlite3.SQLITE_READONLY or "readonly" in message or "read-only" in message:
        return StoreError(
            f"database is read-only: {path} (check the file's permissions, or ",
            ("pass --db PATH", "another file"),
            ")",
        )
    io_trouble = primary in (sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN) or "disk i/o" in message
    if primary == sqlite3.SQLITE_FULL or "full" in message or (io_trouble and _disk_full(path)):
        if retrying:
            return StoreError(
                f"disk is full: {path}; chat is kept in memory until there is room again"
            )
        return StoreError(
            f"disk is full: {path}; free some space, or ",
            ("pass --db PATH on another disk", "a file on another disk"),
        )
    if primary == sqlite3.SQLITE_IOERR or "disk i/o" in message:
        if retrying:
            return StoreError(
                f"cannot write the database (disk I/O error; read-only, full or gone?): {path}; "
                "chat is kept in memory and retried"
            )
        return StoreError(
            f"cannot write the database (disk I/O error): {path}; check the disk, or ",
            ("pass --db PATH", "another file"),
        )
    if primary == sqlite3.SQLITE_NOTADB or "not a database" in message:
        return StoreError(
            f"not a SQLite database: {path}; ",
            ("pass --db with a stagehand database file", "a stagehand database file"),
        )
    if primary == sqlite3.SQLITE_CORRUPT or "malformed" in message:
        return _damaged(path, str(exc))
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED) or "locked" in message:
        holders = lock_holders(path)
        who = ", ".join(holders) or "another program"
        if retrying:
            return StoreError(
                f"database is locked by {who}: {path}; close it and stagehand retries"
            )
        return StoreError(f"database is locked by {who}: {path}; close that program and try again")
    if primary == sqlite3.SQLITE_CANTOPEN or "unable to open" in message:
        return StoreError(
            f"cannot open the database file: {path} (check the folder exists and is writable)"
        )
    return StoreError(f"database error ({exc}): {path}")
