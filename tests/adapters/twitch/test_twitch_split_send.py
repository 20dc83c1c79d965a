"""A long message goes to Twitch in parts; when a later part is refused, the first ones are
already in chat. The host is told which went out, and sending the same text again posts only
the rest, so chat never shows a part twice."""

from __future__ import annotations

import asyncio
from pathlib import Path

from aiohttp import web

from fakes.twitch_server import (
    JSON_BODY,
    FakeTwitch,
    RecordingSink,
    chat_event,
    settings_for,
    store_credentials,
)
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.adapters.twitch.limits import split_message
from stagehand.platform import ConnectionState

ANSWER = " ".join(f"word{i:03d}" for i in range(140))  # about 1,100 characters: 3 parts


async def test_a_refused_later_part_says_what_went_out_and_a_retry_sends_only_the_rest(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    parts = split_message(ANSWER)
    assert len(parts) == 3

    def the_second_part(request: web.Request) -> bool:
        return request[JSON_BODY]["message"] == parts[1]

    store, _bot, _owner = store_credentials(fake, tmp_path / "tokens.json")
    adapter = TwitchAdapter(settings_for(fake), store)
    sink = RecordingSink()
    running = asyncio.create_task(adapter.run(sink))
    try:
        await sink.wait_for(lambda: sink.state is ConnectionState.CONNECTED)
        await fake.send_chat(chat_event(message_id="q-1", text="explain the ladder filter?"))
        [question] = await sink.wait_for_comments(1)
        fake.fail_next("POST", "chat/messages", 429, "Too Many Requests", when=the_second_part)

        refused = await adapter.reply(question, ANSWER)
        retried = await adapter.reply(question, ANSWER)  # the host sends the same text again

        await sink.wait_for(lambda: len(fake.echoed) >= 3)
        await asyncio.sleep(0.2)  # room for a part to (wrongly) reach chat twice
    finally:
        await adapter.close()
        async with asyncio.timeout(5):
            await running

    assert not refused.ok
    assert refused.message.startswith("only part 1 of 3 reached Twitch chat; part 2 failed")
    assert "429" in refused.message
    assert refused.hint == "sending the same text again posts only parts 2-3"
    assert retried.ok and retried.message == "sent the rest to Twitch chat (parts 2-3 of 3)"
    posted = [r.json for r in fake.requests_to("POST", "chat/messages")]
    assert [p["message"] for p in posted] == [parts[0], parts[1], parts[1], parts[2]]
    assert {p["reply_parent_message_id"] for p in posted} == {"q-1"}  # still threaded
    assert [e["message"]["text"] for e in fake.echoed] == parts  # chat shows each part once
