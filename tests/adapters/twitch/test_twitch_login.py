"""Logging a session in: id.twitch.tv failing to answer is not Twitch refusing a token.

twitchio 3.3.2 reports any HTTP error while it validates or refreshes a user token as an
invalid token. A 5xx there (or a 429, or a proxy's error page) says nothing about the token:
the adapter retries with backoff, at start and on every new session mid-show, and keeps
"run stagehand auth twitch" for Twitch's real refusals.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from fakes.twitch_server import (
    FakeTwitch,
    RecordedRequest,
    RecordingSink,
    Token,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.adapters.twitch.credentials import TwitchCredentials
from stagehand.platform import ConnectionState
from stagehand.tokens import TokenStore


def made_with(token: Token):
    """A `fail_next(when=...)` test: the request carries `token`'s access token."""

    def test(request: web.Request) -> bool:
        return token.access in request.headers.get("Authorization", "")

    return test


def refreshing(request: web.Request) -> bool:
    return request.query.get("grant_type") == "refresh_token"


def refreshing_query(request: RecordedRequest) -> bool:
    return request.query.get("grant_type") == "refresh_token"


async def connect(fake: FakeTwitch, store: TokenStore) -> tuple[TwitchAdapter, RecordingSink]:
    adapter = TwitchAdapter(settings_for(fake), store)
    sink = RecordingSink()
    adapter._run_task = asyncio.create_task(adapter.run(sink))  # type: ignore[attr-defined]
    return adapter, sink


async def disconnect(adapter: TwitchAdapter) -> None:
    await adapter.close()
    async with asyncio.timeout(5):
        await adapter._run_task  # type: ignore[attr-defined]


def waits(sink: RecordingSink) -> list[str]:
    return [detail for state, detail in sink.states if state is ConnectionState.RECONNECTING]


async def test_a_5xx_while_checking_the_bot_token_at_start_is_retried(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    store, bot, _owner = store_credentials(fake, tmp_path / "tokens.json")
    fake.fail_next("GET", "oauth2/validate", 500, "Internal Server Error", when=made_with(bot))
    adapter, sink = await connect(fake, store)
    try:
        await fake.wait_for_subscriptions(1)
        await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
        await fake.send_chat(chat_event(message_id="after-the-hiccup"))
        [comment] = await sink.wait_for_comments(1)
    finally:
        await disconnect(adapter)
    assert comment.id == "after-the-hiccup"
    states = [state for state, _ in sink.states]
    assert states[:3] == [
        ConnectionState.CONNECTING,
        ConnectionState.RECONNECTING,
        ConnectionState.CONNECTED,
    ]
    assert ConnectionState.FAILED not in states
    [wait] = waits(sink)
    assert "login service answered 500 while checking stagehandbot's token" in wait
    assert "retrying in" in wait and "auth twitch" not in wait
    assert bot.access not in wait and bot.refresh not in wait


async def test_a_5xx_from_the_token_endpoint_while_refreshing_is_retried(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """The bot token has under an hour left, so twitchio refreshes it on connect; the token
    endpoint answers 502 once (twitchio itself retries only a 503, once)."""
    store, bot, _owner = store_credentials(fake, tmp_path / "tokens.json", bot_expires_in=600)
    fake.fail_next("POST", "oauth2/token", 502, "Bad Gateway", when=refreshing)
    adapter, sink = await connect(fake, store)
    try:
        await fake.wait_for_subscriptions(1)
        await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
    finally:
        await disconnect(adapter)
    [wait] = waits(sink)
    assert "answered 502 while refreshing stagehandbot's token" in wait
    assert ConnectionState.FAILED not in [state for state, _ in sink.states]
    stored = TwitchCredentials.load(store).bot
    assert stored is not None and stored.access_token != bot.access  # refreshed, on the retry


async def test_a_refreshed_token_is_kept_when_checking_it_fails(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """twitchio checks a refreshed token before it hands it over; when that check gets a 5xx,
    the new token must not be lost: the fake, like a public client's refresh, does not accept
    a refresh token twice."""
    store, bot, _owner = store_credentials(fake, tmp_path / "tokens.json", bot_expires_in=600)

    def the_new_bot_token(request: web.Request) -> bool:
        token = fake.tokens.get(request.headers.get("Authorization", "").removeprefix("OAuth "))
        return token is not None and token.user_id == bot.user_id and token.access != bot.access

    fake.fail_next("GET", "oauth2/validate", 500, "Internal Server Error", when=the_new_bot_token)
    adapter, sink = await connect(fake, store)
    try:
        await fake.wait_for_subscriptions(1)
        await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
    finally:
        await disconnect(adapter)
    assert ConnectionState.FAILED not in [state for state, _ in sink.states]
    refreshes = [r for r in fake.requests_to("POST", "oauth2/token") if refreshing_query(r)]
    assert len(refreshes) == 1  # the retry used the token the refresh gave
    stored = TwitchCredentials.load(store).bot
    assert stored is not None and stored.access_token in fake.tokens


async def test_a_5xx_when_a_new_session_logs_in_mid_show_is_retried(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """Mid-show, a dropped socket whose re-subscription fails is closed by Twitch (4003,
    connection unused); the adapter starts a new session, and id.twitch.tv has a hiccup then."""
    fake.unused_close_seconds = 0.5
    store, bot, _owner = store_credentials(fake, tmp_path / "tokens.json")
    adapter, sink = await connect(fake, store)
    try:
        await fake.wait_for_subscriptions(1)
        await fake.send_chat(chat_event(message_id="before"))
        await sink.wait_for_comments(1)
        fake.fail_next("POST", "eventsub/subscriptions", 500, "Internal Server Error")
        fake.fail_next("GET", "oauth2/validate", 503, "Service Unavailable", when=made_with(bot))
        fake.fail_next("GET", "oauth2/validate", 503, "Service Unavailable", when=made_with(bot))
        await fake.drop_connections()
        # twitchio retried the 503 once (5 subscriptions a session, chat first)
        await fake.wait_for_subscriptions(6, timeout=15)
        await fake.wait_for_chat(timeout=15)
        await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
        await fake.send_chat(chat_event(message_id="after"))
        comments = await sink.wait_for_comments(2)
    finally:
        await disconnect(adapter)
    assert [c.id for c in comments] == ["before", "after"]
    assert ConnectionState.FAILED not in [state for state, _ in sink.states]
    assert any("login service answered 503" in wait for wait in waits(sink))


def app_token_requests(fake: FakeTwitch) -> list[RecordedRequest]:
    return [
        r
        for r in fake.requests_to("POST", "oauth2/token")
        if r.query.get("grant_type") == "client_credentials"
    ]


async def test_a_wrong_client_secret_in_the_config_stops_twitch_naming_the_key(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """id.twitch.tv answers 403 "invalid client secret" before any user token is looked at:
    asking again gets the same answer, so Twitch stops at once with the setting to fix."""
    store, _bot, _owner = store_credentials(fake, tmp_path / "tokens.json")
    wrong = "notthesecret0123456789"
    adapter = TwitchAdapter(settings_for(fake, client_secret=SecretStr(wrong)), store)
    sink = RecordingSink()
    async with asyncio.timeout(5):
        await adapter.run(sink)  # returns: Twitch stopped for good
    state, detail = sink.states[-1]
    assert state is ConnectionState.FAILED
    assert "Twitch refused the app's client secret (403 invalid client secret)" in detail
    assert "[twitch] client_secret" in detail and "STAGEHAND_TWITCH_CLIENT_SECRET" in detail
    assert "https://dev.twitch.tv/console/apps" in detail
    assert wrong not in detail
    assert not waits(sink)  # never "retrying in ..."
    assert len(app_token_requests(fake)) == 1
    assert not fake.requests_to("GET", "oauth2/validate")  # no user token was tried


async def test_a_stored_client_secret_twitch_refuses_says_run_auth_again(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    store, _bot, _owner = store_credentials(fake, tmp_path / "tokens.json")
    creds = TwitchCredentials.load(store)
    TwitchCredentials(creds.client_id, "anoldsecret0123456789", creds.bot, creds.broadcaster).save(
        store
    )
    adapter = TwitchAdapter(settings_for(fake), store)
    sink = RecordingSink()
    async with asyncio.timeout(5):
        await adapter.run(sink)
    state, detail = sink.states[-1]
    assert state is ConnectionState.FAILED
    assert "403 invalid client secret" in detail
    assert "run `stagehand auth twitch`" in detail
    assert "anoldsecret" not in detail
    assert not waits(sink)


async def test_an_unknown_client_id_stops_twitch_naming_the_key(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    store, _bot, _owner = store_credentials(fake, tmp_path / "tokens.json")
    adapter = TwitchAdapter(settings_for(fake, client_id="nosuchclient0123456789"), store)
    sink = RecordingSink()
    async with asyncio.timeout(5):
        await adapter.run(sink)
    state, detail = sink.states[-1]
    assert state is ConnectionState.FAILED
    assert "400 invalid client" in detail and "[twitch] client_id" in detail
    assert not waits(sink)


async def test_a_5xx_while_fetching_the_app_token_is_retried(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    store, _bot, _owner = store_credentials(fake, tmp_path / "tokens.json")

    def app_token(request: web.Request) -> bool:
        return request.query.get("grant_type") == "client_credentials"

    fake.fail_next("POST", "oauth2/token", 502, "Bad Gateway", when=app_token)
    adapter, sink = await connect(fake, store)
    try:
        await fake.wait_for_subscriptions(1)
        await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
    finally:
        await disconnect(adapter)
    assert ConnectionState.FAILED not in [state for state, _ in sink.states]
    [wait] = waits(sink)
    assert "Twitch answered 502" in wait and "retrying in" in wait
    assert len(app_token_requests(fake)) == 2


class WritesSeen(TokenStore):
    """The real token file, with each bot token written to it noted in order."""

    def __init__(self, path: Path) -> None:
        super().__init__(path)
        self.bot_tokens_written: list[str] = []

    def set(self, name: str, value: Any) -> None:
        super().set(name, value)
        bot = TwitchCredentials.load(self).bot
        if bot is not None:
            self.bot_tokens_written.append(bot.access_token)


async def test_each_refresh_in_a_long_show_is_stored_once_as_twitch_hands_it_over(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """Two refreshes of the bot's token: one at start (it had under an hour left), one mid-show
    (Twitch stops accepting the new token: a 401, and twitchio refreshes with the refresh token
    the first refresh gave). Each new token reaches the token file once, the moment Twitch
    hands it over."""
    path = tmp_path / "tokens.json"
    store_credentials(fake, path, bot_expires_in=600)
    store = WritesSeen(path)
    adapter, sink = await connect(fake, store)
    try:
        await fake.wait_for_subscriptions(1)
        await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
        first = TwitchCredentials.load(store).bot
        assert first is not None
        fake.expire(first.access_token)
        result = await adapter.send("still here")
        assert result.ok, result.message
        await asyncio.sleep(0.2)  # twitchio's own token event has run by now
    finally:
        await disconnect(adapter)
    refreshes = [r for r in fake.requests_to("POST", "oauth2/token") if refreshing_query(r)]
    assert len(refreshes) == 2
    assert refreshes[1].query["refresh_token"] == first.refresh_token
    second = TwitchCredentials.load(store).bot
    assert second is not None and second.access_token in fake.tokens
    assert store.bot_tokens_written == [first.access_token, second.access_token]
