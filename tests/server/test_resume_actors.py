"""Who did what survives a restart: a show whose own console dismissed one comment and whose
producer (token alice) dismissed another is quit and run again; the console attached after
the restart and the show's own console both still say "host" and "alice" in the handled list
(`l`), as they did before it, where they used to show the show's own console's action with no
one; the report still calls it "this machine". A real replayed show with its show server, a
real SQLite file, real consoles (Pilot)."""

from __future__ import annotations

import sqlite_utils
from showserver import FILTER_QUESTIONS, act, serve
from test_attach import attached, screen_text, until

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.console.app import make_app
from stagehand.domain import THIS_CONSOLE
from stagehand.metrics.team import read_answered_by
from stagehand.session import open_show
from stagehand.store.queries import find_show


async def test_who_acted_before_a_restart_is_still_shown_after_it(tmp_path) -> None:
    before = await serve(tmp_path, FILTER_QUESTIONS)
    await before.played()
    with before.live.acting_as(THIS_CONSOLE):  # as the show's own console acts
        assert before.live.dismiss(before.live.find_comment("twitch", "a1")).ok
    assert (await act(before, "alice", action="dismiss", comment_id="b1"))[0] == 200
    await before.close()
    expected = {"a1": THIS_CONSOLE, "b1": "alice"}

    after = await serve(tmp_path, FILTER_QUESTIONS, tokens=before.tokens)  # it resumes
    try:
        await after.played()
        remote, app = await attached(after, "alice")
        try:
            async with app.run_test(size=(120, 35)) as pilot:
                await until(lambda: len(app.state.handled) == 2, pilot=pilot)
                shown = {h.comment.id: h.actor for h in app.state.handled.values()}
                assert shown == expected
                await pilot.press("l")
                await pilot.pause()
                text = screen_text(app)
                assert "by host" in text and "by alice" in text, text
        finally:
            await remote.close()
    finally:
        await after.close()

    transcript = tmp_path / "show.jsonl"
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth",
        source=str(transcript),
        adapters=[ReplayAdapter(transcript, instant=True)],
    )
    assert live.resumed
    own = make_app(live, Settings())  # the show's own console, as the CLI makes it
    async with own.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        assert {h.comment.id: h.actor for h in own.state.handled.values()} == expected
        await pilot.press("q", "y")
    assert own.closed or await live.close()
    db = sqlite_utils.Database(tmp_path / "show.db")
    assert db.execute("SELECT action, actor FROM host_actions ORDER BY id").fetchall() == [
        ("dismiss", THIS_CONSOLE),
        ("dismiss", "alice"),
    ]
    # The report credits the show's own console as it always did.
    show = find_show(db, "synth")
    assert show is not None
    assert [(row.name, row.dismissed) for row in read_answered_by(db, show)] == [
        ("alice", 1),
        ("this machine", 1),
    ]
