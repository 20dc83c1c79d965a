"""What the console says once a replay has played to its end: the show is over, and the
command that reports on it. `stagehand report` alone reads the default database's newest
show, which is another show after a replay with `--db`, a config naming another database, or
a resumed older show: the command names this show, and its database when not the default."""

from __future__ import annotations

import shlex
from pathlib import Path

from rich.cells import cell_len

from stagehand.config import default_db_path

#: The notices line at 80 columns, less its padding and the notice's mark (`✓ `).
LINE_COLUMNS = 76

ATTACHED = "The replay is over. q leaves this console"
#: When the command does not fit on the line: the notice history (`i`) has it whole.
IN_HISTORY = "The replay is over. q quits; i shows the command for its report"


def report_command(show_name: str, db_path: Path | None) -> str:
    """`stagehand report NAME`, with `--db PATH` when the show is not in the default database
    (shell-quoted: a host pastes it)."""
    command = f"stagehand report {shlex.quote(show_name)}"
    if db_path is not None and not _is_default(db_path):
        command += f" --db {shlex.quote(str(db_path))}"
    return command


def _is_default(path: Path) -> bool:
    try:
        return path.expanduser().resolve() == default_db_path().resolve()
    except (OSError, RuntimeError):  # unreadable: say the path, which is right either way
        return False


def over_words(show_name: str, db_path: Path | None) -> tuple[str, str | None]:
    """The line's words, and the whole command for the notice history when they could not
    hold it (None when they do)."""
    command = report_command(show_name, db_path)
    whole = f"The replay is over. q quits, then `{command}`"
    if cell_len(whole) <= LINE_COLUMNS:
        return whole, None
    return IN_HISTORY, f"The replay's report: `{command}`"
