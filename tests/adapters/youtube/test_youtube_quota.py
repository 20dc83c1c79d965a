"""The quota governor: every call counted exactly, reading paced to last the show, the last
units kept for replies and moderation."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from adapters.youtube.show import start_show
from fakes.youtube_server import FakeYouTube
from stagehand.adapters.youtube.quota import QuotaGovernor, quota_day, until_reset
from stagehand.config.youtube import YouTubeSettings
from stagehand.domain import ModerationKind, QuotaUse
from stagehand.events import Notice, QuotaSpent
from stagehand.platform import ConnectionState


class Clock:
    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now


def governor(**settings) -> tuple[QuotaGovernor, list[QuotaUse], Clock]:
    clock = Clock(datetime(2026, 11, 20, 19, 0, tzinfo=UTC))  # 11:00 in California
    heard: list[QuotaUse] = []
    quota = QuotaGovernor(YouTubeSettings(**settings), heard.append, clock=clock)
    quota.start(0)
    return quota, heard, clock


def test_a_three_hour_show_reads_back_to_back_on_a_fresh_quota() -> None:
    """10,000 - 500 kept = 9,500 units = 1,900 reads over 10,800 s: one every 5.7 s, faster
    than YouTube's 10 s streams, so there is no wait between them."""
    quota, _, _ = governor(show_hours=3)
    assert quota.read_delay() == 0.0


def test_an_eight_hour_show_waits_between_reads_so_the_quota_lasts() -> None:
    """28,800 s / 1,900 reads = 15.2 s per read: 10 s streaming, 5.2 s waiting."""
    quota, _, clock = governor(show_hours=8)
    assert quota.read_delay() == pytest.approx(28_800 / 1_900 - 10, abs=0.01)
    # Halfway, with half the reading budget spent, the pace is the same.
    clock.now += timedelta(hours=4)
    quota.used = 500 + 4_750 - 500  # spent 4,750 on reading
    assert quota.read_delay() == pytest.approx(14_400 / 950 - 10, abs=0.01)


def test_reading_stops_before_the_reserve_and_actions_may_still_spend_it() -> None:
    quota, _, _ = governor(daily_quota=1_000, reserve_units=100)
    quota.used = 1_000 - 104  # 896 spent, 104 left
    assert not quota.may_read()  # a read (5) would leave 99 < 100
    assert quota.may_spend("liveChatMessages.insert")  # a reply (20) still fits
    assert quota.may_spend("liveChatBans.insert")  # and a ban (50)
    assert quota.read_delay() == float("inf")


def test_the_hosts_are_warned_once_at_20_percent_and_when_reading_pauses() -> None:
    quota, heard, _ = governor(daily_quota=1_000, reserve_units=100)
    quota.used = 790
    quota.charge("liveChatMessages.streamList")  # 205 left
    quota.charge("liveChatMessages.streamList")  # 200 left: 20%
    quota.charge("liveChatMessages.streamList")
    assert [bool(u.warning) for u in heard] == [False, True, False]
    assert heard[1].warning.startswith("200 of 1,000 quota units left today (20%)")
    quota.used = 1_000 - 106
    use = quota.charge("liveChatMessages.streamList")  # 101 left: no further read fits
    assert use.warning.startswith("chat reading paused: the last 101 quota units are kept")


def test_the_quota_day_is_the_pacific_date_and_resets_at_pacific_midnight() -> None:
    # 07:59 UTC on 21 November is 23:59 on the 20th in California (PST, UTC-8).
    assert quota_day(datetime(2026, 11, 21, 7, 59, tzinfo=UTC)) == "2026-11-20"
    assert quota_day(datetime(2026, 11, 21, 8, 0, tzinfo=UTC)) == "2026-11-21"
    # In summer (PDT, UTC-7) the day turns at 07:00 UTC.
    assert quota_day(datetime(2026, 7, 1, 6, 59, tzinfo=UTC)) == "2026-06-30"
    assert until_reset(datetime(2026, 11, 21, 7, 0, tzinfo=UTC)) == timedelta(hours=1)
    quota, _, clock = governor()
    quota.used = 9_000
    clock.now = datetime(2026, 11, 21, 8, 0, 1, tzinfo=UTC)
    assert quota.may_read() and quota.used == 0 and quota.day == "2026-11-21"


async def test_every_call_is_stored_with_its_cost_exact_to_the_unit(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    try:
        comment_text = "is the envelope linear or exponential?"
        fake.say(comment_text)
        await show.wait_for_comments(1)
        [comment] = show.comments()
        assert (await show.live.reply(comment, "exponential")).ok
        assert (await show.live.moderate(comment, ModerationKind.DELETE)).ok
        assert (await show.live.moderate(comment, ModerationKind.TIMEOUT)).ok
        fake.fail_next("liveChatMessages.streamList", 500, "backendError")
        started = fake.streams_started
        await fake.wait_for(lambda: fake.streams_started > started + 2)
    finally:
        await show.stop()
    rows = show.query("SELECT method, units, outcome, platform, day FROM quota_calls ORDER BY id")
    assert sum(r["units"] for r in rows) == fake.charged
    assert Counter(r["method"] for r in rows) == Counter(c.method for c in fake.calls)
    spent = Counter()
    for row in rows:
        spent[row["method"]] += row["units"]
    assert spent["liveBroadcasts.list"] == 1
    assert spent["liveChatMessages.insert"] == 20
    assert spent["liveChatMessages.delete"] == 50
    assert spent["liveChatBans.insert"] == 50
    assert spent["liveChatMessages.streamList"] == 5 * len(
        fake.calls_of("liveChatMessages.streamList")
    )
    assert {r["platform"] for r in rows} == {"youtube"}
    assert {r["day"] for r in rows} == {quota_day(datetime.now(UTC))}
    assert "backendError" in {r["outcome"] for r in rows}
    # The header heard the budget after each call.
    last = [e for e in show.seen if isinstance(e, QuotaSpent)][-1]
    assert last.use.left == 10_000 - fake.charged


async def test_a_restart_the_same_day_starts_from_what_was_spent(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    show = await start_show(fake, tmp_path)
    await fake.wait_for(lambda: fake.streams_started >= 3)
    await show.stop()
    spent = fake.charged
    again = await start_show(fake, tmp_path)
    try:
        await again.wait_for(lambda: any(isinstance(e, QuotaSpent) for e in again.seen))
        first = next(e for e in again.seen if isinstance(e, QuotaSpent))
    finally:
        await again.stop()
    assert first.use.used == spent + first.use.units


async def test_reading_pauses_to_keep_the_last_units_for_replies(
    fake: FakeYouTube, tmp_path: Path
) -> None:
    """Late in the day only a few units are left: a reply may still use them, reading may not
    (it stops before the reserve), and the hosts are told why chat went quiet."""
    show = await start_show(fake, tmp_path, daily_quota=1_000, reserve_units=40)
    try:
        fake.say("one question before the quota runs low")
        await show.wait_for_comments(1)
        [comment] = show.comments()
        fake.charged = show.adapter.quota.used = 1_000 - 49  # 49 left: one more read fits
        first = await show.live.reply(comment, "answered on air!")  # 29 left: no read fits
        await show.wait_for(
            lambda: any(
                s == ConnectionState.CONNECTED.value and "chat reading paused" in d
                for s, d in show.states()
            )
        )
        streams = len(fake.calls_of("liveChatMessages.streamList"))
        second = await show.live.reply(comment, "and one more thing")  # 9 left
        third = await show.live.reply(comment, "and another")  # does not fit
        await asyncio.sleep(0.5)
        assert len(fake.calls_of("liveChatMessages.streamList")) == streams
    finally:
        await show.stop()
    assert first.ok and second.ok, (first, second)
    assert not third.ok and "not enough YouTube quota left today (9 units)" in third.message
    assert fake.charged == 991 <= 1_000
    notices = [e.text for e in show.seen if isinstance(e, Notice) and e.level == "warning"]
    assert any(
        text.startswith("YouTube: chat reading paused: the last 29 quota units") for text in notices
    )
    header = [e for e in show.seen if isinstance(e, QuotaSpent)][-1].use
    assert header.read_delay == float("inf") and header.left == 9
