"""Pin a comment for the hosts with an optional note; Enter pins it, Escape cancels."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input

from stagehand.console.names import StaffNames
from stagehand.console.screens.docked import DockedScreen
from stagehand.console.screens.quoted import closed_for, quoted_comment
from stagehand.domain import AuthorKey, Comment
from stagehand.show.featuring import NOTE_CHARS


class PinScreen(DockedScreen[str | None]):
    """Answers the note ("" for none), or None when cancelled."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, comment: Comment, *, staff: StaffNames) -> None:
        super().__init__()
        self.comment = comment
        self.staff = staff

    def compose_dock(self) -> ComposeResult:
        yield from quoted_comment("Pin for the hosts:", self.comment, staff=self.staff)
        yield Input(
            placeholder="A note for the hosts, or nothing (Enter pins, Escape cancels)",
            max_length=NOTE_CHARS,
            id="note",
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip())

    def let_go(self, left: Mapping[AuthorKey, str]) -> str | None:
        return closed_for("pin of that viewer's comment", self.comment, left)

    def action_cancel(self) -> None:
        self.dismiss(None)
