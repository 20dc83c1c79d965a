"""The On stage panel never drops a guest without saying so (user review 19, finding 7): its
title counts the guests, and those it has no room for are named in a last "+N more" line. The
real console under Pilot at 100x30, on a show replayed into a real SQLite file."""

from __future__ import annotations

from conftest import actions_done, open_console, played, select

SIZE = (100, 30)
GUESTS = {"m1": "ana", "m2": "ben", "m3": "Cleo", "m4": "dev", "m5": "eve", "m6": "fin"}


async def test_every_guest_on_stage_is_shown_or_counted(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    app = console.app
    async with app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        for message_id in GUESTS:
            select(app, message_id)
            await pilot.press("p")
            await actions_done(pilot)
        app.redraw()
        await pilot.pause()
        app.redraw()
        await pilot.pause()
        panel = app.query_one("#stage")
        assert str(panel.border_title) == "On stage (6)"
        shown = str(panel.render()).splitlines()
        assert len(shown) <= panel.content_region.height  # nothing cut off below
        starred = [line for line in shown if line.startswith("★ ")]
        more = [line for line in shown if line.startswith("+")]
        assert starred and len(starred) < len(GUESTS)  # 100x30 has no room for all six
        assert more == [f"+{len(GUESTS) - len(starred)} more on stage: " + more[0].split(": ")[1]]
        listed = " ".join(starred) + more[0]
        assert all(name in listed for name in GUESTS.values())  # each one shown or named
        await pilot.press("q", "y")
        await pilot.pause(0.5)
