"""The on-stage panel shows what a guest said in chat since they came on stage, on every screen
and after a restart (review B, finding 8: the host's console said "(nothing said in chat since)"
while an attached producer's showed the guest's lines from before they came on, and after kill
-9 and resume the host's console showed those earlier lines too)."""

from __future__ import annotations

from datetime import timedelta

from showserver import act, comment, run_until_killed, serve
from test_attach import console_of, screen_text, until

from stagehand.config import Settings
from stagehand.console.app import make_app
from stagehand.domain import Author, Comment

RECORDS = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": ["filter"]},
    comment("a1", "00:05", "ana", "101", "which synth filter is best for bass?"),
    comment("b1", "00:10", "ben", "102", "love this show"),
]
ANA = Author("twitch", "101", "ana")
BEFORE = "› which synth filter"
SINCE = "› hi from the stage"
NOTHING = "(nothing said in chat since)"
SIZE = (140, 40)


async def test_every_screen_shows_a_guests_lines_since_they_came_on_stage(tmp_path) -> None:
    served = await serve(tmp_path, RECORDS)
    await served.played()
    try:
        status, body = await act(served, "hana", action="stage", comment_id="a1")
        assert status == 200 and body["ok"], body
        host = make_app(served.live, Settings())
        async with (
            host.run_test(size=SIZE) as host_pilot,
            console_of(served, "alice", size=SIZE) as (_, producer, pilot),
        ):
            for app, on in ((host, host_pilot), (producer, pilot)):
                await until(lambda app=app: "★ ana" in screen_text(app), 5, on)
                text = screen_text(app)
                assert NOTHING in text and BEFORE not in text, text
            live = served.live
            live.comment_received(
                Comment("a2", "twitch", "synthnight", ANA, "hi from the stage", live.now())
            )
            for app, on in ((host, host_pilot), (producer, pilot)):
                await until(lambda app=app: SINCE in screen_text(app), 5, on)
                assert BEFORE not in screen_text(app)
    finally:
        await served.close()


async def test_a_guests_first_line_on_stage_shows_when_the_platforms_clock_is_behind(
    tmp_path,
) -> None:
    """On a live show a comment's time is the platform's clock (Twitch's message timestamp,
    Discord's created_at) and the stage start the show's: with the platform 5 s behind, what
    ana says in her first seconds on stage is dated before she came on. Every screen shows it
    all the same, as it arrived after: the host's, open when she came on, and a producer's
    attached after."""
    served = await serve(tmp_path, RECORDS)
    await served.played()
    try:
        host = make_app(served.live, Settings())
        async with host.run_test(size=SIZE) as host_pilot:
            status, body = await act(served, "hana", action="stage", comment_id="a1")
            assert status == 200 and body["ok"], body
            await until(lambda: NOTHING in screen_text(host), 5, host_pilot)
            async with console_of(served, "alice", size=SIZE) as (_, producer, pilot):
                await until(lambda: NOTHING in screen_text(producer), 5, pilot)
                await _said_behind(served, ((host, host_pilot), (producer, pilot)))
    finally:
        await served.close()


async def _said_behind(served, consoles) -> None:  # type: ignore[no-untyped-def]
    """ana says a line dated 5 s before now; each of `consoles` shows it under her on stage."""
    live = served.live
    behind = live.now() - timedelta(seconds=5)
    live.comment_received(Comment("a2", "twitch", "synthnight", ANA, "hi from the stage", behind))
    for app, on in consoles:
        await until(lambda app=app: SINCE in screen_text(app), 5, on, said=_panel(app))
        assert BEFORE not in screen_text(app)


def _panel(app):  # type: ignore[no-untyped-def]
    return lambda: screen_text(app)


#: ana asks, raises her hand and is brought on stage by it; ben chats on.
BY_HAND = [*RECORDS[:3], comment("a3", "00:06", "ana", "101", "!hand"), *RECORDS[3:]]
#: The show before the kill: ana brought on stage by her raised hand, then SIGKILL.
BEFORE_THE_KILL = """
import asyncio, os, signal, sys
from pathlib import Path
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.session import open_show

async def main(folder):
    transcript = folder / "show.jsonl"
    live = open_show(Settings(), db_path=folder / "show.db", show_name="synth",
                     source=str(transcript), adapters=[ReplayAdapter(transcript, instant=True)],
                     commands=True)
    await live.run_adapters()
    assert (await live.pull_on_stage(author=live.hands[0])).ok
    assert live.flush(10)
    print("killed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""


async def test_after_a_restart_the_hosts_console_shows_no_line_from_before_the_stage(
    tmp_path,
) -> None:
    assert run_until_killed(tmp_path, BY_HAND, BEFORE_THE_KILL) == "killed"
    resumed = await serve(tmp_path, BY_HAND, commands=True)
    host = make_app(resumed.live, Settings())  # as `stagehand replay` opens it: before it plays
    await resumed.played()
    try:
        assert [s.author.name for s in resumed.live.on_stage] == ["ana"]
        async with host.run_test(size=SIZE) as host_pilot:
            await until(lambda: "★ ana" in screen_text(host), 5, host_pilot)
            assert NOTHING in screen_text(host) and BEFORE not in screen_text(host)
            # What she says now shows, though the platform's clock dates it before the stage.
            await _said_behind(resumed, ((host, host_pilot),))
    finally:
        await resumed.close()
