"""Google's token endpoint failing while the hourly access token is refreshed mid-show: trouble
that waiting fixes, never a reason to stop YouTube or to lose a host's action."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.youtube.show import Running, start_show
from fakes.youtube_server import FakeYouTube, TokenTrouble
from stagehand.domain import Comment, ModerationKind
from stagehand.platform import ConnectionState


async def _viewer_comment(show: Running, text: str) -> Comment:
    show.fake.say(text)
    await show.wait_for(lambda: any(c.text == text for c in show.comments()))
    return next(c for c in show.comments() if c.text == text)


def _expire_access_token(show: Running) -> None:
    """The hour is up: YouTube answers the current access token with 401 from now on."""
    link = show.adapter.connection.link
    assert link is not None
    show.fake.expire(link.client.creds.access_token)


@pytest.mark.parametrize(
    ("status", "answer", "said"),
    [
        (503, "json", "answered 503 internal_failure Backend Error"),
        (502, "page", "answered 502"),  # a proxy's HTML page, not Google's JSON
        (429, "json", "answered 429"),
    ],
    ids=["503", "502-html", "429"],
)
async def test_a_token_endpoint_failure_mid_show_is_retried_and_chat_goes_on(
    fake: FakeYouTube, tmp_path: Path, status: int, answer: TokenTrouble, said: str
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        fake.say("before the refresh")
        await show.wait_for_comments(1)
        fake.fail_next_token(status, answer=answer)
        _expire_access_token(show)
        await fake.wait_for(lambda: ("refresh_token", status) in fake.token_requests)
        fake.say("after Google's hiccup")
        await show.wait_for_comments(2)
    finally:
        await show.stop()
    assert [c.text for c in show.comments()] == ["before the refresh", "after Google's hiccup"]
    states = show.states()
    assert ConnectionState.FAILED.value not in [s for s, _ in states], states
    [retry] = [d for s, d in states if s == ConnectionState.RECONNECTING.value]
    assert retry.startswith("could not refresh the YouTube access token: Google's token endpoint")
    assert said in retry and "retrying in 0.05 s" in retry
    assert "stagehand auth youtube" not in retry  # the authorization is fine
    # The next try refreshed with the same refresh token, and stored what Google gave.
    assert [s for grant, s in fake.token_requests if grant == "refresh_token"] == [status, 200]
    stored = show.store.get("youtube")
    assert fake.tokens[stored["access_token"]].expired is False


async def test_a_reply_while_the_token_endpoint_fails_is_a_failed_action_to_try_again(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    fake.stream_seconds = 30  # one long read: only the reply needs a fresh token
    show = await start_show(fake, tmp_path)
    try:
        comment = await _viewer_comment(show, "which oscillator is that?")
        _expire_access_token(show)
        fake.fail_next_token(503)
        first = await show.live.reply(comment, "a Juno-106 DCO")
        again = await show.live.reply(comment, "a Juno-106 DCO")
    finally:
        await show.stop()
    assert not first.ok and first.retry, first
    assert first.message.startswith("YouTube chat: could not refresh the YouTube access token")
    assert "503" in first.message and "stagehand auth youtube" not in first.for_host
    assert again.ok, again.message
    [sent] = fake.posted()
    assert sent.body["snippet"]["textMessageDetails"]["messageText"] == "@SynthFan a Juno-106 DCO"
    assert ConnectionState.FAILED.value not in [s for s, _ in show.states()]


@pytest.mark.parametrize("kind", [ModerationKind.DELETE, ModerationKind.BAN])
async def test_moderating_while_the_network_to_google_drops_is_a_failed_action_to_try_again(
    fake: FakeYouTube, tmp_path: Path, kind: ModerationKind
) -> None:
    fake.stream_seconds = 30
    show = await start_show(fake, tmp_path)
    try:
        spam = await _viewer_comment(show, "cheap subs here")
        _expire_access_token(show)
        fake.fail_next_token(answer="drop")
        first = await show.live.moderate(spam, kind)
        again = await show.live.moderate(spam, kind)
    finally:
        await show.stop()
    assert not first.ok and first.retry, first
    assert first.message.startswith("YouTube moderation: network error"), first.message
    assert again.ok, again.message
    done = "liveChatMessages.delete" if kind is ModerationKind.DELETE else "liveChatBans.insert"
    # Each try met the expired token first (401, free); only the second reached YouTube.
    assert [c.status for c in fake.calls_of(done)] == [401, 401, 200]
