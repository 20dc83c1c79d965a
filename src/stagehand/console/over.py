"""What the console says once a replay has played to its end: the show is over, and the
command that reports on it. `stagehand report` alone reads the default database's newest
show, which is another show after a replay with `--db`, a config naming another database, or
a resumed older show: the command names this show, and its database when not the default."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.cells import cell_len

from stagehand.config import default_db_path
from stagehand.sanitize import clean

#: The notices line at 80 columns, less its padding and the notice's mark (`✓ `): the least it
#: has (the console's floor), what it is measured as before it is laid out.
LINE_COLUMNS = 76
#: The notice's mark in front of the words (`✓ `).
MARK_COLUMNS = 2

ATTACHED = "The replay is over. q leaves this console"
#: When the command does not fit on the line: the notice history (`i`) has it whole.
IN_HISTORY = "The replay is over. q quits; i shows the command for its report"
#: When no command could be shown as it must be typed (a name the screen cleans: two spaces,
#: a tab, a control character): `stagehand shows` lists the show's name.
BY_NAME = "The replay is over. q quits; `stagehand shows` lists it for `stagehand report NAME`"


def report_command(show_name: str, db_path: Path | None) -> str | None:
    """`stagehand report NAME`, with `--db PATH` when the show is not in the default database
    (shell-quoted: a host pastes it; after `--` when the name reads like an option, "-x" from a
    transcript named `-x.jsonl`). None when the screen could not show it as it must be typed:
    notices are cleaned like chat, so a name with two spaces or a tab would read as another."""
    if clean(show_name) != show_name:
        return None
    name = shlex.quote(show_name)
    where = ""
    if db_path is not None and not _is_default(db_path):
        where = f" --db {shlex.quote(str(db_path))}"
    if show_name.startswith("-"):
        return f"stagehand report{where} -- {name}"
    return f"stagehand report {name}{where}"


def _is_default(path: Path) -> bool:
    try:
        return path.expanduser().resolve() == default_db_path().resolve()
    except (OSError, RuntimeError):  # unreadable: say the path, which is right either way
        return False


def over_words(
    show_name: str, db_path: Path | None, columns: int = LINE_COLUMNS
) -> tuple[str, str | None]:
    """The line's words in `columns` (the notices line's width less its mark), and the whole
    command for the notice history when they could not hold it (None when they do)."""
    command = report_command(show_name, db_path)
    if command is None:
        return BY_NAME, None
    whole = f"The replay is over. q quits, then `{command}`"
    if cell_len(whole) <= columns:
        return whole, None
    return IN_HISTORY, f"The replay's report: `{command}`"
