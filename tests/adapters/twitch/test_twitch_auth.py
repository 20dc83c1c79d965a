"""`stagehand auth twitch` against the fake Twitch: the browser round trip, scopes, storage."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pty
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
from stagehand.config import load_settings
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


async def test_after_only_the_bot_token_was_revoked_only_the_bot_logs_in_again(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """doctor names only the bot; running the command again asks for the bot's login alone
    while the stored broadcaster authorization still holds (no second login mid-show)."""
    settings = settings_for(fake)
    store = TokenStore(tmp_path / "config" / "tokens.json")
    said: list[str] = []
    first = await run_auth_flow(
        settings,
        store,
        prompts_for(Browser(fake, [BOT["id"], BROADCASTER["id"]]), separate=True, said=said,
                    asked=[]),
    )  # fmt: skip
    fake.revoke(BOT["id"])
    browser = Browser(fake, [BOT["id"]])  # the host logs in once, as the bot
    said.clear()
    again = await run_auth_flow(
        settings, store, prompts_for(browser, separate=True, said=said, asked=[])
    )
    assert len(browser.visited) == 1
    assert again.broadcaster == first.broadcaster
    assert again.bot is not None and again.bot.access_token != first.bot.access_token
    assert again.bot.access_token in fake.tokens
    assert TwitchCredentials.load(store) == again
    assert any("Step 2: skipped" in line for line in said), said
    # Once the broadcaster's is refused too, both log in again.
    fake.revoke(BROADCASTER["id"])
    both = Browser(fake, [BOT["id"], BROADCASTER["id"]])
    await run_auth_flow(settings, store, prompts_for(both, separate=True, said=[], asked=[]))
    assert len(both.visited) == 2


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


async def test_a_refused_secret_stops_before_the_browser(
    fake: FakeTwitch, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret="not-the-secret-0123456")
    browser = Browser(fake, [BROADCASTER["id"]])
    prompts = prompts_for(browser, separate=False, said=[], asked=[])
    with pytest.raises(AuthFailed) as failure:
        await run_auth_flow(settings, TokenStore(tmp_path / "tokens.json"), prompts)
    message = str(failure.value)
    assert "Twitch refused the client id and secret (403 invalid client secret)" in message
    # where the refused secret came from: the config, not a variable that was never set
    assert "the secret from the config ([twitch] client_secret)" in message
    assert "STAGEHAND_TWITCH_CLIENT_SECRET" not in message
    assert "not-the-secret" not in message
    assert browser.visited == []
    config = tmp_path / "stagehand.toml"
    config.write_text(f'[twitch]\nchannel = "twitchdev"\nclient_id = "{CLIENT_ID}"\n', "utf-8")
    monkeypatch.setenv("STAGEHAND_TWITCH_CLIENT_SECRET", "not-the-secret-0123456")
    from_env = load_settings(config).twitch.model_copy(
        update={"oauth_url": fake.oauth_url, "helix_url": fake.helix_url}
    )
    with pytest.raises(AuthFailed) as failure:
        await run_auth_flow(from_env, TokenStore(tmp_path / "tokens.json"), prompts)
    assert "the secret from the environment (STAGEHAND_TWITCH_CLIENT_SECRET)" in str(failure.value)
    # the client id's source named as every config problem is: the key and the file
    assert f"the client id came from the config ([twitch] client_id in {config})" in str(
        failure.value
    )
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


# -- a mistake at a terminal is asked again; from a script it ends the run --------------------


def interactive_prompts(browser: Browser, answers: dict[str, list[str]], said: list[str]):
    asked: list[str] = []

    def ask(question: str, hide: bool) -> str:
        asked.append(question)
        return answers[question].pop(0)

    prompts = Prompts(
        echo=said.append,
        ask=ask,
        confirm=lambda _: True,
        open_url=browser.open,
        interactive=True,
    )
    return prompts, asked


async def test_a_secret_typed_wrong_is_asked_again_and_blamed_on_the_typing(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """The client id in the config, the secret typed: a typo said the secret came from
    STAGEHAND_TWITCH_CLIENT_SECRET (never set) and ended the walk-through."""
    settings = settings_for(fake, client_id=CLIENT_ID)
    browser = Browser(fake, [BOT["id"], BROADCASTER["id"]])
    said: list[str] = []
    secrets = ["wrong-secret-typed-here", CLIENT_SECRET]
    prompts, asked = interactive_prompts(browser, {"Client Secret (not shown)": secrets}, said)
    store = TokenStore(tmp_path / "tokens.json")
    creds = await run_auth_flow(settings, store, prompts)
    assert asked == ["Client Secret (not shown)", "Client Secret (not shown)"]
    [refused] = [line for line in said if line.startswith("Twitch refused")]
    assert "the client id came from the config ([twitch] client_id)" in refused
    assert "the secret from what you typed" in refused
    assert "STAGEHAND_TWITCH_CLIENT_SECRET" not in refused and "wrong-secret" not in refused
    assert TwitchCredentials.load(store) == creds and creds.client_secret == CLIENT_SECRET


async def test_the_broadcaster_at_the_bot_step_is_asked_again_not_the_end(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """Logging in as the broadcaster when the bot was asked for threw away the secret typed
    and every step before."""
    settings = settings_for(fake)
    browser = Browser(fake, [BROADCASTER["id"], BOT["id"], BOT["id"], BROADCASTER["id"]])
    said: list[str] = []
    answers = {"Client ID": [CLIENT_ID], "Client Secret (not shown)": [CLIENT_SECRET]}
    prompts, asked = interactive_prompts(browser, answers, said)
    store = TokenStore(tmp_path / "tokens.json")
    creds = await run_auth_flow(settings, store, prompts)
    assert asked == ["Client ID", "Client Secret (not shown)"]  # typed once
    assert len(browser.visited) == 4
    assert (
        "   Not stored: that was twitchdev itself: log in as the bot account instead."
        in " ".join(said)
    )
    assert any("authorized as stagehandbot, but [twitch] channel is twitchdev" in s for s in said)
    stored = TwitchCredentials.load(store)
    assert stored == creds and stored.bot and stored.bot.login == BOT["login"]
    assert stored.broadcaster and stored.broadcaster.login == BROADCASTER["login"]


async def test_a_channel_typed_wrong_is_asked_again(fake: FakeTwitch, tmp_path: Path) -> None:
    settings = settings_for(fake, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    settings = settings.model_copy(update={"channel": ""})
    browser = Browser(fake, [BOT["id"], BROADCASTER["id"]])
    said: list[str] = []
    channel = "Your Twitch channel (its login, as in twitch.tv/<login>)"
    prompts, asked = interactive_prompts(
        browser, {channel: ["not a login", "twitchdevv", "twitchdev"]}, said
    )
    creds = await run_auth_flow(settings, TokenStore(tmp_path / "tokens.json"), prompts)
    assert asked == [channel] * 3
    assert (
        "'not a login' is not a Twitch login (letters, digits and _, at most 25). Once more:"
        in said
    )
    assert "Twitch has no channel named 'twitchdevv'. Once more:" in said
    assert creds.broadcaster and creds.broadcaster.login == "twitchdev"
    assert said[-1] == 'Put the channel in your config too: under [twitch], channel = "twitchdev"'


def _auth_config(tmp_path: Path, fake: FakeTwitch) -> Path:
    config = tmp_path / "stagehand.toml"
    config.write_text(
        "[twitch]\n"
        'channel = "twitchdev"\n'
        f'client_id = "{CLIENT_ID}"\n'
        f'oauth_url = "{fake.oauth_url}"\n'
        f'helix_url = "{fake.helix_url}"\n'
        f'redirect_uri = "http://127.0.0.1:{free_port()}/oauth/callback"\n',
        encoding="utf-8",
    )
    return config


async def test_from_a_script_a_wrong_secret_is_one_error_line(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "STAGEHAND_TOKEN_FILE": str(tmp_path / "tokens.json"),
        "BROWSER": "true",
    }
    env.pop("STAGEHAND_TWITCH_CLIENT_SECRET", None)
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "stagehand", "auth", "twitch", "-c"),
        str(_auth_config(tmp_path, fake)),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=env,
        start_new_session=True,  # no terminal to ask at: the answer is piped in
    )
    out, err = await asyncio.wait_for(process.communicate(b"wrong-secret-piped\n"), 60)
    assert process.returncode == 2, err
    said = out.decode() + err.decode()
    [line] = [line for line in said.splitlines() if line.startswith("Error:")]
    assert line == err.decode().strip().splitlines()[-1]
    assert line.startswith("Error: Twitch refused the client id and secret"), line
    assert "the secret from what you typed" in line and "wrong-secret" not in said
    assert said.count("Client Secret (not shown)") == 1  # asked once: nobody to ask again
    assert "Traceback" not in said
    assert not (tmp_path / "tokens.json").exists()


async def test_at_a_terminal_a_wrong_secret_is_asked_again(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """The command as a host types it: a terminal (a pty), a typo, then the right secret."""
    master, slave = pty.openpty()
    env = {**os.environ, "STAGEHAND_TOKEN_FILE": str(tmp_path / "tokens.json"), "BROWSER": "true"}
    env.pop("STAGEHAND_TWITCH_CLIENT_SECRET", None)
    process = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "stagehand", "auth", "twitch", "-c"),
        str(_auth_config(tmp_path, fake)),
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    screen = Screen(master)
    try:
        await screen.answer("Client Secret (not shown): ", "wrong-secret-typed")
        await screen.answer("Client Secret (not shown): ", CLIENT_SECRET)
        await screen.answer("[y/N]: ", "n")
        url = await screen.line_after("If no browser opens, visit:")
        await Browser(fake, [BROADCASTER["id"]]).open(url)
        assert await asyncio.wait_for(process.wait(), 30) == 0, screen.text
    finally:
        if process.returncode is None:
            process.kill()
        screen.close()
    assert "the secret from what you typed" in screen.text
    assert "wrong-secret" not in screen.text and CLIENT_SECRET not in screen.text
    assert "Saved to" in screen.text
    assert TwitchCredentials.load(TokenStore(tmp_path / "tokens.json")).client_secret == (
        CLIENT_SECRET
    )


class Screen:
    """What a terminal (a pty's master side) shows, and typing into it."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.text = ""
        self.seen = 0  # how far the prompts answered so far reach
        self.changed = asyncio.Event()
        asyncio.get_running_loop().add_reader(master, self._read)

    def _read(self) -> None:
        try:
            data = os.read(self.master, 4096)
        except OSError:
            data = b""
        if not data:
            asyncio.get_running_loop().remove_reader(self.master)
        self.text += data.decode(errors="replace").replace("\r\n", "\n")
        self.changed.set()

    async def _until(self, found, timeout: float = 30) -> int:
        async def wait() -> int:
            while (at := found()) < 0:
                self.changed.clear()
                await self.changed.wait()
            return at

        return await asyncio.wait_for(wait(), timeout)

    async def answer(self, prompt: str, typed: str) -> None:
        at = await self._until(lambda: self.text.find(prompt, self.seen))
        self.seen = at + len(prompt)
        os.write(self.master, typed.encode() + b"\n")

    async def line_after(self, marker: str) -> str:
        await self._until(
            lambda: -1 if "\n" not in self.text.partition(marker)[2].lstrip("\n") else 0
        )
        return self.text.partition(marker)[2].split()[0]

    def close(self) -> None:
        with contextlib.suppress(ValueError, OSError):
            asyncio.get_running_loop().remove_reader(self.master)
        os.close(self.master)
