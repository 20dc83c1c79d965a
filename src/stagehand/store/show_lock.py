"""One stagehand records a show at a time (docs/decisions.md, "One recorder per show").

A second copy of a running show (the same database, the same show name: a replay or demo run
twice, `run` started again in another terminal) would play or connect beside the first and,
stopping, mark the show closed while the first still ran. The first to open a show holds an OS
record lock (`fcntl` via `lockf`) on its show's slot of a sidecar file, `<database>.lock`, for as
long as its process lives: the system releases it when the process ends, however it ends (a
`kill -9` too), so a crash never leaves a show locked and the same command resumes at once.

The slot holds, as text, who holds it (pid, host, since when), for the refusal to say. Record
locks are per process: a process never refuses itself (tests open one show twice in a process).
"""

from __future__ import annotations

import errno
import fcntl
import json
import logging
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from stagehand.store.database import StoreError

log = logging.getLogger(__name__)

#: Bytes of the lock file per show (its slot starts at the show's id times this).
_SLOT = 128


def lock_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".lock")


@dataclass(slots=True)
class ShowLock:
    """This process records the show; `release` lets the next one (the process ending does)."""

    fd: int | None
    offset: int

    def release(self) -> None:
        if self.fd is None:
            return
        fd, self.fd = self.fd, None
        try:
            fcntl.lockf(fd, fcntl.LOCK_UN, _SLOT, self.offset, os.SEEK_SET)
        except OSError:
            pass
        finally:
            os.close(fd)


def lock_show(db_path: Path, show_id: int, name: str) -> ShowLock | None:
    """Hold show `show_id` (called `name`) of the database at `db_path` for this process.

    StoreError if another process holds it, naming that process. None, with a warning in the
    log, where no lock can be taken (a read-only folder, a file system without locks): the
    show runs, as it always did, without the guard.
    """
    path = lock_path(db_path)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    except OSError as exc:
        log.warning(
            "cannot open %s (%s): a second copy of show %r would not be refused",
            path,
            exc.strerror,
            name,
        )
        return None
    offset = show_id * _SLOT
    try:
        fcntl.lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB, _SLOT, offset, os.SEEK_SET)
    except OSError as exc:
        holder = _read_slot(fd, offset) if exc.errno in (errno.EACCES, errno.EAGAIN) else None
        os.close(fd)
        if exc.errno not in (errno.EACCES, errno.EAGAIN):
            log.warning(
                "cannot lock %s (%s): a second copy of show %r would not be refused",
                path,
                exc.strerror,
                name,
            )
            return None
        raise StoreError(_held(name, holder)) from None
    record = json.dumps(
        {
            "pid": os.getpid(),
            "host": socket.gethostname(),
            "since": datetime.now(UTC).isoformat(timespec="seconds"),
        }
    ).encode()[: _SLOT - 1]
    try:
        os.pwrite(fd, record.ljust(_SLOT - 1) + b"\n", offset)
    except OSError as exc:  # the lock holds; only the refusal's detail is missing
        log.warning("cannot write who records show %r to %s: %s", name, path, exc.strerror)
    return ShowLock(fd, offset)


def _read_slot(fd: int, offset: int) -> dict[str, object] | None:
    try:
        record = json.loads(os.pread(fd, _SLOT, offset))
    except (OSError, ValueError):
        return None
    return record if isinstance(record, dict) else None


def _held(name: str, holder: dict[str, object] | None) -> str:
    who = "another stagehand"
    if holder is not None:
        pid, host, since = holder.get("pid"), holder.get("host"), holder.get("since")
        where = "this machine" if host == socket.gethostname() else f"{host}"
        detail = f"pid {pid} on {where}"
        try:
            started = datetime.fromisoformat(str(since)).astimezone(UTC)
            detail += f", since {started:%H:%M} UTC"
        except ValueError:
            pass
        who += f" ({detail})"
    return (
        f"show {name!r} is being recorded by {who}: attach to it "
        "(stagehand attach <the address it printed>) or wait for it to end"
    )
