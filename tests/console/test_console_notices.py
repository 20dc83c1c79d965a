"""Notices say what happened, look like what happened, fade, and stay in a history (issue 13,
item 13)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime, timedelta

from conftest import (
    FIXED_WALL,
    OVER,
    SHOW,
    RecordingAdapter,
    actions_done,
    comment_record,
    end_said,
    open_console,
    played,
    screen_text,
    select,
)
from stagehand.adapters.replay import ReplayAdapter
from stagehand.clock import ShowClock
from stagehand.config import Settings
from stagehand.console.app import make_app
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment
from stagehand.session import open_show

SIZE = (120, 36)


def notice_line(app) -> str:
    return screen_text(app).splitlines()[-2]


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
        assert notice_line(app).strip() == OVER  # the idle line of a replay played to its end
        select(app, "m2")
        await pilot.press("p")
        await actions_done(pilot)
        assert "✕ failed: ben: twitch refused the invite: missing scope" in notice_line(app)
        app.state.notices[-1].posted -= 7
        app.redraw()
        assert "✕ failed: ben: twitch refused the invite" in notice_line(app)  # a problem stays
        app.state.notices[-1].posted -= 6
        app.redraw()
        assert notice_line(app).strip() == OVER  # the idle line of a replay played to its end


async def test_outcomes_look_different_and_ignored_is_not_a_tick(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await end_said(console, pilot)
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
        assert line == "· dev: stage start recorded; no Twitch connection to act through"
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


async def test_before_a_replay_plays_the_console_reads_its_time_not_todays(tmp_path):
    """A replay of an old show, before its first event: the header said "on air 391:31:43"
    (today less the transcript's start) and the first notices were stamped with today's time,
    listed beside the transcript's times in the notice history."""
    transcript = tmp_path / "quiet.jsonl"
    transcript.write_text('{"kind": "show", "ts": "2026-11-01T19:00:00Z", "title": "Old"}\n')
    settings = Settings()
    live = open_show(
        settings,
        db_path=tmp_path / "old.db",
        show_name="old",
        started_at=datetime(2026, 11, 1, 19, 0, tzinfo=UTC),
        clock=ShowClock(wall=lambda: FIXED_WALL),  # nineteen days later
        adapters=[ReplayAdapter(transcript, speed=1.0)],
    )
    app = make_app(live, settings)  # as the CLI makes it: the replay has not started yet
    assert live.now() == FIXED_WALL
    assert app.notice_time() == datetime(2026, 11, 1, 19, 0, tzinfo=UTC)
    app.state.notify("Show server: http://127.0.0.1:8765")
    assert app.state.notices[-1].at == datetime(2026, 11, 1, 19, 0, tzinfo=UTC)
    assert app._on_air_seconds(live.now()) == 0.0
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert "on air 0:00" in screen_text(app)


async def test_viewers_chat_commands_do_not_take_the_line_from_the_hosts_own_result(
    tmp_path, show_file
):
    """A busy show: viewers' `!hand` and `!ask` arrive every second. The host's dismissal (and
    a failed invite, a problem: 12 s) stays on the notices line for its time; the commands'
    results wait until it is over, and are all in the history (`i`). Before, each command's
    result replaced the host's within a second."""
    twitch = RecordingAdapter("twitch", ok=False)
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,), commands=True)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        await end_said(console, pilot)
        app, live = console.app, console.live
        viewers = [Author("twitch", f"{300 + n}", f"viewer{n}") for n in range(12)]

        def busy_chat(start: int) -> None:
            for n, viewer in enumerate(viewers[start : start + 4]):
                command = "!hand" if n % 2 else "!ask what cutoff do you use on bass?"
                console.clock.follow(live.now() + timedelta(seconds=1), 0.0)
                live.comment_received(
                    Comment(f"b{start + n}", "twitch", "synthnight", viewer, command, live.now())
                )

        select(app, "m4")
        await pilot.press("d")
        busy_chat(0)
        await pilot.pause(0.3)
        assert notice_line(app).strip() == "✓ Dismissed dev's comment (u undoes)"
        dismissed = next(n for n in app.state.notices if n.text.startswith("Dismissed"))
        dismissed.posted -= 5  # five seconds later, chat still going
        busy_chat(4)
        await pilot.pause(0.3)
        assert notice_line(app).strip() == "✓ Dismissed dev's comment (u undoes)"
        for notice in app.state.notices:
            notice.posted -= 2  # its six seconds are over: chat's commands may show
        app.redraw()
        assert notice_line(app).strip().startswith(("✓ !hand: ok:", "✓ !ask: ok:"))

        select(app, "m2")
        await pilot.press("p")
        await actions_done(pilot)
        busy_chat(8)
        await pilot.pause(0.3)
        failed = "✕ failed: ben: twitch refused the invite: missing scope"
        assert failed in notice_line(app)
        for notice in app.state.notices:
            notice.posted -= 10  # a problem holds the line for 12 s
        app.redraw()
        assert failed in notice_line(app)
        await pilot.press("i")
        history = screen_text(app)
        assert "✓ !hand: ok: hand raised, #6" in history  # every command's result is kept
        assert "✕ failed: ben: twitch refused the" in history


async def test_a_moderators_topic_change_keeps_the_line_from_viewers_chat_commands(
    tmp_path, show_file
):
    """A moderator's `!topic` steers the show as `!segment` does (`l` lists it): a viewer's
    `!hand` right after it must not take it off the notices line, as it did (only `!segment`,
    `!stage` and `!unstage` were held as the hosts' steering)."""
    console = open_console(tmp_path / "show.db", show_file, commands=True)
    async with console.app.run_test(size=(100, 30)) as pilot:
        await played(console, pilot)
        await end_said(console, pilot)
        app, live = console.app, console.live
        moderator = Author("twitch", "77", "mia", roles=frozenset({"moderator"}))
        viewer = Author("twitch", "78", "ben")
        console.clock.follow(live.now() + timedelta(seconds=1), 0.0)
        live.comment_received(
            Comment("t1", "twitch", "synthnight", moderator, "!topic Filters | cutoff", live.now())
        )
        await pilot.pause(0.3)
        assert notice_line(app).strip().startswith("✓ !topic: ok: topic set: Filters")
        console.clock.follow(live.now() + timedelta(seconds=1), 0.0)
        live.comment_received(Comment("h1", "twitch", "synthnight", viewer, "!hand", live.now()))
        await pilot.pause(0.3)
        assert notice_line(app).strip().startswith("✓ !topic: ok: topic set: Filters")


async def test_a_comment_leaving_the_stream_by_itself_does_not_take_the_hosts_line(
    tmp_path, show_file
):
    """The host dismisses a comment while the one on stream runs out of time: the host's own
    notice keeps the line for its time (docs/console.md), and the stream's line waits in the
    history (`i`). Before, "dev's comment left the stream (time is up)" replaced it at once."""
    settings = Settings(overlay={"feature_seconds": 0.4})
    console = open_console(tmp_path / "show.db", show_file, settings=settings)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        await end_said(console, pilot)
        app = console.app
        select(app, "m4")
        await pilot.press("s")
        select(app, "m2")
        await pilot.press("d")
        assert notice_line(app).strip() == "✓ Dismissed ben's comment (u undoes)"
        await pilot.pause(0.8)  # the comment on stream has had its time
        assert console.live.featured is None
        app.redraw()
        await pilot.pause()
        assert notice_line(app).strip() == "✓ Dismissed ben's comment (u undoes)"
        assert "dev's comment left the stream (time is up)" in [n.text for n in app.state.notices]


async def test_in_a_fast_replay_feature_seconds_count_show_time_as_the_stage_panel_does(tmp_path):
    """A replay at 20x: `[overlay] feature_seconds = 4` keeps a comment on stream for 4 s of
    show time (the stage panel's `on stream` counter and the report count show time), so it
    leaves after a fifth of a real second, and its time on stream is stored as 4 s. Before, it
    stayed 4 real seconds: 80 s of show time, for a host reading `feature_seconds = 4`."""
    records = [
        *SHOW[:2],
        *(
            comment_record(
                f"c{n}",
                (FIXED_WALL - timedelta(minutes=30) + timedelta(seconds=2 * n)).strftime(
                    "%Y-%m-%dT%H:%M:%SZ"
                ),
                f"viewer{n}",
                str(500 + n),
                "which oscillator waveform makes the fattest bass?",
            )
            for n in range(300)
        ),
    ]
    path = tmp_path / "long.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    settings = Settings(overlay={"feature_seconds": 4})
    console = open_console(tmp_path / "show.db", path, settings=settings, speed=20)
    async with console.app.run_test(size=(100, 30)) as pilot:
        app = console.app
        for _ in range(50):
            await pilot.pause(0.05)
            if app.query_one(QueueView).entries:
                break
        app.query_one(QueueView).select(0)
        pressed = time.monotonic()
        await pilot.press("s")
        while console.live.featured is not None and time.monotonic() - pressed < 3:
            await pilot.pause(0.05)
        assert time.monotonic() - pressed < 2  # 20 s of show time, and some slack
        assert console.live.featured is None
        assert "On stream: viewer0's comment (u undoes)" in [n.text for n in app.state.notices]
        db = console.db()
        started, ended = db.execute("SELECT started_at, ended_at FROM on_stream").fetchone()
        on_stream = datetime.fromisoformat(ended) - datetime.fromisoformat(started)
        assert timedelta(seconds=3.5) <= on_stream <= timedelta(seconds=5)


async def test_moderation_heard_from_a_platform_does_not_take_the_hosts_line(tmp_path, show_file):
    """A ban lifted on Twitch, or a moderator's /clear there, is news the show heard: it waits in
    the history (`i`) while the host's own key holds the line (found by the last read: the
    unban and clear notices, new this sitting, replaced "Dismissed ..." at once)."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        await end_said(console, pilot)
        app = console.app
        select(app, "m2")
        await pilot.press("d")
        assert notice_line(app).strip() == "✓ Dismissed ben's comment (u undoes)"
        live = console.live
        live.author_unbanned(
            Author("twitch", "999", "stranger"), "was unbanned on Twitch", by="mod", by_id="77"
        )
        live.platform_notice("twitch", "a moderator cleared the chat on Twitch (/clear)", "info")
        await pilot.pause(0.3)
        app.redraw()
        await pilot.pause()
        assert notice_line(app).strip() == "✓ Dismissed ben's comment (u undoes)"
        said = [n.text for n in app.state.notices]
        assert any("unbanned on Twitch" in text for text in said)
        assert any("cleared the chat" in text for text in said)
