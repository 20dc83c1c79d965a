"""A platform that is down is never missed at 100x30 (user review 19, finding 8): the header
keeps its countdown to the next try, the notices line does not say "Ready." while it is down,
nor "reconnecting" once it is back, and `?` says what each connection mark means. The real
console under Pilot, the real YouTube adapter on the fake YouTube."""

from __future__ import annotations

import asyncio
import re

from textual.widgets import Static

from conftest import open_console, played, screen_text
from fakes.youtube_server import FakeYouTube, settings_for, store_credentials
from stagehand.adapters.connection import Backoff
from stagehand.adapters.youtube.adapter import YouTubeAdapter
from stagehand.console.widgets import notices

SIZE = (80, 24)  # as tight as three platforms make 100 columns (the review's terminal)


async def settle(console, pilot, predicate, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)
    await pilot.pause()
    console.app.redraw()
    await pilot.pause()


def lines(app) -> tuple[str, str]:
    """The header's second line and the notices line."""
    screen = screen_text(app).splitlines()
    return screen[1], screen[-2].strip()


async def test_a_platform_down_shows_its_next_try_and_the_line_says_so_until_it_is_back(
    tmp_path, show_file, fake_youtube: FakeYouTube, monkeypatch
) -> None:
    # The notices (why it reconnects, the replay's end) fade sooner than a host's 6-12 s.
    monkeypatch.setattr(notices, "PROBLEM_SECONDS", 0.3)
    monkeypatch.setattr(notices, "NOTICE_SECONDS", 0.3)
    fake_youtube.live = False  # every attempt fails: YouTube is down for the show
    store, _ = store_credentials(fake_youtube, tmp_path / "tokens.json")
    adapter = YouTubeAdapter(settings_for(fake_youtube, reconnect_initial_seconds=0.2), store)
    adapter.connection.backoff = Backoff([0.2, 0.2, 5.0])
    console = open_console(tmp_path / "show.db", show_file, adapters=(adapter,))
    app = console.app
    async with app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await settle(console, pilot, lambda: app.state.retries().get("youtube", 0) > 2)
        await asyncio.sleep(0.4)  # the notice saying why has faded
        await settle(console, pilot, lambda: True)
        header, line = lines(app)
        assert re.search(r"youtube ◌ (reconnecting · )?retry in [2-5] s", header), header
        assert line.startswith("! youtube: reconnecting · retry in "), line
        assert "i has why" in line

        fake_youtube.live = True
        await settle(console, pilot, lambda: app.state.connections["youtube"][0] == "connected", 15)
        header, line = lines(app)
        assert "youtube ●" in header
        assert "reconnecting" not in line, line
        assert line == "✓ youtube: connected again"

        await pilot.press("question_mark")
        await pilot.pause()
        said = " ".join(str(app.screen.query_one("#help Static", Static).render()).split())
        for meaning in ("● connected", "◌ reconnecting", "◐ limited", "✕ failed"):
            assert meaning in said
        await pilot.press("escape")
        await pilot.press("q", "y")
        await pilot.pause(0.5)
