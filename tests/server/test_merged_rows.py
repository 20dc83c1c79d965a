"""One question several viewers asked is one row on every screen the show server feeds, and an
action on it through the API acts for every asker, as `a` does in the console (issues 16 + 17)."""

from __future__ import annotations

from showserver import SHOW, act, call, comment, serve

from stagehand.server.remote import RemoteShow

SAME_QUESTION = [
    *SHOW[:2],
    comment("q1", "00:05", "ana", "101", "which waveform gives the fattest bass?"),
    comment("x1", "00:10", "ben", "102", "love the blinking lights on that rack"),
    comment("q2", "00:15", "cleo", "103", "which waveform gives you the fattest bass?"),
    comment(
        "q3", "00:20", "dev", "9001", "which waveform gives the fattest bass", platform="discord"
    ),
]


async def test_the_api_shows_one_row_asked_by_three_and_answering_it_answers_all(
    tmp_path,
) -> None:
    served = await serve(tmp_path, SAME_QUESTION)
    try:
        await served.played()
        status, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert status == 200
        top = state["queue"][0]
        assert (top["id"], top["asked_by"]) == ("q1", 3)
        assert [a["id"] for a in top["askers"]] == ["q1", "q2", "q3"]
        assert "asked_by" in top["reasons"]  # why it sits on top, for any client
        assert "q2" not in {row["id"] for row in state["queue"]}  # not a row of its own

        status, body = await act(served, "hana", action="answer", comment_id="q1")
        assert status == 200 and body["ok"] and "ana" in body["message"]
        with served.db() as db:
            answered = db.execute(
                "select c.message_id, h.actor from host_actions h"
                " join comments c on c.id = h.comment_id where h.action = 'answer'"
                " order by c.message_id"
            ).fetchall()
        assert answered == [("q1", "hana"), ("q2", "hana"), ("q3", "hana")]
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert not {"q1", "q2", "q3"} & {row["id"] for row in state["queue"]}

        # The undo takes back every asker's answer: the row is whole again.
        status, body = await act(served, "hana", action="undo", key=body["key"])
        assert status == 200 and body["ok"]
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert (state["queue"][0]["id"], state["queue"][0]["asked_by"]) == ("q1", 3)
    finally:
        await served.close()


async def test_a_producer_pinning_a_later_asker_pins_the_whole_row_and_its_answer_answers_all(
    tmp_path,
) -> None:
    """A pin through the API took its comment out of the row: the pin answered one viewer, and
    the other askers stayed a row "asked by 2" below it."""
    served = await serve(tmp_path, SAME_QUESTION)
    try:
        await served.played()
        status, body = await act(served, "alice", action="pin", comment_id="q2", text="next")
        assert status == 200 and body["ok"]
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        top = state["queue"][0]
        assert top["id"] == "q2" and top["pinned"] == {"by": "alice", "note": "next"}
        assert top["asked_by"] == 3 and [a["id"] for a in top["askers"]] == ["q2", "q1", "q3"]
        assert not {"q1", "q3"} & {row["id"] for row in state["queue"]}  # no second row

        status, body = await act(served, "hana", action="answer", comment_id="q2")
        assert status == 200 and body["ok"]
        assert "cleo and 2 others who asked the same" in body["message"]
        with served.db() as db:
            answered = db.execute(
                "select c.message_id from host_actions h join comments c on c.id = h.comment_id"
                " where h.action = 'answer' order by c.message_id"
            ).fetchall()
        assert answered == [("q1",), ("q2",), ("q3",)]
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert [row["id"] for row in state["queue"]] == ["x1"]
        assert not any(row["pinned"] for row in state["queue"])
    finally:
        await served.close()


async def test_stage_alone_brings_only_the_comments_own_author(tmp_path) -> None:
    """An attached console's `1` in the stage dialog ("just the comment's author") sent a plain
    `stage`, which brings the whole row: every asker got an invitation (found by the last read).
    `"alone": true` brings the comment's own author only; without it, every asker, as before."""
    served = await serve(tmp_path, SAME_QUESTION)
    try:
        await served.played()
        status, body = await act(served, "hana", action="stage", comment_id="q1", alone=True)
        assert status == 200 and body["ok"], body
        with served.db() as db:
            on_stage = db.execute(
                "SELECT a.name FROM stage_sessions s JOIN authors a ON a.id = s.author_id"
            ).fetchall()
        assert on_stage == [("ana",)]
        status, body = await act(served, "hana", action="stage", comment_id="q1", alone="yes")
        assert status == 400 and '"alone" must be true or false' in body["message"]
        # An attached console's "just the author" (no `also`) is sent as such.
        host = RemoteShow(served.url, served.tokens["hana"])
        await host.connect()
        try:
            assert (await host.end_stage()).ok
            cleo = served.live.find_comment("twitch", "q2")
            assert cleo is not None
            assert (await host.pull_on_stage(cleo)).ok
        finally:
            await host.close()
        with served.db() as db:
            came = db.execute(
                "SELECT a.name FROM stage_sessions s JOIN authors a ON a.id = s.author_id"
                " ORDER BY s.id"
            ).fetchall()
        assert came == [("ana",), ("cleo",)]
    finally:
        await served.close()
