"""Showing a comment on stream and pinning one for the hosts, through the show's own API: what
each does, how long it lasts, how it is undone, who did it, and what the report says."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.events import CoreEvent, FeatureEnded, FeatureStarted
from stagehand.metrics import show_metrics
from stagehand.report import render_show
from stagehand.session import open_show
from stagehand.show.live import LiveShow
from stagehand.store import open_database


async def played(tmp_path: Path, small_show: Path, settings: Settings | None = None) -> LiveShow:
    live = open_show(
        settings or Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth",
        adapters=[ReplayAdapter(small_show, instant=True)],
        commands=False,
    )
    await live.run_adapters()
    return live


def comment(live: LiveShow, comment_id: str):
    found = live.find_comment("twitch", comment_id)
    assert found is not None
    return found


async def test_one_comment_on_stream_at_a_time_each_time_recorded(tmp_path, small_show) -> None:
    live = await played(tmp_path, small_show)
    heard: list[CoreEvent] = []
    live.add_listener(heard.append)
    ana, ben = comment(live, "m1"), comment(live, "m2")

    with live.acting_as("alice"):
        first = live.feature(ana)
    assert first.ok and first.message == "On stream: ana's comment"
    assert live.featured is not None and live.featured.comment == ana
    assert live.featured.actor == "alice"
    again = live.feature(ana)
    assert not again.ok and again.message == "ana's comment is on stream already"

    second = live.feature(ben)  # replaces ana's
    assert live.featured.comment == ben
    assert [type(e).__name__ for e in heard if isinstance(e, FeatureStarted | FeatureEnded)] == [
        "FeatureStarted",
        "FeatureEnded",
        "FeatureStarted",
    ]
    assert [e.why for e in heard if isinstance(e, FeatureEnded)] == ["replaced"]
    off = live.unfeature()
    assert off.ok and live.featured is None
    assert not live.unfeature().ok  # nothing on stream

    assert await live.close()
    db = sqlite3.connect(live.db_path)
    rows = db.execute(
        "SELECT comments.message_id, on_stream.actor, on_stream.ended_at IS NOT NULL"
        " FROM on_stream JOIN comments ON comments.id = on_stream.comment_id ORDER BY on_stream.id"
    ).fetchall()
    assert rows == [("m1", "alice", 1), ("m2", "", 1)]
    actions = db.execute("SELECT action, actor FROM host_actions WHERE action LIKE '%feature'")
    assert actions.fetchall() == [("feature", "alice"), ("feature", ""), ("unfeature", "")]
    assert second.key and first.key != second.key


async def test_a_featured_comment_leaves_by_itself_after_feature_seconds(
    tmp_path, small_show
) -> None:
    settings = Settings(overlay={"feature_seconds": 0.2})
    live = await played(tmp_path, small_show, settings)
    heard: list[CoreEvent] = []
    live.add_listener(heard.append)
    live.feature(comment(live, "m1"))
    await asyncio.sleep(0.4)
    assert live.featured is None
    ended = [e for e in heard if isinstance(e, FeatureEnded)]
    assert [e.why for e in ended] == ["time up"]
    assert await live.close()


async def test_answering_features_when_asked_and_undo_takes_both_back(tmp_path, small_show) -> None:
    live = await played(tmp_path, small_show, Settings(overlay={"feature_on_answer": True}))
    ana = comment(live, "m1")
    answered = live.answer(ana)
    assert live.featured is not None and live.featured.key == answered.key
    undone = await live.undo(answered.key)
    assert undone.ok and live.featured is None
    live.feature(comment(live, "m4"))
    assert await live.close()
    report = show_metrics(open_database(live.db_path, create=False), "synth")
    # The undone answer's time on stream does not count; the later feature does.
    assert [row.text for row in report.on_stream] == [
        "how do you stop the resonance from screaming"
    ]


async def test_pins_lift_a_comment_for_the_hosts_until_it_is_handled(tmp_path, small_show) -> None:
    live = await played(tmp_path, small_show)
    ana, ben4 = comment(live, "m1"), comment(live, "m4")
    with live.acting_as("alice"):
        pinned = live.pin(ana, "ask her about the  \x1b[31m kit")
        live.pin(ben4)
    assert pinned.ok and [p.comment.id for p in live.pins] == ["m1", "m4"]
    assert live.pins[0].note == "ask her about the kit"  # a note is text like any other
    assert not live.pin(ana).ok  # pinned already
    live.dismiss(ana)
    assert [p.comment.id for p in live.pins] == ["m4"]  # handled: the pin is done
    refused = live.pin(ana)
    assert (
        not refused.ok and refused.message == "Nothing to pin: ana's comment was dismissed already"
    )
    unpinned = live.unpin(ben4)
    assert unpinned.ok and live.pins == ()
    assert (await live.undo(unpinned.key)).ok
    assert [p.comment.id for p in live.pins] == ["m4"]
    assert await live.close()


async def test_the_report_says_who_answered_and_what_was_shown(tmp_path, small_show) -> None:
    live = await played(tmp_path, small_show)
    with live.acting_as("alice"):
        live.feature(comment(live, "m1"))
        live.dismiss(comment(live, "m4"))
    with live.acting_as("hana"):
        live.answer(comment(live, "m1"))
    assert await live.close()
    report = show_metrics(open_database(live.db_path, create=False), "synth")
    by_name = {row.name: row for row in report.answered_by}
    assert by_name["hana"].answered == 1 and by_name["alice"].dismissed == 1
    assert by_name["alice"].featured == 1
    # The transcript's own answers were scripted, not taken on this machine.
    assert by_name["the transcript (replayed)"].answered >= 1 and "this machine" not in by_name
    assert [(row.author, row.by) for row in report.on_stream] == [("ana", "alice")]

    text = render_show(report, "term")
    assert "ANSWERED BY" in text and "SHOWN ON STREAM: 1 comment shown on stream" in text
    markdown = render_show(report, "md")
    assert "## Answered by" in markdown and "## Shown on stream" in markdown
    html = render_show(report, "html")
    assert "<h2>Answered by</h2>" in html and "<h2>Shown on stream</h2>" in html
    data = report.to_dict()
    assert data["shown_on_stream"][0]["by"] == "alice"
    assert {row["name"] for row in data["answered_by"]} == {
        "alice",
        "hana",
        "the transcript (replayed)",
    }


async def test_a_show_run_from_one_console_has_no_answered_by_table(tmp_path, small_show) -> None:
    live = await played(tmp_path, small_show)
    assert await live.close()
    report = show_metrics(open_database(live.db_path, create=False), "synth")
    assert report.answered_by == () and report.on_stream == ()
    assert "ANSWERED BY" not in render_show(report, "term")


async def test_the_stream_drops_a_comment_deleted_banned_or_forgotten(tmp_path, small_show) -> None:
    live = await played(tmp_path, small_show)
    ana = comment(live, "m1")
    live.feature(ana)
    live.comment_edited("twitch", "m1", "hi everyone (edited)", live.now())
    assert live.featured is not None and live.featured.comment.shown_text == "hi everyone (edited)"
    live.comment_deleted("twitch", "m1", live.now())
    assert live.featured is None  # a deleted message is never left on stream
    live.feature(comment(live, "m4"))
    live.pin(comment(live, "m4"), "next")
    live.forget_author(comment(live, "m4").author)
    assert live.featured is None and live.pins == ()
    assert await live.close()


async def test_a_deleted_banned_or_forgotten_comment_never_goes_back_on_stream(
    tmp_path, small_show
) -> None:
    """Found by the review of issue 17: every way onto the stream refuses such a comment."""
    live = await played(tmp_path, small_show)
    ana, ben = comment(live, "m1"), comment(live, "m2")

    live.comment_deleted("twitch", "m1", live.now())
    refused = live.feature(ana)
    assert not refused.ok and refused.message == "Not on stream: ana's comment was deleted"
    assert live.featured is None
    assert live.find_comment("twitch", "m1") is None  # nothing can act on it by its id

    live.author_banned(ben.author, "ban", "was banned")
    refused = live.feature(ben)
    assert not refused.ok and refused.message == "Not on stream: ben is banned"
    assert live.featured is None

    # Taken off by a host, then deleted on the platform: undoing the unfeature leaves it off.
    live.feature(comment(live, "m5"))
    off = live.unfeature()
    live.comment_deleted("twitch", "m5", live.now())
    undone = await live.undo(off.key)
    assert undone.ok and "on stream again" not in undone.message
    assert "stays off stream: dev's comment was deleted" in undone.message
    assert live.featured is None

    assert await live.close()
