"""Each metric against a small show whose answers were worked out by hand (tests/report/showdb.py).

The show, minute by minute (host john's comments and ana's deleted c12 never count):

    seg 1 Oscillators 19:00   c2 ana, c3 ben Q*, c4 ana ->c3, c5 cleo Q* (discord), c6 dev,
                              c7 ben ->c1 (the host), c8 ana ->c3
          answers             c3 at 19:01:20 and again 19:02:00, reply to c5 at 19:01:30
    seg 2 Filters 19:03       c9 ben Q*, c10 dev Q (off topic), c11 cleo Q*, c12 ana (deleted),
                              c13 ana Q* (dismissed), c14 dev Q*
          host                ben on stage 19:04:00-19:06:00, answer c9 19:04:30,
                              a failed reply to c10
    Q* = on-topic question; dev opted out after the show; ana also spoke in the earlier "pilot".
"""

from __future__ import annotations

from pathlib import Path

import pytest

from report.showdb import build
from stagehand.metrics import show_metrics, trend
from stagehand.store import open_database
from stagehand.store.queries import resolve_show


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("metrics"))


@pytest.fixture
def synth(db_path):
    db = open_database(db_path, create=False)
    yield show_metrics(db, "synth")
    db.conn.close()


def test_whole_show_counts(synth) -> None:
    m = synth.totals
    # c2..c14 minus the host's c1 and the deleted c12: 13 - 1 = 12
    assert (m.comments, m.host_comments, m.deleted_comments) == (12, 1, 1)
    # ana, ben, cleo, dev (john is a host)
    assert m.participants == 4
    assert m.comments_per_participant == 12 / 4
    # ana 4 + ben 3 + dev 3 of 12
    assert m.top_three_share == pytest.approx(10 / 12)
    # questions c3 c5 c9 c10 c11 c13 c14 = 7; c10 is off topic
    assert (m.questions, m.on_topic_questions) == (7, 6)
    assert m.on_topic_share == 6 / 12
    # c6 and c10 are side chatter
    assert m.side_chatter_share == pytest.approx(2 / 12)


def test_answers_count_once_and_failed_replies_not_at_all(synth) -> None:
    m = synth.totals
    # c3 (answered twice, counted once), c5 (reply), c9; c10's reply failed, c13 was dismissed
    assert m.answered == 3
    assert m.answered_on_topic_questions == 3
    assert m.answered_share_of_on_topic_questions == 3 / 6
    # to the FIRST answer: c3 60 s (19:00:20 -> 19:01:20), c5 30 s, c9 80 s -> median 60
    assert m.median_seconds_to_answer == 60


def test_stage_participation_and_replies(synth) -> None:
    m = synth.totals
    # ben 19:04:00 -> 19:06:00
    assert (m.stage_appearances, m.stage_guests, m.stage_seconds) == (1, 1, 120)
    # answered: ben (c3, c9), cleo (c5); on stage: ben -> {ben, cleo} of 4
    assert (m.engaged_participants, m.participation_rate) == (2, 0.5)
    # c4 and c8 (ana -> ben); c7 replies to the host and does not count
    assert m.viewer_replies == 2
    # ana commented in the earlier pilot show
    assert (m.returning, m.newcomers) == (1, 3)


def test_per_segment(synth) -> None:
    one, two = synth.segments
    assert (one.title, one.minute, two.title, two.minute) == ("Oscillators", 0, "Filters", 3)
    a, b = one.metrics, two.metrics
    # seg 1: c2..c8 = 7 comments by ana, ben, cleo, dev; answered c3 (60 s), c5 (30 s)
    assert (a.comments, a.participants, a.on_topic_questions, a.answered) == (7, 4, 2, 2)
    assert (a.median_seconds_to_answer, a.viewer_replies, a.host_comments) == (45, 2, 1)
    assert (a.stage_appearances, a.participation_rate) == (0, 2 / 4)
    # seg 2: c9 c10 c11 c13 c14 = 5 (c12 deleted); on-topic Q c9 c11 c13 c14; answered c9 (80 s)
    assert (b.comments, b.participants, b.on_topic_questions, b.answered) == (5, 4, 4, 1)
    assert (b.median_seconds_to_answer, b.deleted_comments) == (80, 1)
    assert b.answered_share_of_on_topic_questions == 1 / 4
    # the stage appearance started in seg 2; only ben was engaged there
    assert (b.stage_appearances, b.stage_seconds, b.participation_rate) == (1, 120, 1 / 4)


def test_per_platform(synth) -> None:
    platforms = {p.platform: p.metrics for p in synth.platforms}
    assert set(platforms) == {"discord", "twitch"}
    # discord: cleo's c5 (answered) and c11
    d = platforms["discord"]
    assert (d.comments, d.participants, d.answered, d.participation_rate) == (2, 1, 1, 1.0)
    # twitch: 12 - 2 = 10 comments by ana, ben, dev; answered c3, c9 (both ben's)
    t = platforms["twitch"]
    assert (t.comments, t.participants, t.answered) == (10, 3, 2)
    assert t.participation_rate == pytest.approx(1 / 3)


def test_timeline_per_minute(synth) -> None:
    rows = [(p.minute, p.comments, p.on_topic, p.answers) for p in synth.timeline]
    assert rows == [
        (0, 3, 1, 0),  # c2 c3 c4 (c1 is the host's)
        (1, 4, 1, 2),  # c5 c6 c7 c8; first answers to c3 (19:01:20) and c5 (19:01:30)
        (2, 0, 0, 0),  # c3's second answer does not count again
        (3, 3, 2, 0),  # c9 c10 c11 (c12 deleted)
        (4, 0, 0, 1),  # c9 answered at 19:04:30
        (5, 2, 2, 0),  # c13 c14
    ]


def test_follow_up_list_is_unanswered_on_topic_questions_best_first(synth) -> None:
    # unanswered on-topic: c11 (5.0), c13 (9.0, dismissed), c14 (7.0, but dev opted out); the
    # dismissed one after the one nobody handled, though it scored higher
    assert synth.unanswered_on_topic_questions == 3
    listed = [(q.author, q.score, q.dismissed, q.segment) for q in synth.follow_ups]
    assert listed == [("Cleo", 5.0, False, "Filters"), ("ana", 9.0, True, "Filters")]


def test_opted_out_people_are_anonymous(synth) -> None:
    names = {p.author for p in synth.participants}
    assert "dev" not in names
    dev = next(p for p in synth.participants if p.author.startswith("anonymous-"))
    # dev's c6, c10, c14 still count: opting out removes the name and text, not the numbers
    assert (dev.comments, dev.questions, dev.on_topic_questions) == (3, 2, 1)


def test_participant_rows(synth) -> None:
    rows = {p.author: p for p in synth.participants}
    assert (rows["ana"].comments, rows["ana"].viewer_replies, rows["ana"].returning) == (4, 2, True)
    assert (rows["ben"].answered, rows["ben"].stage_seconds) == (2, 120)
    assert "john" not in rows


def test_latest_show_by_default_and_trend(db_path) -> None:
    db = open_database(db_path, create=False)
    assert show_metrics(db).show.name == resolve_show(db, None).name
    shows = trend(db)
    # oldest first; in the pilot both ana and eve were new, in synth ana returns
    assert [r.show.name for r in shows] == ["pilot", "synth"]
    pilot, synth = (r.metrics for r in shows)
    assert (pilot.comments, pilot.participants, pilot.newcomers, pilot.returning) == (2, 2, 2, 0)
    assert (synth.participants, synth.returning) == (4, 1)
    assert synth == show_metrics(db, "synth").totals


def test_an_empty_show_has_no_shares_rather_than_zero(tmp_path) -> None:
    from stagehand.store.queries import open_show
    from stagehand.times import parse_ts

    db = open_database(tmp_path / "empty.db")
    open_show(db, "quiet", title="", description="", source="", started_at=parse_ts("2026-11-20T19:00:00Z"))  # fmt: skip
    m = show_metrics(db, "quiet")
    assert (m.totals.comments, m.totals.participants) == (0, 0)
    assert m.totals.participation_rate is None and m.totals.median_seconds_to_answer is None
    assert m.follow_ups == () and m.segments == ()


def test_an_open_stage_appearance_counts_up_to_now(db_path) -> None:
    from datetime import timedelta

    db = open_database(db_path, create=False)
    db.execute("UPDATE stage_sessions SET ended_at = NULL")
    start = show_metrics(db, "synth").show.opened_at
    # the console asks mid-show: ben came on at 19:04:00, "now" is 19:10:00 -> 360 s
    live = show_metrics(db, "synth", now=start + timedelta(minutes=10))
    db.conn.rollback()
    assert live.totals.stage_seconds == 360
