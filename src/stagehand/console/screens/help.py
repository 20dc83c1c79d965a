"""Every key, what it does, and what it records (console/actions.py; docs/console.md says the same)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from stagehand.console.actions import KEYS

MARKERS_HELP = (
    ("?", "a question"),
    ("H", "the author has a raised hand"),
    ("N", "a newcomer (first message)"),
    ("S", "the author is on stage (their lines are highlighted)"),
)


def help_content() -> Content:
    lines: list[Content] = [
        Content.assemble(
            ("Keys", "bold $accent"), ("   (→ what it records in the database)", "$text-muted")
        )
    ]
    for entry in KEYS:
        lines.append(
            Content.assemble(
                (f"{entry.shown_keys:>8}  ", "bold"),
                (entry.description, ""),
                (f"  → {entry.records}" if entry.records is not None else "", "$text-muted"),
            )
        )
    lines.append(Content(""))
    lines.append(Content.styled("Queue markers", "bold $accent"))
    for mark, meaning in MARKERS_HELP:
        lines.append(Content.assemble((f"{mark:>8}  ", "bold"), meaning))
    lines.append(Content(""))
    lines.append(Content.styled("Escape or ? closes this help.", "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help"):
            yield Static(help_content())

    def action_close(self) -> None:
        self.dismiss(None)
