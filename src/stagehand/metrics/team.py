"""Who on the team did what ("answered by"), and what the stream showed ("shown on stream").

Every host action records who took it (`host_actions.actor`: the show server token's name, or
`platform:username` for a moderator's chat command; `host` for the console on the show's own
machine, empty in rows stored before migration m310, both counted as "this machine"; a replayed
transcript's scripted actions that name nobody are "the transcript (replayed)"). Each time a
comment was on the stream's overlay is an `on_stream` row. Undone actions count as never done, here as everywhere (docs/metrics.md): an
undone feature was never shown, an undone answer never given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlite_utils import Database

from stagehand.domain import THIS_CONSOLE
from stagehand.metrics.read import _NOT_UNDONE, _authors
from stagehand.store.queries import ShowRow
from stagehand.times import format_ts, parse_ts

#: How the report names actions taken on the show's own machine (no token).
THIS_MACHINE = "this machine"
#: How it names actions a replayed transcript scripted (no console took them): a transcript's
#: host line without an `id` is keyed `t-<digest>` (`transcript.host_action_key`), a live action
#: by a random or counted 32-digit hex key. An exported show keeps its actions' keys, so its
#: replay credits them as the original show did.
FROM_TRANSCRIPT = "the transcript (replayed)"
#: SQL: who a row of `host_actions` or `on_stream` is credited to ('' for this machine).
_CREDITED = (
    f"CASE WHEN {{t}}.actor = '{THIS_CONSOLE}' THEN '' WHEN {{t}}.actor != '' THEN {{t}}.actor"
    f" WHEN {{t}}.key LIKE 't-%' THEN '{FROM_TRANSCRIPT}' ELSE '' END"
)
#: The host actions counted per person, by the words the report uses.
COUNTED = {
    "answer": "answered",
    "reply": "replied",
    "dismiss": "dismissed",
    "stage_start": "staged",
    "feature": "featured",
    "pin": "pinned",
}

#: Actions that judge a comment as chat (answered, replied to, dismissed): a comment deleted
#: later counts nowhere but in `deleted_comments` (docs/metrics.md), so not here either. Bringing
#: its author on stage, showing it on stream and pinning it did happen, and count.
ON_THE_COMMENT = ("answer", "reply", "dismiss")


@dataclass(frozen=True, slots=True)
class ActorRow:
    """What one person (a token's name, or this machine) did in the show: comments answered on
    air, replied to, dismissed, authors brought on stage, comments shown on stream, pinned."""

    name: str
    answered: int = 0
    replied: int = 0
    dismissed: int = 0
    staged: int = 0
    featured: int = 0
    pinned: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class OnStreamRow:
    """A comment shown on stream: whose, what, when, for how long, and who put it there."""

    author: str
    platform: str
    text: str
    started_at: datetime
    seconds: float
    by: str

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["started_at"] = format_ts(self.started_at)
        data["seconds"] = round(self.seconds, 1)
        return data


def read_answered_by(db: Database, show: ShowRow) -> tuple[ActorRow, ...]:
    """One row per person who acted, most answers first; empty when nobody acted by name (a show
    run from one console: the whole report is theirs, no table needed)."""
    kinds = tuple(COUNTED)
    rows = db.conn.execute(
        f"""SELECT {_CREDITED.format(t="host_actions")}, action,
                   count(DISTINCT coalesce(comment_id, key))
            FROM host_actions
            WHERE show_id = ? AND action IN ({",".join("?" * len(kinds))})
              AND outcome NOT LIKE 'failed%' AND {_NOT_UNDONE}
              AND NOT (action IN ({",".join("?" * len(ON_THE_COMMENT))}) AND EXISTS (
                  SELECT 1 FROM comments WHERE comments.id = host_actions.comment_id
                    AND comments.deleted_at IS NOT NULL))
            GROUP BY 1, action""",
        (show.id, *kinds, *ON_THE_COMMENT),
    ).fetchall()
    # A transcript is not a person: a replay nobody acted in by name has no table either.
    if not any(actor and actor != FROM_TRANSCRIPT for actor, _, _ in rows):
        return ()
    counts: dict[str, dict[str, int]] = {}
    for actor, action, number in rows:
        counts.setdefault(actor or THIS_MACHINE, {})[COUNTED[action]] = number
    found = [ActorRow(name, **numbers) for name, numbers in counts.items()]
    found.sort(key=lambda row: (-row.answered, -row.replied, -row.featured, row.name.lower()))
    return tuple(found)


def read_on_stream(
    db: Database, show: ShowRow, until: datetime, *, names: dict[int, str] | None = None
) -> tuple[OnStreamRow, ...]:
    """Each comment shown on stream, in order (one still on stream counts up to `until`);
    an opted-out author is shown as their pseudonym, with no text. `names`: what the rest of
    the report calls each author (`facts.report_names`)."""
    rows = db.conn.execute(
        f"""SELECT on_stream.started_at, on_stream.ended_at, {_CREDITED.format(t="on_stream")},
                   comments.author_id, comments.platform, comments.text
            FROM on_stream LEFT JOIN comments ON comments.id = on_stream.comment_id
            WHERE on_stream.show_id = ? AND NOT EXISTS (
                SELECT 1 FROM host_actions WHERE host_actions.show_id = on_stream.show_id
                  AND host_actions.key = on_stream.key AND NOT ({_NOT_UNDONE}))
            ORDER BY on_stream.started_at, on_stream.id""",
        (show.id,),
    ).fetchall()
    authors = _authors(db, {row[3] for row in rows if row[3] is not None})
    shown = []
    for started, ended, actor, author_id, platform, text in rows:
        author = authors.get(author_id)
        start = parse_ts(started)
        end = parse_ts(ended) if ended else max(until, start)
        hidden = author is None or author.opted_out
        shown.append(
            OnStreamRow(
                author=(names or {}).get(author.id, author.shown_name)
                if author
                else "a deleted comment",
                platform=platform or "",
                text="" if hidden else (text or ""),
                started_at=start,
                seconds=max(0.0, (end - start).total_seconds()),
                by=actor or THIS_MACHINE,
            )
        )
    return tuple(shown)
