"""The one writer: a thread with its own connection that applies queued ops in batches.

Group commit: the thread takes what is queued (up to `batch_size`) and commits it in one
transaction, so under load batches grow and cost per comment falls, while a quiet chat is
written within `flush_interval` of arriving. If SQLite fails (disk full, read-only file) the
batch is kept and retried with backoff; `on_problem` tells the host once, `on_recovered` when
writing works again. Nothing queued is dropped.
"""

from __future__ import annotations

import logging
import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlite_utils import Database

from stagehand.store.apply import OpApplier
from stagehand.store.database import connect, describe_sqlite_error
from stagehand.store.ops import StoreOp

log = logging.getLogger(__name__)

_STOP = object()


class _Barrier:
    def __init__(self) -> None:
        self.done = threading.Event()


class StoreWriter:
    def __init__(
        self,
        path: Path | str,
        *,
        batch_size: int = 500,
        flush_interval: float = 0.25,
        on_problem: Callable[[str], None] | None = None,
        on_recovered: Callable[[], None] | None = None,
        on_committed: Callable[[list[StoreOp]], None] | None = None,
    ) -> None:
        self.path = Path(path)
        self.batch_size = batch_size
        self.flush_interval = flush_interval
        self._on_problem = on_problem or (lambda message: None)
        self._on_recovered = on_recovered or (lambda: None)
        self._on_committed = on_committed
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._thread = threading.Thread(target=self._run, name="stagehand-writer", daemon=True)
        self._failing = False
        self.written = 0
        self.last_error: str | None = None

    def start(self) -> StoreWriter:
        self._thread.start()
        return self

    def put(self, op: StoreOp) -> None:
        """Queue an op; returns at once (safe from any thread)."""
        self._queue.put(op)

    def flush(self, timeout: float | None = 10.0) -> bool:
        """Wait until everything queued so far is committed. False on timeout (e.g. disk full)."""
        if not self._thread.is_alive():
            return self._queue.empty()
        barrier = _Barrier()
        self._queue.put(barrier)
        return barrier.done.wait(timeout)

    def close(self, timeout: float = 10.0) -> bool:
        """Write what is queued and stop the thread. False if it could not finish in time."""
        if not self._thread.is_alive():
            return True
        self._queue.put(_STOP)
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def backlog(self) -> int:
        """Ops queued and not yet taken by the writer (approximate, cheap)."""
        return self._queue.qsize()

    @property
    def failing(self) -> bool:
        return self._failing

    def _run(self) -> None:
        # A short busy timeout: if another program holds the lock, say so soon and retry.
        db = connect(self.path, busy_timeout=2.0)
        applier = OpApplier(db)
        pending: list[StoreOp] = []
        barriers: list[_Barrier] = []
        stopping = False
        backoff = 0.5
        tries_left_at_stop = 3
        while True:
            if not pending and not barriers and not stopping:
                stopping = self._take(self._queue.get(), pending, barriers)
            while not stopping and len(pending) < self.batch_size:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                stopping = self._take(item, pending, barriers)
            if pending and not self._commit(db, applier, pending):
                if stopping:
                    tries_left_at_stop -= 1
                    if tries_left_at_stop == 0:
                        log.error("gave up writing %d queued changes at shutdown", len(pending))
                        break
                time.sleep(backoff)
                backoff = min(backoff * 2, 10.0)
                continue
            pending = []
            backoff = 0.5
            for barrier in barriers:
                barrier.done.set()
            barriers = []
            if stopping:
                break
        db.conn.close()

    def _take(self, item: object, pending: list[StoreOp], barriers: list[_Barrier]) -> bool:
        """File one queued item; True when it is the stop signal."""
        if item is _STOP:
            return True
        if isinstance(item, _Barrier):
            barriers.append(item)
        else:
            pending.append(item)  # type: ignore[arg-type]
        return False

    def _commit(self, db: Database, applier: OpApplier, ops: list[StoreOp]) -> bool:
        try:
            with db.conn:
                applier.apply_all(ops)
        except sqlite3.Error as exc:  # storage trouble: keep the batch, retry with backoff
            applier.forget_cached_ids()
            self._report(describe_sqlite_error(self.path, exc))
            return False
        except Exception:  # a bug with one op must not cost the others, nor the thread
            applier.forget_cached_ids()
            log.exception("a batch failed to apply; writing it one change at a time")
            try:
                ops = self._apply_one_by_one(db, applier, ops)
            except sqlite3.Error as exc:
                applier.forget_cached_ids()
                self._report(describe_sqlite_error(self.path, exc))
                return False
        self.written += len(ops)
        if self._on_committed is not None:
            self._on_committed(ops)  # latency measurement (benchmarks)
        if self._failing:
            self._failing = False
            self.last_error = None
            log.info("writing to the database works again")
            self._on_recovered()
        return True

    def _apply_one_by_one(self, db: Database, applier: OpApplier, ops: list[StoreOp]) -> list:
        """Apply each op in its own transaction, skipping (and logging) any that cannot apply."""
        applied: list[StoreOp] = []
        for op in ops:
            try:
                with db.conn:
                    applier.apply_all([op])
            except sqlite3.Error:
                raise
            except Exception:
                applier.forget_cached_ids()
                log.exception("skipped a change the database could not take: %r", type(op))
                continue
            applied.append(op)
        return applied

    def _report(self, message: str) -> None:
        self.last_error = message
        if not self._failing:
            self._failing = True
            log.error("cannot write to the database: %s", message)
            self._on_problem(message)
