"""`stagehand run` for real: the CLI as a subprocess, connected to a fake Twitch and a fake Discord.

One platform's connection drops and comes back while the other keeps flowing; the show ends
cleanly on SIGTERM; and the known fake tokens appear in no output, log or database file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
from pathlib import Path

import pytest

from fakes.discord_server import GUILD_ID, SHOW_CHANNEL_ID, STAGE_CHANNEL_ID, FakeDiscord
from fakes.twitch_server import (
    BOT,
    BROADCASTER,
    CLIENT_SECRET,
    FakeTwitch,
    chat_event,
    store_credentials,
)

DISCORD_TOKEN = "fake-discord-bot-token.for-the-leak-test.0123456789abcdef"


@pytest.fixture
def fakes(
    twitch_capture: dict, fake_twitch: FakeTwitch, fake_discord: FakeDiscord
) -> tuple[FakeTwitch, FakeDiscord]:
    return fake_twitch, fake_discord


def count(db: Path, platform: str) -> int:
    if not db.exists():
        return 0
    conn = sqlite3.connect(db)
    try:
        return conn.execute(
            "SELECT count(*) FROM comments WHERE platform = ?", (platform,)
        ).fetchone()[0]
    except sqlite3.OperationalError:
        return 0
    finally:
        conn.close()


async def wait_for(predicate, timeout: float = 15.0) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.05)


async def test_run_with_both_platforms_survives_a_drop_and_leaks_no_token(fakes, tmp_path) -> None:
    twitch, discord = fakes
    token_file = tmp_path / "config" / "tokens.json"
    token_file.parent.mkdir()
    _, bot, owner = store_credentials(twitch, token_file)
    db = tmp_path / "live.db"
    config = tmp_path / "stagehand.toml"
    config.write_text(
        f"""
[show]
name = "friday"
title = "Friday Night Build"
guest_link = "https://vdo.ninja/?room=friday"

[twitch]
enabled = true
channel = "{BROADCASTER["login"]}"
helix_url = "{twitch.helix_url}"
oauth_url = "{twitch.oauth_url}"
eventsub_url = "{twitch.eventsub_url}"
reconnect_initial_seconds = 0.05
reconnect_max_seconds = 0.2

[discord]
enabled = true
guild_id = {GUILD_ID}
channel_ids = [{SHOW_CHANNEL_ID}]
stage_channel_id = {STAGE_CHANNEL_ID}
api_url = "{discord.api_url}"
gateway_url = "{discord.gateway_url}"
""",
        encoding="utf-8",
    )
    env = {
        **os.environ,
        "STAGEHAND_TOKEN_FILE": str(token_file),
        "STAGEHAND_DISCORD_TOKEN": DISCORD_TOKEN,
        "STAGEHAND_LOG_LEVEL": "DEBUG",  # the platform libraries' chattiest lines, too
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "stagehand",
        "run",
        "-c",
        str(config),
        "--db",
        str(db),
        "--headless",
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await twitch.wait_for_subscriptions(1, timeout=20)
        await twitch.send_chat(chat_event(message_id="tw-1", text="what saw wave do you use?"))
        await discord.dispatch("MESSAGE_CREATE", discord.message(content="hi from discord"))
        await wait_for(lambda: count(db, "twitch") == 1 and count(db, "discord") == 1)

        # Twitch drops; Discord keeps flowing while Twitch reconnects with backoff.
        twitch.welcome_delay = 0.6  # long enough for the drop to be seen and reported
        await twitch.drop_connections()
        for index in range(5):
            await discord.dispatch("MESSAGE_CREATE", discord.message(content=f"still here {index}"))
        await wait_for(lambda: count(db, "discord") == 6)
        await twitch.wait_for_subscriptions(2)  # subscribed again on a new session
        await twitch.send_chat(chat_event(message_id="tw-2", text="back again"))
        await wait_for(lambda: count(db, "twitch") == 2)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)

    out, err = stdout.decode(), stderr.decode()
    assert process.returncode == 0, err[-3000:]
    assert "Stored show 'friday': 8 comments" in out
    # the connection states were reported as they changed
    status_lines = [line for line in err.splitlines() if line.startswith(("twitch:", "discord:"))]
    assert "twitch: connected" in status_lines, status_lines
    assert any(line.startswith("twitch: reconnecting") for line in status_lines), status_lines
    assert "discord: connecting" in status_lines, status_lines
    conn = sqlite3.connect(db)
    assert conn.execute("SELECT ended_at IS NOT NULL FROM shows").fetchone() == (1,)

    secrets = [DISCORD_TOKEN, CLIENT_SECRET, bot.access, bot.refresh, owner.access, owner.refresh]
    outputs = {"stdout": out, "stderr": err}
    for path in tmp_path.glob("live.db*"):
        outputs[path.name] = path.read_bytes().decode("utf-8", "replace")
    assert len(err) > 1000, "DEBUG logging should have produced plenty to search"
    for name, text in outputs.items():
        for secret in secrets:
            assert secret not in text, f"a token leaked into {name}"


async def test_headless_run_fails_when_no_platform_can_connect(fakes, tmp_path) -> None:
    """Twitch's tokens were revoked and Discord refuses the bot token: the run says so, exits 1."""
    twitch, discord = fakes
    token_file = tmp_path / "config" / "tokens.json"
    token_file.parent.mkdir()
    store_credentials(twitch, token_file)
    twitch.revoke(BOT["id"])
    twitch.revoke(BROADCASTER["id"])
    discord.identify_close_code = 4004  # Discord: "Authentication failed"
    db = tmp_path / "live.db"
    config = tmp_path / "stagehand.toml"
    config.write_text(
        f"""
[show]
name = "doomed"

[twitch]
enabled = true
channel = "{BROADCASTER["login"]}"
helix_url = "{twitch.helix_url}"
oauth_url = "{twitch.oauth_url}"
eventsub_url = "{twitch.eventsub_url}"

[discord]
enabled = true
guild_id = {GUILD_ID}
api_url = "{discord.api_url}"
gateway_url = "{discord.gateway_url}"
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
        *("-m", "stagehand", "run", "-c", str(config), "--db", str(db), "--headless"),
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    finally:
        if process.returncode is None:
            process.kill()
    err = stderr.decode()
    assert process.returncode not in (0, None), err
    assert "Traceback" not in err
    [verdict] = [line for line in err.splitlines() if line.startswith("Error:")]
    assert "no platform could connect" in verdict
    assert "twitch:" in verdict and "stagehand auth twitch" in verdict
    assert "discord:" in verdict and "Reset Token" in verdict
    assert "Stored show" not in stdout.decode()  # no summary that sounds like a show happened
