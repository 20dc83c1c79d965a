"""One question several viewers asked is one row on every screen the show server feeds, and an
action on it through the API acts for every asker, as `a` does in the console (issues 16 + 17)."""

from __future__ import annotations

from showserver import SHOW, act, call, comment, serve

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
