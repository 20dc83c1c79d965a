"""Malformed YouTube chat items, as the fake YouTube streams them to our adapter, into a real
SQLite file: a text message without text is no comment (one log line, nobody counted), and a
Super Chat whose amount is not a number is kept without an amount, said plainly."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from adapters.youtube.show import start_show
from fakes.youtube_server import VIEWER, FakeYouTube

NOBODY = {"channelId": "UCemptytextauthor0000001", "displayName": "@x"}


async def test_a_text_message_without_text_is_skipped_and_counts_nobody(
    fake_youtube: FakeYouTube, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_youtube
    caplog.set_level(logging.WARNING, logger="stagehand")
    show = await start_show(fake, tmp_path)
    try:
        fake._post({"type": "textMessageEvent"}, NOBODY, False, False, False, None)
        fake._post(
            {"type": "textMessageEvent", "displayMessage": "", "textMessageDetails": {}},
            NOBODY,
            False,
            False,
            False,
            None,
        )
        fake.say("after the empty ones")
        await show.wait_for_comments(1)
    finally:
        await show.stop()
    rows = show.query(
        "SELECT authors.name, comments.text FROM comments"
        " JOIN authors ON authors.id = comments.author_id"
    )
    assert rows == [{"name": "SynthFan", "text": "after the empty ones"}]
    assert caplog.text.count("Skipped a malformed YouTube chat message (a text message") == 2


async def test_a_super_chat_with_an_amount_that_is_no_number_says_so(
    fake_youtube: FakeYouTube, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fake = fake_youtube
    caplog.set_level(logging.WARNING, logger="stagehand")
    show = await start_show(fake, tmp_path)
    try:
        fake._post(
            {
                "type": "superChatEvent",
                "displayMessage": "x",
                "superChatDetails": {
                    "amountMicros": "notanumber",
                    "currency": "USD",
                    "userComment": "x",
                },
            },
            VIEWER,
            False,
            False,
            False,
            None,
        )
        [comment] = await show.wait_for_comments(1)
    finally:
        await show.stop()
    assert comment.highlight is not None
    assert comment.highlight.amount == 0
    assert comment.highlight.shown == "amount not given"
    [row] = show.query("SELECT highlight_kind, highlight_shown FROM comments")
    assert row == {"highlight_kind": "super_chat", "highlight_shown": "amount not given"}
    assert "amount YouTube did not give as a number" in caplog.text
