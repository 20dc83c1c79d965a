"""The queue holds only what a host may take on air (issue 13, items 1, 2, 4, 5, 6).

The real console, driven headless with Pilot, on shows replayed into real SQLite files; the
chat commands are installed as `stagehand demo` and `replay` install them.
"""

from __future__ import annotations

import asyncio
import json
import re
from datetime import timedelta
from pathlib import Path

from conftest import (
    RecordingAdapter,
    actions_done,
    comment_record,
    open_console,
    played,
    screen_text,
)
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment, ModerationKind

SIZE = (120, 36)
MOD = ["moderator"]


def at(seconds: int) -> str:
    minutes, seconds = divmod(seconds, 60)
    return f"2026-11-20T19:{minutes:02d}:{seconds:02d}Z"


def transcript(tmp_path: Path, records: list[dict]) -> Path:
    head = [
        {"kind": "show", "ts": at(0), "title": "Synth Night", "description": "An analog synth"},
        {"kind": "segment", "ts": at(0), "title": "Filters", "keywords": ["ladder", "cutoff"]},
    ]
    path = tmp_path / "show.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in head + records), "utf-8")
    return path


def queued_ids(app) -> list[str]:
    return [r.comment.id for r in app.query_one(QueueView).entries]


def queue_text(app) -> str:
    """The queue's rows as the host reads them."""
    queue = app.query_one(QueueView)
    return "\n".join(queue.render_line(y).text for y in range(queue.size.height))


async def test_commands_hosts_moderators_and_bots_stay_in_raw_chat(tmp_path: Path) -> None:
    path = transcript(
        tmp_path,
        [
            comment_record("h1", at(1), "fridaybuild", "1", "we're live! hi chat", roles=["broadcaster"]),
            comment_record("c1", at(2), "ana", "101", "!hand"),
            comment_record("v1", at(3), "ben", "102", "what cutoff do you use for the ladder?"),
            comment_record("m1", at(4), "mo", "103", "@spammer no self promo", roles=MOD),
            comment_record("c2", at(5), "cleo", "104", "!uptime"),
            comment_record("a1", at(6), "dev", "105", "!ask is the ladder hard to tune?"),
            comment_record("a2", at(7), "eve", "106", "!ask"),
            comment_record("b1", at(8), "nightbot", "107", "Follow for more!"),
            comment_record("v2", at(9), "fin", "108", "the ladder sounds warm"),
        ],
    )  # fmt: skip
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        assert sorted(queued_ids(console.app)) == ["a1", "v1", "v2"]
        # The top row, the one `j` selects first, is a viewer's: never the broadcaster's hello.
        queue = console.app.query_one(QueueView)
        assert queue.entries[0].comment.author.name != "fridaybuild"
        await pilot.press("j")
        assert queue.selected is queue.entries[0]
        rows = queue_text(console.app)
        assert "is the ladder hard to tune?" in rows and "!ask" not in rows
        for said in ("we're live", "!hand", "no self promo", "!uptime", "Follow for more"):
            assert said not in rows
        # Raw chat still shows everything as it was said.
        screen = screen_text(console.app)
        assert "!uptime" in screen and "Follow for more" in screen and "no self promo" in screen


async def test_a_ban_or_timeout_takes_all_the_authors_comments_off_the_queue(
    tmp_path: Path,
) -> None:
    path = transcript(
        tmp_path,
        [
            comment_record("z1", at(1), "zed", "201", "what cutoff for the ladder?"),
            comment_record("z2", at(2), "zed", "201", "is the ladder hard to tune?"),
            comment_record("v1", at(3), "ben", "102", "the ladder sounds warm"),
            comment_record("z3", at(4), "zed", "201", "ladder ladder ladder"),
            comment_record("y1", at(5), "yan", "202", "how low does the cutoff go?"),
            comment_record("y2", at(6), "yan", "202", "and how high?"),
        ],
    )
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", path, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press("space")  # even a frozen queue lets them go
        zed = console.live.find_comment("twitch", "z2")
        assert zed is not None
        assert (await console.live.moderate(zed, ModerationKind.BAN)).ok
        await pilot.pause()
        console.app.redraw()
        assert sorted(queued_ids(console.app)) == ["v1", "y1", "y2"]
        assert "zed" not in queue_text(console.app)
        await pilot.press("space")
        assert sorted(queued_ids(console.app)) == ["v1", "y1", "y2"]

        twitch.ok = False  # a refused timeout changes nothing
        yan = console.live.find_comment("twitch", "y1")
        assert yan is not None
        assert not (
            await console.live.moderate(yan, ModerationKind.TIMEOUT, duration_seconds=60)
        ).ok
        await pilot.pause()
        assert sorted(queued_ids(console.app)) == ["v1", "y1", "y2"]
        twitch.ok = True
        assert (await console.live.moderate(yan, ModerationKind.TIMEOUT, duration_seconds=60)).ok
        await pilot.pause()
        console.app.redraw()
        assert queued_ids(console.app) == ["v1"]


async def test_a_forgotten_viewer_disappears_from_every_panel_at_once(tmp_path: Path) -> None:
    path = transcript(
        tmp_path,
        [
            comment_record("q1", at(1), "zephyrine", "301", "what cutoff for the ladder?"),
            comment_record("q2", at(2), "ben", "102", "the ladder sounds warm"),
            comment_record("h1", at(3), "zephyrine", "301", "!hand"),
            comment_record("q3", at(4), "zephyrine", "301", "how do you tune the ladder?"),
        ],
    )
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=(160, 40)) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        queue.select(queued_ids(console.app).index("q3"))  # the host is looking at her
        await pilot.pause()
        assert "zephyrine" in screen_text(console.app)
        assert "Raised hands (1)" in screen_text(console.app)

        def said(message_id: str, text: str) -> None:
            ts = console.live.now()
            author = Author("twitch", "301", "zephyrine")
            console.live.comment_received(
                Comment(message_id, "twitch", "synthnight", author, text, ts)
            )

        said("f1", "!forget")
        said("f2", "!forget confirm")
        await asyncio.sleep(0)
        await pilot.pause()
        console.app.redraw()
        await pilot.pause()
        screen = screen_text(console.app)
        assert "zephyrine" not in screen  # queue, raw chat, hands, detail pane: all of it
        assert "how do you tune the ladder" not in screen
        assert "Raised hands (0)" in screen or "Raised hands" not in screen
        assert queued_ids(console.app) == ["q2"]
        assert console.live.hands == ()


async def test_a_new_segment_does_not_bury_the_questions_still_waiting(tmp_path: Path) -> None:
    path = transcript(
        tmp_path,
        [
            comment_record(
                "q1", at(10), "ana", "101", "what cap are you using for the ladder cutoff?"
            ),
            comment_record("r1", at(20), "ben", "102", "the ladder sounds warm"),
        ],
    )
    console = open_console(tmp_path / "show.db", path)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press("n", *"Next up", "enter")  # the hosts move on
        start = console.live.now()
        for n, (who, text) in enumerate(
            [
                ("cy", "SeemsGood"),
                ("di", "my cat just walked over the keyboard"),
                ("ed", "the cat is the real host"),
                ("fi", "hello from finland"),
            ]
        ):
            console.live.comment_received(
                Comment(
                    f"n{n}",
                    "twitch",
                    "synthnight",
                    Author("twitch", f"40{n}", who),
                    text,
                    start + timedelta(seconds=30 + n),
                )
            )
        await pilot.pause()
        console.app.redraw()
        ids = queued_ids(console.app)
        # The question waits on top of the new segment's chatter; the old remark sinks.
        assert ids[0] == "q1"
        assert ids.index("r1") > max(ids.index(f"n{n}") for n in range(4))
        # Answered, it goes; nothing else of segment 1 climbs back.
        queue = console.app.query_one(QueueView)
        queue.select(0)
        await pilot.press("a")
        await actions_done(pilot)
        assert "q1" not in queued_ids(console.app)
        assert queued_ids(console.app)[-1] == "r1"


async def test_someone_on_stage_loses_the_raised_hand_bonus_and_marker(tmp_path: Path) -> None:
    path = transcript(tmp_path, [comment_record("c1", at(1), "ben", "102", "the ladder is warm")])
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", path, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        gus = Author("twitch", "501", "gus")
        console.live.raise_hand(gus)
        console.live.comment_received(
            Comment(
                "g1",
                "twitch",
                "synthnight",
                gus,
                "i built a ladder filter last week, can i show it?",
                console.live.now(),
            )
        )
        await pilot.pause()
        console.app.redraw()
        queue = console.app.query_one(QueueView)
        ranked = next(r for r in queue.entries if r.comment.id == "g1")
        assert "raised_hand" in ranked.score.flags and ranked.score.reasons["hand"] > 0
        row = next(line for line in queue_text(console.app).splitlines() if "gus" in line)
        assert row[1] == "H"
        before = ranked.score.value

        queue.select(queued_ids(console.app).index("g1"))
        await pilot.press("p")
        await actions_done(pilot)
        console.app.redraw()
        ranked = next(r for r in queue.entries if r.comment.id == "g1")
        assert "raised_hand" not in ranked.score.flags and "hand" not in ranked.score.reasons
        assert abs(ranked.score.value - sum(ranked.score.reasons.values())) < 1e-3
        assert ranked.score.value < before
        row = next(line for line in queue_text(console.app).splitlines() if "gus" in line)
        assert row[1] != "H" and row[3] == "S"  # on stage, no longer a raised hand


async def test_the_same_question_from_three_viewers_is_one_row_asked_by_3(tmp_path: Path) -> None:
    """Issue 16: one row "asked by 3" above the single questions; `a` answers all three, the
    detail pane lists every asker, `u` takes all three answers back."""
    path = transcript(
        tmp_path,
        [
            comment_record("q1", at(5), "ana", "101", "what cutoff do you use for the ladder bass?"),
            comment_record("o1", at(10), "ben", "102", "does the ladder need matched transistors?"),
            comment_record("q2", at(15), "cleo", "103", "what cutoff do you use for a ladder bass", platform="discord"),
            comment_record("q3", at(20), "dev", "104", "which cutoff would you use for ladder bass?"),
        ],
    )  # fmt: skip
    console = open_console(tmp_path / "show.db", path)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        assert queued_ids(console.app) == ["q1", "o1"]
        first_row = queue_text(console.app).splitlines()[0]
        assert (
            "asked by 3" in first_row and "what cutoff do you use for the ladder bass?" in first_row
        )
        await pilot.press("j", "w")
        screen = screen_text(console.app)
        assert "asked by 3: ana TW, cleo DC, dev TW" in screen and "asked_by +2.00" in screen
        await pilot.press("a")
        await actions_done(pilot)
        assert queued_ids(console.app) == ["o1"]
        answered = (
            console.db()
            .execute(
                "SELECT comments.message_id FROM host_actions JOIN comments ON comments.id = comment_id"
                " WHERE action = 'answer' ORDER BY comments.message_id"
            )
            .fetchall()
        )
        assert answered == [("q1",), ("q2",), ("q3",)]
        await pilot.press("u")
        await actions_done(pilot)
        assert queued_ids(console.app) == ["q1", "o1"]
        assert "asked by 3" in queue_text(console.app).splitlines()[0]


async def test_a_frozen_queue_counts_the_comments_that_arrived_since_it_froze(tmp_path):
    """`space` on a busy show, at 80x24: the header reads `FROZEN` (nothing new yet) however
    many viewers joined a merged row before, then counts each comment that came since, and the
    count never falls while the queue keeps its best ones. Before, it read `+189` at once (the
    merged rows' other askers), fell as the queue was pruned, and at 80 columns the header had
    no room left for it at all."""
    from stagehand.config import Settings
    from stagehand.config.sections import ConsoleSettings

    records = [
        comment_record(
            f"q{n}", at(10 + n), f"asker{n}", str(500 + n), "how does ladder cutoff work?"
        )
        for n in range(8)
    ]
    # Room for the merged row, kept whole, and a dozen others: pruned during the 30 below (each
    # under 40 characters: a longer line posted 30 times is a wave, one row, dropped whole).
    settings = Settings(console=ConsoleSettings(queue_size=20))
    console = open_console(tmp_path / "show.db", transcript(tmp_path, records), settings=settings)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        app, live = console.app, console.live
        app.refresh_metrics()  # the header's participation numbers take their room too
        await actions_done(pilot)
        assert "people" in screen_text(app).splitlines()[1]
        await pilot.press("space")
        header = screen_text(app).splitlines()[1]
        assert "FROZEN" in header and "new" not in header
        for n in range(30):
            console.clock.follow(live.now() + timedelta(seconds=1), 0.0)
            viewer = Author("twitch", f"{700 + n}", f"viewer{n}")
            text = f"the cutoff sweep {n} sounds great"
            live.comment_received(
                Comment(f"n{n}", "twitch", "synthnight", viewer, text, live.now())
            )
            if n in (4, 29):
                await pilot.pause(0.3)
                header = screen_text(app).splitlines()[1]
                assert f"FROZEN  +{n + 1} new" in header, header
        await pilot.press("space")
        assert "FROZEN" not in screen_text(app)


SAME_AGAIN = "why does resonance self oscillate?"


async def test_a_question_its_first_asker_asks_again_is_one_row_and_a_answers_all(
    tmp_path: Path,
) -> None:
    """ana, ben, ana again, cleo, dev, eve: one row "asked by 5" (ana listed once). ana's
    repeat was a row of its own that the later askers joined: `a` answered "ana and 3 others"
    and the row `ana … asked by 2` stayed."""
    path = transcript(
        tmp_path,
        [
            comment_record(f"q{n}", at(10 + 5 * n), name, f"id-{name}", SAME_AGAIN)
            for n, name in enumerate(["ana", "ben", "ana", "cleo", "dev", "eve"])
        ],
    )
    console = open_console(tmp_path / "show.db", path)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        assert queued_ids(console.app) == ["q0"]
        assert "asked by 5" in queue_text(console.app).splitlines()[0]
        await pilot.press("j")
        assert "asked by 5: ana TW, ben TW, cleo TW, dev TW, eve TW" in screen_text(console.app)
        await pilot.press("a")
        await actions_done(pilot)
        assert "Answered ana and 4 others who asked the same on air" in screen_text(console.app)
        assert queued_ids(console.app) == []
        answered = console.db().execute("SELECT count(*) FROM host_actions WHERE action = 'answer'")
        assert answered.fetchone() == (6,)


async def test_a_pinned_row_keeps_every_asker_and_answering_it_answers_them_all(
    tmp_path: Path,
) -> None:
    """Pinning a merged row pinned its first asker alone: `ana … pin` above `ben … asked by 2`,
    and `a` on the pin answered ana only."""
    path = transcript(
        tmp_path,
        [
            *(
                comment_record(f"q{n}", at(10 + 5 * n), name, f"id-{name}", SAME_AGAIN)
                for n, name in enumerate(["ana", "ben", "cleo"])
            ),
            comment_record("x", at(40), "dan", "id-dan", "hello from berlin"),
        ],
    )
    console = open_console(tmp_path / "show.db", path)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press("j", "f", "enter")
        await actions_done(pilot)
        rows = queue_text(console.app).splitlines()
        assert queued_ids(console.app) == ["q0", "x"]
        assert " pin " in rows[0] and "asked by 3" in rows[0] and "ana" in rows[0]
        assert "ben" not in queue_text(console.app)
        await pilot.press("home", "a")
        await actions_done(pilot)
        assert "Answered ana and 2 others who asked the same on air" in screen_text(console.app)
        assert queued_ids(console.app) == ["x"]
        assert console.app.state.pins == {}
        answered = console.db().execute(
            "SELECT comments.message_id FROM host_actions JOIN comments ON comments.id = comment_id"
            " WHERE action = 'answer' ORDER BY comments.message_id"
        )
        assert answered.fetchall() == [("q0",), ("q1",), ("q2",)]


def queue_title(app) -> str:
    """The queue's title as it reads on the top line of the screen (its border)."""
    top = screen_text(app).splitlines()[2]
    return top.split("▔On stage")[0].strip("▔ ")


async def test_the_queue_title_counts_the_rows_the_host_sees(tmp_path: Path) -> None:
    """One question asked by three viewers is one row: at 80x24 the title reads
    `Queue (2 rows · 4 comments)` over two rows, not `Queue (4)`; `Queue (1)` once the merged
    row is answered, and frozen it counts the rows frozen on screen."""
    path = transcript(
        tmp_path,
        [
            comment_record("q1", at(5), "ana", "101", "what cutoff do you use for the ladder bass?"),
            comment_record("o1", at(10), "ben", "102", "does the ladder need matched transistors?"),
            comment_record("q2", at(15), "cleo", "103", "what cutoff do you use for a ladder bass", platform="discord"),
            comment_record("q3", at(20), "dev", "104", "which cutoff would you use for ladder bass?"),
        ],
    )  # fmt: skip
    console = open_console(tmp_path / "show.db", path)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        assert queued_ids(console.app) == ["q1", "o1"]
        assert queue_title(console.app) == "Queue (2 rows · 4 comments)"
        await pilot.press("space")
        await pilot.pause()
        assert queue_title(console.app) == "Queue (2 rows · 4 comments)  FROZEN"
        await pilot.press("space", "j", "a")
        await actions_done(pilot)
        assert queued_ids(console.app) == ["o1"]
        assert queue_title(console.app) == "Queue (1)"


WAVE = "what ladder cutoff should I set? copy this if you agree the ladder is the best part!!"


async def test_the_selected_pane_names_the_askers_that_fit_and_counts_the_rest(
    tmp_path: Path,
) -> None:
    """A wave pasted by 31: the Selected pane listed every paster and was cut mid-list
    ("pasted by 31: paster0 TW, paster1 TW, paster2 TW, paster3 TW,"). It names those that fit
    on its line and says how many more; a real question sharing the wave's words is its own
    row, waiting, when `a` takes the wave."""
    path = transcript(
        tmp_path,
        [comment_record(f"p{n}", at(10 + n), f"paster{n}", f"id-p{n}", WAVE) for n in range(31)]
        + [comment_record("q1", at(45), "asker", "id-asker", "which ladder cutoff do you like?")],
    )
    console = open_console(tmp_path / "show.db", path)
    async with console.app.run_test(size=(100, 30)) as pilot:
        await played(console, pilot)
        assert "q1" in queued_ids(console.app)
        await pilot.press(*["j"] * (queued_ids(console.app).index("p0") + 1))
        screen = screen_text(console.app)
        said = re.search(r"pasted by 31: ((?:paster\d+ TW, )*paster\d+ TW) and (\d+) more", screen)
        assert said is not None, screen
        named = said[1].count(" TW")
        assert named >= 3 and named + int(said[2]) == 31
        await pilot.press("a")
        await actions_done(pilot)
        assert queued_ids(console.app) == ["q1"]  # the real question still waits


def raw_chat_text(app) -> list[str]:
    """The raw chat panel's lines as the host reads them."""
    from stagehand.console.widgets.raw_chat import RawChat

    raw = app.query_one(RawChat)
    lines = [raw.render_line(y).text.rstrip() for y in range(raw.size.height)]
    return [line for line in lines if line]


async def test_a_viewer_repeating_one_command_is_one_raw_chat_line_with_a_count(
    tmp_path: Path,
) -> None:
    """revA, finding 12: 50 `!help` lines from one viewer filled the raw chat panel (nine
    `NymnFan: !help` lines on end), pushing out what everyone else said. The same command
    line again from the same viewer, right after their last, folds into that line with a count;
    every one is still stored and counted."""
    helps = [comment_record(f"h{n}", at(2 + n), "nymnfan", "201", "!help") for n in range(9)]
    path = transcript(
        tmp_path,
        [
            comment_record("v1", at(1), "ben", "102", "which cutoff?"),
            *helps,
            comment_record("c1", at(20), "cleo", "104", "!help"),
            comment_record("h9", at(21), "nymnfan", "201", "!help"),
            comment_record("v2", at(22), "fin", "108", "so warm"),
        ],
    )
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        lines = raw_chat_text(console.app)
        assert lines == [
            "ben: which cutoff?",
            "nymnfan: !help ×9",
            "cleo: !help",
            "nymnfan: !help",  # not right after their last: a line of its own
            "fin: so warm",
        ], lines
        assert console.app.state.comments_seen == 13
        stored = console.db().execute("SELECT count(*) FROM comments WHERE original_text = '!help'")
        assert stored.fetchone()[0] == 11
