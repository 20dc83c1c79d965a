"""A live show with the YouTube adapter on the fake YouTube: real LiveShow, real SQLite file."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlite_utils

from fakes.youtube_server import FakeYouTube, settings_for, store_credentials
from stagehand.adapters.youtube.adapter import YouTubeAdapter
from stagehand.config import Settings
from stagehand.events import CommentRanked, ConnectionChanged, CoreEvent
from stagehand.session import open_show
from stagehand.show.live import LiveShow
from stagehand.tokens import TokenStore


@dataclass
class Running:
    fake: FakeYouTube
    live: LiveShow
    adapter: YouTubeAdapter
    store: TokenStore
    db_path: Path
    task: asyncio.Task[None]
    seen: list[CoreEvent] = field(default_factory=list)

    def comments(self) -> list[Any]:
        return [e.ranked.comment for e in self.seen if isinstance(e, CommentRanked)]

    def states(self) -> list[tuple[str, str]]:
        return [(e.state, e.detail) for e in self.seen if isinstance(e, ConnectionChanged)]

    async def wait_for(self, predicate, timeout: float = 5.0) -> None:
        async with asyncio.timeout(timeout):
            while not predicate():
                await asyncio.sleep(0.01)

    async def wait_for_comments(self, count: int, timeout: float = 5.0) -> list[Any]:
        await self.wait_for(lambda: len(self.comments()) >= count, timeout)
        return self.comments()

    async def wait_for_state(self, state: str, timeout: float = 5.0) -> str:
        await self.wait_for(lambda: any(s == state for s, _ in self.states()), timeout)
        return next(d for s, d in reversed(self.states()) if s == state)

    def query(self, sql: str, params: Any = ()) -> list[dict[str, Any]]:
        assert self.live.flush(5)
        return list(sqlite_utils.Database(self.db_path).query(sql, params))

    async def stop(self) -> None:
        assert await self.live.close()
        async with asyncio.timeout(5):
            await self.task


async def start_show(
    fake: FakeYouTube,
    tmp_path: Path,
    *,
    settings: Settings | None = None,
    commands: bool = False,
    guest_link: str = "https://vdo.ninja/?room=private-synth",
    token_scopes: list[str] | None = None,
    wait: bool = True,
    db_path: Path | None = None,
    show_name: str = "friday-build",
    **changes: Any,
) -> Running:
    store, _ = store_credentials(fake, tmp_path / "tokens.json", scopes=token_scopes)
    adapter = YouTubeAdapter(settings_for(fake, **changes), store, guest_link=guest_link)
    db_path = db_path or tmp_path / "show.db"
    live = open_show(
        settings or Settings(),
        db_path=db_path,
        show_name=show_name,
        adapters=[adapter],
        commands=commands,
    )
    running = Running(fake, live, adapter, store, db_path, asyncio.create_task(asyncio.sleep(0)))
    live.add_listener(running.seen.append)
    running.task = asyncio.create_task(live.run_adapters())
    if wait:
        await fake.wait_for(lambda: fake.open_streams > 0)
    return running
