"""The quota governor: every YouTube call's cost counted, and reading paced to last the show.

A Google Cloud project gets 10,000 units a day (reset at midnight Pacific time) for all of its
YouTube calls. Reading chat costs 5 units a call, a message sent 20, a deletion or a ban 50.
The governor spreads what is left for reading over the planned show (`show_hours`) and always
keeps `reserve_units` for replies and moderation: reading stops before it would spend them.
Every call is reported (`QuotaUse`) to the show, which stores it (`quota_calls`) and shows the
units left and the reading delay in the console's header.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from stagehand.config.youtube import YouTubeSettings
from stagehand.domain import QuotaUse, utcnow

#: Units per call, from Google's quota table (developers.google.com/youtube/v3/determine_quota_cost).
COSTS: dict[str, int] = {
    "liveChatMessages.list": 5,
    "liveChatMessages.streamList": 5,
    "liveChatMessages.insert": 20,
    "liveChatMessages.delete": 50,
    "liveChatBans.insert": 50,
    "liveChatBans.delete": 50,
    "liveBroadcasts.list": 1,
    "videos.list": 1,
    "channels.list": 1,
}
#: How chat is read (docs/decisions.md says why streamList, not list).
READ = "liveChatMessages.streamList"
#: Share of the day's quota left at which the hosts are warned.
WARN_SHARE = 0.2
#: Past the planned end of the show, reading is planned this far ahead at a time.
MIN_PLAN_SECONDS = 600.0
#: How long a stream lasts before YouTube closes it (about 10 s), until one is measured.
TYPICAL_STREAM_SECONDS = 10.0

try:
    from zoneinfo import ZoneInfo

    PACIFIC: ZoneInfo | None = ZoneInfo("America/Los_Angeles")
except Exception:  # no time zone database on this machine: the US rule below
    PACIFIC = None


def _nth_sunday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7 * (n - 1))


def pacific_now(now: datetime) -> datetime:
    """`now` in Pacific time (DST from the second Sunday of March to the first of November)."""
    if PACIFIC is not None:
        return now.astimezone(PACIFIC)
    utc = now.astimezone(UTC)
    start = datetime.combine(_nth_sunday(utc.year, 3, 2), datetime.min.time(), UTC)
    end = datetime.combine(_nth_sunday(utc.year, 11, 1), datetime.min.time(), UTC)
    summer = start + timedelta(hours=10) <= utc < end + timedelta(hours=9)
    return utc - timedelta(hours=7 if summer else 8)


def quota_day(now: datetime) -> str:
    """The quota day `now` counts against: the date in Pacific time, e.g. "2026-11-20"."""
    return pacific_now(now).date().isoformat()


def until_reset(now: datetime) -> timedelta:
    """Time until the quota resets (midnight Pacific)."""
    local = pacific_now(now)
    midnight = (local + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return midnight - local


def spoken_duration(span: timedelta) -> str:
    minutes = max(1, int(span.total_seconds() // 60))
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min"


class QuotaGovernor:
    """What is left of today's quota, and how often chat may be read so it lasts the show."""

    def __init__(
        self,
        settings: YouTubeSettings,
        report: Callable[[QuotaUse], None],
        *,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.limit = settings.daily_quota
        self.reserve = settings.reserve_units
        self.show_seconds = settings.show_hours * 3600
        self._report = report
        self._clock = clock
        self.day = quota_day(clock())
        self.used = 0
        self.plan_start = clock()
        self.last_read_seconds = TYPICAL_STREAM_SECONDS

    def start(self, used_before: int) -> None:
        """The show starts now, with `used_before` units already spent today (stored)."""
        self.day = quota_day(self._clock())
        self.used = used_before
        self.plan_start = self._clock()

    @property
    def left(self) -> int:
        return max(0, self.limit - self.used)

    def _roll_over(self) -> None:
        today = quota_day(self._clock())
        if today != self.day:  # midnight Pacific passed: a fresh quota
            self.day, self.used = today, 0

    def may_read(self) -> bool:
        """Whether one more read leaves the reserve for replies and moderation untouched."""
        self._roll_over()
        return self.left - COSTS[READ] >= self.reserve

    def may_spend(self, method: str) -> bool:
        """Whether `method` still fits today's quota (actions may use the reserve)."""
        self._roll_over()
        return self.left >= COSTS[method]

    def read_delay(self) -> float:
        """Seconds to wait after a stream before the next one, so reading lasts the plan."""
        if not self.may_read():
            return math.inf
        calls = (self.left - self.reserve) // COSTS[READ]
        elapsed = (self._clock() - self.plan_start).total_seconds()
        remaining = max(self.show_seconds - elapsed, MIN_PLAN_SECONDS)
        return max(0.0, remaining / calls - self.last_read_seconds)

    def charge(self, method: str, *, outcome: str = "ok", units: int | None = None) -> QuotaUse:
        """Count one call (its cost from `COSTS` unless `units` says otherwise) and report it."""
        self._roll_over()
        cost = COSTS[method] if units is None else units
        before = self.left
        could_read = self.may_read()
        self.used += cost
        delay = self.read_delay()
        use = QuotaUse(
            method=method,
            units=cost,
            ts=self._clock(),
            day=self.day,
            used=self.used,
            limit=self.limit,
            read_delay=delay,
            outcome=outcome,
            warning=self._warning(before, could_read, delay),
        )
        self._report(use)
        return use

    def _warning(self, before: int, could_read: bool, delay: float) -> str:
        if could_read and not self.may_read():
            return self.paused_message()
        threshold = self.limit * WARN_SHARE
        if before > threshold >= self.left:
            pace = (
                "as fast as it comes"
                if delay < 1
                else f"every {delay + self.last_read_seconds:.0f} s"
            )
            return (
                f"{self.left:,} of {self.limit:,} quota units left today (20%): chat is read "
                f"{pace} so it lasts the show; a reply costs 20, a deletion or ban 50"
            )
        return ""

    def paused_message(self) -> str:
        wait = spoken_duration(until_reset(self._clock()))
        return (
            f"chat reading paused: the last {self.left:,} quota units are kept for replies and "
            f"moderation; reading resumes when the quota resets at midnight Pacific (in {wait}), "
            "or raise [youtube] daily_quota after Google grants more"
        )
