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


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
@pytest.mark.parametrize(
    ("keys", "dialog", "its_keys"),
    [
        (("l",), "Handled (", "esc Close u Restore"),
        (("t",), "Topic of the live segment", "esc Cancel"),
        (("j", "r"), "Reply to fin", "esc Cancel"),
        (("j", "m"), "Moderate fin", "esc Cancel"),
        (("j", "m", "2"), "Time the author out", "y Yes n No"),
    ],
)
async def test_a_docked_dialog_leaves_nothing_half_drawn_at_small_sizes(
    tmp_path, show_file, size, keys, dialog, its_keys
):
    """At 80x24 and 100x30 a docked dialog covered the notices line and most of the footer,
    leaving pieces of them beside it (`d for 8 other askers)`, `▁▎ p q Quit s Stream`), and
    the topic dialog's hint was cut (`(Enter saves, Ta`). Now the notices line stays whole
    under the dialog (a notice shows there while it is open), the footer lists the dialog's
    own keys, the chat keeps its newest line, and hints wrap."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=size) as pilot:
        await played(console, pilot)
        for n in range(40):
            chat(console, f"c{n}", Author("twitch", f"{200 + n}", f"viewer{n}"), f"lol {n}")
        await pilot.pause(0.3)
        await pilot.press(*keys)
        await pilot.pause(0.2)
        console.live.say("the other askers were dismissed too", "info")
        await pilot.pause(0.2)
        lines = screen_text(console.app).splitlines()
        assert len(lines) == size[1]
        assert any(dialog in line for line in lines)
        # a confirmation over the moderation too (the line stood as it was when it opened:
        # Textual composited a screen two dialogs down as it was)
        assert lines[-2].strip() == "· the other askers were dismissed too"
        assert lines[-1].strip() == its_keys  # the dialog's keys, not half of the show's
        assert "viewer39: lol 39" in lines[-3]  # the chat down to its newest line, beside it
        if dialog.startswith("Topic"):
            assert "cancels)" in "\n".join(lines)  # the hint's end: wrapped, not cut


def topic_actions(console) -> list[tuple]:
    return console.db().execute("SELECT action, text FROM host_actions").fetchall()


async def test_the_topic_dialog_refuses_an_empty_title_and_records_no_unchanged_topic(
    tmp_path, show_file
):
    """An emptied title and Enter said `✓ Topic: Filters (…) (u undoes)` while the show kept
    the title without a word; Enter with nothing changed recorded a `topic` action and an undo
    step. Now the dialog says a topic needs a title and stays open, and nothing changed is
    nothing recorded."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        app = console.app
        await pilot.press("t", *["backspace"] * 10, "enter")
        text = screen_text(app)
        assert "Topic of the live segment" in text  # still open
        assert "A topic needs a title" in text
        assert topic_actions(console) == []
        await pilot.press(*"Filters", "enter")  # as it was: nothing to record
        assert "Topic of the live segment" not in screen_text(app)
        assert notice_line(app) == "– Topic unchanged"
        assert topic_actions(console) == []
        await pilot.press("u")
        assert notice_line(app) == "– Nothing to undo: this console has done nothing yet"
        await pilot.press("t", "tab", *", ladder", "enter")  # one real edit: one row
        assert notice_line(app).startswith("✓ Topic: Filters (filter, cutoff, resonance, ladder)")
        assert topic_actions(console) == [("topic", "Filters | filter, cutoff, resonance, ladder")]


def notice_line(app) -> str:
    return screen_text(app).splitlines()[-2].strip()


async def test_the_moderate_dialog_says_what_it_expects_after_a_key_it_does_not_take(
    tmp_path, show_file
):
    """`5` or `x` in the moderation dialog did nothing at all; now a line there says which
    keys it takes, and nothing is done."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        await pilot.press("j", "m")
        assert "Moderate fin" in screen_text(console.app)
        for key in ("5", "x"):
            await pilot.press(key)
            text = screen_text(console.app)
            assert f"'{key}' is not a choice: 1, 2 or 3" in text, text
            assert "Moderate fin" in text
        await pilot.press("escape")
        assert "Moderate fin" not in screen_text(console.app)
        assert moderated(console) == []


@pytest.mark.parametrize(
    ("keys", "asked"),
    [
        (("j", "m", "2"), "Time the author out for 10 minutes"),  # the plain confirmation
        (("j", "m", "3"), "Ban the author"),
    ],
)
async def test_a_confirmation_over_the_moderate_dialog_keeps_the_show_moving(
    tmp_path, show_file, keys, asked
):
    """The moderation's confirmation opens over the moderate dialog: the queue, the chat and
    the header behind both keep updating (they froze as they were when it opened, until both
    closed), and its keys go to it alone: the moderate dialog's `1`/`3` under it do nothing, `n`
    goes back to the moderate dialog, which is live too, and `y` moderates once."""
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press(*keys)
        await pilot.pause()
        assert asked in screen_text(console.app)
        chat(console, "m7", Author("twitch", "106", "gus"), "what cutoff do you use on bass?")
        await pilot.pause(0.3)
        text = screen_text(console.app)
        assert "gus: what cutoff do you use" in text, text  # the raw chat, beside the dialog
        assert any("gus" in line and "cutoff" in line for line in text.splitlines()[:12]), text
        assert "Queue (7)" in text, text
        # one dialog at a time on screen: the moderate dialog's frame does not show above it
        edges = [line for line in text.splitlines() if line.startswith("▀" * 20)]
        assert "Moderate fin" not in text and len(edges) == 1, text
        await pilot.press("1", "3")  # the moderate dialog's keys: not this dialog's
        await pilot.pause()
        text = screen_text(console.app)
        assert asked in text and "Delete this comment" not in text, text
        await pilot.press("n")
        await pilot.pause()
        chat(console, "m8", Author("twitch", "107", "hal"), "which resonance is too much?")
        await pilot.pause(0.3)
        text = screen_text(console.app)
        assert "Moderate fin" in text and "hal: which resonance" in text, text
        await pilot.press(keys[-1], "y")
        await actions_done(pilot)
        assert [call[0] for call in twitch.calls] == ["moderate"]
        assert "Moderate fin" not in screen_text(console.app)
