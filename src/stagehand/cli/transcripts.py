"""What `replay` and `rank` say about a file with no transcript event in it."""

from __future__ import annotations

from pathlib import Path

from stagehand.transcript import EVENT_KINDS

#: The first bytes of every SQLite database file.
_SQLITE_HEADER = b"SQLite format 3\x00"
_KINDS = ", ".join(f'"{kind}"' for kind in EVENT_KINDS[:-1]) + f' or "{EVENT_KINDS[-1]}"'


def database_not_transcript(path: Path) -> str | None:
    """For a SQLite file (a stagehand database, most likely) given as a transcript: what it is
    and how to get a transcript of it; None for any other file."""
    try:
        with path.open("rb") as handle:
            if handle.read(len(_SQLITE_HEADER)) != _SQLITE_HEADER:
                return None
    except OSError:
        return None
    return (
        f"{path} is a SQLite database, not a transcript: `stagehand export --db {path} -o "
        "show.jsonl` writes a show stored in it as one"
    )


def why_no_events(path: Path) -> str:
    """Why a transcript that read without a bad line gave no event: 'the file is empty',
    'only blank lines', or lines none of which is a transcript event."""
    try:
        with path.open("rb") as handle:
            if not handle.read(1):
                return "the file is empty"
            handle.seek(0)
            if all(not line.strip() for line in handle):
                return "only blank lines"
    except OSError:
        return "nothing could be read"
    # Every line is JSON, and no kind stagehand knows (unknown kinds are skipped).
    return f'none of its lines is a transcript event, a JSON object whose "kind" is {_KINDS}'
