"""What resumes a show not closed: the command that ran it, as far as the database knows it.

"The same command resumes it" is true of a replay, not of a demo: `stagehand demo` again starts
another demo (each is a new show), and only `stagehand demo --show NAME` resumes one. The
transcript a replay was stored from (`replay_positions.source`, else `shows.source`) tells which
it was: the bundled demo transcript, another transcript (`replay`), or none: `live` (`run`). The database is named too unless it is the default one: the command without it
would open another show in the default database.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from stagehand.config.settings import default_db_path
from stagehand.demo import DEMO_FILE
from stagehand.sanitize import clean
from stagehand.store.resume_reads import replay_position

#: How a show ran, by its `shows.source`.
DEMO, REPLAY, LIVE = "demo", "replay", "live"


@dataclass(frozen=True, slots=True)
class ResumeWith:
    """How the show ran (`DEMO`, `REPLAY`, `LIVE`) and the shell command that resumes it: ""
    when it cannot be written faithfully (a name or path a terminal would not show as it is)."""

    kind: str
    command: str
    #: A transcript named by a relative path: the command runs from the folder it ran in.
    relative: bool = False


def resume_with(db: Database, show_id: int) -> ResumeWith | None:
    """What resumes show `show_id` (None: no such show)."""
    row = db.execute("SELECT name, source FROM shows WHERE id = ?", [show_id]).fetchone()
    if row is None:
        return None
    name, source = row
    # A replay stores how far it played, and from which transcript: that decides before
    # `shows.source` (the only word of a replay killed before its first position was stored).
    if (position := replay_position(db, show_id)) is not None:
        source = position.source
    kind = _kind(source)
    words = ["stagehand", kind if kind != LIVE else "run"]
    if kind == REPLAY:
        words.append(source)
    if kind != REPLAY or name != Path(source).stem:  # `replay` names a show after its file
        words += ["--show", name]
    if (path := _file_of(db)) is not None and path != _resolved(default_db_path()):
        words += ["--db", str(path)]
    # A show's name and a transcript's path are as untrusted as chat: a command that would not
    # read as it runs (a control or bidi character in it) is not written at all.
    if any(clean(word) != word for word in words):
        return ResumeWith(kind, "")
    relative = kind == REPLAY and not Path(source).is_absolute()
    return ResumeWith(kind, shlex.join(words), relative)


def _kind(source: str) -> str:
    if source in ("", LIVE):
        return LIVE
    # The bundled demo, wherever the package was installed when it ran.
    parts = Path(source).parts
    return DEMO if parts[-3:] == ("stagehand", "demo", DEMO_FILE) else REPLAY


def _file_of(db: Database) -> Path | None:
    for _, schema, file in db.execute("PRAGMA database_list").fetchall():
        if schema == "main" and file:
            return _resolved(Path(file))
    return None


def _resolved(path: Path) -> Path:
    try:
        return path.expanduser().resolve()
    except OSError:
        return path
