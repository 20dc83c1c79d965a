"""A notification twitchio cannot read is one line saying what was skipped, never twitchio's
CRITICAL line and traceback; chat goes on."""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

import pytest

from adapters.twitch.test_twitch_adapter import start_show, stop_show
from fakes.twitch_server import FakeTwitch, chat_event


def without_chatter(event: dict) -> dict:
    del event["chatter_user_id"]
    return event


def without_message(event: dict) -> dict:
    event["message"] = None
    return event


@pytest.mark.parametrize("break_it", [without_chatter, without_message])
async def test_a_malformed_chat_notification_is_one_line_naming_the_message(
    fake: FakeTwitch, tmp_path: Path, caplog: pytest.LogCaptureFixture, break_it
) -> None:
    show = await start_show(fake, tmp_path)
    caplog.set_level(logging.INFO)
    try:
        await fake.send_chat(break_it(chat_event(message_id="broken-1")))
        await fake.send_chat(chat_event(message_id="fine"))
        comments = await show.sink.wait_for_comments(1)
        await asyncio.sleep(0.1)
    finally:
        await stop_show(show)
    assert [c.id for c in comments] == ["fine"]  # the show goes on
    said = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert [r.getMessage() for r in said] == [
        "twitch: skipped a malformed channel.chat.message notification (message 'broken-1') "
        f"({'KeyError' if break_it is without_chatter else 'TypeError'}); reading goes on"
    ]
    assert said[0].levelno == logging.WARNING and said[0].exc_info is None
    loud = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not loud, [r.getMessage() for r in loud]  # no CRITICAL, no traceback
