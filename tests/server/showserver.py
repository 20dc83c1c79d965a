"""A show with its show server, as `stagehand demo` runs one: a transcript replayed into a real
SQLite file through `session.open_show`, the server on a free port of 127.0.0.1, and tokens made
the way `stagehand token create` makes them (in the test's own config directory)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from stagehand.adapters.replay import ReplayAdapter, transcript_start
from stagehand.config import Settings
from stagehand.config.server import parse_listen
from stagehand.platform import Adapter
from stagehand.server.access import AccessTokens, Role
from stagehand.server.app import ShowServer, start_server
from stagehand.session import open_show
from stagehand.show.live import LiveShow


def comment(id: str, ts: str, author: str, author_id: str, text: str, **extra: Any) -> dict:
    return {
        "kind": "comment",
        "id": id,
        "ts": f"2026-11-20T19:{ts}Z",
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
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"},
    {
        "kind": "segment",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Oscillators",
        "keywords": ["oscillator", "waveform", "VCO"],
    },
    comment("m1", "00:05", "ana", "101", "hi everyone!!"),
    comment("m2", "00:20", "ben", "102", "which waveform makes the fattest bass, saw or square?"),
    comment("m3", "00:31", "cleo", "9001", "the VCO drifts when it warms up", platform="discord"),
    comment("m4", "00:40", "dev", "103", "how do you stop the oscillator from drifting?"),
]

#: What a viewer would type to take over a page that shows chat as HTML.
HOSTILE = (
    "<img src=x onerror=\"document.title='pwned'\"><script>document.title='pwned2'</script>"
    '</div></section><b>bold?</b> & "quotes"'
)


def write_show(path: Path, records: Iterable[dict] = SHOW) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    return path


#: A segment on filters and seven viewers' questions on it (e1 and f1 are one question): the
#: start of the shows killed mid-way (test_resume_queue.py, test_resume_undo.py).
FILTER_QUESTIONS = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"},
    {
        "kind": "segment",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Filters",
        "keywords": ["filter", "cutoff", "resonance"],
    },
    comment("a1", "00:05", "ana", "101", "how do you set the cutoff for a pluck?"),
    comment("b1", "00:10", "ben", "102", "does the filter self-oscillate at full resonance?"),
    comment("c1", "00:15", "cleo", "103", "which filter is that on the bass line?"),
    comment("d1", "00:20", "dev", "104", "why does the resonance get so loud on that filter?"),
    comment("e1", "00:25", "eve", "105", "what filter slope are you using for the pad?"),
    comment("f1", "00:30", "fay", "106", "what filter slope are you using for the pad"),
    comment("g1", "00:35", "gus", "107", "is the cutoff knob on the filter mapped to velocity?"),
]


def run_until_killed(folder: Path, records: Iterable[dict], script: str, *args: str) -> str:
    """`records` written as folder/show.jsonl and played by `script` (run as `python -c script
    folder *args`) in a child process that ends by SIGKILL, as a crash ends a show; what it
    printed."""
    write_show(folder / "show.jsonl", records)
    child = subprocess.run(
        [sys.executable, "-c", script, str(folder), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert child.returncode == -9, child.stderr
    return child.stdout.strip()


@dataclass
class Served:
    live: LiveShow
    server: ShowServer
    replay: ReplayAdapter
    #: One token per role, named after its holder: hana (host), alice (producer), vic (viewer).
    tokens: dict[str, str]
    runner: asyncio.Task[None]

    @property
    def url(self) -> str:
        return self.server.url

    def db(self) -> sqlite3.Connection:
        assert self.live.flush()
        return sqlite3.connect(self.live.db_path)

    async def played(self) -> None:
        await asyncio.wait_for(self.replay.finished.wait(), 20)
        await asyncio.sleep(0)

    async def close(self) -> None:
        await self.server.stop()
        await self.live.close()
        self.runner.cancel()
        await asyncio.gather(self.runner, return_exceptions=True)


async def serve(
    tmp_path: Path,
    records: Iterable[dict] = SHOW,
    *,
    settings: Settings | None = None,
    speed: float | None = None,
    adapters: Iterable[Adapter] = (),
    listen: str = "127.0.0.1:0",
    tokens: dict[str, str] | None = None,
    commands: bool = False,
    show_name: str = "synth",
) -> Served:
    """The show playing (instantly unless `speed`), served on a free port (or `listen`: the
    port of a show that stopped, with its `tokens`, to play it restarting). It starts when its
    transcript does, as `stagehand replay` opens one."""
    settings = settings or Settings()
    transcript = write_show(tmp_path / "show.jsonl", records)
    replay = ReplayAdapter(transcript, instant=speed is None, speed=speed or 1.0)
    live = open_show(
        settings,
        db_path=tmp_path / "show.db",
        show_name=show_name,
        source=str(transcript),
        started_at=transcript_start(transcript),
        adapters=[replay, *adapters],
        commands=commands,
    )
    if tokens is None:
        access = AccessTokens()
        tokens = {
            "hana": access.create("hana", Role.HOST),
            "alice": access.create("alice", Role.PRODUCER),
            "vic": access.create("vic", Role.VIEWER),
        }
    server = await start_server(live, settings, listen=parse_listen(listen))
    runner = asyncio.ensure_future(live.run_adapters())
    return Served(live, server, replay, tokens, runner)


@asynccontextmanager
async def played(tmp_path: Path, **how: Any) -> AsyncIterator[Served]:
    """The show `serve(tmp_path, **how)` serves, played through; closed on the way out."""
    served = await serve(tmp_path, **how)
    try:
        await served.played()
        yield served
    finally:
        await served.close()


@asynccontextmanager
async def featuring(tmp_path: Path, comment_id: str, **how: Any) -> AsyncIterator[Served]:
    """The show `played(tmp_path, **how)` plays, with comment `comment_id` put on stream by the
    host (hana, through `POST /api/actions`, as a Stream Deck's feature button puts it there)."""
    async with played(tmp_path, **how) as served:
        status, body = await act(served, "hana", action="feature", comment_id=comment_id)
        assert status == 200 and body["ok"], body
        yield served


async def call(
    served: Served, method: str, path: str, token: str | None = None, body: Any = None
) -> tuple[int, Any]:
    """One HTTP request to the show server, as curl would make it: (status, JSON body)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    async with (
        aiohttp.ClientSession() as session,
        session.request(method, served.url + path, headers=headers, json=body) as response,
    ):
        return response.status, await response.json(content_type=None)


async def act(served: Served, who: str, **body: Any) -> tuple[int, dict]:
    """`POST /api/actions` with `who`'s token."""
    return await call(served, "POST", "/api/actions", served.tokens[who], body)
