"""The stage panel: who is on stage, for how long, and what they said while there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from textual.content import Content
from textual.widget import Widget

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
        self.set_title(f"On stage ({len(sessions)})" if sessions else "On stage")
        lines: list[Content] = []
        starts: list[int] = []  # where each guest's lines begin
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
            starts.append(len(lines))
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
        self.set_content(Content("\n").join(self._fitted(lines, starts, sessions, staff)))

    def _fitted(
        self,
        lines: list[Content],
        starts: list[int],
        sessions: Sequence[StageSession],
        staff: StaffNames,
    ) -> list[Content]:
        """`lines` as the panel has room for them: whole guests, and the guests left out named
        in a last line ("+1 more on stage: Knob Fan"), never dropped unsaid. With no room for
        one whole guest the first is cut short under its name (the card on stream above it if
        room is left), and with one line only it names them all."""
        room = self._room()
        if room is None or len(lines) <= room:
            return lines
        names = [name_of(s.author, staff=staff) for s in sessions]
        kept = len(sessions) - 1  # guests that fit whole above the "+N more" line
        while kept > 0 and starts[kept] > room - 1:
            kept -= 1
        if kept > 0:
            return [*lines[: starts[kept]], _more(names[kept:], shown=True)]
        if room < 2 and len(sessions) > 1:
            return [_more(names, shown=False)]
        # Not one whole guest fits: the first, cut short under its name, and the others named.
        first = lines[starts[0] : starts[1] if len(starts) > 1 else len(lines)]
        others = [_more(names[1:], shown=True)] if len(sessions) > 1 else []
        first = first[: max(1, room - len(others))]
        above = lines[: starts[0]][: max(0, room - len(first) - len(others))]
        return [*above, *first, *others]

    def _room(self) -> int | None:
        """The lines the panel may grow to (its `max-height`, less its title), once laid out."""
        max_height = self.styles.max_height
        parent = self.parent
        if max_height is None or not isinstance(parent, Widget) or not parent.size.height:
            return None
        box = int(max_height.resolve(parent.size, self.app.size))
        return max(1, box - self.styles.gutter.height)


def _more(names: Sequence[str], *, shown: bool) -> Content:
    """The last line naming the guests the panel has no room for ("+2 more on stage: a, b")."""
    return Content.assemble(
        (
            f"+{len(names)} more on stage: " if shown else f"{len(names)} on stage: ",
            "bold $text-warning",
        ),
        plain(", ".join(names), max_chars=200, style="bold"),
    )
