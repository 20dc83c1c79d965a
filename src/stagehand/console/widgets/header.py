"""The header: show, live segment and topic, elapsed show time, chat rate, connections, and
the participation numbers from `stagehand.metrics` (people taking part, share the show reached).

The chat rate is counted here, in memory, per second of show time: the metrics package reads
the database, which is right for the reports and for a number refreshed every few seconds, but
not for a rate redrawn 8 times a second.
"""

from __future__ import annotations

import math

from textual.content import Content

from stagehand.console.text import clock_time, plain
from stagehand.console.widgets.panel import Panel
from stagehand.domain import QuotaUse, Segment
from stagehand.metrics import Metrics

CONNECTION_STYLES = {
    "connected": ("●", "bold $success"),
    "connecting": ("◌", "$warning"),
    "reconnecting": ("◌", "bold $warning"),
    "limited": ("◐", "bold $warning"),  # reading, but some actions cannot work
    "disconnected": ("○", "$error"),
    "failed": ("✕", "bold $error"),
    "finished": ("■", "$text-muted"),
    "unknown": ("?", "$text-muted"),  # an attached console's show is away: not known here
}


class ShowHeader(Panel):
    FIXED_HEIGHT = True

    """Two lines the host reads at a glance: what is live, and is chat coming in."""

    def show(
        self,
        *,
        title: str,
        segment: Segment | None,
        elapsed_seconds: float,
        chat_per_minute: int,
        connections: dict[str, tuple[str, str]],
        quotas: dict[str, QuotaUse] | None = None,
        retries: dict[str, float] | None = None,
        metrics: Metrics | None = None,
        frozen: bool,
        pending: int,
        attached_as: tuple[str, str] | None = None,
    ) -> None:
        top = Content.assemble(("stagehand ", "bold $accent"))
        if attached_as is not None:
            top = top + who_here(*attached_as) + Content(" ")
        top = top + plain(title or "untitled show", max_chars=60, style="bold")
        if segment is not None:
            top = top + Content.assemble(
                ("  │  ", "$text-muted"),
                (f"#{segment.position} ", "$text-muted"),
                plain(segment.title, max_chars=80, style="bold $text-primary"),
            )
            if segment.keywords:
                top = top + Content.assemble(
                    ("  ", ""),
                    plain(", ".join(segment.keywords), max_chars=120, style="italic $text-muted"),
                )
        else:
            top = top + Content.styled("  │  no segment yet (n starts one)", "$text-muted")
        width = self.content_region.width
        for tight in range(len(TIGHTER)):
            bottom = bottom_line(
                tight,
                elapsed_seconds=elapsed_seconds,
                chat_per_minute=chat_per_minute,
                connections=connections,
                quotas=quotas or {},
                retries=retries or {},
                metrics=metrics,
                frozen=frozen,
                pending=pending,
            )
            if not width or bottom.cell_length <= width:
                break
        self.set_content(Content("\n").join([top, bottom]))


def who_here(name: str, role: str) -> Content:
    """Who an attached console is, first on the header where a producer looks: its token's
    name and role ("alice · producer"); a viewer's says it only reads."""
    said = f"{role}: reads only" if role == "viewer" else role
    style = "bold reverse $warning" if role == "viewer" else "bold reverse $primary"
    return Content.assemble(
        (" ", style), plain(name, max_chars=32, style=style), (f" · {said} ", style)
    )


#: How the second line shortens when the terminal is too narrow for it, one step at a time,
#: so `FROZEN +N new` always shows (docs/console.md): narrower separators, connections by
#: their mark alone, the participation numbers and YouTube's quota shorter, then without them.
TIGHTER = ("full", "separators", "marks", "numbers", "no numbers", "no connections")


def bottom_line(
    tight: int,
    *,
    elapsed_seconds: float,
    chat_per_minute: int,
    connections: dict[str, tuple[str, str]],
    quotas: dict[str, QuotaUse],
    retries: dict[str, float],
    metrics: Metrics | None,
    frozen: bool,
    pending: int,
) -> Content:
    """The header's second line, shortened `tight` steps (`TIGHTER`)."""
    bar = ("  │  " if tight < 1 else " │ ", "$text-muted")
    bottom = Content.assemble(
        ("on air ", "$text-muted"),
        (clock_time(elapsed_seconds), "bold"),
        (bar[0] + "chat ", "$text-muted"),
        (f"{chat_per_minute}/min", "bold"),
    )
    if tight < 5:
        for platform, (state, _detail) in sorted(connections.items()):
            mark, style = CONNECTION_STYLES.get(state, ("?", ""))
            said = f" {mark} {state}" if tight < 2 else f" {mark}"
            bottom = bottom + Content.assemble(bar, plain(platform, max_chars=20), (said, style))
            # The reason is the notices' (`i` keeps it): here only when the next try is,
            # kept by the mark when the state's word no longer fits ("twitch ◌ retry in 4 s").
            retry = retries.get(platform) if state == "reconnecting" else None
            if retry is not None and tight < 4:
                said = retry_text(retry)
                bottom = bottom + Content.styled(said if tight < 2 else said[2:], "$warning")
            use = quotas.get(platform)
            if use is not None:
                bottom = bottom + quota_content(use, short=tight >= 3, reading=state == "connected")
    if metrics is not None and tight < 4:
        rate = metrics.participation_rate
        bottom = bottom + Content.assemble(
            bar,
            (f"{metrics.participants}", "bold"),
            (" people, " if tight < 3 else " people ", "$text-muted"),
            ("—" if rate is None else f"{rate:.0%}", "bold"),
            (" reached" if tight < 3 else "", "$text-muted"),
        )
    if frozen:
        new = f" +{pending} new" if pending else ""
        bottom = bottom + Content.assemble(
            bar,
            (" FROZEN ", "bold reverse $warning"),
            (f"{new} (space)" if tight < 3 else new, "$warning"),
        )
    return bottom


def retry_text(seconds: float) -> str:
    """When a reconnecting platform tries again: " · retry in 4 s", " · retrying" (the
    header's tighter line drops the " ·")."""
    if seconds < 0.5:
        return " · retrying"
    return f" · retry in {math.ceil(seconds)} s"


def quota_content(use: QuotaUse, *, short: bool = False, reading: bool = True) -> Content:
    """Units left today and the reading delay they imply: " 8,245 units · read +5 s"; only the
    units while nothing is read (not connected: "live" would not be true)."""
    low = use.left <= use.limit * 0.2
    units = f" {use.left:,}" if short else f" {use.left:,} units"
    if not reading:
        return Content.styled(units, "bold $warning" if low else "bold")
    delay = use.read_delay
    if delay == float("inf"):
        pace = "reading paused"
    elif delay < 1:
        pace = "live"
    else:
        pace = f"read +{delay:.0f} s"
    return Content.assemble(
        (units, "bold $warning" if low else "bold"),
        (f" · {pace}", "$warning" if low or delay == float("inf") else "$text-muted"),
    )
