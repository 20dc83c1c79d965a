"""Every console key, pressed for real: what the host sees, and what lands in the database."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from conftest import (
    RecordingAdapter,
    actions_done,
    open_console,
    played,
    screen_text,
    select,
)
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment

SIZE = (120, 36)


async def test_queue_is_ranked_and_marked_and_the_header_tells_the_show(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        # the live segment (#2 Filters) first, with segment 1's question still waiting among
        # it by its decayed score (above the live "lol"); the rest of segment 1 below
        assert [r.comment.id for r in queue.entries] == ["m6", "m4", "m2", "m5", "m3", "m1"]
        text = screen_text(console.app)
        lines = text.splitlines()
        assert "Synth Night" in lines[0] and "#2 Filters" in lines[0]
        assert "cutoff" in lines[0]
        assert "0:07:00" in lines[1] or "7:00" in lines[1]  # 19:00:00 -> 19:07:00 of show time
        assert "replay" in lines[1] and "finished" in lines[1]
        # the question from fin is marked with ? and shows its author, platform and age
        fin = next(line for line in lines if "fin " in line and "ladder" in line)
        assert "?" in fin and "TW" in fin and "now" in fin
        cleo = next(line for line in lines if "Cleo" in line and "VCO" in line)
        assert "DC" in cleo and "6m" in cleo
        # reasons on demand
        select(console.app, "m6")
        await pilot.press("w")
        assert "score" in screen_text(console.app) and "question +" in screen_text(console.app)


async def test_answer_takes_the_comment_off_the_queue_and_logs_it(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m4")
        await pilot.press("a")
        queue_ids = [r.comment.id for r in console.app.query_one(QueueView).entries]
        assert "m4" not in queue_ids
        text = screen_text(console.app)
        assert "Answered dev on air" in text
        assert "resonance from screaming" not in text.split("Chat")[0]  # gone from the queue
        rows = (
            console.db()
            .execute(
                "SELECT h.action, h.ts, c.message_id FROM host_actions h "
                "JOIN comments c ON c.id = h.comment_id WHERE h.action = 'answer'"
            )
            .fetchall()
        )
        assert rows == [("answer", "2026-11-20T19:07:00.000Z", "m4")]
        # the header's participation numbers (stagehand.metrics) follow: 1 of 6 viewers reached
        await console.app.workers.wait_for_complete([console.app.refresh_metrics()])
        await pilot.pause()
        assert "6 people, 17% reached" in screen_text(console.app).splitlines()[1]


async def test_dismiss_takes_the_comment_off_and_logs_it(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m5")
        await pilot.press("d")
        assert "m5" not in [r.comment.id for r in console.app.query_one(QueueView).entries]
        assert "Dismissed eve's comment" in screen_text(console.app)
        rows = (
            console.db()
            .execute(
                "SELECT c.message_id FROM host_actions h JOIN comments c ON c.id = h.comment_id "
                "WHERE h.action = 'dismiss'"
            )
            .fetchall()
        )
        assert rows == [("m5",)]


async def test_stage_flow_pull_highlight_end_and_stage_time_stored(tmp_path, show_file):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m4")
        await pilot.press("p")
        await actions_done(pilot)
        assert twitch.calls == [("invite", "dev")]
        text = screen_text(console.app)
        assert "★ dev TW  on stage 0:00" in text
        assert "twitch: invite done" in text
        # what they say while on stage shows in the stage panel, highlighted
        console.clock.follow(console.live.now() + timedelta(seconds=95), 0.0)
        console.live.comment_received(
            Comment(
                "m9",
                "twitch",
                "synthnight",
                Author("twitch", "103", "dev"),
                "thanks for having me, my filter is a Moog clone",
                console.live.now(),
            )
        )
        await pilot.pause(0.3)
        stage = console.app.query_one("#stage")
        assert stage.has_class("-live")
        text = screen_text(console.app)
        assert "on stage 1:35" in text
        assert "› thanks for having me" in text
        await pilot.press("e")
        await actions_done(pilot)
        assert "Nobody on stage" in screen_text(console.app)
        assert twitch.calls[-1] == ("end_stage", "dev")
        db = console.db()
        assert db.execute("SELECT started_at, ended_at FROM stage_sessions").fetchall() == [
            ("2026-11-20T19:07:00.000Z", "2026-11-20T19:08:35.000Z")
        ]
        actions = [a for (a,) in db.execute("SELECT action FROM host_actions ORDER BY id")]
        assert actions == ["stage_start", "stage_end"]


async def test_reply_is_sent_through_the_comments_platform_and_logged(tmp_path, show_file):
    twitch = RecordingAdapter("twitch")
    discord = RecordingAdapter("discord")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch, discord))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m3")  # Cleo, on Discord
        await pilot.press("r")
        assert "Reply to Cleo" in screen_text(console.app)
        await pilot.press(*"warm it up for 10 minutes")
        await pilot.press("enter")
        await actions_done(pilot)
        assert discord.calls == [("reply", "m3:warm it up for 10 minutes")]
        assert twitch.calls == []
        assert "discord: reply done" in screen_text(console.app)
        rows = (
            console.db()
            .execute("SELECT text, outcome FROM host_actions WHERE action = 'reply'")
            .fetchall()
        )
        assert rows == [("warm it up for 10 minutes", "ok: discord: reply done")]


async def test_moderate_asks_which_and_confirms_and_shows_a_refusal(tmp_path, show_file):
    twitch = RecordingAdapter("twitch", ok=False)
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m5")
        await pilot.press("m")
        assert "Moderate eve" in screen_text(console.app)
        await pilot.press("escape")  # changed their mind: nothing happens
        await pilot.press("m", "3")
        assert "Ban the author" in screen_text(console.app)
        await pilot.press("y")
        await actions_done(pilot)
        assert twitch.calls == [("moderate", "m5:ban:None")]
        assert "twitch refused the moderate: missing scope" in screen_text(console.app)
        rows = (
            console.db()
            .execute("SELECT text, outcome FROM host_actions WHERE action = 'moderate'")
            .fetchall()
        )
        assert rows == [("ban", "failed: twitch refused the moderate: missing scope")]


async def test_moderate_timeout_confirmed_leaves_the_queue(tmp_path, show_file):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m1")
        await pilot.press("m", "2", "n")  # declined at the confirmation
        assert twitch.calls == []
        await pilot.press("2", "y")
        await actions_done(pilot)
        assert twitch.calls == [("moderate", "m1:timeout:600")]
        assert "m1" not in [r.comment.id for r in console.app.query_one(QueueView).entries]
        assert console.db().execute(
            "SELECT text FROM host_actions WHERE action = 'moderate'"
        ).fetchall() == [("timeout",)]


async def test_next_segment_and_topic_edit_reach_header_and_database(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press("n", *"LFOs", "enter")  # none planned: named first
        first_line = screen_text(console.app).splitlines()[0]
        assert "#3 LFOs" in first_line
        await pilot.press("t")
        assert "Topic of the live segment" in screen_text(console.app)
        title = console.app.screen.query_one("#title")
        title.value = ""
        await pilot.press(*"Envelopes", "tab", *"ADSR, attack, decay", "enter")
        first_line = screen_text(console.app).splitlines()[0]
        assert "#3 Envelopes" in first_line and "ADSR, attack, decay" in first_line
        rows = (
            console.db()
            .execute("SELECT position, title, keywords FROM segments ORDER BY position")
            .fetchall()
        )
        assert rows[-1] == (3, "Envelopes", '["ADSR", "attack", "decay"]')
        assert len(rows) == 3


async def test_tab_into_the_keywords_adds_to_them_instead_of_replacing_them(tmp_path, show_file):
    """Tab selected every keyword (Textual's select-on-focus): a host typing ", midi" to add
    one replaced them all. The cursor now waits at the end, nothing selected."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press("t", "tab", *", midi", "enter")
        first_line = screen_text(console.app).splitlines()[0]
        assert "#2 Filters" in first_line and "filter, cutoff, resonance, midi" in first_line
        rows = console.db().execute("SELECT position, title, keywords FROM segments").fetchall()
        assert rows[-1] == (2, "Filters", '["filter", "cutoff", "resonance", "midi"]')


async def test_search_finds_past_comments_without_writing(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        assert console.live.flush()
        await pilot.press("slash", *"reson", "enter")
        await console.app.screen.workers.wait_for_complete()
        await pilot.pause()
        text = screen_text(console.app)
        assert "1 comment found" in text
        assert "dev: how do you stop the resonance from screaming?" in text
        await pilot.press("escape")
        assert "Search this show" not in screen_text(console.app)
        assert console.db().execute("SELECT count(*) FROM host_actions").fetchone() == (0,)


def search_status(app) -> str:
    """The search dialog's status line (under the query), as the host reads it."""
    return str(app.screen.query_one("#search-status").render()).replace("\n", " ")


async def search_for(pilot, words: str) -> str:
    await pilot.press(*words, "enter")
    await pilot.app.screen.workers.wait_for_complete()
    await pilot.pause()
    return search_status(pilot.app)


async def test_a_search_that_cannot_be_done_says_why_in_one_plain_line(tmp_path, show_file):
    """The show's database moved away mid-show (the search read an empty file it had just
    created: `OperationalError: no such table: comments_fts`): the line says what is wrong and
    what to do, with no Python class name, and no empty database is left in the file's place.
    FTS5 syntax is only words: `AND`, `NEAR(` and a lone `"` never fail; a query with nothing
    to search for says what to type instead of `0 comments found`."""
    db_path = tmp_path / "show.db"
    console = open_console(db_path, show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        assert console.live.flush()
        await pilot.press("slash")
        for words in ("AND", "reson AND", "NEAR(", "col:reson"):
            said = await search_for(pilot, words)
            assert "found" in said and "Error" not in said, (words, said)
            await pilot.press("slash", "ctrl+u")
        said = await search_for(pilot, '"')
        assert said.startswith("Nothing to search for in '\"': type a word"), said
        await pilot.press("ctrl+u")
        said = await search_for(pilot, "* 🔥")
        assert said.startswith("Nothing to search for"), said
        await pilot.press("ctrl+u")

        moved = tmp_path / "elsewhere.db"
        db_path.rename(moved)
        said = await search_for(pilot, "reson")
        assert said.startswith("Search cannot read the show's database"), said
        assert "missing, moved or damaged" in said and "search again" in said, said
        assert "Error" not in said and "sqlite" not in said, said
        assert not db_path.exists()  # the search created no empty database there
        moved.rename(db_path)
        await pilot.press("slash", "ctrl+u")
        said = await search_for(pilot, "reson")
        assert said.startswith("1 comment found"), said
        assert console.app.is_running


async def test_the_header_numbers_leave_a_moved_database_alone_and_say_why(tmp_path, show_file):
    """The show's database moved away mid-show: the header's participation numbers created an
    empty database in its place and the console said "metrics stopped: no such table: shows".
    Now nothing is created there, the header keeps the last numbers it read, one plain line
    (said once, not every refresh) says what is wrong and what to do, and once the file is
    back the numbers are read again."""
    db_path = tmp_path / "show.db"
    console = open_console(db_path, show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        app.refresh_metrics()
        await actions_done(pilot)
        before = app.metrics
        assert before is not None and before.participants > 0

        moved = tmp_path / "elsewhere.db"
        db_path.rename(moved)
        for _ in range(2):
            app.refresh_metrics()
            await actions_done(pilot)
        assert not db_path.exists()  # no empty database left where the show's was
        said = [n.text for n in app.state.notices if "participation" in n.text.lower()]
        assert len(said) == 1, said
        assert said[0].startswith("The participation numbers cannot be read"), said
        assert "missing, moved or damaged" in said[0] and str(db_path) in said[0], said
        assert "Error" not in said[0] and "no such table" not in said[0], said
        assert app.metrics == before  # the last numbers read stay in the header
        assert app.is_running

        moved.rename(db_path)
        app.refresh_metrics()
        await actions_done(pilot)
        texts = [n.text for n in app.state.notices]
        assert texts[-1] == "The participation numbers are read again.", texts


async def test_space_freezes_the_queue_while_chat_goes_on(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        await pilot.press("space")
        before = [r.comment.id for r in queue.entries]
        console.live.comment_received(
            Comment(
                "m7",
                "twitch",
                "synthnight",
                Author("twitch", "106", "gus"),
                "what cutoff frequency do you use for the filter on bass?",
                console.live.now(),
            )
        )
        await pilot.pause(0.3)
        assert [r.comment.id for r in queue.entries] == before
        assert "FROZEN  +1 new" in screen_text(console.app)
        await pilot.press("space")
        assert "m7" in [r.comment.id for r in queue.entries]
        assert "FROZEN" not in screen_text(console.app)
        # freezing records nothing: it is the host's reading aid
        assert console.db().execute("SELECT count(*) FROM host_actions").fetchone() == (0,)


async def test_raised_hands_show_and_h_brings_the_first_on_stage(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        console.live.raise_hand(Author("twitch", "104", "eve"))
        console.live.raise_hand(Author("discord", "9001", "cleo", "Cleo"))
        await pilot.pause(0.3)
        text = screen_text(console.app)
        assert "Raised hands (2)" in text and "1. eve TW" in text and "2. Cleo DC" in text
        await pilot.press("h")
        await actions_done(pilot)
        text = screen_text(console.app)
        assert "★ eve TW" in text and "Raised hands (1)" in text
        assert console.db().execute(
            "SELECT count(*) FROM stage_sessions WHERE ended_at IS NULL"
        ).fetchone() == (1,)


async def test_help_and_palette_list_every_action(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press("question_mark")
        text = screen_text(console.app)
        for words in (
            "answer the selected comment",
            "pull the selected",
            "search this show",
            "freeze the queue",
            "quit (asks first)",
        ):
            assert words in text
        await pilot.press("escape")
        titles = {c.title for c in console.app.get_system_commands(console.app.screen)}
        assert {
            "Answer",
            "Pull on stage",
            "End stage",
            "Dismiss",
            "Reply",
            "Moderate",
            "Next segment",
            "Edit topic",
            "Search comments",
            "Freeze queue",
            "Help",
            "Quit",
        } <= titles
        # and the palette really runs them
        await pilot.press("ctrl+p")
        await pilot.press(*"Next segment")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "Next segment: none is planned" in screen_text(console.app)  # it asks the name
        await pilot.press(*"LFOs", "enter")
        await pilot.pause(0.2)
        assert "#3 LFOs" in screen_text(console.app).splitlines()[0]


async def test_quit_asks_first_then_closes_the_show(tmp_path, show_file):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m2")
        await pilot.press("p")
        await actions_done(pilot)
        await pilot.press("q")
        assert "Quit the show?" in screen_text(console.app)
        await pilot.press("n")
        assert console.app.is_running and not console.app.closed
        await pilot.press("q", "y")
        await pilot.pause(0.5)
    assert console.app.closed and console.app.close_ok and twitch.closed.is_set()
    db = console.db()
    assert db.execute("SELECT ended_at IS NOT NULL FROM shows").fetchone() == (1,)
    assert db.execute("SELECT ended_at IS NOT NULL FROM stage_sessions").fetchone() == (1,)


async def test_a_failing_connection_is_shown_not_fatal(tmp_path, show_file):
    class Broken(RecordingAdapter):
        async def run(self, sink):
            raise ConnectionError("gateway said no")

    console = open_console(tmp_path / "show.db", show_file, adapters=(Broken("discord"),))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        header = screen_text(console.app).splitlines()[1]
        assert "discord ✕ failed" in header
        assert console.app.is_running


async def test_leaving_without_the_quit_key_still_closes_the_show(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        console.app.exit()
        await pilot.pause()
    assert console.app.closed
    assert console.db().execute("SELECT ended_at IS NOT NULL FROM shows").fetchone() == (1,)


async def test_answering_in_a_frozen_queue_still_takes_the_comment_off(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await pilot.press("space")
        select(console.app, "m2")
        await pilot.press("a")
        queue = console.app.query_one(QueueView)
        assert "m2" not in [r.comment.id for r in queue.entries]
        assert queue.selected is None  # nothing else is selected in its place
        assert "FROZEN" in screen_text(console.app).splitlines()[1]
        assert console.db().execute(
            "SELECT count(*) FROM host_actions WHERE action = 'answer'"
        ).fetchone() == (1,)


async def test_the_on_air_time_stops_when_a_replay_finishes(tmp_path, show_file):
    """The header's clock is show time: once the replay has played its last event it stops,
    however long the host keeps the console open."""
    from stagehand.clock import ShowClock

    # The real wall clock: time passes during the test.
    console = open_console(tmp_path / "show.db", show_file, speed=3000, clock=ShowClock())
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        header = screen_text(console.app).splitlines()[1]
        assert "on air 7:00 " in header  # 19:00:00 -> 19:07:00, the last comment
        await asyncio.sleep(1.2)  # 3,600 s of show time at that speed, if the clock ran on
        console.app.redraw()
        assert screen_text(console.app).splitlines()[1].split("│")[0] == header.split("│")[0]


async def test_w_shows_the_whole_explanation_at_80x24_with_chat_shown(tmp_path, show_file):
    """At the floor with chat beside the queue the Selected pane had room for one line of the
    reasons ("score 6.23 = topic +3.64 · question +1.39 · base"): the rest and the flags were
    cut, and only hiding chat (`c`) showed them. With `w` the pane takes the room it needs."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        app = console.app
        select(app, "m6")
        await pilot.press("w")
        await pilot.pause()
        lines = screen_text(app).splitlines()
        top = next(i for i, line in enumerate(lines) if "Selected" in line)
        width = app.query_one("#detail").outer_size.width
        pane = " ".join(" ".join(line[:width].split()) for line in lines[top + 1 : -2])
        score = app.query_one(QueueView).selected.score
        for name, value in score.reasons.items():
            assert f"{name} {value:+.2f}" in pane
        assert "flags: " + ", ".join(sorted(score.flags)) in pane
        assert "is a ladder filter better than a state variable filter for cutoff sweeps?" in pane
