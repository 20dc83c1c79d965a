"""A moderator's `!stage @handy` in the console's raw chat stops naming handy the moment handy
asks to be forgotten or opts out, as its row in the database does (docs/schema.md, "What
forgetting removes"): the line stays, saying "a forgotten viewer" where it said `@handy`.

The real console under Pilot on a replayed show in a real SQLite file, the chat commands on.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import open_console, played, screen_text

SIZE = (140, 40)


def at(seconds: int) -> str:
    return f"2026-11-20T19:00:{seconds:02d}Z"


def said(id: str, seconds: int, name: str, user_id: str, text: str, roles=()) -> dict:
    return {
        "kind": "comment",
        "id": id,
        "ts": at(seconds),
        "platform": "twitch",
        "author_id": user_id,
        "author": name,
        "text": text,
        "roles": list(roles),
    }


@pytest.mark.parametrize(
    ("leaving", "shown_as"),
    [
        (["!forget", "!forget confirm"], "a forgotten viewer"),
        (["!optout"], "a viewer who opted out"),
    ],
)
async def test_a_moderators_line_in_raw_chat_stops_naming_a_viewer_who_leaves(
    tmp_path: Path, leaving: list[str], shown_as: str
) -> None:
    records = [
        {"kind": "segment", "ts": at(0), "title": "Oscillators", "keywords": ["vco"]},
        said("w1", 2, "handy", "1001", "hi dvd people"),
        said("w2", 4, "modbob", "1002", "!stage @handy", ["moderator"]),
        said("w3", 5, "modbob", "1002", "!stage @nobodyhere", ["moderator"]),
        *[said(f"x{i}", 8 + i, "handy", "1001", line) for i, line in enumerate(leaving)],
        said("z1", 12, "carl", "1003", "what a show"),
    ]
    path = tmp_path / "show.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        text = screen_text(console.app)
        assert f"modbob: !stage {shown_as}" in text
        assert "modbob: !stage @nobodyhere" in text  # someone else's name stays as typed
        assert "handy" not in text.casefold()
        stored = console.db().execute("SELECT text FROM comments WHERE id = 2").fetchone()
        assert stored == (f"!stage {shown_as}",)  # the screen says what the file says
