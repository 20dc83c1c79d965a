"""The guest link is private: whispered on Twitch, posted in public chat only when configured.

Real twitchio against the fake Twitch, whose `POST /helix/whispers` answers with the codes and
messages of Twitch's reference; the live show and the chat commands are the real ones.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import sqlite_utils

from fakes.twitch_server import (
    BOT,
    BROADCASTER,
    CHATTER,
    FakeTwitch,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.config import Settings, load_settings
from stagehand.config.example import render_example
from stagehand.events import CoreEvent, Notice
from stagehand.session import open_show
from stagehand.show.live import LiveShow

LINK = "https://vdo.ninja/?room=private-synth-room"


class LiveTwitch:
    """A live show with the real Twitch adapter and chat commands, against the fake."""

    def __init__(self, live: LiveShow, fake: FakeTwitch, running: asyncio.Task[None]) -> None:
        self.live = live
        self.fake = fake
        self.running = running
        self.events: list[CoreEvent] = []
        live.add_listener(self.events.append)

    def chat_posts(self) -> list[str]:
        return [r.json["message"] for r in self.fake.requests_to("POST", "chat/messages")]

    def notices(self) -> list[Notice]:
        return [e for e in self.events if isinstance(e, Notice)]

    async def comment(self, message_id: str, **event) -> None:
        """Send a chat line and wait until the show knows it: ranked (in the ranker's worker
        process, which a first comment may wait for), not only accepted."""
        await self.fake.send_chat(chat_event(message_id=message_id, **event))
        async with asyncio.timeout(5):
            while self.live.find_comment("twitch", message_id) is None:
                await asyncio.sleep(0.02)


@pytest.fixture
async def show(fake: FakeTwitch, tmp_path: Path, request) -> AsyncIterator[LiveTwitch]:
    changes = getattr(request, "param", {})
    store, _, _ = store_credentials(fake, tmp_path / "tokens.json")
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="friday",
        adapters=[TwitchAdapter(settings_for(fake, **changes), store, guest_link=LINK)],
    )
    running = asyncio.create_task(live.run_adapters())
    await fake.wait_for_subscriptions(1)
    show = LiveTwitch(live, fake, running)
    yield show
    await live.drain()
    assert await live.close()
    async with asyncio.timeout(5):
        await running


async def pull(show: LiveTwitch) -> object:
    await show.comment("hand-1", text="can I come on and show my patch?")
    comment = show.live.find_comment("twitch", "hand-1")
    assert comment is not None
    return await show.live.pull_on_stage(comment)


async def test_by_default_the_link_is_whispered_never_posted(show: LiveTwitch) -> None:
    result = await pull(show)
    assert result.ok, result.message
    [whisper] = show.fake.requests_to("POST", "whispers")
    assert whisper.query == {"from_user_id": BOT["id"], "to_user_id": CHATTER["id"]}
    assert LINK in whisper.json["message"]
    assert not any(LINK in text for text in show.chat_posts())
    assert [s.author.id for s in show.live.on_stage] == [CHATTER["id"]]


async def test_a_refused_whisper_says_why_and_asks_the_host_to_send_it_another_way(
    show: LiveTwitch,
) -> None:
    show.fake.whisper_blockers.add(CHATTER["id"])  # "Block Whispers from Strangers"
    result = await pull(show)
    assert not result.ok
    assert "does not accept whispers from strangers" in result.message
    assert "another way" in result.hint
    assert show.live.on_stage == ()  # nobody was invited, nobody is on stage
    assert not any(LINK in text for text in show.chat_posts())
    [notice] = show.notices()
    assert "strangers" in notice.text and "another way" in notice.text
    assert notice.level == "warning"


async def test_a_bot_without_a_verified_phone_cannot_whisper(show: LiveTwitch) -> None:
    show.fake.unverified_phones.add(BOT["id"])
    result = await pull(show)
    assert not result.ok
    assert "verified phone number" in result.message
    assert "run `stagehand auth twitch`" not in result.message  # not a token problem
    assert not any(LINK in text for text in show.chat_posts())


@pytest.mark.parametrize("show", [{"guest_star": True}], indirect=True)
async def test_a_failed_guest_star_invite_keeps_the_guest_on_stage_and_the_hint_off_chat(
    show: LiveTwitch,
) -> None:
    # No Stream Together session is running: Guest Star fails, the whisper went out.
    await show.comment("hand-1", text="can I come on?")
    await show.comment("mod-1", text=f"!stage @{CHATTER['login']}", chatter=BROADCASTER)
    await show.live.drain()
    assert [s.author.id for s in show.live.on_stage] == [CHATTER["id"]]
    assert len(show.fake.requests_to("POST", "whispers")) == 1
    posts = show.chat_posts()
    assert posts == [f"Invited @{CHATTER['login']} on stage."]  # the bot's only word in chat
    hints = [n for n in show.notices() if "Stream Together" in n.text]
    assert hints and hints[0].level == "warning"
    db = sqlite_utils.Database(show.live.db_path)
    await asyncio.to_thread(show.live.flush)
    [outcome] = [
        row["outcome"]
        for row in db.query("SELECT outcome FROM host_actions WHERE action = ?", ["stage_start"])
    ]
    assert outcome.startswith("ok:") and "Stream Together" in outcome


@pytest.mark.parametrize("show", [{"invite_via": "public_chat"}], indirect=True)
async def test_posting_the_link_in_public_chat_is_an_explicit_choice(show: LiveTwitch) -> None:
    result = await pull(show)
    assert result.ok, result.message
    assert show.chat_posts() == [
        f"@{CHATTER['display_name']} you're invited on stage! Join here: {LINK}"
    ]
    assert not show.fake.requests_to("POST", "whispers")


def test_the_old_chat_setting_is_refused_with_the_new_name(tmp_path: Path) -> None:
    config = tmp_path / "stagehand.toml"
    config.write_text('[twitch]\ninvite_via = "chat"\n', encoding="utf-8")
    with pytest.raises(Exception) as refused:
        load_settings(config, required=True)
    message = str(refused.value)
    assert "invite_via" in message and '"public_chat"' in message and "whisper" in message


def test_the_example_config_documents_the_risk() -> None:
    example = render_example()
    assert 'invite_via = "whisper"' in example
    assert "anyone in chat" in example
