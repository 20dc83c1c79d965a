"""The events WebSocket carries every event as it was (a round trip gives the same value), the
server's queue is the console's, and the commands that run a show serve it: the URL printed,
a non-loopback address refused without TLS (and why), a bad `--listen` told in one line."""

from __future__ import annotations

import json
import socket

from showserver import act, call, serve, write_show

from fakes.show_runs import stagehand
from stagehand.events import CoreEvent
from stagehand.server.wire import EVENT_TYPES, decode_event, dumps, encode_event
from stagehand.show.queue import ShowQueue


async def test_every_event_a_show_publishes_comes_back_the_same(tmp_path) -> None:
    served = await serve(tmp_path)
    heard: list[CoreEvent] = []
    served.live.add_listener(heard.append)
    await served.played()
    for body in (
        {"action": "feature", "comment_id": "m2"},
        {"action": "pin", "comment_id": "m4", "text": "next"},
        {"action": "dismiss", "comment_id": "m1"},
        {"action": "next_segment"},
        {"action": "undo"},
        {"action": "unfeature"},
        {"action": "stage", "comment_id": "m3"},
        {"action": "end_stage"},
    ):
        status, answer = await act(served, "hana", **body)
        assert status == 200, answer
    await served.close()
    kinds = {type(event).__name__ for event in heard}
    assert {"FeatureStarted", "FeatureEnded", "CommentPinned", "StageChanged"} <= kinds
    for seq, event in enumerate(heard):
        assert decode_event(json.loads(dumps(encode_event(event, seq)))) == event
    assert set(EVENT_TYPES) >= kinds


async def test_the_api_queue_is_the_queue_every_screen_folds(tmp_path) -> None:
    served = await serve(tmp_path)
    folded = ShowQueue()
    served.live.add_listener(folded.apply)
    await served.played()
    await act(served, "alice", action="pin", comment_id="m1", text="first")
    await act(served, "hana", action="dismiss", comment_id="m3", platform="discord")
    _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
    assert [c["id"] for c in state["queue"]] == [r.comment.id for r in folded.ranked_queue()]
    assert state["queue"][0]["pinned"] == {"by": "alice", "note": "first"}
    assert "m3" not in {c["id"] for c in state["queue"]}
    await served.close()


def test_demo_prints_where_it_is_served_and_its_overlay(tmp_path) -> None:
    done = stagehand("demo", "--headless", "--speed", "1000", "--db", str(tmp_path / "d.db"))
    assert done.returncode == 0, done.stderr
    line = next(line for line in done.stdout.splitlines() if line.startswith("Show server:"))
    assert "http://127.0.0.1:" in line and "/overlay" in line and "for OBS" in line


def test_a_non_loopback_address_needs_tls_or_says_why(tmp_path) -> None:
    done = stagehand("demo", "--headless", "--listen", "0.0.0.0:0", "--db", str(tmp_path / "d.db"))
    assert done.returncode == 2
    assert "anyone on the network could read tokens and chat in the clear" in done.stderr
    assert "--insecure-remote" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "d.db").exists()  # refused before anything was opened

    transcript = write_show(tmp_path / "show.jsonl")
    allowed = stagehand(
        "replay",
        str(transcript),
        "--instant",
        "--headless",
        "--listen",
        "0.0.0.0:0",
        "--insecure-remote",
        "--db",
        str(tmp_path / "d.db"),
    )
    assert allowed.returncode == 0, allowed.stderr
    assert "Show server: http://127.0.0.1:" in allowed.stdout
    # On every interface, 127.0.0.1 is this machine's view only: how others reach it is said.
    elsewhere = next(line for line in allowed.stdout.splitlines() if "from other machines" in line)
    assert f"http://{socket.gethostname()}:" in elsewhere

    bad = stagehand("demo", "--headless", "--listen", "localhost", "--db", str(tmp_path / "e.db"))
    assert bad.returncode == 2 and "expected HOST:PORT" in bad.stderr


def test_a_taken_port_is_told_before_the_show_runs(tmp_path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = stagehand(
            "demo", "--headless", "--listen", f"127.0.0.1:{port}", "--db", str(tmp_path / "d.db")
        )
    assert done.returncode == 2
    assert f"port {port} in use (another show running?)" in done.stderr
    assert "--listen HOST:PORT" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "d.db").exists()  # no empty, ended show left behind


async def test_a_client_let_go_for_lagging_resumes_without_losing_events(tmp_path) -> None:
    """A client too slow for a flood is let go; reconnecting with `?since=` it gets every event
    it missed, not the snapshot that warns "what changed meanwhile may be missing"."""
    from stagehand.server.access import Caller, Role
    from stagehand.server.hub import CLIENT_LIMIT

    served = await serve(tmp_path)
    try:
        await served.played()
        hub, caller = served.server.hub, Caller("alice", Role.PRODUCER)
        client, _ = hub.subscribe(caller)
        seen = hub.seq
        for n in range(CLIENT_LIMIT + 1):
            served.live.say(f"flood {n}", "info")
        assert client.dropped
        hub.unsubscribe(client)
        again, first = hub.subscribe(caller, since=seen, epoch=hub.epoch)
        assert "snapshot" not in first
        assert len(again.take()) == hub.seq - seen
    finally:
        await served.close()


async def test_clients_resuming_again_and_again_do_not_stall_the_show(tmp_path) -> None:
    """Resuming (`?since=`) runs on the show's loop: each event is encoded once, so a client
    that reconnects in a loop (any viewer token can) costs a copy, not a re-encoding of up to
    10,000 events each time (0.3 s of the show's time per reconnect)."""
    import time

    from stagehand.server.access import Caller, Role
    from stagehand.server.hub import BACKLOG

    served = await serve(tmp_path)
    try:
        await served.played()
        hub, caller = served.server.hub, Caller("vic", Role.VIEWER)
        since = hub.seq
        for n in range(BACKLOG - since - 10):
            served.live.say(f"flood {n}", "info")

        def resume() -> float:
            start = time.perf_counter()
            client, first = hub.subscribe(caller, since=since, epoch=hub.epoch)
            hub.unsubscribe(client)
            assert "snapshot" not in first and len(client.take()) == hub.seq - since
            return time.perf_counter() - start

        once = resume()
        again = sum(resume() for _ in range(19))
        assert again < 5 * once, (once, again)  # re-encoding each time: about 19 times `once`
    finally:
        await served.close()


async def test_resuming_against_another_or_a_restarted_show_gets_a_fresh_snapshot(
    tmp_path, monkeypatch
) -> None:
    """`?since=` names the show's numbering (its epoch) as well as the event: a client whose
    show restarted (numbering from 0 again), or that now reaches another show on the same port,
    starts from a snapshot instead of mirroring the wrong events."""
    import aiohttp

    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first_show = await serve(tmp_path / "a")
    monkeypatch.setenv("STAGEHAND_ACCESS_FILE", str(tmp_path / "b" / "tokens.json"))
    other_show = await serve(tmp_path / "b")
    try:
        await first_show.played()
        await other_show.played()

        async def first_frame(served, since: str) -> dict:
            headers = {"Authorization": f"Bearer {served.tokens['vic']}"}
            async with (
                aiohttp.ClientSession(headers=headers) as session,
                session.ws_connect(f"{served.url}/api/events?since={since}") as ws,
            ):
                return await ws.receive_json(timeout=5)

        snapshot = (await first_frame(first_show, "x"))["snapshot"]
        epoch, seq = snapshot["epoch"], snapshot["seq"]
        assert epoch and seq > 1
        resumed = await first_frame(first_show, f"{epoch}:{seq - 1}")
        assert "snapshot" not in resumed and [e["seq"] for e in resumed["events"]] == [seq]

        # Same numbers, another show (or this one restarted): a snapshot, never its events.
        elsewhere = await first_frame(other_show, f"{epoch}:{seq - 1}")
        assert "snapshot" in elsewhere and elsewhere["snapshot"]["epoch"] != epoch
        assert "snapshot" in await first_frame(other_show, str(seq - 1))  # no epoch: no resume
    finally:
        await first_show.close()
        await other_show.close()
