"""A viewer's display name is chat text too: what the show server sends (the overlay on stream,
the API) has it cleaned, as the console shows it: no bidi overrides, no escape sequences, no
towers of combining marks, not longer than a name should be."""

from __future__ import annotations

import json

import aiohttp
from showserver import SHOW, act, call, comment, serve

RAW_NAME = "\u202eevil\u0301\u0301\u0301\u0301\u0301\u0301\u0301\u0301\x1b[31m" + "x" * 300


async def test_an_author_name_on_stream_and_in_the_api_is_cleaned(tmp_path) -> None:
    served = await serve(tmp_path, [*SHOW, comment("h1", "01:00", RAW_NAME, "666", "hello?")])
    try:
        await served.played()
        status, body = await act(served, "hana", action="feature", comment_id="h1")
        assert status == 200 and body["ok"]

        async with aiohttp.ClientSession() as session:
            async with session.get(served.url + "/overlay") as response:
                page = await response.text()
            async with session.ws_connect(served.url + "/overlay/events") as ws:
                overlay = (await ws.receive_json(timeout=5))["featured"]["author"]
        status, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        names = {
            "overlay": overlay,
            "state featured": state["featured"]["author"],
            "state queue": next(c["author"] for c in state["queue"] if c["id"] == "h1"),
        }
        for where, name in names.items():
            assert name.startswith("evi") and len(name) <= 40, where
            assert "\u202e" not in name and "\x1b" not in name and "[31m" not in name, where
            assert name.count("\u0301") < 8, where
        assert "\u202e" not in page and "\x1b" not in page
        assert "unicode-bidi: isolate" in page  # a name never reorders the text beside it
    finally:
        await served.close()


async def test_search_and_an_actions_answer_name_a_viewer_as_the_state_does(tmp_path) -> None:
    """`/api/search` gave the raw name, and an action's answer (a notice on every console too)
    embedded it: bidi overrides and escape sequences reached API clients and terminals."""
    from stagehand.events import Notice

    served = await serve(tmp_path, [*SHOW, comment("h1", "01:00", RAW_NAME, "666", "hello?")])
    notices: list[Notice] = []
    served.live.add_listener(lambda e: notices.append(e) if isinstance(e, Notice) else None)
    try:
        await served.played()
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        shown = next(c["author"] for c in state["queue"] if c["id"] == "h1")
        served.db().close()  # search reads the store: every comment written first

        status, body = await call(served, "GET", "/api/search?q=hello", served.tokens["vic"])
        assert status == 200
        (hit,) = body["hits"]
        assert hit["author"] == hit["display_name"] == shown

        status, body = await act(served, "alice", action="feature", comment_id="h1")
        assert status == 200 and body["ok"]
        assert body["message"] == f"On stream: {shown}'s comment"
        assert [n.text for n in notices] == [body["message"]]
        status, body = await act(served, "alice", action="undo")  # the show says whose
        assert status == 200 and body["ok"]
        assert body["message"].startswith("Undid showing evi")
        assert "\u202e" not in body["message"] and "\x1b" not in body["message"]
    finally:
        await served.close()


async def test_a_screen_attaching_after_an_opt_out_is_given_none_of_the_viewers_lines(
    tmp_path,
) -> None:
    """The snapshot a new screen gets carries the last chat lines: after `!optout` it must not
    carry the viewer's earlier lines, nor the `!optout` line itself (published under their name
    before it took effect)."""
    records = [
        *SHOW,
        comment("o1", "00:50", "ana", "101", "!optout", display_name="Private Ana"),
        comment("o2", "00:55", "ana", "101", "which VCO chip is that?", display_name="Private Ana"),
    ]
    served = await serve(tmp_path, records, commands=True)
    try:
        await served.played()
        headers = {"Authorization": f"Bearer {served.tokens['vic']}"}
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/api/events", headers=headers) as ws,
        ):
            snapshot = (await ws.receive_json(timeout=5))["snapshot"]
        said = json.dumps(snapshot["chat"]) + json.dumps(snapshot["queue"])
        assert "ben" in said  # the others' lines are there
        assert "ana" not in said and "Ana" not in said and "optout" not in said
        assert "hi everyone" not in said and "VCO chip" not in said
    finally:
        await served.close()


async def test_the_events_stream_carries_each_name_cleaned_beside_the_raw_one(tmp_path) -> None:
    """The events WebSocket sent only the raw name ("\\u202eeman"), where texts come with their
    `clean_text` beside them: a tool printing `author.name` printed the bidi override. Each
    author now carries `shown_name` (the name `/api/state` shows); `name` stays as it was."""
    served = await serve(tmp_path, [*SHOW, comment("h1", "01:00", RAW_NAME, "666", "hello?")])
    try:
        await served.played()
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        shown = next(c["author"] for c in state["queue"] if c["id"] == "h1")
        headers = {"Authorization": f"Bearer {served.tokens['vic']}"}
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/api/events", headers=headers) as ws,
        ):
            assert "snapshot" in await ws.receive_json(timeout=5)
            status, body = await act(served, "hana", action="stage", comment_id="h1")
            assert status == 200 and body["ok"]
            events: list[dict] = []
            while not any(e["type"] == "StageChanged" for e in events):
                events += (await ws.receive_json(timeout=5))["events"]
        guests = [e["session"]["author"] for e in events if e["type"] == "StageStarted"]
        guests += [
            s["author"] for e in events if e["type"] == "StageChanged" for s in e["on_stage"]
        ]
        assert len(guests) == 2
        for author in guests:
            assert author["name"] == RAW_NAME  # the raw name, as before (clients read it)
            assert author["shown_name"] == shown and shown.startswith("evi")
    finally:
        await served.close()
