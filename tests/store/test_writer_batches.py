"""The writer under a flood and in a quiet chat: big batches when it is behind, no wait when not.

A commit's cost is mostly the index pages it rewrites, so a flood is cheaper per comment in big
batches; a quiet chat must still be written at once (a crash loses at most the last moment).
"""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

from stagehand.domain import RankedComment, Score
from stagehand.events import CoreEvent, CommentRanked
from stagehand.store.writer import StoreWriter

from tests.store.test_store_scale import comment, new_show


def event(number: int) -> CommentRanked:
    return CommentRanked(RankedComment(comment(number), Score(1.0, 1.0), 1))


def test_a_writer_that_is_behind_gathers_bigger_batches(tmp_path: Path) -> None:
    path = tmp_path / "show.db"
    show_id = new_show(path)
    batches: list[int] = []

    def slow_disk(events: list[CoreEvent]) -> None:
        batches.append(len(events))
        time.sleep(0.002)  # every commit takes a while: the queue is never empty after one

    writer = StoreWriter(path, show_id=show_id, on_committed=slow_disk).start()

    def chat() -> None:  # a steady flood, one comment every millisecond
        for number in range(600):
            writer.record(event(number))
            time.sleep(0.001)

    sender = threading.Thread(target=chat)
    sender.start()
    sender.join()
    assert writer.close()

    assert sum(batches) == 600
    # Taking only what is queued gives batches of two or three here; gathering, about a dozen.
    assert sum(batches) / len(batches) >= 6, batches
    assert sqlite3.connect(path).execute("SELECT count(*) FROM comments").fetchone() == (600,)


def test_a_quiet_chat_is_written_at_once(tmp_path: Path) -> None:
    path = tmp_path / "show.db"
    show_id = new_show(path)
    committed = threading.Event()
    writer = StoreWriter(path, show_id=show_id, on_committed=lambda _: committed.set()).start()
    for number in range(3):  # a few lines, each after the last was written: never behind
        committed.clear()
        sent = time.monotonic()
        writer.record(event(number))
        assert committed.wait(5)
        waited = time.monotonic() - sent
        assert waited < 0.5, f"a lone comment waited {waited:.3f} s to be written"
    assert writer.close()
