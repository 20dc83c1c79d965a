"""What crosses the pipe between the show and its ranker's worker process (ranking/worker.py):
operations in one ordered stream, and scores back, as plain values that pickle fast.

Show -> worker, a list of operations per message, each a tuple starting with its code:
`START` (settings, show description, command prefix: a new show's ranker), `SCORE` (sequence
number, comment, ask), `WARM` (comment), `CALL` (a `Ranker` method that changes what it knows, args, kwargs),
`FEEDBACK` (ticket, comment, positive), `TAKE_BACK` (ticket), `RESET` (the show closed: the
worker waits for the next). Worker -> show: a list with one entry per `SCORE` of the message, in
order: its sequence number and the score's parts, or a string naming why the ranker failed on
that comment; an operation other than scoring that failed adds `(PROBLEM, what went wrong)` in
its place.
"""

from __future__ import annotations

from typing import Any

from stagehand.domain import Author, Comment
from stagehand.ranking.ranker import ScoreParts

START, SCORE, WARM, CALL, FEEDBACK, TAKE_BACK, RESET = range(7)
#: In place of a sequence number: an operation other than scoring failed (the text says which
#: and why). Sequence numbers start at 1.
PROBLEM = -1
#: The `Ranker` calls the worker forwards as they are (nothing else is called by name).
CALLS = frozenset(
    {
        "set_segment",
        "add_topic_terms",
        "set_hand",
        "set_on_stage",
        "add_hosts",
        "recall_author",
    }
)

EncodedComment = tuple[Any, ...]
#: A score as the worker sends it back: its fields as `Ranker.score_parts` gives them, `Score`'s
#: in order (the show makes it with `Score(*parts)`).
EncodedScore = ScoreParts


def encode(comment: Comment) -> EncodedComment:
    """What the ranker reads of a comment, as plain values: a quarter of pickling the object."""
    author = comment.author
    return (
        comment.id,
        comment.platform,
        comment.channel,
        author.platform,
        author.id,
        author.name,
        author.display_name,
        author.roles,
        comment.clean_text or comment.text,
        comment.ts,
        comment.reply_to,
        comment.first_message,
        comment.attachments,
        comment.highlight,
    )


def decode(values: EncodedComment) -> Comment:
    (cid, platform, channel, a_platform, a_id, name, display, roles, text, ts, reply_to, first,
     attachments, highlight) = values  # fmt: skip
    author = Author(a_platform, a_id, name, display, roles)
    return Comment(
        cid,
        platform,
        channel,
        author,
        text,
        ts,
        reply_to,
        first,
        attachments,
        clean_text=text,
        highlight=highlight,
    )
