"""Every key, what it does, and what it records (the same table as docs/console.md)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

#: (key, what it does, the host action or row it records in the database)
KEYS: tuple[tuple[str, str, str], ...] = (
    ("↑ ↓ j k", "select a comment (nothing is selected until you do)", "—"),
    ("click", "select the row clicked; the wheel scrolls without selecting", "—"),
    ("a", "answer the selected comment on air (it leaves the queue)", "answer"),
    ("d", "dismiss the selected comment (it leaves the queue)", "dismiss"),
    ("p", "pull the selected comment's author on stage", "stage_start"),
    ("h", "pull the first raised hand on stage", "stage_start"),
    ("e", "end the stage appearance (selected author's, else latest)", "stage_end"),
    ("r", "reply in chat, through the comment's platform", "reply"),
    ("m", "moderate: delete / timeout / ban, after a confirmation", "moderate"),
    ("u", "undo this console's last action (a sent reply or deletion stays)", "undo"),
    ("l", "handled comments: answered, dismissed, staged; Enter restores", "undo"),
    ("n", "next segment (the next planned one, or a new one)", "segment"),
    ("t", "edit the live segment's title and keywords", "topic"),
    ("/", "search this show; Enter selects a result, a p r act on it", "—"),
    ("i", "the last 100 notices, with their times", "—"),
    ("w", "why: show the selected comment's score reasons", "—"),
    ("c", "show or hide the raw chat", "—"),
    ("space", "freeze the queue while you read (again to thaw)", "—"),
    ("Home", "back to the top of the queue (↑ N new: what arrived above)", "—"),
    ("ctrl+p", "command palette: every action by name", "—"),
    ("?", "this help", "—"),
    ("q", "quit (asks first); anyone on stage is taken off", "stage_end"),
)

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
    for key, does, records in KEYS:
        lines.append(
            Content.assemble(
                (f"{key:>8}  ", "bold"),
                (does, ""),
                (f"  → {records}" if records != "—" else "", "$text-muted"),
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
