"""What a show killed mid-show says when it is run again, about whom: the guest it left on stage
and the comment it left on stream are named as chat named them, and those names are recorded
where the notice says them, so a viewer who opts out later is no longer named by it; a guest
who had opted out is said as every screen says them, never by the pseudonym the store keeps.

The show before the kill runs in a child process (`session.open_show`, a replayed transcript, a
real SQLite file) and ends by SIGKILL; the same show is then opened again here (it resumes).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from showserver import FILTER_QUESTIONS, run_until_killed

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.console.state import ConsoleState
from stagehand.domain import OPTED_OUT_NAME, Author
from stagehand.session import open_show

#: Ana and Ben on stage, Ben opts out, Dev's comment on stream; written, then SIGKILL.
BEFORE_THE_KILL = """
import asyncio, os, signal, sys
import sqlite3
from pathlib import Path
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.session import open_show

async def main(folder):
    transcript = folder / "show.jsonl"
    # A live show (its stage ends at a kill as a replay's does not) hearing recorded chat.
    live = open_show(Settings(), db_path=folder / "show.db", show_name="synth",
                     adapters=[ReplayAdapter(transcript, instant=True)], commands=False)
    await live.run_adapters()
    find = lambda i: live.find_comment("twitch", i)
    assert (await live.pull_on_stage(find("a1"))).ok
    ben = find("b1").author
    assert (await live.pull_on_stage(find("b1"))).ok
    assert live.feature(find("d1")).ok
    assert live.set_opted_out(ben, True).ok
    assert live.flush(10)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""

ON_STAGE = " was on stage when the show stopped: off stage since then"
ON_STREAM = "'s comment was on stream when the show stopped: it is off stream now"


async def test_the_notices_at_resume_name_no_one_who_opted_out(tmp_path: Path) -> None:
    run_until_killed(tmp_path, FILTER_QUESTIONS, BEFORE_THE_KILL)
    # It heard its chat from a recording, which keeps how far it played; a show Twitch feeds
    # keeps none, and only such a show ends its stage at a kill (a replay's time has no gap).
    with sqlite3.connect(tmp_path / "show.db") as db:
        db.execute("DELETE FROM replay_positions")
    db.close()
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth",
        adapters=[ReplayAdapter(tmp_path / "show.jsonl", instant=True)],
        commands=False,
    )
    try:
        assert live.resumed
        screen = ConsoleState()
        for notice in live.startup_notices:
            screen.apply(notice)
        live.add_listener(screen.apply)
        said = [n.text for n in screen.notices]
        assert any(t.startswith("ana" + ON_STAGE) for t in said), said
        # Ben opted out before the kill: said as every screen says him, not "anonymous-7".
        opted = OPTED_OUT_NAME[:1].upper() + OPTED_OUT_NAME[1:]
        assert any(t.startswith(opted + ON_STAGE) for t in said), said
        assert not [t for t in said if "anonymous" in t], said
        assert any(t.startswith("dev" + ON_STREAM) for t in said), said

        # Ana and Dev opt out now: the notices that named them no longer do.
        for user, name in (("101", "ana"), ("104", "dev")):
            assert live.set_opted_out(Author("twitch", user, name), True).ok
        said = [n.text for n in screen.notices]
        assert not [t for t in said if "ana" in t.split() or t.startswith(("ana", "dev"))], said
        assert sum(t.startswith(OPTED_OUT_NAME + ON_STAGE) for t in said) == 1, said
        assert any(t.startswith(OPTED_OUT_NAME + ON_STREAM) for t in said), said
    finally:
        assert await live.close()
