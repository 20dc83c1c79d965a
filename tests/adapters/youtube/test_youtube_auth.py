"""`stagehand auth youtube` against the fake Google: the loopback round trip, PKCE, storage."""

from __future__ import annotations

import os
import socket
import stat
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import aiohttp
import pytest

from fakes.youtube_server import (
    CLIENT_ID,
    CLIENT_SECRET,
    SCOPE_READONLY,
    FakeYouTube,
    settings_for,
)
from stagehand.adapters.youtube.auth import AuthFailed, Prompts, run_auth_flow
from stagehand.adapters.youtube.credentials import SCOPE_FORCE_SSL, YouTubeCredentials
from stagehand.tokens import TokenStore


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Browser:
    """Stands in for the user's browser: opens Google's page and follows its redirect."""

    def __init__(self) -> None:
        self.visited: list[str] = []
        self.page = ""

    async def open(self, url: str) -> None:
        self.visited.append(url)
        async with aiohttp.ClientSession() as session, session.get(url) as response:
            self.page = await response.text()


def prompts(browser: Browser, said: list[str], asked: list[tuple[str, bool]]) -> Prompts:
    answers = {"Client ID": CLIENT_ID, "Client secret (not shown)": CLIENT_SECRET}

    def ask(question: str, hide: bool) -> str:
        asked.append((question, hide))
        return answers[question]

    return Prompts(echo=said.append, ask=ask, open_url=browser.open)


async def test_the_loopback_flow_stores_owner_only_tokens_and_asks_for_force_ssl(
    fake_youtube: FakeYouTube, tmp_path: Path
) -> None:
    settings = settings_for(fake_youtube, redirect_uri=f"http://127.0.0.1:{free_port()}/")
    store = TokenStore(tmp_path / "tokens.json")
    browser, said, asked = Browser(), [], []
    creds = await run_auth_flow(settings, store, prompts(browser, said, asked))

    assert asked == [("Client ID", False), ("Client secret (not shown)", True)]
    [url] = browser.visited
    query = parse_qs(urlsplit(url).query)
    assert query["scope"] == [SCOPE_FORCE_SSL]
    assert query["code_challenge_method"] == ["S256"]
    assert query["access_type"] == ["offline"]
    assert query["redirect_uri"] == [settings.redirect_uri]
    assert browser.page == "stagehand: authorized. You can close this tab."
    stored = YouTubeCredentials.load(store)
    assert stored == creds
    assert (stored.client_id, stored.client_secret) == (CLIENT_ID, CLIENT_SECRET)
    assert fake_youtube.tokens[stored.access_token].scopes == [SCOPE_FORCE_SSL]
    assert stored.refresh_token
    assert stat.S_IMODE(os.stat(store.path).st_mode) == 0o600
    text = "\n".join(said)
    assert said[-1] == "Next: check with `stagehand doctor`."  # [youtube] enabled already
    assert "ssh -L" in text and "console.cloud.google.com" in text
    assert stored.access_token not in text and CLIENT_SECRET not in text
    assert fake_youtube.charged == 0  # authorizing costs no quota


async def test_a_read_only_show_asks_only_for_youtube_readonly(
    fake_youtube: FakeYouTube, tmp_path: Path
) -> None:
    settings = settings_for(
        fake_youtube,
        read_only=True,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=f"http://127.0.0.1:{free_port()}/",
    )
    browser, said, asked = Browser(), [], []
    creds = await run_auth_flow(
        settings, TokenStore(tmp_path / "t.json"), prompts(browser, said, asked)
    )
    assert asked == []  # the config had the client
    assert said[-1] == "Next: check with `stagehand doctor`."
    assert parse_qs(urlsplit(browser.visited[0]).query)["scope"] == [SCOPE_READONLY]
    assert creds.scopes == (SCOPE_READONLY,)


async def test_a_wrong_client_secret_is_one_line_and_nothing_is_stored(
    fake_youtube: FakeYouTube, tmp_path: Path
) -> None:
    settings = settings_for(
        fake_youtube,
        client_id=CLIENT_ID,
        client_secret="GOCSPX-not-the-secret",
        redirect_uri=f"http://127.0.0.1:{free_port()}/",
    )
    store = TokenStore(tmp_path / "t.json")
    browser = Browser()
    with pytest.raises(AuthFailed) as failed:
        await run_auth_flow(settings, store, prompts(browser, [], []))
    assert "Google refused the OAuth client id or secret" in str(failed.value)
    assert "not authorized" in browser.page
    assert not store.path.exists()


async def test_a_redirect_that_is_not_loopback_is_refused_before_any_browser(
    fake_youtube: FakeYouTube, tmp_path: Path
) -> None:
    settings = settings_for(
        fake_youtube,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri="https://example.com/callback",
    )
    browser = Browser()
    with pytest.raises(AuthFailed, match="loopback"):
        await run_auth_flow(settings, TokenStore(tmp_path / "t.json"), prompts(browser, [], []))
    assert browser.visited == []


class StrayFirst(Browser):
    """Before the consent page answers: a stray request to the callback (`curl`, a port scan)
    and an old consent tab from an earlier run, with its own state and code."""

    def __init__(self, callback: str) -> None:
        super().__init__()
        self.callback = callback
        self.strays: list[tuple[int, str]] = []

    async def open(self, url: str) -> None:
        async with aiohttp.ClientSession() as session:
            for stray in (self.callback, f"{self.callback}?state=from-an-old-tab&code=old"):
                async with session.get(stray) as response:
                    self.strays.append((response.status, await response.text()))
        await super().open(url)


async def test_a_stray_request_to_the_callback_is_ignored_not_the_end(
    fake_youtube: FakeYouTube, tmp_path: Path
) -> None:
    """Any request to the callback ended the waiting command with "the state did not match"."""
    callback = f"http://127.0.0.1:{free_port()}/"
    settings = settings_for(
        fake_youtube, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, redirect_uri=callback
    )
    browser = StrayFirst(callback)
    store = TokenStore(tmp_path / "t.json")
    creds = await run_auth_flow(settings, store, prompts(browser, [], []))
    assert [status for status, _ in browser.strays] == [400, 400]
    assert all("it was ignored" in page for _, page in browser.strays)
    assert browser.page == "stagehand: authorized. You can close this tab."
    assert YouTubeCredentials.load(store) == creds
    assert fake_youtube.token_requests == [("authorization_code", 200)]  # one code exchanged


async def test_the_next_step_is_enabling_youtube_only_when_it_is_not(
    fake_youtube: FakeYouTube, tmp_path: Path
) -> None:
    settings = settings_for(
        fake_youtube,
        enabled=False,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        redirect_uri=f"http://127.0.0.1:{free_port()}/",
    )
    said: list[str] = []
    await run_auth_flow(settings, TokenStore(tmp_path / "t.json"), prompts(Browser(), said, []))
    assert said[-1] == "Next: set [youtube] enabled = true, then check with `stagehand doctor`."
