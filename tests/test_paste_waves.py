"""Who is in a merged row, and what it is, as a host meets it: the real replay into a real SQLite
file, the queue every screen folds from the show's events, and `stagehand report` as a user runs
it. A question four viewers posted word for word is "asked by 4" everywhere, from first to last;
a question pasted by 31 is "pasted by 31" everywhere; a real question sharing the wave's words is
a row of its own (reviewer findings 4 and 5)."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from commands.chat import START, say, segment, write_transcript
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.console.state import ConsoleState
from stagehand.console.widgets.detail import asked_by_line
from stagehand.domain import Author, RankedComment, Score
from stagehand.events import CommentRanked, CoreEvent
from stagehand.ranking.recency import rank_key
from stagehand.session import open_show
from stagehand.show.queue import ShowQueue

DRIVER = "How can I get the correct driver for my synth filter?"
WAVE = "what synth filter should I buy? copy this if you agree the filter is the best part!!"
PLATFORMS = ("twitch", "discord", "youtube", "twitch")


def show() -> list[dict]:
    lines = [segment("Synth filters", ["synth", "filter"])]
    # Four viewers on three platforms ask the identical question within six seconds.
    lines += [
        say(f"d{n}", f"driver{n}", DRIVER, t=10 + 2 * n, platform=platform)
        for n, platform in enumerate(PLATFORMS)
    ]
    # Then 31 viewers paste a question, one a second, and a viewer asks a real one meanwhile.
    lines += [say(f"p{n}", f"paster{n}", WAVE, t=30 + n) for n in range(31)]
    lines.append(say("q1", "asker", "which synth filter do you like best?", t=45))
    return lines


def stagehand(*args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        capture_output=True, text=True, timeout=120, stdin=subprocess.DEVNULL, check=False,
    )  # fmt: skip
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    return done.stdout


def test_the_report_says_what_the_queue_row_said_and_keeps_the_real_question_apart(
    tmp_path: Path,
) -> None:
    transcript = write_transcript(tmp_path / "filters.jsonl", show())
    db = tmp_path / "show.db"
    stagehand("replay", str(transcript), "--db", str(db), "--instant", "--headless")
    report = stagehand("report", "filters", "--db", str(db), "--format", "term")
    lines = report.splitlines()
    driver = [line for line in lines if "correct driver" in line]
    wave = [line for line in lines if "copy this if you agree" in line]
    real = [line for line in lines if "do you like best" in line]
    assert len(driver) == 1 and "asked by 4" in driver[0], report
    assert len(wave) == 1 and "pasted by 31" in wave[0] and "asked by" not in wave[0], report
    assert len(real) == 1 and "by " not in real[0].split("do you like best")[1], report


async def test_the_queue_row_keeps_its_askers_and_its_kind_while_the_queue_is_pruned(
    tmp_path: Path,
) -> None:
    """The queue keeps its best comments; it kept the wave's first posts and dropped its sunk
    pastes, and the row read "pasted by 4" at first and "asked by 2" later. Now a row is kept or
    dropped whole, and a question four viewers asked is theirs, lifted, at the top."""
    transcript = write_transcript(tmp_path / "filters.jsonl", show())
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="filters",
        adapters=[ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    await live.run_adapters()
    await live.close()
    state = ConsoleState()
    for event in events:
        state.apply(event)
    rows = state.queue_rows()
    top = rows[0]
    assert top.ranked.comment.id == "d0" and top.asked_by == 4
    assert "copypasta" not in top.ranked.score.flags and top.ranked.score.reasons["asked_by"] > 0
    assert asked_by_line(top.askers, staff=None).plain == (
        "asked by 4: driver0 TW, driver1 DC, driver2 YT and 1 more"
    )
    wave = next(row for row in rows if row.ranked.comment.id == "p0")
    assert wave.asked_by == 31 and "copypasta" in wave.ranked.score.flags
    assert asked_by_line(wave.askers, staff=None).plain == (
        "pasted by 31: paster0 TW, paster1 TW, paster2 TW and 28 more"
    )
    real = next(row for row in rows if row.ranked.comment.id == "q1")
    assert real.asked_by == 1  # not swallowed: `a` on the wave leaves it waiting

    # A small queue, pruned as comments keep coming: the wave's row stays whole or goes whole.
    ranked = [e.ranked for e in events if isinstance(e, CommentRanked)]
    small = ShowQueue(queue_size=40)
    for item in ranked:
        small.add_comment(item)
    for n in range(40):
        said = START + timedelta(seconds=60 + n)
        chatter = dataclasses.replace(
            ranked[0].comment,
            id=f"x{n}",
            author=Author("twitch", f"id-x{n}", f"chat{n}"),
            text=f"nice filter sweep {n}",
            clean_text=f"nice filter sweep {n}",
            ts=said,
        )
        value = 4.0 + n / 100  # above the pastes, below the askers
        score = Score(value, rank_key(value, said.timestamp(), 600.0))
        small.add_comment(RankedComment(chatter, score, 1))
        for row in small.queue_rows():
            if row.ranked.comment.id == "d0":
                assert row.asked_by == 4 and "copypasta" not in row.ranked.score.flags
            if row.ranked.comment.id.startswith("p"):
                assert row.asked_by == 31 and "copypasta" in row.ranked.score.flags


def test_one_question_many_viewers_asked_leaves_room_for_every_other_row() -> None:
    """600 viewers asking "song?" (too short for a paste wave: one row) and 120 other comments:
    trimming the queue by comments cut that row to the queue's size and dropped every other
    row, leaving a queue of one (found by the last read: 260 askers did it). Rows count now,
    a row keeps at most `queue_size` askers, and the queue at most about twice that."""
    from stagehand.domain import Comment

    def ranked(n: int, who: str, text: str, value: float, same: tuple[str, str] | None = None):
        said = START + timedelta(seconds=n)
        comment = Comment(
            f"m{n}", "twitch", "ch", Author("twitch", who, who), text, said, clean_text=text
        )
        flags = frozenset({"question", *(["same_question"] if same else [])})
        return RankedComment(
            comment, Score(value, rank_key(value, said.timestamp(), 600.0), {}, flags, same), 1
        )

    queue = ShowQueue(queue_size=200)
    for n in range(120):
        queue.add_comment(ranked(n, f"r{n}", f"remark number {n}?", 1.5))
    for n in range(600):
        same = None if n == 0 else ("twitch", "m120")
        queue.add_comment(ranked(120 + n, f"s{n}", "song?", 0.8, same))
    rows = queue.queue_rows()
    assert len(rows) == 121
    song = next(row for row in rows if row.ranked.comment.text == "song?")
    # Cut to queue_size askers in the queue at each trim, the rest kept beside it: every
    # viewer still counts, and an answer to the row answers them all.
    assert song.asked_by == 600
    assert len(queue.queue) <= 2 * 200 + 50
