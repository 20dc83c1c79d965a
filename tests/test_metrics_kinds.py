"""The numbers count what viewers said (issue 13, 16-18): one definition (docs/metrics.md), used
by the report and by `stagehand shows` alike.

Shows are replayed through the real pipeline with chat commands on, into real SQLite files; the
CLI runs as a subprocess, the way a host runs it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from commands.chat import play, say, segment
from stagehand.config import Settings, ShowSettings
from stagehand.demo import demo_transcript_path
from stagehand.metrics import show_metrics
from stagehand.store import open_database

MOD = ["moderator"]


def listed_counts(listing: str, show: str) -> tuple[str, str]:
    """COMMENTS and PEOPLE of `show` in `stagehand shows` (right-aligned under their headings)."""
    header, *rows = listing.splitlines()
    row = next(line for line in rows if line.startswith(f"{show} "))
    ends = [header.index(label) + len(label) for label in ("COMMENTS", "PEOPLE")]
    return row[: ends[0]].split()[-1], row[: ends[1]].split()[-1]


def stagehand(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=dict(os.environ),
        stdin=subprocess.DEVNULL,
    )


CHATTY = [
    segment("Filters", ["resonance", "cutoff", "ladder"]),
    say("h1", "john", "welcome everyone, tonight: the ladder filter", t=1, roles=["broadcaster"]),
    say("h2", "cohost", "the ladder needs matched transistors", t=2),  # a [show] hosts account
    *(say(f"c{n}", "ana", "!hand" if n % 2 else "!lower", t=3 + n) for n in range(8)),
    say("v1", "ana", "the ladder filter sounds so warm", t=20),
    say("c9", "ben", "!hand", t=21),  # ben only ever typed commands
    say("c10", "ben", "!uptime", t=22),
    say("a1", "cleo", "!ask what cutoff do you use for bass?", t=23),
    say("a2", "dev", "!ask", t=24),
    say("m1", "mo", "how do I set the cutoff on this one?", t=25, roles=MOD),
    say("b1", "nightbot", "Follow for more builds! How about a sub?", t=26),
]


async def test_commands_and_bots_are_not_comments_and_ask_counts_as_a_question(
    tmp_path: Path,
) -> None:
    settings = Settings(show=ShowSettings(hosts=["twitch:cohost"]))
    played = await play(tmp_path, CHATTY, settings=settings)
    db = open_database(tmp_path / "show.db", create=False)
    metrics = show_metrics(db, "synth")
    m = metrics.totals
    # ana's remark, cleo's question, mo's line: not the 10 commands, not nightbot, not the hosts
    assert m.comments == 3
    assert m.host_comments == 2  # the broadcaster and the [show] hosts account
    assert m.participants == 3  # ana, cleo, mo; ben only typed commands
    # cleo's !ask is a question; a moderator's line never is; nightbot's never counts
    assert (m.questions, m.on_topic_questions) == (1, 1)
    most_active = {row.author: row.comments for row in metrics.participants}
    assert most_active == {"ana": 1, "cleo": 1, "mo": 1}
    assert [q.text for q in metrics.follow_ups] == ["what cutoff do you use for bass?"]
    assert sum(point.comments for point in metrics.timeline) == 3
    db.conn.close()
    assert played.outcomes("hand")  # the commands were still handled


async def test_shows_and_report_agree_on_comments_and_people(tmp_path: Path) -> None:
    settings = Settings(show=ShowSettings(hosts=["twitch:cohost"]))
    await play(tmp_path, CHATTY, settings=settings)
    db = str(tmp_path / "show.db")
    report = stagehand("report", "synth", "--db", db, "--format", "json")
    assert report.returncode == 0, report.stderr
    numbers = json.loads(report.stdout)
    listing = stagehand("shows", "--db", db)
    assert listing.returncode == 0, listing.stderr
    assert (numbers["comments"], numbers["participants"]) == (3, 3)
    assert listed_counts(listing.stdout, "synth") == ("3", "3")


def test_the_demo_counts_the_same_in_shows_and_report_and_follows_up_only_the_shows_questions(
    tmp_path: Path,
) -> None:
    db = str(tmp_path / "demo.db")
    replayed = stagehand(
        "replay", str(demo_transcript_path()), "--db", db, "--instant", "--headless", "--show",
        "demo",
    )  # fmt: skip
    assert replayed.returncode == 0, replayed.stderr
    report = stagehand("report", "demo", "--db", db, "--format", "json", "--follow-up", "0")
    numbers = json.loads(report.stdout)
    listing = stagehand("shows", "--db", db)
    counts = (str(numbers["comments"]), str(numbers["participants"]))
    assert listed_counts(listing.stdout, "demo") == counts

    texts = [q["text"] for q in numbers["unanswered_questions"]]
    assert texts, "the demo leaves questions for the hosts to follow up"
    # Viewers talking to each other are not questions for the show (the examples).
    assert "@reverbqueen right?? we're all noodle now" not in texts
    assert "anyone going to superbooth next year?" not in texts
    assert not [text for text in texts if text.startswith("@")]
    assert not [text for text in texts if text.startswith("!")]  # nor commands, nor "!ask "
    # The most active viewers are counted by what they said, not by their commands.
    people = {p["author"]: p["comments"] for p in numbers["people"]}
    assert "Nightbot" not in people and "nightbot" not in people
    assert sum(people.values()) == numbers["comments"]


async def test_follow_ups_leave_out_questions_put_to_other_viewers(tmp_path: Path) -> None:
    played = await play(
        tmp_path,
        [
            segment("Filters", ["resonance", "cutoff", "ladder"]),
            say("q1", "ana", "how do you tame the resonance of the ladder?", t=1),
            say("q2", "ben", "@ana which ladder kit did you build?", t=2),
            say("q3", "cleo", "did your ladder filter kit ever arrive?", t=3, reply_to="q1"),
            say("q4", "dev", "anyone know a good ladder filter kit?", t=4),
            say("q5", "eve", "what cutoff do you use for the ladder?", t=5),
        ],
    )
    assert played.db.execute("SELECT message_id FROM comments WHERE to_chat").fetchall() == [
        ("q2",),
        ("q3",),
        ("q4",),
    ]
    db = open_database(tmp_path / "show.db", create=False)
    metrics = show_metrics(db, "synth")
    assert sorted(q.text for q in metrics.follow_ups) == [
        "how do you tame the resonance of the ladder?",
        "what cutoff do you use for the ladder?",
    ]
    assert metrics.unanswered_on_topic_questions == 2
    db.conn.close()


async def test_a_question_replying_to_a_configured_co_host_is_for_the_show(tmp_path: Path) -> None:
    # `[show] hosts = ["twitch:cohost"]`: the platform gives the co-host no role, and a viewer's
    # reply to them is a question for the show (docs/metrics.md: "Replies to the hosts are for
    # the show"), not chat among viewers: it is counted and followed up like any other.
    played = await play(
        tmp_path,
        [
            segment("Filters", ["filter", "resonance"]),
            say("c1", "cohost", "the resonance knob is the fun one tonight", t=1),
            say("q1", "cal", "what filter resonance do you use?", t=2, reply_to="c1"),
        ],
        settings=Settings(show=ShowSettings(hosts=["twitch:cohost"])),
    )
    assert played.db.execute(
        "SELECT to_chat, is_question FROM comments WHERE message_id = 'q1'"
    ).fetchall() == [(0, 1)]
    db = open_database(tmp_path / "show.db", create=False)
    metrics = show_metrics(db, "synth")
    assert [q.text for q in metrics.follow_ups] == ["what filter resonance do you use?"]
    db.conn.close()
