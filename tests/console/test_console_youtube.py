"""YouTube in the console: the header's quota (units left, reading delay), a Super Chat's amount,
and spent quota said in one line, with the real YouTube adapter on the fake YouTube."""

from __future__ import annotations

import asyncio
import re

from conftest import open_console, played, screen_text
from fakes.youtube_server import FakeYouTube, settings_for, store_credentials
from stagehand.adapters.connection import Backoff
from stagehand.adapters.youtube.adapter import YouTubeAdapter
from stagehand.events import ConnectionChanged, QuotaSpent

SIZE = (200, 36)


def youtube(fake: FakeYouTube, tmp_path, **changes) -> YouTubeAdapter:
    store, _ = store_credentials(fake, tmp_path / "tokens.json")
    return YouTubeAdapter(settings_for(fake, **changes), store)


async def settle(console, pilot, predicate, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)
    await pilot.pause()
    console.app.redraw()
    await pilot.pause()


async def test_the_header_shows_units_left_and_the_reading_delay(
    tmp_path, show_file, fake_youtube: FakeYouTube
) -> None:
    heard: list[QuotaSpent] = []
    # Said before stagehand connects: the first read brings the latest messages. (An 8-hour
    # plan waits about 15 s between these 0.4 s test streams.)
    fake_youtube.super_chat("what op-amp for the VCO core?", 5_000_000)
    adapter = youtube(fake_youtube, tmp_path, show_hours=8)
    console = open_console(tmp_path / "show.db", show_file, adapters=(adapter,))
    console.live.add_listener(lambda e: heard.append(e) if isinstance(e, QuotaSpent) else None)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await settle(console, pilot, lambda: fake_youtube.streams_started >= 1 and heard)
        header = screen_text(console.app).splitlines()[1]
        left = 10_000 - fake_youtube.charged
        assert f"youtube ● connected {left:,} units · read +" in header
        await settle(
            console,
            pilot,
            lambda: any(c.platform == "youtube" for c in console.live.recent_comments),
        )
        await pilot.press("j")  # the Super Chat is the only one waiting on the live segment
        await pilot.pause()
        screen = screen_text(console.app)
        assert "$5.00 Super Chat" in screen
        await pilot.press("q", "y")
        await pilot.pause(0.5)


async def test_spent_quota_is_one_line_for_the_host(
    tmp_path, show_file, fake_youtube: FakeYouTube
) -> None:
    adapter = youtube(fake_youtube, tmp_path)
    console = open_console(tmp_path / "show.db", show_file, adapters=(adapter,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await settle(console, pilot, lambda: fake_youtube.open_streams > 0)
        fake_youtube.use_up_quota()
        await settle(console, pilot, lambda: "youtube" in console.live.failed_platforms())
        screen = screen_text(console.app)
        assert "youtube ✕ failed" in screen.splitlines()[1]
        assert "· live" not in screen.splitlines()[1]  # nothing is read any more
        assert "youtube: failed: YouTube refused: the project's daily quota is used up." in screen
        assert console.app.is_running
        await pilot.press("q", "y")
        await pilot.pause(0.5)


async def test_reconnecting_says_why_once_and_counts_down_to_the_next_try(
    tmp_path, show_file, fake_youtube: FakeYouTube
) -> None:
    fake_youtube.live = False  # no live broadcast yet: every attempt fails the same way
    adapter = youtube(fake_youtube, tmp_path, reconnect_initial_seconds=0.2)
    adapter.connection.backoff = Backoff([0.2, 0.2, 0.2, 3.0])
    console = open_console(tmp_path / "show.db", show_file, adapters=(adapter,))
    states: list[ConnectionChanged] = []
    console.live.add_listener(
        lambda e: states.append(e) if isinstance(e, ConnectionChanged) else None
    )
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        retried = lambda: sum(s.state == "reconnecting" for s in states) >= 4  # noqa: E731
        await settle(console, pilot, retried)
        header = screen_text(console.app).splitlines()[1]
        assert re.search(r"youtube ◌ reconnecting · retry in [123] s", header)
        assert "· live" not in header  # nothing is being read
        said = [
            n.text for n in console.app.state.notices if n.text.startswith("youtube: reconnecting")
        ]
        assert said == [
            "youtube: reconnecting: no live broadcast on the authorized channel yet; "
            "retrying in 0.2 s"
        ]  # once, not once per retry
        await pilot.press("i")
        await pilot.pause()
        assert "no live broadcast on the authorized channel yet" in screen_text(console.app)
        await pilot.press("escape")
        fake_youtube.live = True
        await settle(console, pilot, lambda: states[-1].state == "connected", timeout=10)
        header = screen_text(console.app).splitlines()[1]
        assert "youtube ● connected" in header and "retry" not in header
        assert "· live" in header
        await pilot.press("q", "y")
        await pilot.pause(0.5)
