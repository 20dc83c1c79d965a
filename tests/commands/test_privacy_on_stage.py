"""A viewer who opted out is never put on stage by name: not by a moderator's `!stage @name`,
not in what the show server tells its screens (the overlay on stream, the API)."""

from __future__ import annotations

import json

import aiohttp

from server.showserver import SHOW, call, comment, serve

MOD = ["moderator"]


async def overlay_and_state(served) -> tuple[dict, dict]:  # type: ignore[no-untyped-def]
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(served.url + "/overlay/events") as ws,
    ):
        overlay = await ws.receive_json(timeout=5)
    _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
    return overlay, state


async def test_a_moderator_cannot_stage_a_viewer_who_just_opted_out_by_name(tmp_path) -> None:
    records = [
        *SHOW,
        comment("e1", "00:50", "eve", "1005", "hi there"),
        comment("e2", "00:51", "eve", "1005", "!optout"),
        comment("e3", "00:52", "mod", "2001", "!stage @eve", roles=MOD),
    ]
    served = await serve(tmp_path, records, commands=True)
    try:
        await served.played()
        await served.live.drain()
        overlay, state = await overlay_and_state(served)
        assert overlay["stage"] == [] and state["stage"] == []
        assert served.live.on_stage == ()
        said = json.dumps(overlay) + json.dumps(state)
        assert '"eve"' not in said and '"1005"' not in said
        db = served.db()
        outcome = db.execute("SELECT outcome FROM commands WHERE name = 'stage'").fetchone()[0]
        assert outcome.startswith("failed: no recent comment from @eve")
        assert db.execute("SELECT count(*) FROM stage_sessions").fetchone()[0] == 0
    finally:
        await served.close()


async def test_a_guest_who_opts_out_on_stage_stays_there_with_neither_name_nor_id(
    tmp_path,
) -> None:
    records = [
        *SHOW,
        comment("e1", "00:50", "eve", "1005", "hi there"),
        comment("e2", "00:51", "mod", "2001", "!stage @eve", roles=MOD),
        comment("e3", "00:52", "eve", "1005", "!optout"),
    ]
    served = await serve(tmp_path, records, commands=True)
    try:
        await served.played()
        await served.live.drain()
        overlay, state = await overlay_and_state(served)
        # The audience's screen says no more than that a guest is on (docs/server.md); the
        # hosts' state says why there is no name.
        assert [guest["author"] for guest in overlay["stage"]] == ["a guest"]
        assert [guest["author"] for guest in state["stage"]] == ["a viewer who opted out"]
        said = json.dumps(overlay) + json.dumps(state)
        assert '"eve"' not in said and '"1005"' not in said
    finally:
        await served.close()
