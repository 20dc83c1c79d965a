"""A small show with every case the metrics must get right, stored through the real pipeline.

The transcript is replayed by a show opened as the CLI opens one (`stagehand.session.open_show`)
with a `ReplayAdapter`, into a real SQLite file. The ranking's
judgement (question, on topic, side chatter, score) is then pinned with SQL, so the expected
numbers in the tests depend on the metrics' definitions alone, not on the ranker's mood.
An earlier show ("pilot") lets `ana` count as returning. `dev` opts out after the show and one of
`ana`'s comments is deleted, both recorded by the store's own recorder from the show's events.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.domain import AuthorKey
from stagehand.events import AuthorOptedOut, CommentDeleted
from stagehand.session import open_show
from stagehand.store import open_database
from stagehand.store.recorder import Recorder
from stagehand.times import parse_ts

HOSTILE = '<script>alert("x")</script></svg>\x1b[2J [@click=app.quit]hi[/] =cmd|x'


def _c(mid, ts, author, uid, text, *, platform="twitch", roles=(), reply_to=None, **extra):
    return {
        "kind": "comment",
        "id": mid,
        "ts": f"2026-11-20T19:{ts}Z",
        "platform": platform,
        "channel": "synth",
        "author_id": uid,
        "author": author,
        "text": text,
        "roles": list(roles),
        "reply_to": reply_to,
        **extra,
    }


def _h(ts, action, comment_id=None, author_id=None, text="", **extra):
    return {
        "kind": "host",
        "ts": f"2026-11-20T19:{ts}Z",
        "action": action,
        "comment_id": comment_id,
        "author_id": author_id,
        "text": text,
        **extra,
    }


SYNTH = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night", "description": ""},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Oscillators", "keywords": []},
    _c("c1", "00:05", "john", "1", "welcome!", roles=["broadcaster"]),
    _c("c2", "00:10", "ana", "101", "hi all"),
    _c("c3", "00:20", "ben", "102", "which waveform makes the fattest bass?"),
    _c("c4", "00:40", "ana", "101", "saw for sure", reply_to="c3"),
    _c("c5", "01:00", "cleo", "9001", "is a VCO the same as a DCO?", platform="discord"),
    _c("c6", "01:30", "dev", "103", "lol"),
    _h("01:20", "answer", "c3", "102"),
    _h("01:30", "reply", "c5", "9001", "no, a DCO is digitally controlled", platform="discord"),
    _c("c7", "01:40", "ben", "102", "thanks!", reply_to="c1"),
    _c("c8", "01:50", "ana", "101", "@ben good q", reply_to="c3"),
    _h("02:00", "answer", "c3", "102"),
    {"kind": "segment", "ts": "2026-11-20T19:03:00Z", "title": "Filters", "keywords": []},
    _c("c9", "03:10", "ben", "102", "how do you tame the resonance?"),
    _c("c10", "03:20", "dev", "103", "what's your favourite pizza?"),
    _c("c11", "03:30", "Cleo", "9001", "cutoff vs resonance: " + HOSTILE, platform="discord"),
    _c("c12", "03:40", "ana", "101", "buy followers at spam.example"),
    _h("04:00", "stage_start", "c9", "102"),
    _h("04:30", "answer", "c9", "102"),
    _h("04:40", "moderate", "c12", "101", "delete"),
    _c("c13", "05:00", "ana", "101", "is a ladder filter hard to build?"),
    _c("c14", "05:10", "dev", "103", "does the ladder filter need matched transistors?"),
    _h("05:20", "dismiss", "c13", "101"),
    _h("05:30", "reply", "c10", "103", "margherita", outcome="failed: emote-only mode"),
    _h("06:00", "stage_end", None, "102"),
]

PILOT = [
    {"kind": "segment", "ts": "2026-11-13T19:00:00Z", "title": "Pilot", "keywords": []},
    {**_c("p1", "00:10", "ana", "101", "first!"), "ts": "2026-11-13T19:00:10Z"},
    {**_c("p2", "00:20", "eve", "104", "hello"), "ts": "2026-11-13T19:00:20Z"},
]

# (is_question, on_topic, side_chatter, score) as the ranking is pinned to judge them.
JUDGED = {
    "c3": (1, 1, 0, 8.0),
    "c5": (1, 1, 0, 6.0),
    "c6": (0, 0, 1, 0.0),
    "c9": (1, 1, 0, 7.5),
    "c10": (1, 0, 1, 1.0),
    "c11": (1, 1, 0, 5.0),
    "c13": (1, 1, 0, 9.0),
    "c14": (1, 1, 0, 7.0),
}


async def _replay(db: Path, transcript: Path, name: str) -> None:
    live = open_show(
        Settings(),
        db_path=db,
        show_name=name,
        title=name.title() + " Night",
        adapters=[ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    await live.run_adapters()
    assert await live.close()


def write_transcript(path: Path, events: list[dict]) -> Path:
    path.write_text("".join(json.dumps(e) + "\n" for e in events), "utf-8")
    return path


def build(directory: Path, synth: list[dict] | None = None) -> Path:
    """The database with both shows, judged, with the deletion and the opt-out applied
    (`synth`: the show's transcript, SYNTH unless a test adds to it)."""
    db_path = directory / "shows.db"
    synth = SYNTH if synth is None else synth
    asyncio.run(_replay(db_path, write_transcript(directory / "pilot.jsonl", PILOT), "pilot"))
    asyncio.run(_replay(db_path, write_transcript(directory / "synth.jsonl", synth), "synth"))
    db = open_database(db_path)
    with db.conn:
        db.execute("UPDATE comments SET is_question = 0, on_topic = 0, side_chatter = 0, score = 0")
        for message_id, (question, on_topic, chatter, score) in JUDGED.items():
            db.execute(
                "UPDATE comments SET is_question = ?, on_topic = ?, side_chatter = ?, score = ?"
                " WHERE message_id = ?",
                (question, on_topic, chatter, score, message_id),
            )
        (synth_id,) = db.execute("SELECT id FROM shows WHERE name = 'synth'").fetchone()
        recorder = Recorder(db, synth_id)
        recorder.record(CommentDeleted("twitch", "c12", parse_ts("2026-11-20T19:04:41Z")))
        recorder.record(AuthorOptedOut(AuthorKey("twitch", "103")))
    db.conn.close()
    return db_path


def stagehand(*args: str) -> str:
    """`python -m stagehand ARGS` as a user runs it: its output, once it exits 0 with no traceback."""
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True, timeout=120, env=os.environ, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    stderr = done.stderr.decode(errors="replace")
    assert done.returncode == 0, stderr
    assert "Traceback" not in stderr
    return done.stdout.decode("utf-8")


def synth_report(db: Path, fmt: str) -> str:
    """The "synth" show's report in `fmt`, as `stagehand report` writes it."""
    return stagehand("report", "synth", "--db", str(db), "--format", fmt)
