"""A reply to a row asked on Twitch and Discord reached Discord, Twitch refused it, and the show
was killed (SIGKILL) before the host sent it again. Run again, the host's retry through the
API goes only to Twitch: Discord's chat read it once and must not read it twice, whatever
happened to the process in between (show/resend.py).

The show before the kill runs in a child process (`session.open_show`, a replayed transcript,
a platform connection per platform, a real SQLite file); the same show is then opened again as
the CLI opens it (it resumes), served, and the host sends the reply again with `POST
/api/actions`.
"""

from __future__ import annotations

from pathlib import Path

from showserver import act, comment, run_until_killed, serve

from test_undo import Platform

TESTS = Path(__file__).resolve().parent.parent

QUESTION = "which oscillator chip are you using for the synth voice tonight?"
REPLY = "the AS3340, two of them"

SHOW = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"},
    {
        "kind": "segment",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Oscillators",
        "keywords": ["oscillator", "chip", "voice"],
    },
    comment("t1", "00:05", "ana", "101", QUESTION),
    comment("d1", "00:10", "cleo", "9001", QUESTION, platform="discord"),
    comment("d2", "00:15", "dev", "9002", QUESTION, platform="discord"),
]

#: The show before the kill: the reply to the row reaches Discord, Twitch refuses it; SIGKILL.
BEFORE_THE_KILL = f"""
import asyncio, os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_undo import Platform
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.session import open_show
from stagehand.show.queue import ShowQueue

async def main(folder):
    transcript = folder / "show.jsonl"
    twitch = Platform(platform="twitch", refuse={{"reply"}})
    discord = Platform(platform="discord")
    live = open_show(Settings(), db_path=folder / "show.db", show_name="synth",
                     source=str(transcript),
                     adapters=[ReplayAdapter(transcript, instant=True), twitch, discord],
                     commands=False)
    queue = ShowQueue(**live.queue_settings.fields())
    live.add_listener(queue.apply)
    await live.run_adapters()
    asked = live.find_comment("twitch", "t1")
    also = queue.others_in_row(asked)
    assert [c.id for c in also] == ["d1", "d2"], also
    with live.acting_as("hana"):
        result = await live.reply(asked, {REPLY!r}, also=also)
    assert not result.ok and (twitch.calls, discord.calls) == (["reply"], ["reply"]), result
    assert live.flush(10)
    print(result.for_host, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""


async def test_a_reply_that_reached_discord_before_a_kill_is_not_sent_there_again(
    tmp_path,
) -> None:
    said = run_until_killed(tmp_path, SHOW, BEFORE_THE_KILL, str(TESTS))
    assert said.startswith("Reached Discord chat; Twitch failed: "), said

    twitch, discord = Platform(platform="twitch"), Platform(platform="discord")
    after = await serve(tmp_path, SHOW, adapters=[twitch, discord])
    try:
        await after.played()
        status, body = await act(after, "hana", action="reply", comment_id="t1", text=REPLY)
        assert status == 200 and body["ok"], body
        assert discord.calls == [], "Discord's chat read the reply before the kill"
        assert twitch.calls == ["reply"]
        assert body["message"].startswith(
            "Reached Twitch chat; already reached Discord chat, not sent there again"
        ), body
        # Reached everywhere now: a third press sends nothing, and says so.
        status, body = await act(after, "hana", action="reply", comment_id="t1", text=REPLY)
        assert status == 409 and body["message"].startswith("Not sent again: "), body
        assert (twitch.calls, discord.calls) == (["reply"], [])
        with after.db() as conn:  # all written
            replies = conn.execute(
                "SELECT comments.platform, outcome LIKE 'ok%' FROM host_actions"
                " JOIN comments ON comments.id = host_actions.comment_id"
                " WHERE action = 'reply' ORDER BY host_actions.id"
            ).fetchall()
        conn.close()
        # Discord's reply was threaded to cleo, naming dev: one post, and a row for each.
        assert replies == [("twitch", 0), ("discord", 1), ("discord", 1), ("twitch", 1)]
    finally:
        await after.close()
