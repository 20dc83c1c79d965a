"""Edit the live segment's title and keywords (the ranking follows at once)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Label

from stagehand.console.screens.docked import DockedScreen
from stagehand.domain import Segment


class TopicScreen(DockedScreen[tuple[str, list[str]] | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, segment: Segment | None) -> None:
        super().__init__()
        self.segment = segment

    def compose_dock(self) -> ComposeResult:
        title = self.segment.title if self.segment else ""
        keywords = ", ".join(self.segment.keywords) if self.segment else ""
        yield Label("Topic of the live segment", classes="dialog-title")
        yield Input(title, placeholder="Title", max_length=200, id="title")
        yield Label("Keywords, separated by commas (Enter saves, Tab moves, Escape cancels)")
        # Tab into the keywords mostly adds one: the cursor waits at the end, nothing selected
        # (Textual selects the whole value on focus, and the first key typed replaced them all).
        yield Input(
            keywords,
            placeholder="oscillator, waveform, VCO",
            max_length=500,
            id="keywords",
            select_on_focus=False,
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        title = self.query_one("#title", Input).value.strip()
        words = [w.strip() for w in self.query_one("#keywords", Input).value.split(",")]
        self.dismiss((title, [w for w in words if w]))

    def action_cancel(self) -> None:
        self.dismiss(None)
