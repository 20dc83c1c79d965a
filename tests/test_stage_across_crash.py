"""A guest on stage when a live show is killed (SIGKILL) is not counted on stage while it was down.

`stagehand run` for real, against the fake Twitch: a moderator's `!stage @ana`, the show killed
mid-appearance, run again some seconds later, and stopped. The appearance ends at the last moment
the show was known to run; the hosts are told, and the report's stage time leaves out the downtime.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import subprocess
import sys
from datetime import datetime
from pathlib import Path

from fakes.twitch_server import FakeTwitch, chat_event, store_credentials
from live_run import run_headless, twitch_config, wait_for
from stagehand.report.text import duration

ANA = {"id": "5001", "login": "ana", "display_name": "Ana"}
MOD = {"id": "5002", "login": "mo", "display_name": "Mo"}
DOWN_SECONDS = 6.0


def _query(db: Path, sql: str) -> list[tuple]:
    try:
        with sqlite3.connect(db) as conn:
            rows = conn.execute(sql).fetchall()
        conn.close()
        return rows
    except sqlite3.OperationalError:  # not made yet
        return []


def _comments(db: Path) -> int:
    rows = _query(db, "SELECT count(*) FROM comments")
    return rows[0][0] if rows else 0


async def test_a_guest_on_stage_through_a_crash_is_not_on_stage_while_the_show_was_down(
    twitch_capture: dict, fake_twitch: FakeTwitch, tmp_path: Path
) -> None:
    fake_twitch.users |= {u["id"]: u for u in (ANA, MOD)}
    token_file = tmp_path / "tokens.json"
    store_credentials(fake_twitch, token_file)
    db = tmp_path / "live.db"
    guest_link = 'guest_link = "https://vdo.ninja/?room=friday"\n'
    config = twitch_config(tmp_path / "stagehand.toml", fake_twitch, show=guest_link)
    env = {**os.environ, "STAGEHAND_TOKEN_FILE": str(token_file)}

    first = await run_headless(config, db, env)
    try:
        await fake_twitch.wait_for_subscriptions(1, timeout=20)
        await fake_twitch.send_chat(chat_event(message_id="c1", text="hi all", chatter=ANA))
        await fake_twitch.send_chat(
            chat_event(
                message_id="c2", text="!stage @ana", chatter=MOD, badges=[("moderator", "1")]
            )
        )
        await wait_for(lambda: bool(_query(db, "SELECT 1 FROM stage_sessions")))
        await asyncio.sleep(1.0)
        await fake_twitch.send_chat(
            chat_event(message_id="c3", text="glad to be here", chatter=ANA)
        )
        await wait_for(lambda: _comments(db) == 3)
    finally:
        first.kill()  # SIGKILL: no clean stop
        await first.wait()
    (last_alive,) = _query(db, "SELECT max(ts) FROM comments")[0]
    await asyncio.sleep(DOWN_SECONDS)

    second = await run_headless(config, db, env)
    try:
        # chat subscribed again (5 a run: chat, deleted messages, /clear, bans, unbans; chat
        # first)
        await fake_twitch.wait_for_subscriptions(6, timeout=20)
        await fake_twitch.send_chat(chat_event(message_id="c4", text="welcome back", chatter=MOD))
        await wait_for(lambda: _comments(db) == 4)
    finally:
        if second.returncode is None:
            second.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(second.communicate(), 30)
    assert second.returncode == 0, err.decode()[-3000:]
    assert "Resumed show 'friday'" in out.decode()
    # The hosts are told that the guest is off stage now, and how to bring them back.
    assert "Ana was on stage when the show stopped: off stage since then" in err.decode(), err

    # The stored appearance ends when the show was last known to run, not after the downtime.
    rows = _query(db, "SELECT started_at, ended_at FROM stage_sessions")
    assert len(rows) == 1, rows
    started, ended = rows[0]
    assert ended == last_alive, (rows, last_alive)
    on_stage = (datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()
    assert on_stage < DOWN_SECONDS

    def report(fmt: str) -> str:
        command = [sys.executable, "-m", "stagehand", "report", "--db", str(db), "--format", fmt]
        done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
        assert done.returncode == 0, done.stderr
        return done.stdout

    totals = json.loads(report("json"))
    assert totals["stage_appearances"] == 1
    assert totals["stage_seconds"] == on_stage
    shown = f"1 appearance by 1 guest, {duration(on_stage)}"
    assert shown in report("term") and shown in report("md")
    assert f"on stage, {duration(on_stage)}" in report("html")
    ana = next(line for line in report("csv").splitlines() if line.startswith("Ana,"))
    assert ana.split(",")[6:8] == ["1", f"{on_stage:g}"]

    # Exported and replayed, the appearance the crash ended ends there in the replay too (an
    # `off_stage` line), not at the show's end, 14 s later. (It begins at the `!stage` line in
    # the replay: the live show began it once the guest link was whispered, a moment later.)
    exported = tmp_path / "friday-export.jsonl"
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "export", "--db", str(db), "-o", str(exported)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    again = tmp_path / "again.db"
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "replay", str(exported), "--db", str(again),
         "--instant", "--headless"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert [
        ended for _, ended in _query(again, "SELECT started_at, ended_at FROM stage_sessions")
    ] == [last_alive]
    command = [sys.executable, "-m", "stagehand", "report", "--db", str(again), "--format", "json"]
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    replayed = json.loads(done.stdout)
    assert replayed["stage_appearances"] == 1
    assert on_stage <= replayed["stage_seconds"] <= on_stage + 2.0, (replayed, on_stage)
