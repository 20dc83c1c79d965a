"""A row that stands for several viewers (a copypasta from 31, a question asked by many):
acting on it does not surprise the host. `p` asks whether to bring the comment's own author or
all of them and the notice says how many and who; the reply dialog says whom it goes to, and
the reply does not mass-ping (host review 17, finding 1).

The real console under Pilot on a show replayed into a real SQLite file; a recording adapter
stands in for Twitch (what it was asked to send is what a platform would have been sent).
"""

from __future__ import annotations

import json
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

PASTA = "what synth filter should I buy? copy this if you agree the filter is the best part!!"
SIZE = (100, 30)


def pasta_show(tmp_path: Path, pasters: int = 31) -> Path:
    records = [
        {"kind": "show", "ts": "2026-12-07T20:00:00Z", "title": "Pasta test"},
        {
            "kind": "segment",
            "ts": "2026-12-07T20:00:00Z",
            "title": "Synths",
            "keywords": ["synth", "filter"],
        },
        *(
            comment_record(f"p{n}", f"2026-12-07T20:00:{n + 1:02d}Z", f"paster{n}", f"v{n}", PASTA)
            for n in range(pasters)
        ),
    ]
    path = tmp_path / "pasta.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


def select_row(app, message_id: str) -> None:
    queue = app.query_one(QueueView)
    queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == message_id))


def dialog_text(app) -> str:
    """The open dialog's words, each line whole (the screen shows them wrapped, beside chat)."""
    return " ".join(" ".join(str(w.render()).split()) for w in app.screen.query("Static, Button"))


def notice_line(app) -> str:
    return screen_text(app).splitlines()[-2].strip()


async def test_p_on_a_row_of_31_asks_first_and_brings_one_or_all(tmp_path):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", pasta_show(tmp_path), adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app, live = console.app, console.live
        select_row(app, "p0")
        assert len(app.query_one(QueueView).askers_of(app.query_one(QueueView).selected)) == 31

        await pilot.press("p")
        await pilot.pause()
        text = dialog_text(app)
        assert "This row stands for 31 viewers: paster0, paster1, paster2 and 28 more" in text
        assert "Just paster0 (1)" in text and "All 31 (a)" in text
        assert twitch.calls == [] and live.on_stage == ()  # nobody yet
        await pilot.press("escape")
        await pilot.pause()
        assert live.on_stage == () and notice_line(app) == "– Nobody was brought on stage"

        await pilot.press("p", "1")  # the comment's own author alone
        await actions_done(pilot)
        assert [s.author.name for s in live.on_stage] == ["paster0"]
        assert twitch.calls == [("invite", "paster0")]
        assert notice_line(app) == "✓ paster0: twitch: invite done"
        await pilot.press("u")
        await actions_done(pilot)
        assert live.on_stage == ()

        select_row(app, "p0")
        await pilot.press("p", "a")  # all of them, knowingly
        await actions_done(pilot)
        assert len(live.on_stage) == 31
        assert notice_line(app) == (
            "✓ Brought 31 on stage: paster0, paster1, paster2 and 28 more; twitch: invite done"
        )
        await pilot.press("u")  # one undo takes all 31 back
        for _ in range(100):  # 31 ends of appearances (a metrics refresh may replace another)
            await pilot.pause(0.02)
            if not live.on_stage:
                break
        assert live.on_stage == ()
        db = console.db()
        starts = db.execute("SELECT count(*) FROM host_actions WHERE action = 'stage_start'")
        assert starts.fetchone() == (32,)  # one, then 31: each guest's own row


async def test_e_says_whose_appearance_ended(tmp_path):
    """Without a connection (a replay) `e` said "stage end recorded; no Twitch connection to
    act through": with several guests the host could not tell whose appearance ended."""
    console = open_console(tmp_path / "show.db", pasta_show(tmp_path, pasters=3))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        select_row(app, "p0")
        await pilot.press("p", "1")
        await actions_done(pilot)
        assert (
            notice_line(app)
            == "· paster0: stage start recorded; no Twitch connection to act through"
        )
        await pilot.press("e")
        await actions_done(pilot)
        assert (
            notice_line(app) == "· paster0: stage end recorded; no Twitch connection to act through"
        )
        db = console.db()
        outcomes = db.execute(
            "SELECT outcome FROM host_actions WHERE action LIKE 'stage%' ORDER BY id"
        ).fetchall()
        assert outcomes == [  # the log's outcome keeps no name
            ("ok: stage start recorded; no Twitch connection to act through",),
            ("ok: stage end recorded; no Twitch connection to act through",),
        ]


async def test_a_reply_to_a_row_of_31_says_whom_and_pings_none_of_them(tmp_path):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", pasta_show(tmp_path), adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        select_row(app, "p0")
        await pilot.press("r")
        await pilot.pause()
        assert "Reply to paster0 and 30 others on TW" in screen_text(app)
        await pilot.press(*"thanks all", "enter")
        await actions_done(pilot)
        assert twitch.calls == [("reply", "p0:thanks all")]  # threaded to paster0, no @-names
        history = [n.text for n in app.state.notices]
        assert (
            "Reply to paster0 and 30 others who asked the same, @-naming none of them (a reply"
            ' names at most 5): "thanks all"; twitch: reply done'
        ) in history
        db = console.db()
        replies = db.execute(
            "SELECT count(*), min(text), max(text) FROM host_actions WHERE action = 'reply'"
        ).fetchone()
        assert replies == (31, "thanks all", "thanks all")  # one row per asker: undo exact


async def test_a_reply_to_a_row_of_three_names_the_other_two(tmp_path):
    twitch = RecordingAdapter("twitch")
    console = open_console(tmp_path / "show.db", pasta_show(tmp_path, 3), adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        select_row(app, "p0")
        await pilot.press("r")
        await pilot.pause()
        assert "Reply to paster0 and 2 others on TW" in screen_text(app)
        await pilot.press(*"thanks", "enter")
        await actions_done(pilot)
        assert twitch.calls == [("reply", "p0:@paster1 @paster2 thanks")]
        assert notice_line(app).startswith(
            '✓ Reply to paster0 and 2 others who asked the same, @-naming the 2 others: "thanks"'
        )
