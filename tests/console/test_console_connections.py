"""What the header and the notices say of a live platform's connection beyond "connected", with
the real Twitch adapter on the fake Twitch."""

from __future__ import annotations

import asyncio

from conftest import actions_done, open_console, played, screen_text
from fakes.twitch_server import BOT, settings_for, store_credentials
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.console.widgets.queue import QueueView

SIZE = (160, 36)
FIX = "run `stagehand auth twitch` and log in as stagehandbot"


async def until(predicate, timeout: float = 5.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


async def test_a_bot_token_revoked_mid_show_says_the_fix_and_the_header_says_so(
    tmp_path, show_file, fake_twitch
):
    store, _, _ = store_credentials(fake_twitch, tmp_path / "tokens.json")
    twitch = TwitchAdapter(settings_for(fake_twitch), store)
    console = open_console(tmp_path / "show.db", show_file, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await fake_twitch.wait_for_subscriptions(1)
        await until(lambda: console.app.state.connections.get("twitch", ("",))[0] == "connected")
        fake_twitch.revoke(BOT["id"])  # the bot account disconnected stagehand on Twitch
        queue = console.app.query_one(QueueView)
        queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == "m2"))
        await pilot.press("r", *"saw, always", "enter")
        await actions_done(pilot)
        console.app.redraw()
        await pilot.pause()
        screen = screen_text(console.app)
        assert f"Twitch no longer accepts stagehandbot's token: {FIX}" in screen
        assert "Invalid refresh token" not in screen
        assert "twitch ◐ limited" in screen.splitlines()[1]
        said = [n.text for n in console.app.state.notices if "replies and guest links" in n.text]
        assert len(said) == 1 and FIX in said[0] and "chat is still read" in said[0]
        await pilot.press("q", "y")
        await pilot.pause(0.5)
