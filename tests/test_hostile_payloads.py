"""Property test: arbitrary platform payload shapes, sent over the wire to the real adapters.

The real twitchio and discord.py clients run against the fakes on a background event loop,
feeding a real LiveShow and SQLite file. Hypothesis mutates the real payloads (keys dropped,
values swapped for arbitrary JSON, hostile text); after each batch a well-formed message must
still arrive: nothing crashed, the connection is alive, and what was stored is what was sent.
"""

from __future__ import annotations

import asyncio
import copy
import sqlite3
import threading
from collections.abc import Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fakes.discord_server import FakeDiscord, adapter_settings
from fakes.twitch_server import (
    FakeTwitch,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.discord.adapter import DiscordAdapter
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.config import Settings
from stagehand.sanitize import has_control_characters
from stagehand.session import open_show

JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
HOSTILE = st.sampled_from(
    [
        "\x1b[2J",
        "\x1b]52;c;eA==\x07",
        "[@click=app.quit]x[/]",
        "\u202eevil",
        "Z\u0300\u0301\u0302" * 20,
        "x" * 5000,
        "",
        "\x00",
        "[b]",
    ]
)


def mutate(payload: dict[str, Any], changes: list[tuple[str, Any]]) -> dict[str, Any]:
    """Drop or replace keys of the payload: `("-", key)` drops, `(key, value)` replaces."""
    mutated = copy.deepcopy(payload)
    keys = sorted(mutated)
    for key, value in changes:
        if not keys:
            break
        if key == "-":
            mutated.pop(keys[hash(str(value)) % len(keys)], None)
        else:
            mutated[keys[hash(key) % len(keys)]] = value
    return mutated


CHANGES = st.lists(
    st.tuples(st.sampled_from(["-", "a", "b", "c", "d"]), JSON | HOSTILE), max_size=4
)


class BackgroundShow:
    """Both real adapters, against both fakes, feeding one LiveShow, on a loop in a thread."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.sent_texts: dict[str, str] = {}

    def call(self, coroutine: Any, timeout: float = 20.0) -> Any:
        future: Future = asyncio.run_coroutine_threadsafe(coroutine, self.loop)
        return future.result(timeout)

    def start(self) -> None:
        self.thread.start()
        self.call(self._start())

    async def _start(self) -> None:
        self.twitch = await FakeTwitch(keepalive_seconds=0.5).start()
        self.discord = FakeDiscord()
        await self.discord.__aenter__()
        tokens, _, _ = store_credentials(self.twitch, self.tmp / "tokens.json")
        self.live = open_show(
            Settings(),
            db_path=self.tmp / "payloads.db",
            show_name="p",
            adapters=[
                TwitchAdapter(settings_for(self.twitch), tokens),
                DiscordAdapter(adapter_settings(self.discord), tokens, guild_ready_timeout=0.05),
            ],
            commands=False,
        )
        self.live.start_segment("Anything", ["synth"])
        self.running = asyncio.ensure_future(self.live.run_adapters())
        await self.twitch.wait_for_subscriptions(1)
        async with asyncio.timeout(10):
            while self.live.connections.get("discord", (None,))[0] != "connected":
                await asyncio.sleep(0.02)

    def stop(self) -> None:
        self.call(self._stop())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(5)

    async def _stop(self) -> None:
        await self.live.close()
        self.running.cancel()
        await asyncio.gather(self.running, return_exceptions=True)
        await self.discord.__aexit__(None, None, None)
        await self.twitch.stop()

    def stored(self, message_id: str) -> tuple[str, str] | None:
        assert self.live.flush(10)
        conn = sqlite3.connect(self.tmp / "payloads.db")
        try:
            return conn.execute(
                "SELECT original_text, text FROM comments WHERE message_id = ?", (message_id,)
            ).fetchone()
        finally:
            conn.close()

    async def wait_stored(self, message_id: str) -> None:
        async with asyncio.timeout(10):
            while self.live.find_comment(None, message_id) is None:
                await asyncio.sleep(0.01)


@pytest.fixture(scope="module")
def show(
    discord_payloads: None, twitch_capture: dict, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[BackgroundShow]:
    running = BackgroundShow(tmp_path_factory.mktemp("payloads"))
    running.start()
    yield running
    running.stop()


_counter = iter(range(10**9))


@given(changes=CHANGES, text=HOSTILE | st.text(max_size=60))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_twitch_survives_any_event_shape(show: BackgroundShow, changes, text) -> None:
    n = next(_counter)
    event = mutate(chat_event(message_id=f"bad-{n}", text=text), changes)
    show.call(show.twitch.send_chat(event))
    good_id = f"good-tw-{n}"
    show.call(show.twitch.send_chat(chat_event(message_id=good_id, text=text)))
    show.call(show.wait_stored(good_id))
    original, shown = show.stored(good_id)
    assert original == text
    assert not has_control_characters(shown)


@given(changes=CHANGES, text=HOSTILE | st.text(max_size=60))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_discord_survives_any_message_shape(show: BackgroundShow, changes, text) -> None:
    data = mutate(show.discord.message(content=text), changes)
    show.call(show.discord.dispatch("MESSAGE_CREATE", data))
    # A blank message (no text, no attachment) is skipped on purpose: Discord sends those for
    # embeds and system events. The good message after the bad one needs something to say.
    content = text if text.strip() else "still here"
    good = show.discord.message(content=content)
    show.call(show.discord.dispatch("MESSAGE_CREATE", good))
    show.call(show.wait_stored(good["id"]))
    original, shown = show.stored(good["id"])
    assert original == content
    assert not has_control_characters(shown)
