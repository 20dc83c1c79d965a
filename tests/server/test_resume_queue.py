"""A show killed with SIGKILL and run again: its screens show the queue the hosts had.

The show before the kill runs in a child process (`session.open_show`, a replayed transcript, a
real SQLite file): the hosts answer, dismiss, pin and put a comment on stream there, the child
waits until all of it is written, and kills itself with SIGKILL (nothing closes, as after
`kill -9`). The same show is then opened again here as the CLI opens it (it resumes), with its
show server, its own console and a console attached from elsewhere.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from showserver import FILTER_QUESTIONS, Served, act, call, comment, run_until_killed, serve
from test_attach import attached, until

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.console.app import make_app
from stagehand.session import open_show

SHOW = [
    *FILTER_QUESTIONS,
    comment("h1", "00:40", "hal", "108", "lol"),
]

#: The show before the kill: each host action, then everything written, then SIGKILL.
BEFORE_THE_KILL = """
import asyncio, json, os, signal, sys
from pathlib import Path
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.session import open_show
from stagehand.show.queue import ShowQueue

async def main(folder):
    transcript = folder / "show.jsonl"
    live = open_show(Settings(), db_path=folder / "show.db", show_name="synth",
                     source=str(transcript), adapters=[ReplayAdapter(transcript, instant=True)],
                     commands=False)
    queue = ShowQueue(**live.queue_settings.fields())
    live.add_listener(queue.apply)
    await live.run_adapters()
    find = lambda i: live.find_comment("twitch", i)
    with live.acting_as("hana"):
        assert live.answer(find("a1")).ok
        assert live.dismiss(find("b1")).ok
    with live.acting_as("alice"):
        assert live.pin(find("c1"), "ask this next").ok
        assert live.feature(find("d1")).ok
    rows = [[r.comment.id for r in row.askers] for row in queue.queue_rows()]
    assert live.flush(10)
    print(json.dumps(rows), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""


def killed_mid_show(folder: Path) -> list[list[str]]:
    """Play SHOW in a child process that acts, then dies by SIGKILL; its queue's rows then."""
    return json.loads(run_until_killed(folder, SHOW, BEFORE_THE_KILL))


def rows_of(state: dict) -> list[list[str]]:
    return [[asker["id"] for asker in row["askers"]] for row in state["queue"]]


async def test_a_killed_show_comes_back_with_its_queue_and_pins(tmp_path) -> None:
    rows = killed_mid_show(tmp_path)
    waiting = {i for row in rows for i in row}
    # What the hosts had: c1 pinned on top, e1 and f1 one row ("asked by 2"), a1 and b1 gone.
    assert rows[0] == ["c1"] and ["e1", "f1"] in rows
    assert {"a1", "b1"}.isdisjoint(waiting) and {"d1", "g1"} <= waiting

    after = await serve(tmp_path, SHOW)  # the same command again: it resumes
    try:
        await after.played()
        _, state = await call(after, "GET", "/api/state", after.tokens["vic"])
        assert rows_of(state) == rows
        assert state["queue"][0]["pinned"] == {"by": "alice", "note": "ask this next"}
        assert state["featured"] is None  # the hosts decide what goes back on stream
        assert [p.comment.id for p in after.live.pins] == ["c1"]

        # A console attached after the restart shows the same rows and the pin.
        remote, app = await attached(after, "alice")
        try:
            async with app.run_test(size=(120, 35)) as pilot:
                await until(lambda: len(app.state.queue) == len(waiting), pilot=pilot)
                assert [[r.comment.id for r in row.askers] for row in app.state.queue_rows()] == (
                    rows
                )
                assert set(app.state.pins) == {("twitch", "c1")}
        finally:
            await remote.close()
    finally:
        await after.close()


async def test_a_comment_answered_before_the_kill_is_answered_already_after_it(tmp_path) -> None:
    killed_mid_show(tmp_path)
    after = await serve(tmp_path, SHOW)
    try:
        await after.played()
        for action, comment_id in (("answer", "a1"), ("answer", "b1"), ("dismiss", "a1")):
            status, body = await act(after, "hana", action=action, comment_id=comment_id)
            assert status == 409, body
            assert "already" in body["message"]
        # Nothing logged twice: the answer and the dismissal from before the kill only.
        assert answers_and_dismissals(after) == [("answer", "a1"), ("dismiss", "b1")]
        # What was not handled still may be.
        status, body = await act(after, "hana", action="answer", comment_id="g1")
        assert status == 200 and body["ok"], body
    finally:
        await after.close()


async def test_the_shows_own_console_after_a_kill_has_the_queue_and_refuses_answering_twice(
    tmp_path,
) -> None:
    rows = killed_mid_show(tmp_path)
    transcript = tmp_path / "show.jsonl"
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth",
        source=str(transcript),
        adapters=[ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    assert live.resumed
    app = make_app(live, Settings())  # as the CLI makes it: before the show runs
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        state = app.state
        assert [[r.comment.id for r in row.askers] for row in state.queue_rows()] == rows
        assert list(state.pins) == [("twitch", "c1")]
        assert state.removed[("twitch", "a1")].startswith("answered")
        assert state.removed[("twitch", "b1")].startswith("dismissed")
        assert state.featured is None
        # The handled list has them (what they were, by whom).
        handled = {(h.kind.value, h.comment.id) for h in state.handled.values()}
        assert handled == {("answer", "a1"), ("dismiss", "b1")}
        assert any(
            "dev's comment was on stream when the show stopped" in n.text for n in state.notices
        ), [n.text for n in state.notices]
        await pilot.press("q", "y")
    assert app.closed or await live.close()


async def test_the_time_on_stream_open_at_the_kill_ends_when_the_show_was_last_alive(
    tmp_path,
) -> None:
    killed_mid_show(tmp_path)
    db = sqlite3.connect(tmp_path / "show.db")
    assert db.execute("SELECT count(*) FROM on_stream WHERE ended_at IS NULL").fetchone() == (1,)
    last_alive = db.execute(
        "SELECT max(ts) FROM (SELECT ts FROM comments UNION ALL SELECT ts FROM host_actions)"
    ).fetchone()[0]
    db.close()

    after = await serve(tmp_path, SHOW)
    try:
        await after.played()
        assert after.live.featured is None
        rows = (
            after.db()
            .execute(
                "SELECT comments.message_id, on_stream.started_at, on_stream.ended_at"
                " FROM on_stream JOIN comments ON comments.id = on_stream.comment_id"
            )
            .fetchall()
        )
        assert len(rows) == 1
        message_id, started_at, ended_at = rows[0]
        assert message_id == "d1" and ended_at == last_alive and ended_at >= started_at
    finally:
        await after.close()


def answers_and_dismissals(served: Served) -> list[tuple[str, str]]:
    return (
        served.db()
        .execute(
            "SELECT host_actions.action, comments.message_id FROM host_actions"
            " JOIN comments ON comments.id = host_actions.comment_id"
            " WHERE action IN ('answer', 'dismiss') ORDER BY host_actions.id"
        )
        .fetchall()
    )
