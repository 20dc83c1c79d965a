"""YouTube chat into the show: our adapter against the fake YouTube, a real SQLite file."""

from __future__ import annotations

from pathlib import Path

from adapters.youtube.show import start_show
from fakes.youtube_server import (
    MODERATOR,
    OWNER,
    VIDEO_ID,
    VIEWER,
    FakeYouTube,
    decode_token,
)
from stagehand.domain import CommentKind, HighlightKind, Role
from stagehand.events import AuthorRemoved, CommentDeleted, CommentRanked, Notice


async def test_text_super_chat_and_sticker_arrive_ranked_stored_and_shown(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        fake.say("which filter is that, the ladder one?")
        fake.say("welcome all, we start in a minute", OWNER)
        fake.say("please keep it friendly", MODERATOR, moderator=True)
        fake.say("member here, love the build", member=True)
        fake.super_chat("can you show the envelope on the scope?", 5_000_000)
        fake.super_sticker("a dancing cat", 2_000_000, "EUR", "€2.00")
        fake.poll_event()  # not a comment
        comments = await show.wait_for_comments(6)
        await fake.wait_for(lambda: fake.streams_started >= 2)  # the poll had its chance
    finally:
        await show.stop()

    assert [c.text for c in comments] == [
        "which filter is that, the ladder one?",
        "welcome all, we start in a minute",
        "please keep it friendly",
        "member here, love the build",
        "can you show the envelope on the scope?",
        "Super Sticker €2.00 from @SynthFan",
    ]
    viewer = comments[0]
    assert (viewer.platform, viewer.channel) == ("youtube", VIDEO_ID)
    assert (viewer.author.id, viewer.author.name) == (VIEWER["channelId"], "SynthFan")
    assert viewer.author.display_name == "@SynthFan"
    assert comments[1].author.roles == {Role.BROADCASTER}
    assert comments[2].author.roles == {Role.MODERATOR}
    assert comments[3].author.roles == {Role.SUBSCRIBER}
    paid = comments[4].highlight
    assert paid is not None
    assert (paid.kind, paid.amount, paid.currency, paid.shown) == (
        HighlightKind.SUPER_CHAT,
        5.0,
        "USD",
        "$5.00",
    )
    sticker = comments[5].highlight
    assert sticker is not None and sticker.kind is HighlightKind.SUPER_STICKER
    assert (sticker.amount, sticker.currency) == (2.0, "EUR")

    kinds = {
        e.ranked.comment.text: e.ranked.kind for e in show.seen if isinstance(e, CommentRanked)
    }
    assert kinds["which filter is that, the ladder one?"] is CommentKind.COMMENT
    assert kinds["welcome all, we start in a minute"] is CommentKind.HOST
    rows = show.query(
        "SELECT platform, channel, original_text, highlight_kind, highlight_amount,"
        " highlight_currency, highlight_shown FROM comments ORDER BY id"
    )
    assert len(rows) == 6
    assert rows[4] == {
        "platform": "youtube",
        "channel": VIDEO_ID,
        "original_text": "can you show the envelope on the scope?",
        "highlight_kind": "super_chat",
        "highlight_amount": 5.0,
        "highlight_currency": "USD",
        "highlight_shown": "$5.00",
    }
    assert rows[0]["highlight_kind"] is None


async def test_the_first_read_gets_only_the_latest_messages(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """Without a page token YouTube sends the latest messages only (at most 75), not the
    whole chat history."""
    for n in range(100):
        fake.say(f"before the show {n}")
    show = await start_show(fake, tmp_path)
    try:
        comments = await show.wait_for_comments(75)
        fake.say("now live")
        await show.wait_for_comments(76)
    finally:
        await show.stop()
    texts = [c.text for c in show.comments()]
    assert texts[0] == "before the show 25"
    assert texts[-1] == "now live"
    assert len(texts) == 76 == len(set(texts))
    del comments


async def test_every_stream_resumes_from_the_last_page_token_without_duplicates(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """YouTube closes each stream (here after 0.4 s); the next one starts where the last whole
    batch ended. Even when YouTube sends the last message again on resuming (at least once),
    each message reaches the show and the database once."""
    fake.redeliver_on_resume = True
    show = await start_show(fake, tmp_path)
    try:
        for n in range(12):
            fake.say(f"message {n}")
            if n % 3 == 2:
                started = fake.streams_started
                await fake.wait_for(lambda s=started: fake.streams_started > s + 1)
        await show.wait_for_comments(12)
        await fake.wait_for(lambda: fake.streams_started >= 6)
    finally:
        await show.stop()

    assert [c.text for c in show.comments()] == [f"message {n}" for n in range(12)]
    rows = show.query("SELECT count(*) AS n FROM comments")
    assert rows == [{"n": 12}]
    streams = fake.calls_of("liveChatMessages.streamList")
    assert "pageToken" not in streams[0].params
    assert all("pageToken" in call.params for call in streams[1:])
    positions = [decode_token(call.params["pageToken"]) for call in streams[1:]]
    assert positions == sorted(positions)  # never back: no gap, no re-read


async def test_deletions_and_bans_made_on_youtube_leave_the_queue(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        spam = fake.say("free subs at example.com", MODERATOR)
        fake.say("is the VCO 1V/oct?")
        await show.wait_for_comments(2)
        fake.delete_event(spam["id"])
        fake.ban_event(VIEWER, seconds=300)
        await show.wait_for(
            lambda: (
                any(isinstance(e, AuthorRemoved) for e in show.seen)
                and any(isinstance(e, CommentDeleted) for e in show.seen)
            )
        )
    finally:
        await show.stop()
    [deleted] = [e for e in show.seen if isinstance(e, CommentDeleted)]
    assert (deleted.platform, deleted.comment_id) == ("youtube", spam["id"])
    [removed] = [e for e in show.seen if isinstance(e, AuthorRemoved)]
    assert (str(removed.author), removed.why) == (f"youtube:{VIEWER['channelId']}", "timeout")
    rows = show.query("SELECT message_id FROM comments WHERE deleted_at IS NOT NULL")
    assert rows == [{"message_id": spam["id"]}]


async def test_a_ban_youtube_sends_again_on_resuming_is_logged_and_said_once(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """YouTube delivers at least once: a moderator's timeout there that was the last message
    of a stream comes again at the start of the next one. The hosts hear of it once, and the
    log has it once."""
    fake.redeliver_on_resume = True
    show = await start_show(fake, tmp_path)
    try:
        fake.say("buy followers here")
        await show.wait_for_comments(1)
        started = fake.streams_started
        fake.ban_event(VIEWER, seconds=300)  # the last message before the stream closes
        await fake.wait_for(lambda: fake.streams_started > started + 1)  # read again since
        fake.say("still here?", MODERATOR)
        await show.wait_for(lambda: any(c.text == "still here?" for c in show.comments()))
    finally:
        await show.stop()
    said = [e.text for e in show.seen if isinstance(e, Notice) and "timed out" in e.text]
    assert len(said) == 1, said
    logged = show.query("SELECT text, outcome FROM host_actions WHERE action = 'moderate'")
    assert logged == [{"text": "timeout", "outcome": "ok: done on YouTube, not through stagehand"}]
