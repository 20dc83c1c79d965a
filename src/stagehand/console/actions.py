"""Every console action, declared once: its key, its name, what it does and what it records.

The app's key bindings (and so the footer), the command palette (ctrl+p) and the help screen
(`?`) are all built from `KEYS`, so a key is written down in one place and the three cannot
disagree. A new console key is one `ConsoleAction` here and one `action_<name>` method on the
app (tests/console/test_console_keys.py checks that every action has its method).

`KEYS` is in the help's order. The footer has its own order (`footer`): at 80 columns only the
first ten keys fit, so the ones a host needs on air come first. A few keys the help lists are
bound by a widget or by Textual itself (the queue's ↑ ↓ and Home, a click, ctrl+p): they are
`KeyNote`s, told to the host here and bound where they act.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from textual.app import SystemCommand
from textual.binding import Binding, BindingType
from textual.keys import format_key

from stagehand.domain import HostActionKind


@dataclass(frozen=True)
class ConsoleAction:
    """One thing the host can do from the console, by key or by name in the palette."""

    #: The app runs `action_<name>` (search's `a p r` name these too).
    name: str
    #: Textual key names; several are comma-separated (`question_mark`, `slash`).
    keys: str
    #: Its name in the command palette.
    title: str
    #: What it does, in the help's words (the palette's second line says the same).
    description: str
    #: The host action it logs in the database (None: it records nothing itself).
    records: HostActionKind | None
    #: Its short name in the footer.
    label: str
    #: Its place in the footer, left to right (None: not in the footer).
    footer: int | None = None
    #: Set when it acts on the selected comment: what the host is told it would have done when
    #: nothing is selected (`Nothing to reply to: ...`); such a key never picks a comment itself.
    needs_selection: str | None = None
    #: The show server's name for what it does (`POST /api/actions`): an attached console's
    #: token role must allow it, or the key is refused before any dialog opens.
    show_action: str | None = None

    @property
    def shown_keys(self) -> str:
        """The keys as the host reads them: `/`, `?`, `space`."""
        return " ".join(format_key(key.strip()) for key in self.keys.split(","))

    @property
    def palette_help(self) -> str:
        return f"{self.description[:1].upper()}{self.description[1:]} ({self.shown_keys})"

    def binding(self) -> Binding:
        return Binding(self.keys, self.name, self.label, show=self.footer is not None)


@dataclass(frozen=True)
class KeyNote:
    """A key the help tells the host about that a widget or Textual binds (the queue's ↑ ↓)."""

    shown_keys: str
    description: str
    records: HostActionKind | None = None


KEYS: tuple[ConsoleAction | KeyNote, ...] = (
    KeyNote("↑ ↓ j k", "select a comment (nothing is selected until you do)"),
    KeyNote("click", "select the row clicked; the wheel scrolls without selecting"),
    ConsoleAction(
        name="answer",
        keys="a",
        title="Answer",
        description="answer the selected comment on air (it leaves the queue)",
        records=HostActionKind.ANSWER,
        label="Answer",
        footer=1,
        needs_selection="answer",
        show_action="answer",
    ),
    ConsoleAction(
        name="dismiss",
        keys="d",
        title="Dismiss",
        description="dismiss the selected comment (it leaves the queue)",
        records=HostActionKind.DISMISS,
        label="Dismiss",
        footer=2,
        needs_selection="dismiss",
        show_action="dismiss",
    ),
    ConsoleAction(
        name="pull_on_stage",
        keys="p",
        title="Pull on stage",
        description="pull the selected comment's author on stage",
        records=HostActionKind.STAGE_START,
        label="Stage",
        footer=3,
        needs_selection="bring on stage",
        show_action="stage",
    ),
    ConsoleAction(
        name="stage_hand",
        keys="h",
        title="Stage the first raised hand",
        description="pull the first raised hand on stage",
        records=HostActionKind.STAGE_START,
        label="Stage hand",
        show_action="stage_hand",
    ),
    ConsoleAction(
        name="end_stage",
        keys="e",
        title="End stage",
        description="end the stage appearance (selected author's, else latest)",
        records=HostActionKind.STAGE_END,
        label="End",
        footer=4,
        show_action="end_stage",
    ),
    ConsoleAction(
        name="reply",
        keys="r",
        title="Reply",
        description="reply in chat, through the comment's platform",
        records=HostActionKind.REPLY,
        label="Reply",
        footer=5,
        needs_selection="reply to",
        show_action="reply",
    ),
    ConsoleAction(
        name="moderate",
        keys="m",
        title="Moderate",
        description="moderate: delete / timeout / ban, after a confirmation",
        records=HostActionKind.MODERATE,
        label="Mod",
        footer=6,
        needs_selection="moderate",
        show_action="moderate",
    ),
    ConsoleAction(
        name="feature",
        keys="s",
        title="Show on stream",
        description="show the selected comment on stream; again takes it off",
        records=HostActionKind.FEATURE,
        label="Stream",
        footer=11,
        needs_selection="show on stream",
        show_action="feature",
    ),
    ConsoleAction(
        name="pin",
        keys="f",
        title="Pin for the hosts",
        description="pin the selected comment to the top of the hosts' queue, with a note",
        records=HostActionKind.PIN,
        label="Pin",
        needs_selection="pin",
        show_action="pin",
    ),
    ConsoleAction(
        name="undo",
        keys="u",
        title="Undo",
        description="undo this console's last action (a sent reply or deletion stays)",
        records=HostActionKind.UNDO,
        label="Undo",
        footer=7,
        show_action="undo",
    ),
    ConsoleAction(
        name="handled",
        keys="l",
        title="Handled",
        description="handled comments, segment and topic changes; Enter undoes one",
        records=HostActionKind.UNDO,
        label="Handled",
        footer=12,
        show_action="undo",
    ),
    ConsoleAction(
        name="next_segment",
        keys="n",
        title="Next segment",
        description="next segment (the next planned one, or name a new one)",
        records=HostActionKind.SEGMENT,
        label="Next",
        footer=13,
        show_action="next_segment",
    ),
    ConsoleAction(
        name="edit_topic",
        keys="t",
        title="Edit topic",
        description="edit the live segment's title and keywords",
        records=HostActionKind.TOPIC,
        label="Topic",
        footer=14,
        show_action="topic",
    ),
    ConsoleAction(
        name="search",
        keys="slash",
        title="Search comments",
        description="search this show; Enter selects a result, a p r act on it",
        records=None,
        label="Search",
        footer=8,
    ),
    ConsoleAction(
        name="notices",
        keys="i",
        title="Notices",
        description="the last 100 notices, with their times",
        records=None,
        label="Notices",
    ),
    ConsoleAction(
        name="toggle_reasons",
        keys="w",
        title="Why",
        description="why: show the selected comment's score reasons",
        records=None,
        label="Why",
    ),
    ConsoleAction(
        name="toggle_raw_chat",
        keys="c",
        title="Raw chat",
        description="show or hide the raw chat",
        records=None,
        label="Chat",
    ),
    ConsoleAction(
        name="toggle_freeze",
        keys="space",
        title="Freeze queue",
        description="freeze the queue while you read (again to thaw)",
        records=None,
        label="Freeze",
        footer=15,
    ),
    KeyNote("Home", "back to the top of the queue (↑ N new: what arrived above)"),
    KeyNote("ctrl+p", "command palette: every action by name"),
    ConsoleAction(
        name="help",
        keys="question_mark",
        title="Help",
        description="help: every key and what it records",
        records=None,
        label="Help",
        footer=9,
    ),
    ConsoleAction(
        name="quit",
        keys="q",
        title="Quit",
        description="quit (asks first); anyone on stage is taken off",
        records=HostActionKind.STAGE_END,
        label="Quit",
        footer=10,
    ),
)

ACTIONS: Mapping[str, ConsoleAction] = MappingProxyType(
    {entry.name: entry for entry in KEYS if isinstance(entry, ConsoleAction)}
)


def bindings() -> list[BindingType]:
    """The app's bindings: the footer's keys in the footer's order, then the rest."""
    in_footer = sorted(
        (action for action in ACTIONS.values() if action.footer is not None),
        key=lambda action: action.footer or 0,
    )
    elsewhere = [action for action in ACTIONS.values() if action.footer is None]
    return [action.binding() for action in (*in_footer, *elsewhere)]


def palette_commands(method_of: Callable[[str], Callable[[], object]]) -> Iterator[SystemCommand]:
    """The command palette's entry for every action; `method_of(name)` is what it runs."""
    for action in ACTIONS.values():
        yield SystemCommand(action.title, action.palette_help, method_of(action.name))
