"""`stagehand auth twitch` against the fake Twitch: the browser round trip, scopes, storage."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
import twitchio.http
from click.testing import CliRunner
from twitchio.eventsub import websockets

from fakes.twitch_server import BOT, BROADCASTER, CLIENT_ID, CLIENT_SECRET, FakeTwitch
from stagehand.adapters.twitch.auth import AuthFailed, Prompts, run_auth_flow
from stagehand.adapters.twitch.cli import auth_twitch
from stagehand.adapters.twitch.credentials import TwitchCredentials
from stagehand.adapters.twitch.scopes import bot_scopes, broadcaster_scopes
from stagehand.adapters.twitch.settings import TwitchSettings
from stagehand.tokens import TokenStore


@pytest.fixture
async def fake(monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[FakeTwitch]:
    monkeypatch.setattr(twitchio.http.Route, "BASE", twitchio.http.Route.BASE)
    monkeypatch.setattr(twitchio.http.Route, "ID_BASE", twitchio.http.Route.ID_BASE)
    monkeypatch.setattr(websockets, "WSS", websockets.WSS)
    server = await FakeTwitch().start()
    yield server
    await server.stop()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Stands in for the user's browser: logs in as the next account and follows redirects."""

    def __init__(self, fake: FakeTwitch, accounts: list[str]) -> None:
        self.fake = fake
        self.accounts = accounts
        self.visited: list[str] = []

    async def open(self, url: str) -> None:
        self.visited.append(url)
        self.fake.authorize_as = self.accounts.pop(0)
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            assert response.status == 200, await response.text()


def prompts_for(browser: Browser, *, separate: bool, said: list[str], asked: list) -> Prompts:
    answers = {"Client ID": CLIENT_ID, "Client Secret (not shown)": CLIENT_SECRET}

    def ask(question: str, hide: bool) -> str:
        asked.append((question, hide))
        return answers[question]

    return Prompts(echo=said.append, ask=ask, confirm=lambda _: separate, open_url=browser.open)


def settings_for(fake: FakeTwitch, **changes) -> TwitchSettings:
    return TwitchSettings(
        channel="twitchdev",
        oauth_url=fake.oauth_url,
        helix_url=fake.helix_url,
        redirect_uri=f"http://127.0.0.1:{free_port()}/oauth/callback",
        **changes,
    )


async def test_bot_and_broadcaster_authorize_with_exactly_the_needed_scopes(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    settings = settings_for(fake, guest_star=True)
    store = TokenStore(tmp_path / "config" / "tokens.json")
    browser = Browser(fake, [BOT["id"], BROADCASTER["id"]])
    said: list[str] = []
    asked: list = []
    creds = await run_auth_flow(
        settings, store, prompts_for(browser, separate=True, said=said, asked=asked)
    )

    assert asked == [("Client ID", False), ("Client Secret (not shown)", True)]
    assert any("dev.twitch.tv/console/apps/create" in line for line in said)
    assert any(settings.redirect_uri in line for line in said)
    authorize = fake.requests_to("GET", "oauth2/authorize")
    assert [r.query["scope"].split() for r in authorize] == [
        list(bot_scopes(settings)),
        list(broadcaster_scopes(settings)),
    ]
    assert all(r.query["force_verify"] == "true" for r in authorize)

    stored = TwitchCredentials.load(store)
    assert stored == creds
    assert stored.bot and stored.bot.login == BOT["login"] and stored.bot.user_id == BOT["id"]
    assert stored.broadcaster and stored.broadcaster.login == BROADCASTER["login"]
    assert stored.broadcaster.access_token in fake.tokens
    assert "channel:manage:guest_star" in stored.broadcaster.scopes
    assert os.stat(store.path).st_mode & 0o777 == 0o600
    assert not (Path.cwd() / ".tio.tokens.json").exists()
    output = "\n".join(said)
    for secret in (CLIENT_SECRET, stored.bot.access_token, stored.bot.refresh_token):
        assert secret not in output


async def test_a_broadcaster_who_is_the_bot_authorizes_once(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    store = TokenStore(tmp_path / "tokens.json")
    browser = Browser(fake, [BROADCASTER["id"]])
    asked: list = []
    creds = await run_auth_flow(
        settings, store, prompts_for(browser, separate=False, said=[], asked=asked)
    )
    assert asked == []  # id and secret came from the config
    [authorize] = fake.requests_to("GET", "oauth2/authorize")
    assert set(authorize.query["scope"].split()) == {
        *bot_scopes(settings),
        *broadcaster_scopes(settings),
    }
    assert creds.bot == creds.broadcaster
    assert creds.bot and creds.bot.login == "twitchdev"


async def test_logging_in_as_the_wrong_account_is_refused(fake: FakeTwitch, tmp_path: Path) -> None:
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    store = TokenStore(tmp_path / "tokens.json")
    browser = Browser(fake, [BOT["id"]])  # the user stayed logged in as the bot
    with pytest.raises(
        AuthFailed, match="authorized as stagehandbot, but \\[twitch\\] channel is twitchdev"
    ):
        await run_auth_flow(
            settings, store, prompts_for(browser, separate=False, said=[], asked=[])
        )
    assert not store.path.exists()


def test_the_command_has_help() -> None:
    result = CliRunner().invoke(auth_twitch, ["--help"])
    assert result.exit_code == 0
    assert "the bot and the broadcaster" in " ".join(result.output.split())
