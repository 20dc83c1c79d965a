"""Stream Deck buttons as a producer's deck meets them (a user review, revB): a button that
picks its target when the request lands (`top`, or `end_stage` or `stage_hand` naming nobody)
does nothing while another screen has just changed that target, and says so; a stage action's
answer names the guest; a viewer's event stream does not carry the host's file paths."""

from __future__ import annotations

import asyncio
import json

from showserver import act, played
from test_anonymous_people import events_frame

from stagehand.server.access import AccessTokens, Role


async def test_top_waits_after_another_screen_changed_the_queue(tmp_path) -> None:
    async with played(tmp_path) as served:
        served.tokens["hank"] = AccessTokens().create("hank", Role.HOST)
        # hana answers what she looks at; the deck's "answer top", pressed at the same moment,
        # would answer whatever rose to the top: nobody looked at it.
        status, body = await act(served, "hana", action="answer", comment_id="m2")
        assert status == 200 and body["ok"], body
        status, body = await act(served, "hank", action="answer", comment_id="top")
        assert status == 409, body
        assert body["message"].startswith("nothing done: the queue's top changed"), body
        assert "(hana acted)" in body["message"]
        # Its own presses do not hold it back: it knows what it did.
        status, body = await act(served, "hana", action="dismiss", comment_id="top")
        assert status == 200 and body["ok"], body
        # Once the queue has been still a moment, top acts again.
        await asyncio.sleep(2.1)
        status, body = await act(served, "hank", action="dismiss", comment_id="top")
        assert status == 200 and body["ok"], body


async def test_a_stage_buttons_answer_names_the_guest_and_latest_waits(tmp_path) -> None:
    async with played(tmp_path) as served:
        served.tokens["hank"] = AccessTokens().create("hank", Role.HOST)
        status, body = await act(served, "hana", action="stage", comment_id="m2")
        assert status == 200 and body["ok"], body
        assert body["message"].startswith("ben: stage start recorded"), body
        status, body = await act(served, "hana", action="stage", comment_id="m4")
        assert body["message"].startswith("dev: stage start"), body
        # hank's "end latest", pressed as hana brings dev on: dev is not whom hank saw.
        status, body = await act(served, "hank", action="end_stage")
        assert status == 409 and "who is on stage changed" in body["message"], body
        status, body = await act(served, "hana", action="end_stage")
        assert status == 200 and body["message"].startswith("dev: stage end recorded"), body


async def test_a_viewers_event_stream_has_no_path_of_the_hosts_machine(tmp_path) -> None:
    async with played(tmp_path) as served:
        epoch = (await events_frame(served, "vic"))["snapshot"]["epoch"]
        frame = await events_frame(served, "vic", f"?since={epoch}:0")
        reached = [e for e in frame["events"] if e["type"] == "ReplayReached"]
        assert reached, [e["type"] for e in frame["events"]]
        assert {e["source"] for e in reached} == {"show.jsonl"}
        assert str(tmp_path) not in json.dumps(reached)


async def test_an_undo_on_another_screen_holds_the_buttons_back_too(tmp_path) -> None:
    """A last read, lr3: the host's `u` that took a guest off stage, or gave a dismissed
    comment back to the top of the queue, did not hold the deck's "end latest" or "answer
    top" back: pressed at that moment they acted on what nobody had looked at."""
    from stagehand.show.this_console import ThisConsole

    async with played(tmp_path) as served:
        here = ThisConsole(served.live)
        for comment_id in ("m1", "m2"):
            found = served.live.find_comment("twitch", comment_id)
            assert (await here.pull_on_stage(found)).ok
        dismissed = here.dismiss(served.live.find_comment("twitch", "m4"))
        assert dismissed.ok
        await asyncio.sleep(2.1)  # the buttons' wait after those is over
        # The host takes ben off again (`u`): the latest guest is ana once more.
        staged = [d for d in served.live.handled() if d.kind.value == "stage_start"]
        assert (await here.undo(staged[0].key)).ok
        status, body = await act(served, "hana", action="end_stage")
        assert status == 409 and "who is on stage changed" in body["message"], body
        assert [s.author.name for s in served.live.on_stage] == ["ana"]
        # The host gives the dismissed comment back: the queue's top may be it again.
        assert (await here.undo(dismissed.key)).ok
        status, body = await act(served, "hana", action="answer", comment_id="top")
        assert status == 409 and "the queue's top changed" in body["message"], body


async def test_stage_hand_waits_after_another_screen_brought_a_hand_on(tmp_path) -> None:
    """`stage_hand` naming nobody takes the first raised hand: just after the host brought
    that one on stage, it would bring on someone nobody chose."""
    from showserver import SHOW, comment

    from stagehand.show.this_console import ThisConsole

    hands = [
        *SHOW,
        comment("h1", "00:50", "hal", "108", "!hand"),
        comment("h2", "00:51", "ivy", "109", "!hand"),
    ]
    async with played(tmp_path, records=hands, commands=True) as served:
        here = ThisConsole(served.live)
        assert (await here.pull_on_stage(author=served.live.hands[0])).ok  # hal
        status, body = await act(served, "hana", action="stage_hand")
        assert status == 409 and "the raised hands changed" in body["message"], body
        assert [s.author.name for s in served.live.on_stage] == ["hal"]
        # Naming the hand is never held back.
        ivy = served.live.hands[0]
        status, body = await act(served, "hana", action="stage_hand", author_id=ivy.id)
        assert status == 200 and body["ok"], body
