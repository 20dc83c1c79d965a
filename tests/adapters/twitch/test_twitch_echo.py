"""Twitch echoes the bot's own messages back as chat (issue 13, item 3).

Real Twitch delivers every message the bot sends through Helix back to the bot's EventSub
subscription as a `channel.chat.message` whose chatter is the bot. The fake does the same; the
adapter (real twitchio) must skip them as twitchio's own `Bot` does, by the chatter's user id.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from fakes.twitch_server import (
    BOT,
    CHATTER,
    FakeTwitch,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.config import Settings
from stagehand.console.state import ConsoleState
from stagehand.events import CommentRanked, CoreEvent
from stagehand.metrics import show_metrics
from stagehand.session import open_show
from stagehand.store import open_database


async def until(predicate, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_the_bots_own_messages_never_become_comments(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    db_path = tmp_path / "show.db"
    store, _, _ = store_credentials(fake, tmp_path / "tokens.json")
    live = open_show(
        Settings(),
        db_path=db_path,
        show_name="synth-night",
        adapters=[TwitchAdapter(settings_for(fake), store)],
    )
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    running = asyncio.create_task(live.run_adapters())
    try:
        await fake.wait_for_subscriptions(1)
        await fake.send_chat(chat_event(message_id="v1", text="!topic"))
        await fake.send_chat(chat_event(message_id="v2", text="which waveform for a fat bass?"))
        await until(lambda: sum(isinstance(e, CommentRanked) for e in events) >= 2)
        await live.drain()  # the bot answered !topic in chat
        viewer = live.find_comment("twitch", "v2")
        assert viewer is not None
        assert (await live.reply(viewer, "saw, through the ladder")).ok  # the host replied
        await until(lambda: len(fake.echoed) >= 2)  # Twitch sent both back as chat
        await asyncio.sleep(0.3)  # room for an echo to (wrongly) arrive as a comment
    finally:
        assert await live.close()
        async with asyncio.timeout(5):
            await running

    assert {e["chatter_user_id"] for e in fake.echoed} == {BOT["id"]}
    assert [e["message"]["text"] for e in fake.echoed] == [
        "No topic is set yet.",
        "saw, through the ladder",
    ]
    ranked = [e.ranked.comment for e in events if isinstance(e, CommentRanked)]
    assert [(c.id, c.author.id) for c in ranked] == [("v1", CHATTER["id"]), ("v2", CHATTER["id"])]

    state = ConsoleState()
    for event in events:
        state.apply(event)
    assert {line.comment.author.id for line in state.raw} == {CHATTER["id"]}
    assert [r.comment.id for r in state.ranked_queue()] == ["v2"]

    db = open_database(db_path, create=False)
    stored = db.conn.execute("SELECT message_id FROM comments ORDER BY id").fetchall()
    assert stored == [("v1",), ("v2",)]
    totals = show_metrics(db, "synth-night").totals
    assert (totals.participants, totals.viewer_replies, totals.comments) == (1, 0, 1)
    db.conn.close()
