"""Drops, server errors, the end of the chat and spent quota, through the real adapter."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from pathlib import Path

import pytest

from adapters.youtube.show import Running, start_show
from fakes.youtube_server import CLIENT_SECRET, FakeYouTube, decode_token, settings_for
from stagehand.adapters.youtube.adapter import YouTubeAdapter
from stagehand.config import Settings
from stagehand.events import Notice
from stagehand.platform import ConnectionState
from stagehand.session import open_show
from stagehand.tokens import TokenStore

STREAM_LIST = "liveChatMessages.streamList"


async def one_comment_read(fake: FakeYouTube, show: Running) -> None:
    """A viewer says "one", and the show has read it."""
    fake.say("one")
    await show.wait_for_comments(1)


async def read_on_after_refusals(
    fake: FakeYouTube, show: Running, status: int, *, count: int = 1
) -> None:
    """Once YouTube refused `count` chat reads with `status`, a viewer says "two": the show
    reads it (the chat went on)."""
    await fake.wait_for(
        lambda: sum(c.status == status for c in fake.calls_of(STREAM_LIST)) >= count
    )
    fake.say("two")
    await show.wait_for_comments(2)


async def test_a_network_drop_mid_stream_resumes_where_it_was_with_nothing_lost_or_doubled(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """The connection breaks after one batch, halfway through the next: what was half sent is
    read again from the last whole batch's page token, once."""
    show = await start_show(fake, tmp_path)
    try:
        fake.say("before the drop")
        await show.wait_for_comments(1)
        fake.cut_next_stream(after_batches=1, mid_element=True)
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started)
        fake.say("sent while it broke")
        await show.wait_for_state(ConnectionState.RECONNECTING.value)
        fake.say("after the drop")
        await show.wait_for_comments(3)
        await asyncio.sleep(0.5)  # room for a (wrong) second copy
    finally:
        await show.stop()
    assert [c.text for c in show.comments()] == [
        "before the drop",
        "sent while it broke",
        "after the drop",
    ]
    detail = next(d for s, d in show.states() if s == ConnectionState.RECONNECTING.value)
    assert "network error" in detail and "retrying in" in detail


async def test_a_server_error_is_retried_with_backoff_from_the_same_page(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        await one_comment_read(fake, show)
        fake.fail_next(STREAM_LIST, 503, "backendError", times=2)
        await read_on_after_refusals(fake, show, 503, count=2)
    finally:
        await show.stop()
    assert [c.text for c in show.comments()] == ["one", "two"]
    retries = [d for s, d in show.states() if s == ConnectionState.RECONNECTING.value]
    assert len(retries) == 2
    assert all("(503)" in d for d in retries)
    assert "retrying in 0.05 s" in retries[0] and "retrying in 0.1 s" in retries[1]
    streams = fake.calls_of(STREAM_LIST)
    failed = [i for i, call in enumerate(streams) if call.status == 503]
    after = streams[failed[-1] + 1]
    assert decode_token(after.params["pageToken"]) == decode_token(
        streams[failed[0]].params["pageToken"]
    )


async def test_a_chat_position_youtube_refuses_is_dropped_and_reading_goes_on_from_the_newest(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """400 pageTokenInvalid: asking again with the same page token only spends quota. The
    adapter drops it, reads on from the newest messages and tells the host, once."""
    show = await start_show(fake, tmp_path)
    try:
        await one_comment_read(fake, show)
        fake.expire_page_tokens()  # the position the adapter holds is no longer accepted
        await read_on_after_refusals(fake, show, 400)
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started + 2)  # and reading goes on
        quota = show.query("SELECT outcome, units FROM quota_calls WHERE outcome != 'ok'")
    finally:
        await show.stop()
    assert [c.text for c in show.comments()] == ["one", "two"]
    streams = fake.calls_of(STREAM_LIST)
    [refused] = [i for i, call in enumerate(streams) if call.status != 200]
    assert streams[refused].reason == "pageTokenInvalid"
    assert "pageToken" not in streams[refused + 1].params  # from the newest messages
    assert quota == [{"outcome": "pageTokenInvalid", "units": 5}]  # one refused read, not more
    told = [d for _, d in show.states() if "some messages may have been missed" in d]
    assert len(told) == 1 and "pageTokenInvalid" in told[0], show.states()
    assert ConnectionState.FAILED.value not in [s for s, _ in show.states()]


async def test_the_chat_ending_ends_the_youtube_side_cleanly(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        fake.say("last words")
        await show.wait_for_comments(1)
        fake.end_chat()
        detail = await show.wait_for_state(ConnectionState.FINISHED.value)
        calls = len(fake.calls)
        await asyncio.sleep(0.6)
        assert len(fake.calls) == calls  # nothing more is asked of YouTube
        assert show.live.failed_platforms() == {}
    finally:
        await show.stop()
    assert detail == "the YouTube live chat ended (the stream is offline)"
    assert [c.text for c in show.comments()] == ["last words"]


async def test_a_chat_that_already_ended_is_finished_at_once(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    fake.end_chat()
    fake.live = True  # the broadcast is still listed, but its chat is over
    show = await start_show(fake, tmp_path, wait=False)
    try:
        detail = await show.wait_for_state(ConnectionState.FINISHED.value)
    finally:
        await show.stop()
    assert "chat ended" in detail


async def test_no_live_broadcast_yet_is_looked_for_again(fake: FakeYouTube, tmp_path: Path) -> None:
    fake.live = False
    show = await start_show(fake, tmp_path, wait=False)
    try:
        detail = await show.wait_for_state(ConnectionState.RECONNECTING.value)
        assert "no live broadcast on the authorized channel yet" in detail
        fake.live = True
        await fake.wait_for(lambda: fake.open_streams > 0)
        fake.say("we are live")
        await show.wait_for_comments(1)
    finally:
        await show.stop()


async def test_quota_exceeded_is_one_line_for_the_host_and_the_show_goes_on(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        fake.say("read before the quota ran out")
        await show.wait_for_comments(1)
        fake.use_up_quota()  # another tool on the same Google Cloud project spent the rest
        detail = await show.wait_for_state(ConnectionState.FAILED.value)
        # The show itself is fine: it still takes host actions and comments from elsewhere.
        result = show.live.next_segment()
        assert result.ok
    finally:
        await show.stop()
    assert "\n" not in detail
    assert detail.startswith("YouTube refused: the project's daily quota is used up.")
    assert "resets at midnight Pacific" in detail
    assert "console.cloud.google.com" in detail
    assert show.live.failed_platforms() == {"youtube": detail}


async def test_an_expired_token_is_refreshed_and_stored(fake: FakeYouTube, tmp_path: Path) -> None:
    show = await start_show(fake, tmp_path)
    try:
        first = show.adapter.connection.link
        assert first is not None
        old = first.client.creds.access_token
        fake.expire(old)
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started + 1)
        fake.say("after the token ran out")
        await show.wait_for_comments(1)
    finally:
        await show.stop()
    stored = show.store.get("youtube")
    assert stored["access_token"] != old
    assert fake.tokens[stored["access_token"]].expired is False
    assert show.store.permissions_ok()


async def test_a_revoked_authorization_stops_with_the_fix(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        fake.revoke(show.fake.consent_channel)
        detail = await show.wait_for_state(ConnectionState.FAILED.value)
    finally:
        await show.stop()
    assert "run `stagehand auth youtube`" in detail


async def test_without_an_authorization_the_youtube_side_fails_with_the_fix(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    adapter = YouTubeAdapter(settings_for(fake), TokenStore(tmp_path / "empty.json"))
    live = open_show(Settings(), db_path=tmp_path / "s.db", adapters=[adapter], commands=False)
    await asyncio.wait_for(live.run_adapters(), 5)
    assert await live.close()
    failed = live.failed_platforms()["youtube"]
    assert failed.startswith("no YouTube OAuth client id or secret")
    assert "stagehand auth youtube" in failed
    assert fake.calls == []


async def test_no_token_or_secret_reaches_the_logs_or_the_database(
    fake: FakeYouTube, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    show = await start_show(fake, tmp_path)
    try:
        link = show.adapter.connection.link
        assert link is not None
        fake.expire(link.client.creds.access_token)  # a refresh: new tokens pass by
        fake.fail_next(STREAM_LIST, 503, "backendError")
        fake.say("hello")
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started + 2)
    finally:
        await show.stop()
    secrets = {CLIENT_SECRET}
    for token in fake.tokens.values():
        secrets |= {token.access, token.refresh}
    dump = "\n".join(sqlite3.connect(show.db_path).iterdump())
    logged = caplog.text
    for secret in secrets:
        assert secret not in logged
        assert secret not in dump


@pytest.mark.parametrize("reason", ["missingRequiredParameter", "unexpectedParameter"])
async def test_a_chat_read_youtube_refuses_as_invalid_stops_youtube_with_one_line(
    fake: FakeYouTube, tmp_path: Path, reason: str
) -> None:
    """A 400 other than a refused page token: the same request would be refused again, and
    each refused read costs 5 units. YouTube stops at once; the show goes on."""
    show = await start_show(fake, tmp_path)
    try:
        await one_comment_read(fake, show)
        fake.fail_next(STREAM_LIST, 400, reason, times=20)
        detail = await show.wait_for_state(ConnectionState.FAILED.value)
        calls = len(fake.calls)
        await asyncio.sleep(0.5)
        assert len(fake.calls) == calls  # nothing more is asked of YouTube
        assert show.live.next_segment().ok  # the show itself goes on
    finally:
        await show.stop()
    refused = [c for c in fake.calls_of(STREAM_LIST) if c.status == 400]
    assert len(refused) == 1  # asked once, not again and again
    assert "\n" not in detail
    assert f"YouTube refused stagehand's request (400 {reason}: " in detail
    assert "YouTube chat stops" in detail and "report this line" in detail
    assert ConnectionState.RECONNECTING.value not in [s for s, _ in show.states()]


@pytest.mark.parametrize(
    ("status", "reason", "state", "said"),
    [
        (403, "forbidden", ConnectionState.FAILED, "YouTube refused (403 forbidden): You do not"),
        (403, "liveChatDisabled", ConnectionState.FINISHED, "chat is turned off"),
        (404, "liveChatNotFound", ConnectionState.FINISHED, "live chat ended"),
    ],
)
async def test_a_chat_read_that_cannot_succeed_again_stops_at_once(
    fake: FakeYouTube,
    tmp_path: Path,
    status: int,
    reason: str,
    state: ConnectionState,
    said: str,
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        await one_comment_read(fake, show)
        fake.fail_next(STREAM_LIST, status, reason, times=20)
        detail = await show.wait_for_state(state.value)
    finally:
        await show.stop()
    assert said in detail
    assert [c.status for c in fake.calls_of(STREAM_LIST)].count(status) == 1


async def test_chat_turned_off_mid_show_finishes_the_youtube_side(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        await one_comment_read(fake, show)
        fake.chat_disabled = True
        detail = await show.wait_for_state(ConnectionState.FINISHED.value)
    finally:
        await show.stop()
    assert detail == "chat is turned off for this YouTube live stream"
    assert show.live.failed_platforms() == {}


async def test_reading_too_soon_is_retried_and_chat_goes_on(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """403 rateLimitExceeded: the read came too soon after the last; waiting fixes it."""
    show = await start_show(fake, tmp_path)
    try:
        await one_comment_read(fake, show)
        fake.fail_next(STREAM_LIST, 403, "rateLimitExceeded")
        await read_on_after_refusals(fake, show, 403)
    finally:
        await show.stop()
    assert [c.text for c in show.comments()] == ["one", "two"]
    assert ConnectionState.FAILED.value not in [s for s, _ in show.states()]
    assert any("retrying in" in d for s, d in show.states() if s == "reconnecting")


async def test_the_data_apis_invalid_page_token_is_a_refused_position_too(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """The Data API's common request error for a page token (400 invalidPageToken) means what
    the live chat's pageTokenInvalid means: read on from the newest messages, do not stop."""
    show = await start_show(fake, tmp_path)
    try:
        await one_comment_read(fake, show)
        await fake.wait_for(lambda: fake.streams_started >= 2)  # a page token is held now
        fake.fail_next(STREAM_LIST, 400, "invalidPageToken")
        await read_on_after_refusals(fake, show, 400)
    finally:
        await show.stop()
    streams = fake.calls_of(STREAM_LIST)
    [refused] = [i for i, call in enumerate(streams) if call.status != 200]
    assert "pageToken" not in streams[refused + 1].params  # from the newest messages
    assert ConnectionState.FAILED.value not in [s for s, _ in show.states()]


async def test_a_refused_chat_position_leaves_a_notice_the_hosts_can_read_later(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """The connection's detail is replaced by the next state within a second; that messages
    may have been missed is a notice on every screen, kept in the notice history."""
    show = await start_show(fake, tmp_path)
    try:
        await one_comment_read(fake, show)
        fake.expire_page_tokens()
        await read_on_after_refusals(fake, show, 400)
        await show.wait_for(lambda: show.states()[-1][0] == ConnectionState.CONNECTED.value)
    finally:
        await show.stop()
    notices = [e for e in show.seen if isinstance(e, Notice)]
    missed = [n for n in notices if "some messages may have been missed" in n.text]
    assert len(missed) == 1, notices
    assert missed[0].text.startswith("YouTube: YouTube no longer accepts the saved chat position")
    assert missed[0].level == "warning"
