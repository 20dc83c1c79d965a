"""`p` on a row that stands for several viewers: bring its comment's own author, or all of them?

A copypasta from 31 viewers, or one question asked by five, is one queue row. `p` on it used to
invite every one of them at once, with no word of how many: a guest link whispered to 31
spammers. This dialog asks first, names the count, and `1` (the default) brings the comment's
own author alone; `a` brings all of them; Escape brings no one.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Static

from stagehand.console.names import StaffNames, name_of
from stagehand.console.screens.docked import DockedScreen
from stagehand.console.screens.quoted import closed_for, quoted_comment
from stagehand.console.text import plain
from stagehand.domain import Author, AuthorKey, Comment

#: The host's choice: the comment's own author, or every viewer of the row.
Whom = Literal["one", "all"]
#: Viewers named in the question before "and N more".
NAMED = 3


def row_people(people: list[Author], *, staff: StaffNames | None) -> Content:
    """ "paster0, paster1, paster2 and 28 more", plain (names are chat's text)."""
    shown = people if len(people) <= NAMED + 1 else people[:NAMED]
    pieces: list[Content] = []
    for index, person in enumerate(shown):
        if index:
            pieces.append(Content(" and " if index == len(people) - 1 else ", "))
        pieces.append(plain(name_of(person, staff=staff), max_chars=40, style="bold"))
    if len(people) > len(shown):
        pieces.append(Content(f" and {len(people) - len(shown)} more"))
    return Content.assemble(*pieces)


class StageRowScreen(DockedScreen[Whom | None]):
    BINDINGS = [
        Binding("1", "choose('one')", "Just the author"),
        Binding("a", "choose('all')", "All of them"),
        Binding("escape,n", "choose(None)", "Cancel"),
    ]

    def __init__(self, comment: Comment, people: list[Author], *, staff: StaffNames) -> None:
        """`people`: every viewer of the row, the comment's author first, each once."""
        super().__init__()
        self.comment = comment
        self.staff = staff
        self.people = people

    def compose_dock(self) -> ComposeResult:
        count = len(self.people)
        yield from quoted_comment("Bring on stage from", self.comment, staff=self.staff)
        yield Static(
            Content.assemble(
                (f"This row stands for {count} viewers: ", "bold $text-warning"),
                row_people(self.people, staff=self.staff),
                ". Bring the comment's own author, or all of them?",
            ),
            classes="dialog-text",
        )
        with Horizontal(classes="dialog-buttons -three"):
            author = plain(name_of(self.comment.author, staff=self.staff), max_chars=20)
            yield Button(Content.assemble("Just ", author, " (1)"), id="one", variant="primary")
            yield Button(f"All {count} (a)", id="all", variant="error")
            yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#one", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        choice = event.button.id
        self.dismiss("one" if choice == "one" else "all" if choice == "all" else None)

    def action_choose(self, whom: Whom | None) -> None:
        self.dismiss(whom)

    def let_go(self, left: Mapping[AuthorKey, str]) -> str | None:
        return closed_for("choice of whom to bring on stage", self.comment, left)
