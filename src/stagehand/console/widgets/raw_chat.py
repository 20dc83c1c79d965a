"""The raw chat as it arrives: the newest lines that fit, one line per comment.

Drawn line by line from the bounded deque in the state; a line already drawn is reused while
its comment is unchanged, so a redraw renders only the lines that are new. Comments by whoever
is on stage are highlighted; deleted ones show as `‹deleted›`. A viewer's command said again
right after itself is one line with a count (`nymnfan: !help ×9`: `RawLine.again`), so one
viewer's `!help` flood never pushes everyone else out of the panel.
"""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from stagehand.console.names import StaffNames, name_of
from stagehand.console.state import RawLine, key_of
from stagehand.console.text import cut_to, plain
from stagehand.domain import AuthorKey

#: Lines kept drawn for reuse (cleared when it fills).
DRAWN_LINES = 2_000
EMPTY = Content.styled("Chat appears here as it arrives.", "$text-muted")


class RawChat(Widget):
    def __init__(self, *, staff: StaffNames, id: str | None = None) -> None:
        """`staff`: the show's own people as the console met them (marked; not to pass for)."""
        super().__init__(id=id)
        self.staff = staff
        self._lines: Sequence[RawLine] = ()
        self._on_stage: frozenset[AuthorKey] = frozenset()
        self._drawn: dict[tuple[object, ...], Strip] = {}

    def show(self, lines: Sequence[RawLine], on_stage: frozenset[AuthorKey]) -> None:
        height = max(1, self.size.height)
        if len(lines) > height:
            # the deque's tail without copying the whole of it
            self._lines = [lines[i] for i in range(len(lines) - height, len(lines))]
        else:
            self._lines = list(lines)
        self._on_stage = on_stage
        self.refresh()

    def render_line(self, y: int) -> Strip:
        width = max(10, self.size.width)
        if not self._lines:
            return self._strip(EMPTY, width) if y == 0 else self._blank(width)
        if y >= len(self._lines):
            return self._blank(width)
        line = self._lines[y]
        comment = line.comment
        on_stage = comment.author.key in self._on_stage
        theme = self.app.theme
        staff = self.staff
        drawn_key = (
            key_of(comment),
            comment.shown_text,
            line.deleted,
            len(line.again),
            on_stage,
            width,
            theme,
            staff.revision,
        )
        strip = self._drawn.get(drawn_key)
        if strip is None:
            if len(self._drawn) >= DRAWN_LINES:
                self._drawn.clear()
            content = self._content(line, on_stage, staff)
            strip = self._drawn[drawn_key] = self._strip(content, width)
        return strip

    @staticmethod
    def _content(line: RawLine, on_stage: bool, staff: StaffNames) -> Content:
        comment = line.comment
        if line.deleted:
            return Content.assemble(
                plain(name_of(comment.author, max_chars=20, staff=staff), style="$text-muted"),
                (": ‹deleted›", "italic $text-muted"),
            )
        if line.held:  # a blocked term: said, never queued; the host sees that it was held
            return Content.assemble(
                ("⊘ held ", "bold $text-error"),
                plain(name_of(comment.author, max_chars=20, staff=staff), style="$text-muted"),
                (": ", "$text-muted"),
                plain(comment.shown_text, max_chars=400, style="$text-muted"),
            )
        row = Content.assemble(
            plain(name_of(comment.author, max_chars=20, staff=staff), style="bold $text-secondary"),
            ": ",
            plain(comment.shown_text, max_chars=400),
            (f" ×{len(line.again) + 1}", "bold $text-muted") if line.again else "",
        )
        return row.stylize("bold $text-warning") if on_stage else row

    def _strip(self, content: Content, width: int) -> Strip:
        strips = Visual.to_strips(
            self, cut_to(content, width), width, 1, self.visual_style, pad=True
        )
        return strips[0] if strips else self._blank(width)

    def _blank(self, width: int) -> Strip:
        return Strip.blank(width, self.visual_style.rich_style)
