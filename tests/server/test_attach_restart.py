"""An attached console when its show restarts, ends, or gives a comment back.

The show is real (a replayed transcript, its show server on 127.0.0.1), the console a real
`RemoteShow` and `StagehandApp` driven with Pilot. A restart is a show that stops without
ending (its server gone, as after `kill -9`) and a show served again on the same port: a new
epoch, so the console's reconnect brings a snapshot instead of the missed events.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from pytest import LogCaptureFixture
from showserver import SHOW as SHOW_RECORDS
from showserver import Served, act, call, comment, played, serve
from test_attach import console_of, screen_text, until
from textual.pilot import Pilot

from stagehand.console.app import StagehandApp
from stagehand.console.widgets.queue import QueueView
from stagehand.platform import ConnectionState
from stagehand.server.remote import RemoteShow
from stagehand.show.queue import key_of

#: The show after its restart: m2 is still waiting (a resumed show keeps its queue), m4 is not;
#: n1 and n2 arrived since.
RESTARTED = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"},
    {
        "kind": "segment",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Filters",
        "keywords": ["filter", "cutoff"],
    },
    comment("m2", "00:20", "ben", "102", "which waveform makes the fattest bass, saw or square?"),
    comment("n1", "02:00", "fay", "104", "does the filter self-oscillate at full resonance?"),
    comment("n2", "02:10", "gus", "105", "how do you set the cutoff for a pluck?"),
]


def drawn_ids(app) -> list[str]:
    return [r.comment.id for r in app.query_one(QueueView).entries]


def port_of(url: str) -> str:
    return url.rsplit(":", 1)[1]


async def served_again(before: Served, folder: Path, records: Iterable[dict], **how: Any) -> Served:
    """`records` served where `before` was (its port, with its tokens), as a show restarted, or
    another show started, on the address an attached console knows."""
    listen = f"127.0.0.1:{port_of(before.url)}"
    return await serve(folder, records, listen=listen, tokens=before.tokens, **how)


async def gone_while_reading_metrics(
    served: Served, remote: RemoteShow, app: StagehandApp, pilot: Pilot, caplog: LogCaptureFixture
) -> None:
    """The show's server gone, as after a crash: once the console knows, it reads the show's
    numbers twice, the log's warnings caught afresh."""
    await served.server.stop()
    await until(lambda: remote.connections["show"][0].value != "connected", 3, pilot)
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        for _ in range(2):
            await app.refresh_metrics().wait()
            await pilot.pause()


async def test_a_console_whose_show_restarted_shows_and_acts_on_the_show_as_it_is(
    tmp_path,
) -> None:
    """After the restart the console shows the show's queue, pins, on-stream comment and
    segment, not its own from before; the selected comment the show no longer has is dropped
    (said so), and `s` and `f` act on what is drawn: off stream, unpinned."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    before = await serve(tmp_path / "a")
    await before.played()
    assert (await act(before, "alice", action="pin", comment_id="m4", text="ask this"))[0] == 200
    assert (await act(before, "alice", action="feature", comment_id="m2"))[0] == 200
    after = None
    async with console_of(before, "alice") as (remote, app, pilot):
        await until(lambda: app.state.featured is not None, pilot=pilot)
        await pilot.press("home")  # the pinned comment, dev's
        await pilot.pause()
        assert app.query_one(QueueView).selected.comment.id == "m4"
        assert "▶ on stream" in screen_text(app)
        epoch = remote._epoch

        # The show dies without ending, and comes back on the same port.
        await before.server.stop()
        after = await served_again(before, tmp_path / "b", RESTARTED)
        await after.played()
        assert (await act(after, "hana", action="pin", comment_id="n1", text="next"))[0] == 200
        assert (await act(after, "hana", action="feature", comment_id="n2"))[0] == 200
        await until(lambda: remote._epoch != epoch, seconds=10, pilot=pilot)
        await until(
            lambda: app.state.featured is not None and app.state.featured.comment.id == "n2",
            seconds=3,
            pilot=pilot,
        )
        await pilot.pause()

        # What is drawn is the show's, row for row.
        _, state = await call(after, "GET", "/api/state", after.tokens["vic"])
        shows = [row["id"] for row in state["queue"]]
        assert shows[0] == "n1" and sorted(shows) == ["m2", "n1", "n2"]
        await until(lambda: drawn_ids(app) == shows, pilot=pilot, said=lambda: drawn_ids(app))
        assert set(app.state.pins) == {("twitch", "n1")}
        assert app.state.segment is not None and app.state.segment.title == "Filters"
        text = screen_text(app)
        assert "Queue (3)" in text and "Filters" in text
        assert "▲ pinned by alice" not in text and "ask this" not in text
        assert "▶ on stream" in text and "gus" in text  # n2, not ben's m2
        # dev's comment is gone from the show: not selected, not a row, and said so.
        queue = app.query_one(QueueView)
        assert queue.selected is None
        assert "m4" not in drawn_ids(app)
        assert any(
            "dev's comment is not in the show's queue after the show restarted" in n.text
            for n in app.state.notices
        ), [n.text for n in app.state.notices]
        assert any("The show restarted" in n.text for n in app.state.notices)
        assert "dev's comment left the queue (dropped when the show restarted)" in text

        # `s` on the comment drawn on stream takes it off (it was put on before).
        await pilot.press(*"j" * (shows.index("n2") + 1))
        await pilot.pause()
        assert queue.selected.comment.id == "n2"
        await pilot.press("s")
        await until(lambda: after.live.featured is None, seconds=3, pilot=pilot)
        await until(lambda: app.state.featured is None, pilot=pilot)
        # `f` on the row drawn pinned takes the pin off (no note asked for).
        await pilot.press("home", "f")
        await until(lambda: not after.live.pins, seconds=3, pilot=pilot)
        await until(lambda: not app.state.pins, pilot=pilot)
        assert "▲ pinned" not in screen_text(app)
    assert after is not None
    rows = (
        after.db()
        .execute("SELECT action, actor, comment_id FROM host_actions ORDER BY id")
        .fetchall()
    )
    ids = dict(after.db().execute("SELECT id, message_id FROM comments").fetchall())
    assert [(action, actor, ids.get(c)) for action, actor, c in rows] == [
        ("pin", "hana", "n1"),
        ("feature", "hana", "n2"),
        ("unfeature", "alice", "n2"),
        ("unpin", "alice", "n1"),
    ]
    await after.close()
    await before.live.close()
    before.runner.cancel()
    await asyncio.gather(before.runner, return_exceptions=True)


async def test_a_comment_restored_by_another_console_is_said_to_be_back(tmp_path) -> None:
    """A producer dismisses the selected comment, the host restores it: the producer's
    Selected pane says it is back in the queue, not "pushed out by better comments"."""
    async with played(tmp_path) as served, console_of(served, "alice") as (_, app, pilot):
        await pilot.pause()
        await pilot.press("home")
        await pilot.pause()
        chosen = app.query_one(QueueView).selected.comment
        await pilot.press("d")
        await until(lambda: key_of(chosen) in app.state.removed, pilot=pilot)
        await until(lambda: bool(app.undo_stack), pilot=pilot)
        app.redraw()
        await pilot.pause()
        assert "comment left the queue (dismissed" in screen_text(app)
        # The host restores it (from the handled list, or a button: the same undo).
        status, body = await act(served, "hana", action="undo", key=app.undo_stack[-1])
        assert status == 200 and body["ok"], body
        await until(lambda: chosen.id in drawn_ids(app), pilot=pilot)
        app.redraw()
        await pilot.pause()
        text = screen_text(app)
        assert "pushed out by better comments" not in text
        assert "left the queue (it is back in the queue now" in text


async def test_an_attached_console_whose_show_ended_says_so_and_stops_its_clock(
    tmp_path,
) -> None:
    served = await serve(tmp_path)
    await served.played()
    async with console_of(served, "alice") as (_, app, pilot):
        await pilot.pause()
        assert "show ● connected" in screen_text(app)
        await served.live.close()  # the host quit the show
        await served.server.stop()
        await until(lambda: app.state.connections["show"][0] == "finished", seconds=3, pilot=pilot)
        app.redraw()
        await pilot.pause()
        text = screen_text(app)
        assert "show ■ finished" in text and "connected" not in text
        assert any("the show ended at 19:" in n.text for n in app.state.notices)
        # The on-air time stops at the show's end, and nothing tries to reconnect.
        ended = app._on_air_seconds(app.now())
        await asyncio.sleep(1.2)
        await pilot.pause()
        assert app._on_air_seconds(app.now()) == ended
        assert app.state.connections["show"][0] == "finished"
        assert "reconnecting" not in screen_text(app)
    served.runner.cancel()
    await asyncio.gather(served.runner, return_exceptions=True)


async def test_metrics_while_the_show_is_unreachable_keep_the_last_numbers_quietly(
    tmp_path, caplog
) -> None:
    """The header keeps the numbers it had; the log says so in one line, no traceback, and
    no notice claims the metrics stopped."""
    (tmp_path / "a").mkdir()
    served = await serve(tmp_path / "a")
    await served.played()
    async with console_of(served, "alice") as (remote, app, pilot):
        app.refresh_metrics()
        await until(lambda: app.metrics is not None, seconds=5, pilot=pilot)
        had = app.metrics
        await gone_while_reading_metrics(served, remote, app, pilot, caplog)
        assert app.metrics == had
        assert not [n.text for n in app.state.notices if "metrics" in n.text]
        said = [r for r in caplog.records if "metrics" in r.getMessage()]
        assert len(said) == 2 and all(r.exc_info is None for r in said), said
        assert not [r for r in caplog.records if r.exc_info]
    await served.live.close()
    served.runner.cancel()
    await asyncio.gather(served.runner, return_exceptions=True)


async def test_a_show_gone_before_its_first_metrics_leaves_the_numbers_empty_quietly(
    tmp_path, caplog
) -> None:
    """The show goes away before this console ever read its numbers: the header stays without
    them (its `show ◌ reconnecting` says why), no notice names an error or a Python class, and
    the log says it in one line each time, no traceback."""
    (tmp_path / "a").mkdir()
    served = await serve(tmp_path / "a")
    await served.played()
    async with console_of(served, "alice") as (remote, app, pilot):
        await gone_while_reading_metrics(served, remote, app, pilot, caplog)
        app.redraw()
        await pilot.pause()
        assert app.metrics is None
        text = screen_text(app)
        assert "show ◌ reconnecting" in text and "stopped" not in text, text
        assert "Error" not in text and "metrics" not in text, text
        assert not [n.text for n in app.state.notices if "metrics" in n.text]
        said = [r for r in caplog.records if "metrics" in r.getMessage()]
        assert len(said) == 2 and all(r.exc_info is None for r in said), said
    await served.live.close()
    served.runner.cancel()
    await asyncio.gather(served.runner, return_exceptions=True)


#: The show with one more line much later: played at 60x, the replay waits for it ~50 s.
LATE = [*SHOW_RECORDS, comment("m9", "50:00", "late", "999", "bye everyone")]


async def serving_late(tmp_path: Path) -> Served:
    """LATE played at 60x, its first lines in: the replay is waiting for the late one."""
    served = await serve(tmp_path, LATE, speed=60)
    await until(lambda: served.live.find_comment("twitch", "m4") is not None, seconds=10)
    return served


async def stopped_short(served: Served, app, pilot) -> None:  # type: ignore[no-untyped-def]
    """Stopped as `replay` stops on SIGINT (the show closes, then its server) before its end:
    the attached console (`app`) is reconnecting."""
    await served.live.close()
    await served.server.stop()
    served.runner.cancel()
    await until(lambda: app.state.connections["show"][0] == "reconnecting", seconds=3, pilot=pilot)


async def resumed_on_its_address(served: Served, tmp_path: Path) -> Served:
    """The same command run again: LATE resumed, served where it was, with the same tokens."""
    return await served_again(served, tmp_path, LATE)


async def test_a_show_stopped_before_its_end_is_waited_for_not_called_ended(tmp_path) -> None:
    """A replay stopped short (Ctrl-C: the show closes, its server stops) is not the show's
    end: the console says it stopped, keeps reconnecting, sends nothing while it is away (the
    row stays, the database gets no dismissal), and picks the show up when the same command
    resumes it."""
    served = await serving_late(tmp_path)
    resumed = None
    async with console_of(served, "hana") as (remote, app, pilot):
        await until(lambda: len(drawn_ids(app)) == 4, seconds=3, pilot=pilot)
        await stopped_short(served, app, pilot)
        app.redraw()
        await pilot.pause()
        text = screen_text(app)
        assert "finished" not in text and "show ◌ reconnecting" in text, text
        # At 60x the show's clock reads 19:00 or, on a loaded machine, a minute later.
        said = [
            re.search(r"The show stopped at (19:0\d) before its end", n.text)
            for n in app.state.notices
        ]
        stopped = next((m[1] for m in said if m), None)
        assert stopped is not None, [n.text for n in app.state.notices]
        assert not remote.ended
        # A key while it is away sends nothing, and says so.
        await pilot.press("home", "d")
        await until(
            lambda: "nothing was done" in app.state.notice.text,
            seconds=3,
            pilot=pilot,
            said=lambda: app.state.notice.text,
        )
        assert f"Not connected to the show (the show stopped at {stopped}" in app.state.notice.text
        assert drawn_ids(app)[0] in {"m1", "m2", "m3", "m4"} and len(drawn_ids(app)) == 4
        await pilot.press("q")
        await pilot.pause()
        text = screen_text(app)
        assert f"Not connected to the show (the show stopped at {stopped}" in text
        assert "ended" not in text and "goes on" not in text
        await pilot.press("n")

        # The same command again: the show resumes on its port, and the console with it.
        resumed = await resumed_on_its_address(served, tmp_path)
        await resumed.played()
        await until(
            lambda: app.state.connections["show"][0] == "connected", seconds=10, pilot=pilot
        )
        assert resumed.live.resumed
        await until(lambda: "m9" in drawn_ids(app), seconds=3, pilot=pilot)
    assert resumed is not None
    assert resumed.db().execute("SELECT count(*) FROM host_actions").fetchone() == (0,)
    await resumed.close()
    await asyncio.gather(served.runner, return_exceptions=True)


async def test_u_while_the_show_is_away_keeps_the_action_to_undo_once_it_is_back(
    tmp_path,
) -> None:
    """`u` while the show is stopped reaches nothing ("press again once the header says
    connected"): the action it was meant to take back stays this console's to undo, and `u`
    takes back that one once the show is back. Before, the key was used up: the next `u`
    undid the action before it, or said everything was taken back."""
    served = await serving_late(tmp_path)
    resumed = None
    async with console_of(served, "hana") as (_, app, pilot):
        await until(lambda: len(drawn_ids(app)) == 4, seconds=3, pilot=pilot)
        first = drawn_ids(app)[0]
        await pilot.press("home", "d")
        await until(lambda: first not in drawn_ids(app), seconds=5, pilot=pilot)
        assert len(app.undo_stack) == 1
        await stopped_short(served, app, pilot)
        told = len(app.state.notices)
        await pilot.press("u")
        await until(
            lambda: any("nothing was done" in n.text for n in list(app.state.notices)[told:]),
            seconds=3,
            pilot=pilot,
            said=lambda: [n.text for n in list(app.state.notices)[told:]],
        )
        assert len(app.undo_stack) == 1  # still this console's to take back

        resumed = await resumed_on_its_address(served, tmp_path)
        await resumed.played()
        await until(
            lambda: app.state.connections["show"][0] == "connected", seconds=10, pilot=pilot
        )
        told = len(app.state.notices)
        await pilot.press("u")
        await until(
            lambda: any(
                n.text.startswith("Undid the dismissal") for n in list(app.state.notices)[told:]
            ),
            seconds=5,
            pilot=pilot,
            said=lambda: [n.text for n in list(app.state.notices)[told:]],
        )
        await until(lambda: first in drawn_ids(app), seconds=3, pilot=pilot)
    assert resumed is not None
    actions = resumed.db().execute("SELECT action FROM host_actions ORDER BY id").fetchall()
    assert actions == [("dismiss",), ("undo",)]
    await resumed.close()
    await asyncio.gather(served.runner, return_exceptions=True)


#: Another show, the next day, served on the address the first one had.
ANOTHER = [
    {"kind": "show", "ts": "2026-11-21T19:00:00Z", "title": "Second show"},
    {"kind": "segment", "ts": "2026-11-21T19:00:00Z", "title": "Oscillators", "keywords": ["vco"]},
    {
        **comment("s1", "00:10", "uma", "301", "how stable is the vco?"),
        "ts": "2026-11-21T19:00:10Z",
    },
    {**comment("s2", "00:20", "val", "302", "which vco do you use?"), "ts": "2026-11-21T19:00:20Z"},
]


async def test_another_show_on_the_address_is_said_to_be_another_not_a_restart(tmp_path) -> None:
    """Show A dies (kill -9), show B starts on its port: the console says another show is
    served there (not that the show restarted), its chat holds only B's lines, its on-air
    clock counts from B's start, its title is B's, and `u` has nothing of A's to take back."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first = await serve(tmp_path / "a")
    await first.played()
    second = None
    async with console_of(first, "alice") as (remote, app, pilot):
        await pilot.pause()
        await pilot.press("home", "s")
        await until(lambda: bool(app.undo_stack), seconds=3, pilot=pilot)
        await pilot.press("j")
        await pilot.pause()
        chosen = app.query_one(QueueView).selected.comment
        epoch = remote._epoch
        await first.server.stop()  # gone without ending, as after kill -9
        second = await served_again(first, tmp_path / "b", ANOTHER, show_name="second")
        await second.played()
        await until(lambda: remote._epoch != epoch, seconds=10, pilot=pilot)
        await until(
            lambda: drawn_ids(app) == ["s2", "s1"] or drawn_ids(app) == ["s1", "s2"],
            seconds=3,
            pilot=pilot,
            said=lambda: drawn_ids(app),
        )
        said = [n.text for n in app.state.notices]
        assert any(
            text.startswith(
                "Another show is served here now: “second” (started 2026-11-21 19:00), "
                "not “synth” (started 2026-11-20 19:00)"
            )
            for text in said
        ), said
        assert not any("restarted" in text for text in said), said
        assert any(
            f"{chosen.author.name}'s comment was on the show before, not this one" in text
            for text in said
        ), said
        assert [line.comment.id for line in app.state.raw] == ["s1", "s2"]
        assert 0 <= app._on_air_seconds(app.now()) < 120  # B's start, not A's day before
        assert "second" in app.title and "synth" not in app.title
        assert app.undo_stack == []
        app.redraw()
        await pilot.pause()
        text = screen_text(app)
        assert "second" in text and "hi everyone" not in text
    assert second is not None
    await second.close()
    await first.live.close()
    first.runner.cancel()
    await asyncio.gather(first.runner, return_exceptions=True)


async def test_a_show_away_does_not_claim_its_platforms_are_connected(tmp_path) -> None:
    """While the show is stopped (Ctrl-C on the replay) the header cannot know how its
    platforms are: it says `replay ? unknown`, never `replay ● connected`, and when the same
    command resumes it, the platform's real state is back."""
    served = await serving_late(tmp_path)
    resumed = None
    async with console_of(served, "alice") as (remote, app, pilot):
        await pilot.pause()
        assert "replay ● connected" in screen_text(app)
        await stopped_short(served, app, pilot)
        app.redraw()
        await pilot.pause()
        text = screen_text(app)
        assert "show ◌ reconnecting" in text, text
        assert "replay ● connected" not in text and "replay ? unknown" in text, text
        assert remote.connections["replay"][0].value == "unknown"

        resumed = await served_again(served, tmp_path, LATE, speed=60)
        await until(
            lambda: app.state.connections["show"][0] == "connected", seconds=10, pilot=pilot
        )
        app.redraw()
        await pilot.pause()
        text = screen_text(app)
        assert "replay ● connected" in text and "unknown" not in text, text
    if resumed is not None:
        await resumed.close()
    await asyncio.gather(served.runner, return_exceptions=True)


async def test_an_attached_search_that_cannot_be_done_says_why_without_class_names(
    tmp_path,
) -> None:
    """The show's database moved away: the attached console reads the show's own line (the
    server answers 503 with it); the show gone: `Search needs the show, and it is not
    connected`, not `RemoteError: the show did not answer (ClientConnectorError: ...)`."""
    served = await serve(tmp_path)
    await served.played()
    db_path = tmp_path / "show.db"

    def status() -> str:
        return str(app.screen.query_one("#search-status").render()).replace("\n", " ")

    async def search(pilot, words: str) -> str:
        await pilot.press("slash", "ctrl+u", *words, "enter")
        await until(lambda: "Searching" not in status(), seconds=20, pilot=pilot)
        return status()

    async with console_of(served, "alice") as (remote, app, pilot):
        await pilot.press("slash")
        assert (await search(pilot, "bass")).startswith("1 comment found")
        db_path.rename(tmp_path / "elsewhere.db")
        said = await search(pilot, "bass")
        assert said.startswith("Search cannot read the show's database"), said
        assert "Error" not in said and "HTTP" not in said, said
        (tmp_path / "elsewhere.db").rename(db_path)

        await served.server.stop()
        await until(lambda: remote.connections["show"][0].value != "connected", 3, pilot)
        said = await search(pilot, "bass")
        assert said.startswith("Search needs the show, and it is not connected"), said
        assert "Error" not in said, said
    await served.live.close()
    served.runner.cancel()
    await asyncio.gather(served.runner, return_exceptions=True)


async def test_a_platform_that_stopped_is_said_once_however_often_the_console_reconnects(
    tmp_path,
) -> None:
    """YouTube's quota is spent: the attached console says so once, a red error. The network
    drops twice; each time the show comes back the platform's real state is sent again (the
    header said `unknown` meanwhile): not news, so not said again, and a limited platform's
    notice neither."""

    def said(words: str) -> list[tuple[str, str]]:
        return [(n.text, n.level) for n in app.state.notices if words in n.text]

    async with played(tmp_path) as served, console_of(served, "alice") as (remote, app, pilot):
        await pilot.pause()
        served.live.connection_changed("youtube", ConnectionState.FAILED, "quota spent")
        served.live.connection_changed("twitch", ConnectionState.LIMITED, "no replies")
        await until(lambda: bool(said("youtube: failed")), seconds=3, pilot=pilot)
        await until(lambda: bool(said("twitch: no replies")), seconds=3, pilot=pilot)
        for _ in range(2):
            assert remote._ws is not None
            await remote._ws.close()
            await until(lambda: "reconnecting" in str(remote.connections["show"]), 2, pilot)
            await until(lambda: remote.connections["show"][0].value == "connected", 3, pilot)
            await until(
                lambda: app.state.connections["youtube"][0] == "failed", seconds=3, pilot=pilot
            )
            await pilot.pause(0.2)
        assert said("youtube: failed") == [("youtube: failed: quota spent", "error")]
        assert said("twitch: no replies") == [("twitch: no replies", "warning")]
        app.redraw()
        await pilot.pause()
        assert "youtube ✕ failed" in screen_text(app)
        # A change while it was away is news: said once more.
        await remote._ws.close()
        await until(lambda: "reconnecting" in str(remote.connections["show"]), 2, pilot)
        served.live.connection_changed("youtube", ConnectionState.FAILED, "chat ended")
        await until(lambda: bool(said("chat ended")), seconds=5, pilot=pilot)
        assert len(said("youtube: failed")) == 2


async def test_participation_numbers_that_cannot_be_read_are_said_without_the_path(
    tmp_path, caplog
) -> None:
    """The show's database moved away mid-show: every console is told the numbers cannot be
    read, in the show's words without this machine's paths (an attached console is elsewhere,
    a producer's screen may be on stream); the show's log keeps the path."""
    db_path = tmp_path / "show.db"
    async with played(tmp_path) as served, console_of(served, "alice") as (_, app, pilot):
        await app.refresh_metrics().wait()
        db_path.rename(tmp_path / "elsewhere.db")
        with caplog.at_level(logging.WARNING):
            await app.refresh_metrics().wait()
            await until(
                lambda: any("participation" in n.text for n in app.state.notices),
                seconds=3,
                pilot=pilot,
                said=lambda: [n.text for n in app.state.notices],
            )
        said = [n.text for n in app.state.notices if "participation" in n.text]
        assert said == [
            "The participation numbers cannot be read from the show's database: the file "
            "is missing, moved or damaged on the show's machine; they are read again by "
            "themselves once it is back"
        ], said
        assert str(tmp_path) not in said[0] and "show.db" not in said[0]
        logged = [r.getMessage() for r in caplog.records if "participation" in r.getMessage()]
        assert any(str(db_path) in line for line in logged), logged
        (tmp_path / "elsewhere.db").rename(db_path)
