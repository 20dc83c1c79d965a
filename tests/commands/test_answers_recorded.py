"""What the bot answered is kept with the command (`commands.answer`): a host rehearsing with
`stagehand replay` reads it there; it stops naming a guest who later opts out or is forgotten."""

from __future__ import annotations

import re

from commands.chat import play, say

MOD = ["moderator"]


def answers_of(played) -> list[tuple[str, str]]:  # type: ignore[no-untyped-def]
    rows = played.db.execute("SELECT name, answer FROM commands ORDER BY id")
    return [(name, answer) for name, answer in rows]


async def test_each_command_row_says_what_the_bot_answered(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "!help", t=1),
            say("m2", "ana", "!hand", t=2),
            say("m3", "mo", "!stage @ana", t=3, roles=MOD),
            say("m4", "ana", "!forget", t=5),
            say("m5", "ana", "!forget confirm", t=6),
            say("m6", "mo", "!unstage @ana", t=7, roles=MOD),
        ],
    )
    said = answers_of(played)
    assert said[0][0] == "help" and said[0][1].startswith("Commands: !ask")
    assert said[1] == ("hand", "")  # nothing said (confirm_hands is off)
    assert said[2] == ("stage", "Invited a forgotten viewer on stage.")  # was "@ana"
    assert said[3][1].startswith("This deletes your name and messages")
    assert said[5] == ("unstage", "a forgotten viewer is off stage.")  # "@ana" in chat
    assert len([a for _, a in said if a]) == len(played.answers())  # one row per answer sent
    assert not re.search(r"\bana\b", repr(said))
