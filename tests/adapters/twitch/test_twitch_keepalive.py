"""Keepalive loss: Twitch goes silent, twitchio notices after its 15 s allowance and reconnects.

Slow by nature (twitchio's keepalive timeout cannot go below 10 s, and it checks every 10 s),
so this lives apart from the fast tests: about 20-25 seconds.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakes.twitch_server import (
    FakeTwitch,
    RecordingSink,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.platform import ConnectionState

pytestmark = pytest.mark.slow


async def test_silence_from_twitch_leads_to_a_new_session_and_chat_goes_on(
    tmp_path: Path, fake: FakeTwitch
) -> None:
    store, _, _ = store_credentials(fake, tmp_path / "tokens.json")
    adapter = TwitchAdapter(settings_for(fake), store)
    sink = RecordingSink()
    task = asyncio.create_task(adapter.run(sink))
    try:
        await fake.wait_for_subscriptions(1)
        await fake.send_chat(chat_event(message_id="before-silence"))
        await sink.wait_for_comments(1)
        fake.keepalive_paused = True  # the socket stays open, but Twitch says nothing
        # Two sockets a session (the bot's: chat, deletions and /clear; the broadcaster's: bans
        # and unbans), both opened again; chat is subscribed first (5 subscriptions a session).
        await sink.wait_for(lambda: fake.ws_connections == 4, timeout=40)
        fake.keepalive_paused = False
        await fake.wait_for_subscriptions(6)
        await fake.send_chat(chat_event(message_id="after-silence"))
        comments = await sink.wait_for_comments(2)
        assert [c.id for c in comments] == ["before-silence", "after-silence"]
        await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
    finally:
        await adapter.close()
        await task
