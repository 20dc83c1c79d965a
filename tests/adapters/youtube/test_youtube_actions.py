"""Replies, invitations and moderation out to the fake YouTube, as the host does them."""

from __future__ import annotations

import asyncio
from pathlib import Path

from adapters.youtube.show import Running, start_show
from fakes.youtube_server import CHAT_ID, SCOPE_READONLY, VIEWER, FakeYouTube
from stagehand.config import Settings
from stagehand.domain import Comment, ModerationKind
from stagehand.events import CommandHandled, Notice


async def _viewer_comment(show: Running, text: str) -> Comment:
    fake = show.fake
    fake.say(text)
    await show.wait_for(lambda: any(c.text == text for c in show.comments()))
    return next(c for c in show.comments() if c.text == text)


async def test_a_reply_is_a_chat_message_starting_with_the_handle_and_its_echo_is_no_comment(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        comment = await _viewer_comment(show, "what resistor for the LED?")
        result = await show.live.reply(comment, "1k is plenty, 2.2k if it's too bright")
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started + 1)  # the echo came back
    finally:
        await show.stop()
    assert result.ok, result.message
    [sent] = fake.posted()
    assert sent.body == {
        "snippet": {
            "liveChatId": CHAT_ID,
            "type": "textMessageEvent",
            "textMessageDetails": {
                "messageText": "@SynthFan 1k is plenty, 2.2k if it's too bright"
            },
        }
    }
    assert sent.params == {"part": "snippet"}
    # YouTube shows the bot's own message in the chat it reads: not a viewer's comment.
    assert [c.text for c in show.comments()] == ["what resistor for the LED?"]


async def test_a_long_reply_is_cut_to_youtubes_200_characters(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        comment = await _viewer_comment(show, "explain the ladder filter?")
        result = await show.live.reply(comment, "four transistor pairs " * 30)
    finally:
        await show.stop()
    assert result.ok, result.message
    text = fake.posted()[0].body["snippet"]["textMessageDetails"]["messageText"]
    assert len(text) <= 200 and text.endswith("…") and text.startswith("@SynthFan four")


async def test_pulling_a_viewer_on_stage_posts_the_public_invite_never_the_guest_link(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path, guest_link="https://vdo.ninja/?room=private-synth")
    try:
        comment = await _viewer_comment(show, "can I come on and show my build?")
        result = await show.live.pull_on_stage(comment)
        assert show.live.is_on_stage(comment.author.key)
    finally:
        await show.stop()
    assert result.ok, result.message
    [sent] = fake.posted()
    text = sent.body["snippet"]["textMessageDetails"]["messageText"]
    assert text.startswith("@SynthFan you're invited on stage!")
    assert "vdo.ninja" not in text and "private-synth" not in text
    assert "YouTube has no private messages" in result.hint


async def test_an_invite_text_holding_the_guest_link_is_not_posted(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    link = "https://vdo.ninja/?room=private-synth"
    show = await start_show(
        fake, tmp_path, guest_link=link, stage_invite_text=f"@{{name}} join at {link}"
    )
    try:
        comment = await _viewer_comment(show, "me me me")
        result = await show.live.pull_on_stage(comment)
    finally:
        await show.stop()
    assert not result.ok
    assert "private guest link" in result.message
    assert fake.posted() == []
    assert not show.live.is_on_stage(comment.author.key)


async def test_delete_timeout_ban_and_undoing_the_ban(fake: FakeYouTube, tmp_path: Path) -> None:
    show = await start_show(fake, tmp_path)
    try:
        spam = await _viewer_comment(show, "cheap subs here")
        deleted = await show.live.moderate(spam, ModerationKind.DELETE)
        timed_out = await show.live.moderate(spam, ModerationKind.TIMEOUT, duration_seconds=600)
        banned = await show.live.moderate(spam, ModerationKind.BAN)
        undone = await show.live.undo(banned.key)
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started + 1)  # the bans came back
    finally:
        await show.stop()
    # YouTube echoes stagehand's own bans into the chat: not news "from a moderator there".
    said = [e.text for e in show.seen if isinstance(e, Notice)]
    assert not any("by a moderator there" in text for text in said), said
    assert deleted.ok and timed_out.ok and banned.ok, (deleted, timed_out, banned)
    assert undone.ok, undone.message
    [delete] = fake.calls_of("liveChatMessages.delete")
    assert delete.params == {"id": spam.id}
    temporary, permanent = fake.calls_of("liveChatBans.insert")
    assert temporary.body["snippet"] == {
        "liveChatId": CHAT_ID,
        "type": "temporary",
        "bannedUserDetails": {"channelId": VIEWER["channelId"]},
        "banDurationSeconds": "600",
    }
    assert permanent.body["snippet"]["type"] == "permanent"
    assert "banDurationSeconds" not in permanent.body["snippet"]
    [lifted] = fake.calls_of("liveChatBans.delete")
    assert lifted.status == 200  # answered (204 No Content on the wire)
    assert fake.bans and all(b["snippet"]["type"] == "temporary" for b in fake.bans.values())


async def test_a_read_only_show_reads_but_never_acts(fake: FakeYouTube, tmp_path: Path) -> None:
    show = await start_show(fake, tmp_path, token_scopes=[SCOPE_READONLY], read_only=True)
    try:
        comment = await _viewer_comment(show, "hello from a read-only show")
        reply = await show.live.reply(comment, "hi")
        delete = await show.live.moderate(comment, ModerationKind.DELETE)
    finally:
        await show.stop()
    assert not reply.ok and "read_only" in reply.message
    assert not delete.ok
    assert fake.posted() == [] and fake.calls_of("liveChatMessages.delete") == []


async def test_chat_commands_from_youtube_are_answered_in_youtube_chat(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path, settings=Settings(), commands=True)
    try:
        fake.say("!help")
        await show.wait_for(lambda: any(isinstance(e, CommandHandled) for e in show.seen))
        await fake.wait_for(lambda: len(fake.posted()) == 1)
        await asyncio.sleep(0.2)
    finally:
        await show.stop()
    [handled] = [e for e in show.seen if isinstance(e, CommandHandled)]
    assert handled.command == "help"
    text = fake.posted()[0].body["snippet"]["textMessageDetails"]["messageText"]
    assert text.startswith("@SynthFan ")
    assert "!ask" in text
