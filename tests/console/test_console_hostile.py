"""Chat text is data: markup, escapes and 10,000 characters stay inert, readable text."""

from __future__ import annotations

from conftest import HOSTILE, open_console, played, screen_text
from stagehand.console.names import name_of
from stagehand.console.text import plain
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author

SIZE = (160, 40)


async def test_hostile_comments_show_as_plain_text_and_trigger_nothing(tmp_path, hostile_file):
    console = open_console(tmp_path / "show.db", hostile_file)
    seen: list[object] = []
    async with console.app.run_test(size=SIZE, message_hook=seen.append) as pilot:
        await played(console, pilot)
        app = console.app
        queue = app.query_one(QueueView)
        assert len(queue.entries) == 5
        lines = screen_text(app).splitlines()
        text = "\n".join(lines)
        # markup is shown as the characters typed
        assert "[@click=app.quit]x[/] click me" in text
        assert "[b]bold?[/b] and a lone [ bracket [red]" in text
        queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == "x1"))
        await pilot.pause()
        assert "[@click=app.quit]name[/]" in screen_text(app)  # in a name, too (detail pane)
        # escape sequences are gone, their harmless text stays
        assert "before red after evil" in text
        assert "\x1b" not in text and "pwned" not in text and "\u202e" not in text
        # the layout holds: every line is the terminal's width, header on top, footer at the bottom
        assert len(lines) == SIZE[1] and all(len(line) <= SIZE[0] for line in lines)
        assert lines[0].startswith(" stagehand Synth Night")
        assert "The replay is over" in lines[-2] or "Answered" in lines[-2]
        # the 10,000-character comment takes one queue row (cut with …), not the screen
        long_rows = [line for line in lines if "AAAAAAAA" in line]
        assert long_rows and all("…" in row for row in long_rows)
        # click the markup link in the queue and in the detail pane: nothing but selection
        index = next(i for i, r in enumerate(queue.entries) if r.comment.id == "h1")
        await pilot.click(QueueView, offset=(30, 1 + index))  # under the queue's title line
        assert queue.selected is not None and queue.selected.comment.id == "h1"
        await pilot.click("#detail", offset=(3, 2))
        await pilot.pause()
        assert app.is_running
        assert not any(type(m).__name__ == "ExitApp" for m in seen)
        # the detail pane shows the whole (sanitized, capped) text without breaking out
        await pilot.press("end")
        detail = app.query_one("#detail")
        assert detail.size.height <= 12  # capped: the long text cannot push the queue away
        assert queue.size.height >= 10
        assert app.is_running
    assert console.db().execute("SELECT count(*) FROM host_actions").fetchone() == (0,)


async def test_hostile_text_in_dialogs_and_search_is_inert(tmp_path, hostile_file):
    console = open_console(tmp_path / "show.db", hostile_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == "h1"))
        await pilot.press("r")
        assert "[@click=app.quit]x[/] click me" in screen_text(console.app)
        await pilot.press("escape", "slash", *"click", "enter")
        await console.app.screen.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(console.app)
        assert "[@click=app.quit]x[/] click me" in text
        # a name with markup, escapes and bidi overrides, found by search: still only text
        for words, shown in (
            ("markup", "[@click=app.quit]name[/]: a name with markup"),
            ("evil", "before red after evil"),
            ("bold", "[b]bold?[/b] and a lone [ bracket [red]"),
        ):
            await pilot.press("slash", "ctrl+u", *words, "enter")
            await console.app.screen.workers.wait_for_complete()
            await pilot.pause()
            text = screen_text(console.app)
            assert shown in text, (words, text)
            assert "\x1b" not in text and "pwned" not in text and "\u202e" not in text
        await pilot.press("enter")  # the markup's click selects nothing but the comment
        assert console.app.is_running
    assert set(HOSTILE) <= {
        row[0] for row in console.db().execute("SELECT message_id FROM comments")
    }


def test_joined_emoji_are_drawn_apart_so_no_row_runs_into_the_next_panel() -> None:
    """A ZWJ family, a VS16 heart, a skin tone or a subdivision flag is one glyph, two cells
    wide, in the terminal; Textual counts its parts. Drawn apart, each emoji is as wide as
    Textual counts it, so a line of them cannot push the queue's text into the hands panel."""
    joined = "👨\u200d👩\u200d👧\u200d👦 ❤\ufe0f 👍🏽 🏳\ufe0f\u200d🌈 🏴\U000e0067\U000e0062\U000e0065\U000e006e\U000e0067\U000e007f"
    drawn = plain(joined).plain
    assert drawn == "👨👩👧👦 ❤ 👍 🏳🌈 🏴"
    # (on Twitch a display name that is more than the login shows the login beside it)
    assert (
        name_of(Author("twitch", "1", "fam", "fam 👨\u200d👩\u200d👧"), staff=None)
        == "fam 👨👩👧 (fam)"
    )
    assert plain("no emoji, unchanged").plain == "no emoji, unchanged"
