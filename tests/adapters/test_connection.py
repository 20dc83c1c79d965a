"""Every platform keeps its connection the same way (adapters/connection.py).

The real twitchio and discord.py clients against the fakes: refused twice at start-up, each
platform's status line says why and when it retries, with the same backoff, then connects;
while it is not connected, every host action gets that platform's one plain answer.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from fakes.discord_server import FakeDiscord, RecordingSink, adapter_settings
from fakes.twitch_server import FakeTwitch, settings_for, store_credentials
from stagehand.adapters.discord.adapter import DiscordAdapter
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.config.discord import DiscordSettings
from stagehand.config.twitch import TwitchSettings
from stagehand.domain import Author, Comment, ModerationKind, utcnow
from stagehand.platform import Adapter
from stagehand.tokens import TokenStore

PLATFORMS = ["twitch", "discord"]


def twitch_refused_twice(fake: FakeTwitch, tokens: Path) -> TwitchAdapter:
    store, _, _ = store_credentials(fake, tokens)
    for _ in range(2):
        fake.fail_next("GET", "users", 500, "Internal Server Error")
    # Waits of 0.05 s, doubled up to 0.2 s (settings_for).
    return TwitchAdapter(settings_for(fake), store)


def discord_refused_twice(fake: FakeDiscord, tokens: Path) -> DiscordAdapter:
    fake.fail("GET", "/users/@me", 400, 0, "flaky", times=2)
    return DiscordAdapter(
        adapter_settings(fake),
        TokenStore(tokens),
        guild_ready_timeout=0.05,
        retry_delays=(0.05, 0.1, 0.2),
    )


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_a_refused_start_is_retried_alike_on_every_platform(
    platform: str, fake_twitch: FakeTwitch, fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    tokens = tmp_path / "tokens.json"
    adapter: Adapter = (
        twitch_refused_twice(fake_twitch, tokens)
        if platform == "twitch"
        else discord_refused_twice(fake_discord, tokens)
    )
    sink = RecordingSink()
    running = asyncio.create_task(adapter.run(sink))
    try:
        await sink.wait_until(lambda: sink.last_state == "connected")
    finally:
        await adapter.close()
        await asyncio.wait_for(running, 5)

    assert [(p, state) for p, state, _ in sink.states] == [
        (platform, "connecting"),
        (platform, "reconnecting"),
        (platform, "reconnecting"),
        (platform, "connected"),
        (platform, "disconnected"),
    ]
    # While it waits, the console's status line says why, and when it tries again.
    retries = [detail for _, state, detail in sink.states if state == "reconnecting"]
    assert [detail.rsplit("; ", 1)[1] for detail in retries] == [
        "retrying in 0.05 s",
        "retrying in 0.1 s",
    ]
    assert all(detail.rsplit("; ", 1)[0] for detail in retries)  # the platform's reason


@pytest.mark.parametrize("platform", PLATFORMS)
async def test_every_action_while_not_connected_gets_one_plain_answer(
    platform: str, tmp_path: Path
) -> None:
    store = TokenStore(tmp_path / "tokens.json")
    adapter: Adapter
    if platform == "twitch":
        adapter = TwitchAdapter(TwitchSettings(enabled=True, channel="x"), store)
        answer = "Twitch is not connected"
    else:
        adapter = DiscordAdapter(DiscordSettings(), store)
        answer = "discord: not connected"
    viewer = Author(platform, "1", "someone")
    comment = Comment("m1", platform, "chat", viewer, "hello", utcnow())
    results = [
        await adapter.send("hello"),
        await adapter.reply(comment, "hi"),
        await adapter.invite_to_stage(viewer, comment),
        await adapter.moderate(comment, ModerationKind.TIMEOUT, duration_seconds=60),
        await adapter.unban(viewer),
    ]
    assert [(r.ok, r.message) for r in results] == [(False, answer)] * len(results)
