"""What every `stagehand` command shares: one error path and opening an existing database.

A user error (a bad file, a locked or damaged database, a wrong config) ends any command the
same way: one line, `Error: <problem>; <fix>`, on stderr, exit status 2, secrets masked. Commands
raise `UserError`, or let the store's, config's and transcript's own errors through:
`StagehandCommand` words them. Anything else is a bug: its traceback goes to the log file, and
the user gets one line saying where (exit status 1), never a traceback on the terminal.
"""

from __future__ import annotations

import errno
import os
import sqlite3
import sys
import tempfile
import traceback
from collections.abc import Callable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeVar

import click

from stagehand.logs import open_log_file, redact

if TYPE_CHECKING:
    from sqlite_utils import Database

#: Exit status of a user error, the same as click's usage errors.
USER_ERROR = 2
#: Exit status when stagehand itself failed (a bug).
INTERNAL_ERROR = 1
_DB_PATH = "stagehand.db_path"
_T = TypeVar("_T")


class UserError(click.ClickException):
    """A problem the user can fix: shown as one `Error: ...` line, exit status 2."""

    exit_code = USER_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(redact(message))


class InternalError(click.ClickException):
    """stagehand itself failed: one line pointing at the log, exit status 1."""

    exit_code = INTERNAL_ERROR


class StagehandCommand(click.Command):
    """A click command whose failures all leave through `user_error_from` (see the module doc)."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.Abort, click.ClickException):
            raise
        except BrokenPipeError:
            # `stagehand export | head`: the reader has what it wanted; stop quietly.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            raise click.exceptions.Exit(1) from None
        except Exception as exc:
            error = user_error_from(exc, ctx.meta.get(_DB_PATH))
            if error is None:
                raise _internal_error(exc) from None
            raise error from None


class StagehandGroup(click.Group):
    """A click group whose commands (and subgroups) are `StagehandCommand`s."""

    command_class = StagehandCommand
    group_class = type


def user_error_from(exc: BaseException, db_path: Path | None = None) -> UserError | None:
    """The one-line error for a problem the user can fix; None for a bug."""
    from stagehand.config import ConfigError
    from stagehand.session import AdapterUnavailable
    from stagehand.store import StoreError
    from stagehand.store.database import describe_sqlite_error
    from stagehand.transcript import TranscriptError

    if isinstance(exc, StoreError | ConfigError | TranscriptError | AdapterUnavailable):
        return UserError(str(exc))
    if isinstance(exc, sqlite3.Error):
        return UserError(describe_sqlite_error(db_path or "the database", exc, retrying=False))
    if isinstance(exc, OSError) and exc.strerror:
        if exc.filename:
            return UserError(f"{exc.filename}: {exc.strerror}")
        if fix := _WRITE_FIXES.get(exc.errno or 0):  # standard output on a full disk, say
            return UserError(f"cannot write the output: {exc.strerror}; {fix}")
        return UserError(exc.strerror)
    return None


def _internal_error(exc: BaseException) -> click.ClickException:
    """Keep the traceback in the log (masked), tell the user one line and where it is."""
    summary = redact(f"{type(exc).__name__}: {exc}")[:200]
    try:
        path, handle = open_log_file()
        with handle:
            handle.write(redact("".join(traceback.format_exception(exc))))
        where = f"the details are in {path}"
    except OSError:
        where = "run again with STAGEHAND_LOG_LEVEL=DEBUG for details"
    return InternalError(f"stagehand failed unexpectedly ({summary}); this is a bug: {where}")


def open_existing_database(db_path: Path | None, config_path: Path | None = None) -> Database:
    """The database a reading command works on (`--db`, else the one the config names: `-c`,
    or the config found where `run` finds it), opened read-only; must exist and be stagehand's.

    Remembered on the click context, so a SQLite error later in the command names this file.
    """
    from stagehand.config import load_settings
    from stagehand.store import open_database
    from stagehand.store.database import open_read_only
    from stagehand.store.schema import migrations

    path = db_path or load_settings(config_path, required=False).db_path()
    click.get_current_context().meta[_DB_PATH] = path
    # Read-only: a reading command writes nothing (not a schema into an empty file, not a -shm
    # grown on a nearly full disk), so a failure there is the output's, said as the output's.
    db = open_read_only(path, stagehand_only=True)
    if migrations.pending(db):  # an older stagehand's database: brought up to date first
        db.conn.close()
        return open_database(path, create=False)
    return db


def write_output(path: Path, write: Callable[[IO[str]], _T]) -> _T:
    """Run `write` on a file that becomes `path` only once everything is written.

    A missing folder, a full disk or a failed query leaves nothing behind (no 0-byte or
    half-written file, an older file at `path` untouched) and ends the command with one line.
    A device or pipe (`-o /dev/stdout`) is written in place.
    """
    if path.exists() and not path.is_file():
        try:
            with path.open("w", encoding="utf-8", newline="") as handle:
                return write(handle)
        except OSError as exc:
            raise UserError(_cannot_write(path, exc)) from None
    if not path.parent.is_dir():
        raise UserError(
            f"cannot write {path}: there is no folder {path.parent} (create it, or choose another "
            "-o path)"
        )
    try:
        fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    except OSError as exc:
        raise UserError(_cannot_write(path, exc)) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            result = write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, _mode_for(path))
        os.replace(temporary, path)
    except OSError as exc:
        Path(temporary).unlink(missing_ok=True)
        raise UserError(_cannot_write(path, exc)) from None
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return result


def _mode_for(path: Path) -> int:
    """The file's current mode when replacing it, else what a new file gets under the umask."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


_WRITE_FIXES = {
    errno.ENOSPC: "free some space, or choose another -o path",
    errno.EFBIG: "the file is too large for this place; choose another -o path",
    errno.EDQUOT: "over your disk quota; free some space, or choose another -o path",
    errno.EACCES: "check the folder's permissions, or choose another -o path",
    errno.EROFS: "that disk is read-only; choose another -o path",
}


def _cannot_write(path: Path, exc: OSError) -> str:
    fix = _WRITE_FIXES.get(exc.errno or 0, "choose another -o path")
    return f"cannot write {path}: {exc.strerror}; {fix}"
