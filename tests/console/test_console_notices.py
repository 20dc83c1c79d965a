"""Notices say what happened, look like what happened, fade, and stay in a history (issue 13,
item 13)."""

from __future__ import annotations

from datetime import timedelta

from conftest import RecordingAdapter, actions_done, open_console, played, screen_text
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment

SIZE = (120, 36)


def notice_line(app) -> str:
    return screen_text(app).splitlines()[-2]


def select(app, message_id: str) -> None:
    queue = app.query_one(QueueView)
    queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == message_id))


async def test_a_notice_fades_after_a_few_seconds_and_a_problem_stays_longer(tmp_path, show_file):
    twitch = RecordingAdapter("twitch", ok=False)
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        select(app, "m4")
        await pilot.press("a")
        assert notice_line(app).strip() == "✓ Answered dev on air (u undoes)"
        app.state.notices[-1].posted -= 7  # seven seconds later
        app.redraw()  # (the console redraws every second anyway)
        assert "Ready." in notice_line(app)
        select(app, "m2")
        await pilot.press("p")
        await actions_done(pilot)
        assert "✕ failed: twitch refused the invite: missing scope" in notice_line(app)
        app.state.notices[-1].posted -= 7
        app.redraw()
        assert "✕ failed: twitch refused the invite" in notice_line(app)  # a problem stays
        app.state.notices[-1].posted -= 6
        app.redraw()
        assert "Ready." in notice_line(app)


async def test_outcomes_look_different_and_ignored_is_not_a_tick(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app, live = console.app, console.live
        gus = Author("twitch", "106", "gus")

        def say(message_id: str, text: str, author: Author = gus) -> None:
            console.clock.follow(live.now() + timedelta(seconds=10), 0.0)
            live.comment_received(
                Comment(message_id, "twitch", "synthnight", author, text, live.now())
            )

        say("c1", "!hand")
        await pilot.pause(0.3)
        assert notice_line(app).strip().startswith("✓ !hand: ok: hand raised")
        say("c2", "!lower")
        say("c3", "!lower")
        await pilot.pause(0.3)
        assert notice_line(app).strip() == "– !lower: ignored: no hand raised"
        say("c4", "!segment Envelopes")  # a viewer may not steer the show
        await pilot.pause(0.3)
        assert notice_line(app).strip() == "! refused: !segment: refused: moderators only"


async def test_what_was_recorded_is_said_and_not_passed_off_as_done(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)  # a replay: no Twitch connection
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m4")
        await pilot.press("p")
        await actions_done(pilot)
        line = notice_line(console.app).strip()
        assert line == "· stage start recorded; no Twitch connection to act through"
        assert console.db().execute("SELECT outcome FROM host_actions").fetchall() == [
            ("ok: stage start recorded; no Twitch connection to act through",)
        ]


async def test_i_shows_the_last_hundred_notices_with_their_times(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(120, 40)) as pilot:
        await played(console, pilot)
        for n in range(120):
            console.live.say(f"notice number {n}", "failed" if n == 119 else "info")
        await pilot.pause()
        await pilot.press("i")
        text = screen_text(console.app)
        assert "Notices (100, newest first)" in text
        lines = text.splitlines()
        newest = next(line for line in lines if "notice number 119" in line)
        assert "19:07:00  ✕ failed: notice number 119" in newest
        assert "19:07:00  · notice number 118" in text
        assert "notice number 19" not in text  # the oldest 20 are gone
        await pilot.press("escape")
        assert "Notices (" not in screen_text(console.app)
