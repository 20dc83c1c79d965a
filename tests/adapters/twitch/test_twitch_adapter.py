"""The Twitch adapter end to end: real twitchio 3.3.2 against the fake Twitch on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from fakes.twitch_server import (
    BOT,
    BROADCASTER,
    CHATTER,
    CLIENT_ID,
    CLIENT_SECRET,
    FakeTwitch,
    RecordingSink,
    Token,
    chat_event,
    cheermote_fragment,
    emote_fragment,
    mention_fragment,
    settings_for,
    store_credentials,
    text_fragment,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.adapters.twitch.credentials import TwitchCredentials
from stagehand.config.twitch import TwitchSettings
from stagehand.domain import Author, Highlight, HighlightKind, ModerationKind, Role
from stagehand.platform import ConnectionState
from stagehand.tokens import TokenStore

#: What a session subscribes to: chat, deleted messages and /clear with the bot's token, bans,
#: timeouts and unbans with the broadcaster's (`channel:moderate`): a socket for each account, as
#: an EventSub WebSocket carries one user's subscriptions.
SUBSCRIPTIONS = 5
SOCKETS = 2


@dataclass
class Show:
    """A running adapter wired to the fake, with the tokens the fake issued."""

    fake: FakeTwitch
    adapter: TwitchAdapter
    sink: RecordingSink
    store: TokenStore
    bot_token: Token
    broadcaster_token: Token


async def start_show(
    fake: FakeTwitch, tmp_path: Path, guest_link: str = "https://vdo.ninja/?room=synth", **changes
) -> Show:
    store, bot, owner = store_credentials(fake, tmp_path / "tokens.json")
    adapter = TwitchAdapter(settings_for(fake, **changes), store, guest_link=guest_link)
    sink = RecordingSink()
    adapter._run_task = asyncio.create_task(adapter.run(sink))  # type: ignore[attr-defined]
    await fake.wait_for_subscriptions(1)
    await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
    return Show(fake, adapter, sink, store, bot, owner)


@pytest.fixture
async def show(fake: FakeTwitch, tmp_path: Path) -> AsyncIterator[Show]:
    running = await start_show(fake, tmp_path)
    yield running
    await stop_show(running)


async def stop_show(show: Show) -> None:
    await show.adapter.close()
    async with asyncio.timeout(5):
        await show.adapter._run_task  # type: ignore[attr-defined]


# -- comments in --------------------------------------------------------------------------


async def test_the_real_capture_arrives_as_a_comment(show: Show) -> None:
    event = chat_event()
    await show.fake.send_chat(event)
    [comment] = await show.sink.wait_for_comments(1)
    assert comment.id == "9d0bcb5e-ee31-4b09-b72f-66eb94ce061e"
    assert comment.platform == "twitch"
    assert comment.channel == "twitchdev"
    assert comment.author.id == CHATTER["id"]
    assert comment.author.name == "nerixyz"
    assert comment.author.display_name == "nerixyz"
    assert comment.author.roles == frozenset()  # the capture's only badge is "no_video"
    assert comment.text == "Hello, World! DinoDance"  # the emote's name stays in the text
    assert comment.reply_to is None
    assert comment.first_message is False
    assert comment.ts.tzinfo is not None


async def test_badges_replies_first_messages_emotes_and_mentions(show: Show) -> None:
    fan = {"id": "555", "login": "synthfan", "display_name": "SynthFan"}
    await show.fake.send_chat(
        chat_event(message_id="m-mod", chatter=fan, badges=[("moderator", "1"), ("vip", "1")])
    )
    await show.fake.send_chat(
        chat_event(message_id="m-sub", badges=[("subscriber", "12"), ("founder", "0")])
    )
    await show.fake.send_chat(
        chat_event(message_id="m-owner", chatter=BROADCASTER, badges=[("broadcaster", "1")])
    )
    await show.fake.send_chat(
        chat_event(
            message_id="m-reply",
            text="@nerixyz saw, always saw",
            reply_to={"id": "m-sub", "body": "saw or square?", "user": CHATTER},
        )
    )
    await show.fake.send_chat(
        chat_event(message_id="m-first", text="hi all, first time here", message_type="user_intro")
    )
    fragments = [
        mention_fragment(BROADCASTER),
        text_fragment(" that bass "),
        emote_fragment("Kappa", "25"),
        text_fragment(" <b>[bold]</b>"),
    ]
    await show.fake.send_chat(chat_event(message_id="m-rich", fragments=fragments))
    comments = {c.id: c for c in await show.sink.wait_for_comments(6)}
    assert comments["m-mod"].author.roles == {Role.MODERATOR, Role.VIP}
    assert comments["m-mod"].author.display_name == "SynthFan"
    assert comments["m-sub"].author.roles == {Role.SUBSCRIBER}
    assert Role.BROADCASTER in comments["m-owner"].author.roles
    assert comments["m-owner"].author.can_steer
    assert comments["m-reply"].reply_to == "m-sub"
    assert comments["m-first"].first_message is True
    assert comments["m-rich"].text == "@TwitchDev that bass Kappa <b>[bold]</b>"


async def test_channel_points_highlights_and_bits_cheers_are_highlights(show: Show) -> None:
    await show.fake.send_chat(
        chat_event(
            message_id="m-points",
            text="how long do you let the dough rest?",
            message_type="channel_points_highlighted",
        )
    )
    fragments = [cheermote_fragment("Cheer", 500), text_fragment(" what flour is that?")]
    await show.fake.send_chat(chat_event(message_id="m-bits", fragments=fragments, cheer_bits=500))
    await show.fake.send_chat(chat_event(message_id="m-plain", text="nice loaf"))
    comments = {c.id: c for c in await show.sink.wait_for_comments(3)}
    assert comments["m-points"].highlight == Highlight(
        HighlightKind.CHANNEL_POINTS, shown="highlighted with channel points"
    )
    assert comments["m-bits"].highlight == Highlight(HighlightKind.BITS, 500.0, "bits", "500 bits")
    assert comments["m-bits"].text == "Cheer500 what flour is that?"
    assert comments["m-plain"].highlight is None


async def test_a_duplicate_delivery_reaches_the_sink_twice(show: Show) -> None:
    """Twitch delivers at least once; the adapter passes both on and the pipeline dedupes
    (see test_a_duplicate_is_stored_once for the stored result)."""
    event = chat_event(message_id="dup-1")
    await show.fake.send_chat(event, metadata_id="meta-dup-1")
    await show.fake.send_chat(event, metadata_id="meta-dup-1")
    comments = await show.sink.wait_for_comments(2)
    assert [c.id for c in comments] == ["dup-1", "dup-1"]


# -- resilience -----------------------------------------------------------------------------


async def test_session_reconnect_loses_nothing(show: Show) -> None:
    await show.fake.send_chat(chat_event(message_id="before"))
    await show.sink.wait_for_comments(1)
    connections = show.fake.ws_connections
    await show.fake.send_reconnect()
    await show.sink.wait_for(lambda: show.fake.ws_connections == connections + SOCKETS)
    # The old sockets close once the new ones are welcomed; then only the new ones are live.
    await show.sink.wait_for(
        lambda: sum(1 for s in show.fake.sessions.values() if s.ws and not s.ws.closed) == SOCKETS
    )
    await show.fake.send_chat(chat_event(message_id="after"))
    comments = await show.sink.wait_for_comments(2)
    assert [c.id for c in comments] == ["before", "after"]
    assert show.fake.subscription_count == SUBSCRIPTIONS  # Twitch carried them over
    assert show.sink.state is ConnectionState.CONNECTED
    # twitchio lost track of the moved socket (same session id); the adapter did not:
    # after closing, no socket is left open on the fake.
    await stop_show(show)
    await show.sink.wait_for(lambda: all(s.ws is None for s in show.fake.sessions.values()))


async def test_a_dropped_socket_reconnects_resubscribes_and_loses_nothing(show: Show) -> None:
    await show.fake.send_chat(chat_event(message_id="before-drop"))
    await show.sink.wait_for_comments(1)
    show.fake.welcome_delay = 0.6  # long enough for the console to see the drop
    await show.fake.drop_connections()
    # twitchio subscribed again on the new sessions
    await show.fake.wait_for_subscriptions(2 * SUBSCRIPTIONS)
    await show.fake.send_chat(chat_event(message_id="after-drop"))
    comments = await show.sink.wait_for_comments(2)
    assert [c.id for c in comments] == ["before-drop", "after-drop"]
    await show.sink.wait_for(lambda: show.sink.state is ConnectionState.CONNECTED)
    states = [state for state, _ in show.sink.states]
    assert states[-3:] == [
        ConnectionState.CONNECTED,
        ConnectionState.RECONNECTING,  # what the console showed while the socket was down
        ConnectionState.CONNECTED,
    ]
    subscribe = show.fake.requests_to("POST", "eventsub/subscriptions")
    assert len({r.json["transport"]["session_id"] for r in subscribe}) == 2 * SOCKETS


@pytest.mark.parametrize(
    "frame",
    [
        "{not json",
        "[]",
        '"just a string"',
        '{"payload": {}}',
        '{"metadata": {"message_type": "mystery"}, "payload": {}}',
        b"\x00\x01binary",
    ],
)
async def test_a_malformed_frame_is_skipped_and_chat_goes_on(
    show: Show, frame: str | bytes
) -> None:
    await show.fake.send_raw(frame)
    await show.fake.send_chat(chat_event(message_id="still-here"))
    # Well inside the 15 s keepalive timeout: reading resumed at once, on the same socket.
    [comment] = await show.sink.wait_for_comments(1, timeout=3)
    assert comment.id == "still-here"
    assert show.fake.ws_connections == SOCKETS


async def test_a_notification_with_a_broken_event_is_skipped(show: Show) -> None:
    broken = chat_event(message_id="broken")
    del broken["chatter_user_id"]
    await show.fake.send_chat(broken)
    await show.fake.send_chat(chat_event(message_id="fine"))
    comments = await show.sink.wait_for_comments(1)
    await asyncio.sleep(0.1)
    assert [c.id for c in comments] == ["fine"]


async def test_startup_failures_retry_with_backoff(fake: FakeTwitch, tmp_path: Path) -> None:
    fake.fail_next("GET", "users", 500, "Internal Server Error")
    fake.fail_next("GET", "users", 500, "Internal Server Error")
    running = await start_show(fake, tmp_path)
    try:
        states = [state for state, _ in running.sink.states]
        assert states == [
            ConnectionState.CONNECTING,
            ConnectionState.RECONNECTING,
            ConnectionState.RECONNECTING,
            ConnectionState.CONNECTED,
        ]
        first_wait, _second_wait = (
            d for s, d in running.sink.states if s is ConnectionState.RECONNECTING
        )
        assert "Twitch answered 500" in first_wait
    finally:
        await stop_show(running)


async def test_rejected_tokens_fail_with_a_fix_and_do_not_retry(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    store, bot, _owner = store_credentials(fake, tmp_path / "tokens.json")
    del fake.tokens[bot.access]  # revoked: validate says 401 and the refresh token is gone too
    adapter = TwitchAdapter(settings_for(fake), store)
    sink = RecordingSink()
    async with asyncio.timeout(5):
        await adapter.run(sink)
    state, detail = sink.states[-1]
    assert state is ConnectionState.FAILED
    assert "stagehand auth twitch" in detail
    assert bot.access not in detail and bot.refresh not in detail


async def test_an_expiring_token_is_refreshed_and_stored(fake: FakeTwitch, tmp_path: Path) -> None:
    store, bot, _owner = store_credentials(fake, tmp_path / "tokens.json", bot_expires_in=600)
    adapter = TwitchAdapter(settings_for(fake), store)
    sink = RecordingSink()
    task = asyncio.create_task(adapter.run(sink))
    try:
        await fake.wait_for_subscriptions(1)
        await sink.wait_for(
            lambda: (TwitchCredentials.load(store).bot or bot).access_token != bot.access
        )
        stored = TwitchCredentials.load(store).bot
        assert stored is not None
        assert stored.access_token in fake.tokens  # the new token is one the fake issued
        assert stored.refresh_token != bot.refresh
        subscribe = fake.requests_to("POST", "eventsub/subscriptions")[-1]
        assert subscribe.token == stored.access_token
        assert store.permissions_ok()
    finally:
        await adapter.close()
        await task


async def test_twitchio_writes_no_token_file_in_the_working_directory(show: Show) -> None:
    await stop_show(show)
    assert not (Path.cwd() / ".tio.tokens.json").exists()
    assert show.store.permissions_ok()


async def test_no_secret_reaches_the_logs(
    fake: FakeTwitch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    fake.fail_next("POST", "chat/messages", 500, "boom")
    running = await start_show(fake, tmp_path)
    try:
        await running.adapter.send("hello")
        await running.fake.drop_connections()
        await running.fake.wait_for_subscriptions(2)
    finally:
        await stop_show(running)
    secrets = [
        CLIENT_SECRET,
        running.bot_token.access,
        running.bot_token.refresh,
        running.broadcaster_token.access,
        running.broadcaster_token.refresh,
    ]
    app_tokens = [t.access for t in fake.tokens.values() if t.user_id is None]
    assert caplog.text  # twitchio did log at debug level
    for secret in secrets + app_tokens:
        assert secret not in caplog.text


# -- actions out --------------------------------------------------------------------------


async def test_reply_is_threaded_and_sent_with_the_bot_token(show: Show) -> None:
    await show.fake.send_chat(chat_event(message_id="q-1", text="saw or square?"))
    [comment] = await show.sink.wait_for_comments(1)
    result = await show.adapter.reply(comment, "Saw, every time.")
    assert result.ok, result.message
    [request] = show.fake.requests_to("POST", "chat/messages")
    assert request.json == {
        "broadcaster_id": BROADCASTER["id"],
        "sender_id": BOT["id"],
        "message": "Saw, every time.",
        "reply_parent_message_id": "q-1",
    }
    assert request.token == show.bot_token.access
    assert request.headers["Client-ID"] == CLIENT_ID


async def test_long_replies_are_split_into_twitch_sized_parts(show: Show) -> None:
    words = " ".join(f"word{i:03d}" for i in range(140))  # about 1,100 characters
    result = await show.adapter.send(words)
    assert result.ok and "3 parts" in result.message
    sent = [r.json["message"] for r in show.fake.requests_to("POST", "chat/messages")]
    assert len(sent) == 3
    assert all(len(part) <= 500 for part in sent)
    assert " ".join(sent) == words


async def test_the_rate_limit_refuses_instead_of_flooding(fake: FakeTwitch, tmp_path: Path) -> None:
    running = await start_show(fake, tmp_path, messages_per_30s=2)
    try:
        assert (await running.adapter.send("one")).ok
        assert (await running.adapter.send("two")).ok
        third = await running.adapter.send("three")
        assert not third.ok
        assert "2 messages per 30 s" in third.message
        assert len(fake.requests_to("POST", "chat/messages")) == 2
    finally:
        await stop_show(running)


async def test_a_refused_message_says_why(show: Show) -> None:
    show.fake.fail_next("POST", "chat/messages", 403, "The sender is banned from the channel")
    result = await show.adapter.send("hello?")
    assert not result.ok
    assert "403" in result.message and "banned" in result.message


async def test_invite_in_public_chat_mentions_the_guest_link_in_a_threaded_reply(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path, invite_via="public_chat")
    try:
        await show.fake.send_chat(chat_event(message_id="hand-1", text="can I join?"))
        [comment] = await show.sink.wait_for_comments(1)
        result = await show.adapter.invite_to_stage(comment.author, comment)
        assert result.ok, result.message
        [request] = show.fake.requests_to("POST", "chat/messages")
        assert request.json["message"] == (
            "@nerixyz you're invited on stage! Join here: https://vdo.ninja/?room=synth"
        )
        assert request.json["reply_parent_message_id"] == "hand-1"
        assert request.token == show.bot_token.access
    finally:
        await stop_show(show)


async def test_invite_by_whisper_and_guest_star(fake: FakeTwitch, tmp_path: Path) -> None:
    fake.guest_star_session = "gs-session-1"
    running = await start_show(fake, tmp_path, invite_via="whisper", guest_star=True)
    try:
        await fake.send_chat(chat_event(message_id="hand-2"))
        [comment] = await running.sink.wait_for_comments(1)
        result = await running.adapter.invite_to_stage(comment.author, comment)
        assert result.ok, result.message
        [whisper] = fake.requests_to("POST", "whispers")
        assert whisper.query == {"from_user_id": BOT["id"], "to_user_id": CHATTER["id"]}
        assert "https://vdo.ninja/?room=synth" in whisper.json["message"]
        assert whisper.token == running.bot_token.access
        [invite] = fake.requests_to("POST", "guest_star/invites")
        assert invite.query == {
            "broadcaster_id": BROADCASTER["id"],
            "moderator_id": BROADCASTER["id"],
            "session_id": "gs-session-1",
            "guest_id": CHATTER["id"],
        }
        assert invite.token == running.broadcaster_token.access
        assert not fake.requests_to("POST", "chat/messages")
    finally:
        await stop_show(running)


async def test_guest_star_without_a_session_says_so(fake: FakeTwitch, tmp_path: Path) -> None:
    running = await start_show(fake, tmp_path, guest_link="", guest_star=True)
    try:
        author = Author("twitch", CHATTER["id"], CHATTER["login"], CHATTER["display_name"])
        result = await running.adapter.invite_to_stage(author, None)
        assert not result.ok
        assert "no session is running" in result.message
        assert not fake.requests_to("POST", "guest_star/invites")
    finally:
        await stop_show(running)


async def test_moderation_acts_as_the_broadcaster(show: Show) -> None:
    await show.fake.send_chat(chat_event(message_id="spam-1", text="buy followers"))
    [comment] = await show.sink.wait_for_comments(1)

    deleted = await show.adapter.moderate(comment, ModerationKind.DELETE)
    timed_out = await show.adapter.moderate(
        comment, ModerationKind.TIMEOUT, duration_seconds=300, reason="spam"
    )
    banned = await show.adapter.moderate(comment, ModerationKind.BAN, reason="spam bot")
    assert deleted.ok and timed_out.ok and banned.ok, (deleted, timed_out, banned)
    assert "300 s" in timed_out.message

    [delete] = show.fake.requests_to("DELETE", "moderation/chat")
    assert delete.query == {
        "broadcaster_id": BROADCASTER["id"],
        "moderator_id": BROADCASTER["id"],
        "message_id": "spam-1",
    }
    timeout, ban = show.fake.requests_to("POST", "moderation/bans")
    assert timeout.json == {"data": {"user_id": CHATTER["id"], "duration": 300, "reason": "spam"}}
    assert ban.json == {"data": {"user_id": CHATTER["id"], "reason": "spam bot"}}
    for request in (delete, timeout, ban):
        assert request.token == show.broadcaster_token.access


async def test_a_ban_and_a_timeout_are_lifted_as_the_broadcaster(show: Show) -> None:
    """Undoing a ban or a timeout: Helix DELETE /moderation/bans, which removes either."""
    await show.fake.send_chat(chat_event(message_id="oops-1", text="totally fine message"))
    [comment] = await show.sink.wait_for_comments(1)
    author = comment.author

    not_banned = await show.adapter.unban(author)
    assert not not_banned.ok and "not banned" in not_banned.message

    await show.adapter.moderate(comment, ModerationKind.BAN)
    assert CHATTER["id"] in show.fake.bans
    lifted = await show.adapter.unban(author)
    assert lifted.ok and lifted.message == "unbanned on Twitch"
    assert CHATTER["id"] not in show.fake.bans

    await show.adapter.moderate(comment, ModerationKind.TIMEOUT, duration_seconds=60)
    untimed = await show.adapter.unban(author, ModerationKind.TIMEOUT)
    assert untimed.ok and untimed.message == "timeout lifted on Twitch"
    assert show.fake.bans == {}

    unban, _, untimeout = show.fake.requests_to("DELETE", "moderation/bans")
    assert unban.query == {
        "broadcaster_id": BROADCASTER["id"],
        "moderator_id": BROADCASTER["id"],
        "user_id": CHATTER["id"],
    }
    assert untimeout.token == show.broadcaster_token.access


async def test_moderation_failure_gives_a_clear_reason(show: Show) -> None:
    await show.fake.send_chat(chat_event(message_id="mod-msg", chatter=BROADCASTER))
    [comment] = await show.sink.wait_for_comments(1)
    show.fake.fail_next(
        "DELETE", "moderation/chat", 400, "You cannot delete the broadcaster's messages."
    )
    result = await show.adapter.moderate(comment, ModerationKind.DELETE)
    assert not result.ok
    assert "cannot delete the broadcaster's messages" in result.message


async def test_actions_while_disconnected_fail_plainly(tmp_path: Path) -> None:
    adapter = TwitchAdapter(
        TwitchSettings(enabled=True, channel="x"), TokenStore(tmp_path / "t.json")
    )
    author = Author("twitch", "1", "someone")
    result = await adapter.invite_to_stage(author, None)
    assert result == result.failed("Twitch is not connected")
