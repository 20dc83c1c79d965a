"""The fixtures that start the fake platforms, defined once for every test.

Registered in tests/conftest.py (`pytest_plugins`), so any test asks for them by name:

- `fake_twitch`: the fake Twitch (OAuth, Helix, EventSub) on 127.0.0.1, with twitchio's
  process-wide URLs put back afterwards (`twitchio_urls`: the adapter repoints them);
- `fake_discord`: the fake Discord (REST and gateway) on 127.0.0.1;
- `fake_obs`: a fake OBS Studio (obs-websocket 5) on 127.0.0.1, with a password;
- `fake_youtube`: the fake YouTube (Data API live chat, Google OAuth) on 127.0.0.1, its streams
  closed after `YOUTUBE_STREAM_SECONDS` instead of YouTube's ~10 s;
- `twitch_capture`, `discord_payloads`: the real payloads from ../shared/data, or a skip when
  they are absent (the fakes build their chat from them).

Where a folder of tests calls a fake just `fake`, its conftest.py says which one it means.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import twitchio.http
from twitchio.eventsub import websockets

from fakes.discord_server import FakeDiscord, payloads_available
from fakes.obs_server import FakeObs
from fakes.twitch_server import FakeTwitch, load_capture
from fakes.youtube_server import FakeYouTube

#: Fast enough for tests, slow enough not to flood: twitchio only needs one every 10 s.
KEEPALIVE_SECONDS = 0.5
#: YouTube closes each stream after about 10 s; tests need many closes, quickly.
YOUTUBE_STREAM_SECONDS = 0.4


@pytest.fixture(scope="session")
def twitch_capture() -> dict[str, Any]:
    """The real `channel.chat.message` capture every fake Twitch chat event is built from."""
    try:
        return load_capture()
    except FileNotFoundError:
        pytest.skip("the real Twitch payload is absent (../shared/data/platform-payloads)")


@pytest.fixture(scope="session")
def discord_payloads() -> None:
    """The real Discord messages (the docs example and a capture) some tests replay."""
    if not payloads_available():
        pytest.skip("real Discord payloads not found in ../shared/data/platform-payloads")


@pytest.fixture
def twitchio_urls(monkeypatch: pytest.MonkeyPatch) -> None:
    """The adapter repoints twitchio's process-wide URLs; put them back after each test."""
    monkeypatch.setattr(twitchio.http.Route, "BASE", twitchio.http.Route.BASE)
    monkeypatch.setattr(twitchio.http.Route, "ID_BASE", twitchio.http.Route.ID_BASE)
    monkeypatch.setattr(websockets, "WSS", websockets.WSS)


@pytest.fixture
async def fake_twitch(twitchio_urls: None) -> AsyncIterator[FakeTwitch]:
    server = await FakeTwitch(keepalive_seconds=KEEPALIVE_SECONDS).start()
    yield server
    await server.stop()


@pytest.fixture
async def fake_discord() -> AsyncIterator[FakeDiscord]:
    async with FakeDiscord() as server:
        yield server


@pytest.fixture
async def fake_obs() -> AsyncIterator[FakeObs]:
    server = await FakeObs().start()
    yield server
    await server.stop()


@pytest.fixture
async def fake_youtube() -> AsyncIterator[FakeYouTube]:
    server = await FakeYouTube(stream_seconds=YOUTUBE_STREAM_SECONDS).start()
    yield server
    await server.stop()
