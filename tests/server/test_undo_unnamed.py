"""An undo's log line stops naming a viewer who asks to be forgotten or opts out afterwards,
as the action it took back does (docs/schema.md "What forgetting removes")."""

from __future__ import annotations

import asyncio
import sqlite3
import time
from pathlib import Path

import pytest
from showserver import act, serve
from test_anonymous_people import START, line

#: What each host action is, through `POST /api/actions`, before it is undone.
ACTIONS = [
    {"action": "answer", "comment_id": "a1"},
    {"action": "feature", "comment_id": "a2"},
    {"action": "pin", "comment_id": "a2", "note": "a good one"},
    {"action": "stage", "comment_id": "a2"},
    {"action": "dismiss", "comment_id": "a2"},
]


@pytest.mark.parametrize(
    ("leaving", "shown_as"),
    [
        (["!forget", "!forget confirm"], "a forgotten viewer"),
        (["!optout"], "a viewer who opted out"),
    ],
)
async def test_an_undo_stops_naming_a_viewer_who_leaves_afterwards(
    tmp_path: Path, leaving: list[str], shown_as: str
) -> None:
    """The host answers, features, pins, brings on stage and dismisses zanzibar's questions and
    undoes each; zanzibar then leaves. Every undo's outcome said "ok: Undid the answer to
    zanzibar: ..." for ever (and the file kept the name after close); now it says `shown_as`
    where it named them, and no row or file keeps the name."""
    records = [
        *START,
        line("a1", 1, "zanzibar", "3001", "which vco should I buy for bass?"),
        line("a2", 1, "zanzibar", "3001", "and how about a filter for the pad?"),
        line("x1", 2, "other", "3002", "hello there"),
        *(line(f"f{i}", 12, "zanzibar", "3001", text) for i, text in enumerate(leaving)),
    ]
    served = await serve(tmp_path, records, commands=True, speed=1.0)
    try:
        deadline = time.monotonic() + 10
        while (first := await act(served, "hana", **ACTIONS[0]))[0] != 200:
            assert time.monotonic() < deadline, "a1 never came in"
            await asyncio.sleep(0.1)
        await asyncio.sleep(1.2)  # a2 is in too
        undone = []
        for action in ACTIONS:
            status, body = first if action is ACTIONS[0] else await act(served, "hana", **action)
            assert status == 200 and body["ok"], (action, body)
            status, told = await act(served, "hana", action="undo", key=body["key"])
            assert status == 200 and told["ok"], told
            undone.append(told["message"])
        assert all("zanzibar" in message for message in undone), undone
        await served.played()
        assert served.live.flush()
        outcomes = sqlite3.connect(tmp_path / "show.db").execute(
            "SELECT outcome FROM host_actions WHERE action = 'undo' ORDER BY id"
        )
        said = [outcome for (outcome,) in outcomes]
        assert len(said) == len(ACTIONS)
        assert all(outcome.startswith("ok: Undid ") for outcome in said), said
        assert all(shown_as in outcome for outcome in said), said
    finally:
        await served.close()
    every = sqlite3.connect(tmp_path / "show.db").execute("SELECT * FROM host_actions")
    assert "zanzibar" not in repr(every.fetchall()).casefold()
    stored = b"".join(p.read_bytes() for p in tmp_path.glob("show.db*") if p.is_file())
    assert b"zanzibar" not in stored.lower()
