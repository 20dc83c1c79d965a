"""Dialogs keep the show in view (issue 13, item 14), and moderation against the show's own
people needs a deliberate confirmation (item 15)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conftest import RecordingAdapter, actions_done, open_console, played, screen_text
from stagehand.config import Settings, ShowSettings
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment

SIZE = (120, 36)


def select(app, message_id: str) -> None:
    queue = app.query_one(QueueView)
    queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == message_id))


def chat(console, message_id: str, author: Author, text: str) -> None:
    live = console.live
    console.clock.follow(live.now() + timedelta(seconds=1), 0.0)
    live.comment_received(
        Comment(message_id, author.platform, "synthnight", author, text, live.now())
    )


@pytest.mark.parametrize(
    ("keys", "dialog"),
    [
        (("j", "r"), "Reply to fin"),
        (("j", "m"), "Moderate fin"),
        (("t",), "Topic of the live segment"),
        (("slash",), "Search this show's comments"),
        (("l",), "Handled ("),
    ],
)
async def test_a_dialog_keeps_the_queue_and_the_chat_in_view_and_moving(
    tmp_path, show_file, keys, dialog
):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        for n in range(40):  # enough chat to fill the chat column down to its last line
            chat(console, f"c{n}", Author("twitch", f"{200 + n}", f"viewer{n}"), f"lol {n}")
        await pilot.pause(0.3)
        await pilot.press(*keys)
        text = screen_text(console.app)
        assert dialog in text
        lines = text.splitlines()
        # the queue's rows and the chat column are still there above and beside the dialog
        assert any("fin" in line and "ladder filter" in line for line in lines[:12])
        assert "Chat" in text and "viewer39: lol 39" in text  # the newest line, at the bottom
        # and chat keeps arriving while the host types
        chat(console, "m7", Author("twitch", "106", "gus"), "what cutoff do you use on bass?")
        await pilot.pause(0.3)
        text = screen_text(console.app)
        assert "gus: what cutoff do you use" in text  # the raw chat, beside the dialog
        assert any("gus" in line and "cutoff" in line for line in text.splitlines()[:12])
        assert dialog in text


async def test_a_dialog_keeps_beside_the_side_column_when_the_terminal_is_resized(
    tmp_path, show_file
):
    """Resized with the reply dialog open, the dialog stays as wide as the queue's column: the
    side column (stage, hands, the newest chat) stays uncovered (it was measured on the
    dialog itself, which has no side column, and spread across the chat)."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press("j", "r")
        for size in ((200, 60), (90, 30), (160, 45)):
            await pilot.resize_terminal(*size)
            await pilot.pause(0.2)
            side = console.app.screen_stack[0].query_one("#side")
            dock = console.app.screen.query_one(".dock")
            assert dock.outer_size.width + side.outer_size.width == size[0], size
            assert "Reply to fin" in screen_text(console.app)


async def pick_by_search(console, pilot, words: str) -> None:
    """The show's own people never enter the queue: a host finds their line by search."""
    assert console.live.flush()
    await pilot.press("slash", *words, "enter")
    await pilot.pause()
    running = [w for w in console.app.workers if w.group == "search"]
    if running:
        await console.app.workers.wait_for_complete(running)
    await pilot.pause()
    await pilot.press("enter")
    selected = console.app.query_one(QueueView).selected
    assert selected is not None and selected.comment.id == "x1"


def moderated(console) -> list[tuple]:
    return (
        console.db().execute("SELECT text FROM host_actions WHERE action = 'moderate'").fetchall()
    )


@pytest.mark.parametrize(
    ("author", "role"),
    [
        (Author("twitch", "1", "synthnight", roles=frozenset({"broadcaster"})), "the broadcaster"),
        (Author("twitch", "2", "priya"), "a co-host of this show"),  # from [show] hosts
        (Author("twitch", "3", "mo", roles=frozenset({"moderator"})), "a moderator"),
    ],
)
async def test_banning_the_shows_own_people_needs_a_deliberate_confirmation(
    tmp_path, show_file, author, role
):
    twitch = RecordingAdapter("twitch")
    settings = Settings(show=ShowSettings(hosts=["twitch:priya"]))
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,), settings=settings)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        chat(console, "x1", author, "what resonance filter cutoff should we try next?")
        await pick_by_search(console, pilot, "try next")
        await pilot.press("m", "3")
        text = screen_text(console.app)
        assert f"{author.name} is {role}." in text and "Type ban and Enter" in text
        await pilot.press("y", "enter")  # the usual yes does nothing here
        await actions_done(pilot)
        assert twitch.calls == [] and moderated(console) == []
        await pilot.press(*"ban", "enter")
        await actions_done(pilot)
        assert twitch.calls == [("moderate", "x1:ban:None")]
        assert moderated(console) == [("ban",)]


async def test_a_timeout_of_a_moderator_can_be_called_off(tmp_path, show_file):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    mod = Author("twitch", "3", "mo", roles=frozenset({"moderator"}))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        chat(console, "x1", mod, "@ana no self promo please, what filter is that?")
        await pick_by_search(console, pilot, "promo")
        await pilot.press("m", "2")
        assert "mo is a moderator." in screen_text(console.app)
        await pilot.press("escape")
        await actions_done(pilot)
        assert twitch.calls == [] and moderated(console) == []
        # deleting their message is no threat to the show: the plain confirmation
        await pilot.press("1")
        assert "is a moderator" not in screen_text(console.app)
        await pilot.press("y")
        await actions_done(pilot)
        assert moderated(console) == [("delete",)]
