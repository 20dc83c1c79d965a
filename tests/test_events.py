"""One vocabulary of events: what the database keeps is exactly what every screen was told.

The demo show (chat, commands, stage appearances, host actions, segments) is replayed into a
real SQLite file; the events a listener hears (what the console shows) are compared with what
the writer committed, and with the rows a user finds in the database.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.demo import demo_transcript_path
from stagehand.events import (
    CommandHandled,
    CommentRanked,
    CoreEvent,
    HostActionLogged,
    Notice,
    ReplayReached,
    SegmentChanged,
    ShowEnded,
    StageStarted,
)
from stagehand.session import open_show
from stagehand.store.recorder import KEPT


def test_what_is_stored_is_what_every_listener_heard(tmp_path: Path) -> None:
    db = tmp_path / "demo.db"
    committed: list[CoreEvent] = []
    heard: list[CoreEvent] = []

    async def play() -> None:
        live = open_show(
            Settings(),
            db_path=db,
            show_name="demo",
            adapters=[ReplayAdapter(demo_transcript_path(), instant=True)],
            on_committed=committed.extend,  # on the writer's thread, batch after batch
        )
        live.add_listener(heard.append)
        await live.run_adapters()
        await live.drain()
        assert await live.close()

    asyncio.run(play())

    # The writer recorded the events it keeps, the very ones the screens got, in their order.
    assert committed == [event for event in heard if type(event) in KEPT]
    assert not any(isinstance(event, Notice) for event in committed)
    assert isinstance(committed[-1], ShowEnded)
    assert any(isinstance(event, ReplayReached) for event in committed)

    def count(kind: type) -> int:
        return sum(isinstance(event, kind) for event in heard)

    conn = sqlite3.connect(db)

    def rows(table: str) -> int:
        return conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    # ...and what a user finds in the database is what the console showed, row for event.
    assert rows("comments") == count(CommentRanked) > 600
    assert rows("commands") == count(CommandHandled) > 0
    assert rows("host_actions") == count(HostActionLogged) > 0
    assert rows("stage_sessions") == count(StageStarted) > 0
    segments = {e.segment.position for e in heard if isinstance(e, SegmentChanged) and e.segment}
    assert rows("segments") == len(segments) > 1
