"""The notice history: the last 100 notices with their show time, newest first.

An attached console's show may restart with another clock (another show served on the same
address, a replay played from its start): a line marks where, so times never seem to run
backwards within a part of the list."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from stagehand.console.screens.docked import DockedScreen
from stagehand.console.state import ShownNotice
from stagehand.console.widgets.notices import notice_content
from stagehand.domain import AuthorKey

#: Between the notices of one run of the show and those of the run before it.
RESTARTED_HERE = "── the show restarted here; earlier below ──"


def history_content(notices: Sequence[ShownNotice]) -> Content:
    if not notices:
        return Content.styled("No notices yet.", "$text-muted")
    lines: list[Content] = []
    run = notices[-1].run
    for notice in reversed(notices):
        if notice.run != run:
            run = notice.run
            lines.append(Content.styled(RESTARTED_HERE, "bold $text-warning"))
        lines.append(
            Content.assemble(
                (f"{notice.at:%H:%M:%S}  " if notice.at else "          ", "$text-muted"),
                notice_content(notice, max_chars=500),
            )
        )
    return Content("\n").join(lines)


class NoticesScreen(DockedScreen[None]):
    BINDINGS = [Binding("escape,i", "close", "Close")]

    def __init__(self, notices: Sequence[ShownNotice]) -> None:
        """`notices`: the console's (`ConsoleState.notices`); the list shows them as they were
        when it opened, and as they read after a viewer leaves (`let_go`)."""
        super().__init__()
        self._source = notices
        self.notices = list(notices)

    def compose_dock(self) -> ComposeResult:
        yield Static(self._title(), id="notices-title", classes="dialog-title")
        with VerticalScroll(id="notice-history"):
            yield Static(history_content(self.notices), id="notices-list")

    def _title(self) -> Content:
        return Content.assemble(
            (f"Notices ({len(self.notices)}, newest first)", "bold"),
            ("   Escape closes", "$text-muted"),
        )

    def let_go(self, left: Mapping[AuthorKey, str]) -> str | None:
        """A viewer who left is named by none of the notices any more (`ConsoleState` said
        them anonymous where each named them): shown so at once."""
        still = {id(notice) for notice in self._source}
        self.notices = [notice for notice in self.notices if id(notice) in still]
        self.query_one("#notices-title", Static).update(self._title())
        self.query_one("#notices-list", Static).update(history_content(self.notices))
        return None

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#notice-history").focus()

    def action_close(self) -> None:
        self.dismiss(None)
