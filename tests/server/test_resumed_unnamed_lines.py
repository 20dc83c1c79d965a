"""After kill -9 and resume, a moderator's `!stage @zanzibar` from before the restart still stops
naming zanzibar on the console the moment zanzibar leaves, as the database does (docs/schema.md
"What forgetting removes"): the resumed show knows from `text_names` where its recent lines name
whom."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from showserver import comment, run_until_killed, serve
from test_attach import screen_text, until

from stagehand.config import Settings
from stagehand.console.app import make_app

BEFORE = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": ["filter"]},
    comment("a1", "00:05", "zanzibar", "101", "which synth filter is best for bass?"),
    comment("m1", "00:07", "modbob", "900", "!stage @zanzibar", roles=["moderator"]),
    comment("b1", "00:10", "ben", "102", "love this show"),
]
KILL = """
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
    assert live.flush(10)
    print("killed", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""


@pytest.mark.parametrize(
    ("leaving", "shown_as"),
    [
        (["!forget", "!forget confirm"], "a forgotten viewer"),
        (["!optout"], "a viewer who opted out"),
    ],
)
async def test_a_line_from_before_a_restart_stops_naming_a_viewer_who_leaves_after_it(
    tmp_path: Path, leaving: list[str], shown_as: str
) -> None:
    assert run_until_killed(tmp_path, BEFORE, KILL) == "killed"
    after = [
        *BEFORE,
        *(comment(f"f{i}", f"00:2{i}", "zanzibar", "101", text) for i, text in enumerate(leaving)),
        comment("b2", "00:30", "ben", "102", "bye"),
    ]
    resumed = await serve(tmp_path, after, commands=True, speed=20.0)
    host = make_app(resumed.live, Settings())
    try:
        async with host.run_test(size=(140, 40)) as pilot:
            await until(lambda: any(line.comment.id == "b2" for line in host.state.raw), 10, pilot)
            await pilot.pause()
            chat = [line.comment.clean_text for line in host.state.raw]
            assert f"!stage {shown_as}" in chat, chat
            assert "zanzibar" not in " ".join(chat).casefold()
            assert "zanzibar" not in screen_text(host).casefold()
            assert resumed.live.flush()
        stored = sqlite3.connect(tmp_path / "show.db").execute(
            "SELECT text FROM comments WHERE message_id = 'm1'"
        )
        assert stored.fetchall() == [(f"!stage {shown_as}",)]  # the screen says what the file says
    finally:
        await resumed.close()
