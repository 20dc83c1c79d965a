"""`stagehand run` for real: the CLI as a subprocess, connected to a fake Twitch and a fake Discord.

One platform's connection drops and comes back while the other keeps flowing; the show ends
cleanly on SIGTERM; and the known fake tokens appear in no output, log or database file.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
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
from live_run import run_headless, twitch_config, wait_for

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
        # subscribed again on a new session (5 a session: chat, deletions, /clear, bans,
        # unbans; chat first)
        await twitch.wait_for_subscriptions(6)
        await twitch.send_chat(chat_event(message_id="tw-2", text="back again"))
        await wait_for(lambda: count(db, "twitch") == 2)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)

    out, err = stdout.decode(), stderr.decode()
    assert process.returncode == 0, err[-3000:]
    assert "Stored show 'friday': 8 chat lines" in out
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
    """Twitch's tokens were revoked and Discord refuses the bot token: the run says so in one
    `Error:` line, exits 2 (a problem the user fixes), and leaves no show behind."""
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
    assert process.returncode == 2, err
    assert "Traceback" not in err
    [verdict] = [line for line in err.splitlines() if line.startswith("Error:")]
    assert "no platform could connect" in verdict
    assert "twitch:" in verdict and "stagehand auth twitch" in verdict
    assert "discord:" in verdict and "Reset Token" in verdict
    # Nothing that sounds like a show happened: no summary, no address of a server that stops.
    assert stdout.decode() == ""
    # Each platform's progress, then the verdict: no log line saying it again, and nothing
    # from discord.py about voice, which stagehand never uses (a Stage host reads "my stage
    # won't work").
    lines = err.splitlines()
    assert lines[-1] == verdict
    assert {"twitch: connecting", "discord: connecting"} <= set(lines[:-1])
    assert all(line.startswith(("twitch: ", "discord: ")) for line in lines[:-1]), lines
    assert len(lines) <= 4, lines  # at most one platform's failure said before the verdict
    log = (Path(os.environ["XDG_STATE_HOME"]) / "stagehand" / "log" / "stagehand.log").read_text()
    assert "ERROR stagehand.adapters.connection: twitch: " in log  # the log file has it all
    assert "ERROR stagehand.adapters.connection: discord: " in log
    assert "voice will NOT be supported" not in err + log
    assert sqlite3.connect(db).execute("SELECT count(*) FROM shows").fetchone() == (0,)


async def test_a_run_nothing_connected_to_is_no_show_and_the_next_run_starts_afresh(
    twitch_capture: dict, fake_twitch: FakeTwitch, tmp_path: Path
) -> None:
    """A refused token: `shows` lists nothing and `report` has nothing to pick; the run that
    connects is a new show, not the resumption of one that never was; and a later refused run
    leaves that real show as it ended."""
    token_file = tmp_path / "tokens.json"
    store_credentials(fake_twitch, token_file)
    fake_twitch.revoke(BOT["id"])
    fake_twitch.revoke(BROADCASTER["id"])
    db = tmp_path / "live.db"
    config = twitch_config(tmp_path / "stagehand.toml", fake_twitch)
    env = {**os.environ, "STAGEHAND_TOKEN_FILE": str(token_file)}

    def stagehand(*args: str) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "stagehand", *args, "--db", str(db)]
        return subprocess.run(command, capture_output=True, text=True, env=env, check=False)

    refused = await run_headless(config, db, env)
    _, stderr = await asyncio.wait_for(refused.communicate(), 30)
    assert refused.returncode == 2, stderr.decode()
    assert stagehand("shows").stdout.startswith("No shows yet")
    report = stagehand("report")  # the latest show, by default
    assert report.returncode == 2 and "has no shows yet" in report.stderr

    store_credentials(fake_twitch, token_file)  # `stagehand auth twitch` again
    aired = await run_headless(config, db, env)
    try:
        await fake_twitch.wait_for_subscriptions(1, timeout=20)
        await fake_twitch.send_chat(chat_event(message_id="tw-1", text="what saw wave?"))
        await wait_for(lambda: count(db, "twitch") == 1)
    finally:
        if aired.returncode is None:
            aired.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(aired.communicate(), 30)
    assert aired.returncode == 0, stderr.decode()
    assert "Stored show 'friday': 1 chat line " in stdout.decode()  # not "Resumed"
    show_before = sqlite3.connect(db).execute("SELECT * FROM shows").fetchall()
    assert len(show_before) == 1 and show_before[0][-1] is not None  # it ended

    fake_twitch.revoke(BOT["id"])
    fake_twitch.revoke(BROADCASTER["id"])
    refused = await run_headless(config, db, env)
    _, stderr = await asyncio.wait_for(refused.communicate(), 30)
    assert refused.returncode == 2, stderr.decode()
    assert sqlite3.connect(db).execute("SELECT * FROM shows").fetchall() == show_before
