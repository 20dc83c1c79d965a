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
    ) -> None:
        top = Content.assemble(
            ("stagehand ", "bold $accent"),
            plain(title or "untitled show", max_chars=60, style="bold"),
        )
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
        bottom = Content.assemble(
            ("on air ", "$text-muted"),
            (clock_time(elapsed_seconds), "bold"),
            ("  │  chat ", "$text-muted"),
            (f"{chat_per_minute}/min", "bold"),
        )
        for platform, (state, _detail) in sorted(connections.items()):
            mark, style = CONNECTION_STYLES.get(state, ("?", ""))
            bottom = bottom + Content.assemble(
                ("  │  ", "$text-muted"), plain(platform, max_chars=20), (f" {mark} {state}", style)
            )
            # The reason is the notices' (`i` keeps it): here only when the next try is.
            retry = (retries or {}).get(platform) if state == "reconnecting" else None
            if retry is not None:
                bottom = bottom + Content.styled(retry_text(retry), "$warning")
            use = (quotas or {}).get(platform)
            if use is not None:
                bottom = bottom + quota_content(use, reading=state == "connected")
        if metrics is not None:
            rate = metrics.participation_rate
            bottom = bottom + Content.assemble(
                ("  │  ", "$text-muted"),
                (f"{metrics.participants}", "bold"),
                (" people, ", "$text-muted"),
                ("—" if rate is None else f"{rate:.0%}", "bold"),
                (" reached", "$text-muted"),
            )
        if frozen:
            bottom = bottom + Content.assemble(
                ("  │  ", "$text-muted"),
                (" FROZEN ", "bold reverse $warning"),
                (f" +{pending} new (space)" if pending else " (space)", "$warning"),
            )
        self.set_content(Content("\n").join([top, bottom]))


def retry_text(seconds: float) -> str:
    """When a reconnecting platform tries again: " · retry in 4 s", " · retrying"."""
    if seconds < 0.5:
        return " · retrying"
    return f" · retry in {math.ceil(seconds)} s"


def quota_content(use: QuotaUse, *, reading: bool = True) -> Content:
    """Units left today and the reading delay they imply: " 8,245 units · read +5 s"; only the
    units while nothing is read (not connected: "live" would not be true)."""
    low = use.left <= use.limit * 0.2
    if not reading:
        return Content.styled(f" {use.left:,} units", "bold $warning" if low else "bold")
    delay = use.read_delay
    if delay == float("inf"):
        pace = "reading paused"
    elif delay < 1:
        pace = "live"
    else:
        pace = f"read +{delay:.0f} s"
    return Content.assemble(
        (f" {use.left:,} units", "bold $warning" if low else "bold"),
        (f" · {pace}", "$warning" if low or delay == float("inf") else "$text-muted"),
    )
