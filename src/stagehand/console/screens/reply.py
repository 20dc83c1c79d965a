"""Type a reply to a comment; Enter sends it through the comment's platform."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import Input, Static

from stagehand.console.names import StaffNames
from stagehand.console.screens.docked import DockedScreen
from stagehand.console.screens.quoted import closed_for, quoted_comment
from stagehand.domain import AuthorKey, Comment
from stagehand.show.askers import askers
from stagehand.show.fit import MAX_REPLY_CHARS, what_each_gets


class ReplyScreen(DockedScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self, comment: Comment, *, staff: StaffNames, also: Sequence[Comment] = ()
    ) -> None:
        """`also`: the rest of the comment's row: the reply goes to them too (once a platform)."""
        super().__init__()
        self.comment = comment
        self.staff = staff
        self.others = len({c.author.key for c in also} - {comment.author.key})
        self.platforms = [c.platform for c in also]
        self.asked = askers(comment, also)

    def compose_dock(self) -> ComposeResult:
        yield from quoted_comment(
            "Reply to",
            self.comment,
            staff=self.staff,
            others=self.others,
            platforms=self.platforms,
        )
        yield Input(
            placeholder="Your reply (Enter sends, Escape cancels)",
            max_length=MAX_REPLY_CHARS,
            id="reply",
        )
        # What a platform will split or cut, said as the host types (hidden while none does).
        fit = Static("", id="reply-fit", classes="dialog-quote")
        fit.display = False
        yield fit

    def on_input_changed(self, event: Input.Changed) -> None:
        note = what_each_gets(event.value, self.asked)
        if len(event.value) >= MAX_REPLY_CHARS:
            note = "; ".join(filter(None, [f"the box takes {MAX_REPLY_CHARS:,}", note]))
        fit = self.query_one("#reply-fit", Static)
        fit.display = bool(note)
        fit.update(Content(f"{len(event.value):,} characters: {note}" if note else ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        text = event.value.strip()
        self.dismiss(text or None)

    def let_go(self, left: Mapping[AuthorKey, str]) -> str | None:
        return closed_for("reply to that viewer", self.comment, left)

    def action_cancel(self) -> None:
        self.dismiss(None)
