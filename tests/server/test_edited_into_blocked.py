"""A comment edited into a blocked term (`[ranking] blocked_terms`) after it was queued or put on
stream: the edit never puts the abusive text on a queue or the stream. A Discord edit replaced
the text of the featured comment unchecked: "COCK AND BALL TORTURE" showed on the overlay."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import aiohttp
from showserver import act, call, serve

from stagehand.events import Notice

ABUSE = "COCK AND BALL TORTURE"


async def test_a_featured_comment_edited_into_a_blocked_term_leaves_the_stream(tmp_path) -> None:
    served = await serve(tmp_path)
    notices: list[Notice] = []
    served.live.add_listener(lambda e: notices.append(e) if isinstance(e, Notice) else None)
    try:
        await served.played()
        status, body = await act(served, "hana", action="feature", comment_id="m2")
        assert status == 200 and body["ok"]

        served.live.comment_edited("twitch", "m2", ABUSE, datetime.now(UTC))

        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/overlay/events") as ws,
        ):
            overlay = await ws.receive_json(timeout=5)
        assert overlay["featured"] is None
        for who in ("hana", "vic"):
            _, state = await call(served, "GET", "/api/state", served.tokens[who])
            assert state["featured"] is None, who
            assert "m2" not in {c["id"] for c in state["queue"]}, who
            assert "COCK" not in json.dumps(state), who
        said = [n.text for n in notices if "blocked term" in n.text]
        assert said == [
            "ben edited their comment into a blocked term: off the stream and the queue"
        ]
        assert notices[-1].level == "warning"

        # Never put back: a host who features it again is told why not.
        status, body = await act(served, "hana", action="feature", comment_id="m2")
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert state["featured"] is None
    finally:
        await served.close()


async def test_a_queued_comment_edited_into_a_blocked_term_leaves_the_queue(tmp_path) -> None:
    served = await serve(tmp_path)
    notices: list[Notice] = []
    served.live.add_listener(lambda e: notices.append(e) if isinstance(e, Notice) else None)
    try:
        await served.played()
        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert "m4" in {c["id"] for c in state["queue"]}

        served.live.comment_edited("twitch", "m4", "kill yourself", datetime.now(UTC))
        served.live.comment_edited(
            "twitch", "m2", "saw or square, for a fat bass?", datetime.now(UTC)
        )

        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        queue = {c["id"]: c for c in state["queue"]}
        assert "m4" not in queue and "kill yourself" not in json.dumps(state)
        assert [n.text for n in notices if "blocked term" in n.text] == [
            "dev edited their comment into a blocked term: off the queue"
        ]
        # A clean edit still shows, as before.
        assert queue["m2"]["text"] == "saw or square, for a fat bass?"
        # The record keeps what was written, as it keeps a held line.
        with served.db() as db:
            (text,) = db.execute("SELECT text FROM comments WHERE message_id = 'm4'").fetchone()
        assert text == "kill yourself"
    finally:
        await served.close()
