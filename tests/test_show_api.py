"""The show's public API, as any screen (the console today, remote screens next) uses it: every
intent answers an outcome naming the host action it logged; views are copies, not the show."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.events import CoreEvent, HostActionLogged
from stagehand.platform import ActionResult, Adapter, AdapterSink
from stagehand.session import open_show
from stagehand.show.live import LiveShow


class Twitch(Adapter):
    platform = "twitch"

    async def run(self, sink: AdapterSink) -> None:
        return None

    async def close(self) -> None:
        return None

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        return ActionResult.done("replied")

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        return ActionResult.done("invited")

    async def moderate(self, comment, kind, *, duration_seconds=None, reason=""):
        return ActionResult.done(f"{kind.value} done")


async def played(tmp_path: Path, small_show: Path) -> LiveShow:
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth",
        adapters=[ReplayAdapter(small_show, instant=True), Twitch()],
    )
    await live.run_adapters()
    return live


async def test_every_intent_names_the_host_action_it_logged(tmp_path, small_show) -> None:
    live = await played(tmp_path, small_show)
    logged: list[str] = []
    live.add_listener(
        lambda event: (
            logged.append(event.action.key) if isinstance(event, HostActionLogged) else None
        )
    )
    ana, ben = live.find_comment("twitch", "m1"), live.find_comment("twitch", "m2")
    assert ana is not None and ben is not None
    results = [
        live.answer(ben),
        live.dismiss(ana),
        await live.reply(ben, "saw, mostly"),
        await live.pull_on_stage(ben),
        await live.end_stage(),
        await live.moderate(ana, ModerationKind.TIMEOUT, duration_seconds=60),
        live.next_segment(),
        live.edit_topic("Envelopes", ["ADSR"]),
        await live.undo(),  # the latest one: the topic edit
    ]
    assert all(isinstance(r, ActionResult) and r.ok for r in results), results
    assert [r.key for r in results] == logged  # each is the key `u` takes back, as logged
    assert live.current_segment is not None and live.current_segment.title == "Segment 3"
    assert await live.close()
    conn = sqlite3.connect(tmp_path / "show.db")
    stored = {key for (key,) in conn.execute("SELECT key FROM host_actions")}
    assert set(logged) <= stored


async def test_views_are_copies_not_the_show(tmp_path, small_show) -> None:
    live = await played(tmp_path, small_show)
    heard: list[CoreEvent] = []
    live.add_listener(heard.append)
    viewer = Author("twitch", "777", "gus")
    live.raise_hand(viewer)
    hands, segments, connections = live.hands, live.segments, live.connections
    assert hands == (viewer,) and live.has_hand_up(viewer.key)
    assert isinstance(segments, tuple) and [s.title for s in segments] == ["Oscillators", "Filters"]
    connections.pop("replay")  # type: ignore[attr-defined]
    assert "replay" in live.connections  # what a screen does with its copy changes nothing
    live.lower_hand(viewer)
    assert hands == (viewer,) and live.hands == ()  # the earlier view stays what it was
    assert await live.close()


async def test_closing_the_show_logs_the_end_of_every_appearance(tmp_path, small_show) -> None:
    """Quitting with a guest on stage ends their appearance as a `stage_end` like any other:
    the log says when and why, and the stage session's end matches it."""
    live = await played(tmp_path, small_show)
    guest = live.find_comment("twitch", "m2")
    assert guest is not None
    assert (await live.pull_on_stage(guest)).ok
    assert await live.close()
    conn = sqlite3.connect(tmp_path / "show.db")
    end = conn.execute(
        "SELECT ts, outcome FROM host_actions WHERE action = 'stage_end' ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert end is not None and end[1] == "ok: the show ended"
    (ended_at,) = conn.execute(
        "SELECT ended_at FROM stage_sessions ORDER BY id DESC LIMIT 1"
    ).fetchone()
    assert ended_at == end[0]
