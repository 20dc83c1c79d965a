"""Every key, what it does, and what it records (console/actions.py; docs/console.md says the same)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from stagehand.console.actions import KEYS
from stagehand.console.text import plain

MARKERS_HELP = (
    ("?", "a question"),
    ("H", "the author has a raised hand"),
    ("N", "a newcomer (first message)"),
    ("S", "the author is on stage (their lines are highlighted)"),
    ("pin", "pinned for the hosts by a producer (on top, highlighted; the note is in Selected)"),
)


def server_lines(url: str) -> list[Content]:
    """Where the show is served: the API and events, and the overlay for OBS (docs/server.md)."""
    return [
        Content.styled("Show server", "bold $accent"),
        Content.assemble(("     API  ", "bold"), plain(url, max_chars=200)),
        Content.assemble(
            (" overlay  ", "bold"),
            plain(f"{url}/overlay", max_chars=200),
            ("  (OBS: add a Browser source with this URL)", "$text-muted"),
        ),
        Content.styled(
            "          stagehand attach URL --token T opens this console elsewhere", "$text-muted"
        ),
        Content(""),
    ]


def help_content(server_url: str | None = None) -> Content:
    lines: list[Content] = server_lines(server_url) if server_url else []
    lines += [
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

    def __init__(self, server_url: str | None = None) -> None:
        super().__init__()
        self.server_url = server_url

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog wide", id="help"):
            yield Static(help_content(self.server_url))

    def action_close(self) -> None:
        self.dismiss(None)
