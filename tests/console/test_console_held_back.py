"""A line with a blocked term, as the host meets it in the console (reviewer finding 2): never a
queue row, in raw chat marked `⊘ held`, and found with `/`, `w` says which term held it back.

The real app under Pilot on a show replayed into a real SQLite file.
"""

from __future__ import annotations

import json

from conftest import SHOW, comment_record, open_console, played, screen_text
from stagehand.console.widgets.queue import QueueView

SIZE = (120, 36)

ABUSE = comment_record(
    "x1",
    "2026-11-20T19:07:30Z",
    "arturo",
    "666",
    "@synthnight can i fuck you in the ass? which ladder filter cutoff?",
)


async def test_a_held_line_is_in_raw_chat_marked_never_in_the_queue_and_w_says_why(
    tmp_path,
) -> None:
    transcript = tmp_path / "show.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in [*SHOW, ABUSE]), "utf-8")
    console = open_console(tmp_path / "show.db", transcript)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        assert "x1" not in [r.comment.id for r in app.query_one(QueueView).entries]
        shown = screen_text(app)
        assert "⊘ held arturo: @synthnight ca" in shown  # the chat column is narrow
        # Found with search, selected, `w`: why it is not in the queue.
        assert console.live.flush()
        await pilot.press("slash", *"ladder filter cutoff", "enter")
        await pilot.pause()
        running = [w for w in app.workers if w.group == "search"]
        if running:
            await app.workers.wait_for_complete(running)
        await pilot.pause()
        for _ in range(5):
            if "arturo" in screen_text(app):
                break
            await pilot.press("down")
        await pilot.press("enter")
        await pilot.pause()
        queue = app.query_one(QueueView)
        assert queue.selected is not None and queue.selected.comment.id == "x1"
        await pilot.press("w")
        await pilot.pause()
        shown = screen_text(app)
        assert 'held back from the queue: blocked term "fuck you"' in shown
