"""Every key, what it does, and what it records (console/actions.py; docs/console.md says the same)."""

from __future__ import annotations

from collections.abc import Callable

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from stagehand.console.actions import KEYS, ConsoleAction
from stagehand.console.text import plain
from stagehand.console.widgets.header import CONNECTION_STYLES

MARKERS_HELP = (
    ("?", "a question"),
    ("H", "the author has a raised hand"),
    ("N", "a newcomer (first message)"),
    ("S", "the author is on stage (their lines are highlighted)"),
    ("pin", "pinned for the hosts by a producer (on top, highlighted; the note is in Selected)"),
)
#: What each connection state's mark in the header means (by state: widgets/header.py marks).
CONNECTIONS_HELP = (
    ("connected", "connected: chat is read, actions work"),
    ("reconnecting", "reconnecting (or connecting): the header counts down to the next try"),
    ("limited", "limited: chat is read, but some actions cannot work (i has why and the fix)"),
    ("failed", "failed: stopped for good (i has why and the fix)"),
    ("disconnected", "disconnected"),
    ("finished", "finished: a replay played to its end, or a chat that ended"),
    ("unknown", "not known here: the show this console follows is away"),
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
            "          stagehand attach URL opens this console elsewhere (it asks for the "
            "token, hidden; or set STAGEHAND_ATTACH_TOKEN)",
            "$text-muted",
        ),
        Content(""),
    ]


#: What `q` does on an attached console: the show is elsewhere, and goes on.
QUIT_ATTACHED = "leave this console (asks first); the show goes on, and so does anyone on stage"


def help_content(
    server_url: str | None = None,
    *,
    attached_as: tuple[str, str] | None = None,
    refusal: Callable[[str], str | None] | None = None,
) -> Content:
    """The help; for an attached console (`attached_as`: its token's name and role), who it is,
    the keys its role may not use marked so (`refusal`: why not, `ShowAPI.refusal`), and what
    `q` does there."""
    lines: list[Content] = server_lines(server_url) if server_url else []
    if attached_as is not None:
        name, role = attached_as
        lines += [
            Content.assemble(
                ("You are ", "bold $accent"),
                plain(name, max_chars=40, style="bold"),
                (f" ({role} token)", "bold"),
                ("   keys marked ✕ take a host token" if role != "host" else "", "$text-muted"),
            ),
            Content(""),
        ]
    lines += [
        Content.assemble(
            ("Keys", "bold $accent"), ("   (→ what it records in the database)", "$text-muted")
        )
    ]
    for entry in KEYS:
        description, records = entry.description, entry.records
        refused = False
        if isinstance(entry, ConsoleAction):
            if attached_as is not None and entry.name == "quit":
                description, records = QUIT_ATTACHED, None
            refused = bool(entry.show_action and refusal and refusal(entry.show_action))
        lines.append(
            Content.assemble(
                (f"{entry.shown_keys:>8}  ", "bold $text-muted" if refused else "bold"),
                ("✕ not with your token: " if refused else "", "$text-error"),
                (description, "$text-muted strike" if refused else ""),
                (f"  → {records}" if records is not None and not refused else "", "$text-muted"),
            )
        )
    lines.append(Content(""))
    lines.append(Content.styled("Queue markers", "bold $accent"))
    for mark, meaning in MARKERS_HELP:
        lines.append(Content.assemble((f"{mark:>8}  ", "bold"), meaning))
    lines.append(Content(""))
    lines.append(Content.styled("Connections (the header)", "bold $accent"))
    for state, meaning in CONNECTIONS_HELP:
        mark, style = CONNECTION_STYLES[state]
        lines.append(Content.assemble((f"{mark:>8}  ", f"bold {style}"), meaning))
    lines.append(Content(""))
    lines.append(Content.styled("Escape or ? closes this help.", "$text-muted"))
    return Content("\n").join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,question_mark,q", "close", "Close")]

    def __init__(
        self,
        server_url: str | None = None,
        *,
        attached_as: tuple[str, str] | None = None,
        refusal: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.server_url = server_url
        self.attached_as = attached_as
        self.refusal = refusal

    def compose(self) -> ComposeResult:
        content = help_content(self.server_url, attached_as=self.attached_as, refusal=self.refusal)
        with VerticalScroll(classes="dialog wide", id="help"):
            yield Static(content)

    def action_close(self) -> None:
        self.dismiss(None)
