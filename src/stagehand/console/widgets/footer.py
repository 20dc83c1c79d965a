"""The footer: the keys a host needs on air, each one whole; `?` lists every key.

Textual's footer lays every shown key in one line and the terminal cuts the last one wherever
its edge falls (`... q Quit l H` at 80 columns). This one lists the keys in the footer's order
(console/actions.py puts the ones used on air first) for as long as each fits whole, always
keeps the help key, where the rest are, and lists them again when the terminal's width changes.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rich.cells import cell_len
from textual import events
from textual.app import ComposeResult
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

#: Listed whatever the width: the help names every key the footer has no room for.
ALWAYS_LISTED = frozenset({"help"})


def footprint(key: FooterKey) -> int:
    """Cells a compact footer key takes: `?`, a space and `Help`, then a one-cell margin."""
    label = 1 + cell_len(key.description) if key.description else 0
    return cell_len(key.key_display) + label + 1


def fitting(widgets: Iterable[Widget], width: int) -> Iterator[Widget]:
    """`widgets` without the keys that would not fit whole in `width` cells (the first key
    that does not fit ends the list, so a key never jumps ahead of one used more often)."""
    widgets = list(widgets)
    keys = [w for w in widgets if isinstance(w, FooterKey)]
    room = width + 1  # the last key's margin may fall off the edge
    used = sum(footprint(k) for k in keys if k.action in ALWAYS_LISTED)
    full = False
    for widget in widgets:
        if not isinstance(widget, FooterKey) or widget.action in ALWAYS_LISTED:
            yield widget
            continue
        if not full and used + footprint(widget) <= room:
            used += footprint(widget)
            yield widget
        else:
            full = True


class KeysFooter(Footer):
    """Textual's compact footer, listing only the keys that fit whole (see the module)."""

    def __init__(self) -> None:
        super().__init__(compact=True, show_command_palette=False)
        self._listed_for = 0

    def compose(self) -> ComposeResult:
        width = self.size.width or self.app.size.width
        self._listed_for = width
        yield from fitting(super().compose(), width)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._listed_for:
            self.call_after_refresh(self.recompose)
