"""Moderation done in Twitch's own chat, not through stagehand: a moderator's /timeout or /ban
(EventSub `channel.ban`) and a deleted message (`channel.chat.message_delete`), as the fake
Twitch sends them (keys of the EventSub reference), through real twitchio into the live show
and a real SQLite file. The viewer's comments leave the queue, the log keeps who did what, a
resumed show keeps them off, and stagehand's own bans (which Twitch announces too) are not
logged twice."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from fakes.live_shows import Watched, running, until
from fakes.show_runs import stagehand
from fakes.twitch_server import FakeTwitch, chat_event, settings_for, store_credentials
from stagehand.adapters.twitch.adapter import TwitchAdapter
from stagehand.config import Settings
from stagehand.console.state import ConsoleState
from stagehand.domain import FORGOTTEN_NAME, OPTED_OUT_NAME, Author, ModerationKind
from stagehand.events import CommentRanked, CoreEvent, HostActionLogged
from stagehand.session import open_show
from stagehand.show.live import LiveShow
from stagehand.show.queue import ShowQueue

ANA = {"id": "7001", "login": "ana", "display_name": "Ana"}
BEN = {"id": "7002", "login": "ben", "display_name": "Ben"}
MOD = {"id": "7003", "login": "mo", "display_name": "Mo"}
#: What a session subscribes to: chat, deleted messages, /clear, bans and timeouts, unbans.
SUBSCRIPTIONS = 5


def _show(fake: FakeTwitch, tmp_path: Path, *, connected: bool = True) -> LiveShow:
    store, _, _ = store_credentials(fake, tmp_path / "tokens.json")
    adapters = [TwitchAdapter(settings_for(fake), store, guest_link="https://vdo.ninja/x")]
    return open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth-night",
        adapters=adapters if connected else [],
        commands=False,
    )


@asynccontextmanager
async def _on_twitch(fake: FakeTwitch, tmp_path: Path) -> AsyncIterator[Watched]:
    """Ana, Ben and Mo on the fake Twitch; the show live on it, every subscription made."""
    fake.users |= {u["id"]: u for u in (ANA, BEN, MOD)}
    async with running(_show(fake, tmp_path)) as show:
        await fake.wait_for_subscriptions(SUBSCRIPTIONS)
        yield show


def _queued(queue: ShowQueue) -> list[str]:
    return sorted(r.comment.id for row in queue.queue_rows() for r in row.askers)


def _rows(tmp_path: Path, sql: str) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(tmp_path / "show.db") as conn:
        rows = conn.execute(sql).fetchall()
    conn.close()
    return rows


async def test_a_timeout_and_a_deletion_on_twitch_take_the_comments_off_and_are_logged(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    async with _on_twitch(fake, tmp_path) as show:
        for message_id, who, text in (
            ("a1", ANA, "which oscillator do you use for the bass?"),
            ("a2", ANA, "and what about the filter cutoff?"),
            ("b1", BEN, "is the sequencer analog too?"),
            ("b2", BEN, "does the vco drift when it warms up?"),
        ):
            await fake.send_chat(chat_event(message_id=message_id, text=text, chatter=who))
        await until(lambda: sum(isinstance(e, CommentRanked) for e in show.seen) == 4)
        assert _queued(show.queue) == ["a1", "a2", "b1", "b2"]

        # A Twitch moderator's /timeout ana 600, and a message of ben's deleted there.
        assert await fake.ban_on_twitch(MOD, ANA, duration=600, reason="spam") == 1  # channel.ban
        assert await fake.delete_on_twitch("b1", BEN) == 1
        await until(lambda: _queued(show.queue) == ["b2"])
        notices = [getattr(e, "text", "") for e in show.seen]
        assert "Ana was timed out on Twitch for 600 s by mo" in notices
        # Not the hosts' action: their `u` does not lift a moderator's timeout on Twitch.
        undone = await show.live.undo()
        assert not undone.ok
        assert fake.bans.get(ANA["id"]) is not None

    assert _rows(
        tmp_path,
        "SELECT host_actions.action, host_actions.text, host_actions.actor, host_actions.outcome,"
        " authors.platform_user_id FROM host_actions"
        " LEFT JOIN authors ON authors.id = host_actions.author_id",
    ) == [("moderate", "timeout", "twitch:mo", "ok: done on Twitch, not through stagehand", "7001")]
    assert _rows(tmp_path, "SELECT message_id FROM comments WHERE deleted_at IS NOT NULL") == [
        ("b1",)
    ]

    # Exported as a host event that says it was done on Twitch, and by whom.
    export = stagehand("export", "synth-night", "--db", str(tmp_path / "show.db"))
    assert export.returncode == 0, export.stderr
    events = [json.loads(line) for line in export.stdout.splitlines()]
    moderations = [e for e in events if e.get("action") == "moderate"]
    assert [(e["text"], e["actor"], e["outcome"], e["author_id"]) for e in moderations] == [
        ("timeout", "twitch:mo", "ok: done on Twitch, not through stagehand", "7001")
    ]

    # Resumed, the queue is the one the hosts had: ana's comments stay off, and the timeout is
    # still not theirs to undo.
    resumed = _show(fake, tmp_path, connected=False)
    again = ShowQueue(**resumed.queue_settings.fields())
    resumed.add_listener(again.apply)
    try:
        assert _queued(again) == ["b2"]
        assert not (await resumed.undo()).ok
    finally:
        assert await resumed.close()


async def test_stagehands_own_ban_which_twitch_announces_too_is_logged_once(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    async with _on_twitch(fake, tmp_path) as show:
        live = show.live
        await fake.send_chat(chat_event(message_id="a1", text="buy followers", chatter=ANA))
        await until(lambda: live.find_comment("twitch", "a1") is not None)
        result = await live.moderate(live.find_comment("twitch", "a1"), ModerationKind.BAN)
        assert result.ok, result.message
        await asyncio.sleep(0.5)  # room for Twitch's announcement to (wrongly) be logged
    assert _rows(tmp_path, "SELECT action, text, actor, outcome FROM host_actions") == [
        ("moderate", "ban", "", "ok: banned on Twitch")
    ]


async def test_a_broadcaster_token_from_before_channel_moderate_still_reads_chat(
    fake: FakeTwitch, tmp_path: Path, caplog
) -> None:
    """Authorized before stagehand asked for `channel:moderate`: Twitch refuses the ban
    subscription (403); chat and deletions go on, and the host is told on screen (not only in
    the log file, which the console does not show) what to do, once a run: not again at each
    reconnect."""
    fake.unused_close_seconds = 0.5
    live = _show(fake, tmp_path)
    for token in fake.tokens.values():
        if "channel:moderate" in token.scopes:
            token.scopes.remove("channel:moderate")
    async with running(live) as show:
        await fake.wait_for_subscriptions(3)  # chat, deletions and /clear
        await fake.send_chat(chat_event(message_id="a1", text="hello", chatter=ANA))
        await until(lambda: any(isinstance(e, CommentRanked) for e in show.seen))
        # The connection drops and its re-subscription fails: Twitch closes the unused socket
        # and a new session subscribes again, refused again: said no more.
        fake.fail_next("POST", "eventsub/subscriptions", 500, "Internal Server Error")
        await fake.drop_connections()
        await fake.wait_for_subscriptions(6, timeout=15)
        await fake.wait_for_chat(timeout=15)
        await fake.send_chat(chat_event(message_id="a2", text="hello again", chatter=ANA))
        await until(lambda: sum(isinstance(e, CommentRanked) for e in show.seen) == 2)
    refused = [r.getMessage() for r in caplog.records if "are not heard" in r.getMessage()]
    assert len(refused) == 1, refused
    assert refused[0].startswith("Bans and timeouts made on Twitch are not heard (chat goes on)")
    assert "the broadcaster needs channel:moderate" in refused[0]
    assert "stagehand auth twitch" in refused[0]
    on_screen = [n for n in show.screen.notices if "not heard" in n.text]
    assert [(n.text, n.level) for n in on_screen] == [
        (
            "Twitch: bans and timeouts made on Twitch are not heard: the broadcaster's token "
            "lacks channel:moderate; run `stagehand auth twitch` again as "
            f"{settings_for(fake).channel}",
            "warning",
        )
    ]


async def _ban_heard(
    fake: FakeTwitch, tmp_path: Path, before_ban, *, then_ban: bool = False
) -> tuple[LiveShow, ConsoleState, list[str]]:
    """Ana writes, `before_ban(live)` runs, then Mo times her out on Twitch (600 s), and with
    `then_ban` bans her after; what the console shows then."""
    async with _on_twitch(fake, tmp_path) as show:
        seen = show.seen
        await fake.send_chat(chat_event(message_id="m1", text="hi all", chatter=MOD))
        await fake.send_chat(chat_event(message_id="a1", text="which synth?", chatter=ANA))
        await until(lambda: sum(isinstance(e, CommentRanked) for e in seen) == 2)
        before_ban(show.live)
        assert await fake.ban_on_twitch(MOD, ANA, duration=600, reason="spam") == 1
        if then_ban:
            await until(lambda: any(isinstance(e, HostActionLogged) for e in seen))
            assert await fake.ban_on_twitch(MOD, ANA, reason="spam again") == 1
        logged = 2 if then_ban else 1
        await until(lambda: sum(isinstance(e, HostActionLogged) for e in seen) == logged)
        await asyncio.sleep(0.1)
    return show.live, show.screen, [n.text for n in show.screen.notices]


async def test_a_ban_by_a_moderator_who_opted_out_does_not_name_them(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    mo = Author("twitch", MOD["id"], MOD["login"], MOD["display_name"])
    _, _, notices = await _ban_heard(fake, tmp_path, lambda live: live.set_opted_out(mo, True))
    assert "Ana was timed out on Twitch for 600 s (by a moderator there)" in notices
    assert not [n for n in notices if "mo" in n.split()], notices
    assert _rows(tmp_path, "SELECT action, text, actor FROM host_actions") == [
        ("moderate", "timeout", "")
    ]


async def test_a_ban_notice_names_no_one_once_the_moderator_opts_out_later(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    live, screen, notices = await _ban_heard(fake, tmp_path, lambda live: None)
    assert "Ana was timed out on Twitch for 600 s by mo" in notices
    # Mo opts out afterwards: the notice says them as every screen says them now.
    mo = Author("twitch", MOD["id"], MOD["login"], MOD["display_name"])
    for event in _events_of(live, lambda: live.set_opted_out(mo, True)):
        screen.apply(event)
    texts = [n.text for n in screen.notices]
    assert f"Ana was timed out on Twitch for 600 s by {OPTED_OUT_NAME}" in texts, texts


async def test_a_ban_of_a_viewer_who_asked_to_be_forgotten_does_not_name_her(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    ana = Author("twitch", ANA["id"], ANA["login"], ANA["display_name"])
    _, _, notices = await _ban_heard(
        fake, tmp_path, lambda live: live.forget_author(ana), then_ban=True
    )
    # The timeout does not make her "timed out" rather than forgotten: the ban after it does
    # not name her either.
    assert not [n for n in notices if "ana" in n.lower()], notices
    assert [n[:1].lower() + n[1:] for n in notices if "on Twitch" in n] == [
        f"{FORGOTTEN_NAME} was timed out on Twitch for 600 s by mo",
        f"{FORGOTTEN_NAME} was banned on Twitch by mo",
    ], notices


def _events_of(live: LiveShow, act) -> list[CoreEvent]:  # type: ignore[no-untyped-def]
    caught: list[CoreEvent] = []
    live.add_listener(caught.append)
    act()
    return caught


async def test_a_ban_on_twitch_of_a_viewer_who_never_chatted_names_them_in_log_and_report(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """A moderator bans someone on Twitch before they said a word in this show: the log names
    them (their author row is made from the ban's login and display name), so the report counts
    them and the export says whom it was about."""
    async with _on_twitch(fake, tmp_path) as show:
        assert await fake.ban_on_twitch(MOD, BEN) == 1
        await until(lambda: any(isinstance(e, HostActionLogged) for e in show.seen))
    assert _rows(
        tmp_path,
        "SELECT host_actions.text, authors.platform_user_id, authors.name, authors.display_name"
        " FROM host_actions LEFT JOIN authors ON authors.id = host_actions.author_id",
    ) == [("ban", "7002", "ben", "ben")]  # twitchio gives the login only
    db = str(tmp_path / "show.db")
    report = stagehand("report", "synth-night", "--db", db, "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["moderation"]["on_platform"]["viewers_banned"] == 1
    export = stagehand("export", "synth-night", "--db", db)
    assert export.returncode == 0, export.stderr
    moderations = [json.loads(line) for line in export.stdout.splitlines() if '"moderate"' in line]
    assert [(e["platform"], e["author_id"]) for e in moderations] == [("twitch", "7002")]


async def test_an_unban_and_a_clear_on_twitch_are_logged_and_said_and_change_no_queue(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """A moderator lifts a viewer's ban on Twitch (/unban: channel.unban), and another clears
    the chat (/clear: channel.chat.clear). The unban is logged as one done on Twitch and said;
    what the ban took off the queue stays off (the hosts had moved on), and what the viewer
    writes from then on comes in. The /clear is said on the notices; nothing leaves the queue
    or the log. stagehand's own unban (the hosts' u), which Twitch announces too, is logged once:
    as the hosts' undo."""
    async with _on_twitch(fake, tmp_path) as show:
        live, queue = show.live, show.queue
        await fake.send_chat(chat_event(message_id="a1", text="is the vco analog?", chatter=ANA))
        await fake.send_chat(chat_event(message_id="b1", text="which filter is it?", chatter=BEN))
        await until(lambda: _queued(queue) == ["a1", "b1"])
        assert await fake.ban_on_twitch(MOD, ANA) == 1
        await until(lambda: _queued(queue) == ["b1"])
        assert await fake.unban_on_twitch(MOD, ANA) == 1
        await until(lambda: "Ana was unbanned on Twitch by mo" in show.notices())
        assert await fake.clear_on_twitch() == 1
        await until(lambda: any("cleared the chat" in n for n in show.notices()))
        assert _queued(queue) == ["b1"]  # the unban gave nothing back; the /clear took nothing
        await fake.send_chat(chat_event(message_id="a2", text="thanks, and the lfo?", chatter=ANA))
        await until(lambda: _queued(queue) == ["a2", "b1"])
        assert not (await live.undo()).ok  # neither is the hosts' to take back

        # The hosts ban ben through stagehand, and take it back with u: Twitch announces both.
        b1 = live.find_comment("twitch", "b1")
        assert b1 is not None
        assert (await live.moderate(b1, ModerationKind.BAN)).ok
        assert (await live.undo()).ok
        await asyncio.sleep(0.5)  # room for Twitch's channel.unban to (wrongly) be logged
    done_there = "ok: done on Twitch, not through stagehand"
    assert _rows(
        tmp_path,
        "SELECT host_actions.action, host_actions.text, host_actions.actor, host_actions.outcome,"
        " authors.platform_user_id FROM host_actions"
        " LEFT JOIN authors ON authors.id = host_actions.author_id ORDER BY host_actions.id",
    ) == [
        ("moderate", "ban", "twitch:mo", done_there, "7001"),
        ("moderate", "unban", "twitch:mo", done_there, "7001"),
        ("moderate", "ban", "", "ok: banned on Twitch", "7002"),
        (
            "undo",
            "moderate",
            "",
            "ok: Undid the ban of Ben: their comments are back in the queue",
            "7002",
        ),
    ]
    notices = show.notices()
    assert [n for n in notices if "cleared the chat" in n] == [
        "Twitch: a moderator cleared the chat on Twitch (/clear): viewers there no longer see "
        "the messages before it; the show keeps every comment, its queue and its log"
    ]

    # Resumed, the queue is the one the hosts had: the unban heard gives nothing back (their
    # own undo did).
    resumed = _show(fake, tmp_path, connected=False)
    again = ShowQueue(**resumed.queue_settings.fields())
    resumed.add_listener(again.apply)
    try:
        assert _queued(again) == ["a2", "b1"]
    finally:
        assert await resumed.close()


async def test_a_ban_or_an_unban_of_nobody_is_one_line_in_the_log_and_bans_are_still_heard(
    fake: FakeTwitch, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A channel.ban and a channel.unban with the reference's keys but no viewer in them are
    skipped, one warning line each naming which (no traceback, nothing logged as the hosts'),
    and the next ban is heard as ever."""
    nobody = {"id": "", "login": "", "display_name": ""}
    caplog.set_level(logging.INFO)
    async with _on_twitch(fake, tmp_path) as show:
        assert await fake.ban_on_twitch(MOD, nobody, helix=False) == 1
        assert await fake.unban_on_twitch(MOD, nobody, helix=False) == 1
        assert await fake.ban_on_twitch(MOD, BEN) == 1
        await until(lambda: any(isinstance(e, HostActionLogged) for e in show.seen))
        await asyncio.sleep(0.1)
    said = [r for r in caplog.records if "malformed" in r.getMessage()]
    assert [(r.getMessage(), r.levelno, r.exc_info) for r in said] == [
        ("Skipped a malformed Twitch ban notification (a ban of nobody)", logging.WARNING, None),
        (
            "Skipped a malformed Twitch unban notification (an unban of nobody)",
            logging.WARNING,
            None,
        ),
    ]
    assert _rows(tmp_path, "SELECT action, text, actor FROM host_actions") == [
        ("moderate", "ban", "twitch:mo")
    ]


async def test_a_ban_and_an_unban_twitch_delivers_again_are_logged_and_said_once(
    fake: FakeTwitch, tmp_path: Path
) -> None:
    """Twitch delivers an EventSub notification at least once: a redelivery is the same frame,
    with the same message id. An /unban delivered twice was logged twice (and said twice): two
    unbans in the log of a viewer unbanned once. A second /unban (a new notification) is one
    more."""
    async with _on_twitch(fake, tmp_path) as show:
        live = show.live
        await fake.send_chat(chat_event(message_id="a1", text="is the vco analog?", chatter=ANA))
        assert await fake.ban_on_twitch(MOD, ANA) == 1
        assert await fake.redeliver("channel.ban") == 1
        assert await fake.unban_on_twitch(MOD, ANA) == 1
        assert await fake.redeliver("channel.unban") == 1
        await until(lambda: "Ana was unbanned on Twitch by mo" in show.notices())
        # The redeliveries arrive after the notifications they repeat: give them time to be
        # (wrongly) logged, then a new /unban shows the log still takes a second one.
        await asyncio.sleep(0.5)
        assert await fake.unban_on_twitch(MOD, ANA) == 1
        banned = fake.last_notification_of("channel.ban")
        unbanned = fake.last_notification_of("channel.unban")
        await until(lambda: show.notices().count("Ana was unbanned on Twitch by mo") >= 2)

        # The hosts' own ban and its undo, which Twitch announces back, each delivered twice:
        # the show logged them when it made them, and logs no redelivery as a moderator's.
        a1 = live.find_comment("twitch", "a1")
        assert a1 is not None
        assert (await live.moderate(a1, ModerationKind.BAN)).ok
        await until(lambda: fake.last_notification_of("channel.ban") != banned)
        assert await fake.redeliver("channel.ban") == 1
        assert (await live.undo()).ok
        await until(lambda: fake.last_notification_of("channel.unban") != unbanned)
        assert await fake.redeliver("channel.unban") == 1
        await asyncio.sleep(0.5)
        notices = show.notices()
    assert _rows(tmp_path, "SELECT action, text, outcome FROM host_actions ORDER BY id") == [
        ("moderate", "ban", "ok: done on Twitch, not through stagehand"),
        ("moderate", "unban", "ok: done on Twitch, not through stagehand"),
        ("moderate", "unban", "ok: done on Twitch, not through stagehand"),
        ("moderate", "ban", "ok: banned on Twitch"),
        ("undo", "moderate", "ok: Undid the ban of Ana: their comments are back in the queue"),
    ]
    assert notices.count("Ana was banned on Twitch by mo") == 1
    assert notices.count("Ana was unbanned on Twitch by mo") == 2
