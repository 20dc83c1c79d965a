"""A Discord guest who leaves the Stage channel leaves the stage panel, and their time is kept.

The real discord.py and DiscordAdapter against the fake gateway, into a real LiveShow and SQLite
file: the fake dispatches VOICE_STATE_UPDATE as Discord does when a member leaves a voice channel
(`channel_id: null`).
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from fakes.discord_server import (
    LISTENER_ID,
    MASON_ID,
    OTHER_CHANNEL_ID,
    STAGE_CHANNEL_ID,
    FakeDiscord,
    adapter_settings,
)
from stagehand.adapters.discord.adapter import DiscordAdapter
from stagehand.config import Settings
from stagehand.domain import Author
from stagehand.events import CoreEvent, Notice, StageChanged
from stagehand.platform import ConnectionState
from stagehand.session import open_show
from stagehand.tokens import TokenStore

LISTENER = Author("discord", LISTENER_ID, "listener", "Lis Tener")


async def until(predicate, timeout: float = 5.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.01)


async def test_a_guest_leaving_the_stage_channel_is_taken_off_stage(tmp_path: Path) -> None:
    db = tmp_path / "show.db"
    live = open_show(Settings(), db_path=db, show_name="friday", adapters=[], commands=False)
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    async with FakeDiscord() as fake:
        adapter = DiscordAdapter(
            adapter_settings(fake),
            TokenStore(tmp_path / "tokens.json"),
            guild_ready_timeout=0.05,
            retry_delays=(0.05,),
        )
        live.add_adapter(adapter)
        running = asyncio.create_task(live.run_adapters())
        try:
            await until(
                lambda: live.connections.get("discord", (None,))[0] is ConnectionState.CONNECTED
            )
            invited = await live.pull_on_stage(author=LISTENER)  # a listener in the Stage
            assert invited.ok, invited.message
            assert [session.author.key for session in live.on_stage] == [LISTENER.key]

            # Someone not on the panel moving about changes nothing.
            await fake.voice_update(MASON_ID, STAGE_CHANNEL_ID)
            await fake.voice_update(MASON_ID, OTHER_CHANNEL_ID)
            # The guest closes Discord's Stage window: Discord says their channel is null.
            await fake.voice_update(LISTENER_ID, None)
            await until(lambda: not live.on_stage)
        finally:
            assert await live.close()
            await asyncio.wait_for(running, 5)

    panels = [e.on_stage for e in events if isinstance(e, StageChanged)]
    assert [len(p) for p in panels] == [1, 0]  # on, then off: nobody else came or went
    assert any("left the Stage channel" in e.text for e in events if isinstance(e, Notice))
    conn = sqlite3.connect(db)
    [(started, ended)] = conn.execute("SELECT started_at, ended_at FROM stage_sessions").fetchall()
    assert ended is not None and ended >= started  # their stage time is recorded
    actions = conn.execute("SELECT action, outcome FROM host_actions ORDER BY id").fetchall()
    assert [a for a, _ in actions] == ["stage_start", "stage_end"]
    assert "left the Stage channel" in actions[-1][1]
