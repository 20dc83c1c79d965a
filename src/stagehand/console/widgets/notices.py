"""One line under the panels: the result of the last action, for a few seconds.

Every outcome has its own mark and colour, so a glance tells them apart: `✓` done (green),
`·` recorded or for information, `–` ignored, `!` refused (stagehand or a rule said no), `✕`
failed (a platform or the storage). A notice fades after `NOTICE_SECONDS` (problems stay
longer); `i` shows the last 100 with their times.

A newer notice takes the line only when it holds it as firmly (`ShownNotice.holds`): what the
host's own key did stays for its time however busy chat is, and a viewer's chat command result
(several a second on a busy show) shows only while nothing of the hosts' does.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence

from textual.content import Content

from stagehand.console.state import HOLDS_CHAT, HOLDS_OWN, TROUBLED_STATES, ShownNotice
from stagehand.console.text import plain
from stagehand.console.widgets.header import retry_text
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


def troubled(
    connections: Mapping[str, tuple[str, str]], retries: Mapping[str, float]
) -> ShownNotice | None:
    """What the line says while nothing else is on it and a live platform is not connected
    ("youtube: reconnecting · retry in 4 s; i has why"), instead of "Ready.": a platform down
    is never missed once its notice faded."""
    said: list[str] = []
    for platform, (state, _detail) in sorted(connections.items()):
        if platform == "replay" or state not in TROUBLED_STATES:
            continue
        if state == "reconnecting" and (retry := retries.get(platform)) is not None:
            said.append(f"{platform}: reconnecting{retry_text(retry)}")
        elif state == "limited":
            said.append(f"{platform}: limited, some actions cannot work")
        else:
            said.append(f"{platform}: {state}")
    if not said:
        return None
    needs_fix = any(s.endswith(("cannot work", ": failed")) for s in said)
    fix = " and the fix" if needs_fix else ""
    return ShownNotice("; ".join(said) + f"; i has why{fix}", "warning")


def notice_content(notice: ShownNotice, *, max_chars: int = 300) -> Content:
    mark, style, _ = LEVELS.get(notice.level, LEVELS["info"])
    return Content.assemble((mark, style), plain(notice.text, max_chars=max_chars, style=style))


def is_problem(notice: ShownNotice) -> bool:
    return LEVELS.get(notice.level, LEVELS["info"])[2]


def expired(notice: ShownNotice, now: float | None = None) -> bool:
    if notice.ended:
        return True
    lasts = PROBLEM_SECONDS if is_problem(notice) else NOTICE_SECONDS
    return (now if now is not None else time.monotonic()) - notice.posted > lasts


def on_the_line(notices: Sequence[ShownNotice], now: float | None = None) -> ShownNotice | None:
    """The notice the line shows: the firmest (`holds`) still in its time that no later notice
    as firm took the line from (once over, an older one does not come back)."""
    now = now if now is not None else time.monotonic()
    shown: ShownNotice | None = None
    firmest_after = -1  # the firmest notice newer than the one looked at
    for notice in reversed(notices):
        if notice.holds <= firmest_after:
            continue  # a newer notice as firm took the line from it
        firmest_after = notice.holds
        if not expired(notice, now):
            shown = notice  # firmer than any newer one still showing
        if firmest_after == HOLDS_OWN:
            break
    return shown


class NoticeLine(Panel):
    FIXED_HEIGHT = True

    def show(
        self,
        notices: Sequence[ShownNotice],
        *,
        standing: ShownNotice | None = None,
        idle: ShownNotice | None = None,
    ) -> None:
        """The notice `on_the_line` picks while it lasts; else `standing` (what holds until it
        is put right: a terminal under the floor, above viewers' chat commands), else `idle`
        (what stays true when nothing else is said: a replay played to its end), or the idle
        line."""
        notice = on_the_line(notices)
        if notice is None or (standing is not None and notice.holds == HOLDS_CHAT):
            notice = standing or idle
        if notice is None:
            self.set_content(Content.styled(IDLE, "$text-muted"))
            self.set_class(False, "-problem")
            return
        self.set_content(notice_content(notice))
        self.set_class(is_problem(notice), "-problem")
