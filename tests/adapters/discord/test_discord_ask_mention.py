"""A viewer's `!ask` (or a typo of it, `!aks`) naming someone with Discord's @ list: the client
sends the raw mention `<@id>`. Only a command that acts on a person by id (`!stage`, `!unstage`)
reads it as one; anywhere else the line reaches the queue, the overlay and the follow-ups as the
people in the channel saw it, with the name. Through real discord.py against the fake gateway
into the live show with its commands."""

from __future__ import annotations

from pathlib import Path

from fakes.discord_server import (
    LISTENER_ID,
    FakeDiscord,
    live_show_on,
)
from fakes.live_shows import until
from stagehand.commands.registry import COMMANDS
from stagehand.events import CommentRanked


async def test_ask_naming_someone_by_the_at_list_reaches_the_queue_with_the_name(
    tmp_path: Path,
) -> None:
    async with FakeDiscord() as fake, live_show_on(fake, tmp_path) as (_live, show):
        # A viewer (Mason) picks her from the @ list: Discord sends the raw mention.
        for content in [
            f"!ask <@{LISTENER_ID}> what mic do you use?",
            f"!aks <@{LISTENER_ID}> is this legal?",
        ]:
            await fake.dispatch(
                "MESSAGE_CREATE",
                fake.message(
                    content=content,
                    mentions=[fake.mention(LISTENER_ID)],
                ),
            )
        await until(
            lambda: (
                len({e.ranked.comment.id for e in show.seen if isinstance(e, CommentRanked)}) >= 2
            )
        )
        shown = {e.ranked.comment.shown_text for e in show.seen if isinstance(e, CommentRanked)}
        assert not any(f"<@{LISTENER_ID}>" in text for text in shown), shown
        assert shown == {
            "@Lis Tener what mic do you use?",  # the question `!ask` put
            "!aks @Lis Tener is this legal?",
        }, shown


def test_every_command_that_takes_a_person_keeps_the_discord_mention_id() -> None:
    """The adapter keeps `<@id>` for the commands that read a person by id: every command whose
    argument is a @username must be one of them, or a picked mention would name nobody."""
    from stagehand.adapters.discord.normalize import COMMANDS_NAMING_A_PERSON

    takes_a_person = {
        spec.name
        for spec in COMMANDS.specs(moderators=True)
        if spec.text_description == "@username"
    }
    assert takes_a_person == COMMANDS_NAMING_A_PERSON
