"""Moderation in the report: how many messages were deleted and viewers timed out or banned,
through stagehand by the hosts and on the platform by its own moderators, the same numbers in
every format, counts only (a report is passed around; it never says who was banned).

The hand-worked show (showdb.py) with a few moderations added to its transcript, replayed by the
real replay into a real SQLite file; `stagehand report` run as a subprocess, as a user runs it.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from showdb import SYNTH, _c, _h, build, stagehand

ON_TWITCH = "ok: done on Twitch, not through stagehand"

MODERATED = [
    *SYNTH,
    _c("c15", "06:10", "fox", "105", "buy my mixtape"),
    _c("c16", "06:12", "gus", "106", "spam spam spam"),
    # Through stagehand: ben's "thanks!" deleted (with ana's spam c12: 2), fox timed out.
    _h("06:20", "moderate", "c7", "102", "delete"),
    _h("06:21", "moderate", "c15", "105", "timeout", id="t1"),
    # Not done: a ban Twitch refused, and a ban the hosts took back.
    _h("06:22", "moderate", "c15", "105", "ban", outcome="failed: not a moderator"),
    _h("06:23", "moderate", "c16", "106", "ban", id="b1"),
    _h("06:24", "undo", None, "106", "moderate", undoes="b1"),
    # On Twitch by its own moderator: gus banned, fox timed out, gus's message deleted.
    _h(
        "06:30",
        "moderate",
        None,
        "106",
        "ban",
        outcome=ON_TWITCH,
        actor="twitch:mo",
        platform="twitch",
    ),
    _h(
        "06:31",
        "moderate",
        None,
        "105",
        "timeout",
        outcome=ON_TWITCH,
        actor="twitch:mo",
        platform="twitch",
    ),
    {"kind": "delete", "ts": "2026-11-20T19:06:32Z", "platform": "twitch", "comment_id": "c16"},
]

SENTENCE = (
    "through stagehand by the hosts: 2 messages deleted, 1 viewer timed out, 0 banned;"
    " on the platform by its own moderators: 1 message deleted, 1 viewer timed out, 1 banned"
)


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("moderation"), MODERATED)


def test_every_format_says_who_moderated_how_much(db: Path) -> None:
    term = stagehand("report", "--db", str(db), "synth")
    assert f"MODERATION: {SENTENCE}" in term.splitlines()
    md = stagehand("report", "--db", str(db), "synth", "--format", "md")
    assert f"## Moderation\n\n{SENTENCE[:1].upper()}{SENTENCE[1:]}." in md
    html = stagehand("report", "--db", str(db), "synth", "--format", "html")
    assert f'<h2>Moderation</h2><p class="note">T{SENTENCE[1:]}.</p>' in html
    data = json.loads(stagehand("report", "--db", str(db), "synth", "--format", "json"))
    assert data["moderation"] == {
        "through_stagehand": {"messages_deleted": 2, "viewers_timed_out": 1, "viewers_banned": 0},
        "on_platform": {"messages_deleted": 1, "viewers_timed_out": 1, "viewers_banned": 1},
        "held_back_blocked_terms": 0,
    }
    assert list(data)[-1] == "moderation"  # added at the end: the keys before it unchanged
    # Counts only: the moderation lines name neither the viewers nor Twitch's moderator.
    for text in (term.split("MODERATION:")[1].split("\n")[0], md.split("## Moderation")[1]):
        for name in ("fox", "gus", "twitch:mo", "mo "):
            assert name not in text.split("## Follow up")[0]


def test_a_show_nobody_moderated_says_so(tmp_path: Path) -> None:
    quiet = [e for e in SYNTH if e.get("action") != "moderate"]
    db = build(tmp_path, quiet)
    # showdb still records c12's deletion from the platform: a moderator did it on Twitch.
    term = stagehand("report", "--db", str(db), "synth")
    assert (
        "MODERATION: through stagehand by the hosts: 0 messages deleted, 0 viewers timed out,"
        " 0 banned; on the platform by its own moderators: 1 message deleted, 0 viewers timed"
        " out, 0 banned"
    ) in term
    pilot = stagehand("report", "--db", str(db), "pilot")
    assert (
        "MODERATION: nobody was moderated: no message deleted, no viewer timed out or banned"
        in pilot
    )
