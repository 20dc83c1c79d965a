"""Every notice of a host's own action on a platform names the person once: "eve: banned on
Twitch", "@SynthFan: banned on YouTube", "ben: whispered the guest link", never "banned on
YouTube" alone (whom?) nor "ben: ben: ..." (user review 19, finding 9). The real console under
Pilot, the real Twitch and YouTube adapters on their fakes."""

from __future__ import annotations

import asyncio

from conftest import actions_done, open_console, played, screen_text, select
from fakes.twitch_server import settings_for as twitch_settings
from fakes.twitch_server import store_credentials as twitch_credentials
from fakes.youtube_server import settings_for as youtube_settings
from fakes.youtube_server import store_credentials as youtube_credentials
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.adapters.youtube.adapter import YouTubeAdapter
from stagehand.console.widgets.queue import QueueView

SIZE = (120, 30)
LINK = "https://vdo.ninja/?room=whom-test"


async def until(predicate, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def notice_line(app) -> str:
    return screen_text(app).splitlines()[-2].strip()


async def said(pilot, *keys: str) -> str:
    await pilot.press(*keys)
    await actions_done(pilot)
    pilot.app.redraw()
    await pilot.pause()
    return notice_line(pilot.app)


async def test_each_platform_action_names_its_person_once(
    tmp_path, show_file, fake_twitch, fake_youtube, twitch_capture
):
    tokens, _, _ = twitch_credentials(fake_twitch, tmp_path / "tokens.json")
    youtube_tokens, _ = youtube_credentials(fake_youtube, tmp_path / "tokens.json")
    adapters = (
        TwitchAdapter(twitch_settings(fake_twitch), tokens, guest_link=LINK),
        YouTubeAdapter(youtube_settings(fake_youtube), youtube_tokens),
    )
    console = open_console(tmp_path / "show.db", show_file, adapters=adapters)
    app = console.app
    async with app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await fake_twitch.wait_for_subscriptions(1)
        await until(lambda: app.state.connections.get("youtube", ("",))[0] == "connected")
        question = fake_youtube.say("how do you tune the synth filter resonance by ear?")
        queue = app.query_one(QueueView)
        await until(lambda: any(r.comment.id == question["id"] for r in queue.entries))

        select(app, "m5")  # eve, on Twitch
        assert await said(pilot, "m", "3", "y") == "✓ eve: banned on Twitch"
        select(app, "m4")  # dev
        assert await said(pilot, "m", "1", "y") == "✓ dev: message deleted on Twitch"
        select(app, question["id"])
        assert await said(pilot, "m", "3", "y") == "✓ @SynthFan: banned on YouTube"
        fake_twitch.users["102"] = {"id": "102", "login": "ben", "display_name": "ben"}
        select(app, "m2")  # ben
        assert await said(pilot, "p") == "✓ ben: whispered the guest link"
        assert await said(pilot, "e") == "✓ ben is off stage"
        rows = console.db().execute("SELECT outcome FROM host_actions ORDER BY id").fetchall()
        assert ("ok: banned on YouTube",) in rows  # the log's outcome keeps no name
        await pilot.press("q", "y")
        await pilot.pause(0.5)
