"""The console at the 80x24 floor and under it: every key the footer lists reads whole, and a
terminal too small says so while the queue still shows what viewers wrote.

The real console under Pilot on a show replayed into a real SQLite file; what is asserted is the
screen's text, as the host reads it.
"""

from __future__ import annotations

from conftest import end_said, open_console, played, screen_text
from stagehand.console.actions import ACTIONS

FOOTER_ORDER = [
    f"{action.shown_keys} {action.label}"
    for action in sorted(
        (a for a in ACTIONS.values() if a.footer is not None), key=lambda a: a.footer or 0
    )
]
TOO_SMALL = "The terminal is 60x20; the console needs 80x24 or more"


def footer_line(app) -> str:
    return screen_text(app).splitlines()[-1].strip()


async def test_the_footer_lists_only_whole_keys_at_every_width(tmp_path, show_file) -> None:
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        # At the floor the ten keys used on air, each whole (it ended `q Quit l H`).
        assert footer_line(console.app) == " ".join(FOOTER_ORDER[:10])

        await pilot.resize_terminal(200, 40)
        await pilot.pause()
        await pilot.pause()
        assert footer_line(console.app) == " ".join(FOOTER_ORDER)

        # Narrower still: fewer keys, never a cut one, and `? Help` (where the rest are) stays.
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        await pilot.pause()
        line = footer_line(console.app)
        assert line.endswith("? Help"), line
        assert line == " ".join([*FOOTER_ORDER[:7], "? Help"])


async def test_under_the_floor_it_says_so_and_the_queue_keeps_its_text(tmp_path, show_file) -> None:
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(60, 20)) as pilot:
        await played(console, pilot)
        await end_said(console, pilot)
        screen = screen_text(console.app)
        assert TOO_SMALL in screen
        # The queue's rows still carry what the viewers wrote (the rows were names and ages).
        assert "is a ladder fi" in screen
        assert "the VCO drifts" in screen

        # Made big enough, the warning goes and the rows have their platform tags again.
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        await pilot.pause()
        screen = screen_text(console.app)
        assert TOO_SMALL not in screen and "needs 80x24" not in screen
        assert "?·N· fin            TW  now is a ladder filter" in screen
