"""The ranker in a worker process (`[ranking] worker`, ranking/worker.py) ranks a show exactly as
it would in the show's own process, keeps every event in arrival order, and loses nothing when
the worker dies: the show ranks in its own process from then on and says so.

Real shows are replayed into real SQLite files through `open_show`, once with the worker and
once without, and compared row for row and event for event.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import os
import resource
import signal
import socket
import sqlite3
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.demo import demo_transcript_path
from stagehand.domain import Author, Comment, HostAction, HostActionKind, Score
from stagehand.events import CommentRanked, CoreEvent, HostActionLogged, Notice, SegmentChanged
from stagehand.importers.twitch_irc import read_comments
from stagehand.ranking import channel, worker, worker_pool
from stagehand.ranking.ranker import Ranker
from stagehand.session import open_show
from stagehand.show.live import LiveShow
from stagehand.transcript import CommentEvent, SegmentEvent, TranscriptEvent

T0 = datetime(2026, 12, 6, 19, 0, tzinfo=UTC)


def settings(where: str) -> Settings:
    return Settings.model_validate({"ranking": {"worker": where}})


def replay(
    db: Path, where: str, source: Path | Iterable[TranscriptEvent], *, kill_worker_at: int = 0
) -> tuple[list[CoreEvent], bool]:
    """Play `source` flat out into `db`; the events heard, and whether the worker was still
    ranking at the end. `kill_worker_at`: SIGKILL the worker once that many comments are in."""
    heard: list[CoreEvent] = []

    async def play() -> bool:
        live = open_show(
            settings(where),
            db_path=db,
            show_name="show",
            adapters=[ReplayAdapter(source, instant=True)],
        )
        seen = 0

        def listen(event: CoreEvent) -> None:
            nonlocal seen
            heard.append(event)
            if isinstance(event, CommentRanked):
                seen += 1
                if seen == kill_worker_at:
                    os.kill(live.ranking_worker_pid or 0, signal.SIGKILL)

        live.add_listener(listen)
        await live.run_adapters()
        await live.drain()
        in_worker = live.ranking_worker_pid is not None
        assert await live.close()
        return in_worker

    return heard, asyncio.run(play())


def scored_rows(db: Path) -> list[tuple[object, ...]]:
    """Each comment's kind, segment and score. Scores to 9 places: a sum over a set of words
    may add in another order in another process (string hashing differs per process)."""
    with sqlite3.connect(db) as conn:
        return conn.execute(
            "SELECT message_id, kind, segment_id, round(score, 9), round(rank_key, 6), reasons,"
            " flags FROM comments ORDER BY id"
        ).fetchall()


def in_order(heard: list[CoreEvent]) -> list[tuple[str, str]]:
    """Every event's type and what it is about, in the order the screens heard them."""
    out = []
    for event in heard:
        if isinstance(event, CommentRanked):
            out.append(("comment", event.ranked.comment.id))
        elif isinstance(event, HostActionLogged):
            out.append(("action", f"{event.action.kind}:{event.action.comment_id}"))
        elif not isinstance(event, Notice):
            out.append((type(event).__name__, ""))
    return out


def test_a_show_ranked_in_the_worker_is_the_show_ranked_at_home(tmp_path: Path) -> None:
    # The demo: chat, commands, answers the ranking learns from, guests, segments, undos.
    at_home, home_ranker = replay(tmp_path / "home.db", "inline", demo_transcript_path())
    away, away_ranker = replay(tmp_path / "away.db", "process", demo_transcript_path())

    assert not home_ranker and away_ranker  # it really ran in a worker, to the end
    assert scored_rows(tmp_path / "away.db") == scored_rows(tmp_path / "home.db")
    assert len(scored_rows(tmp_path / "home.db")) > 600
    # Not one event moved: each answer still follows the comment it answers, each segment
    # change the comments that came before it.
    assert in_order(away) == in_order(at_home)


def real_chat(shared_data: Path, count: int) -> list[TranscriptEvent]:
    """Real Twitch chat, with a segment change every 2,000 comments."""
    path = shared_data / "twitch-irc-raw" / "xqcow-2019-09-15.irc.txt"
    with path.open(encoding="utf-8") as lines:
        comments = list(read_comments(lines))[:count]
    events: list[TranscriptEvent] = []
    for number, comment in enumerate(comments):
        if number % 2_000 == 0:
            events.append(SegmentEvent(comment.ts, f"part {number // 2_000}", ("boss", "combo")))
        events.append(CommentEvent(comment))
    return events


def test_real_chat_flat_out_ranks_the_same_in_the_worker(shared_data: Path, tmp_path: Path) -> None:
    # Enough chat for full batches and for the show to wait on the worker (MAX_IN_FLIGHT).
    events = real_chat(shared_data, 6_000)
    replay(tmp_path / "home.db", "inline", events)
    replay(tmp_path / "away.db", "process", events)

    rows = scored_rows(tmp_path / "away.db")
    assert rows == scored_rows(tmp_path / "home.db")
    assert len(rows) > worker.MAX_IN_FLIGHT * 4


def test_a_killed_worker_loses_no_comment_and_the_show_says_so(
    shared_data: Path, tmp_path: Path
) -> None:
    events = real_chat(shared_data, 6_000)
    comments = sum(isinstance(event, CommentEvent) for event in events)

    heard, still_in_worker = replay(tmp_path / "killed.db", "process", events, kill_worker_at=1_500)

    assert not still_in_worker
    with sqlite3.connect(tmp_path / "killed.db") as conn:
        stored = conn.execute(
            "SELECT count(*), count(DISTINCT message_id) FROM comments"
        ).fetchone()
        unscored = conn.execute(
            "SELECT count(*) FROM comments WHERE kind = 'comment' AND reasons = '{}'"
        ).fetchone()[0]
    assert stored == (comments, comments)  # every comment, once
    assert unscored == 0  # the ones the worker had when it died were scored at home
    said = [e.text for e in heard if isinstance(e, Notice) and "worker process stopped" in e.text]
    assert len(said) == 1 and "none lost" in said[0]
    assert [e for e in heard if isinstance(e, CommentRanked)][-1].ranked.score.reasons


def viewer(number: int) -> Author:
    return Author("twitch", f"u{number}", f"viewer{number}")


def comment(number: int, text: str, seconds: int) -> Comment:
    return Comment(
        f"m{number}", "twitch", "show", viewer(number), text, T0 + timedelta(seconds=seconds)
    )


def test_what_the_hosts_do_reaches_the_worker_in_its_place(tmp_path: Path) -> None:
    """Answers, undos, hands, guests and segment changes, made while comments are still being
    scored, shape the scores exactly as they do at home; each host action finds its comment."""

    def run(where: str) -> tuple[list[tuple[str, float]], list[tuple[str, str]]]:
        heard: list[CoreEvent] = []

        async def play() -> None:
            live = open_show(
                settings(where), db_path=tmp_path / f"{where}.db", show_name="s", adapters=[]
            )
            live.add_listener(heard.append)
            live.start_segment("Modular synths", ["oscillator", "patch"])
            n = 0
            for round_ in range(30):
                for _ in range(20):
                    n += 1
                    text = (
                        f"how do you patch the oscillator number {n}?"
                        if n % 3
                        else f"wave {n} hello chat"
                    )
                    live.comment_received(comment(n, text, n))
                # At once, while the round's comments may still be with the worker:
                action = HostActionKind.ANSWER if round_ % 2 else HostActionKind.DISMISS
                live.host_action_replayed(
                    HostAction(
                        action, T0 + timedelta(seconds=n), f"m{n - 1}", "twitch", f"u{n - 1}"
                    )
                )
                if round_ % 5 == 0:
                    await live.undo()
                if round_ % 7 == 0:
                    live.hand_changed(viewer(n - 2), True)
                if round_ == 12:
                    live.start_segment("Filters", ["filter", "cutoff"])
                await asyncio.sleep(0)
            await live.close()

        asyncio.run(play())
        scores = [
            (e.ranked.comment.id, round(e.ranked.score.value, 9))
            for e in heard
            if isinstance(e, CommentRanked)
        ]
        return scores, in_order(heard)

    home_scores, home_order = run("inline")
    away_scores, away_order = run("process")
    assert away_scores == home_scores and len(home_scores) == 600
    assert away_order == home_order
    # Each answer or dismissal came after the comment it acts on, and after the whole round.
    for index, (kind, about) in enumerate(away_order):
        if kind == "action" and about.startswith(("answer", "dismiss")):
            number = int(about.split(":m")[1])
            assert away_order[index - 2 : index] == [
                ("comment", f"m{number}"),
                ("comment", f"m{number + 1}"),
            ]
    segment_changes = [i for i, e in enumerate(away_order) if e[0] == SegmentChanged.__name__]
    assert len(segment_changes) == 2


def test_a_closed_show_hands_its_worker_to_the_next_show(tmp_path: Path) -> None:
    """A process that opens show after show (a test run, a host replaying several) starts one
    worker, not one per show."""
    pids = set()
    for number in range(3):

        async def play(number: int = number) -> None:
            live = open_show(
                settings("process"), db_path=tmp_path / f"{number}.db", show_name="s", adapters=[]
            )
            live.comment_received(comment(1, "what oscillator is that?", 1))
            pids.add(live.ranking_worker_pid)
            assert await live.close()

        asyncio.run(play())
    assert len(pids) == 1 and None not in pids


@pytest.mark.parametrize("where", ["inline", "process"])
def test_inline_and_process_are_what_the_setting_says(tmp_path: Path, where: str) -> None:
    async def play() -> int | None:
        live = open_show(settings(where), db_path=tmp_path / "s.db", show_name="s", adapters=[])
        pid = live.ranking_worker_pid
        await live.close()
        return pid

    pid = asyncio.run(play())
    assert (pid is not None) == (where == "process")


# -- what a worker can do wrong, and what the show does then ------------------------------------


def flood(live: LiveShow, count: int, *, length: int = 80) -> None:
    """`count` comments at once, without a turn of the event loop (one adapter callback can
    deliver a burst like that)."""
    for number in range(count):
        text = (f"question {number} " + "about the oscillator and the patch route " * 60)[:length]
        live.comment_received(comment(number, text, number))


def stored_once(db: Path) -> tuple[int, int]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT count(*), count(DISTINCT message_id) FROM comments").fetchone()


def test_a_stuck_worker_is_given_up_on_and_nothing_waits_for_ever(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker that is alive but answers nothing (stopped, swapped out, looping) holds the show
    at most `WORKER_SILENCE`, even while long comments fill the socket."""
    monkeypatch.setattr(worker, "WORKER_SILENCE", 1.0)
    heard: list[CoreEvent] = []

    async def play() -> None:
        live = open_show(settings("process"), db_path=tmp_path / "s.db", show_name="s", adapters=[])
        live.add_listener(heard.append)
        pid = live.ranking_worker_pid or 0
        os.kill(pid, signal.SIGSTOP)
        try:
            flood(live, 1_500, length=480)
        finally:
            with contextlib.suppress(ProcessLookupError):  # the show stopped it already
                os.kill(pid, signal.SIGKILL)
        assert live.ranking_worker_pid is None
        assert await live.close()

    asyncio.run(asyncio.wait_for(play(), 60))
    assert stored_once(tmp_path / "s.db") == (1_500, 1_500)
    said = [e.text for e in heard if isinstance(e, Notice) and "worker process stopped" in e.text]
    assert said == [said[0]] and "no answer in time" in said[0]


def test_tiny_socket_buffers_cannot_deadlock_the_show(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Some systems give a socket pair 8 KiB buffers (macOS): the show keeps reading scores
    while it writes, so a burst of long comments goes through."""
    real_socketpair = socket.socketpair

    def small_socketpair() -> tuple[socket.socket, socket.socket]:
        pair = real_socketpair()
        for end in pair:
            end.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 8_192)
            end.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 8_192)
        return pair

    monkeypatch.setattr(worker_pool.socket, "socketpair", small_socketpair)
    monkeypatch.setattr(channel, "BUFFER_BYTES", 8_192)
    worker_pool.WorkerProcess.stop_idle()  # a worker with the small socket, not one from the pool

    async def play() -> int | None:
        live = open_show(settings("process"), db_path=tmp_path / "s.db", show_name="s", adapters=[])
        flood(live, 3_000, length=400)
        pid = live.ranking_worker_pid
        assert await live.close()
        return pid

    assert asyncio.run(asyncio.wait_for(play(), 60)) is not None  # still in the worker
    assert stored_once(tmp_path / "s.db") == (3_000, 3_000)
    worker_pool.WorkerProcess.stop_idle()


def test_a_worker_dying_at_a_quiet_moment_is_noticed_at_once(tmp_path: Path) -> None:
    heard: list[CoreEvent] = []

    async def play() -> float:
        live = open_show(settings("process"), db_path=tmp_path / "s.db", show_name="s", adapters=[])
        live.add_listener(heard.append)
        live.comment_received(comment(1, "what oscillator is that?", 1))
        await asyncio.sleep(0.2)
        os.kill(live.ranking_worker_pid or 0, signal.SIGKILL)
        cpu = time.process_time()
        await asyncio.sleep(1.0)  # no comment comes: the show must not spin on the dead socket
        spent = time.process_time() - cpu
        # Said at once, not when the next comment (or the end of the show) comes.
        assert any(isinstance(e, Notice) and "worker process stopped" in e.text for e in heard)
        assert live.ranking_worker_pid is None
        assert await live.close()
        return spent

    assert asyncio.run(play()) < 0.3


def test_a_worker_that_cannot_start_leaves_the_ranking_at_home(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(worker_pool.sys, "executable", str(tmp_path / "no-python-here"))
    worker_pool.WorkerProcess.stop_idle()

    async def play() -> tuple[int | None, tuple[Notice, ...]]:
        live = open_show(settings("process"), db_path=tmp_path / "s.db", show_name="s", adapters=[])
        notices = live.startup_notices
        live.comment_received(comment(1, "what oscillator is that?", 1))
        pid = live.ranking_worker_pid
        assert await live.close()
        return pid, notices

    pid, notices = asyncio.run(play())
    assert pid is None
    assert any("could not start" in notice.text for notice in notices)
    assert stored_once(tmp_path / "s.db") == (1, 1)


def test_chat_commands_decide_as_at_home(tmp_path: Path) -> None:
    """A command runs when its comment has its score; its cooldown and its answer read the show's
    clock as it was when the comment arrived, not when the score came back."""
    events: list[TranscriptEvent] = [SegmentEvent(T0, "Patching", ("patch", "oscillator"))]
    number = 0
    for round_ in range(12):
        seconds = round_ * 4
        number += 1
        asking = comment(number, f"!ask how do I patch oscillator {round_}?", seconds)
        events.append(CommentEvent(dataclasses.replace(asking, author=viewer(0))))
        for chatter in range(30):
            number += 1
            line = comment(number, f"chat line {number} about the patch", seconds)
            events.append(
                CommentEvent(
                    dataclasses.replace(line, ts=line.ts + timedelta(seconds=0.1 * chatter))
                )
            )
    outcomes = {}
    for where in ("inline", "process"):
        replay(tmp_path / f"{where}.db", where, events)
        with sqlite3.connect(tmp_path / f"{where}.db") as conn:
            outcomes[where] = conn.execute(
                "SELECT ts, name, outcome FROM commands ORDER BY id"
            ).fetchall()
    assert outcomes["process"] == outcomes["inline"]
    assert any("cooldown" in outcome for _, _, outcome in outcomes["inline"])


def test_one_failing_comment_handler_does_not_shift_the_others_scores() -> None:
    """A bug in what handles one ranked comment (a listener, a command) is logged; every other
    comment still gets its own score."""
    link = worker.RankerWorker(settings("process").ranking)
    home = Ranker(settings("inline").ranking)
    got: dict[str, float] = {}
    expected: dict[str, float] = {}

    def keep(key: str) -> Callable[[Score], None]:
        def done(score: Score) -> None:
            got[key] = round(score.value, 9)
            if key == "m3":
                raise RuntimeError("a listener's bug")

        return done

    for number in range(20):
        line = comment(number, f"how do you patch oscillator {number}?", number)
        link.submit(line, None, keep(line.id))
        expected[line.id] = round(home.score(line).value, 9)
    link.close()
    assert got == expected


def test_comments_waiting_when_the_worker_dies_are_scored_before_what_came_after(
    tmp_path: Path,
) -> None:
    """The worker dies while comments wait for their scores; then the host changes the segment.
    Those comments arrived in the old segment, and are scored there, as at home."""

    async def play(where: str) -> list[tuple[object, ...]]:
        live = open_show(
            settings(where), db_path=tmp_path / f"{where}.db", show_name="s", adapters=[]
        )
        live.start_segment("Cooking", ["pasta", "sauce"])
        for number in range(20):
            live.comment_received(comment(number, f"which pasta sauce is that {number}?", number))
        await asyncio.sleep(0.3)  # scored and published
        for number in range(20, 40):
            live.comment_received(
                comment(number, f"what about dragons and wyverns {number}?", number)
            )
        if where == "process":  # they wait for their scores now; the worker dies
            os.kill(live.ranking_worker_pid or 0, signal.SIGKILL)
            time.sleep(0.3)
        live.start_segment("Dragons", ["dragons", "wyverns"])  # the host's key
        assert await live.close()
        return scored_rows(tmp_path / f"{where}.db")

    home = asyncio.run(play("inline"))
    assert asyncio.run(play("process")) == home and len(home) == 40


def test_a_show_holding_many_files_still_talks_to_its_worker(tmp_path: Path) -> None:
    """Past 1,023 open files (a long show's connections, a raised ulimit), waiting on the worker
    must still work: `select` refuses such descriptors, `poll` does not."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1_300:
        pytest.skip(f"this machine allows {hard} open files; the test needs 1,300")
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, 1_300), hard))
    held = [os.open(os.devnull, os.O_RDONLY) for _ in range(1_100)]
    worker_pool.WorkerProcess.stop_idle()  # a worker whose socket is past 1,023

    async def play() -> int | None:
        live = open_show(settings("process"), db_path=tmp_path / "s.db", show_name="s", adapters=[])
        flood(live, 300)
        live.start_segment("Patching", ["patch"])  # waits for the 300 scores
        pid = live.ranking_worker_pid
        assert await live.close()
        return pid

    try:
        assert asyncio.run(play()) is not None  # still in the worker: nothing failed
    finally:
        for descriptor in held:
            os.close(descriptor)
        worker_pool.WorkerProcess.stop_idle()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    assert stored_once(tmp_path / "s.db") == (300, 300)


def test_a_change_the_worker_fails_on_reaches_the_shows_log(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Ranked at home, a change the ranker fails on raises where the show can log it; in the
    worker it failed out of sight. Now the show's log names the call and the error, and the
    comments around it keep their scores."""
    link = worker.RankerWorker(settings("process").ranking)
    home = Ranker(settings("inline").ranking)
    got: dict[str, float] = {}

    def keep(key: str) -> Callable[[Score], None]:
        return lambda score: got.__setitem__(key, round(score.value, 9))

    first = comment(1, "how do you patch the oscillator?", 1)
    link.submit(first, None, keep(first.id))
    link.add_hosts([None])  # type: ignore[list-item]  # a bug in the show's code
    second = comment(2, "what filter is that?", 2)
    link.submit(second, None, keep(second.id))
    with caplog.at_level("ERROR", logger="stagehand.ranking.worker"):
        link.close()
    expected = {line.id: round(home.score(line).value, 9) for line in (first, second)}
    assert got == expected
    assert any(
        "add_hosts failed: AttributeError" in record.getMessage() for record in caplog.records
    ), [record.getMessage() for record in caplog.records]


def test_a_failing_change_is_reported_while_no_comment_waits(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async def show() -> None:
        link = worker.RankerWorker(settings("process").ranking)
        done = asyncio.Event()
        link.submit(comment(1, "hello", 1), None, lambda _: done.set())
        await asyncio.wait_for(done.wait(), 5)  # the worker is read from the event loop now
        link.set_segment(None)  # type: ignore[arg-type]
        for _ in range(50):  # a quiet moment: nothing else is sent or waits
            await asyncio.sleep(0.02)
            if caplog.records:
                break
        link.close()

    with caplog.at_level("ERROR", logger="stagehand.ranking.worker"):
        asyncio.run(show())
    assert [r.getMessage() for r in caplog.records] == [
        "the ranking's worker process: set_segment failed: AttributeError:"
        " 'NoneType' object has no attribute 'title'"
    ]
