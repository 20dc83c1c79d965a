"""A viewer's display name is chat text too: what the show server sends (the overlay on stream,
the API) has it cleaned, as the console shows it: no bidi overrides, no escape sequences, no
towers of combining marks, not longer than a name should be."""

from __future__ import annotations

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
