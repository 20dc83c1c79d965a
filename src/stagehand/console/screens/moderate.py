"""Moderate a comment: delete it, time its author out, or ban them (then confirm).

Timing out or banning one of the show's own people (the broadcaster, a co-host from
`[show] hosts` or the platform's host role, a moderator) is almost always a slip of the finger:
the confirmation then says who they are and wants the action's name typed, not a `y`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from stagehand.commands.people import may_steer
from stagehand.console.names import StaffNames, name_of
from stagehand.console.screens.confirm import ConfirmScreen, TypedConfirmScreen
from stagehand.console.screens.docked import DockedScreen
from stagehand.console.screens.quoted import closed_for, quoted_comment
from stagehand.console.text import plain
from stagehand.domain import Author, AuthorKey, Comment, ModerationKind, Role

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
#: What the dialog takes, said under the choices (and again after a key it does not take).
EXPECTS = "1, 2 or 3 (or ↑↓ Enter); Escape cancels"
UNDO_HINT = {
    "delete": "A deleted message cannot be restored.",
    "timeout": "u undoes it (the timeout is lifted on the platform).",
    "ban": "u undoes it (the ban is lifted on the platform).",
}


def show_role(author: Author, hosts: frozenset[tuple[str, str]]) -> str | None:
    """What the author is to the show, when they are one of its own people."""
    roles = author.roles
    if Role.BROADCASTER.value in roles:
        return "the broadcaster"
    if Role.HOST.value in roles or (author.platform.casefold(), author.name.casefold()) in hosts:
        return "a co-host of this show"
    if Role.MODERATOR.value in roles:
        return "a moderator"
    return "one of the show's hosts" if may_steer(author, hosts) else None


#: The keys that choose (1 delete, 2 time out, 3 ban), in `CHOICES`' order.
CHOICE_KEYS = ("1", "2", "3")


class ModerateScreen(DockedScreen[ModerationChoice | None]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        Binding("1", "choose('delete')", "Delete", show=False),
        Binding("2", "choose('timeout')", "Timeout", show=False),
        Binding("3", "choose('ban')", "Ban", show=False),
    ]

    def __init__(
        self,
        comment: Comment,
        *,
        staff: StaffNames,
        hosts: frozenset[tuple[str, str]] = frozenset(),
    ) -> None:
        super().__init__()
        self.comment = comment
        self.staff = staff
        self.hosts = hosts

    def compose_dock(self) -> ComposeResult:
        yield from quoted_comment("Moderate", self.comment, staff=self.staff)
        yield OptionList(
            *(
                Option(Content.assemble((f"{index}  ", "bold"), label), id=name)
                for index, (name, (_, label)) in enumerate(CHOICES.items(), 1)
            ),
            id="choices",
        )
        yield Static(Content.styled(EXPECTS, "$text-muted"), id="moderate-hint")

    def on_key(self, event: events.Key) -> None:
        """A key the dialog does not take (`5`, `x`): say which it does (it did nothing).
        Its own keys go on to their bindings, which the app checks after this."""
        if event.is_printable and event.character and event.key not in CHOICE_KEYS:
            event.stop()
            self.query_one("#moderate-hint", Static).update(
                Content.assemble(
                    plain(f"'{event.character}'", style="bold $text-warning"),
                    (f" is not a choice: {EXPECTS}", "bold $text-warning"),
                )
            )

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None:
            self.action_choose(event.option.id)

    def action_choose(self, name: str) -> None:
        choice, label = CHOICES[name]
        author = self.comment.author
        role = show_role(author, self.hosts) if name != "delete" else None

        # The confirmation docks where this dialog is: this one steps aside while it is open
        # (its taller frame showed above the confirmation's, two dialogs' edges at once).
        dock = self.query_one(".dock")
        dock.display = False

        def confirmed(yes: bool | None) -> None:
            if yes:
                self.dismiss(choice)
            else:
                dock.display = True

        if role is not None:
            warning = Content.assemble(
                ("⚠ ", "bold $text-error"),
                plain(name_of(author, staff=self.staff), style="bold $text-error"),
                (f" is {role}.", "bold $text-error"),
                "\n",
                (label, "bold"),
                (" anyway? Type ", "$text-muted"),
                (name, "bold"),
                (" and Enter to go ahead, Escape to cancel.", "$text-muted"),
            )
            self.app.push_screen(TypedConfirmScreen(warning, word=name), confirmed)
            return
        question = Content.assemble(
            (label, "bold"),
            "\n",
            ("Author: ", "$text-muted"),
            plain(name_of(author, staff=self.staff)),
            "\n",
            (UNDO_HINT[name], "$text-muted"),
        )
        self.app.push_screen(ConfirmScreen(question, yes=name.capitalize()), confirmed)

    def let_go(self, left: Mapping[AuthorKey, str]) -> str | None:
        return closed_for("moderation of that viewer", self.comment, left)

    def action_cancel(self) -> None:
        self.dismiss(None)
