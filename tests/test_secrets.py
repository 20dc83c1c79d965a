"""Secrets never reach a screen, a log, the database or an export, even when a platform's error
quotes the request that carried them.

The real twitchio client talks to the fake Twitch, which answers chosen requests with an error
that echoes the request: its URL (the OAuth token request carries `client_secret` in the query)
and its Authorization header (a user token, or the app token twitchio obtained at run time).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sqlite3
import stat
from pathlib import Path

import pytest

from fakes.show_runs import stagehand
from fakes.twitch_server import (
    CLIENT_SECRET,
    FakeTwitch,
    chat_event,
    settings_for,
    store_credentials,
)
from live_run import run_headless, twitch_config
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.config import Settings
from stagehand.logs import MASK, configure_logging, log_file_path
from stagehand.platform import ConnectionState
from stagehand.session import open_show

ECHO = "bad request: {request}"


@pytest.fixture
def fake(twitch_capture: dict, fake_twitch: FakeTwitch) -> FakeTwitch:
    return fake_twitch


def secrets_of(fake: FakeTwitch) -> list[str]:
    """Every secret in play: the client secret and every token the fake issued (user and app)."""
    tokens = [value for t in fake.tokens.values() for value in (t.access, t.refresh)]
    app_tokens = [t.access for t in fake.tokens.values() if t.user_id is None]
    assert app_tokens, "twitchio should have fetched an app token"
    return [CLIENT_SECRET, *tokens]


def leaks(texts: dict[str, str], secrets: list[str]) -> list[str]:
    return [f"{name} holds {secret[:12]}…" for name, text in texts.items() for secret in secrets
            if secret in text]  # fmt: skip


def cli(*args: str, env: dict[str, str]) -> str:
    result = stagehand(*args, timeout=60, env=env)
    assert result.returncode == 0, result.stderr
    return result.stdout + result.stderr


def database_texts(db: Path) -> dict[str, str]:
    return {
        p.name: p.read_bytes().decode("utf-8", "replace") for p in db.parent.glob(db.name + "*")
    }


def exports(db: Path, folder: Path) -> dict[str, str]:
    env = dict(os.environ)
    texts = {"export": cli("export", "--db", str(db), env=env)}
    for fmt in ("json", "csv", "md", "html", "term"):
        texts[f"report {fmt}"] = cli("report", "--db", str(db), "--format", fmt, env=env)
    return texts


async def test_a_headless_run_shows_echoed_errors_masked_on_stderr(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    token_file = tmp_path / "tokens.json"
    store_credentials(fake, token_file)
    # The app-token request quotes client_secret; the channel lookup quotes the app token.
    fake.fail_next("POST", "oauth2/token", 400, ECHO)
    fake.fail_next("GET", "users", 500, ECHO)
    backoff = "reconnect_initial_seconds = 0.05\nreconnect_max_seconds = 0.2\n"
    config = twitch_config(tmp_path / "stagehand.toml", fake, name="leaky", twitch=backoff)
    db = tmp_path / "leaky.db"
    env = {**os.environ, "STAGEHAND_TOKEN_FILE": str(token_file), "STAGEHAND_LOG_LEVEL": "DEBUG"}
    process = await run_headless(config, db, env)
    try:
        await fake.wait_for_subscriptions(1, timeout=20)
        await fake.send_chat(chat_event(message_id="tw-1", text="what saw wave do you use?"))
        await asyncio.sleep(0.5)
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        stdout, stderr = await asyncio.wait_for(process.communicate(), 30)
    err = stderr.decode()
    assert process.returncode == 0, err[-3000:]
    # The echoed errors were shown, masked: the host still learns what went wrong.
    echoed = [line for line in err.splitlines() if "bad request:" in line]
    assert any("client_secret=" + MASK in line for line in echoed), echoed
    assert any("Authorization: Bearer " + MASK in line for line in echoed), echoed
    texts = {"stdout": stdout.decode(), "stderr": err, **database_texts(db)}
    texts |= exports(db, tmp_path)
    assert leaks(texts, secrets_of(fake)) == []


async def test_the_log_file_and_the_database_hold_no_secret_an_error_echoed(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    log_path = log_file_path()
    log_path.parent.mkdir(parents=True)
    log_path.parent.chmod(0o755)
    log_path.write_text("a line from an older stagehand\n")
    log_path.chmod(0o644)  # as older versions left it: world-readable
    assert configure_logging(to_file=True) == log_path
    try:
        store, bot, _ = store_credentials(fake, tmp_path / "tokens.json")
        fake.fail_next("POST", "oauth2/token", 400, ECHO)
        db = tmp_path / "show.db"
        live = open_show(
            Settings(),
            db_path=db,
            show_name="leaky",
            adapters=[TwitchAdapter(settings_for(fake), store)],
            commands=False,
        )
        running = asyncio.create_task(live.run_adapters())
        try:
            await fake.wait_for_subscriptions(1)
            await fake.send_chat(chat_event(message_id="tw-1", text="which filter?"))
            async with asyncio.timeout(5):
                while (comment := live.find_comment("twitch", "tw-1")) is None:
                    await asyncio.sleep(0.02)
            fake.fail_next("POST", "chat/messages", 401, ECHO)  # quotes the bot's user token
            result = await live.reply(comment, "a ladder filter")
            assert not result.ok and f"Bearer {MASK}" in result.message
            assert live.connections["twitch"][0] is ConnectionState.CONNECTED
        finally:
            assert await live.close()
            async with asyncio.timeout(5):
                await running
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if isinstance(handler, logging.FileHandler):
                root.removeHandler(handler)
                handler.close()

    log_text = log_path.read_text()
    assert f"client_secret={MASK}" in log_text  # the echoed error was logged, masked
    assert stat.S_IMODE(log_path.stat().st_mode) == 0o600
    assert stat.S_IMODE(log_path.parent.stat().st_mode) == 0o700
    (outcome,) = sqlite3.connect(db).execute("SELECT outcome FROM host_actions").fetchone()
    assert outcome.startswith("failed: Twitch chat: ") and f"Bearer {MASK}" in outcome
    texts = {"log": log_text, **database_texts(db), **exports(db, tmp_path)}
    assert leaks(texts, [bot.access, *secrets_of(fake)]) == []
