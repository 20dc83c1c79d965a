"""Nothing moves under the host's hands: what is selected changes only by a key press or a click,
a key acts on what the host sees selected or on nothing, and the rows on screen stay put while
the host reads further down the queue (issue 13, items 8, 11 and 12)."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets._footer import FooterKey

from conftest import actions_done, open_console, played, screen_text
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment

SIZE = (120, 36)


def host_actions(console) -> list[tuple]:
    return (
        console.db()
        .execute(
            "SELECT h.action, c.message_id FROM host_actions h"
            " LEFT JOIN comments c ON c.id = h.comment_id ORDER BY h.id"
        )
        .fetchall()
    )


def row_of(queue: QueueView, message_id: str) -> int:
    return next(i for i, r in enumerate(queue.entries) if r.comment.id == message_id)


def chat(console, message_id: str, name: str, text: str, *, seconds: float = 1.0) -> None:
    live = console.live
    console.clock.follow(live.now() + timedelta(seconds=seconds), 0.0)
    live.comment_received(
        Comment(
            message_id,
            "twitch",
            "synthnight",
            Author("twitch", f"u-{name}", name),
            text,
            live.now(),
        )
    )


async def test_nothing_is_selected_before_the_host_picks_a_comment(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        assert queue.selected is None
        assert "Nothing selected. ↓ or j selects the top comment" in screen_text(console.app)
        await pilot.press("a", "d")
        assert "Nothing to dismiss: nothing is selected" in screen_text(console.app)
        assert host_actions(console) == []  # the top comment was never the host's choice
        await pilot.press("j")
        assert queue.selected is queue.entries[0]
        await pilot.press("a")
        assert host_actions(console) == [("answer", "m6")]


async def test_a_comment_answered_elsewhere_is_never_replaced_by_its_neighbour(tmp_path, show_file):
    """The demo's surprise: `d` half a second after someone else answered the selected comment
    dismissed a different one. Now nothing happens, and the notice says why."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        queue.select(row_of(queue, "m4"))
        await pilot.pause()
        below = queue.entries[row_of(queue, "m4") + 1].comment.id
        # a co-host's console (or a moderator's !command) answers it: same show, another hand
        console.live.answer(console.live.find_comment("twitch", "m4"))
        # `d` before the screen was redrawn: called at once, as a key handled before the
        # redraw is (which of the two Textual takes first depends on the machine's load)
        console.app.action_dismiss()
        await pilot.pause()
        assert "Nothing to dismiss: dev's comment was answered just before" in screen_text(
            console.app
        )
        await pilot.pause(0.3)
        assert queue.selected is None and queue.lost is not None
        text = screen_text(console.app)
        assert "dev's comment left the queue (answered)" in text
        await pilot.press("d")
        assert host_actions(console) == [("answer", "m4")]  # nothing was dismissed
        # the next comment is one key away, and only a key away
        await pilot.press("j")
        assert queue.selected is not None and queue.selected.comment.id == below


async def test_the_selection_follows_its_comment_as_better_ones_arrive(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        queue.select(row_of(queue, "m2"))
        for n in range(3):
            chat(
                console, f"n{n}", f"viewer{n}", f"how do filter cutoff and resonance interact {n}?"
            )
        await pilot.pause(0.3)
        assert queue.selected is not None and queue.selected.comment.id == "m2"
        await pilot.press("a")
        assert host_actions(console) == [("answer", "m2")]


async def test_a_click_selects_the_row_under_the_pointer(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        for row in (0, 2, 4):
            # the queue's first line is its title; rows start on the next one
            await pilot.click(QueueView, offset=(30, 1 + row))
            assert queue.selected is queue.entries[row], row
        await pilot.click(QueueView, offset=(30, 0))  # the title line selects nothing new
        assert queue.selected is queue.entries[4]
        await pilot.press("d")
        assert host_actions(console) == [("dismiss", queue.lost.comment.id)]


async def test_a_footer_click_acts_only_on_what_the_host_selected(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        answer = next(k for k in console.app.query(FooterKey) if k.action.endswith("answer"))
        await pilot.click(answer)
        await actions_done(pilot)
        assert host_actions(console) == []
        queue = console.app.query_one(QueueView)
        queue.select(row_of(queue, "m2"))
        await pilot.click(answer)
        await pilot.click(answer)  # twice: the second finds nothing selected
        assert host_actions(console) == [("answer", "m2")]


async def test_scrolled_down_the_rows_stay_and_new_ones_are_counted_above(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(120, 24)) as pilot:
        await played(console, pilot)
        for n in range(30):
            chat(console, f"f{n}", f"filler{n}", f"ok {n}", seconds=0.1)
        await pilot.pause(0.3)
        queue = console.app.query_one(QueueView)
        await pilot.press("end", *["k"] * 3)  # read down the queue, selection mid-screen
        assert queue.top > 0
        shown = [r.comment.id for r in queue.entries[queue.top : queue.top + queue.size.height]]
        selected = queue.selected
        asked = [
            "what cutoff do you use for the bass patch?",
            "does resonance change the filter volume?",
            "which filter setting suits slow pads?",
        ]  # three different questions: one row each (the same question asked again is one row)
        for n, question in enumerate(asked):
            chat(console, f"q{n}", f"asker{n}", question)
        await pilot.pause(0.3)
        still = [r.comment.id for r in queue.entries[queue.top : queue.top + queue.size.height]]
        assert still == shown  # nothing scrolled under the host's eyes
        assert queue.selected is selected
        assert queue.new_above == 3
        assert "↑ 3 new (Home)" in screen_text(console.app)
        await pilot.press("home")
        assert queue.top == 0 and "new (Home)" not in screen_text(console.app)
        assert {"q0", "q1", "q2"} <= {r.comment.id for r in queue.entries[:4]}


async def test_a_row_shows_an_edit_made_on_the_platform(tmp_path, show_file):
    """Rows are drawn once and reused: an edit must still reach the screen."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        assert "how do you stop the resonance" in screen_text(console.app)
        live = console.live
        live.comment_edited("twitch", "m4", "how do you tame the resonance peak?", live.now())
        await pilot.pause(0.3)
        queue_rows = screen_text(console.app).split("Selected")[0]
        assert "how do you tame the resonance peak?" in queue_rows
        assert "how do you stop the resonance" not in queue_rows
