"""The ranked queue: one row per comment, best first, and the comment the host selected.

A row is one line where its text has room (TWO_LINES_UNDER cells or more beside the name and
age); narrower (80x24, 100x30 beside the side column) it takes two lines, the second one the
comment's text continued, so the host reads the comment without selecting it.

Drawn line by line (Textual's line API): only the rows on screen are built, and a row already
drawn is reused while its comment, age and highlight are unchanged, so a redraw under a flood
renders just the rows that are new. Nothing moves under the host's hands:

- The selection is a comment, never a row, and only a key press or a click changes it. Before
  the first one nothing is selected. When the selected comment leaves the queue (answered,
  dismissed, moderated, pushed out by better ones) nothing is selected, and `lost` says which
  comment that was; `j`/`↓` then selects the comment now in its row, `k`/`↑` the one above.
- At the top, new comments appear as they rank. Scrolled away from the top, the rows on screen
  stay where they are and `new_above` counts what arrived above them ("↑ 12 new").

One question asked by several viewers is one row (the core merges them), shown with its first
asker's comment and "asked by N"; `askers_of` gives every asker's comment of a row.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from datetime import datetime

from textual import events
from textual.binding import Binding
from textual.content import Content
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget

from stagehand.console.names import StaffNames, name_of
from stagehand.console.state import CommentKey, key_of
from stagehand.console.text import age, cut_to, first_line_end, plain, platform_tag
from stagehand.domain import AuthorKey, RankedComment
from stagehand.ranking.queue_order import each_viewer
from stagehand.report.text import count

NAME_WIDTH = 14
#: A row's cells before its text: markers, name, platform tag and age, with their spaces.
BEFORE_TEXT = 4 + 1 + NAME_WIDTH + 1 + 2 + 6
#: A row that would leave its text fewer cells than this (a terminal under the 80x24 floor)
#: gives the name fewer cells and drops the platform tag (the Selected pane has it), so the
#: comment itself still shows.
TEXT_AT_LEAST = 12
SHORT_NAME_WIDTH = 8
#: A row whose text would have fewer cells than this on its first line takes two lines.
TWO_LINES_UNDER = 40
#: The second line of a two-line row starts under the name (the markers mark where rows start).
SECOND_LINE_INDENT = 5
MARKERS = (
    ("question", "?", "bold $accent"),
    ("raised_hand", "H", "bold $warning"),
    ("newcomer", "N", "bold $success"),
    ("on_stage", "S", "bold $secondary"),
)
#: Rows one turn of the mouse wheel scrolls.
WHEEL_ROWS = 3
#: Cells of the border's width its title cannot use (a blank at either end).
TITLE_MARGIN = 2
#: Rows kept drawn for reuse (a few screens' worth; cleared when it fills).
DRAWN_ROWS = 2_000

RowKey = tuple[CommentKey, str, str, bool, bool, bool, int, str, bool, int, int, int]


def lines_per_row(width: int) -> int:
    """Two lines a row when a one-line row would cut the comment short (see the module)."""
    return 2 if width - BEFORE_TEXT < TWO_LINES_UNDER else 1


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

    def __init__(
        self,
        *,
        staff: StaffNames,
        on_moved: Callable[[], None] | None = None,
        id: str | None = None,
    ) -> None:
        """`staff`: the show's own people as the console met them (marked; not to pass for).
        `on_moved`: called at once when another comment is selected (or the selected one
        left), before the key's handler returns: the Selected pane is redrawn with the
        highlight, in the same frame. (A message posted for it waited behind the flood's
        updates in the app's queue: the pane showed the comment before for 0.3-0.7 s.)"""
        super().__init__(id=id)
        self.staff = staff
        self._on_moved = on_moved
        self.entries: list[RankedComment] = []
        #: Rows of one question asked by several viewers: every asker's comment, the shown first.
        self.askers: dict[CommentKey, tuple[RankedComment, ...]] = {}
        self.top = 0
        self.new_above = 0
        #: The queue is frozen (space): the title says so.
        self.frozen = False
        #: The selected comment (None: nothing selected) and whether it is outside the queue
        #: (picked from search results).
        self.selected_key: CommentKey | None = None
        self.outside = False
        #: The selected comment that left the queue, until the host selects another.
        self.lost: RankedComment | None = None
        self._selected: RankedComment | None = None
        self._row = -1  # the selected comment's row, or where it was before it left
        self._index: dict[CommentKey, int] = {}
        self._anchor: CommentKey | None = None  # the first row on screen, away from the top
        self._arrived_away: set[CommentKey] = set()
        self._now: datetime | None = None
        self._on_stage: frozenset[AuthorKey] = frozenset()
        self._pinned: Collection[CommentKey] = ()
        self._drawn: dict[RowKey, Strip] = {}

    # -- what is selected --------------------------------------------------------------------

    @property
    def selected(self) -> RankedComment | None:
        return self._selected

    @property
    def cursor(self) -> int | None:
        """The selected comment's row (None: nothing selected, or selected outside the queue)."""
        return self._index.get(self.selected_key) if self.selected_key else None

    def select(self, index: int) -> None:
        """Select the comment in row `index` (clamped), by the host's hand."""
        if not self.entries:
            self.refresh()  # a key redraws at once, even when there is nothing to select
            return
        index = max(0, min(index, len(self.entries) - 1))
        self._set_selection(self.entries[index], outside=False)
        self._row = index
        self._show_row(index)
        self.refresh()

    def select_comment(self, ranked: RankedComment) -> None:
        """Select `ranked` (from search): its row if it is in the queue, else outside it."""
        index = self._index.get(key_of(ranked.comment))
        if index is not None:
            self.select(index)
            return
        self._set_selection(ranked, outside=True)
        self.refresh()

    def lose_selection(self) -> None:
        """The selected comment is gone (an action found it so): select nothing."""
        if self._selected is not None:
            self.lost = self._selected
            self._set_selection(None, outside=False)
            self.refresh()

    def _set_selection(self, ranked: RankedComment | None, *, outside: bool) -> None:
        before = self.selected_key
        self._selected = ranked
        self.selected_key = key_of(ranked.comment) if ranked else None
        self.outside = outside and ranked is not None
        if ranked is not None:
            self.lost = None
        if (self.selected_key != before or ranked is None) and self._on_moved is not None:
            self._on_moved()

    # -- new entries ---------------------------------------------------------------------------

    def askers_of(self, ranked: RankedComment | None) -> tuple[RankedComment, ...]:
        """Every asker's comment of the row showing `ranked` (just `ranked` for most rows)."""
        if ranked is None:
            return ()
        return self.askers.get(key_of(ranked.comment)) or (ranked,)

    def set_entries(
        self,
        entries: list[RankedComment],
        *,
        now: datetime,
        on_stage: frozenset[AuthorKey],
        askers: Mapping[CommentKey, tuple[RankedComment, ...]] | None = None,
        pinned: Collection[CommentKey] = (),
    ) -> None:
        """Show `entries` (best first; the `pinned` ones highlighted); `askers`: the rows asked
        by several viewers. The selection and the rows on screen stay put."""
        self.askers = dict(askers or {})
        away = self.top > 0
        if away:
            self._arrived_away.update(
                key for key in (key_of(r.comment) for r in entries) if key not in self._index
            )
        self.entries = entries
        self._index = {key_of(r.comment): i for i, r in enumerate(entries)}
        self._now = now
        self._on_stage = on_stage
        self._pinned = pinned
        if self.selected_key is not None and not self.outside:
            row = self._index.get(self.selected_key)
            if row is None:
                self.lost = self._selected
                self._set_selection(None, outside=False)
            else:
                self._row = row
                self._selected = entries[row]  # an edit replaces the comment's text
        if away and self._anchor is not None and self._anchor in self._index:
            self.top = self._index[self._anchor]
        self._settle()
        self.refresh()

    @property
    def rows_on_screen(self) -> int:
        """Whole comments the widget shows at its size (a row may take two lines)."""
        return max(1, self.size.height // lines_per_row(self.size.width))

    def _settle(self) -> None:
        height = self.rows_on_screen
        self.top = max(0, min(self.top, max(0, len(self.entries) - height)))
        row = self.cursor
        if row is not None and row >= self.top + height:
            self.top = row - height + 1  # pushed below the screen by better comments
        self._anchor = key_of(self.entries[self.top].comment) if self.top > 0 else None
        if self.top == 0:
            self._arrived_away.clear()
            self.new_above = 0
        else:
            above = (key_of(r.comment) for r in self.entries[: self.top])
            self.new_above = sum(1 for key in above if key in self._arrived_away)
            if len(self._arrived_away) > 4 * max(50, len(self.entries)):
                self._arrived_away &= set(self._index)
        title = self._title()
        if self.border_title != title:
            self.border_title = title

    def _title(self) -> str:
        """The rows the host sees: `Queue (12)`; with the comments they hold when some rows
        were asked by several viewers, `Queue (12 rows · 19 comments)`, unless that leaves no
        room for `FROZEN` and `↑ N new (Home)`, which always show whole."""
        rows = len(self.entries)
        comments = sum(len(self.askers.get(key_of(r.comment), ())) or 1 for r in self.entries)
        after = ("  FROZEN" if self.frozen else "") + (
            f"  ↑ {self.new_above} new (Home)" if self.new_above else ""
        )
        if comments != rows:
            both = f"Queue ({count(rows, 'row')} · {count(comments, 'comment')}){after}"
            if len(both) <= self.outer_size.width - TITLE_MARGIN:
                return both
        return f"Queue ({rows}){after}"

    def _show_row(self, index: int) -> None:
        """Scroll just enough for row `index` to be on screen (after a key moved to it)."""
        height = self.rows_on_screen
        if index < self.top:
            self.top = index
        elif index >= self.top + height:
            self.top = index - height + 1
        self._settle()

    # -- keys and the mouse --------------------------------------------------------------------

    def action_cursor(self, step: int) -> None:
        row = self.cursor
        if row is None:
            # Nothing selected: down takes the comment now in the row the last one left
            # (the top one at first), up the one above it.
            start = max(0, self._row) if not self.outside else 0
            self.select(start if step > 0 else start - 1)
        else:
            self.select(row + step)

    def action_page(self, step: int) -> None:
        row = self.cursor if self.cursor is not None else max(0, self._row)
        self.select(row + step * max(1, self.rows_on_screen - 1))

    def action_first(self) -> None:
        self.select(0)

    def action_last(self) -> None:
        self.select(len(self.entries) - 1)

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:  # the title line, not a row
            return
        row = self.top + offset.y // lines_per_row(self.size.width)
        if 0 <= row < len(self.entries):
            self.select(row)

    def scroll_rows(self, rows: int) -> None:
        """Move what is on screen; the selection stays where it is."""
        self.top += rows
        self._settle()
        self.refresh()

    def on_mouse_scroll_down(self, event: events.MouseScrollDown) -> None:
        self.scroll_rows(WHEEL_ROWS)

    def on_mouse_scroll_up(self, event: events.MouseScrollUp) -> None:
        self.scroll_rows(-WHEEL_ROWS)

    def on_resize(self, event: events.Resize) -> None:
        self._settle()

    # -- drawing -------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        width = max(10, self.size.width)
        if not self.entries:
            if y == 0:
                return self._strip(self.EMPTY, width)
            return Strip.blank(width, self.visual_style.rich_style)
        lines = lines_per_row(width)
        index = self.top + y // lines
        if index >= len(self.entries):
            return Strip.blank(width, self.visual_style.rich_style)
        ranked = self.entries[index]
        comment = ranked.comment
        key = key_of(comment)
        current = key == self.selected_key and not self.outside
        on_stage = comment.author.key in self._on_stage
        pinned = key in self._pinned
        seconds = (self._now - comment.ts).total_seconds() if self._now else 0.0
        shown_age = "pin" if pinned else age(seconds)
        asked_by = len(each_viewer(self.askers.get(key, ())))
        row_key = (
            key,
            comment.shown_text,  # an edit on the platform changes it
            shown_age,
            current,
            on_stage,
            current and self.has_focus,
            width,
            self.app.theme,
            pinned,
            asked_by,
            y % lines,
            self.staff.revision,
        )
        strip = self._drawn.get(row_key)
        if strip is None:
            if len(self._drawn) >= DRAWN_ROWS:
                self._drawn.clear()
            content = self._row_content(
                ranked, shown_age, current, on_stage, width, pinned, asked_by, part=y % lines
            )
            strip = self._drawn[row_key] = self._strip(content, width)
        return strip

    EMPTY = Content.styled("Waiting for chat… the best comments rise here.", "$text-muted")

    def _strip(self, content: Content, width: int) -> Strip:
        strips = Visual.to_strips(self, content, width, 1, self.visual_style, pad=True)
        return strips[0] if strips else Strip.blank(width, self.visual_style.rich_style)

    @staticmethod
    def _two_lines(row: Content, width: int) -> tuple[Content, Content]:
        """A one-line row (built long) as two: the first line cut after a word where one ends
        in its last third, else at the last whole character that fits (Japanese or Chinese
        have no spaces to cut at), the text continued on the second, under the name."""
        cut = first_line_end(row.plain, width, words_from=BEFORE_TEXT)
        rest = row[cut:]
        rest = rest[len(rest.plain) - len(rest.plain.lstrip(" ")) :]
        second = Content.assemble(" " * SECOND_LINE_INDENT, rest)
        return row[:cut].truncate(width, pad=True), cut_to(second, width).truncate(width, pad=True)

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()

    def _row_content(
        self,
        ranked: RankedComment,
        shown_age: str,
        current: bool,
        on_stage: bool,
        width: int,
        pinned: bool = False,
        asked_by: int = 0,
        *,
        part: int = 0,
    ) -> Content:
        """Line `part` of the row (0, or 1 for the second line of a two-line row)."""
        comment = ranked.comment
        many = ""
        if asked_by > 1:
            pasted = "copypasta" in ranked.score.flags
            many = f"{'pasted' if pasted else 'asked'} by {asked_by} "
        short = width - BEFORE_TEXT < TEXT_AT_LEAST
        name_width = SHORT_NAME_WIDTH if short else NAME_WIDTH
        row = Content.assemble(
            markers(ranked, on_stage),
            " ",
            plain(
                name_of(comment.author, max_chars=name_width, staff=self.staff), style="bold"
            ).truncate(name_width, ellipsis=True, pad=True),
            *(() if short else (" ", platform_tag(comment.platform))),
            (f" {shown_age:>4} ", "bold $text-success" if pinned else "$text-muted"),
            (many, "bold $accent"),
            plain(comment.shown_text, max_chars=width * 3),
        )
        if lines_per_row(width) == 1:
            row = cut_to(row, width).truncate(width, pad=True)
        else:
            row = self._two_lines(row, width)[part]
        if current:
            return row.stylize_before("bold on $accent 30%" if self.has_focus else "on $panel")
        if pinned:  # a producer lifted it for the hosts
            return row.stylize_before("on $success 20%")
        if on_stage:
            return row.stylize_before("on $warning 15%")
        return row
