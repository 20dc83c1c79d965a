"""A YouTube viewer a moderator's `!stage` invited, who then leaves (`!optout`, `!forget
confirm`): the stage start's logged outcome keeps YouTube's words ("invited in YouTube chat
(public text; no link posted)", the hint to give them the link another way) and loses only
their name, as on Twitch. Our adapter against the fake YouTube, a real SQLite file."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from adapters.youtube.show import start_show
from fakes.youtube_server import MODERATOR, FakeYouTube

INVITED = (
    "ok: {0}: invited in YouTube chat (public text; no link posted); give {0} the guest link "
    "another way: YouTube has no private messages"
)


@pytest.mark.parametrize(
    ("leaving", "shown_as"),
    [
        (["!forget", "!forget confirm"], "a forgotten viewer"),
        (["!optout"], "a viewer who opted out"),
    ],
)
async def test_a_youtube_invitation_keeps_its_words_when_the_guest_leaves(
    fake: FakeYouTube, tmp_path: Path, leaving: list[str], shown_as: str
) -> None:
    show = await start_show(fake, tmp_path, commands=True)
    outcome = "SELECT outcome FROM host_actions WHERE action = 'stage_start'"
    try:
        fake.say("can I show my patch on stage?")
        await show.wait_for_comments(1)
        fake.say("!stage @SynthFan", MODERATOR, moderator=True)
        await show.wait_for(lambda: len(show.live.on_stage) == 1)
        await show.live.drain()
        assert show.query(outcome) == [{"outcome": INVITED.format("@SynthFan")}]
        for index, line in enumerate(leaving):
            fake.say(line)
            await asyncio.sleep(1.1 if index + 1 < len(leaving) else 0)  # past the cooldown
        await show.wait_for(
            lambda: show.query(outcome)[0]["outcome"] != INVITED.format("@SynthFan")
        )
        assert show.query(outcome) == [{"outcome": INVITED.format(shown_as)}]
    finally:
        await show.stop()


async def test_an_invitation_youtube_refused_names_the_guest_only_where_it_does(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path, commands=True)
    outcome = "SELECT outcome FROM host_actions WHERE action = 'stage_start'"
    try:
        fake.say("can I show my patch on stage?")
        await show.wait_for_comments(1)
        fake.fail_next("liveChatMessages.insert", 403, "forbidden")
        fake.say("!stage @SynthFan", MODERATOR, moderator=True)
        await show.wait_for(lambda: show.query(outcome) != [])
        [refused] = show.query(outcome)
        assert refused["outcome"].startswith("failed: @SynthFan: not invited: "), refused
        fake.say("!optout")
        await show.wait_for(lambda: show.query(outcome) != [refused])
        [after] = show.query(outcome)
        assert after["outcome"] == refused["outcome"].replace(
            "@SynthFan", "a viewer who opted out", 1
        )
    finally:
        await show.stop()
