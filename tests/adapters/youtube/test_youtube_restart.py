"""A YouTube show quit and run again (the same show name, the same SQLite file): YouTube's chat
backlog is not read as news a second time. What the first run heard (a moderator's timeout
there), did (the hosts' own ban, echoed by YouTube) and posted (a reply, echoed into the chat)
is neither logged, said nor stored again; a message sent while the show was down still comes in.
Also when YouTube refuses the saved position and sends its backlog instead, and for a reply
posted just before quitting, whose echo YouTube shows only after the show stopped reading.
Our adapter against the fake YouTube, a real SQLite file."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.youtube.show import Running, start_show
from fakes.youtube_server import MODERATOR, FakeYouTube
from stagehand.domain import ModerationKind
from stagehand.events import Notice

TROLL = {"channelId": "UCtroll0000000000000000", "displayName": "@TrollFace"}


async def test_a_restarted_show_does_not_hear_youtubes_backlog_again(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        fake.say("which filter is that?")
        fake.say("buy followers here", TROLL)
        await show.wait_for_comments(2)
        asked, troll = show.comments()
        assert (await show.live.reply(asked, "a 24 dB ladder filter")).ok
        assert (await show.live.moderate(troll, ModerationKind.BAN)).ok
        fake.ban_event(MODERATOR, seconds=300)  # a moderator there times someone out
        await show.wait_for(lambda: any("timed out on YouTube" in n for n in _said(show)))
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started)  # the echoes were read
    finally:
        await show.stop()
    before = show.query("SELECT action, text, outcome FROM host_actions ORDER BY id")
    assert [r["action"] for r in before].count("moderate") == 2, before

    fake.say("missed while you were away?")  # said while the show is down
    again = await start_show(fake, tmp_path, db_path=show.db_path)
    try:
        await again.wait_for(
            lambda: any(c.text == "missed while you were away?" for c in again.comments())
        )
        fake.say("back now")
        await again.wait_for(lambda: any(c.text == "back now" for c in again.comments()))
    finally:
        await again.stop()
    after = again.query("SELECT action, text, outcome FROM host_actions ORDER BY id")
    assert after == before
    assert not any("timed out on YouTube" in n for n in _said(again)), _said(again)
    hosts = again.query("SELECT text FROM comments WHERE kind = 'host'")
    assert hosts == []
    texts = [r["text"] for r in again.query("SELECT text FROM comments ORDER BY id")]
    assert texts == [
        "which filter is that?",
        "buy followers here",
        "missed while you were away?",
        "back now",
    ]


def _said(show: Running) -> list[str]:
    return [e.text for e in show.seen if isinstance(e, Notice)]


async def test_a_restart_whose_saved_position_youtube_refuses_hears_no_backlog_again(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """YouTube refuses the saved position (400 pageTokenInvalid, as after a long gap) and the
    run again reads from the newest messages, which come with YouTube's backlog: what the first
    run heard, did and posted is not logged, said or stored again, as with the position."""
    show = await start_show(fake, tmp_path)
    try:
        fake.say("which filter is that?")
        fake.say("buy followers here", TROLL)
        await show.wait_for_comments(2)
        asked, troll = show.comments()
        assert (await show.live.reply(asked, "a 24 dB ladder filter")).ok
        assert (await show.live.moderate(troll, ModerationKind.BAN)).ok
        fake.ban_event(MODERATOR, seconds=300)
        await show.wait_for(lambda: any("timed out on YouTube" in n for n in _said(show)))
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started)
    finally:
        await show.stop()
    before = show.query("SELECT action, text, outcome FROM host_actions ORDER BY id")

    fake.expire_page_tokens()  # the saved position is refused: YouTube sends its backlog
    fake.say("missed while you were away?")
    again = await start_show(fake, tmp_path, db_path=show.db_path)
    try:
        await again.wait_for(
            lambda: any(c.text == "missed while you were away?" for c in again.comments())
        )
        fake.say("back now")
        await again.wait_for(lambda: any(c.text == "back now" for c in again.comments()))
    finally:
        await again.stop()
    refused = [c for c in fake.calls_of("liveChatMessages.streamList") if c.status == 400]
    assert [c.reason for c in refused] == ["pageTokenInvalid"]
    assert again.query("SELECT action, text, outcome FROM host_actions ORDER BY id") == before
    said = _said(again)
    assert not any("on YouTube" in n for n in said), said  # no ban announced again
    assert any("pageTokenInvalid" in n for n in said), said  # what may be missing is said
    assert again.query("SELECT text FROM comments WHERE kind = 'host'") == []
    assert [r["text"] for r in again.query("SELECT text FROM comments ORDER BY id")] == [
        "which filter is that?",
        "buy followers here",
        "missed while you were away?",
        "back now",
    ]


async def test_a_reply_whose_echo_comes_after_quitting_is_not_a_host_line_when_run_again(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """The host replies and quits at once: YouTube answers the insert, and shows the reply in
    its chat only a moment later, after the show stopped reading. The run again reads on from
    the saved position, which is before the echo: the echo is stagehand's own reply (known by
    the id YouTube gave it, kept with the show), not a line the host typed."""
    fake.echo_delay = 0.5
    show = await start_show(fake, tmp_path)
    try:
        fake.say("which filter is that?")
        [asked] = await show.wait_for_comments(1)
        assert (await show.live.reply(asked, "a 24 dB ladder filter")).ok
    finally:
        await show.stop()
    await fake.wait_for(
        lambda: any(
            m["snippet"].get("displayMessage", "").endswith("a 24 dB ladder filter")
            for m in fake.log
        )
    )

    again = await start_show(fake, tmp_path, db_path=show.db_path)
    try:
        fake.say("thanks!")
        await again.wait_for(lambda: any(c.text == "thanks!" for c in again.comments()))
    finally:
        await again.stop()
    assert not any("ladder" in c.text for c in again.comments()), again.comments()
    assert again.query("SELECT text FROM comments WHERE kind = 'host'") == []
    assert [r["text"] for r in again.query("SELECT text FROM comments ORDER BY id")] == [
        "which filter is that?",
        "thanks!",
    ]


async def test_a_ban_whose_echo_comes_after_quitting_is_not_a_moderators_when_run_again(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """The host bans a troll and quits at once: YouTube shows the ban in its chat a moment
    later, after the show stopped reading. The run again reads it from the saved position: it
    is the hosts' own ban (logged once, as theirs), not one "done on YouTube" by a moderator
    there, and nothing is announced."""
    fake.echo_delay = 0.5
    show = await start_show(fake, tmp_path)
    try:
        fake.say("buy followers here", TROLL)
        [troll] = await show.wait_for_comments(1)
        assert (await show.live.moderate(troll, ModerationKind.BAN)).ok
    finally:
        await show.stop()
    await fake.wait_for(lambda: any(m["snippet"]["type"] == "userBannedEvent" for m in fake.log))

    again = await start_show(fake, tmp_path, db_path=show.db_path)
    try:
        fake.say("hello")
        await again.wait_for(lambda: any(c.text == "hello" for c in again.comments()))
        fake.ban_event(TROLL, seconds=60)  # a moderator there times them out later: theirs
        await again.wait_for(lambda: any("timed out on YouTube" in n for n in _said(again)))
    finally:
        await again.stop()
    assert not any("was banned on YouTube" in n for n in _said(again)), _said(again)
    assert again.query("SELECT text, outcome FROM host_actions ORDER BY id") == [
        {"text": "ban", "outcome": "ok: banned on YouTube"},
        {"text": "timeout", "outcome": "ok: done on YouTube, not through stagehand"},
    ]


@pytest.mark.parametrize("leaving", [["!optout"], ["!forget", "!forget confirm"]])
async def test_a_viewer_banned_just_before_quitting_who_then_leaves_keeps_no_id_in_the_file(
    fake: FakeYouTube, tmp_path: Path, leaving: list[str]
) -> None:
    """The show keeps the channel id of someone it banned until YouTube echoes the ban (so the
    echo is known as the hosts'). The host times a troll out and quits before the echo; in the
    next show in the same file the troll opts out or asks to be forgotten: their channel id
    leaves the file, as it leaves every other row (docs/commands.md)."""
    fake.echo_delay = 30.0  # the echo never comes while either show reads
    show = await start_show(fake, tmp_path)
    try:
        fake.say("buy followers here", TROLL)
        [troll] = await show.wait_for_comments(1)
        assert (await show.live.moderate(troll, ModerationKind.TIMEOUT)).ok
    finally:
        await show.stop()
    positions = show.query("SELECT awaiting_bans FROM chat_positions")
    assert positions == [{"awaiting_bans": TROLL["channelId"]}]  # what the feature keeps

    later = await start_show(
        fake, tmp_path, db_path=show.db_path, show_name="saturday-build", commands=True
    )
    try:
        for line in leaving:
            fake.say(line, TROLL)
        await later.wait_for(lambda: len(later.query("SELECT 1 FROM commands")) == len(leaving))
        await later.live.drain()
    finally:
        await later.stop()
    assert all(
        TROLL["channelId"] not in row["awaiting_bans"]
        for row in later.query("SELECT awaiting_bans FROM chat_positions")
    )
    for stored in tmp_path.glob("show.db*"):  # the file and any log beside it
        assert TROLL["channelId"].encode() not in stored.read_bytes(), stored.name
