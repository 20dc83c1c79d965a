"""One line under the panels: the result of the last action, or the reason it failed."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from stagehand.console.state import ShownNotice
from stagehand.console.text import plain

LEVELS = {
    "info": ("✓ ", "$text-success"),
    "warning": ("! ", "bold $text-warning"),
    "error": ("✕ ", "bold $text-error"),
}


class NoticeLine(Static):
    def show(self, notice: ShownNotice | None) -> None:
        if notice is None:
            self.update(Content.styled("Ready. ? shows every key.", "$text-muted"))
            return
        mark, style = LEVELS.get(notice.level, ("", ""))
        self.update(Content.assemble((mark, style), plain(notice.text, max_chars=300, style=style)))
        self.set_class(notice.level != "info", "-problem")
