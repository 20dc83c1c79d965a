"""Twitch echoes the bot's own messages back as chat (issue 13, item 3).

Real Twitch delivers every message the bot sends through Helix back to the bot's EventSub
subscription as a `channel.chat.message` whose chatter is the bot. The fake does the same; the
adapter (real twitchio) must skip them: with a separate bot account as twitchio's own `Bot`
does, by the chatter's user id; when the bot chats as the broadcaster ("Same account" in
docs/twitch.md), by the message ids Twitch returned, since the host's own lines come from that
account too.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakes.twitch_server import (
    BOT,
    BOT_SCOPES,
    BROADCASTER,
    BROADCASTER_SCOPES,
    CHATTER,
    CLIENT_ID,
    CLIENT_SECRET,
    FakeTwitch,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.adapters.twitch.credentials import AccountToken, TwitchCredentials
from stagehand.config import Settings
from stagehand.console.state import ConsoleState
from stagehand.events import CommandHandled, CommentRanked, CoreEvent, SegmentChanged
from stagehand.metrics import show_metrics
from stagehand.session import open_show
from stagehand.store import open_database
from stagehand.tokens import TokenStore


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


def same_account(fake: FakeTwitch, path: Path) -> TokenStore:
    """`stagehand auth twitch`, "Same account": one authorization, as the broadcaster."""
    token = fake.issue_token(BROADCASTER["id"], BOT_SCOPES + BROADCASTER_SCOPES)
    account = AccountToken(
        BROADCASTER["id"], BROADCASTER["login"], token.access, token.refresh, tuple(token.scopes)
    )
    store = TokenStore(path)
    TwitchCredentials(CLIENT_ID, CLIENT_SECRET, bot=account, broadcaster=account).save(store)
    return store


@pytest.mark.parametrize("echo_first", [False, True], ids=["echo-after-answer", "echo-first"])
async def test_when_the_bot_is_the_broadcaster_the_hosts_own_lines_are_kept(
    fake: FakeTwitch, tmp_path: Path, echo_first: bool
) -> None:
    fake.echo_before_answer = echo_first  # the echo may outrun Twitch's answer to the send
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="same-account",
        adapters=[TwitchAdapter(settings_for(fake), same_account(fake, tmp_path / "t.json"))],
    )
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    running = asyncio.create_task(live.run_adapters())
    host = {"chatter": BROADCASTER, "badges": [("broadcaster", "1")]}
    try:
        await fake.wait_for_subscriptions(1)
        await fake.send_chat(
            chat_event(message_id="h1", text="!segment Filters | ladder, resonance", **host)
        )
        await until(lambda: any(isinstance(e, SegmentChanged) for e in events))
        await fake.send_chat(chat_event(message_id="v1", text="!topic"))
        await until(lambda: len(fake.echoed) >= 2)  # the bot answered, as the broadcaster
        await fake.send_chat(chat_event(message_id="h2", text="welcome in, everyone", **host))
        await fake.send_chat(chat_event(message_id="v2", text="which filter is that?"))
        await until(lambda: sum(isinstance(e, CommentRanked) for e in events) >= 4)
        await asyncio.sleep(0.3)  # room for the echo to (wrongly) arrive as a comment
    finally:
        assert await live.close()
        async with asyncio.timeout(5):
            await running

    assert {e["chatter_user_id"] for e in fake.echoed} == {BROADCASTER["id"]}
    assert [e["message"]["text"] for e in fake.echoed] == [
        "Segment 1: Filters (ladder, resonance)",  # the bot announced the host's segment
        "Now on the show: Filters (ladder, resonance)",  # and answered the viewer's !topic
    ]
    segments = [e.segment.title for e in events if isinstance(e, SegmentChanged) and e.segment]
    assert segments == ["Filters"]
    handled = {(e.comment.id, e.command) for e in events if isinstance(e, CommandHandled)}
    assert {("h1", "segment"), ("v1", "topic")} <= handled
    ranked = [e.ranked.comment.id for e in events if isinstance(e, CommentRanked)]
    assert ranked == ["h1", "v1", "h2", "v2"]  # the host's lines are comments; the echoes not
