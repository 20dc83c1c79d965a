"""`stagehand doctor` as a user runs it: the CLI as a subprocess, Twitch checked online at the fake.

Exit code 0 means `stagehand run` can go live; any FIX line (a revoked token, no config, no
platform) exits 1. Doctor only looks: it never creates the database.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from doctor_run import doctor, line
from fakes.twitch_server import (
    BOT,
    BOT_SCOPES,
    BROADCASTER,
    CHATTER,
    CLIENT_SECRET,
    FakeTwitch,
    store_credentials,
)
from stagehand.adapters.twitch.credentials import TwitchCredentials
from stagehand.tokens import TokenStore


@pytest.fixture
def fake(fake_twitch: FakeTwitch) -> FakeTwitch:
    return fake_twitch


#: What a viewer pulled on stage is sent: without it, a working setup cannot bring anyone on.
GUEST_LINK = "https://vdo.ninja/?room=friday"


def twitch_config(
    path: Path,
    fake: FakeTwitch,
    *,
    channel: str = BROADCASTER["login"],
    guest_link: str = GUEST_LINK,
    **extra: str,
) -> Path:
    lines = [
        "[show]",
        f'guest_link = "{guest_link}"',
        "[twitch]",
        "enabled = true",
        f'channel = "{channel}"',
        f'helix_url = "{fake.helix_url}"',
        f'oauth_url = "{fake.oauth_url}"',
        f'eventsub_url = "{fake.eventsub_url}"',
        *(f"{key} = {value}" for key, value in extra.items()),
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def setup(fake: FakeTwitch, tmp_path: Path) -> dict:
    tokens = tmp_path / "config" / "tokens.json"
    tokens.parent.mkdir()
    _, bot, owner = store_credentials(fake, tokens)
    db = tmp_path / "data" / "stagehand.db"
    env = {"STAGEHAND_TOKEN_FILE": str(tokens), "STAGEHAND_DATABASE_PATH": str(db)}
    return {"env": env, "tokens": tokens, "db": db, "bot": bot, "owner": owner}


async def test_a_working_setup_is_confirmed_online(fake, setup, tmp_path) -> None:
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 0, output
    assert "Twitch confirms" in line(output, "twitch bot")
    assert "Twitch confirms" in line(output, "twitch broadcaster")
    validated = {r.token for r in fake.requests_to("GET", "oauth2/validate")}
    assert {setup["bot"].access, setup["owner"].access} <= validated
    assert CLIENT_SECRET not in output and setup["bot"].access not in output


async def test_a_revoked_token_is_fix_not_ok(fake, setup, tmp_path) -> None:
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    fake.revoke(BOT["id"])  # the bot account disconnected stagehand on Twitch
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 1, output
    bot_line = line(output, "twitch bot")
    assert bot_line.startswith("FIX") and "revoked" in bot_line, output
    assert "stagehand auth twitch" in output
    assert line(output, "twitch broadcaster").startswith("ok")


async def test_an_expired_token_is_refreshed_and_kept(fake, setup, tmp_path) -> None:
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    fake.expire(setup["bot"].access)  # four hours later: the access token ran out
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 0, output
    assert "refreshed" in line(output, "twitch bot")
    stored = TwitchCredentials.load(TokenStore(setup["tokens"]))
    assert stored.bot is not None and stored.bot.access_token != setup["bot"].access
    assert stored.bot.access_token in fake.tokens  # the new token works, and it was kept


async def test_scopes_are_the_ones_twitch_reports(fake, setup, tmp_path) -> None:
    # The token file claims the whisper scope; Twitch says the token does not have it.
    fake.tokens[setup["bot"].access].scopes = [s for s in BOT_SCOPES if "whispers" not in s]
    config = twitch_config(tmp_path / "stagehand.toml", fake, invite_via='"whisper"')
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 1, output
    bot_line = line(output, "twitch bot")
    assert bot_line.startswith("FIX") and "user:manage:whispers" in bot_line


async def test_offline_asks_no_platform(fake, setup, tmp_path) -> None:
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    fake.revoke(BOT["id"])  # unknowable offline
    code, output = await doctor("-c", str(config), "--offline", env=setup["env"])
    assert fake.requests == []
    assert code == 0, output
    assert "not checked online" in line(output, "twitch bot")


async def test_unreachable_twitch_is_fix_with_the_way_out(setup, tmp_path) -> None:
    server = await FakeTwitch().start()
    config = twitch_config(tmp_path / "stagehand.toml", server)
    await server.stop()  # nothing listens there any more
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 1, output
    assert "cannot reach Twitch" in output and "--offline" in output
    assert "Traceback" not in output


async def test_doctor_creates_no_database(fake, setup, tmp_path) -> None:
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 0, output
    assert "first show creates it" in line(output, "database")
    assert not setup["db"].exists() and not setup["db"].parent.exists()


async def test_nothing_to_run_exits_non_zero(tmp_path) -> None:
    env = {"STAGEHAND_DATABASE_PATH": str(tmp_path / "x.db")}
    code, output = await doctor(env=env)  # no config anywhere
    assert code == 1, output
    assert line(output, "config").startswith("FIX")
    empty = tmp_path / "stagehand.toml"
    empty.write_text('[show]\nname = "friday"\n', encoding="utf-8")
    code, output = await doctor("-c", str(empty), env=env)
    assert code == 1, output
    assert line(output, "platforms").startswith("FIX")


async def test_a_missing_pseudonym_key_is_fix(fake, setup, tmp_path, monkeypatch) -> None:
    """Someone opted out in an earlier show; the key that recognises them is gone."""
    from commands.chat import play, say
    from stagehand.pseudonyms import KeyFile

    for name, value in setup["env"].items():  # the show below uses the same token folder
        monkeypatch.setenv(name, value)
    show_dir = setup["db"].parent
    show_dir.mkdir(parents=True)
    await play(show_dir, [say("m1", "ana", "!optout", t=1)])
    (show_dir / "show.db").rename(setup["db"])
    key = KeyFile()
    assert key.path.parent == setup["tokens"].parent  # beside the token file
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 0, output
    assert "recognises 1 viewer who opted out" in line(output, "pseudonym key")
    key.path.unlink()
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 1, output
    assert line(output, "pseudonym key").startswith("FIX") and "missing" in output


def _stagehand(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def _replayed(transcript: Path, db: Path) -> Path:
    """A real stagehand database: the transcript replayed by the CLI."""
    result = _stagehand("replay", str(transcript), "--db", str(db), "--instant", "--headless")
    assert result.returncode == 0, result.stderr
    return db


def _files(folder: Path) -> set[str]:
    """The files in `folder`, without SQLite's -wal and -shm (a reader of a WAL file makes them)."""
    return {p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm"))}


def _newer(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA user_version = 999")
    conn.close()


def _damaged(db: Path) -> None:
    with sqlite3.connect(db) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    size = db.stat().st_size
    with db.open("r+b") as handle:
        handle.seek(size - 2 * 4096)  # a page of the last table written
        handle.write(b"\xde\xad\xbe\xef" * 1024)


def _foreign(db: Path) -> None:
    db.unlink()
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
    conn.close()


def _not_sqlite(db: Path) -> None:
    db.write_bytes(b"these are my notes, not a database\n" * 200)


@pytest.mark.parametrize(
    ("spoil", "problem", "refusing"),
    [
        (_newer, "was written by a newer stagehand (schema 999", ["shows"]),
        (_damaged, "database is damaged (", ["replay", "--headless", "--instant"]),
        (_foreign, "is another program's SQLite database, not stagehand's", ["shows"]),
        (_not_sqlite, "not a SQLite database: ", ["shows"]),
    ],
    ids=["newer", "damaged", "foreign", "not-sqlite"],
)
async def test_a_database_the_shows_refuse_is_fix_in_one_line(
    fake, setup, tmp_path, small_show, spoil, problem, refusing
) -> None:
    """What doctor says about the database is what a show would say, before the show starts,
    word for word up to the advice: doctor has no --db, so it names the setting it reads."""
    db = _replayed(small_show, tmp_path / "kept.db")
    spoil(db)
    before = _files(tmp_path)
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    env = {**setup["env"], "STAGEHAND_DATABASE_PATH": str(db)}
    code, output = await doctor("-c", str(config), "--offline", env=env)
    assert code == 1, output
    database = line(output, "database")
    assert database.startswith("FIX") and problem in database, output
    assert f"{db}" in database
    assert "Traceback" not in output and "no such table" not in output
    assert "--db" not in output, "doctor has no --db option"
    assert _files(tmp_path) == {*before, "stagehand.toml"}  # nothing made, nothing migrated
    if db.is_dir():
        assert not any(db.iterdir())
    # the command the host would run next refuses the same file with the same words
    if refusing[0] == "replay":  # a show checks the whole file before it goes live
        refusing = [*refusing, str(small_show)]
    refused = _stagehand(*refusing, env=env)
    assert refused.returncode == 2 and problem in refused.stderr, refused.stderr
    said = database.removeprefix("FIX  database: ")
    # ... up to the advice to pass --db, which doctor gives as the setting it reads
    command_said = refused.stderr.strip().splitlines()[-1].removeprefix("Error: ")
    same, advice, _ = command_said.partition("pass --db")
    assert advice and said.startswith(same), (said, command_said)
    assert said[len(same) :].startswith("set STAGEHAND_DATABASE_PATH to "), said


async def test_a_healthy_database_is_ok_with_its_shows(fake, setup, tmp_path, small_show) -> None:
    db = _replayed(small_show, tmp_path / "kept.db")
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    env = {**setup["env"], "STAGEHAND_DATABASE_PATH": str(db)}
    code, output = await doctor("-c", str(config), "--offline", env=env)
    assert code == 0, output
    assert line(output, "database") == f"ok   database: {db} (1 show)"


async def test_a_folder_as_the_database_is_a_config_error_naming_the_key(
    fake, setup, tmp_path
) -> None:
    """Every command said "/x is a folder, not a database file: pass --db FILE": not which
    file or variable named the folder, and doctor has no --db."""
    folder = tmp_path / "shows"
    folder.mkdir()
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    config.write_text(f'[database]\npath = "{folder}"\n' + config.read_text(), "utf-8")
    env = {"STAGEHAND_TOKEN_FILE": setup["env"]["STAGEHAND_TOKEN_FILE"]}  # the file says where
    code, output = await doctor("-c", str(config), "--offline", env=env)
    assert code == 1, output
    said = output.split("\n      ->")[0]
    assert said.startswith(f"FIX  config: {config}: invalid configuration"), output
    assert f"database.path: {folder} is a folder; expected a database file" in said
    assert f"e.g. {folder / 'stagehand.db'}" in said and "--db" not in output
    assert not any(folder.iterdir())
    refused = _stagehand("shows", env={**setup["env"], "STAGEHAND_DATABASE_PATH": str(folder)})
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert (
        f"environment variable STAGEHAND_DATABASE_PATH (database.path): {folder} is a folder"
        in refused.stderr
    ), refused.stderr


async def test_pulling_on_stage_with_nothing_to_send_is_fix(fake, setup, tmp_path) -> None:
    """No [show] guest_link: `p` would fail on air (nothing to whisper, no Stage channel to
    invite to), and doctor said ok or nothing at all."""
    config = twitch_config(tmp_path / "stagehand.toml", fake, guest_link="")
    code, output = await doctor("-c", str(config), "--offline", env=setup["env"])
    assert code == 1, output
    stage = output.split("twitch stage: ")[1]
    assert output.count("twitch stage: ") == 1 and "FIX  twitch stage: " in output
    assert "-> set [show] guest_link" in stage and "[twitch] guest_star = true" in stage
    config = twitch_config(tmp_path / "stagehand.toml", fake, invite_via='"public_chat"')
    code, output = await doctor("-c", str(config), "--offline", env=setup["env"])
    assert code == 0, output
    assert line(output, "twitch stage").startswith("ok   twitch stage: guests get the [show]")
    discord = tmp_path / "discord.toml"
    discord.write_text("[discord]\nenabled = true\nguild_id = 1\n", "utf-8")
    env = {**setup["env"], "STAGEHAND_DISCORD_TOKEN": "MTEw.fake.bot-token"}
    code, output = await doctor("-c", str(discord), "--offline", env=env)
    assert code == 1, output
    stage = line(output, "discord stage")
    assert stage.startswith("FIX") and "no Stage channel and no [show] guest_link" in stage
    fix = output.split(stage)[1].splitlines()[1]
    assert "[show] guest_link" in fix and "[discord] stage_channel_id" in fix
    discord.write_text(f'[show]\nguest_link = "{GUEST_LINK}"\n' + discord.read_text(), "utf-8")
    code, output = await doctor("-c", str(discord), "--offline", env=env)
    assert code == 0, output
    assert "by direct message" in line(output, "discord stage")


async def test_a_channel_twitch_does_not_know_is_one_fix_not_a_login_advice(
    fake, setup, tmp_path
) -> None:
    """A typo in [twitch] channel: doctor told the host to log in as an account that does not
    exist, and printed two contradicting broadcaster lines."""
    config = twitch_config(tmp_path / "stagehand.toml", fake, channel="twitchdevv")
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 1, output
    channel = line(output, "twitch channel")
    assert channel.startswith("FIX") and "no channel named 'twitchdevv'" in channel
    fix = output.split(channel)[1].splitlines()[1]
    assert 'channel = "twitchdev"' in fix, fix
    assert output.count("twitch broadcaster: ") == 1, output
    assert line(output, "twitch broadcaster").startswith("ok   twitch broadcaster: twitchdev: ")
    assert "log in as twitchdevv" not in output
    # A channel that exists but is not the account authorized still says whom to log in as.
    config = twitch_config(tmp_path / "stagehand.toml", fake, channel=CHATTER["login"])
    code, output = await doctor("-c", str(config), env=setup["env"])
    assert code == 1, output
    assert output.count("twitch broadcaster: ") == 1, output
    broadcaster = line(output, "twitch broadcaster")
    assert broadcaster.startswith("FIX") and "authorized as twitchdev" in broadcaster
    assert f"log in as {CHATTER['login']}" in output


async def test_a_token_file_that_is_not_there_is_not_called_owner_only(
    fake, setup, tmp_path
) -> None:
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    missing = tmp_path / "nowhere" / "tokens.json"
    env = {**setup["env"], "STAGEHAND_TOKEN_FILE": str(missing)}
    code, output = await doctor("-c", str(config), "--offline", env=env)
    assert code == 1, output
    assert "readable by you only" not in output, output
    assert "not authorized yet" in line(output, "twitch bot")
    assert not missing.parent.exists()


async def test_a_refused_secret_from_the_environment_names_the_variable(
    fake, setup, tmp_path
) -> None:
    """The secret came from STAGEHAND_TWITCH_CLIENT_SECRET: the fix says to change that (as
    `run` and `auth` do), and the accounts Twitch was not asked about are not called ok."""
    config = twitch_config(tmp_path / "stagehand.toml", fake)
    env = {**setup["env"], "STAGEHAND_TWITCH_CLIENT_SECRET": "wrong-secret-0123456789"}
    code, output = await doctor("-c", str(config), env=env)
    assert code == 1, output
    app = line(output, "twitch app")
    assert "Twitch refused the app's client secret (403 invalid client secret)" in app, output
    assert "set STAGEHAND_TWITCH_CLIENT_SECRET (the environment variable it came from)" in output
    assert "wrong-secret-0123456789" not in output
    for account in ("twitch bot", "twitch broadcaster"):
        assert "not checked online" in line(output, account), output


async def test_obs_is_asked_as_the_show_will_ask_it(tmp_path, fake_obs) -> None:
    """With `[obs] enabled`, doctor said nothing about OBS: a wrong password or OBS not running
    showed only mid-show, as a warning when a guest came on stage."""
    env = {
        "STAGEHAND_TOKEN_FILE": str(tmp_path / "tokens.json"),
        "STAGEHAND_DATABASE_PATH": str(tmp_path / "show.db"),
    }

    def obs_config(url: str, password: str) -> Path:
        path = tmp_path / "obs.toml"
        path.write_text(
            f'[obs]\nenabled = true\nurl = "{url}"\npassword = "{password}"\ntimeout_seconds = 3\n',
            encoding="utf-8",
        )
        return path

    _, output = await doctor("-c", str(obs_config(fake_obs.url, fake_obs.password)), env=env)
    assert line(output, "obs").startswith("ok")
    assert "OBS answers at" in line(output, "obs")
    _, output = await doctor("-c", str(obs_config(fake_obs.url, "wrong")), env=env)
    assert "FIX" in line(output, "obs") and "OBS refused the password" in line(output, "obs")
    assert "wrong" not in output.replace("OBS refused the password", "")
    code, output = await doctor("-c", str(obs_config("ws://127.0.0.1:9", "x")), env=env)
    assert code == 1
    assert "OBS is not reachable at ws://127.0.0.1:9" in line(output, "obs")
    assert "Error" not in line(output, "obs")
