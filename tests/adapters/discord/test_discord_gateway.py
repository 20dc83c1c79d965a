"""The gateway connection: identify, resume after a drop, bad events, refused intents and tokens."""

from __future__ import annotations

import logging

from fakes.discord_server import (
    APP_ID,
    FakeDiscord,
    RecordingSink,
    running_adapter,
)
from stagehand.adapters.discord.adapter import DiscordAdapter
from stagehand.config.discord import DiscordSettings
from stagehand.tokens import TokenStore

TOKEN = "MTEwMDAw.fake.bot-token"


async def test_identify_asks_for_exactly_the_intents_it_needs(fake, sink, tokens, caplog):
    caplog.set_level(logging.DEBUG)
    async with running_adapter(fake, sink, tokens):
        [identify] = fake.sent_ops(2)
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="hello"))
        await sink.wait_until(lambda: sink.comments)
    guilds, guild_messages, voice_states, message_content = 1 << 0, 1 << 9, 1 << 7, 1 << 15
    moderation = 1 << 2  # bans made in the server (not privileged)
    assert identify["d"]["intents"] == (
        guilds | guild_messages | voice_states | message_content | moderation
    )
    assert identify["d"]["token"] == TOKEN
    assert fake.requests[0].headers["Authorization"] == f"Bot {TOKEN}"
    assert sink.states[0][1] == "connecting"
    assert sink.states[1][1:] == ("connected", "Stagehand Test Server as stagehand-bot")
    assert TOKEN not in caplog.text  # not even in discord.py's debug log


async def test_a_dropped_gateway_resumes_without_losing_messages(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens):
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="before the drop"))
        await sink.wait_until(lambda: sink.comments)
        await fake.drop_socket()
        # Sent while the socket is down: Discord replays these on RESUME.
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="during the drop"))
        [resume] = await fake.wait_for_op(6)
        await sink.wait_until(lambda: len(sink.comments) >= 2)
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="after the resume"))
        await sink.wait_until(lambda: len(sink.comments) >= 3)
        await sink.wait_until(lambda: sink.states[-1][2] == "resumed")

    assert resume["d"]["session_id"] == "session-1"
    assert resume["d"]["seq"] == 3  # READY, GUILD_CREATE, the first message
    assert resume["d"]["token"] == TOKEN
    assert len(fake.sent_ops(2)) == 1  # resumed, not identified again
    assert [c.text for c in sink.comments] == [
        "before the drop",
        "during the drop",
        "after the resume",
    ]
    assert ("discord", "reconnecting", "gateway connection lost; resuming") in sink.states


async def test_op_7_reconnect_resumes_the_session(fake, sink, tokens):
    async with running_adapter(fake, sink, tokens):
        await fake.request_reconnect()
        await fake.wait_for_op(6)
        await sink.wait_until(lambda: sink.states[-1][2] == "resumed")
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="still here"))
        await sink.wait_until(lambda: sink.comments)
    assert sink.comments[0].text == "still here"


async def test_a_malformed_dispatch_is_skipped_and_the_show_goes_on(fake, sink, tokens, caplog):
    async with running_adapter(fake, sink, tokens):
        bad = fake.message(content="broken")
        del bad["channel_id"]
        await fake.dispatch("MESSAGE_CREATE", bad)
        await fake.dispatch("MESSAGE_CREATE", None)
        await fake.dispatch("VOICE_STATE_UPDATE", {"user_id": "nope"})
        await fake.dispatch("SOMETHING_DISCORD_ADDS_NEXT_YEAR", {"x": 1})
        await fake.dispatch("MESSAGE_CREATE", fake.message(content="fine"))
        await sink.wait_until(lambda: sink.comments)

    assert [c.text for c in sink.comments] == ["fine"]
    assert len(fake.sent_ops(2)) == 1 and not fake.sent_ops(6)  # the connection never broke
    assert "skipped a malformed MESSAGE_CREATE event" in caplog.text


async def test_a_frame_that_is_not_json_is_skipped_and_the_session_goes_on(
    fake, sink, tokens, caplog
):
    """discord.py lets an undecodable gateway frame escape `Client.start`: a fresh login, and
    what was said meanwhile lost. It costs one log line now; the same session reads on."""
    async with running_adapter(fake, sink, tokens):
        await fake.send_raw("garbage{")
        for text in ("one", "two", "discord still reading after garbage?"):
            await fake.dispatch("MESSAGE_CREATE", fake.message(content=text))
        await sink.wait_until(lambda: len(sink.comments) == 3)

    assert [c.text for c in sink.comments] == ["one", "two", "discord still reading after garbage?"]
    assert len(fake.sent_ops(2)) == 1 and not fake.sent_ops(6)  # the connection never broke
    assert len(fake.sessions) == 1
    assert "skipped a gateway frame that is not JSON" in caplog.text
    assert "Traceback" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_refused_message_content_intent_is_a_clear_message(tokens, caplog):
    caplog.set_level(logging.DEBUG, logger="stagehand")
    sink = RecordingSink()
    async with (
        FakeDiscord(message_content_enabled=False) as fake,
        running_adapter(fake, sink, tokens, connected=False),
    ):
        await sink.wait_until(lambda: sink.last_state == "failed")
    assert fake.close_codes_sent == [4014]
    assert [state for _, state, _ in sink.states] == ["connecting", "failed"]
    detail = sink.states[-1][2]
    assert "Message Content Intent" in detail
    assert f"https://discord.com/developers/applications/{APP_ID}/bot" in detail
    ours = [r for r in caplog.records if r.name.startswith("stagehand")]
    assert any("Message Content Intent" in r.getMessage() for r in ours)
    assert all(r.exc_info is None for r in ours)  # a message, not a traceback
    assert "Traceback" not in caplog.text


async def test_a_refused_token_says_how_to_fix_it(fake, sink, tokens):
    fake.fail("GET", "/users/@me", 401, 0, "401: Unauthorized")
    async with running_adapter(fake, sink, tokens, connected=False):
        await sink.wait_until(lambda: sink.last_state == "failed")
    assert "refused the bot token" in sink.states[-1][2]
    assert "stagehand auth discord" in sink.states[-1][2]
    assert TOKEN not in str(sink.states)


async def test_a_token_refused_by_the_gateway_is_not_retried_forever(fake, sink, tokens):
    fake.identify_close_code = 4004
    async with running_adapter(fake, sink, tokens, connected=False):
        await sink.wait_until(lambda: sink.last_state == "failed")
    assert fake.close_codes_sent == [4004]
    assert "refused the bot token" in sink.states[-1][2]


async def test_no_token_anywhere_says_where_to_put_one(tmp_path):
    sink = RecordingSink()
    adapter = DiscordAdapter(DiscordSettings(guild_id=1), TokenStore(tmp_path / "none.json"))
    await adapter.run(sink)
    assert sink.states == [
        (
            "discord",
            "failed",
            "no bot token: set STAGEHAND_DISCORD_TOKEN or run `stagehand auth discord`",
        )
    ]


async def test_the_token_store_is_used_when_the_config_has_none(fake, sink, tmp_path):
    store = TokenStore(tmp_path / "tokens.json")
    store.set("discord", {"token": "stored.token.value"})
    async with running_adapter(fake, sink, store.path, token=None):
        pass
    assert fake.sent_ops(2)[0]["d"]["token"] == "stored.token.value"


async def test_an_unreachable_discord_is_retried(tokens):
    sink = RecordingSink()
    async with FakeDiscord() as fake:
        fake.fail("GET", "/users/@me", 400, 0, "flaky", times=2)
        async with running_adapter(fake, sink, tokens):
            pass
    states = [s for _, s, _ in sink.states]
    assert states[:3] == ["connecting", "reconnecting", "reconnecting"]
    assert "connected" in states and states[-1] == "disconnected"
