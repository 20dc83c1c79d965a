"""A viewer who opts out or asks to be forgotten is not left named in other people's command
rows: what stagehand itself wrote of them (a moderator's `!stage @handy`: its arguments, its
outcome, the command line it read the name from) says "a forgotten viewer" or "a viewer who
opted out" instead, in every read, the export, and the database file once the show closes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from commands.chat import Played, brought_on_stage, play, say

MOD = ["moderator"]
#: No Twitch connection, as in `stagehand replay`: stage changes are recorded only. (A platform's
#: own words about an invitation, in `host_actions.outcome`, are not covered here.)
RECORDED_ONLY = ("discord",)


def bytes_of(db: Path) -> bytes:
    """The database file and its log, as `strings` would read them."""
    return b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*") if p.is_file())


def assert_no_trace_of(name: str, played: Played, db: Path) -> None:
    """`name` is in none of the show's command rows, nor anywhere in its database file once
    the show closed (`strings` included)."""
    assert name not in repr(played.commands()).casefold()
    played.db.close()
    assert name.encode() not in bytes_of(db).lower()


def export(db: Path) -> str:
    exported = subprocess.run(
        [sys.executable, "-m", "stagehand", "export", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    return exported.stdout


@pytest.mark.parametrize(
    ("leaving", "shown_as"),
    [
        (["!forget", "!forget confirm"], "a forgotten viewer"),
        (["!optout"], "a viewer who opted out"),
    ],
)
async def test_a_viewer_who_leaves_is_not_named_in_a_moderators_command_rows(
    tmp_path, leaving: list[str], shown_as: str
) -> None:
    played = await play(
        tmp_path,
        [
            *brought_on_stage("modbob", "handy", t=3),
            say("w3", "modbob", "!stage @nobodyhere", t=5, roles=MOD),
            *[say(f"x{i}", "handy", line, t=8 + i) for i, line in enumerate(leaving)],
            say("w6", "modbob", "!unstage @handy", t=12, roles=MOD),
            say("w7", "modbob", "!segment Menus | menu", t=14, roles=MOD),
        ],
        platforms=RECORDED_ONLY,
    )
    rows = played.commands()
    stage = [(args, outcome) for _, name, args, outcome in rows if name == "stage"]
    assert stage[0] == (shown_as, f"ok: {shown_as}")  # "ok: @handy: invited handy" before
    # what the moderator typed of someone else stays as it was
    assert stage[1][0] == "@nobodyhere"
    texts = [text for (text,) in played.db.execute("SELECT text FROM comments ORDER BY id")]
    assert f"!stage {shown_as}" in texts and "!stage @nobodyhere" in texts
    assert "!segment Menus | menu" in texts
    said = repr(rows) + repr(texts) + export(tmp_path / "show.db")
    assert "handy" not in said.casefold()
    played.db.close()
    assert b"handy" not in bytes_of(tmp_path / "show.db").lower()


async def test_a_moderator_who_names_a_forgotten_guest_stores_no_name(tmp_path) -> None:
    # Ending the appearance by the name the moderator knew does not store it again.
    played = await play(
        tmp_path,
        [
            *brought_on_stage("modbob", "handy", t=3),
            say("w4", "handy", "!forget", t=8),
            say("w5", "handy", "!forget confirm", t=9),
            say("w6", "modbob", "!unstage @handy", t=12, roles=MOD),
        ],
        platforms=RECORDED_ONLY,
    )
    assert played.on_stage() == []
    assert_no_trace_of("handy", played, tmp_path / "show.db")


async def test_a_refused_stage_by_reply_to_a_viewer_who_opted_out_stores_no_name(tmp_path) -> None:
    # Twitch puts the replied-to viewer's login before a reply's text: "@patquux !stage". The
    # show refuses to stage someone who opted out, and the line must not keep their login.
    played = await play(
        tmp_path,
        [
            say("p1", "patquux", "how do I rip a dvd safely?", t=1),
            say("p2", "patquux", "!optout", t=2),
            say("p3", "patquux", "can I come on stage?", t=3),
            say("w3", "modbob", "@patquux !stage", t=4, roles=MOD, reply_to="p3"),
        ],
        platforms=RECORDED_ONLY,
    )
    assert played.on_stage() == []
    assert played.stored("w3")[0] == "a viewer who opted out !stage"
    assert_no_trace_of("patquux", played, tmp_path / "show.db")
