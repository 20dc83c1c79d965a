"""A guest a moderator's `!stage` invited on Discord, who then leaves (`!optout`, `!forget
confirm`): the stage start's logged outcome keeps Discord's words and loses only their name, as
on Twitch, also when the invitation failed. Real discord.py against the fake, a real SQLite file."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest

from fakes.discord_server import GUILD_ID, LISTENER_ID, ZEYLA_ID, FakeDiscord, live_show_on
from fakes.live_shows import until
from stagehand.events import CommentRanked


@pytest.mark.parametrize(
    ("leaving", "shown_as"),
    [
        (["!forget", "!forget confirm"], "a forgotten viewer"),
        (["!optout"], "a viewer who opted out"),
    ],
)
async def test_a_failed_discord_invitation_keeps_its_words_when_the_guest_leaves(
    tmp_path: Path, leaving: list[str], shown_as: str
) -> None:
    db = tmp_path / "show.db"
    outcome = "SELECT outcome FROM host_actions WHERE action = 'stage_start'"
    async with FakeDiscord() as fake, live_show_on(fake, tmp_path) as (live, show):
        fake.forbid("PATCH", f"/guilds/{GUILD_ID}/voice-states/{LISTENER_ID}")
        await fake.dispatch(
            "MESSAGE_CREATE",
            fake.message(author_id=LISTENER_ID, content="can I show my patch on stage?"),
        )
        await until(lambda: any(isinstance(e, CommentRanked) for e in show.seen))
        await fake.dispatch(
            "MESSAGE_CREATE",
            fake.message(
                author_id=ZEYLA_ID,
                content=f"!stage <@{LISTENER_ID}>",
                mentions=[fake.mention(LISTENER_ID)],
            ),
        )

        def logged() -> list[tuple[str]]:
            assert live.flush()
            return sqlite3.connect(db).execute(outcome).fetchall()

        refused = (
            " not invited to speak: missing permission: the bot needs Mute Members in the Stage"
            " channel (or {} has a role above the bot's)"
        )
        await until(lambda: logged() != [], timeout=10)
        assert logged() == [(f"failed: discord: Lis Tener{refused.format('Lis Tener')}",)]
        for index, line in enumerate(leaving):
            await fake.dispatch("MESSAGE_CREATE", fake.message(author_id=LISTENER_ID, content=line))
            await asyncio.sleep(1.1 if index + 1 < len(leaving) else 0)
        first = logged()
        await until(lambda: logged() != first)
        assert logged() == [(f"failed: discord: {shown_as}{refused.format(shown_as)}",)]
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("show.db*") if p.is_file())
    assert b"Lis Tener" not in stored
