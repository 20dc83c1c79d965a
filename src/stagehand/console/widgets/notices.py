"""One line under the panels: the result of the last action, for a few seconds.

Every outcome has its own mark and colour, so a glance tells them apart: `✓` done (green),
`·` recorded or for information, `–` ignored, `!` refused (stagehand or a rule said no), `✕`
failed (a platform or the storage). A notice fades after `NOTICE_SECONDS` (problems stay
longer); `i` shows the last 100 with their times.
"""

from __future__ import annotations

import time

from textual.content import Content

from stagehand.console.state import ShownNotice
from stagehand.console.text import plain
from stagehand.console.widgets.panel import Panel

#: How long a notice stays on the line, by whether it reports a problem.
NOTICE_SECONDS = 6.0
PROBLEM_SECONDS = 12.0
IDLE = "Ready. ? shows every key, i the notices so far."

#: level -> (mark, style, a problem the host must read?)
LEVELS: dict[str, tuple[str, str, bool]] = {
    "ok": ("✓ ", "$text-success", False),
    "info": ("· ", "", False),
    "ignored": ("– ", "$text-muted", False),
    "warning": ("! ", "bold $text-warning", True),
    "refused": ("! refused: ", "bold $text-warning", True),
    "failed": ("✕ failed: ", "bold $text-error", True),
    "error": ("✕ ", "bold $text-error", True),
}


def notice_content(notice: ShownNotice, *, max_chars: int = 300) -> Content:
    mark, style, _ = LEVELS.get(notice.level, LEVELS["info"])
    return Content.assemble((mark, style), plain(notice.text, max_chars=max_chars, style=style))


def is_problem(notice: ShownNotice) -> bool:
    return LEVELS.get(notice.level, LEVELS["info"])[2]


def expired(notice: ShownNotice, now: float | None = None) -> bool:
    lasts = PROBLEM_SECONDS if is_problem(notice) else NOTICE_SECONDS
    return (now if now is not None else time.monotonic()) - notice.posted > lasts


class NoticeLine(Panel):
    FIXED_HEIGHT = True

    def show(self, notice: ShownNotice | None, *, standing: ShownNotice | None = None) -> None:
        """The latest notice while it lasts; then `standing` (what holds until it is put
        right: a terminal under the floor), or the idle line."""
        if notice is None or expired(notice):
            notice = standing
        if notice is None:
            self.set_content(Content.styled(IDLE, "$text-muted"))
            self.set_class(False, "-problem")
            return
        self.set_content(notice_content(notice))
        self.set_class(is_problem(notice), "-problem")
