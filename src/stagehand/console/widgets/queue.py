"""The ranked queue: one line per comment, best first, a cursor the host acts on.

Drawn by hand (only the rows that fit are built) so a full queue costs the same as a short
one. The cursor sticks to a comment, not a row: when better comments arrive above it, the row
moves and the cursor moves with it. Until the host moves it, the cursor rides the top comment.
"""

from __future__ import annotations

from datetime import datetime

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.message import Message
from textual.widget import Widget

from stagehand.console.state import CommentKey, key_of
from stagehand.console.text import age, name_of, plain, platform_tag
from stagehand.domain import AuthorKey, RankedComment

NAME_WIDTH = 14
MARKERS = (
    ("question", "?", "bold $accent"),
    ("raised_hand", "H", "bold $warning"),
    ("newcomer", "N", "bold $success"),
    ("on_stage", "S", "bold $secondary"),
)


def markers(ranked: RankedComment, on_stage: bool) -> Content:
    """Four fixed columns: ? question, H raised hand, N newcomer, S on stage."""
    flags = ranked.score.flags
    parts: list[tuple[str, str]] = []
    for flag, mark, style in MARKERS:
        present = flag in flags or (flag == "on_stage" and on_stage)
        parts.append((mark, style) if present else ("·", "$text-disabled"))
    return Content.assemble(*parts)


class QueueView(Widget, can_focus=True):
    BINDINGS = [
        Binding("up,k", "cursor(-1)", "Up", show=False),
        Binding("down,j", "cursor(1)", "Down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("pagedown", "page(1)", "Page down", show=False),
        Binding("home", "first", "Top", show=False),
        Binding("end", "last", "Bottom", show=False),
    ]

    class Moved(Message):
        """The cursor is on another comment (or none)."""

        def __init__(self, ranked: RankedComment | None) -> None:
            super().__init__()
            self.ranked = ranked

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: list[RankedComment] = []
        self.cursor = 0
        self.top = 0
        self.follow_top = True
        self._cursor_key: CommentKey | None = None
        self._now: datetime | None = None
        self._on_stage: frozenset[AuthorKey] = frozenset()

    @property
    def selected(self) -> RankedComment | None:
        return self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None

    def set_entries(
        self, entries: list[RankedComment], *, now: datetime, on_stage: frozenset[AuthorKey]
    ) -> None:
        """Show `entries` (best first), keeping the cursor on the same comment if it is there."""
        before = self.selected
        self.entries = entries
        self._now = now
        self._on_stage = on_stage
        if self.follow_top:
            self.cursor = 0
        else:
            index = next(
                (i for i, r in enumerate(entries) if key_of(r.comment) == self._cursor_key), None
            )
            # Gone (answered, dismissed, pushed out): stay on the same row, i.e. the next one.
            self.cursor = index if index is not None else min(self.cursor, len(entries) - 1)
        self._settle(before)
        self.refresh()

    def _settle(self, before: RankedComment | None) -> None:
        self.cursor = max(0, min(self.cursor, len(self.entries) - 1))
        height = max(1, self.size.height)
        if self.cursor < self.top:
            self.top = self.cursor
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self.top = max(0, min(self.top, max(0, len(self.entries) - height)))
        after = self.selected
        self._cursor_key = key_of(after.comment) if after else None
        if after is not before:
            self.post_message(self.Moved(after))

    def move_to(self, index: int) -> None:
        before = self.selected
        self.cursor = index
        self.follow_top = index <= 0
        self._settle(before)
        self.refresh()

    def action_cursor(self, step: int) -> None:
        self.move_to(self.cursor + step)

    def action_page(self, step: int) -> None:
        self.move_to(self.cursor + step * max(1, self.size.height - 1))

    def action_first(self) -> None:
        self.move_to(0)

    def action_last(self) -> None:
        self.move_to(len(self.entries) - 1)

    def on_click(self, event: events.Click) -> None:
        row = self.top + event.y
        if 0 <= row < len(self.entries):
            self.move_to(row)

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.move_to(self.cursor + 1)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.move_to(self.cursor - 1)

    def on_resize(self, event: events.Resize) -> None:
        self._settle(self.selected)

    def render(self) -> Content:
        if not self.entries:
            return Content.styled("Waiting for chat… the best comments rise here.", "$text-muted")
        width = max(10, self.size.width)
        height = max(1, self.size.height)
        lines = [
            self._row(self.entries[index], index == self.cursor, width)
            for index in range(self.top, min(len(self.entries), self.top + height))
        ]
        return Content("\n").join(lines)

    def _row(self, ranked: RankedComment, current: bool, width: int) -> Content:
        comment = ranked.comment
        on_stage = comment.author.key in self._on_stage
        seconds = (self._now - comment.ts).total_seconds() if self._now else 0.0
        row = Content.assemble(
            markers(ranked, on_stage),
            " ",
            plain(name_of(comment.author, max_chars=NAME_WIDTH), style="bold").truncate(
                NAME_WIDTH, ellipsis=True, pad=True
            ),
            " ",
            platform_tag(comment.platform),
            (f" {age(seconds):>4} ", "$text-muted"),
            plain(comment.shown_text, max_chars=width * 2),
        ).truncate(width, ellipsis=True, pad=True)
        if current:
            return row.stylize_before("bold on $accent 30%" if self.has_focus else "on $panel")
        if on_stage:
            return row.stylize_before("on $warning 15%")
        return row
