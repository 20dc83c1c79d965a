"""Dialogs docked under the queue, beside the side column: the show stays in view.

While the host types a reply, picks a moderation or searches, the queue above the dialog and
the whole side column (stage, raised hands, chat) stay on screen and keep updating, so the host
can read chat while typing. The screen underneath is not dimmed: only the dialog's own cells
cover it (a widget is never see-through in Textual, so the dialog is exactly as wide as the
queue's column, measured when it opens and when the terminal is resized). It sits above the
notices line, which stays whole (what a key in the dialog did shows there), and the footer
under it lists the dialog's own keys, across the whole width: the show's keys do nothing
while a dialog is open, and half a footer beside the dialog read as if they did.

A dialog opened from a dialog (the moderation's confirmation) docks over it; keys go to the top
one alone, and the show behind both keeps moving (the app repaints the covered dialog with each
redraw: `StagehandApp._repaint_covered_dialogs`).
"""

from __future__ import annotations

from collections.abc import Mapping

from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen, Screen, ScreenResultType

from stagehand.console.widgets.footer import KeysFooter
from stagehand.domain import AuthorKey

#: Columns kept free on the right when the side column cannot be measured.
SIDE_COLUMNS = 32


class DockedScreen(ModalScreen[ScreenResultType]):
    """Subclasses yield their widgets from `compose_dock`."""

    def compose(self) -> ComposeResult:
        with Vertical(classes="dock"):
            yield from self.compose_dock()
        yield KeysFooter()

    def compose_dock(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        self.fit()

    def let_go(self, left: Mapping[AuthorKey, str]) -> str | None:
        """Viewers who just asked to be forgotten or opted out (`left`: why, by author). A
        dialog about one of them answers why it closes (the app closes it: nothing is done to
        them from it); a list drops their lines and answers None."""
        return None

    def on_resize(self, event: events.Resize) -> None:
        # Measured once the show's screen underneath has laid out its new size (its side
        # column may change width with the terminal's).
        self.call_after_refresh(self.fit)

    def fit(self) -> None:
        """As wide as the queue's column, above the notices line (measured on the show's
        screen: the app calls this again when its side column changes width)."""
        underneath = self._underneath()
        try:
            side = underneath.query_one("#side")
        except NoMatches:
            beside = SIDE_COLUMNS
        else:
            # Under the queue (chat hidden), not beside it: the dialog has the whole width.
            beside = side.outer_size.width if side.display and side.region.x > 0 else 0
        try:
            below = underneath.query_one("#notices").outer_size.height
        except NoMatches:
            below = 0
        dock = self.query_one(".dock")
        dock.styles.width = max(20, self.size.width - beside)
        dock.styles.margin = (0, 0, below, 0)  # the notices line stays in view under it

    def _underneath(self) -> Screen[object]:
        """The show's screen this dialog is docked on, under any dialog it was opened from (the
        app's query would search this dialog once it is the active screen: a resize then
        measured no side column at all; a confirmation over the moderation dialog measured that
        dialog, which has no notices line)."""
        stack = self.app.screen_stack
        index = stack.index(self) if self in stack else len(stack)
        for screen in reversed(stack[:index]):
            if not isinstance(screen, DockedScreen):
                return screen
        return stack[0] if stack else self.app.screen
