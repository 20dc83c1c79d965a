"""`stagehand attach`: the console on a show elsewhere, through its show server.

Two attached consoles (Pilot) on one show see each other's actions within a second; an action
from the API reaches a console and the store; a console that drops mid-show loses nothing and
stops nothing: the show goes on recording, and the console picks up where it was.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from showserver import Served, act, call, comment, played, serve
from textual.pilot import Pilot

from fakes.show_runs import stagehand
from stagehand.config import Settings
from stagehand.console.app import StagehandApp, make_app
from stagehand.server.remote import RemoteShow
from stagehand.show.queue import key_of


def screen_text(app: StagehandApp) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def attached(served, who: str) -> tuple[RemoteShow, StagehandApp]:
    remote = RemoteShow(served.url, served.tokens[who])
    await remote.connect()
    app = make_app(
        remote, Settings(), server_url=remote.url, attached_as=(remote.name, remote.role)
    )
    return remote, app


@asynccontextmanager
async def console_of(
    served: Served, who: str, size: tuple[int, int] = (120, 35)
) -> AsyncIterator[tuple[RemoteShow, StagehandApp, Pilot]]:
    """`who`'s console attached to `served`, drawn headless (Pilot); detached on the way out,
    whatever became of the show meanwhile."""
    remote, app = await attached(served, who)
    try:
        async with app.run_test(size=size) as pilot:
            yield remote, app, pilot
    finally:
        await remote.close()


async def attach_in_a_child(url: str, token: str) -> tuple[int, bytes, bytes]:
    """`stagehand attach URL --token TOKEN` run as a user runs it, with no terminal (stdin
    closed): its exit code, stdout and stderr."""
    child = await asyncio.create_subprocess_exec(
        *(sys.executable, "-m", "stagehand", "attach", url, "--token", token),
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await asyncio.wait_for(child.communicate(), 60)
    assert child.returncode is not None
    return child.returncode, stdout, stderr


async def until(check, seconds: float = 1.0, pilot=None, said=None) -> float:
    """Seconds until `check()` holds (AssertionError after `seconds`, with `said()` if given:
    what the console was showing instead)."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            raise AssertionError(f"not within {seconds} s" + (f": {said()}" if said else ""))
        await (pilot.pause(0.01) if pilot else asyncio.sleep(0.01))
    return time.monotonic() - start


async def test_two_attached_consoles_see_each_other_within_a_second(tmp_path) -> None:
    async with played(tmp_path) as served:
        async with (
            console_of(served, "hana") as (_, host_app, host_pilot),
            console_of(served, "alice") as (_, producer_app, producer_pilot),
        ):
            await host_pilot.pause()
            await producer_pilot.pause()
            assert "attached as alice, producer" in producer_app.title
            # Both start from the show's queue as it is.
            assert (
                set(host_app.state.queue)
                == set(producer_app.state.queue)
                == {
                    ("twitch", "m1"),
                    ("twitch", "m2"),
                    ("discord", "m3"),
                    ("twitch", "m4"),
                }
            )
            # The producer screens: selects the last comment, pins it with a note.
            await producer_pilot.press("end", "f")
            await producer_pilot.pause()
            await producer_pilot.press(*"ask this next", "enter")
            pinned = producer_app.query_one("QueueView").selected.comment
            waited = await until(lambda: key_of(pinned) in host_app.state.pins, pilot=host_pilot)
            assert waited < 1.0
            # The host is told who did it; the producer reads it as their own.
            await until(lambda: "alice: Pinned" in host_app.state.notice.text, pilot=host_pilot)
            await until(
                lambda: producer_app.state.notice.text.startswith("Pinned"), pilot=producer_pilot
            )
            host_app.redraw()
            await host_pilot.pause()
            top = host_app.query_one("QueueView").entries[0].comment
            assert key_of(top) == key_of(pinned)  # on top of the host's queue
            await host_pilot.press("j")
            await host_pilot.pause()
            text = screen_text(host_app)
            assert "pin" in text and "▲ pinned by alice: ask this next" in text

            # The host answers it; the producer's screen drops it within a second. (Waiting for
            # the screen, not the state: a key acts on what is drawn, and until the next redraw
            # `a` would meet the answered comment and be told "answered just before".)
            await host_pilot.press("a")

            def producer_shows_it() -> bool:
                drawn = producer_app.query_one("QueueView").entries
                return any(key_of(r.comment) == key_of(pinned) for r in drawn)

            waited = await until(
                lambda: key_of(pinned) not in producer_app.state.queue and not producer_shows_it(),
                pilot=producer_pilot,
            )
            assert waited < 1.0
            await until(
                lambda: host_app.state.notice.text.startswith("Answered "), pilot=host_pilot
            )
            assert "hana: Answered" in producer_app.state.notice.text
            # A producer may not answer on air: refused, and said so on their console.
            await producer_pilot.press("home", "a")
            await until(
                lambda: "may not answer on air" in producer_app.state.notice.text,
                pilot=producer_pilot,
                said=lambda: [n.text for n in producer_app.state.notices],
            )
            assert producer_app.state.notice.level == "refused"
        rows = (
            served.db()
            .execute("SELECT action, actor, text FROM host_actions WHERE actor != '' ORDER BY id")
            .fetchall()
        )
        assert rows == [("pin", "alice", "ask this next"), ("answer", "hana", "")]


async def test_an_api_action_reaches_the_console_and_the_store(tmp_path) -> None:
    async with played(tmp_path) as served:
        async with console_of(served, "hana") as (_, app, pilot):
            await pilot.pause()
            # A Stream Deck button: show the top of the queue on stream.
            status, body = await act(served, "alice", action="feature", comment_id="top")
            assert status == 200 and body["ok"]
            await until(lambda: app.state.featured is not None, pilot=pilot)
            app.redraw()
            await pilot.pause()
            assert "▶ on stream" in screen_text(app)
            # `s` on the host's console takes it off again.
            await pilot.press("s")
            await until(lambda: app.state.featured is None, pilot=pilot)
        status, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert state["featured"] is None
        rows = (
            served.db()
            .execute(
                "SELECT action, actor FROM host_actions WHERE action LIKE '%feature' ORDER BY id"
            )
            .fetchall()
        )
        assert rows == [("feature", "alice"), ("unfeature", "hana")]
        (shown,) = served.db().execute("SELECT count(*) FROM on_stream WHERE ended_at IS NOT NULL")
        assert shown == (1,)


async def test_an_undo_done_already_elsewhere_is_said_once_on_the_console(tmp_path) -> None:
    """The host answers on their console, a button (the same token) takes the answer back, then
    the host presses `u` as well: the show refuses it as done already (409 to the console), and
    the console says so once, in the show's words, not once for the show's notice and once
    more for the 409."""
    async with played(tmp_path) as served:
        async with console_of(served, "hana") as (_, app, pilot):
            await pilot.pause()
            await until(lambda: bool(app.query_one("QueueView").entries), pilot=pilot)
            await pilot.press("home", "a")  # the top of the queue: dev's question
            await until(lambda: bool(app.undo_stack), pilot=pilot)
            status, body = await act(served, "hana", action="undo", key=app.undo_stack[-1])
            assert (status, body["message"]) == (
                200,
                "Undid the answer to dev: the comment is back in the queue",
            )
            await until(lambda: app.state.notice.text == body["message"], pilot=pilot)

            await pilot.press("u")
            refusal = "The answer to dev was already undone"

            def said() -> list[tuple[str, str]]:
                return [(n.text, n.level) for n in app.state.notices]

            await until(lambda: (refusal, "refused") in said(), pilot=pilot, said=said)
            await pilot.pause(0.5)  # a second copy (the 409 said again) would be here by now
            assert said().count((refusal, "refused")) == 1, said()
            assert said()[-1] == (refusal, "refused")
        rows = served.db().execute("SELECT action, actor FROM host_actions ORDER BY id").fetchall()
        assert rows == [("answer", "hana"), ("undo", "hana")]


def long_show(comments: int) -> list[dict]:
    """A show whose chat arrives over `comments` seconds of show time."""
    records = [{"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Long Night"}]
    for n in range(comments):
        minutes, seconds = divmod(n, 60)
        records.append(
            comment(
                f"c{n}", f"{minutes:02d}:{seconds:02d}", f"viewer{n % 7}", str(n % 7), f"msg {n}"
            )
        )
    return records


async def test_a_console_that_drops_mid_show_loses_nothing_and_stops_nothing(tmp_path) -> None:
    served = await serve(tmp_path, long_show(120), speed=60)  # two seconds of chat
    remote, app = await attached(served, "alice")
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            await until(lambda: remote.seq > 20, seconds=5, pilot=pilot)
            # The network drops: the console reconnects and asks for what it missed.
            assert remote._ws is not None
            await remote._ws.close()
            await until(lambda: "reconnecting" in str(remote.connections["show"]), 2, pilot)
            await until(lambda: remote.connections["show"][0].value == "connected", 3, pilot)
            await asyncio.wait_for(served.replay.finished.wait(), 10)
            await until(lambda: remote.seq == served.server.hub.seq, 3, pilot)
            # Every comment reached the console, none twice, in the show's order.
            assert len(app.state.raw) == 120 and app.state.comments_seen == 120
            assert [line.comment.id for line in app.state.raw] == [f"c{n}" for n in range(120)]
            # Quitting the attached console leaves the show running.
            await pilot.press("q")
            await pilot.pause()
            assert "The show goes on and keeps recording" in screen_text(app)
            await pilot.press("y")
            await pilot.pause()
    finally:
        await remote.close()
    status, _ = await call(served, "GET", "/api/state", served.tokens["vic"])
    assert status == 200  # the show still serves
    db = served.db()
    assert db.execute("SELECT count(*) FROM comments").fetchone() == (120,)
    assert db.execute("SELECT ended_at FROM shows").fetchone() == (None,)
    await served.close()


def test_attach_says_what_is_wrong_in_one_line(tmp_path) -> None:
    def attach(*args: str) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "STAGEHAND_ATTACH_TOKEN"}
        return stagehand("attach", *args, timeout=60, env=env)

    # No token, and no terminal to ask for one (a script, a pipe): said, not asked.
    done = attach("http://127.0.0.1:9")
    assert done.returncode == 2
    assert done.stderr.startswith("Error: attach needs the token") and "--token" in done.stderr
    assert "Token:" not in done.stdout + done.stderr and "Warning" not in done.stderr

    done = attach("http://127.0.0.1:9", "--token", "shs_whatever")
    assert done.returncode == 2
    assert done.stderr.startswith("Error: cannot reach http://127.0.0.1:9")
    assert "is the show running?" in done.stderr and "Traceback" not in done.stderr
    assert "shs_whatever" not in done.stderr

    done = attach("ftp://example.invalid", "--token", "x")
    assert done.returncode == 2 and "http:// or https://" in done.stderr

    # A mistyped address is said to be one (not blamed on the show not running).
    for url, says in (
        ("http://127.0.0.1:99999", "port must be a number from 1 to 65535"),
        ("localhost:notaport", "port must be a number from 1 to 65535"),
        ("http://", "no host in 'http://'"),
    ):
        done = attach(url, "--token", "x")
        assert done.returncode == 2 and says in done.stderr, (url, done.stderr)
        assert "is the show running?" not in done.stderr and "Traceback" not in done.stderr


async def test_attach_to_a_self_signed_show_says_it_is_the_certificate(tmp_path) -> None:
    import shutil

    import pytest

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a self-signed certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    served = await serve(tmp_path, settings=Settings(server={"tls_cert": cert, "tls_key": key}))
    try:
        assert served.url.startswith("https://")
        code, _, stderr = await attach_in_a_child(served.url, served.tokens["alice"])
        assert code == 2
        message = stderr.decode()
        assert "certificate" in message and "SSL_CERT_FILE" in message
        assert "is the show running?" not in message and "Traceback" not in message
    finally:
        await served.close()


async def test_attach_with_a_refused_token_says_so(tmp_path) -> None:
    served = await serve(tmp_path)
    try:
        code, _, stderr = await attach_in_a_child(served.url, "shs_revoked-or-wrong")
        assert code == 2
        assert b"refused the token (wrong, or revoked)" in stderr
        assert b"shs_revoked-or-wrong" not in stderr
    finally:
        await served.close()


async def test_a_key_pressed_against_a_hung_show_says_so_within_seconds(tmp_path) -> None:
    """The show's process stops answering (stopped, swapping, a stuck loop): a key pressed in
    an attached console tells the host within seconds, and does not claim nothing happened."""
    import os
    import signal
    import sys

    token = "hung-show-test-token-0123456789"
    show = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "stagehand",
        "demo",
        "--headless",
        "--speed",
        "1",
        "--db",
        str(tmp_path / "d.db"),
        env={**os.environ, "STAGEHAND_SERVER_TOKEN": token},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        assert show.stdout is not None
        url = ""
        async with asyncio.timeout(60):
            while not url:
                line = (await show.stdout.readline()).decode()
                assert line, "the demo ended before serving"
                if line.startswith("Show server:"):
                    url = line.split()[2]
        remote = RemoteShow(url, token)
        await remote.connect()
        follow = asyncio.ensure_future(remote.run_adapters())
        os.kill(show.pid, signal.SIGSTOP)
        try:
            start = time.monotonic()
            result = await remote.next_segment()
            waited = time.monotonic() - start
        finally:
            os.kill(show.pid, signal.SIGCONT)
        assert not result.ok and waited < 8
        assert "did not answer in 5 s" in result.message and "may still" in result.message
        await remote.close()
        follow.cancel()
        await asyncio.gather(follow, return_exceptions=True)
    finally:
        show.terminate()
        await show.wait()


async def test_an_attached_console_orders_the_queue_as_the_show_does(tmp_path) -> None:
    """The queue's order is the show's config (the merged-row weights, `[ranking]
    half_life_seconds`, `[console] queue_size`), not the attaching machine's: a producer and
    the host see the same queue in the same order."""
    from test_merged_rows import SAME_QUESTION

    # This show does not lift a question for being asked by several viewers.
    show = Settings(ranking={"weights": {"asked_by": -5}})
    served = await serve(tmp_path, SAME_QUESTION, settings=show)
    await served.played()
    _, state = await call(served, "GET", "/api/state", served.tokens["vic"])
    shows = [row["id"] for row in state["queue"]]
    assert shows[-1] == "q1"
    remote = RemoteShow(served.url, served.tokens["alice"])
    await remote.connect()
    # The producer's own config (the defaults) would put the question asked by three on top.
    app = make_app(
        remote, Settings(), server_url=remote.url, attached_as=(remote.name, remote.role)
    )
    try:
        async with app.run_test(size=(120, 35)) as pilot:
            await pilot.pause()
            await until(lambda: len(app.query_one("QueueView").entries) == len(shows), pilot=pilot)
            assert [e.comment.id for e in app.query_one("QueueView").entries] == shows
    finally:
        await remote.close()
        await served.close()


async def test_an_attached_consoles_n_names_the_new_segment_when_none_is_planned(tmp_path) -> None:
    """`n` on a show with no planned segment left started a made-up "Segment N" with no
    keywords, from an attached console too. It asks the name first, and the show starts the
    segment named."""
    served = await serve(tmp_path)
    await served.played()
    host, app = await attached(served, "hana")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            before = len(served.live.segments)
            await pilot.press("n")
            await pilot.pause()
            assert "Next segment: none is planned" in screen_text(app)
            await pilot.press(*"Envelopes", "tab", *"ADSR, attack", "enter")
            await until(lambda: len(served.live.segments) == before + 1, pilot=pilot)
            live = served.live.current_segment
            assert live is not None
            assert (live.title, tuple(live.keywords)) == ("Envelopes", ("ADSR", "attack"))
    finally:
        await host.close()
    await served.close()


async def test_an_attached_consoles_n_starts_the_planned_segment_at_once(tmp_path) -> None:
    """The show's plan reaches an attached console in its snapshot: `n` starts the next
    planned segment, no question asked."""
    planned = Settings.model_validate(
        {"show": {"segments": [{"title": f"Part {n}", "keywords": [f"k{n}"]} for n in range(1, 5)]}}
    )
    served = await serve(tmp_path, settings=planned)
    await served.played()
    host, app = await attached(served, "hana")
    try:
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            before = len(served.live.segments)
            await pilot.press("n")
            await until(lambda: len(served.live.segments) == before + 1, pilot=pilot)
            assert "none is planned" not in screen_text(app)
            live = served.live.current_segment
            assert live is not None and live.title == f"Part {before + 1}"
    finally:
        await host.close()
    await served.close()


async def test_attach_without_a_terminal_says_so_instead_of_drawing_into_a_file(tmp_path) -> None:
    """A producer's `stagehand attach … > log` (or under nohup): the token is good, but the
    console has nowhere to draw; said in one line, and the show goes on untouched."""
    served = await serve(tmp_path)
    try:
        code, stdout, stderr = await attach_in_a_child(served.url, served.tokens["alice"])
        assert code == 2
        assert b"the console needs a terminal" in stderr
        assert b"\x1b[" not in stdout + stderr
        assert b"Traceback" not in stderr
    finally:
        await served.close()
