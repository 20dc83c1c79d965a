"""A reply to a row asked on several platforms, with the real Twitch, Discord and YouTube
adapters on their fakes: when one platform refuses, the notice leads with what reached chat and
what did not, and sending the same text again goes only where it did not (user review 19,
finding 1)."""

from __future__ import annotations

import asyncio

from textual.events import Paste
from textual.widgets import Input, Static

from conftest import actions_done, open_console, played, screen_text
from fakes.discord_server import adapter_settings
from fakes.twitch_server import BOT, chat_event
from fakes.twitch_server import settings_for as twitch_settings
from fakes.twitch_server import store_credentials as twitch_credentials
from fakes.youtube_server import settings_for as youtube_settings
from fakes.youtube_server import store_credentials as youtube_credentials
from stagehand.adapters.discord.adapter import DiscordAdapter
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.adapters.youtube.adapter import YouTubeAdapter
from stagehand.console.widgets.queue import QueueView

SIZE = (100, 30)
QUESTION = "which oscillator chip are you using for the synth voice tonight?"


async def until(predicate, timeout: float = 10.0) -> None:
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.02)


def discord_posts(fake) -> list[str]:
    return [r.json["content"] for r in fake.requests_to("POST", r"/channels/\d+/messages")]


async def test_a_half_failed_row_reply_says_what_reached_chat_and_a_resend_goes_only_where_not(
    tmp_path, show_file, fake_twitch, fake_discord, fake_youtube, discord_payloads
):
    tokens, _, _ = twitch_credentials(fake_twitch, tmp_path / "tokens.json")
    youtube_tokens, _ = youtube_credentials(fake_youtube, tmp_path / "tokens.json")
    adapters = (
        TwitchAdapter(twitch_settings(fake_twitch), tokens),
        DiscordAdapter(adapter_settings(fake_discord), tokens, guild_ready_timeout=0.05),
        YouTubeAdapter(youtube_settings(fake_youtube), youtube_tokens),
    )
    console = open_console(tmp_path / "show.db", show_file, adapters=adapters)
    app = console.app
    async with app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await fake_twitch.wait_for_subscriptions(1)
        connected = lambda: all(  # noqa: E731
            app.state.connections.get(p, ("",))[0] == "connected"
            for p in ("twitch", "discord", "youtube")
        )
        await until(connected)
        await fake_twitch.send_chat(chat_event(message_id="tw-1", text=QUESTION))
        await fake_discord.dispatch("MESSAGE_CREATE", fake_discord.message(content=QUESTION))
        fake_youtube.say(QUESTION)
        queue = app.query_one(QueueView)
        row = lambda: next(  # noqa: E731
            (r for r in queue.entries if r.comment.id == "tw-1"), None
        )
        await until(lambda: row() is not None and len(queue.askers_of(row())) >= 3)
        fake_twitch.revoke(BOT["id"])  # the bot's token is revoked: Twitch refuses the reply
        queue.select(queue.entries.index(row()))
        await pilot.press("r", *"the AS3340", "enter")
        await actions_done(pilot)
        app.redraw()
        await pilot.pause()
        line = screen_text(app).splitlines()[-2].strip()
        assert line.startswith("! Reached Discord and YouTube chat; Twitch failed:"), line
        assert len(discord_posts(fake_discord)) == 1
        assert len(fake_youtube.posted()) == 1

        queue.select(queue.entries.index(row()))  # the host sends it again
        await pilot.press("r", *"the AS3340", "enter")
        await actions_done(pilot)
        app.redraw()
        await pilot.pause()
        line = screen_text(app).splitlines()[-2].strip()
        assert line.startswith("! Already reached Discord and YouTube chat, not sent there again")
        said = app.state.notices[-1].text
        assert "Twitch failed: Twitch no longer accepts stagehandbot's token" in said
        assert "sending the same text again posts only to Twitch chat" in said
        assert "Reply to nerixyz and 2 others who asked the same: " in said  # no "@-naming the 0"
        assert len(discord_posts(fake_discord)) == 1  # nobody there reads it twice
        assert len(fake_youtube.posted()) == 1
        await pilot.press("q", "y")
        await pilot.pause(0.5)


LONG = " ".join(f"filter{n:02d} sweep" for n in range(63))[:889]  # 889 characters
MEDIUM = " ".join(f"envelope{n:02d}" for n in range(33))[:360]  # 360 characters


async def paste(pilot, text: str) -> None:
    """A terminal paste into the open reply box (how a long reply is typed)."""
    pilot.app.screen.query_one(Input).post_message(Paste(text))
    await pilot.pause()


def fit_line(app) -> str:
    """What the reply box says each platform will make of the reply (on screen, maybe wrapped)."""
    fit = app.screen.query_one("#reply-fit", Static)
    assert fit.display and fit.region.height  # shown
    return " ".join(str(fit.render()).split())


async def test_a_long_reply_goes_whole_to_twitch_in_parts_and_what_youtube_cuts_is_said(
    tmp_path, show_file, fake_twitch, fake_youtube
):
    tokens, _, _ = twitch_credentials(fake_twitch, tmp_path / "tokens.json")
    youtube_tokens, _ = youtube_credentials(fake_youtube, tmp_path / "tokens.json")
    adapters = (
        TwitchAdapter(twitch_settings(fake_twitch), tokens),
        YouTubeAdapter(youtube_settings(fake_youtube), youtube_tokens),
    )
    console = open_console(tmp_path / "show.db", show_file, adapters=adapters)
    app = console.app
    async with app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await fake_twitch.wait_for_subscriptions(1)
        connected = lambda: all(  # noqa: E731
            app.state.connections.get(p, ("",))[0] == "connected" for p in ("twitch", "youtube")
        )
        await until(connected)
        await fake_twitch.send_chat(chat_event(message_id="tw-1", text=QUESTION))
        said = fake_youtube.say("how do you tune the synth filter resonance by ear?")
        queue = app.query_one(QueueView)

        def row_of(message_id: str):
            return next((r for r in queue.entries if r.comment.id == message_id), None)

        await until(lambda: row_of("tw-1") is not None and row_of(said["id"]) is not None)

        queue.select(queue.entries.index(row_of("tw-1")))
        await pilot.press("r")
        await paste(pilot, LONG)
        assert app.screen.query_one(Input).value == LONG  # nothing cut in the box
        assert fit_line(app) == "889 characters: Twitch: 2 messages"
        await pilot.press("enter")
        await actions_done(pilot)
        posted = [r.json["message"] for r in fake_twitch.requests_to("POST", "chat/messages")]
        assert len(posted) == 2 and " ".join(posted) == LONG  # the whole reply, in two parts
        assert app.state.notices[-1].text == "sent to Twitch chat in 2 parts"

        queue.select(queue.entries.index(row_of(said["id"])))
        await pilot.press("r")
        await paste(pilot, MEDIUM)
        assert fit_line(app) == (
            "360 characters: YouTube: cut to 200 characters (its limit, the @handle included)"
        )
        await pilot.press("enter")
        await actions_done(pilot)
        [sent] = fake_youtube.posted()
        assert len(sent.body["snippet"]["textMessageDetails"]["messageText"]) <= 200
        app.redraw()
        await pilot.pause()
        line = screen_text(app).splitlines()[-2].strip()
        assert line.startswith("! sent to YouTube chat; cut to 200 characters on YouTube"), line
        assert app.state.notices[-1].text.endswith(" did not go out")
        await pilot.press("q", "y")
        await pilot.pause(0.5)
