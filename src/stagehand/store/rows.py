"""Stored rows back into domain objects: comments (with their authors as they were then and, when
asked, their scores) and host actions. Shared by the reads (store/queries.py) and the reads a
resumed show makes (store/resume_reads.py)."""

from __future__ import annotations

import functools
import json

from stagehand.domain import (
    Author,
    Comment,
    CommentKind,
    Highlight,
    HighlightKind,
    HostAction,
    HostActionKind,
    RankedComment,
    Score,
)
from stagehand.times import parse_ts

#: What a `Comment` is made of, with its author as they were when they wrote it (their display
#: name and roles then; the author's row for comments stored before those were kept, and
#: anonymous ones), its kind and whether it was deleted on its platform.
COMMENT_COLUMNS = """comments.id, comments.platform, comments.message_id, comments.channel,
       comments.ts, comments.text, comments.original_text, comments.reply_to,
       comments.first_message, comments.attachments, comments.truncated, comments.kind,
       comments.deleted_at, comments.highlight_kind, comments.highlight_amount,
       comments.highlight_currency, comments.highlight_shown, comments.anonymized,
       authors.platform_user_id, authors.name AS author_name,
       coalesce(comments.display_name_then, authors.display_name) AS author_display_name,
       coalesce(comments.roles_then, authors.roles) AS author_roles"""
#: And what its place in the queue needs: its score as judged when it arrived, its segment.
SCORE_COLUMNS = """comments.score, comments.rank_key, comments.reasons, comments.flags,
       comments.same_as, comments.segment_id"""
COMMENTS_JOIN_AUTHORS = "FROM comments JOIN authors ON authors.id = comments.author_id"

#: Every column of a comment with its author as `COMMENT_COLUMNS` names them.
COMMENTS_WITH_AUTHORS = f"""
SELECT comments.*, authors.platform_user_id, authors.name AS author_name,
       coalesce(comments.display_name_then, authors.display_name) AS author_display_name,
       coalesce(comments.roles_then, authors.roles) AS author_roles
{COMMENTS_JOIN_AUTHORS}"""


@functools.lru_cache(maxsize=1024)
def _roles(raw: str) -> frozenset[str]:
    """An author's stored roles: a few sets come back row after row."""
    return frozenset(json.loads(raw))


def author_from_row(row: dict, *, prefix: str = "author_", anonymous: bool = False) -> Author:
    return Author(
        platform=row["platform"],
        id=row["platform_user_id"],
        name=row[f"{prefix}name"],
        display_name=row[f"{prefix}display_name"],
        roles=_roles(row[f"{prefix}roles"]),
        anonymous=anonymous,
    )


def comment_from_row(row: dict) -> Comment:
    """A stored comment as the domain knows it: `text` as received, `clean_text` as shown."""
    attachments = row["attachments"]
    return Comment(
        id=row["message_id"],
        platform=row["platform"],
        channel=row["channel"],
        # Stored anonymous (its author opted out or asked to be forgotten): a fact of the row,
        # so a resumed show lets go of them as the live one did (`Author.anonymous`).
        author=author_from_row(row, anonymous=bool(row.get("anonymized"))),
        text=row["original_text"],
        ts=parse_ts(row["ts"]),
        reply_to=row["reply_to"],
        first_message=bool(row["first_message"]),
        attachments=tuple(json.loads(attachments)) if attachments != "[]" else (),
        clean_text=row["text"],
        truncated=bool(row["truncated"]),
        highlight=_highlight_from_row(row),
    )


def ranked_from_row(row: dict, positions: dict[int, int]) -> RankedComment:
    """A stored comment as the queue had it: scored when it arrived, in its segment, its kind."""
    try:
        same_as = json.loads(row["same_as"]) if row.get("same_as") else None
    except ValueError:  # damaged: the comment keeps a row of its own
        same_as = None
    score = Score(
        row["score"],
        row["rank_key"],
        json_dict(row["reasons"]),
        frozenset((row["flags"] or "").split()),
        (str(same_as[0]), str(same_as[1]))
        if isinstance(same_as, list) and len(same_as) == 2
        else None,
    )
    return RankedComment(
        comment_from_row(row),
        score,
        positions.get(row["segment_id"] or 0, 0),
        CommentKind(row["kind"]),
    )


def _highlight_from_row(row: dict) -> Highlight | None:
    kind = row.get("highlight_kind")
    if not kind:
        return None
    try:
        highlight_kind = HighlightKind(kind)
    except ValueError:  # a kind a newer stagehand wrote: the comment stays, plain
        return None
    return Highlight(
        highlight_kind,
        amount=float(row.get("highlight_amount") or 0.0),
        currency=str(row.get("highlight_currency") or ""),
        shown=str(row.get("highlight_shown") or ""),
    )


#: A host action with the comment and author it names (by their platform ids; the author's
#: names as their row has them now).
HOST_ACTIONS_WITH_NAMES = """
SELECT host_actions.*, comments.message_id, comments.platform AS comment_platform,
       authors.platform_user_id, authors.platform AS author_platform,
       authors.name AS author_name, authors.display_name AS author_display_name,
       authors.roles AS author_roles, authors.opted_out AS author_opted_out
FROM host_actions LEFT JOIN comments ON comments.id = host_actions.comment_id
LEFT JOIN authors ON authors.id = host_actions.author_id"""


def host_action_from_row(row: dict) -> HostAction:
    return HostAction(
        kind=HostActionKind(row["action"]),
        ts=parse_ts(row["ts"]),
        comment_id=row["message_id"],
        platform=row["comment_platform"] or row["author_platform"],
        author_id=row["platform_user_id"],
        text=row["text"],
        outcome=row["outcome"],
        key=row["key"] or "",
        undoes=row["undoes"],
        actor=row["actor"],
    )


def action_author_from_row(row: dict) -> Author | None:
    """The author a host action row (`HOST_ACTIONS_WITH_NAMES`) names, if it names one."""
    if row["platform_user_id"] is None or row["author_platform"] is None:
        return None
    return Author(
        row["author_platform"],
        row["platform_user_id"],
        row["author_name"],
        row["author_display_name"],
        _roles(row["author_roles"]),
        # Opted out or forgotten (an undo brings their hand back): anonymous, as live.
        anonymous=bool(row["author_opted_out"]),
    )


def json_list(raw: str | None) -> list[str]:
    try:
        value = json.loads(raw or "[]")
    except ValueError:
        return []
    return [str(v) for v in value] if isinstance(value, list) else []


def json_dict(raw: str | None) -> dict[str, float]:
    try:
        value = json.loads(raw or "{}")
    except ValueError:
        return {}
    if not isinstance(value, dict):
        return {}
    return {str(k): float(v) for k, v in value.items() if isinstance(v, int | float)}
