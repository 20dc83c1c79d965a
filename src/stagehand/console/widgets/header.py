"""The header: show, live segment and topic, elapsed show time, chat rate, connections."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from stagehand.console.text import clock_time, plain
from stagehand.domain import Segment

CONNECTION_STYLES = {
    "connected": ("●", "bold $success"),
    "connecting": ("◌", "$warning"),
    "reconnecting": ("◌", "bold $warning"),
    "disconnected": ("○", "$error"),
    "failed": ("✕", "bold $error"),
    "finished": ("■", "$text-muted"),
}


class ShowHeader(Static):
    """Two lines the host reads at a glance: what is live, and is chat coming in."""

    def show(
        self,
        *,
        title: str,
        segment: Segment | None,
        elapsed_seconds: float,
        chat_per_minute: int,
        connections: dict[str, tuple[str, str]],
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
        if frozen:
            bottom = bottom + Content.assemble(
                ("  │  ", "$text-muted"),
                (" FROZEN ", "bold reverse $warning"),
                (f" +{pending} new (space)" if pending else " (space)", "$warning"),
            )
        self.update(Content("\n").join([top, bottom]))
