"""The stage panel: who is on stage, for how long, and what they said while there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from textual.content import Content

from stagehand.console.names import StaffNames, name_of
from stagehand.console.text import clock_time, plain, platform_tag
from stagehand.console.widgets.panel import Panel
from stagehand.domain import AuthorKey, Comment, Featured, StageSession

#: Lines of what each guest said shown under their name (the newest).
SAID_SHOWN = 4


def on_stream_line(featured: Featured, now: datetime, *, staff: StaffNames | None) -> Content:
    """`▶ on stream 0:12  ben: which waveform…` (s takes it off)."""
    comment = featured.comment
    return Content.assemble(
        ("▶ on stream ", "bold $accent"),
        (clock_time((now - featured.since).total_seconds()), "bold $accent"),
        "  ",
        plain(name_of(comment.author, staff=staff), style="bold"),
        ": ",
        plain(comment.shown_text, max_chars=200, style="italic"),
    )


class StagePanel(Panel):
    def show(
        self,
        sessions: Sequence[StageSession],
        said: Mapping[AuthorKey, Sequence[Comment]],
        *,
        now: datetime,
        staff: StaffNames,
        featured: Featured | None = None,
    ) -> None:
        self.set_class(bool(sessions), "-live")
        lines: list[Content] = []
        if featured is not None:  # what the overlay shows, above who is on stage
            lines.append(on_stream_line(featured, now, staff=staff))
        if not sessions:
            lines.append(
                Content.styled("Nobody on stage. p brings the selected author on.", "$text-muted")
            )
            self.set_content(Content("\n").join(lines))
            return
        for session in sessions:
            author = session.author
            lines.append(
                Content.assemble(
                    ("★ ", "bold $warning"),
                    plain(name_of(author, staff=staff), style="bold"),
                    " ",
                    platform_tag(author.platform),
                    (f"  on stage {clock_time(session.seconds(now))}", "bold $text-warning"),
                )
            )
            recent = list(said.get(author.key, ()))[-SAID_SHOWN:]
            if not recent:
                lines.append(Content.styled("  (nothing said in chat since)", "$text-muted"))
            for comment in recent:
                lines.append(
                    Content.assemble(
                        ("  › ", "$text-warning"),
                        plain(comment.shown_text, max_chars=300, style="$text-warning"),
                    )
                )
        self.set_content(Content("\n").join(lines))
