"""Console fixtures: a small show replayed instantly into a real SQLite file, a frozen clock,
and a recording adapter that stands in for a platform connection (it implements the adapter
contract; LiveShow and the console are the real ones)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest

from stagehand.adapters.replay import ReplayAdapter
from stagehand.clock import ShowClock
from stagehand.config import Settings
from stagehand.console.app import StagehandApp, make_app
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.platform import ActionResult, Adapter, AdapterSink, ConnectionState
from stagehand.session import open_show
from stagehand.show.live import LiveShow

#: The wall clock the console sees in tests (replays anchor show time on their events anyway).
FIXED_WALL = datetime(2026, 11, 20, 19, 30, tzinfo=UTC)

HOSTILE = {
    "h1": "[@click=app.quit]x[/] click me",
    "h2": "[b]bold?[/b] and a lone [ bracket [red]",
    "h3": "before \x1b[2J\x1b]0;pwned\x07\x1b[31mred\x1b[0m after \u202eevil",
    "h4": "long " + "A" * 10_000,
}


def comment_record(id: str, ts: str, author: str, author_id: str, text: str, **extra) -> dict:
    return {
        "kind": "comment",
        "id": id,
        "ts": ts,
        "platform": extra.pop("platform", "twitch"),
        "channel": "synthnight",
        "author_id": author_id,
        "author": author,
        "text": text,
        "roles": extra.pop("roles", []),
        "reply_to": None,
        **extra,
    }


SHOW = [
    {
        "kind": "show",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Synth Night",
        "description": "We build an analog synthesizer live",
    },
    {
        "kind": "segment",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Oscillators",
        "keywords": ["oscillator", "waveform", "VCO"],
    },
    comment_record("m1", "2026-11-20T19:00:05Z", "ana", "101", "hi everyone!!"),
    comment_record(
        "m2",
        "2026-11-20T19:00:20Z",
        "ben",
        "102",
        "which waveform makes the fattest bass, saw or square?",
        roles=["subscriber"],
    ),
    comment_record(
        "m3",
        "2026-11-20T19:00:31Z",
        "cleo",
        "9001",
        "the VCO drifts when it warms up",
        platform="discord",
        display_name="Cleo",
    ),
    {
        "kind": "segment",
        "ts": "2026-11-20T19:05:00Z",
        "title": "Filters",
        "keywords": ["filter", "cutoff", "resonance"],
    },
    comment_record(
        "m4", "2026-11-20T19:05:30Z", "dev", "103", "how do you stop the resonance from screaming?"
    ),
    comment_record("m5", "2026-11-20T19:06:10Z", "eve", "104", "lol"),
    comment_record(
        "m6",
        "2026-11-20T19:07:00Z",
        "fin",
        "105",
        "is a ladder filter better than a state variable filter for cutoff sweeps?",
    ),
]


@pytest.fixture
def show_file(tmp_path: Path) -> Path:
    path = tmp_path / "synth-night.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in SHOW), "utf-8")
    return path


@pytest.fixture
def hostile_file(tmp_path: Path) -> Path:
    records = SHOW[:2] + [
        comment_record(id, f"2026-11-20T19:00:{10 + n:02d}Z", f"troll{n}", str(900 + n), text)
        for n, (id, text) in enumerate(HOSTILE.items())
    ]
    records.append(
        comment_record(
            "x1", "2026-11-20T19:01:00Z", "[@click=app.quit]name[/]", "999", "a name with markup"
        )
    )
    path = tmp_path / "hostile.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


@dataclass
class RecordingAdapter(Adapter):
    """A platform connection that records what it was asked to do and answers as told."""

    platform: str = "twitch"
    ok: bool = True
    calls: list[tuple[str, str]] = field(default_factory=list)
    closed: asyncio.Event = field(default_factory=asyncio.Event)

    async def run(self, sink: AdapterSink) -> None:
        sink.connection_changed(self.platform, ConnectionState.CONNECTED, "test")
        await self.closed.wait()

    async def close(self) -> None:
        self.closed.set()

    def _result(self, what: str, detail: str) -> ActionResult:
        self.calls.append((what, detail))
        if self.ok:
            return ActionResult.done(f"{self.platform}: {what} done")
        return ActionResult.failed(f"{self.platform} refused the {what}: missing scope")

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        return self._result("reply", f"{comment.id}:{text}")

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        return self._result("invite", author.name)

    async def end_stage(self, author: Author) -> ActionResult:
        return self._result("end_stage", author.name)

    async def moderate(self, comment, kind: ModerationKind, *, duration_seconds=None, reason=""):
        return self._result("moderate", f"{comment.id}:{kind.value}:{duration_seconds}")


@dataclass
class Console:
    app: StagehandApp
    live: LiveShow
    replay: ReplayAdapter
    #: The show's clock: tests move show time on with `clock.follow`.
    clock: ShowClock

    def db(self) -> sqlite3.Connection:
        """The show's SQLite file, as anyone would read it, after the writer caught up."""
        assert self.live.flush()
        return sqlite3.connect(self.live.db_path)


def open_console(
    db_path: Path,
    transcript: Path,
    *,
    adapters: tuple[Adapter, ...] = (),
    settings: Settings | None = None,
    speed: float | None = None,
    clock: ShowClock | None = None,
    commands: bool = False,
    show_name: str = "synth",
) -> Console:
    """The console on a show replayed from `transcript` (chat commands off unless `commands`)."""
    settings = settings or Settings()
    clock = clock or ShowClock(wall=lambda: FIXED_WALL)
    replay = ReplayAdapter(transcript, instant=speed is None, speed=speed or 1.0)
    live = open_show(
        settings,
        db_path=db_path,
        show_name=show_name,
        title="Synth Night",
        description="We build an analog synthesizer live",
        source=str(transcript),
        clock=clock,
        adapters=[replay, *adapters],
        commands=commands,
    )
    return Console(make_app(live, settings), live, replay, clock)


async def played(console: Console, pilot) -> None:
    """Wait until the replay has played and the screen shows all of it."""
    await asyncio.wait_for(console.replay.finished.wait(), 10)
    await pilot.pause()
    console.app.redraw()
    await pilot.pause()


#: What the notices line says once a replay has played to its end, when nothing else is on it
#: (the command that reports on the show, with its database in a test's directory, is in `i`).
OVER = "✓ The replay is over. q quits; i shows the command for its report"


async def end_said(console: Console, pilot) -> None:
    """As if the notice of the replay's end (posted when the replay ends, which a test's
    instant replay does at once) had had its few seconds: what the test does next shows."""
    for notice in console.app.state.notices:
        if OVER.endswith(notice.text):
            notice.ended = True
    console.app.redraw()
    await pilot.pause()


def screen_text(app: StagehandApp) -> str:
    """What the terminal shows right now, as text (the active screen's composited lines)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def actions_done(pilot) -> None:
    """Wait for host actions the console started (not the long-lived adapters worker)."""
    app = pilot.app
    for group in ("actions", "metrics"):  # the action, then the header numbers it changed
        running = [w for w in app.workers if w.group == group]
        if running:  # (an empty list would mean "every worker", the adapters' too)
            await app.workers.wait_for_complete(running)
        await pilot.pause()


def select(app: StagehandApp, message_id: str) -> None:
    """Select the queue's row of comment `message_id`, as the host's j/k would."""
    queue = app.query_one(QueueView)
    queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == message_id))


async def answer_each(console: Console, pilot, message_ids: Iterable[str]) -> None:
    """The host answers each comment in turn: selects its row and presses `a`."""
    for message_id in message_ids:
        select(console.app, message_id)
        await pilot.press("a")
        await actions_done(pilot)
