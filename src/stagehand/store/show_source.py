"""Whether a transcript is the one a stored show was played from: a replay under a stored show's
name resumes that show only if so, and is refused otherwise (docs/commands.md).

The name is no proof: `replay` names a show after its transcript's file name, so last week's
`chat.jsonl` and this week's both make a show 'chat'. What decides:

- the stored position holds (the file's bytes up to where the show is stored are the ones it was
  stored from): the same transcript, maybe grown since (a recording still being written). It
  resumes where the show stops.
- else, one of the transcript's first chat messages is stored in the show: the same transcript,
  edited since (a bad line fixed). It plays from its start; the database's keys keep everything
  stored once.
- else, with chat stored in the show: another transcript. Refused.

A live session (`run`) under the name of a show stored from a transcript is refused the same
way; under a live show's name it resumes it, as ever (a show restarted after a crash).
"""

from __future__ import annotations

import itertools
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlite_utils import Database

from stagehand.domain import Comment
from stagehand.store.keys import find_comment
from stagehand.store.resume_reads import replay_position
from stagehand.transcript import CommentEvent, TranscriptError, read_transcript
from stagehand.transcript_resume import position_holds

#: How many of a transcript's first chat messages are looked up in the show.
_SAMPLE = 200


@dataclass(frozen=True, slots=True)
class Stranger:
    """A transcript that is not the one the show was stored from: `stored_from` is that one
    (its path as given then), or `live`: `run` recorded the show."""

    stored_from: str = ""
    live: bool = False


def stored_from_another(db: Database, show_id: int, transcript: Path | None) -> Stranger | None:
    """A `Stranger` if `transcript` is not the transcript show `show_id` was stored from (for
    `transcript` None, a live session: if the show was stored from a transcript)."""
    conn = db.conn
    row = conn.execute("SELECT source FROM shows WHERE id = ?", [show_id]).fetchone()
    source = row[0] if row else ""
    position = replay_position(db, show_id)
    if transcript is None and source in ("", "live") and position is None:
        return None  # live again: a show restarted (after a crash, or `q` by mistake)
    if (
        transcript is not None
        and position is not None
        and position_holds(transcript, position.position)
    ):
        return None  # the same transcript (grown since, maybe): it resumes
    if not _has_chat(conn, show_id):
        return None  # nothing stored yet: nothing to mix it with
    if transcript is not None:
        for comment in _first_comments(transcript):
            if find_comment(conn, show_id, comment.platform, comment.id) is not None:
                return None
    if position is not None:
        return Stranger(position.source)
    return Stranger(live=True) if source in ("", "live") else Stranger(source)


def _has_chat(conn: sqlite3.Connection, show_id: int) -> bool:
    return (
        conn.execute("SELECT 1 FROM comments WHERE show_id = ? LIMIT 1", [show_id]).fetchone()
        is not None
    )


def _first_comments(transcript: Path) -> Iterator[Comment]:
    events = read_transcript(transcript, on_error=lambda _error: None)
    comments = (event.comment for event in events if isinstance(event, CommentEvent))
    try:
        yield from itertools.islice(comments, _SAMPLE)
    except (OSError, TranscriptError):
        return


def free_name(db: Database, name: str) -> str:
    """`name-2`, `name-3`, ...: the first no show in the database has."""
    for number in itertools.count(2):
        candidate = f"{name}-{number}"
        if db.execute("SELECT 1 FROM shows WHERE name = ?", [candidate]).fetchone() is None:
            return candidate
    raise AssertionError("unreachable")
