"""Export, then replay: the replayed export is the same show, segment by segment, to its end.

Each test stores a show the way a user does (`stagehand replay`, a real subprocess, a real SQLite
file), exports it, replays the export into a second database and exports that: both reports say
the same and both exports are the same text.
"""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from fakes.transcripts import write_jsonl
from stagehand.config import Settings
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.platform import ActionResult, Adapter, AdapterSink, ConnectionState
from stagehand.session import open_show


def stagehand(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )


def comment(id: str, second: float, text: str, **more: object) -> dict:
    minute, rest = divmod(second, 60)
    return {
        "kind": "comment",
        "id": id,
        "ts": f"2026-11-20T19:{int(minute):02d}:{rest:06.3f}Z",
        "platform": "twitch",
        "channel": "synthnight",
        "author_id": more.pop("author_id", id),
        "author": more.pop("author", f"viewer_{id}"),
        "text": text,
        **more,
    }


def segment(second: int, title: str, *keywords: str) -> dict:
    ts = f"2026-11-20T19:{second // 60:02d}:{second % 60:02d}.000Z"
    return {"kind": "segment", "ts": ts, "title": title, "keywords": list(keywords)}


SHOW = {"kind": "show", "ts": "2026-11-20T19:00:00.000Z", "title": "Synth Night"}


def export(db: Path, out: Path) -> str:
    done = stagehand("export", "--db", str(db), "-o", str(out))
    assert done.returncode == 0, done.stderr
    return out.read_text(encoding="utf-8")


def report(db: Path) -> dict:
    done = stagehand("report", "--db", str(db), "--format", "json")
    assert done.returncode == 0, done.stderr
    shown = json.loads(done.stdout)
    del shown["show"]["name"]  # a replay is named after its file
    return shown


def segments_of_comments(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT comments.message_id, segments.position FROM comments"
            " JOIN segments ON segments.id = comments.segment_id"
        ).fetchall()
    return dict(rows)


def round_trip(tmp_path: Path, first: Path) -> tuple[dict, dict]:
    """Export `first`, replay the export, export that: (first's report, the replay's report)."""
    exported = export(first, tmp_path / "first.jsonl")
    second = tmp_path / "second.db"
    played = stagehand(
        "replay", str(tmp_path / "first.jsonl"), "--db", str(second), "--instant", "--headless"
    )
    assert played.returncode == 0, played.stderr
    assert export(second, tmp_path / "second.jsonl") == exported
    assert segments_of_comments(second) == segments_of_comments(first)
    return report(first), report(second)


def test_every_comment_comes_back_in_the_segment_it_was_in(tmp_path: Path) -> None:
    """At a segment's start, what the show had before the segment stays before it: a comment
    written just before a segment line with the same time, the moderator's `!segment` that began
    one, a comment whose clock ran a little ahead of or behind its segment."""
    transcript = write_jsonl(
        tmp_path / "segments.jsonl",
        [
            SHOW,
            segment(0, "Intro", "hello"),
            comment("c1", 5, "hello there how are you"),
            comment("c2", 10, "!segment Filters | filter, cutoff", roles=["moderator"]),
            comment("c3", 15, "what cutoff do you use for the filter?"),
            comment("c4", 20, "does the filter need a cutoff knob?"),
            segment(20, "Envelopes", "envelope", "adsr"),
            comment("c5", 20, "how long is the envelope attack?"),
            comment("c6", 19.5, "is the adsr attack linear?"),  # its clock ran behind
            comment("c7", 31, "which envelope for a pluck?"),  # ahead: in before the segment
            segment(30, "MIDI", "midi", "arduino"),
            comment("c8", 35, "does midi need an arduino?"),
        ],
    )
    first = tmp_path / "first.db"
    played = stagehand("replay", str(transcript), "--db", str(first), "--instant", "--headless")
    assert played.returncode == 0, played.stderr
    assert segments_of_comments(first) == {
        "c1": 1, "c2": 1, "c3": 2, "c4": 2, "c5": 3, "c6": 3, "c7": 3, "c8": 4,
    }  # fmt: skip

    stored, replayed = round_trip(tmp_path, first)
    assert [s["comments"] for s in replayed["segments"]] == [1, 2, 3, 1]
    assert replayed["segments"] == stored["segments"]
    assert replayed == stored


def test_a_show_quit_with_a_comment_on_stream_comes_back_as_long(tmp_path: Path) -> None:
    """Quit (here Ctrl-C) a while after the last chat, a comment on stream: the export carries
    when the show ended, so its replay lasts as long and shows the comment as long."""
    transcript = write_jsonl(
        tmp_path / "quit.jsonl",
        [
            SHOW,
            segment(0, "Filters", "filter", "cutoff"),
            comment("c1", 5, "what cutoff do you use for the filter?"),
            {
                "kind": "host",
                "ts": "2026-11-20T19:00:06.000Z",
                "action": "feature",
                "comment_id": "c1",
                "author_id": "c1",
                "platform": "twitch",
            },
            comment("c2", 8, "nice filter sweep"),
            comment("c3", 40 * 60, "still here"),  # long after the quit: never played
        ],
    )
    first = tmp_path / "first.db"
    command = ["replay", str(transcript), "--db", str(first), "--speed", "20", "--headless"]
    show = subprocess.Popen(
        [sys.executable, "-m", "stagehand", *command],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while not on_stream(first) and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.5)  # the show goes on after its last chat (20 s of show time a second)
    show.send_signal(signal.SIGINT)
    _, stderr = show.communicate(timeout=60)
    assert show.returncode == 128 + signal.SIGINT, stderr
    # Stopped part-way, a replay is not closed (the command that ran it resumes it): its export has
    # no end line, and the replay of the export, played to its last line, is; the show's
    # length and what was on stream, and for how long, come back the same.
    stored = report(first)
    assert stored["show"]["closed"] is False
    exported = export(first, tmp_path / "first.jsonl")
    assert json.loads(exported.splitlines()[-1])["kind"] == "off_stream"
    second = tmp_path / "second.db"
    played = stagehand(
        "replay", str(tmp_path / "first.jsonl"), "--db", str(second), "--instant", "--headless"
    )
    assert played.returncode == 0, played.stderr
    replayed = report(second)
    assert replayed["show"]["duration_seconds"] >= 30  # it ran on past c2, at 8 s
    assert replayed["shown_on_stream"] == stored["shown_on_stream"]
    # Stopped, the show lasted until the stop (c1 on stream until then), not until its last
    # comment (8 s): as long as the export played through, and as long as c1 was on stream.
    assert stored["show"]["duration_seconds"] == replayed["show"]["duration_seconds"]
    assert stored["show"]["last_known_at"] == replayed["show"]["closed_at"]


def on_stream(db: Path) -> bool:
    if not db.exists():
        return False
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT count(*) FROM on_stream").fetchone()[0] > 0
    except sqlite3.OperationalError:  # not made yet
        return False


class Chat(Adapter):
    """A live platform: connected while the show runs; its chat is what the test delivers."""

    platform = "twitch"

    def __init__(self) -> None:
        self.closed = asyncio.Event()

    async def run(self, sink: AdapterSink) -> None:
        sink.connection_changed(self.platform, ConnectionState.CONNECTED, "test chat")
        await self.closed.wait()

    async def close(self) -> None:
        self.closed.set()


async def test_time_up_platform_deletions_and_topic_edits_come_back_in_a_replay(
    tmp_path: Path,
) -> None:
    """A comment that left the stream when its time was up, comments the platform deleted (one
    queued, one on stream) and a topic edited mid-segment: the replayed export shows each as
    long, keeps the deleted ones out, and ranks each comment by the topic live when it came."""
    chat = Chat()
    first = tmp_path / "first.db"
    live = open_show(
        Settings(overlay={"feature_seconds": 0.6}),
        db_path=first,
        show_name="synth",
        title="Synth Night",
        adapters=[chat],
        commands=False,
    )
    running = asyncio.ensure_future(live.run_adapters())
    viewers = iter(range(100, 200))

    async def say(text: str) -> Comment:
        said = Comment(
            f"c{next(viewers)}",
            "twitch",
            "synthnight",
            Author("twitch", str(next(viewers)), f"viewer{next(viewers)}"),
            text,
            datetime.now(UTC),
        )
        live.comment_received(said)
        assert live.flush()
        found = live.find_comment("twitch", said.id)
        assert found is not None
        await asyncio.sleep(0.05)
        return found

    await asyncio.sleep(0.1)
    live.new_segment("Filters", ["filter", "cutoff"])
    cutoff = await say("what cutoff do you use for the filter?")
    envelope = await say("how long should the envelope attack be?")  # off topic, for now
    assert live.feature(cutoff).ok
    await asyncio.sleep(0.9)  # its time is up after 0.6 s
    assert live.featured is None
    spam = await say("what filter is the best filter? buy followers at spam.example")
    live.comment_deleted("twitch", spam.id, datetime.now(UTC))  # a platform moderator did
    live.edit_topic("Filters and envelopes", ["filter", "envelope", "attack"])
    attack = await say("is the envelope attack linear?")
    assert live.feature(attack).ok
    await asyncio.sleep(0.3)
    live.comment_deleted("twitch", attack.id, datetime.now(UTC))  # off stream at once
    assert live.featured is None
    await asyncio.sleep(0.5)
    assert envelope.id
    assert await live.close()
    await running

    stored, replayed = round_trip(tmp_path, first)
    assert [row["seconds"] for row in stored["shown_on_stream"]] == [0.6, 0.3]
    assert replayed["shown_on_stream"] == stored["shown_on_stream"]
    assert stored["deleted_comments"] == 2
    assert replayed["segments"] == stored["segments"]
    assert replayed == stored
    with sqlite3.connect(tmp_path / "second.db") as conn:
        topic = conn.execute("SELECT title, keywords FROM segments").fetchall()
    assert topic == [("Filters and envelopes", '["filter", "envelope", "attack"]')]


def test_an_opted_out_and_a_forgotten_viewer_count_the_same_after_a_replay(
    tmp_path: Path,
) -> None:
    """Their text is not kept, so it is not exported: their comments come back as comments
    (and a host's line as a host's), their chat commands (`!optout`, `!forget`, `!forget
    confirm`, `!hand`) not at all. Written with no text, those were replayed as comments: the
    report of the replay counted 3 more."""
    transcript = write_jsonl(
        tmp_path / "private.jsonl",
        [
            SHOW,
            segment(0, "Filters", "filter", "cutoff"),
            comment("c1", 5, "hello from berlin", author_id="ana", author="ana"),
            comment("c2", 6, "what cutoff do you use for the filter?", author_id="ben"),
            comment("c3", 7, "evening all", author_id="dan", author="dan"),
            comment("c4", 8, "!hand", author_id="ana", author="ana"),
            comment("c5", 9, "!optout", author_id="ana", author="ana"),
            comment("c6", 10, "nice to be here", author_id="ana", author="ana"),
            comment("c7", 11, "!forget", author_id="dan", author="dan"),
            comment("c8", 12, "!forget confirm", author_id="dan", author="dan"),
            comment("c9", 13, "welcome everyone", author_id="jo", author="jo", roles=["host"]),
            comment("c10", 14, "!optout", author_id="jo", author="jo", roles=["host"]),
            comment("c11", 15, "mods, keep it friendly", author_id="mo", roles=["moderator"]),
            comment("c12", 16, "!forget", author_id="mo", roles=["moderator"]),
            comment("c13", 17, "!forget confirm", author_id="mo", roles=["moderator"]),
            segment(20, "Envelopes", "envelope", "attack"),
            comment("c14", 25, "good night", author_id="ana", author="ana"),
            comment("c15", 26, "how long is the envelope attack?", author_id="ben"),
        ],
    )
    first = tmp_path / "first.db"
    played = stagehand("replay", str(transcript), "--db", str(first), "--instant", "--headless")
    assert played.returncode == 0, played.stderr
    exported = export(first, tmp_path / "first.jsonl")
    for said in ("berlin", "evening", "welcome", "friendly", "!optout", "!forget", "!hand"):
        assert said not in exported
    second = tmp_path / "second.db"
    played = stagehand(
        "replay", str(tmp_path / "first.jsonl"), "--db", str(second), "--instant", "--headless"
    )
    assert played.returncode == 0, played.stderr
    assert export(second, tmp_path / "second.jsonl") == exported
    stored, replayed = report(first), report(second)
    assert stored["comments"] == 7  # c1-c3, c6, c11, c14, c15: no command, no host line
    assert stored["host_comments"] == 1  # jo's, though jo opted out
    assert replayed["comments"] == stored["comments"]
    assert replayed["host_comments"] == stored["host_comments"]
    assert replayed["segments"] == stored["segments"]
    assert replayed["people"] == stored["people"]
    # The fresh starts (`!forget confirm`, `!optin`) are those viewers' commands, which are not
    # exported (docs/transcript-format.md): the replayed show does not know of them.
    assert (stored.pop("started_afresh"), replayed.pop("started_afresh")) == (2, 0)
    # mo's forgotten name first spoke after dan's fresh start, so it can be dan again.
    assert (stored.pop("fewest_people"), replayed.pop("fewest_people")) == (3, 4)
    assert replayed == stored
    commands = {"c4", "c5", "c7", "c8", "c10", "c12", "c13"}
    in_segments = segments_of_comments(first)
    assert segments_of_comments(second) == {
        id: number for id, number in in_segments.items() if id not in commands
    }


class Refusing(Chat):
    """Twitch, connected, refusing every moderation (the bot lacks the scope)."""

    async def moderate(self, comment, kind, *, duration_seconds=None, reason=""):  # type: ignore[no-untyped-def]
        return ActionResult.failed(f"twitch refused the {kind.value}: missing scope")


async def test_a_refused_ban_and_a_deletion_only_recorded_replay_as_they_were(
    tmp_path: Path,
) -> None:
    """A ban the platform refused changed nothing, and a deletion made with no connection to act
    through deleted nothing and was undone: replayed from the export, neither is applied as
    done (before, the export said nothing of either, and the replay banned and deleted)."""
    chat = Refusing()
    first = tmp_path / "first.db"
    live = open_show(Settings(), db_path=first, show_name="synth", adapters=[chat], commands=False)
    running = asyncio.ensure_future(live.run_adapters())
    await asyncio.sleep(0.1)
    live.new_segment("Filters", ["filter"])
    said = {}
    for number, (platform, text) in enumerate(
        [("twitch", "what filter do you use?"), ("discord", "buy followers at spam.example")]
    ):
        comment = Comment(
            f"m{number}",
            platform,
            "synthnight",
            Author(platform, f"{number}", f"viewer{number}"),
            text,
            datetime.now(UTC),
        )
        live.comment_received(comment)
        assert live.flush()
        said[platform] = live.find_comment(platform, comment.id)
    refused = await live.moderate(said["twitch"], ModerationKind.BAN)
    assert not refused.ok
    recorded = await live.moderate(said["discord"], ModerationKind.DELETE)  # no Discord here
    assert recorded.ok and not recorded.acted
    assert (await live.undo(recorded.key)).ok
    assert await live.close()
    await running

    stored, replayed = round_trip(tmp_path, first)
    assert stored["deleted_comments"] == replayed["deleted_comments"] == 0
    assert replayed == stored
    with sqlite3.connect(tmp_path / "second.db") as conn:
        outcomes = conn.execute(
            "SELECT action, text, substr(outcome, 1, 6) FROM host_actions ORDER BY id"
        ).fetchall()
    assert outcomes == [
        ("segment", "Filters", "replay"),
        ("moderate", "ban", "failed"),
        ("moderate", "delete", "ok: mo"),
        ("undo", "moderate", "replay"),
    ]


async def test_a_platform_ban_of_a_viewer_who_never_chatted_names_them_after_a_replay(
    tmp_path: Path,
) -> None:
    """A Twitch moderator banned ben, who never chatted in the show, and his ban was lifted
    there: the export names him on those lines (he has no comment to name him), so the replayed
    show logs them about him as the show did, and its report counts him banned, as the show's
    does (before, the replay's log named no one and its report counted nobody)."""
    first = tmp_path / "first.db"
    live = open_show(Settings(), db_path=first, show_name="synth", adapters=[], commands=False)
    live.comment_received(
        Comment("m1", "twitch", "synthnight", ANA, "what filter is that?", datetime.now(UTC))
    )
    ben = Author("twitch", "7002", "ben", "Ben")
    live.author_banned(ben, "ban", "was banned on Twitch", by="mo", by_id="7003", key="ban-1")
    live.author_unbanned(ben, "was unbanned on Twitch", by="mo", by_id="7003")
    assert live.flush()
    assert await live.close()

    stored, replayed = round_trip(tmp_path, first)
    assert replayed["moderation"]["on_platform"]["viewers_banned"] == 1
    assert replayed == stored
    lines = [json.loads(line) for line in (tmp_path / "first.jsonl").read_text().splitlines()]
    named = [
        (e["text"], e["author_id"], e["author"], e["display_name"])
        for e in lines
        if e.get("action") == "moderate"
    ]
    assert named == [("ban", "7002", "ben", "Ben"), ("unban", "7002", "ben", "Ben")]
    with sqlite3.connect(tmp_path / "second.db") as conn:
        logged = conn.execute(
            "SELECT host_actions.text, authors.name, authors.display_name FROM host_actions"
            " JOIN authors ON authors.id = host_actions.author_id ORDER BY host_actions.id"
        ).fetchall()
    conn.close()
    assert logged == [("ban", "ben", "Ben"), ("unban", "ben", "Ben")]


ANA = Author("twitch", "7001", "ana", "Ana")
