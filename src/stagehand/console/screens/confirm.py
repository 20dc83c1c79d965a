"""Yes or no, for what should not happen by accident (quit, moderation).

`TypedConfirmScreen` is the deliberate kind: `y` does nothing there; the host types a word (the
person's name) and presses Enter. Moderation asks for it before acting against the show's own
people.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Input, Static

from stagehand.console.screens.docked import DockedScreen


class ConfirmScreen(DockedScreen[bool]):
    BINDINGS = [
        Binding("y", "answer(True)", "Yes"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, question: Content, *, yes: str = "Yes") -> None:
        super().__init__()
        self.question = question
        self.yes = yes

    def compose_dock(self) -> ComposeResult:
        yield Static(self.question, classes="dialog-text")
        with Horizontal(classes="dialog-buttons"):
            yield Button(f"{self.yes} (y)", variant="error", id="yes")
            yield Button("No (n)", id="no")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class TypedConfirmScreen(DockedScreen[bool]):
    """Confirmed only by typing `word` (any case) and Enter; Escape says no."""

    BINDINGS = [Binding("escape", "answer(False)", "No")]

    def __init__(self, question: Content, *, word: str) -> None:
        super().__init__()
        self.question = question
        self.word = word

    def compose_dock(self) -> ComposeResult:
        yield Static(self.question, classes="dialog-text")
        yield Input(
            placeholder=f"type {self.word} and Enter to go ahead; Escape cancels", id="typed"
        )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.value.strip().casefold() == self.word.casefold():
            self.dismiss(True)
            return
        event.input.value = ""
        event.input.placeholder = f"that was not {self.word}: type it exactly, or Escape"

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)
