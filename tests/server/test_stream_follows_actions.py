"""The overlay follows what the hosts do to the comment on it, as the audience sees it: a comment
deleted while on stream leaves it at once (a host's delete through the show server or the
console, or the platform's own deletion), and undoing the deletion puts it back; undoing a
feature that replaced another card puts the card before back (a user review, revB: a deleted
comment stayed on the overlay, and an undone feature left the overlay empty)."""

from __future__ import annotations

from datetime import UTC, datetime

import aiohttp
from showserver import SHOW, act, call, featuring, played, run_until_killed, serve


async def overlay_now(url: str) -> dict | None:
    """What a freshly opened overlay page is given: the card on stream (None: no card)."""
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(url + "/overlay/events") as ws,
    ):
        return (await ws.receive_json(timeout=5))["featured"]


async def test_a_comment_deleted_while_on_stream_leaves_it_and_its_undo_puts_it_back(
    tmp_path,
) -> None:
    async with featuring(tmp_path, "m2") as served:
        assert (await overlay_now(served.url) or {}).get("text", "").startswith("which waveform")

        status, body = await act(served, "hana", action="moderate", comment_id="m2", kind="delete")
        assert status == 200 and body["ok"], body
        assert await overlay_now(served.url) is None
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert state["featured"] is None

        # Only recorded (no Twitch connection): the undo gives it back, on stream too.
        status, undone = await act(served, "hana", action="undo", key=body["key"])
        assert status == 200 and undone["ok"], undone
        assert "on stream again" in undone["message"]
        card = await overlay_now(served.url)
        assert card is not None and card["text"].startswith("which waveform")


async def test_a_comment_the_platform_deletes_while_on_stream_leaves_it(tmp_path) -> None:
    async with featuring(tmp_path, "m4") as served:
        served.live.comment_deleted("twitch", "m4", datetime.now(UTC))
        assert await overlay_now(served.url) is None
        await act(served, "hana", action="feature", comment_id="m4")
        assert await overlay_now(served.url) is None


async def test_undoing_a_feature_that_replaced_a_card_puts_that_card_back(tmp_path) -> None:
    async with featuring(tmp_path, "m2") as served:
        status, body = await act(served, "hana", action="feature", comment_id="m4")
        assert status == 200 and body["ok"], body
        assert (await overlay_now(served.url) or {})["text"].startswith("how do you stop")

        status, undone = await act(served, "hana", action="undo", key=body["key"])
        assert status == 200 and undone["ok"], undone
        assert "ben's comment is on stream again" in undone["message"], undone
        card = await overlay_now(served.url)
        assert card is not None and card["text"].startswith("which waveform")
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert state["featured"]["id"] == "m2"


async def test_undoing_a_feature_does_not_bring_back_a_card_since_deleted(tmp_path) -> None:
    async with featuring(tmp_path, "m2") as served:
        _, body = await act(served, "hana", action="feature", comment_id="m4")
        served.live.comment_deleted("twitch", "m2", datetime.now(UTC))
        status, undone = await act(served, "hana", action="undo", key=body["key"])
        assert status == 200 and undone["ok"], undone
        assert await overlay_now(served.url) is None


async def test_a_guest_who_opted_out_is_a_guest_on_the_overlays_stage_bar(tmp_path) -> None:
    """The stage bar read "On stage: a viewer who opted out" to the audience (revB): the
    hosts' words for why a guest has no name. The audience reads "a guest"."""
    async with played(tmp_path) as served:
        for comment_id in ("m2", "m4"):
            status, body = await act(served, "hana", action="stage", comment_id=comment_id)
            assert status == 200 and body["ok"], body
        ben = served.live.find_comment(None, "m2")
        assert ben is not None
        served.live.set_opted_out(ben.author, True)
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/overlay/events") as ws,
        ):
            stage = (await ws.receive_json(timeout=5))["stage"]
            async with session.get(served.url + "/overlay") as response:
                page = await response.text()
        assert [guest["author"] for guest in stage] == ["a guest", "dev"]
        assert "opted out" not in page and "<bdi>a guest</bdi>, <bdi>dev</bdi>" in page


async def test_undoing_a_timeout_of_someone_who_opted_out_since_shows_nothing_of_theirs(
    tmp_path,
) -> None:
    """A last read, lr3: the undo put the opted-out viewer's comment back on the overlay."""
    async with featuring(tmp_path, "m2") as served:
        status, timeout = await act(
            served, "hana", action="moderate", comment_id="m2", kind="timeout"
        )
        assert status == 200 and timeout["ok"], timeout
        ben = served.live.find_comment("twitch", "m2")
        assert ben is not None
        assert served.live.set_opted_out(ben.author, True).ok

        status, undone = await act(served, "hana", action="undo", key=timeout["key"])
        assert status == 200 and undone["ok"], undone
        assert "ben" not in undone["message"] and "on stream again" not in undone["message"]
        assert await overlay_now(served.url) is None
        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert "fattest bass" not in str(state)


async def test_undoing_a_ban_of_someone_forgotten_since_shows_nothing_of_theirs(tmp_path) -> None:
    async with featuring(tmp_path, "m4") as served:
        status, ban = await act(served, "hana", action="moderate", comment_id="m4", kind="ban")
        assert status == 200 and ban["ok"], ban
        dev = served.live.find_comment("twitch", "m4")
        assert dev is not None
        assert served.live.forget_author(dev.author).ok

        status, undone = await act(served, "hana", action="undo")
        assert status == 200 and undone["ok"], undone
        assert "dev" not in undone["message"] and "on stream again" not in undone["message"]
        assert await overlay_now(served.url) is None
        # Still let go of: featuring their comment by hand is refused as well.
        status, again = await act(served, "hana", action="feature", comment_id="m4")
        assert not again["ok"] and await overlay_now(served.url) is None
        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert "oscillator from drifting" not in str(state)


async def test_an_undo_does_not_bring_a_card_back_once_another_went_on_since(tmp_path) -> None:
    """A last read, lr3: undoing a deletion put the deleted card back on stream although the
    hosts had shown another comment since (and taken it off): the audience saw an old card
    come back from nowhere."""
    async with featuring(tmp_path, "m2") as served:
        status, deleted = await act(
            served, "hana", action="moderate", comment_id="m2", kind="delete"
        )
        assert status == 200 and deleted["ok"], deleted
        for action in ("feature", "unfeature"):  # another card on, and off again
            status, body = await act(served, "hana", action=action, comment_id="m4")
            assert status == 200 and body["ok"], body
        assert await overlay_now(served.url) is None

        status, undone = await act(served, "hana", action="undo", key=deleted["key"])
        assert status == 200 and undone["ok"], undone
        assert "back in the queue" in undone["message"]
        assert "on stream again" not in undone["message"]
        assert await overlay_now(served.url) is None


async def test_undoing_a_take_off_keeps_the_card_that_went_on_since(tmp_path) -> None:
    async with featuring(tmp_path, "m2") as served:
        status, off = await act(served, "hana", action="unfeature")
        assert status == 200 and off["ok"], off
        status, body = await act(served, "hana", action="feature", comment_id="m4")
        assert status == 200 and body["ok"], body

        status, undone = await act(served, "hana", action="undo", key=off["key"])
        assert status == 200 and undone["ok"], undone
        assert "another comment went on since" in undone["message"], undone
        card = await overlay_now(served.url)
        assert card is not None and card["text"].startswith("how do you stop the oscillator")


#: Before the kill: ben's comment on stream and taken off, dev's on and off again; SIGKILL.
FEATURED_THEN_KILLED = """
import asyncio, json, os, signal, sys
from pathlib import Path
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.session import open_show

async def main(folder):
    transcript = folder / "show.jsonl"
    live = open_show(Settings(), db_path=folder / "show.db", show_name="synth",
                     source=str(transcript), adapters=[ReplayAdapter(transcript, instant=True)])
    await live.run_adapters()
    find = lambda i: live.find_comment("twitch", i)
    assert live.feature(find("m2")).ok
    taken_off = live.unfeature()
    assert taken_off.ok
    assert live.feature(find("m4")).ok and live.unfeature().ok
    assert live.flush(10)
    print(taken_off.key, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""


async def test_after_a_restart_an_undo_still_knows_another_card_went_on_since(tmp_path) -> None:
    """The show remembers the last card put on stream when each action was done, so an undo
    does not bring back a card once another went on since: after kill -9 and resume it knew
    nothing of it, and undoing ben's take-off put his old card back on the overlay although
    dev's had been on since."""
    key = run_until_killed(tmp_path, SHOW, FEATURED_THEN_KILLED)
    resumed = await serve(tmp_path, SHOW)
    try:
        await resumed.played()
        assert await overlay_now(resumed.url) is None
        status, undone = await act(resumed, "hana", action="undo", key=key)
        assert status == 200 and undone["ok"], undone
        assert "another comment went on since" in undone["message"], undone
        assert await overlay_now(resumed.url) is None
    finally:
        await resumed.close()
