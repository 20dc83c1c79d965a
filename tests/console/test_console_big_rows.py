"""One question asked by more viewers than the queue keeps comments for (`[console] queue_size`):
the row keeps counting every asker, and answering it answers every one of them, so the console,
the host action and the report agree. The trim kept at most `queue_size` askers of a row: the
console said "asked by 10" of 30, the answer counted 10 and the report said 20 of the viewers
who asked what the host answered were never answered.

The real app under Pilot on a show replayed into a real SQLite file; the report's numbers
from the show's own metrics.
"""

from __future__ import annotations

import json

from conftest import actions_done, comment_record, open_console, played, screen_text, select
from stagehand.config import Settings
from stagehand.config.sections import ConsoleSettings
from stagehand.console.widgets.queue import QueueView

#: Thirty ways to end the same question: thirty viewers, one row (too few alike for a wave).
ENDINGS = [
    "please",
    "mate",
    "guys",
    "folks",
    "friends",
    "chat",
    "team",
    "crew",
    "people",
    "pals",
    "buddies",
    "everyone",
    "yall",
    "host",
    "dude",
    "bro",
    "sis",
    "fam",
    "gang",
    "squad",
    "lads",
    "ladies",
    "gents",
    "kids",
    "chums",
    "amigos",
    "comrades",
    "peeps",
    "homies",
    "fellas",
]


def records() -> list[dict]:
    out: list[dict] = [
        {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Big rows"},
        {
            "kind": "segment",
            "ts": "2026-11-20T19:00:00Z",
            "title": "Synths",
            "keywords": ["synth"],
        },
    ]
    for n in range(12):
        out.append(
            comment_record(
                f"r{n}",
                f"2026-11-20T19:00:{n:02d}Z",
                f"other{n}",
                str(500 + n),
                f"is filter number {n} any good?",
            )
        )
    for n, ending in enumerate(ENDINGS):
        out.append(
            comment_record(
                f"s{n}",
                f"2026-11-20T19:01:{n:02d}Z",
                f"fan{n}",
                str(100 + n),
                f"what song is playing right now {ending}?",
            )
        )
    return out


async def test_a_row_asked_by_more_viewers_than_the_queue_keeps_answers_them_all(
    tmp_path,
) -> None:
    transcript = tmp_path / "big.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records()), "utf-8")
    settings = Settings(console=ConsoleSettings(queue_size=10))
    console = open_console(tmp_path / "show.db", transcript, settings=settings)
    async with console.app.run_test(size=(140, 40)) as pilot:
        await played(console, pilot)
        app = console.app
        assert "asked by 30 what song is playing" in screen_text(app)
        select(app, "s0")
        await pilot.pause()
        await pilot.press("p")  # what the host is asked before bringing the row on stage
        assert "This row stands for 30 viewers" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("a")
        await actions_done(pilot)
        assert "Answered fan0 and 29 others who asked the same on air" in screen_text(app)
        assert not any(r.comment.id.startswith("s") for r in app.query_one(QueueView).entries)
        db = console.db()
        answered = {
            message_id
            for (message_id,) in db.execute(
                "SELECT c.message_id FROM host_actions h JOIN comments c ON c.id = h.comment_id "
                "WHERE h.action = 'answer'"
            )
        }
        assert answered == {f"s{n}" for n in range(30)}
        totals = console.live.participation()
        assert totals is not None and totals.answered == 30
        # The queue's memory stays bounded: the cut askers are beside it, not in it.
        assert len(app.state.queue) <= 2 * 10 + 10
        # u takes the answer back for every one of them: the row is back, asked by 30.
        await pilot.press("u")
        await actions_done(pilot)
        assert "asked by 30 what song is playing" in screen_text(app)
        assert console.live.participation().answered == 0
