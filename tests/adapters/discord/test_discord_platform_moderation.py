"""Moderation done in Discord itself, not through stagehand: a moderator's ban in the server
(gateway GUILD_BAN_ADD, which Discord sends to a bot that asked for Guild Moderation and may ban)
and a message deleted there (MESSAGE_DELETE), as the fake Discord dispatches them, through real
discord.py into the live show and a real SQLite file, then `stagehand report` and `export` as a
user runs them."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fakes.discord_server import (
    BAN_MEMBERS,
    BOT_ROLE_ID,
    LISTENER_ID,
    MASON_ID,
    ZEYLA_ID,
    FakeDiscord,
    adapter_settings,
    member_payload,
    user_payload,
)
from fakes.live_shows import Watched, running, until
from fakes.show_runs import stagehand
from stagehand.adapters.discord.adapter import DiscordAdapter
from stagehand.config import Settings
from stagehand.domain import ModerationKind
from stagehand.events import CommentRanked, Notice
from stagehand.platform import ConnectionState
from stagehand.session import open_show
from stagehand.show.live import LiveShow
from stagehand.show.queue import ShowQueue
from stagehand.tokens import TokenStore

#: A member who never chats in the show.
TROLL_ID = "1100000000000000299"
UNDONE = "ok: Undid the ban of Mase: their comments are back in the queue"


def _show(fake: FakeDiscord, tmp_path: Path) -> LiveShow:
    adapter = DiscordAdapter(
        adapter_settings(fake),
        TokenStore(tmp_path / "tokens.json"),
        guild_ready_timeout=0.05,
        retry_delays=(0.05,),
    )
    return open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="friday",
        adapters=[adapter],
        commands=False,
    )


def _connected(live: LiveShow) -> bool:
    return live.connections.get("discord", (None,))[0] is ConnectionState.CONNECTED


def _queued(queue: ShowQueue) -> list[str]:
    return sorted(r.comment.text for row in queue.queue_rows() for r in row.askers)


@asynccontextmanager
async def _on_discord(fake: FakeDiscord, tmp_path: Path) -> AsyncIterator[Watched]:
    """The show live on the fake Discord, its gateway connected."""
    async with running(_show(fake, tmp_path)) as show:
        await until(lambda: _connected(show.live))
        yield show


async def test_a_ban_and_a_deletion_made_in_discord_reach_the_show_and_its_report(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        fake.members[TROLL_ID] = member_payload(user_payload(TROLL_ID, "trollface", "Troll"), [])
        async with _on_discord(fake, tmp_path) as show:
            queue, seen = show.queue, show.seen
            deleted = fake.message(author_id=LISTENER_ID, content="is the vco analog?")
            for message in (
                fake.message(content="which oscillator do you use for the bass?"),
                fake.message(content="and what about the filter cutoff?"),
                deleted,
                fake.message(author_id=LISTENER_ID, content="does the sequencer swing?"),
            ):
                await fake.dispatch("MESSAGE_CREATE", message)
            await until(lambda: sum(isinstance(e, CommentRanked) for e in seen) == 4)
            assert len(_queued(queue)) == 4

            # A moderator bans Mason from the server in Discord, and one who never chatted in
            # the show; another deletes one of the listener's messages there.
            assert await fake.ban_in_discord(MASON_ID) == 1
            assert await fake.ban_in_discord(TROLL_ID) == 1
            await fake.delete_in_discord(deleted["id"])
            await until(lambda: _queued(queue) == ["does the sequencer swing?"])
            await until(
                lambda: sum("banned on Discord" in getattr(e, "text", "") for e in seen) == 2
            )
            notices = show.notices()
            assert "Mase was banned on Discord" in notices
            assert "Troll was banned on Discord" in notices
            # Not the hosts' action: `u` does not lift a ban made in Discord.
            assert not (await show.live.undo()).ok
            assert fake.bans == {MASON_ID, TROLL_ID}
            # A moderator lifts Mason's ban there: said and logged; what the ban took off the
            # queue stays off, what he writes from now on comes in.
            assert await fake.unban_in_discord(MASON_ID) == 1
            await until(lambda: "Mase was unbanned on Discord" in show.notices())
            await fake.dispatch(
                "MESSAGE_CREATE", fake.message(content="sorry! what about the lfo?")
            )
            await until(
                lambda: (
                    _queued(queue) == ["does the sequencer swing?", "sorry! what about the lfo?"]
                )
            )

    with sqlite3.connect(tmp_path / "show.db") as conn:
        logged = conn.execute(
            "SELECT host_actions.text, host_actions.outcome, authors.platform_user_id,"
            " authors.name FROM host_actions LEFT JOIN authors"
            " ON authors.id = host_actions.author_id ORDER BY host_actions.id"
        ).fetchall()
    conn.close()
    done_there = "ok: done on Discord, not through stagehand"
    assert logged == [
        ("ban", done_there, MASON_ID, "Mason"),
        ("ban", done_there, TROLL_ID, "trollface"),  # named though they never chatted
        ("unban", done_there, MASON_ID, "Mason"),
    ]

    db = str(tmp_path / "show.db")
    report = stagehand("report", "friday", "--db", db, "--format", "json")
    assert report.returncode == 0, report.stderr
    assert json.loads(report.stdout)["moderation"]["on_platform"] == {
        "messages_deleted": 1,
        "viewers_timed_out": 0,
        "viewers_banned": 2,
    }
    export = stagehand("export", "friday", "--db", db)
    assert export.returncode == 0, export.stderr
    lines = [json.loads(line) for line in export.stdout.splitlines()]
    bans = [
        (e["text"], e["author_id"], e["outcome"]) for e in lines if e.get("action") == "moderate"
    ]
    assert bans == [
        ("ban", MASON_ID, done_there),
        ("ban", TROLL_ID, done_there),
        ("unban", MASON_ID, done_there),
    ]


async def test_stagehands_own_ban_which_discord_announces_too_is_logged_once(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake, _on_discord(fake, tmp_path) as show:
        live = show.live
        message = fake.message(content="buy followers at spam.example")
        await fake.dispatch("MESSAGE_CREATE", message)
        await until(lambda: live.find_comment("discord", message["id"]) is not None)
        comment = live.find_comment("discord", message["id"])
        assert comment is not None
        result = await live.moderate(comment, ModerationKind.BAN)
        assert result.ok, result.message
        assert fake.bans == {MASON_ID}
        undone = await live.undo()  # the hosts' u lifts it: GUILD_BAN_REMOVE comes back
        assert undone.ok, undone.message
        assert fake.bans == set()
        await asyncio.sleep(0.5)  # room for Discord's announcements to (wrongly) be logged
    with sqlite3.connect(tmp_path / "show.db") as conn:
        logged = conn.execute("SELECT action, text, outcome FROM host_actions").fetchall()
    conn.close()
    assert logged == [
        ("moderate", "ban", "ok: discord: Mase banned from the server"),
        ("undo", "moderate", UNDONE),
    ]
    assert fake.sent_ops(2)[0]["d"]["intents"] & (1 << 2)  # Guild Moderation was asked for


async def test_a_bot_that_may_not_ban_says_once_that_bans_are_not_heard_and_reads_chat(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake:
        bot_role = next(r for r in fake.roles if r["id"] == BOT_ROLE_ID)
        bot_role["permissions"] = str(int(bot_role["permissions"]) & ~BAN_MEMBERS)
        async with _on_discord(fake, tmp_path) as show:
            assert await fake.ban_in_discord(MASON_ID) == 0  # Discord does not tell this bot
            await fake.dispatch("MESSAGE_CREATE", fake.message(author_id=ZEYLA_ID, content="hi"))
            await until(lambda: any(isinstance(e, CommentRanked) for e in show.seen))
            # A new session (the gateway asked for a reconnect that could not resume) is not
            # told again.
            fake.sessions.clear()
            await fake.request_reconnect()
            await until(lambda: len(fake.sent_ops(2)) == 2, timeout=10)
            await until(lambda: _connected(show.live))
    said = [e.text for e in show.seen if isinstance(e, Notice) and "not heard" in e.text]
    assert said == [
        "Discord: bans made in Stagehand Test Server are not heard (chat is still read): the "
        "bot's role lacks Ban Members; grant it in Server Settings -> Roles (docs/discord.md)"
    ]
