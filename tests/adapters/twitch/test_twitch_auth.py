"""`stagehand auth twitch` against the fake Twitch: the browser round trip, scopes, storage."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest
from click.testing import CliRunner

from fakes.twitch_server import BOT, BROADCASTER, CLIENT_ID, CLIENT_SECRET, FakeTwitch
from stagehand.adapters.twitch.auth import AuthFailed, Prompts, run_auth_flow
from stagehand.adapters.twitch.credentials import TwitchCredentials
from stagehand.adapters.twitch.scopes import bot_scopes, broadcaster_scopes
from stagehand.cli.auth import auth_twitch
from stagehand.config.twitch import TwitchSettings
from stagehand.tokens import TokenStore


@pytest.fixture
def fake(fake_twitch: FakeTwitch) -> FakeTwitch:
    """Authorizing sends no chat: the fake Twitch without the real capture."""
    return fake_twitch


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


# -- failures say what failed and what to do; the browser is told the truth ------------------


class CarefulBrowser(Browser):
    """Logs in, then stops at Twitch's redirect so the test can interfere before the callback."""

    def __init__(self, fake: FakeTwitch, accounts: list[str], before_callback) -> None:
        super().__init__(fake, accounts)
        self.before_callback = before_callback
        self.pages: list[str] = []

    async def open(self, url: str) -> None:
        self.visited.append(url)
        self.fake.authorize_as = self.accounts.pop(0)
        async with aiohttp.ClientSession() as session:
            async with session.get(url, allow_redirects=False) as response:
                callback = response.headers["Location"]
            await self.before_callback()
            async with session.get(callback) as response:
                self.pages.append(await response.text())


async def test_the_page_says_authorized_only_once_the_tokens_are_in(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)

    async def code_expires() -> None:
        fake.codes.clear()  # Twitch will refuse to exchange it

    browser = CarefulBrowser(fake, [BROADCASTER["id"]], code_expires)
    prompts = prompts_for(browser, separate=False, said=[], asked=[])
    with pytest.raises(AuthFailed, match="Invalid authorization code"):
        await run_auth_flow(settings, TokenStore(tmp_path / "tokens.json"), prompts)
    [page] = browser.pages
    assert "authorized" not in page.replace("not authorized", "")
    assert "Invalid authorization code" in page and "terminal" in page

    good = CarefulBrowser(fake, [BROADCASTER["id"]], code_expires_never)
    creds = await run_auth_flow(
        settings,
        TokenStore(tmp_path / "tokens.json"),
        prompts_for(good, separate=False, said=[], asked=[]),
    )
    assert creds.broadcaster is not None
    assert good.pages == ["stagehand: authorized as twitchdev. You can close this tab."]


async def code_expires_never() -> None:
    return None


async def test_losing_the_network_mid_flow_is_one_clear_failure(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    browser = CarefulBrowser(fake, [BROADCASTER["id"]], fake.stop)  # Twitch is gone after login
    prompts = prompts_for(browser, separate=False, said=[], asked=[])
    with pytest.raises(AuthFailed, match=r"cannot reach Twitch .*check the network"):
        await run_auth_flow(settings, TokenStore(tmp_path / "tokens.json"), prompts)
    assert "not authorized" in browser.pages[0]


async def test_the_channel_is_asked_first_and_checked_with_twitch(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    settings = settings_for(fake).model_copy(update={"channel": ""})
    asked: list = []
    browser = Browser(fake, [BROADCASTER["id"]])
    answers = {"Your Twitch channel": "nosuchchannel", "Client ID": CLIENT_ID}
    answers["Client Secret (not shown)"] = CLIENT_SECRET

    def ask(question: str, hide: bool) -> str:
        asked.append(question)
        return answers[next(key for key in answers if question.startswith(key))]

    prompts = Prompts(echo=lambda _: None, ask=ask, confirm=lambda _: False, open_url=browser.open)
    with pytest.raises(AuthFailed, match="Twitch has no channel named 'nosuchchannel'"):
        await run_auth_flow(settings, TokenStore(tmp_path / "tokens.json"), prompts)
    assert asked[0].startswith("Your Twitch channel") and asked[1:] == [
        "Client ID",
        "Client Secret (not shown)",
    ]
    assert browser.visited == []  # found out before anyone logged in anywhere


async def test_a_refused_secret_stops_before_the_browser(fake: FakeTwitch, tmp_path: Path) -> None:
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret="not-the-secret-0123456")
    browser = Browser(fake, [BROADCASTER["id"]])
    prompts = prompts_for(browser, separate=False, said=[], asked=[])
    with pytest.raises(AuthFailed) as failure:
        await run_auth_flow(settings, TokenStore(tmp_path / "tokens.json"), prompts)
    message = str(failure.value)
    assert "Twitch refused the client id and secret (403 invalid client secret)" in message
    assert "STAGEHAND_TWITCH_CLIENT_SECRET" in message  # where the refused secret came from
    assert "not-the-secret" not in message
    assert browser.visited == []


async def test_the_output_explains_authorizing_without_a_browser(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    redirect = urlsplit(settings.redirect_uri)
    port = redirect.port
    said: list[str] = []
    browser = Browser(fake, [BROADCASTER["id"]])
    await run_auth_flow(
        settings,
        TokenStore(tmp_path / "tokens.json"),
        prompts_for(browser, separate=False, said=said, asked=[]),
    )
    output = "\n".join(said)
    assert browser.visited[0] in output  # the URL to open elsewhere
    assert f"ssh -L {port}:{redirect.hostname}:{port}" in output  # to where it listens


def test_the_command_without_network_fails_in_one_line(tmp_path: Path) -> None:
    closed = free_port()
    config = tmp_path / "stagehand.toml"
    config.write_text(
        "[twitch]\n"
        'channel = "twitchdev"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'oauth_url = "http://127.0.0.1:{closed}/oauth2/"\n'
        f'helix_url = "http://127.0.0.1:{closed}/helix/"\n',
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "STAGEHAND_TWITCH_CLIENT_SECRET": CLIENT_SECRET,
        "STAGEHAND_TOKEN_FILE": str(tmp_path / "tokens.json"),
        "BROWSER": "true",  # never open a real browser from a test
    }
    result = subprocess.run(
        [sys.executable, "-m", "stagehand", "auth", "twitch", "-c", str(config)],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 2, result.stderr  # a user error, like every command's
    assert "Traceback" not in result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: cannot reach Twitch") and "check the network" in line
    assert not (tmp_path / "tokens.json").exists()


async def test_the_authorization_code_never_reaches_a_log(
    fake: FakeTwitch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The browser's redirect carries the code (and the state) in its query: the one-shot
    server that catches it keeps no access log."""
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    browser = Browser(fake, [BROADCASTER["id"]])
    with caplog.at_level(logging.DEBUG):
        await run_auth_flow(
            settings,
            TokenStore(tmp_path / "tokens.json"),
            prompts_for(browser, separate=False, said=[], asked=[]),
        )
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "code=" not in logged and "state=" not in logged
