"""Someone who opted out or asked to be forgotten, as the show server's clients see them: never by
platform id, whatever the token's role (a pseudonym instead, which the hosts' consoles act on);
anonymous because the show says so, never because of a name a viewer may choose; and never
replied to in chat through the API."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import aiohttp
from showserver import act, call, run_until_killed, serve

from stagehand.config import ConsoleSettings, Settings
from stagehand.console.app import StagehandApp, make_app
from stagehand.domain import AuthorKey
from stagehand.server.remote import RemoteShow

EVE, FAY, GUS = "4815162342", "4815162343", "4815162344"
ANONYMOUS = "a viewer who opted out"


def line(id: str, second: int, author: str, author_id: str, text: str, **extra: Any) -> dict:
    return {
        "kind": "comment",
        "id": id,
        "ts": f"2026-11-20T19:00:{second:02d}Z",
        "platform": "twitch",
        "channel": "synthnight",
        "author_id": author_id,
        "author": author,
        "text": text,
        "roles": extra.pop("roles", []),
        **extra,
    }


START = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Oscillators"},
]


def screen_text(app: StagehandApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def until(check: Any, seconds: float = 10.0) -> None:
    start = time.monotonic()
    while not await check():
        assert time.monotonic() - start < seconds, "not within the time allowed"
        await asyncio.sleep(0.05)


async def test_a_viewer_token_is_never_given_an_anonymous_viewers_platform_id(tmp_path) -> None:
    """A viewer token attached after eve (on stage) and fay (a hand up) opted out was given both
    platform ids, in the snapshot and in every later event: their stage appearance, hand, lines,
    a host's actions on them. Now every client knows each by one pseudonym, which the host's
    attached console acts on."""
    records = [
        *START,
        line("b1", 0, "ben", "102", "which waveform makes the fattest bass?"),
        line("e1", 0, "eve", EVE, "hi there"),
        line("e2", 0, "mod", "2001", "!stage @eve", roles=["moderator"]),
        line("e3", 0, "eve", EVE, "!optout"),
        line("f1", 0, "fay", FAY, "!optout"),
        line("f2", 0, "fay", FAY, "!hand"),
        line("f3", 0, "fay", FAY, "which VCO chip is that?"),
        # Later, while the viewer token is attached: fay says more, and asks to be forgotten.
        line("f4", 6, "fay", FAY, "is the filter a ladder?"),
        line("f5", 6, "fay", FAY, "!forget"),
        line("f6", 6, "fay", FAY, "!forget confirm"),
    ]
    served = await serve(tmp_path, records, commands=True, speed=1.0)
    host = RemoteShow(served.url, served.tokens["hana"])
    following: asyncio.Future[None] | None = None
    try:

        async def hand_and_guest_anonymous() -> bool:
            _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
            people = [*state["hands"], *state["stage"]]
            return len(people) == 2 and all(p["author"] == ANONYMOUS for p in people)

        await until(hand_and_guest_anonymous)
        await host.connect()
        following = asyncio.ensure_future(host.run_adapters())
        headers = {"Authorization": f"Bearer {served.tokens['vic']}"}
        frames: list[str] = []
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/api/events", headers=headers) as ws,
        ):
            frames.append(await ws.receive_str(timeout=5))
            snapshot = json.loads(frames[0])["snapshot"]
            (hand,) = snapshot["hands"]
            (guest,) = snapshot["on_stage"]
            assert hand["shown_name"] == guest["author"]["shown_name"] == ANONYMOUS
            fay, eve = hand["id"], guest["author"]["id"]
            assert fay.startswith("pseudonym:") and eve.startswith("pseudonym:") and fay != eve

            # The host's console acts on them by what it was given (no platform id needed):
            # fay's hand on stage, eve's appearance ended, fay timed out (moderation stays).
            assert (await host.pull_on_stage(author=host.hands[0])).ok
            (eve_there,) = [s.author for s in host.on_stage if s.author.id == eve]
            assert (await host.end_stage(eve_there)).ok
            status, body = await act(
                served, "hana", action="moderate", comment_id="f3", kind="timeout"
            )
            assert status == 200 and body["ok"], body
            assert [s.author.id for s in served.live.on_stage] == [FAY]  # the show's own ids

            await served.played()
            await served.live.drain()
            seen: list[dict] = []
            deadline = time.monotonic() + 10
            while not any(e["type"] == "AuthorForgotten" for e in seen):
                assert time.monotonic() < deadline, "fay's !forget confirm never came"
                frames.append(await ws.receive_str(timeout=5))
                seen += json.loads(frames[-1])["events"]

        said = "".join(frames)
        assert EVE not in said and FAY not in said
        # One pseudonym per person in every event, so a screen can tell who is who.
        ids = {
            "StageStarted": [
                e["session"]["author"]["id"] for e in seen if e["type"] == "StageStarted"
            ],
            "StageEnded": [e["session"]["author"]["id"] for e in seen if e["type"] == "StageEnded"],
            "AuthorRemoved": [e["author"]["id"] for e in seen if e["type"] == "AuthorRemoved"],
            "AuthorForgotten": [e["author"]["id"] for e in seen if e["type"] == "AuthorForgotten"],
            "HostActionLogged": [
                e["action"]["author_id"] for e in seen if e["type"] == "HostActionLogged"
            ],
        }
        assert ids == {
            "StageStarted": [fay],
            "StageEnded": [eve],
            "AuthorRemoved": [fay],
            "AuthorForgotten": [fay],
            "HostActionLogged": [fay, eve, fay],
        }
        lines = [e["ranked"]["comment"] for e in seen if e["type"] == "CommentRanked"]
        lines += [r["comment"] for r in snapshot["chat"]]
        later = [c for c in lines if c["id"] in ("f4", "f5", "f6")]
        assert [c["author"]["id"] for c in later] == [fay, fay, fay]
        assert all(c["text"] == "" for c in later)
    finally:
        await host.close()
        if following is not None:
            await asyncio.gather(following, return_exceptions=True)
        await served.close()


async def test_a_viewer_named_like_the_anonymous_is_not_anonymous_and_the_anonymous_are(
    tmp_path,
) -> None:
    """Anonymity was read from the name: a viewer who calls themselves "a viewer who opted out"
    (and has no user name: YouTube, a transcript) lost their id in `/api/state` as if anonymous,
    while the events gave the really anonymous viewer's platform id away."""
    records = [
        *START,
        line("n1", 0, "", "777000777", "!hand", display_name=ANONYMOUS),
        line("e1", 0, "eve", EVE, "!optout"),
        line("e2", 0, "eve", EVE, "!hand"),
    ]
    served = await serve(tmp_path, records, commands=True)
    try:
        await served.played()
        await served.live.drain()
        _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        named, anonymous = state["hands"]
        assert named == {"author": ANONYMOUS, "author_id": "777000777", "platform": "twitch"}
        assert anonymous["author"] == ANONYMOUS
        assert anonymous["author_id"].startswith("pseudonym:")

        headers = {"Authorization": f"Bearer {served.tokens['vic']}"}
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/api/events", headers=headers) as ws,
        ):
            frame = await ws.receive_str(timeout=5)
        hands = json.loads(frame)["snapshot"]["hands"]
        assert [(h["id"], h["anonymous"]) for h in hands] == [
            ("777000777", False),
            (anonymous["author_id"], True),  # the pseudonym /api/state gives
        ]
        assert EVE not in frame

        # The host stages each by the id it was given.
        for person in (named, anonymous):
            status, body = await act(
                served, "hana", action="stage_hand", author_id=person["author_id"]
            )
            assert status == 200 and body["ok"], body
        assert [s.author.id for s in served.live.on_stage] == ["777000777", EVE]
    finally:
        await served.close()


async def test_the_api_replies_to_no_one_who_asked_to_be_forgotten_or_opted_out(tmp_path) -> None:
    """The console never replies to someone who asked to be forgotten; `POST /api/actions`
    did, on their comment a resumed show reads back (anonymous, but still threaded to their
    message on the platform), and on an opted-out viewer's anonymous line. Refused now (409, in
    the show's words); moderating them stays possible."""
    records = [
        *START,
        line("g1", 0, "gus", "1007", "which waveform makes the fattest bass?"),
        line("g2", 1, "gus", "1007", "!forget"),
        line("g3", 2, "gus", "1007", "!forget confirm"),
        line("h1", 3, "hal", "1008", "!optout"),
        line("h2", 4, "hal", "1008", "which VCO chip is that?"),
    ]
    first = await serve(tmp_path, records, commands=True)
    try:
        await first.played()
        await first.live.drain()
        status, body = await act(first, "hana", action="reply", comment_id="h2", text="thanks!")
        assert status == 409, body
        assert "opted out or asked to be forgotten" in body["message"]
        assert "1008" not in json.dumps(body)
        status, body = await act(first, "hana", action="moderate", comment_id="h2", kind="ban")
        assert status == 200 and body["ok"], body
    finally:
        await first.close()

    resumed = await serve(tmp_path, records, commands=True, tokens=first.tokens)
    try:
        await resumed.played()
        for comment_id in ("g1", "g3", "h2"):
            status, body = await act(
                resumed, "alice", action="reply", comment_id=comment_id, text="sure, ask away"
            )
            assert status == 409, (comment_id, body)
            assert body["message"] == (
                "No reply sent: the comment's author opted out or asked to be forgotten, and "
                "is not addressed in chat"
            )
        status, body = await act(
            resumed, "hana", action="moderate", comment_id="g1", kind="timeout"
        )
        assert status == 200, body
        db = resumed.db()
        replies = db.execute("SELECT count(*) FROM host_actions WHERE action = 'reply'")
        assert replies.fetchone()[0] == 0
    finally:
        await resumed.close()


async def test_a_moderator_who_opts_out_is_no_longer_named_in_the_handled_list(tmp_path) -> None:
    """A moderator's `!segment` is listed in `l` "by twitch:mo", on the host's attached console
    and in every new console's snapshot; after their `!optout` it still was, until a restart
    (the database had let go of the name already). Now both list the segment change, still
    undoable, by no one."""
    records = [
        *START,
        line("s1", 0, "mo", "2001", "!segment Filters | cutoff", roles=["moderator"]),
        # Late enough that a console attaches and reads the list first, on a busy machine too.
        line("s2", 6, "mo", "2001", "!optout", roles=["moderator"]),
    ]
    served = await serve(tmp_path, records, commands=True, speed=1.0)
    host = RemoteShow(served.url, served.tokens["hana"])
    try:

        async def segment_changed() -> bool:
            return len(served.live.handled()) == 1

        await until(segment_changed)
        await host.connect()
        app = make_app(host, Settings(), server_url=host.url, attached_as=(host.name, host.role))
        async with app.run_test(size=(120, 35)) as pilot:
            await pilot.press("l")
            await pilot.pause()
            text = screen_text(app)
            assert "new segment" in text and "by twitch:mo" in text
            await pilot.press("escape")

            async def opted_out() -> bool:
                await pilot.pause()
                return AuthorKey("twitch", "2001") in app.state.left

            await until(opted_out)
            await pilot.press("l")
            await pilot.pause()
            text = screen_text(app)
            assert "new segment" in text and "Filters" in text and "twitch:mo" not in text

        for who in ("hana", "vic"):  # a console attaching now
            frame = await events_frame(served, who)
            (handled,) = frame["snapshot"]["handled"]
            assert (handled["kind"], handled["text"], handled["actor"]) == (
                "segment",
                "Filters",
                "",
            )
            assert "twitch:mo" not in json.dumps(frame)
        status, body = await act(served, "hana", action="undo", key=handled["key"])
        assert status == 200 and body["ok"], body  # still taken back
    finally:
        await host.close()
        await served.close()


async def events_frame(served: Any, who: str, query: str = "") -> dict:
    """The first message the events WebSocket sends `who`'s token (`query`: e.g. `?since=`)."""
    headers = {"Authorization": f"Bearer {served.tokens[who]}"}
    async with (
        aiohttp.ClientSession() as session,
        session.ws_connect(served.url + "/api/events" + query, headers=headers) as ws,
    ):
        return json.loads(await ws.receive_str(timeout=5))


async def test_a_client_resuming_across_an_opt_out_is_given_nothing_of_the_person(tmp_path) -> None:
    """`?since=` replayed the events kept as they were sent at the time: any token, a viewer's
    too, asking from before fay's `!optout` was given her platform id, her name and her lines
    after she opted out. Now a client resuming from before an opt-out gets a fresh snapshot
    (anonymous as the show is now), which also tells a client that missed the opt-out to let go
    of her earlier lines; one resuming from after it still gets just the events it missed."""
    question = "what filter cutoff do you like?"
    records = [
        *START,
        line("b1", 0, "ben", "102", "which waveform makes the fattest bass?"),
        line("f1", 0, "fay", FAY, "!hand"),
        line("f2", 0, "fay", FAY, question),
        line("m1", 0, "mod", "2001", "!stage @fay", roles=["moderator"]),
        # While a viewer's connection is down: fay opts out.
        line("f3", 3, "fay", FAY, "!optout"),
        line("b2", 3, "ben", "102", "thanks for the answer!"),
    ]
    served = await serve(tmp_path, records, commands=True, speed=1.0)
    try:

        async def fay_on_stage() -> bool:
            _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
            return [s["author"] for s in state["stage"]] == ["fay"]

        await until(fay_on_stage)
        before = (await events_frame(served, "vic"))["snapshot"]
        said = json.dumps(before)
        assert FAY in said and question in said  # fay, shown by name before she opted out
        epoch, seq = before["epoch"], before["seq"]

        await served.played()
        await served.live.drain()
        for since in (seq, 0):  # the client that missed the opt-out; any token asking for all
            frame = await events_frame(served, "vic", f"?since={epoch}:{since}")
            said = json.dumps(frame)
            assert FAY not in said and question not in said and '"fay"' not in said
            # A fresh snapshot: the screen starts again from the show as it is now.
            (guest,) = frame["snapshot"]["on_stage"]
            assert guest["author"]["shown_name"] == ANONYMOUS and guest["author"]["anonymous"]
            assert guest["author"]["id"].startswith("pseudonym:")
            chat = [r["comment"]["id"] for r in frame["snapshot"]["chat"]]
            assert "f2" not in chat and "b2" in chat

        # A client resuming from after the opt-out is given only what it missed (nothing).
        now = (await events_frame(served, "vic"))["snapshot"]["seq"]
        frame = await events_frame(served, "vic", f"?since={epoch}:{now}")
        assert "snapshot" not in frame and frame["events"] == []
    finally:
        await served.close()


#: The show before the kill: eve staged by a moderator, then opting out; fay opting out, then
#: raising her hand; gus's hand brought on stage by a host, then gus opting out. Then SIGKILL.
BEFORE_THE_KILL = """
import asyncio, os, signal, sys
from pathlib import Path
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import ConsoleSettings, Settings
from stagehand.session import open_show

async def main(folder):
    transcript = folder / "show.jsonl"
    live = open_show(Settings(), db_path=folder / "show.db", show_name="synth",
                     source=str(transcript), adapters=[ReplayAdapter(transcript, speed=1.0)],
                     commands=True)
    playing = asyncio.ensure_future(live.run_adapters())
    while not any(hand.name == "gus" for hand in live.hands):
        await asyncio.sleep(0.05)
    with live.acting_as("hana"):
        gus = next(hand for hand in live.hands if hand.name == "gus")
        staged = await live.pull_on_stage(author=gus)
        assert staged.ok
    await playing
    await live.drain()
    assert [s.author.anonymous for s in live.on_stage] == [True, True], live.on_stage
    assert [h.anonymous for h in live.hands] == [True], live.hands
    assert live.flush(10)
    print(staged.key, flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""


#: The show each kill test starts from: eve opts out on stage, fay opts out and raises her
#: hand, gus raises his and opts out once a host brought him on stage (`BEFORE_THE_KILL`).
OPTED_OUT_ON_STAGE = (
    *START,
    line("e1", 0, "eve", EVE, "hi there"),
    line("e2", 0, "mod", "2001", "!stage @eve", roles=["moderator"]),
    line("e3", 0, "eve", EVE, "!optout"),
    line("f1", 0, "fay", FAY, "!optout"),
    line("f2", 0, "fay", FAY, "!hand"),
    line("g1", 0, "gus", GUS, "!hand"),
    line("g2", 2, "gus", GUS, "!optout"),
)


async def test_after_a_kill_opted_out_guests_and_hands_are_still_anonymous(tmp_path) -> None:
    """After SIGKILL and the same show run again, eve and gus (opted out on stage) and fay (her
    hand up after opting out) reached every client as not anonymous, under the pseudonyms the
    database keeps them by (the ids `export` writes): the resumed show read them back from the
    stage and hand rows without the fact. Now they are anonymous as they were live: clients know
    them by this server run's pseudonyms only, which the hosts act on (an undo of gus's stage
    appearance puts his hand back as anonymous as it was)."""
    records = [*OPTED_OUT_ON_STAGE]
    gus_staged = run_until_killed(tmp_path, records, BEFORE_THE_KILL)

    resumed = await serve(tmp_path, records, commands=True)
    try:
        await resumed.played()
        await resumed.live.drain()
        stored = {row[0] for row in resumed.db().execute("SELECT platform_user_id FROM authors")}
        kept_by = {s for s in stored if s.startswith("pseudonym:")}
        assert len(kept_by) == 3  # what the database and its exports know them by

        _, state = await call(resumed, "GET", "/api/state", resumed.tokens["vic"])
        people = [*state["stage"], *state["hands"]]
        ids = [p["author_id"] for p in people]
        assert len(set(ids)) == 3 and all(i.startswith("pseudonym:") for i in ids)
        assert not kept_by & set(ids)

        frame = await events_frame(resumed, "vic")
        said = json.dumps(frame)
        assert not any(p in said for p in (*kept_by, EVE, FAY, GUS))
        snapshot = frame["snapshot"]
        shown = [s["author"] for s in snapshot["on_stage"]] + snapshot["hands"]
        assert [(a["id"], a["anonymous"]) for a in shown] == [(i, True) for i in ids]

        # The host acts on them by the ids given. Gus's appearance undone: his hand is back.
        (eve,) = [s["author_id"] for s in state["stage"] if s["comment_id"] == "e1"]
        (gus,) = [s["author_id"] for s in state["stage"] if s["author_id"] != eve]
        (fay,) = [h["author_id"] for h in state["hands"]]
        status, body = await act(resumed, "hana", action="undo", key=gus_staged)
        assert status == 200 and body["ok"], body
        _, state = await call(resumed, "GET", "/api/state", resumed.tokens["vic"])
        assert [s["author_id"] for s in state["stage"]] == [eve]
        assert [h["author_id"] for h in state["hands"]] == [fay, gus]
        frame = await events_frame(resumed, "vic")
        assert [(h["id"], h["anonymous"]) for h in frame["snapshot"]["hands"]] == [
            (fay, True),
            (gus, True),
        ]
        assert not any(p in json.dumps(frame) for p in kept_by)
        # Eve off stage, fay's hand on it.
        status, body = await act(resumed, "hana", action="end_stage", author_id=eve)
        assert status == 200 and body["ok"], body
        status, body = await act(resumed, "hana", action="stage_hand", author_id=fay)
        assert status == 200 and body["ok"], body
        _, state = await call(resumed, "GET", "/api/state", resumed.tokens["vic"])
        assert [s["author_id"] for s in state["stage"]] == [fay]
    finally:
        await resumed.close()


async def test_after_a_kill_a_host_acting_on_an_anonymous_guest_sends_only_the_pseudonym(
    tmp_path,
) -> None:
    """After SIGKILL and the same show run again, the host ending eve's stage appearance (she
    opted out on stage) and bringing fay's raised hand on stage (she opted out before raising
    it): their host actions reached every client with the id the database keeps them by
    (`HostActionLogged.action.author_id`), while `StageEnded` named eve by this run's
    pseudonym. Now a viewer's token is given no id of either but that pseudonym."""
    records = [
        *OPTED_OUT_ON_STAGE,
        # A busy chat after: the comments a resumed show reads back are the latest ones only.
        *(line(f"b{n}", 3, "ben", "102", f"is VCO number {n} in tune?") for n in range(120)),
    ]
    run_until_killed(tmp_path, records, BEFORE_THE_KILL)

    # The same show again (its queue of 10 reads back the latest 100 comments, all ben's).
    settings = Settings(console=ConsoleSettings(queue_size=10))
    resumed = await serve(tmp_path, records, commands=True, settings=settings)
    try:
        await resumed.played()
        await resumed.live.drain()
        stored = {row[0] for row in resumed.db().execute("SELECT platform_user_id FROM authors")}
        kept_by = {s for s in stored if s.startswith("pseudonym:")}
        assert len(kept_by) == 3
        _, state = await call(resumed, "GET", "/api/state", resumed.tokens["vic"])
        (eve,) = [s["author_id"] for s in state["stage"] if s["comment_id"] == "e1"]
        (fay,) = [h["author_id"] for h in state["hands"]]

        headers = {"Authorization": f"Bearer {resumed.tokens['vic']}"}
        frames: list[str] = []
        seen: list[dict] = []
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(resumed.url + "/api/events", headers=headers) as ws,
        ):
            frames.append(await ws.receive_str(timeout=5))
            status, body = await act(resumed, "hana", action="end_stage", author_id=eve)
            assert status == 200 and body["ok"], body
            status, body = await act(resumed, "hana", action="stage_hand", author_id=fay)
            assert status == 200 and body["ok"], body
            while sum(e["type"] == "HostActionLogged" for e in seen) < 2:
                frames.append(await ws.receive_str(timeout=5))
                seen += json.loads(frames[-1])["events"]

        logged = [
            (e["action"]["kind"], e["action"]["author_id"])
            for e in seen
            if e["type"] == "HostActionLogged"
        ]
        assert logged == [("stage_end", eve), ("stage_start", fay)]
        (ended,) = [e["session"]["author"]["id"] for e in seen if e["type"] == "StageEnded"]
        assert ended == eve
        said = "".join(frames)
        assert not any(p in said for p in (*kept_by, EVE, FAY, GUS))
    finally:
        await resumed.close()


async def test_after_a_kill_an_opted_out_guest_who_speaks_again_is_the_one_on_stage(
    tmp_path,
) -> None:
    """After SIGKILL and the same show run again, eve (opted out on stage) writing again reached
    every client as a second anonymous person (her new lines under another pseudonym than her
    stage appearance), her `!hand` raised a hand for someone on stage, and fay's `!lower` (her
    hand up after opting out) found no hand: the resumed show held them by the database's
    pseudonyms and their new lines by their platform ids. Now the show knows each returning
    viewer as the one person it already holds: eve's line is her stage appearance's, her
    `!hand` is refused (on stage), fay's `!lower` takes her hand down, and the host ends eve's
    appearance by the id her line carries; no platform id is stored or sent."""
    records = [*OPTED_OUT_ON_STAGE]
    run_until_killed(tmp_path, records, BEFORE_THE_KILL)

    after = [
        line("e4", 5, "eve", EVE, "can everyone hear me now?"),
        line("e5", 5, "eve", EVE, "!hand"),
        line("f3", 5, "fay", FAY, "!lower"),
        line("f4", 6, "fay", FAY, "!optin"),
        line("f5", 6, "fay", FAY, "fay again, by name"),
    ]
    resumed = await serve(tmp_path, [*records, *after], commands=True)
    try:
        await resumed.played()
        await resumed.live.drain()
        assert resumed.live.hands == ()  # fay's hand down, and no hand for eve (on stage)
        _, state = await call(resumed, "GET", "/api/state", resumed.tokens["vic"])
        assert state["hands"] == []
        (eve,) = [s["author_id"] for s in state["stage"] if s["comment_id"] == "e1"]
        assert len(state["stage"]) == 2

        frame = await events_frame(resumed, "vic")
        said = json.dumps(frame)
        assert not any(p in said for p in (EVE, GUS))
        chat = {r["comment"]["id"]: r["comment"] for r in frame["snapshot"]["chat"]}
        assert chat["e4"]["author"]["id"] == eve and chat["e4"]["text"] == ""  # the guest
        # Fay's `!optin` (heard under the pseudonym the show held her by) worked: named again.
        assert chat["f5"]["author"]["shown_name"] == "fay" and chat["f5"]["text"]

        status, body = await act(resumed, "hana", action="end_stage", author_id=eve)
        assert status == 200 and body["ok"], body
        assert len(resumed.live.on_stage) == 1
        db = resumed.db()
        stored = repr(db.execute("SELECT * FROM authors").fetchall())
        assert not any(p in stored for p in (EVE, GUS))
        outcomes = dict(db.execute("SELECT name, outcome FROM commands WHERE name != 'optout'"))
        assert outcomes["lower"].startswith("ok") and outcomes["optin"].startswith("ok")
        # Her opted-out past stays anonymous and unlinked; from now on she is kept by name.
        ids = [row[0] for row in db.execute("SELECT platform_user_id FROM authors")]
        assert FAY in ids and sum(i.startswith("opted-in:") for i in ids) == 1
    finally:
        await resumed.close()


async def test_the_command_that_lets_go_of_a_viewer_no_longer_names_them(tmp_path) -> None:
    """The `CommandHandled` of eve's `!optout` (and of fay's `!forget confirm`), published just
    after the show let go of her, carried her line as the stream had sent it: her name, her
    platform id and its text, to every client (a viewer's token too, and any client resuming
    with `?since=` from after the opt-out). Now nothing published after it names her."""
    records = [
        *START,
        line("b1", 0, "ben", "102", "which waveform makes the fattest bass?"),
        line("e1", 2, "eve", EVE, "hi there, I am eve"),
        line("e2", 2, "eve", EVE, "!optout"),
        line("f1", 2, "fay", FAY, "fay here: which VCO chip is that?"),
        line("f2", 2, "fay", FAY, "!forget"),
        line("f3", 2, "fay", FAY, "!forget confirm"),
        line("b2", 2, "ben", "102", "!hand"),
    ]
    served = await serve(tmp_path, records, commands=True, speed=1.0)
    try:
        headers = {"Authorization": f"Bearer {served.tokens['vic']}"}
        seen: list[dict] = []
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/api/events", headers=headers) as ws,
        ):
            first = json.loads(await ws.receive_str(timeout=5))
            epoch = first["snapshot"]["epoch"]
            deadline = time.monotonic() + 10
            while not any(e["type"] == "HandsChanged" for e in seen):
                assert time.monotonic() < deadline, "ben's !hand never came"
                seen += json.loads(await ws.receive_str(timeout=5))["events"]

        def after(kind: str, whose: str) -> list[dict]:
            (at,) = [n for n, e in enumerate(seen) if e["type"] == kind]
            assert seen[at]["author"]["id"] == whose  # screens let go of her named lines by it
            return seen[at + 1 :]

        for gone, (who, whose) in {
            "AuthorOptedOut": ("eve", EVE),
            "AuthorForgotten": ("fay", FAY),
        }.items():
            said = json.dumps(after(gone, whose))
            assert whose not in said and f'"{who}"' not in said and f"I am {who}" not in said
        handled = [e for e in seen if e["type"] == "CommandHandled"]
        lines = {e["comment"]["id"]: e["comment"] for e in handled}
        assert lines["e2"]["author"]["shown_name"] == ANONYMOUS and lines["e2"]["text"] == ""
        assert lines["f3"]["author"]["shown_name"] == "a forgotten viewer"
        assert lines["f3"]["author"]["anonymous"] and lines["f3"]["text"] == ""
        assert lines["f2"]["author"]["shown_name"] == "fay"  # before she was forgotten
        assert lines["b2"]["author"]["shown_name"] == "ben"

        # A client resuming from just after eve's opt-out is given only what followed it.
        (optout_seq,) = [e["seq"] for e in seen if e["type"] == "AuthorOptedOut"]
        frame = await events_frame(served, "vic", f"?since={epoch}:{optout_seq}")
        assert EVE not in json.dumps(frame) and '"eve"' not in json.dumps(frame)
    finally:
        await served.close()


async def test_after_a_kill_anonymous_people_read_as_they_did_live(tmp_path) -> None:
    """After SIGKILL and the same show run again, eve and gus (opted out on stage), fay (her
    hand up) and hal (forgotten on stage) were named `anonymous-<n>` (the database's names for
    the reports) on every screen and to every client, where live they read "a viewer who opted
    out" and "a forgotten viewer". Now they read as live, and two anonymous guests are still two
    rows, two people the host ends one by one (by the keys that tell them apart)."""
    records = [
        *START,
        line("e1", 0, "eve", EVE, "hi there"),
        line("e2", 0, "mod", "2001", "!stage @eve", roles=["moderator"]),
        line("e3", 0, "eve", EVE, "!optout"),
        line("f1", 0, "fay", FAY, "!optout"),
        line("f2", 0, "fay", FAY, "!hand"),
        line("h1", 0, "hal", "4815162345", "hal here"),
        line("h2", 0, "mod", "2001", "!stage @hal", roles=["moderator"]),
        line("h3", 0, "hal", "4815162345", "!forget"),
        line("h4", 0, "hal", "4815162345", "!forget confirm"),
        line("g1", 0, "gus", GUS, "!hand"),
        line("g2", 2, "gus", GUS, "!optout"),
    ]
    three_guests = BEFORE_THE_KILL.replace("== [True, True], live.on_stage", "== [True] * 3")
    run_until_killed(tmp_path, records, three_guests)

    resumed = await serve(tmp_path, records, commands=True)
    host = RemoteShow(resumed.url, resumed.tokens["hana"])
    try:
        await resumed.played()
        await resumed.live.drain()
        _, state = await call(resumed, "GET", "/api/state", resumed.tokens["vic"])
        guests = {s["comment_id"]: s["author"] for s in state["stage"]}
        assert guests == {"e1": ANONYMOUS, "h1": "a forgotten viewer", None: ANONYMOUS}
        assert [h["author"] for h in state["hands"]] == [ANONYMOUS]
        frame = await events_frame(resumed, "vic")
        assert "anonymous-" not in json.dumps(frame)
        shown = [s["author"] for s in frame["snapshot"]["on_stage"]] + frame["snapshot"]["hands"]
        assert sorted((a["shown_name"], a["name"]) for a in shown) == [
            ("a forgotten viewer", ""),
            (ANONYMOUS, ""),
            (ANONYMOUS, ""),
            (ANONYMOUS, ""),
        ]

        await host.connect()
        app = make_app(host, Settings(), server_url=host.url, attached_as=(host.name, host.role))
        async with app.run_test(size=(140, 40)) as pilot:
            await pilot.pause()
            text = screen_text(app)
            assert "anonymous-" not in text
            assert text.count(ANONYMOUS) == 3 and "a forgotten viewer" in text
            by_line = {s.comment_id: s.author for s in host.on_stage}
            eve, hal, gus = by_line["e1"], by_line["h1"], by_line[None]
            assert len({eve.id, hal.id, gus.id}) == 3  # three people the host acts on
            assert (await host.end_stage(gus)).ok
            assert (await host.end_stage(eve)).ok

            async def one_guest_left() -> bool:
                await pilot.pause()
                return [s.author.id for s in host.on_stage] == [hal.id]

            await until(one_guest_left)
        assert len(resumed.live.on_stage) == 1
    finally:
        await host.close()
        await resumed.close()


async def test_an_attached_consoles_notices_stop_naming_whoever_leaves(tmp_path) -> None:
    """Notices made elsewhere name people too: a host's answer on another console ("hana:
    Answered al on air"), a chat moderator's `!stage @al` (its notice by "twitch:hand", its
    record "!stage: ok: @al: ..."). Once al opts out and the moderator asks to be forgotten,
    a producer's attached console says them anonymous exactly there; a viewer's "!hand: ok:
    hand raised" stays as it was, though the moderator is called "hand" (it read "!a forgotten
    viewer: ok: a forgotten viewer raised")."""
    records = [
        *START,
        line("a1", 2, "al", "3001", "which vco should I buy for bass?"),
        line("b1", 2, "alice", "3002", "is the vco warm enough for a pad?"),
        line("b2", 3, "alice", "3002", "!hand"),
        line("s1", 4, "hand", "2001", "!stage @al", roles=["moderator"]),
        line("o1", 8, "al", "3001", "!optout"),
        line("f1", 9, "hand", "2001", "!forget"),
        line("f2", 9, "hand", "2001", "!forget confirm"),
    ]
    served = await serve(tmp_path, records, commands=True, speed=1.0)
    producer = RemoteShow(served.url, served.tokens["alice"])
    try:
        await producer.connect()
        app = make_app(
            producer, Settings(), server_url=producer.url, attached_as=(producer.name, "producer")
        )
        async with app.run_test(size=(120, 35)) as pilot:

            async def asked() -> bool:
                await pilot.pause()
                return ("twitch", "a1") in app.state.queue

            await until(asked)
            status, body = await act(served, "hana", action="answer", comment_id="a1")
            assert status == 200 and body["ok"], body

            def said() -> list[str]:
                return [n.text for n in app.state.notices]

            async def staged() -> bool:
                await pilot.pause()
                return any(t.startswith("!stage: ok: @al: ") for t in said())

            await until(staged)
            before = said()
            assert "hana: Answered al on air" in before
            assert any(t.startswith("twitch:hand: ") for t in before), before
            assert "!hand: ok: hand raised, #1 in the queue" in before

            async def both_left() -> bool:
                await pilot.pause()
                return {AuthorKey("twitch", "3001"), AuthorKey("twitch", "2001")} <= set(
                    app.state.left
                )

            await until(both_left)
            after = said()
            assert "hana: Answered a viewer who opted out on air" in after
            assert "!stage: ok: a viewer who opted out" in after
            moderator = before.index(next(t for t in before if t.startswith("twitch:hand: ")))
            # "twitch:hand: al: stage start recorded; ...": the moderator's name and the guest's
            was = before[moderator].split(": ", 2)
            assert was[1] == "al"
            assert after[moderator] == f"a forgotten viewer: a viewer who opted out: {was[2]}"
            assert "!hand: ok: hand raised, #1 in the queue" in after
            await pilot.press("i")
            await pilot.pause()
            text = screen_text(app)
            assert "Answered a viewer who opted out on air" in text
            assert "twitch:hand" not in text and "@al" not in text and " al " not in text
    finally:
        await producer.close()
        await served.close()
