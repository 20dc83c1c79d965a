"""The one writer: a thread with its own connection that records the show's events in batches.

It listens to the show (`record` is the listener): the events the store keeps
(`stagehand.store.recorder.KEPT`) are queued, the rest ignored; the thread records them in order.

Group commit: the thread takes whatever is queued (up to `batch_size`) and commits it in one
transaction, as soon as it is there: a quiet chat, and a busy one, are written at once. While the
writer is behind (its last batch was big and changes were already waiting), a batch waits up to
10 ms to grow to 300 changes: under a flood cost per comment falls. If SQLite fails (disk full,
read-only file) the batch is kept and retried with backoff; `on_problem` tells the host once,
`on_recovered` when writing works again.
Nothing queued is dropped silently: a change that cannot be stored at all is counted in `lost`,
and `close()` then says writing failed.

`atomic()` keeps a comment and everything it causes (its command's row, a stage appearance, a
host action: the events published while it is open) in one transaction, so a crash never leaves half of it stored: a resumed show that
finds the comment stored knows all of it is.

The database file deleted (or moved) while the show runs: SQLite goes on writing into the open
file; a deleted one vanishes with the process. The writer compares the path's file with the
one it opened every `WATCH_SECONDS` (a `stat`, cheap); once they differ it tells the host. A
moved file still has a name: every row goes on into it there, and nothing is written over the
path. A deleted one, as the writer stops, it writes back to the path (`VACUUM INTO`, through the open
connection, which still holds all of it), or beside it if something else is there now
(`written_back_to`). Only if that fails is anything lost, and `close()` says so.

After a `!forget confirm` or an `!optout`, the writer takes the viewer's words out of the file
itself as it stops, and as it starts when a crash left them there (`stagehand.store.purge`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from stagehand.config import user_data_dir
from stagehand.events import CoreEvent
from stagehand.store import purge
from stagehand.store.database import connect, describe_sqlite_error
from stagehand.store.recorder import CACHED_AUTHORS, KEPT, Recorder, Stored

log = logging.getLogger(__name__)

_STOP = object()

#: While the writer is behind, a batch waits up to `GATHER_SECONDS` for this many changes.
#: Measured on the realistic replay (benchmarks/pipeline_throughput.py): about 5 µs less CPU a
#: comment in the show's process.
GATHER_ROWS = 300
GATHER_SECONDS = 0.01
#: Behind means: changes were waiting when the last batch was committed, and that batch had at
#: least this many. At 2,000 comments/s a batch holds about ten (a commit takes a few ms), so
#: a busy live show is written at once; only a flood gathers.
BEHIND_BATCH = 50
#: The writer's commits copy the log back into the database (a checkpoint, with two fsyncs)
#: once it holds this many pages; SQLite's default is 1,000. A long show's comments dirty index
#: pages all over the file, so at 1,000 a 1M-comment replay checkpointed every few hundred
#: comments and the writer became the pipeline's bottleneck (the replay waited for it 23-28 s of
#: about 75). At 3,000: 19 s, and 16 ms p99 at 2,000/s right after (10,000: 12 s, but 58 ms p99:
#: one checkpoint holds up a live comment that long; all with batches of 500). The log file
#: peaks at 26 MB over a 1M-comment flood in batches of `BATCH_SIZE` (18 MB in batches of 500): a
#: batch's pages are all in the log before the checkpoint after its commit copies them back.
CHECKPOINT_PAGES = 3_000
#: The writer's page cache, in KiB (SQLite's default is 2 MiB). Each new comment lands on a
#: random page of the message key index (and a returning viewer's on one of `comments_author`):
#: past some 100,000 comments those pages no longer fit in 2 MiB, so nearly every insert read
#: its page from the file again (a system call) and a batch bigger than the cache wrote pages
#: to the log twice (spilled mid-transaction, then again once changed anew). 16 MiB holds a
#: 1M-comment show's key index: on the realistic chat at 900,000 stored comments, reads and
#: writes fell from 14.4 to 8.9 system calls a comment and the writer's thread from 68 to 59 µs
#: (docs/performance.md, twentieth sitting). Memory: at most this much more, and only once the
#: file outgrows it.
CACHE_KIB = 16_384
#: Most changes in one transaction (`[database] batch_size`). Only a flood fills a batch (a busy
#: live show's batches hold a few comments): each comment lands on a random page of the message key
#: index, and a bigger batch shares the pages its commit rewrites. Measured on the 1M replay
#: (four interleaved runs each): at 500 the replay waited for the writer 20-22 s and ran at
#: 12,225-13,416/s; at 2,000, 5.6-8.9 s and 12,173-15,190/s; at 4,000, 3.8-5.5 s and
#: 14,478-15,696/s, with p99 at 2,000/s right after it unchanged (17-23 ms).
BATCH_SIZE = 4_000
#: How often the writer checks that its database file is still where it was opened.
WATCH_SECONDS = 2.0


class _Barrier:
    def __init__(self) -> None:
        self.done = threading.Event()


class _Group:
    """Events recorded while a group is open (in its context, including tasks started there), queued
    as one item once the block has ended and every task it waits for has finished.

    It is also the `with` block of `StoreWriter.atomic()` (one object, and its end checked
    in place: it runs once per comment)."""

    __slots__ = ("_open", "_queue", "_token", "_waiting", "events", "queued")

    def __init__(self, queue_: queue.SimpleQueue[object]) -> None:
        self.events: list[CoreEvent] = []
        self._queue = queue_
        self._open = True
        self._waiting = 0
        self.queued = False

    def __enter__(self) -> None:
        self._token = _open_group.set(self)

    def __exit__(self, *exc_info: object) -> None:
        _open_group.reset(self._token)
        self._open = False
        if not self._waiting and not self.queued:  # `_queue_when_complete`, in place
            self.queued = True
            if self.events:
                self._queue.put(tuple(self.events))

    def wait_for(self, task: asyncio.Future[Any]) -> None:
        self._waiting += 1
        task.add_done_callback(self._released)

    def _released(self, _: object) -> None:
        self._waiting -= 1
        self._queue_when_complete()

    def _queue_when_complete(self) -> None:
        if self._open or self._waiting or self.queued:
            return
        self.queued = True
        if self.events:
            self._queue.put(tuple(self.events))


_open_group: ContextVar[_Group | None] = ContextVar("stagehand_store_group", default=None)


class StoreWriter:
    def __init__(
        self,
        path: Path | str,
        *,
        show_id: int,
        batch_size: int = BATCH_SIZE,
        cached_authors: int = CACHED_AUTHORS,
        on_problem: Callable[[str], None] | None = None,
        on_recovered: Callable[[], None] | None = None,
        on_committed: Callable[[list[CoreEvent]], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.show_id = show_id
        self.batch_size = batch_size
        self.cached_authors = cached_authors
        self._on_problem = on_problem or (lambda message: None)
        self._on_recovered = on_recovered or (lambda: None)
        self._on_committed = on_committed
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="stagehand-writer", daemon=True)
        self._failing = False
        self.written = 0
        self.stored = Stored()
        #: Changes that could not be stored at all (skipped, or given up at shutdown).
        self.lost = 0
        self.last_error: str | None = None
        #: What SQLite said while writing fails (None once it works again).
        self.failing_with: sqlite3.Error | None = None
        self._recorder: Recorder | None = None
        self._purging = False
        #: The opened file's (device, inode), to tell it from what the path holds later.
        self._opened: tuple[int, int] | None = None
        self._file: int | None = None
        #: Where the database file was moved to while the show ran (rows went on into it).
        self.moved_to: Path | None = None
        self._watched_at = 0.0
        #: Why the path no longer holds the opened file (deleted or moved), once seen.
        self.file_gone: str | None = None
        #: Where the database was written back to as the writer stopped, its file having gone.
        self.written_back_to: Path | None = None
        self._unsaved = False
        self._saving = False

    def start(self) -> StoreWriter:
        self._thread.start()
        return self

    def report_to(
        self, on_problem: Callable[[str], None], on_recovered: Callable[[], None]
    ) -> None:
        """Who hears (on the writer's thread) that writing fails, and that it works again."""
        self._on_problem = on_problem
        self._on_recovered = on_recovered

    def record(self, event: CoreEvent) -> None:
        """The show's listener: queue the event if the store keeps it; returns at once (safe
        from any thread). Inside `atomic()` it joins the open group."""
        if type(event) not in KEPT:
            return
        group = _open_group.get()
        if group is not None and not group.queued:
            group.events.append(event)
            return
        self._queue.put(event)

    def atomic(self) -> _Group:
        """`with writer.atomic():` everything put inside the block commits in one transaction,
        with what tasks started inside put later if `hold_until` names them (a platform action
        and its outcome)."""
        return _Group(self._queue)

    def hold_until(self, task: asyncio.Future[Any]) -> None:
        """Keep the open group (if any) from committing until `task` has finished."""
        group = _open_group.get()
        if group is not None and not group.queued:
            group.wait_for(task)

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait until everything queued so far is committed. False on timeout (e.g. disk full)."""
        if not self._thread.is_alive():
            return self._queue.empty()
        barrier = _Barrier()
        self._queue.put(barrier)
        return barrier.done.wait(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Write what is queued, take forgotten words out of the file if a forget asked
        (store/purge.py), and stop the thread. False if anything could not be stored."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join(timeout)
            # Still purging (everything is written): a forgotten viewer's words are leaving the
            # file, a bounded rewrite (2.6 s for a million comments, measured). Killed meanwhile,
            # they wait for the next start.
            # Writing the database back to its path (its file was deleted): the same.
            while (self._purging or self._saving) and self._thread.is_alive():
                self._thread.join(0.1)
        return not self._thread.is_alive() and self.lost == 0 and not self._unsaved

    @property
    def backlog(self) -> int:
        """Events queued and not yet taken by the writer (approximate, cheap)."""
        return self._queue.qsize()

    @property
    def cached_authors_now(self) -> int:
        """How many authors' row ids the writer remembers now (bounded by `cached_authors`)."""
        return self._recorder.cached_authors if self._recorder is not None else 0

    @property
    def failing(self) -> bool:
        return self._failing

    def _run(self) -> None:
        # A short busy timeout: if another program holds the lock, say so soon and retry.
        db = connect(self.path, busy_timeout=2.0)
        self._opened = _identity(self.path)
        try:  # the file itself, to tell a move (it lives on elsewhere) from a deletion
            self._file = os.open(self.path, os.O_RDONLY)
        except OSError:
            self._file = None
        self._watched_at = time.monotonic()
        db.execute(f"PRAGMA wal_autocheckpoint = {CHECKPOINT_PAGES}")
        db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        recorder = self._recorder = Recorder(db, self.show_id, cached_authors=self.cached_authors)
        # A show that crashed after a forget left the words in the file: they go before anything
        # new is written (the show's events wait in the queue meanwhile).
        self._purge(db)
        pending: list[CoreEvent] = []
        barriers: list[_Barrier] = []
        stopping = False
        backoff = 0.5
        tries_left_at_stop = 3
        behind = False  # a big batch was committed, and changes were already waiting
        while True:
            if time.monotonic() - self._watched_at >= WATCH_SECONDS:
                self._watch_file()
            if not pending and not barriers and not stopping:
                try:
                    item = self._queue.get(timeout=WATCH_SECONDS)
                except queue.Empty:
                    continue  # quiet: the file is still watched
                stopping = self._take(item, pending, barriers)
            stopping = self._gather(pending, barriers, stopping, behind)
            if pending and not self._commit(db, recorder, pending):
                if stopping:
                    tries_left_at_stop -= 1
                    if tries_left_at_stop == 0:
                        log.error("gave up writing %d queued changes at shutdown", len(pending))
                        self.lost += len(pending)
                        break
                time.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            behind = len(pending) >= BEHIND_BATCH and not self._queue.empty()
            pending = []
            backoff = 0.5
            for barrier in barriers:
                barrier.done.set()
            barriers = []
            if stopping:
                break
        if self.lost == 0:
            self._purge(db)
        self._watch_file()
        if self.file_gone is not None and _identity(self.path) == self._opened:
            self.file_gone = self.moved_to = None  # put back where it was
        if self.file_gone is not None and self.moved_to is None:
            self._write_back(db)
        if self.moved_to is not None:
            self._into_moved_file(db)
        db.conn.close()
        if self._file is not None:
            os.close(self._file)
            self._file = None

    def _watch_file(self) -> None:
        """Tell the host, once, if the path no longer holds the file the writer opened."""
        self._watched_at = time.monotonic()
        if self.file_gone is not None or self._opened is None:
            return
        if _identity(self.path) == self._opened:
            return
        moved_to = _now_at(self._file)
        if moved_to is not None:
            # Moved, not deleted: every row goes on into the file where it is now, and
            # nothing is written back over the path (someone moved it on purpose).
            self.moved_to = moved_to
            self.file_gone = f"{self.path} was moved to {moved_to} while the show ran"
            message = f"{self.file_gone}: the show goes on writing into it there"
            log.warning("%s", message)
            self._on_problem(message)
            return
        self.file_gone = f"{self.path} was deleted while the show ran"
        message = (
            f"{self.file_gone}: the show goes on in the open file, and is written back to "
            f"{self.path} when it closes (stop it as usual, not with kill -9)"
        )
        log.error("%s", message)
        self._on_problem(message)

    def _into_moved_file(self, db: Database) -> None:
        """Every row into the moved file itself: its log (-wal) stayed where the file was, under
        the old name, and a reader still open could keep the last close from folding it in."""
        for _ in range(20):
            try:
                busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
            except sqlite3.Error as exc:
                log.warning("could not fold the log into %s: %s", self.moved_to, exc)
                return
            if not busy:
                return
            time.sleep(0.1)
        log.warning("readers kept the log from being folded into %s", self.moved_to)

    def _write_back(self, db: Database) -> None:
        """The whole database, from the open connection, to its path (beside it if another
        file is there now; in the data directory if its folder went too)."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        beside = self.path.with_name(f"{self.path.stem}-saved-{stamp}{self.path.suffix}")
        rescue = user_data_dir() / beside.name
        # Never over another file: one that took its place is someone's.
        targets = [self.path if not self.path.exists() else beside, rescue]
        self._saving = True
        failures = []
        try:
            for target in targets:
                try:
                    if target == rescue:
                        target.parent.mkdir(parents=True, exist_ok=True)
                    db.conn.execute("VACUUM INTO ?", [str(target)])
                except (sqlite3.Error, OSError) as exc:
                    failures.append(f"{target}: {exc}")
                    continue
                self.written_back_to = target
                log.warning("%s: written back to %s", self.file_gone, target)
                return
        finally:
            self._saving = False
        self._unsaved = True
        self.last_error = (
            f"{self.file_gone}, and it could not be written back ({'; '.join(failures)}): "
            "what the show stored is lost"
        )
        log.error("%s", self.last_error)

    def _purge(self, db: Database) -> None:
        """Forgotten viewers' words out of the file, if a forget asked (store/purge.py)."""
        self._purging = True
        try:
            purge.purge(db.conn)
        finally:
            self._purging = False

    def _gather(
        self, pending: list[CoreEvent], barriers: list[_Barrier], stopping: bool, behind: bool
    ) -> bool:
        """Take what is queued into `pending`, up to `batch_size`; True once the stop signal is
        taken. While the writer is behind (a flood), wait up to `GATHER_SECONDS` for a batch of
        `GATHER_ROWS`: a commit's cost is mostly the index pages it rewrites, which a bigger batch
        shares. A quiet chat, a flush or a stop never waits."""
        deadline = 0.0
        while not stopping and len(pending) < self.batch_size:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                if not behind or barriers or len(pending) >= min(GATHER_ROWS, self.batch_size):
                    break
                now = time.monotonic()
                deadline = deadline or now + GATHER_SECONDS
                if now >= deadline:
                    break
                try:
                    item = self._queue.get(timeout=deadline - now)
                except queue.Empty:
                    break
            stopping = self._take(item, pending, barriers)
        return stopping

    def _take(self, item: object, pending: list[CoreEvent], barriers: list[_Barrier]) -> bool:
        """File one queued item; True when it is the stop signal."""
        if item is _STOP:
            return True
        if isinstance(item, _Barrier):
            barriers.append(item)
        elif isinstance(item, tuple):
            pending.extend(item)  # an atomic group: never split across transactions
        else:
            pending.append(item)  # type: ignore[arg-type]
        return False

    def _commit(self, db: Database, recorder: Recorder, events: list[CoreEvent]) -> bool:
        recorder.start_counting()
        try:
            with db.conn:
                recorder.record_all(events)
        except sqlite3.IntegrityError:  # one change breaks a rule (a trigger, a constraint)
            recorder.forget_cached_ids()
            log.exception("a batch broke a database rule; writing it one change at a time")
            if not self._record_one_by_one(db, recorder, events):
                return False
        except sqlite3.Error as exc:  # storage trouble: keep the batch, retry with backoff
            recorder.forget_cached_ids()
            self._report(describe_sqlite_error(self.path, exc), exc)
            return False
        except Exception:  # a bug with one event must not cost the others, nor the thread
            recorder.forget_cached_ids()
            log.exception("a batch failed to apply; writing it one change at a time")
            if not self._record_one_by_one(db, recorder, events):
                return False
        self.written += len(events)
        self.stored = self.stored + recorder.counts
        if self._on_committed is not None:
            self._on_committed(events)  # latency measurement (benchmarks)
        if self._failing:
            self._failing = False
            self.last_error = None
            self.failing_with = None
            log.info("writing to the database works again")
            self._on_recovered()
        return True

    def _record_one_by_one(self, db: Database, recorder: Recorder, events: list[CoreEvent]) -> bool:
        """Record each event in its own transaction, skipping (and counting as lost) any that
        cannot be recorded; False on storage trouble (the caller retries the whole batch:
        recorded events are idempotent)."""
        recorder.start_counting()
        for event in events:
            counted = recorder.counts
            try:
                with db.conn:
                    recorder.record_all([event])
            except sqlite3.Error as exc:
                recorder.forget_cached_ids()
                recorder.counts = counted
                if not isinstance(exc, sqlite3.IntegrityError):
                    self._report(describe_sqlite_error(self.path, exc), exc)
                    return False
                self._skipped(event, exc)
            except Exception as exc:
                recorder.forget_cached_ids()
                recorder.counts = counted
                self._skipped(event, exc)
        return True

    def _skipped(self, event: CoreEvent, exc: BaseException) -> None:
        log.error("could not store a change (%s): %s", type(event).__name__, exc, exc_info=exc)
        self.lost += 1
        self.last_error = f"{self.lost} change(s) could not be stored in {self.path} (see the log)"

    def _report(self, message: str, exc: sqlite3.Error) -> None:
        self.last_error = message
        self.failing_with = exc
        if not self._failing:
            self._failing = True
            log.error("cannot write to the database: %s", message)
            self._on_problem(message)


def _now_at(file: int | None) -> Path | None:
    """Where the open `file` is now, when it was moved rather than deleted (it still has a
    name: Linux's /proc says which; elsewhere, None, as for a deleted one)."""
    if file is None:
        return None
    try:
        if os.fstat(file).st_nlink == 0:
            return None
        return Path(os.readlink(f"/proc/self/fd/{file}"))
    except OSError:
        return None


def _identity(path: Path) -> tuple[int, int] | None:
    """The (device, inode) of the file at `path`; None if there is none."""
    try:
        stat = os.stat(path)
    except OSError:
        return None
    return stat.st_dev, stat.st_ino
