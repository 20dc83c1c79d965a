"""A mistake in the config that only the platform can reveal (a channel that does not exist),
said by `stagehand run` as doctor says it: the key, the file it is in, and the fix. The CLI as a
subprocess, headless, on the fake Twitch and the fake Discord."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

from fakes.discord_server import GUILD_ID, SHOW_CHANNEL_ID, STAGE_CHANNEL_ID, FakeDiscord
from fakes.twitch_server import FakeTwitch, store_credentials

DISCORD_TOKEN = "fake-discord-bot-token.config-mistakes.0123456789abcdef"
NO_SUCH_CHANNEL = "290926798999357999"


async def test_run_names_the_key_and_the_file_of_a_channel_that_does_not_exist(
    twitch_capture: dict, fake_twitch: FakeTwitch, fake_discord: FakeDiscord, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens.json"
    store_credentials(fake_twitch, token_file)
    config = tmp_path / "show.toml"
    config.write_text(
        f"""
[show]
name = "typo"

[twitch]
enabled = true
channel = "twitchdevv"
helix_url = "{fake_twitch.helix_url}"
oauth_url = "{fake_twitch.oauth_url}"
eventsub_url = "{fake_twitch.eventsub_url}"

[discord]
enabled = true
guild_id = {GUILD_ID}
channel_ids = [{NO_SUCH_CHANNEL}, {SHOW_CHANNEL_ID}]
stage_channel_id = {STAGE_CHANNEL_ID}
api_url = "{fake_discord.api_url}"
gateway_url = "{fake_discord.gateway_url}"
""",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "STAGEHAND_TOKEN_FILE": str(token_file),
        "STAGEHAND_DISCORD_TOKEN": DISCORD_TOKEN,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        *("-m", "stagehand", "run", "-c", str(config), "--db", str(tmp_path / "show.db")),
        "--headless",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    said: list[str] = []
    try:
        async with asyncio.timeout(30):
            while not (
                any(line.startswith("twitch: failed") for line in said)
                and any(NO_SUCH_CHANNEL in line for line in said)
            ):
                said.append((await process.stderr.readline()).decode().rstrip())
    finally:
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), 30)
    said += rest.decode().splitlines()

    [twitch] = [line for line in said if line.startswith("twitch: failed")]
    assert twitch == (
        "twitch: failed (Twitch has no channel named 'twitchdevv': set [twitch] channel in "
        f"{config} to your channel's login (the name in its URL); the broadcaster authorized "
        "is twitchdev)"
    )
    [discord] = [line for line in said if NO_SUCH_CHANNEL in line]
    assert f"[discord] channel_ids in {config} has {NO_SUCH_CHANNEL}" in discord
    assert "not a text channel the bot can see" in discord and "Copy Channel ID" in discord
    assert not any("Traceback" in line for line in said)
    assert not any(SHOW_CHANNEL_ID in line for line in said)  # the right one is not blamed
