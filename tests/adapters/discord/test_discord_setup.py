"""Set-up: `stagehand auth discord`, `stagehand doctor`'s Discord checks, and a full show."""

from __future__ import annotations

import asyncio
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import sqlite_utils
from click.testing import CliRunner

from fakes.discord_server import (
    APP_ID,
    BOT_ROLE_ID,
    GUILD_ID,
    FakeDiscord,
    adapter_settings,
    role_payload,
)
from stagehand.adapters.discord.adapter import DiscordAdapter
from stagehand.adapters.discord.doctor import doctor_checks_async
from stagehand.adapters.discord.permissions import NEEDED, PERMISSIONS, invite_url
from stagehand.cli.auth import auth_discord
from stagehand.config import Settings
from stagehand.config.discord import DiscordSettings
from stagehand.events import CommentRanked
from stagehand.session import open_show
from stagehand.tokens import TokenStore

TOKEN = "MTEwMDAw.fake.bot-token"


@pytest.fixture
def token_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "config" / "tokens.json"
    monkeypatch.setenv("STAGEHAND_TOKEN_FILE", str(path))
    return path


# --- stagehand auth discord --------------------------------------------------------------


def test_auth_stores_the_token_for_the_owner_only_and_never_prints_it(token_file):
    result = CliRunner().invoke(auth_discord, input=f"Bot {TOKEN}\n")
    assert result.exit_code == 0, result.output
    assert json.loads(token_file.read_text()) == {"discord": {"token": TOKEN}}
    assert stat.S_IMODE(os.stat(token_file).st_mode) == 0o600
    assert TOKEN not in result.output
    assert "stagehand doctor" in result.output


def test_auth_reads_stdin_for_scripts_and_refuses_an_odd_token(token_file):
    ok = CliRunner().invoke(auth_discord, ["--token-stdin"], input=f"{TOKEN}\n")
    assert ok.exit_code == 0 and TOKEN not in ok.output
    odd = CliRunner().invoke(auth_discord, input="client-secret-not-a-token\nn\n")
    assert odd.exit_code != 0 and "nothing was stored" in odd.output
    assert json.loads(token_file.read_text())["discord"]["token"] == TOKEN


def _auth_discord(*args: str, config: str, token_file: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", "auth", "discord", "-c", config, *args],
        input=f"{TOKEN}\n",
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, "STAGEHAND_TOKEN_FILE": str(token_file)},
    )


def test_auth_reads_the_config_given_with_c_like_the_other_platforms(token_file, tmp_path):
    """`auth twitch -c` and `auth youtube -c` existed, `auth discord -c` did not; and its next
    step named keys the config already set."""
    config = tmp_path / "stagehand.toml"
    config.write_text("[discord]\nenabled = true\nguild_id = 197038439483310086\n", "utf-8")
    done = _auth_discord("--token-stdin", config=str(config), token_file=token_file)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == "Next: run `stagehand doctor`."
    config.write_text("[discord]\nenabled = true\n", "utf-8")
    done = _auth_discord("--token-stdin", config=str(config), token_file=token_file)
    next_step = done.stdout.strip().splitlines()[-1]
    assert next_step == "Next: set [discord] guild_id, then run `stagehand doctor`."
    config.write_text("[discord]\ntoken = 'MTEx.other.token'\n", "utf-8")
    done = _auth_discord("--token-stdin", config=str(config), token_file=token_file)
    assert "the config or STAGEHAND_DISCORD_TOKEN sets a token too" in done.stdout
    assert "MTEx.other.token" not in done.stdout + done.stderr
    config.write_text("[discord]\nenabled = 'maybe'\n", "utf-8")
    done = _auth_discord("--token-stdin", config=str(config), token_file=token_file)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith(f"Error: {config}: invalid configuration")


def test_auth_without_a_terminal_says_how_to_give_the_token(token_file):
    """Run from a script with nothing to read: an Error line that names --token-stdin, not a
    prompt that ends in "Aborted!" after a Python warning naming getpass.py."""
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "auth", "discord"],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2, done.stderr
    error = done.stderr.strip().splitlines()[-1]
    assert "Error: no answer to 'Bot token'" in error and "--token-stdin" in error
    assert "GetPassWarning" not in done.stderr and "getpass.py" not in done.stderr
    assert "Aborted" not in done.stderr and "Traceback" not in done.stderr
    assert not token_file.exists()


def test_auth_has_help_text():
    result = CliRunner().invoke(auth_discord, ["--help"])
    assert "Store the Discord bot token" in result.output


# --- stagehand doctor --------------------------------------------------------------------


def by_name(checks):
    return {check.name: check for check in checks}


async def test_doctor_passes_when_everything_is_in_place(tmp_path):
    async with FakeDiscord() as fake:
        checks = await doctor_checks_async(adapter_settings(fake), TokenStore(tmp_path / "t.json"))
    assert all(check.ok for check in checks), [c for c in checks if not c.ok]
    names = by_name(checks)
    assert names["discord login"].detail == "logged in as stagehand-bot"
    assert names["discord server"].detail == "the bot is in Stagehand Test Server"
    assert names["discord Stage channel"].detail == "#Live Stage"
    assert names["discord text channel"].ok


async def test_doctor_names_what_is_missing_and_how_to_fix_it(tmp_path):
    async with FakeDiscord(message_content_enabled=False) as fake:
        fake.roles[-1] = role_payload(BOT_ROLE_ID, "Stagehand", PERMISSIONS & ~(1 << 22), 4)
        settings = adapter_settings(fake, stage_channel_id=int(GUILD_ID), channel_ids=[1])
        checks = by_name(await doctor_checks_async(settings, TokenStore(tmp_path / "t.json")))

    intent = checks["message content intent"]
    assert not intent.ok and f"applications/{APP_ID}/bot" in intent.fix
    perms = checks["discord permissions"]
    assert not perms.ok and perms.detail == "the bot's roles lack: Mute Members"
    assert invite_url(APP_ID, int(GUILD_ID)) in perms.fix
    assert not checks["discord Stage channel"].ok
    assert not checks["discord text channel"].ok


async def test_doctor_offline_problems_come_first(tmp_path):
    store = TokenStore(tmp_path / "t.json")
    checks = await doctor_checks_async(DiscordSettings(enabled=True), store)
    assert [(c.name, c.ok) for c in checks] == [
        ("discord token", False),
        ("discord server", False),
        ("discord stage", False),  # no Stage channel, no guest link: `p` could invite nobody
    ]
    assert "stagehand auth discord" in checks[0].fix
    assert "[show] guest_link" in checks[2].fix
    disabled = await doctor_checks_async(DiscordSettings(), store)
    assert [c.ok for c in disabled] == [True]


async def test_doctor_reports_an_unreachable_api(tmp_path):
    settings = DiscordSettings(
        enabled=True, token=TOKEN, guild_id=1, api_url="http://127.0.0.1:9/api/v10"
    )
    checks = await doctor_checks_async(settings, TokenStore(tmp_path / "t.json"), timeout=2)
    assert checks[-1].name == "discord api" and not checks[-1].ok
    assert TOKEN not in str(checks)


def test_the_invite_url_asks_for_exactly_the_documented_permissions():
    url = invite_url(APP_ID, int(GUILD_ID))
    assert f"permissions={PERMISSIONS}" in url and PERMISSIONS == 1374393805828
    assert "scope=bot+applications.commands" in url
    docs = (Path(__file__).resolve().parents[3] / "docs" / "discord.md").read_text("utf-8")
    assert str(PERMISSIONS) in docs
    for bit, name, _why in NEEDED:  # every permission asked for is explained to the user
        assert f"| {name} | `1 << {bit.bit_length() - 1}` |" in docs


# --- a whole show ------------------------------------------------------------------------


async def test_a_duplicate_message_is_stored_once(tmp_path):
    db_path = tmp_path / "show.db"
    live = open_show(
        Settings(), db_path=db_path, show_name="discord-night", adapters=[], commands=False
    )
    seen = []
    live.add_listener(seen.append)
    async with FakeDiscord() as fake:
        adapter = DiscordAdapter(
            adapter_settings(fake),
            TokenStore(tmp_path / "t.json"),
            guild_ready_timeout=0.05,
        )
        live.add_adapter(adapter)
        running = asyncio.create_task(live.run_adapters())
        while live.connections.get("discord", ("",))[0] != "connected":
            await asyncio.sleep(0.01)
        message = fake.message(content="what does the resonance knob do?")
        await fake.dispatch("MESSAGE_CREATE", message)
        await fake.dispatch("MESSAGE_CREATE", message)  # delivered twice, as Discord may
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="the end"))
        while len([e for e in seen if isinstance(e, CommentRanked)]) < 2:
            await asyncio.sleep(0.01)
        assert await live.close()
        await asyncio.wait_for(running, 5)

    db = sqlite_utils.Database(db_path)
    rows = list(db.query("select message_id, text from comments order by ts"))
    assert [r["text"] for r in rows] == ["what does the resonance knob do?", "the end"]
    assert rows[0]["message_id"] == message["id"]
