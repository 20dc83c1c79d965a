"""A text panel that costs nothing when nothing changed.

`Static.update` lays the whole screen out again on every call; under a chat flood the console
redraws 8 times a second, and those layouts (every widget rendered again) were most of the time
a key waited for. A `Panel` redraws only when its text or styles changed, and asks for a layout
only when its height may have changed (panels with a fixed height never do).
"""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static


class Panel(Static):
    #: True for panels whose height the layout fixes (header, notices line).
    FIXED_HEIGHT = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._shown: tuple[str, tuple[object, ...]] | None = None

    def set_content(self, content: Content) -> None:
        shown = (content.plain, tuple(content.spans))
        if shown == self._shown:
            return
        self._shown = shown
        self.update(content, layout=not self.FIXED_HEIGHT)

    def set_title(self, title: str) -> None:
        if self.border_title != title:
            self.border_title = title
