"""Moderation over a show, as counts: what the hosts did through stagehand, and what the
platform's own moderators did there (docs/metrics.md, "Moderation").

Counts only, never names: a report is passed around after the show (to guests, to sponsors), and
a list of who was banned or timed out would outlive the ban; the moderation log itself stays in
the database (`host_actions`) for whoever runs the show.
"""

from __future__ import annotations

from sqlite_utils import Database

from stagehand.domain import CommentKind, ModerationKind
from stagehand.metrics.model import Moderation, ModerationCounts
from stagehand.metrics.read import _NOT_UNDONE, COUNTED
from stagehand.platform import done_on_platform, only_recorded
from stagehand.store.queries import ShowRow

#: The moderations that took effect: not refused by the platform, not taken back by an undo.
_DONE = f"""SELECT host_actions.text, host_actions.outcome, host_actions.comment_id,
                   coalesce(host_actions.author_id, comments.author_id),
                   comments.deleted_at IS NOT NULL AND comments.{COUNTED}
            FROM host_actions LEFT JOIN comments ON comments.id = host_actions.comment_id
            WHERE host_actions.show_id = ? AND host_actions.action = 'moderate'
              AND host_actions.outcome NOT LIKE 'failed%' AND {_NOT_UNDONE}"""


def read_moderation(db: Database, show: ShowRow, deleted: int) -> Moderation:
    """The show's moderation, counted (see `Moderation`). `deleted`: the show's deleted comments,
    as the main pass counted them (`Metrics.deleted_comments`), so that telling who deleted them
    reads the moderation log alone, never the show's comments again (the console's header asks
    for the metrics every few seconds)."""
    hosts: dict[str, set[int]] = {kind.value: set() for kind in ModerationKind}
    platform: dict[str, set[int]] = {kind.value: set() for kind in ModerationKind}
    deleted_by_hosts: set[int] = set()
    for kind, outcome, comment_id, author_id, gone in db.conn.execute(_DONE, (show.id,)):
        if only_recorded(outcome or ""):
            continue  # it never reached the platform: nothing was done to anyone
        into = platform if done_on_platform(outcome or "") else hosts
        if kind not in into:
            continue
        if kind == ModerationKind.DELETE:
            if comment_id is not None:
                into[kind].add(comment_id)
                if gone and into is hosts:
                    deleted_by_hosts.add(comment_id)
        elif author_id is not None:
            into[kind].add(author_id)
    # The platform says the rest were deleted and the hosts did not delete them: its moderators
    # did (on Discord and YouTube possibly their own authors; the platforms do not say which).
    deleted_there = max(0, deleted - len(deleted_by_hosts))
    (held_back,) = db.conn.execute(
        "SELECT count(*) FROM comments WHERE show_id = ? AND kind = ?",
        (show.id, CommentKind.HELD.value),
    ).fetchone()
    return Moderation(
        ModerationCounts(len(hosts["delete"]), len(hosts["timeout"]), len(hosts["ban"])),
        ModerationCounts(
            deleted_there + len(platform["delete"]), len(platform["timeout"]), len(platform["ban"])
        ),
        held_back,
    )
