"""Moderate a comment: delete it, time its author out, or ban them (then confirm)."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from stagehand.console.screens.confirm import ConfirmScreen
from stagehand.console.screens.quoted import quoted_comment
from stagehand.console.text import name_of, plain
from stagehand.domain import Comment, ModerationKind

TIMEOUT_SECONDS = 600


@dataclass(frozen=True, slots=True)
class ModerationChoice:
    kind: ModerationKind
    duration_seconds: int | None = None


CHOICES = {
    "delete": (ModerationChoice(ModerationKind.DELETE), "Delete this comment"),
    "timeout": (
        ModerationChoice(ModerationKind.TIMEOUT, TIMEOUT_SECONDS),
        f"Time the author out for {TIMEOUT_SECONDS // 60} minutes",
    ),
    "ban": (ModerationChoice(ModerationKind.BAN), "Ban the author"),
}


class ModerateScreen(ModalScreen[ModerationChoice | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("1", "choose('delete')", "Delete", show=False),
        Binding("2", "choose('timeout')", "Timeout", show=False),
        Binding("3", "choose('ban')", "Ban", show=False),
    ]

    def __init__(self, comment: Comment) -> None:
        super().__init__()
        self.comment = comment

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield from quoted_comment("Moderate", self.comment)
            yield OptionList(
                *(
                    Option(Content.assemble((f"{index}  ", "bold"), label), id=name)
                    for index, (name, (_, label)) in enumerate(CHOICES.items(), 1)
                ),
                id="choices",
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.action_choose(event.option.id)

    def action_choose(self, name: str) -> None:
        choice, label = CHOICES[name]
        question = Content.assemble(
            (label, "bold"),
            "\n",
            ("Author: ", "$text-muted"),
            plain(name_of(self.comment.author)),
            "\n",
            ("This cannot be undone from here.", "$text-muted"),
        )

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss(choice)

        self.app.push_screen(ConfirmScreen(question, yes=name.capitalize()), confirmed)

    def action_cancel(self) -> None:
        self.dismiss(None)
