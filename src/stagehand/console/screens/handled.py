"""What the hosts handled so far, newest first: comments answered, dismissed or brought on stage,
and segment and topic changes (a moderator's `!segment` or `!topic` among them).

Enter or `u` takes the highlighted one back: the action is undone through `LiveShow.undo` (and
logged), so an answered or dismissed comment is back in the queue and a stage appearance ends.
Each line says who did it; a console whose token may undo only its own actions (a producer's)
offers only those (the others are listed, not offered).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from stagehand.console.names import StaffNames, name_of
from stagehand.console.screens.docked import DockedScreen
from stagehand.console.state import HANDLED_WORDS, Handled
from stagehand.console.text import plain, platform_tag
from stagehand.domain import AuthorKey, HostActionKind

#: How a segment or topic change is listed.
STEERING_WORDS = {HostActionKind.SEGMENT: "new segment", HostActionKind.TOPIC: "topic edited"}


def handled_line(entry: Handled, *, staff: StaffNames | None) -> Content:
    comment = entry.comment
    what = HANDLED_WORDS.get(entry.kind) or STEERING_WORDS.get(entry.kind, entry.kind.value)
    if comment is None:  # a segment or topic change: its title, and who made it
        about: tuple[Content | str | tuple[str, str], ...] = (
            plain(entry.title, max_chars=120, style="bold"),
            ("  by ", "$text-muted") if entry.actor else "",
            plain(entry.actor, max_chars=60, style="$text-muted") if entry.actor else "",
        )
    else:
        about = (
            platform_tag(comment.platform),
            " ",
            plain(name_of(comment.author, max_chars=20, staff=staff), style="bold"),
            ": ",
            plain(comment.shown_text, max_chars=300),
            ("  by ", "$text-muted") if entry.actor else "",
            plain(entry.actor, max_chars=60, style="$text-muted") if entry.actor else "",
        )
    return Content.assemble(
        (f"{entry.at:%H:%M:%S} ", "$text-muted"),
        (f"{what:<16} ", "$text-muted" if entry.undone else "bold"),
        *about,
        ("   (undone)" if entry.undone else "", "italic $text-warning"),
    )


class HandledScreen(DockedScreen[Handled | None]):
    BINDINGS = [
        Binding("escape,l", "close", "Close"),
        Binding("u", "restore", "Restore"),
    ]

    def __init__(
        self, entries: Sequence[Handled], *, staff: StaffNames, only_by: str | None = None
    ) -> None:
        """`only_by`: this console may undo only the actions of this actor (a producer's
        token: their own)."""
        super().__init__()
        self.entries = list(entries)
        self.staff = staff
        self.only_by = only_by

    def _offered(self, entry: Handled) -> bool:
        """Whether Enter or `u` may take `entry` back from this console."""
        return not entry.undone and self.only_by in (None, entry.actor)

    def compose_dock(self) -> ComposeResult:
        yield Static(self._title(), classes="dialog-title", id="handled-title")
        yield Static(
            Content.styled(
                "Nothing answered, dismissed or staged yet, and no segment or topic changed.",
                "$text-muted",
            ),
            id="handled-none",
        )
        yield OptionList(id="handled")

    def on_mount(self) -> None:
        super().on_mount()
        self.query_one("#handled", OptionList).focus()
        self._list()

    def _title(self) -> Content:
        offer = "Enter or u takes the highlighted one back"
        if self.only_by is not None:
            offer = "Enter or u takes back one of yours (your token may undo only your own)"
        return Content.assemble(
            (f"Handled ({len(self.entries)})", "bold"),
            (f"   {offer} · Escape closes", "$text-muted"),
        )

    def _list(self, keep: str | None = None) -> None:
        """The entries as options; `keep`: the key of the one to stay highlighted."""
        options = self.query_one("#handled", OptionList)
        options.clear_options()
        options.add_options(
            Option(
                handled_line(entry, staff=self.staff),
                id=entry.key,
                disabled=not self._offered(entry),
            )
            for entry in self.entries
        )
        self.query_one("#handled-none").display = not self.entries
        usable = [i for i, e in enumerate(self.entries) if self._offered(e)]
        kept = [i for i in usable if self.entries[i].key == keep]
        options.highlighted = kept[0] if kept else usable[0] if usable else None

    def let_go(self, left: Mapping[AuthorKey, str]) -> str | None:
        """Whoever asked to be forgotten or opted out leaves the list at once (their lines
        could be restored from it otherwise); a segment or topic change of theirs (a chat
        moderator's) stays, no longer by them (`ConsoleState.author_forgotten` unnamed it)."""
        kept = [e for e in self.entries if e.comment is None or e.comment.author.key not in left]
        if len(kept) != len(self.entries) or any(e.comment is None for e in kept):
            index = self.query_one("#handled", OptionList).highlighted
            highlighted = self.entries[index].key if index is not None else None
            self.entries = kept
            self.query_one("#handled-title", Static).update(self._title())
            self._list(keep=highlighted)
        return None

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.action_restore()

    def action_restore(self) -> None:
        index = self.query_one("#handled", OptionList).highlighted
        if index is not None and 0 <= index < len(self.entries):
            entry = self.entries[index]
            if self._offered(entry):
                self.dismiss(entry)

    def action_close(self) -> None:
        self.dismiss(None)
