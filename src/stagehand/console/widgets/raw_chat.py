"""The raw chat as it arrives: the newest lines that fit, one line per comment.

Only the tail that fits is built, from the bounded deque in the state, so a flood costs one
small redraw per frame. Comments by whoever is on stage are highlighted; deleted ones are
struck through.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.widget import Widget

from stagehand.console.state import RawLine
from stagehand.console.text import name_of, plain
from stagehand.domain import AuthorKey


class RawChat(Widget):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._lines: Sequence[RawLine] = ()
        self._on_stage: frozenset[AuthorKey] = frozenset()

    def show(self, lines: Sequence[RawLine], on_stage: frozenset[AuthorKey]) -> None:
        height = max(1, self.size.height)
        self._lines = list(lines)[-height:] if len(lines) > height else list(lines)
        self._on_stage = on_stage
        self.refresh()

    def render(self) -> Content:
        if not self._lines:
            return Content.styled("Chat appears here as it arrives.", "$text-muted")
        width = max(10, self.size.width)
        height = max(1, self.size.height)
        rows: list[Content] = []
        for line in self._lines[-height:]:
            comment = line.comment
            row = Content.assemble(
                plain(name_of(comment.author, max_chars=20), style="bold $text-secondary"),
                ": ",
                plain(comment.shown_text, max_chars=width * 2),
            )
            if line.deleted:
                row = Content.assemble(
                    plain(name_of(comment.author, max_chars=20), style="$text-muted"),
                    (": ‹deleted›", "italic $text-muted"),
                )
            elif comment.author.key in self._on_stage:
                row = row.stylize("bold $text-warning")
            rows.append(row.truncate(width, ellipsis=True))
        return Content("\n").join(rows)
