"""The On stage panel never drops a guest without saying so (user review 19, finding 7): its
title counts the guests, and those it has no room for are named in a last "+N more" line. The
real console under Pilot at 100x30, on a show replayed into a real SQLite file."""

from __future__ import annotations

import pytest

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


async def _stage_at(tmp_path, show_file, size, guests, on_stream) -> list[str]:
    """Bring `guests` on stage and `on_stream` on the stream at `size`; the panel's lines."""
    console = open_console(tmp_path / "show.db", show_file)
    app = console.app
    async with app.run_test(size=size) as pilot:
        await played(console, pilot)
        for message_id in guests:
            select(app, message_id)
            await pilot.press("p")
            await actions_done(pilot)
        select(app, on_stream)
        await pilot.press("s")
        await actions_done(pilot)
        app.redraw()
        await pilot.pause()
        app.redraw()
        await pilot.pause()
        panel = app.query_one("#stage")
        assert str(panel.border_title) == f"On stage ({len(guests)})"
        shown = str(panel.render()).splitlines()
        assert len(shown) <= panel.content_region.height  # nothing cut off below
        await pilot.press("q", "y")
        await pilot.pause(0.5)
    return shown


@pytest.mark.parametrize("size", [(60, 12), (80, 12), (80, 16)])
@pytest.mark.parametrize("guests", [["m1"], ["m1", "m2"], ["m1", "m2", "m3"]])
async def test_a_small_terminal_shows_or_names_every_guest_and_never_crashes(
    tmp_path, show_file, size, guests
) -> None:
    """At terminals smaller than 80x24 (which the console still runs at) one guest whose lines
    and the card on stream were more than the panel's room crashed the console (IndexError in
    the panel's fitting); two guests with room for two lines left one neither shown nor named."""
    shown = await _stage_at(tmp_path, show_file, size, guests, on_stream="m4")
    starred = [line for line in shown if line.startswith("★ ")]
    more = [line for line in shown if "on stage: " in line and line.startswith("+")]
    listed = " ".join(starred + more)
    assert all(GUESTS[message_id] in listed for message_id in guests), shown
    assert starred, shown  # the first guest is always shown by name
