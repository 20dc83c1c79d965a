"""Every action can be taken back (`u`), handled comments can be restored (`l`), and search
results can be acted on (issue 13, items 9 and 10): screen and database, each time."""

from __future__ import annotations

import asyncio
import json

import pytest

from conftest import (
    SHOW,
    RecordingAdapter,
    actions_done,
    comment_record,
    open_console,
    played,
    screen_text,
)
from fakes.twitch_server import settings_for, store_credentials
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.console.widgets.queue import QueueView

SIZE = (120, 36)


def select(app, message_id: str) -> None:
    queue = app.query_one(QueueView)
    queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == message_id))


async def searched(pilot) -> None:
    """Wait for the search worker (not every worker: a platform connection never completes)."""
    await pilot.pause()
    running = [w for w in pilot.app.workers if w.group == "search"]
    if running:
        await pilot.app.workers.wait_for_complete(running)
    await pilot.pause()


def queue_ids(app) -> list[str]:
    return [r.comment.id for r in app.query_one(QueueView).entries]


def log(console) -> list[tuple]:
    """The host action log: action, comment, and for an undo the action it names."""
    return (
        console.db()
        .execute(
            "SELECT h.action, c.message_id, u.action FROM host_actions h"
            " LEFT JOIN comments c ON c.id = h.comment_id"
            " LEFT JOIN host_actions u ON u.show_id = h.show_id AND u.key = h.undoes"
            " ORDER BY h.id"
        )
        .fetchall()
    )


async def test_u_takes_back_an_answer_and_a_dismissal_in_reverse_order(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        order = queue_ids(app)
        select(app, "m4")
        await pilot.press("a")
        select(app, "m2")
        await pilot.press("d")
        assert "m4" not in queue_ids(app) and "m2" not in queue_ids(app)
        await pilot.press("u")
        await actions_done(pilot)
        assert "Undid the dismissal of ben's comment: the comment is back in the queue" in (
            screen_text(app)
        )
        assert app.query_one(QueueView).selected.comment.id == "m2"  # back, and selected again
        await pilot.press("u")
        await actions_done(pilot)
        assert queue_ids(app) == order  # each back in its place
        await pilot.press("u")
        assert "Nothing to undo" in screen_text(app)
        assert log(console) == [
            ("answer", "m4", None),
            ("dismiss", "m2", None),
            ("undo", "m2", "dismiss"),
            ("undo", "m4", "answer"),
        ]
        # an undone answer reaches no one: the header's numbers say so
        await console.app.workers.wait_for_complete([console.app.refresh_metrics()])
        await pilot.pause()
        assert "6 people, 0% reached" in screen_text(app).splitlines()[1]


async def test_u_takes_back_a_segment_move_and_a_topic_edit(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        await pilot.press("n", *"LFOs", "enter")  # none planned: named first
        assert "#3 LFOs" in screen_text(app).splitlines()[0]
        await pilot.press("t")
        app.screen.query_one("#title").value = ""
        await pilot.press(*"Envelopes", "tab", *"ADSR", "enter")
        assert "#3 Envelopes" in screen_text(app).splitlines()[0]
        await pilot.press("u")
        await actions_done(pilot)
        assert "#3 LFOs" in screen_text(app).splitlines()[0]
        await pilot.press("u")
        await actions_done(pilot)
        first = screen_text(app).splitlines()[0]
        assert "#2 Filters" in first and "cutoff" in first
        assert "segment 2 (Filters) is live again" in screen_text(app)
        db = console.db()
        assert db.execute("SELECT position, title FROM segments ORDER BY position").fetchall() == [
            (1, "Oscillators"),
            (2, "Filters"),
        ]
        assert [a for a, *_ in log(console)] == ["segment", "topic", "undo", "undo"]


async def test_u_ends_a_stage_appearance_it_started(tmp_path, show_file):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m4")
        await pilot.press("p")
        await actions_done(pilot)
        assert "★ dev TW" in screen_text(console.app)
        await pilot.press("u")
        await actions_done(pilot)
        text = screen_text(console.app)
        assert "Nobody on stage" in text
        assert "Undid bringing dev on stage: the appearance ended and is not counted" in text
        assert twitch.calls == [("invite", "dev"), ("end_stage", "dev")]
        db = console.db()
        assert db.execute("SELECT ended_at IS NOT NULL FROM stage_sessions").fetchall() == [(1,)]
        assert [a for a, *_ in log(console)] == ["stage_start", "undo"]


async def test_u_says_a_sent_reply_cannot_be_unsent_and_goes_on_to_the_action_before(
    tmp_path, show_file
):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "m6")
        await pilot.press("a")
        select(console.app, "m2")
        await pilot.press("r", *"saw", "enter")
        await actions_done(pilot)
        await pilot.press("u")
        await actions_done(pilot)
        assert "refused: Cannot undo the reply to ben: a message sent to chat cannot be unsent" in (
            screen_text(console.app)
        )
        await pilot.press("u")
        await actions_done(pilot)
        assert "m6" in queue_ids(console.app)
        assert log(console) == [
            ("answer", "m6", None),
            ("reply", "m2", None),
            ("undo", "m6", "answer"),
        ]


@pytest.mark.usefixtures("twitch_capture")
async def test_u_lifts_a_ban_on_twitch(tmp_path, show_file, fake_twitch):
    """The real Twitch adapter against the fake Twitch: the ban and its undo go over Helix."""
    store, _, _ = store_credentials(fake_twitch, tmp_path / "tokens.json")
    twitch = TwitchAdapter(settings_for(fake_twitch), store)
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await fake_twitch.wait_for_subscriptions(1)
        select(console.app, "m5")  # eve: "lol"
        await pilot.press("m", "3")
        assert "u undoes it (the ban is lifted on the platform)" in screen_text(console.app)
        await pilot.press("y")
        await actions_done(pilot)
        assert "104" in fake_twitch.bans and "m5" not in queue_ids(console.app)
        await pilot.press("u")
        await actions_done(pilot)
        assert fake_twitch.bans == {}
        assert (
            "Undid the ban of eve: their comments are back in the queue (unbanned on Twitch)"
            in (screen_text(console.app))
        )
        assert "m5" in queue_ids(console.app)
        rows = (
            console.db()
            .execute("SELECT action, text, outcome FROM host_actions ORDER BY id")
            .fetchall()
        )
        assert [r[:2] for r in rows] == [("moderate", "ban"), ("undo", "moderate")]
        assert rows[0][2] == "ok: banned on Twitch" and rows[1][2].startswith("ok: Undid the ban")
        await asyncio.wait_for(console.app.close_show(), 10)


async def test_handled_comments_are_listed_and_one_is_restored(tmp_path, show_file):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        select(app, "m4")
        await pilot.press("a")
        select(app, "m5")
        await pilot.press("d")
        select(app, "m2")
        await pilot.press("p")
        await actions_done(pilot)
        await pilot.press("l")
        text = screen_text(app)
        assert "Handled (3)" in text
        lines = [line for line in text.splitlines() if " TW " in line and ":" in line]
        listed = [line for line in lines if "brought on stage" in line or "dismissed" in line]
        assert any("brought on stage" in line and "ben" in line for line in listed)
        assert any("answered" in line and "dev" in line for line in lines)
        # the newest first: down once is eve's dismissal; Enter restores it
        await pilot.press("down", "enter")
        await actions_done(pilot)
        assert "m5" in queue_ids(app)
        assert "Undid the dismissal of eve's comment" in screen_text(app)
        await pilot.press("l")
        assert "(undone)" in screen_text(app)
        await pilot.press("escape")
        assert log(console)[-1] == ("undo", "m5", "dismiss")
        # restored from the list, the dismissal is off this console's undo stack: u now takes
        # back the newest action left, the stage start
        await pilot.press("u")
        await actions_done(pilot)
        assert log(console)[-1] == ("undo", "m2", "stage_start")


async def test_search_results_can_be_selected_and_acted_on(tmp_path, show_file):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        assert console.live.flush()
        await pilot.press("slash", *"waveform", "enter")
        await searched(pilot)
        await pilot.press("enter")  # select the (only) result
        queue = app.query_one(QueueView)
        assert queue.selected is not None and queue.selected.comment.id == "m2"
        assert "Search this show" not in screen_text(app)
        # answered from the queue, then found again by search: not answered twice
        await pilot.press("a")
        await actions_done(pilot)
        await pilot.press("slash", *"waveform", "enter")
        await searched(pilot)
        await pilot.press("a")
        await actions_done(pilot)
        assert "Nothing to answer: ben's comment was answered already" in screen_text(app)
        # and brought on stage from search
        await pilot.press("slash", *"waveform", "enter")
        await searched(pilot)
        await pilot.press("p")
        await actions_done(pilot)
        assert twitch.calls == [("invite", "ben")]
        assert "(from search: not in the queue)" in screen_text(app)
        await pilot.press("slash", *"waveform", "enter")
        await searched(pilot)
        await pilot.press("r", *"saw wins", "enter")
        await actions_done(pilot)
        assert twitch.calls[-1] == ("reply", "m2:saw wins")
        assert log(console) == [
            ("answer", "m2", None),
            ("stage_start", "m2", None),
            ("reply", "m2", None),
        ]


async def test_a_moderators_chat_segment_is_listed_and_taken_back_from_l(tmp_path):
    """A moderator's `!segment` typed by mistake: the host sees it in `l`, named as the
    moderator's, and Enter puts the segment before it back on air."""
    records = [
        *SHOW,
        comment_record(
            "s1", "2026-11-20T19:03:00Z", "mo", "2001", "!segment Patch cables", roles=["moderator"]
        ),
    ]
    transcript = tmp_path / "mod.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    console = open_console(tmp_path / "show.db", transcript, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        assert "#3 Patch cables" in screen_text(app).splitlines()[0]
        await pilot.press("l")
        entry = next(line for line in screen_text(app).splitlines() if "new segment" in line)
        assert "Patch cables  by twitch:mo" in entry
        await pilot.press("enter")
        await actions_done(pilot)
        first = screen_text(app).splitlines()[0]
        assert "#2 Filters" in first
        assert "segment 2 (Filters) is live again" in screen_text(app)
        assert log(console)[-2:] == [("segment", None, None), ("undo", None, "segment")]
        await pilot.press("l")
        entry = next(line for line in screen_text(app).splitlines() if "new segment" in line)
        assert "(undone)" in entry


async def test_a_deletion_with_no_connection_to_act_through_is_undone(tmp_path, show_file):
    """In a replay or the demo (no platform connected), `m` `1` `y` only records the deletion:
    nothing was deleted anywhere, so `u` gives the comment back, and the report counts no
    deleted comment. With a connection the deletion went out and cannot be undone."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        select(app, "m1")
        await pilot.press("m", "1", "y")
        await actions_done(pilot)
        assert "m1" not in queue_ids(app)
        await pilot.press("u")
        await actions_done(pilot)
        assert "m1" in queue_ids(app)
        assert "Undid deleting" in screen_text(app) and "back in the queue" in screen_text(app)
        db = console.db()
        assert db.execute("SELECT count(deleted_at) FROM comments").fetchone() == (0,)
        assert [a for a, *_ in log(console)] == ["moderate", "undo"]


async def test_u_with_nothing_of_its_own_points_to_what_the_show_handled(tmp_path):
    """After a crash and resume (or with a moderator's chat command) the host presses u: the
    console did nothing yet, but the show did. It said only "this console has done nothing yet";
    now it says l lists those actions and takes one back."""
    records = [
        *SHOW,
        comment_record(
            "s1", "2026-11-20T19:03:00Z", "mo", "2001", "!segment Patch cables", roles=["moderator"]
        ),
    ]
    transcript = tmp_path / "mod.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    console = open_console(tmp_path / "show.db", transcript, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        await pilot.press("u")
        said = screen_text(app)
        assert "Nothing this console did to undo: l lists what the show handled" in said
        assert "this console has done nothing yet" not in said
        assert log(console)[-1] == ("segment", None, None)  # nothing taken back by u
