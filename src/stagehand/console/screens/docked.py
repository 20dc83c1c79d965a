"""Dialogs docked under the queue, beside the side column: the show stays in view.

While the host types a reply, picks a moderation or searches, the queue above the dialog and
the whole side column (stage, raised hands, chat) stay on screen and keep updating, so the host
can read chat while typing. The screen underneath is not dimmed; only the dialog's own rows
cover it.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.css.query import NoMatches
from textual.screen import ModalScreen, ScreenResultType
from textual.widgets import Static

#: Columns kept free on the right when the side column cannot be measured.
SIDE_COLUMNS = 32


class DockedScreen(ModalScreen[ScreenResultType]):
    """Subclasses yield their widgets from `compose_dock`."""

    def compose(self) -> ComposeResult:
        with Horizontal(classes="dock-row"):
            with Vertical(classes="dock"):
                yield from self.compose_dock()
            yield Static(classes="dock-gap")

    def compose_dock(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        try:
            side = self.app.query_one("#side")
        except NoMatches:
            width = SIDE_COLUMNS
        else:
            width = side.outer_size.width if side.display else 0
        self.query_one(".dock-gap").styles.width = width
