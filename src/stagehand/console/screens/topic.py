"""Edit the live segment's title and keywords (the ranking follows at once).

A topic needs a title: Enter with the title emptied says so in the dialog, which stays open
(the show kept the old title without a word, and the notice read as if it had saved)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Label, Static

from stagehand.console.screens.docked import DockedScreen
from stagehand.domain import Segment


class TopicScreen(DockedScreen[tuple[str, list[str]] | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        # Priority: the app moves the focus as it reads Tab, before it hands on the keys typed
        # after it. Bound as usual, Tab waited in the title's own queue behind them, and a paste
        # or a fast typist's keywords landed in the title.
        Binding("tab", "app.focus_next", "Next field", show=False, priority=True),
        Binding("shift+tab", "app.focus_previous", "Previous field", show=False, priority=True),
    ]

    def __init__(self, segment: Segment | None, *, starting: bool = False) -> None:
        """`starting`: the title and keywords of a segment to start now (`n` with none
        planned), not the live one's."""
        super().__init__()
        self.segment = segment
        self.starting = starting

    def compose_dock(self) -> ComposeResult:
        title = self.segment.title if self.segment else ""
        keywords = ", ".join(self.segment.keywords) if self.segment else ""
        if self.starting:
            yield Label(
                "Next segment: none is planned. Name it (the ranking lifts chat about it)",
                classes="dialog-title",
            )
        else:
            yield Label("Topic of the live segment", classes="dialog-title")
        yield Input(title, placeholder="Title", max_length=200, id="title")
        enter = "starts it" if self.starting else "saves"
        yield Label(f"Keywords, separated by commas (Enter {enter}, Tab moves, Escape cancels)")
        # Tab into the keywords mostly adds one: the cursor waits at the end, nothing selected
        # (Textual selects the whole value on focus, and the first key typed replaced them all).
        yield Input(
            keywords,
            placeholder="oscillator, waveform, VCO",
            max_length=500,
            id="keywords",
            select_on_focus=False,
        )
        yield Static("", id="topic-problem")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        title_input = self.query_one("#title", Input)
        title = title_input.value.strip()
        if not title:
            problem = self.query_one("#topic-problem", Static)
            problem.update(
                Content.styled(
                    "A segment needs a title: type one, or Escape starts none"
                    if self.starting
                    else "A topic needs a title: type one, or Escape keeps the topic as it is",
                    "bold $text-warning",
                )
            )
            title_input.focus()
            return
        words = [w.strip() for w in self.query_one("#keywords", Input).value.split(",")]
        self.dismiss((title, [w for w in words if w]))

    def action_cancel(self) -> None:
        self.dismiss(None)
