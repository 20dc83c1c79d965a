"""A moderator's `!stage` naming the viewer with Discord's @ list: the client sends the raw
mention `<@id>` (with the user in `mentions[]`), and docs/commands.md says it names the user by
id. Through real discord.py against the fake gateway into the live show with its commands, not
raw text into the command: the adapter must not turn the mention into a display name first."""

from __future__ import annotations

from pathlib import Path

from fakes.discord_server import (
    LISTENER_ID,
    SHOW_CHANNEL_ID,
    ZEYLA_ID,
    FakeDiscord,
    live_show_on,
)
from fakes.live_shows import until
from stagehand.events import CommentRanked


def _bot_lines(fake: FakeDiscord) -> list[str]:
    return [
        r.json.get("content", "")
        for r in fake.requests_to("POST", rf"/channels/{SHOW_CHANNEL_ID}/messages$")
    ]


async def test_stage_with_a_picked_mention_brings_that_viewer_on_stage(tmp_path: Path) -> None:
    async with FakeDiscord() as fake, live_show_on(fake, tmp_path) as (live, show):
        # "Lis Tener" (user name `listener`, a display name with a space) asks something.
        await fake.dispatch(
            "MESSAGE_CREATE",
            fake.message(author_id=LISTENER_ID, content="can I show my patch on stage?"),
        )
        await until(lambda: any(isinstance(e, CommentRanked) for e in show.seen))
        # The moderator picks her from the @ list: Discord sends the raw mention.
        await fake.dispatch(
            "MESSAGE_CREATE",
            fake.message(
                author_id=ZEYLA_ID,
                content=f"!stage <@{LISTENER_ID}>",
                mentions=[fake.mention(LISTENER_ID)],
            ),
        )
        await until(lambda: len(_bot_lines(fake)) >= 1, timeout=10)
        said = _bot_lines(fake)
        assert not any("can't find" in line for line in said), said
        assert any(line.startswith("Invited ") for line in said), said
        # She is in the Stage audience: invited to speak there.
        patches = fake.requests_to("PATCH", rf"/guilds/\d+/voice-states/{LISTENER_ID}")
        assert [p.json.get("suppress") for p in patches] == [False]
        assert [g.author.id for g in live.on_stage] == [LISTENER_ID]
