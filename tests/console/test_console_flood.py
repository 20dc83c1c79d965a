"""Calm under a flood: bounded redraws, bounded memory, keys still answered."""

from __future__ import annotations

import asyncio
import time
from datetime import UTC, datetime, timedelta

from conftest import FIXED_WALL, open_console, played
from stagehand.adapters.replay import ReplayAdapter
from stagehand.clock import ShowClock
from stagehand.config import ConsoleSettings, Settings
from stagehand.console.app import make_app
from stagehand.console.bridge import ConsoleBridge
from stagehand.console.state import RAW_CHAT_LINES, ConsoleState
from stagehand.console.widgets.detail import CommentDetail
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment, RankedComment, Score
from stagehand.events import CommentRanked
from stagehand.session import open_show
from stagehand.show.queue import CUT_ASKERS
from stagehand.transcript import CommentEvent, SegmentEvent

START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


def ranked(n: int, value: float) -> RankedComment:
    author = Author("twitch", str(n % 300), f"viewer{n % 300}")
    comment = Comment(
        f"c{n}", "twitch", "show", author, f"comment {n}", START + timedelta(milliseconds=n)
    )
    return RankedComment(comment, Score(value, rank_key=value + n * 1e-6))


async def test_the_bridge_posts_one_redraw_for_thousands_of_comments() -> None:
    state = ConsoleState(queue_size=50)
    posted: list[object] = []
    bridge = ConsoleBridge(state, posted.append, redraw_per_second=8)
    for n in range(10_000):
        bridge(CommentRanked(ranked(n, (n * 7919) % 1000 / 100)))
    await asyncio.sleep(0.05)
    assert len(posted) == 1  # one message for 10,000 comments
    for n in range(10_000, 10_100):
        bridge(CommentRanked(ranked(n, 1.0)))
    await asyncio.sleep(0.3)
    assert len(posted) == 1  # the app has not drawn the first yet: nothing piles up
    bridge.redrawn()
    started = time.monotonic()
    bridge(CommentRanked(ranked(20_000, 1.0)))
    while len(posted) < 2:
        await asyncio.sleep(0.005)
    assert time.monotonic() - started >= 0.1  # waits out 1/8 s since the last redraw
    bridge.close()


def test_state_keeps_the_best_comments_and_bounded_chat() -> None:
    state = ConsoleState(queue_size=50)
    items = [ranked(n, (n * 7919) % 1000 / 100) for n in range(5_000)]
    for item in items:
        state.add_comment(item)
    # at most twice queue_size comments (rows count: show/queue.py), plus a quarter between trims
    assert len(state.queue) <= 2 * 50 + 12
    assert len(state.raw) == RAW_CHAT_LINES
    best = sorted(items, key=lambda r: r.score.rank_key, reverse=True)[:50]
    assert [r.comment.id for r in state.ranked_queue()] == [r.comment.id for r in best]


async def test_console_stays_responsive_and_bounded_in_a_flood(tmp_path) -> None:
    settings = Settings(console=ConsoleSettings(queue_size=100, redraw_per_second=8))
    events = [SegmentEvent(START, "Filters", ("filter", "cutoff"))]
    events += [
        CommentEvent(
            Comment(
                f"f{n}",
                "twitch",
                "show",
                Author("twitch", str(n % 500), f"v{n % 500}"),
                f"what filter cutoff would you use for sound {n}?" if n % 5 == 0 else f"lol {n}",
                START + timedelta(milliseconds=n),
            )
        )
        for n in range(6_000)
    ]
    replay = ReplayAdapter(events, instant=True)
    live = open_show(
        settings,
        db_path=tmp_path / "flood.db",
        show_name="flood",
        clock=ShowClock(wall=lambda: FIXED_WALL),
        adapters=[replay],
        commands=False,
    )
    app = make_app(live, settings)
    async with app.run_test(size=(100, 30)) as pilot:
        started = time.monotonic()
        await pilot.press("space")  # a key during the flood is handled (freeze shows at once)
        assert app.frozen and "FROZEN" in str(app.query_one("#header").render())
        await asyncio.wait_for(replay.finished.wait(), 30)
        elapsed = time.monotonic() - started
        await pilot.press("space")
        assert live.accepted == 6_000
        assert app.bridge.posted <= elapsed * 8 + 2
        assert len(app.state.queue) <= 2 * 100 + 25 and len(app.state.raw) <= RAW_CHAT_LINES
        # The queue keeps its 100 best rows (the same question from many viewers is one row,
        # "asked by N"; rows, not comments, count: show/queue.py), and the screen shows them.
        rows = app.state.queue_rows()
        assert len(app.query_one("#queue").entries) == len(rows) <= 100
        # A row's askers past queue_size wait beside the queue (counted, answered with it),
        # bounded on their own.
        assert sum(len(row.askers) for row in rows) <= len(app.state.queue) + app.state.cut_count
        assert app.state.cut_count <= CUT_ASKERS


async def test_the_selected_pane_shows_the_highlighted_comment_in_the_same_frame(
    tmp_path, show_file
):
    """During a flood the app's message queue is full of the show's updates: the pane must not
    wait its turn behind them (it lagged the highlight by 0.3-0.7 s on a big channel), so the
    key that moves the highlight redraws the pane before anything else is handled."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(120, 36)) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        detail = console.app.query_one(CommentDetail)
        for _ in range(3):
            queue.action_cursor(1)  # j, as the key's binding runs it: no await in between
            shown = detail._shown[0] if detail._shown else ""
            assert queue.selected is not None
            assert queue.selected.comment.shown_text[:30] in shown, shown
