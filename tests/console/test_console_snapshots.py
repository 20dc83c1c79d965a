"""SVG snapshots of the console (pytest-textual-snapshot), with show time frozen.

The show is replayed instantly, so the show clock stands at its last event; the wall clock is
fixed too. Update after a deliberate change with `pytest tests/console --snapshot-update` and
look at the SVGs in __snapshots__ before committing them.
"""

from __future__ import annotations

import asyncio

from conftest import open_console
from stagehand.console.widgets.queue import QueueView


def settle(console, *keys: str):
    async def run_before(pilot) -> None:
        await asyncio.wait_for(console.replay.finished.wait(), 10)
        await pilot.pause()
        assert console.live.flush()
        await console.app.workers.wait_for_complete([console.app.refresh_metrics()])
        console.app.redraw()
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        for group in ("actions", "metrics"):  # host actions, then the numbers they changed
            running = [w for w in console.app.workers if w.group == group]
            if running:
                await console.app.workers.wait_for_complete(running)
            await pilot.pause()
        console.app.redraw()
        await pilot.pause()

    return run_before


def test_main_screen_80x24(snap_compare, tmp_path, show_file) -> None:
    console = open_console(tmp_path / "show.db", show_file)
    assert snap_compare(console.app, terminal_size=(80, 24), run_before=settle(console))


def test_main_screen_200x60_with_reasons(snap_compare, tmp_path, show_file, monkeypatch) -> None:
    # The default database: the line, wide enough for the report's command, names no tmp path.
    monkeypatch.setenv("STAGEHAND_DATABASE_PATH", str(tmp_path / "show.db"))
    console = open_console(tmp_path / "show.db", show_file)
    assert snap_compare(console.app, terminal_size=(200, 60), run_before=settle(console, "j", "w"))


def test_help_screen(snap_compare, tmp_path, show_file) -> None:
    console = open_console(tmp_path / "show.db", show_file)
    assert snap_compare(
        console.app, terminal_size=(100, 32), run_before=settle(console, "question_mark")
    )


def test_stage_state(snap_compare, tmp_path, show_file) -> None:
    console = open_console(tmp_path / "show.db", show_file)

    async def pull_dev(pilot) -> None:
        await settle(console)(pilot)
        queue = console.app.query_one(QueueView)
        queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == "m4"))
        await settle(console, "p")(pilot)

    assert snap_compare(console.app, terminal_size=(120, 36), run_before=pull_dev)


def test_reply_dialog_docked_beside_the_chat(snap_compare, tmp_path, show_file) -> None:
    console = open_console(tmp_path / "show.db", show_file)
    assert snap_compare(
        console.app, terminal_size=(120, 36), run_before=settle(console, "j", "r", *"thanks")
    )
