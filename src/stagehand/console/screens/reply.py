"""Type a reply to a comment; Enter sends it through the comment's platform."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from stagehand.console.text import name_of, plain, platform_tag
from stagehand.domain import Comment


class ReplyScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, comment: Comment) -> None:
        super().__init__()
        self.comment = comment

    def compose(self) -> ComposeResult:
        author = self.comment.author
        with Vertical(classes="dialog"):
            yield Static(
                Content.assemble(
                    ("Reply to ", "bold"),
                    plain(name_of(author), style="bold"),
                    " on ",
                    platform_tag(self.comment.platform),
                ),
                classes="dialog-title",
            )
            yield Static(plain(self.comment.shown_text, max_chars=400), classes="dialog-quote")
            yield Input(
                placeholder="Your reply (Enter sends, Escape cancels)", max_length=500, id="reply"
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self.dismiss(text or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
