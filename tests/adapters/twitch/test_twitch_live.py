"""Twitch into the live show: real twitchio, the fake Twitch, a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import sqlite_utils

from fakes.twitch_server import (
    BROADCASTER,
    FakeTwitch,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.config import Settings
from stagehand.events import CommentRanked, ConnectionChanged, CoreEvent
from stagehand.platform import ConnectionState
from stagehand.session import open_show


async def test_a_duplicate_is_stored_once_and_shown_once(fake: FakeTwitch, tmp_path: Path) -> None:
    db_path = tmp_path / "show.db"
    store, _, _ = store_credentials(fake, tmp_path / "tokens.json")
    live = open_show(
        Settings(),
        db_path=db_path,
        show_name="synth-night",
        adapters=[TwitchAdapter(settings_for(fake), store, guest_link="https://vdo.ninja/x")],
        commands=False,
    )
    seen: list[CoreEvent] = []
    live.add_listener(seen.append)
    running = asyncio.create_task(live.run_adapters())
    try:
        await fake.wait_for_subscriptions(1)
        event = chat_event(message_id="dup-42", text="which waveform makes the fattest bass?")
        await fake.send_chat(event, metadata_id="meta-42")
        await fake.send_chat(event, metadata_id="meta-42")  # Twitch's at-least-once redelivery
        await fake.send_chat(chat_event(message_id="next-1", text="saw for sure"))
        async with asyncio.timeout(5):
            while sum(isinstance(e, CommentRanked) for e in seen) < 2:
                await asyncio.sleep(0.02)
        await asyncio.sleep(0.2)  # room for a late duplicate to (wrongly) show up
    finally:
        assert await live.close()
        async with asyncio.timeout(5):
            await running

    ranked = [e.ranked.comment.id for e in seen if isinstance(e, CommentRanked)]
    assert ranked == ["dup-42", "next-1"]
    states = [e.state for e in seen if isinstance(e, ConnectionChanged)]
    assert ConnectionState.CONNECTED.value in states
    rows = list(
        sqlite_utils.Database(db_path).query(
            "select message_id, channel, original_text from comments order by id"
        )
    )
    assert rows == [
        {
            "message_id": "dup-42",
            "channel": BROADCASTER["login"],
            "original_text": "which waveform makes the fattest bass?",
        },
        {"message_id": "next-1", "channel": BROADCASTER["login"], "original_text": "saw for sure"},
    ]
