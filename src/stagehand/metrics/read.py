"""Reading a show's facts out of SQLite: the only part of `stagehand.metrics` that runs SQL.

Each query reads a show's comments at most once and aggregates in SQL where that pays: the big
pass groups them by (author, segment, platform), so a million comments come back as a few
thousand rows. Everything after that (docs/metrics.md) is pure Python over these facts.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlite_utils import Database

from stagehand.metrics.facts import (
    Answered,
    Appearance,
    AuthorInfo,
    Cell,
    FollowUp,
    FreshStart,
    Minute,
    Paid,
    Reply,
    SegmentInfo,
    ShowFacts,
    report_names,
)
from stagehand.store.queries import LEFTOVER, ShowRow, show_span
from stagehand.times import parse_ts

#: Roles that make an author one of the show's own people rather than a viewer (so does a
#: `host` kind on their lines: a `[show] hosts` account has no such role on its platform).
HOST_ROLES = frozenset({"broadcaster", "host"})

# What counts, defined once (docs/metrics.md) and used by every query here, by the report and
# by `stagehand shows`. The kinds are the pipeline's (`stagehand.show.kinds`).
#: A line that is a comment at all: chat commands and bots' lines are not, anywhere.
COUNTED = "kind NOT IN ('command', 'bot')"
#: A question for the show: a viewer's comment (not a moderator's, not a host's) the ranking
#: flagged as a question, and not said to the other viewers (a reply or @mention to one of them,
#: "anyone going to superbooth?").
QUESTION = "(is_question AND kind = 'comment' AND NOT to_chat)"
#: Host actions that count as answering a comment (on air, or in chat).
ANSWER_ACTIONS = ("answer", "reply")
#: How many follow-up questions a report lists unless asked for more.
FOLLOW_UP_LIMIT = 50


def sql_literal(text: str) -> str:
    """`text` as an SQL string literal, for the constants spliced into the queries below (a
    Python repr is not SQL: a one-item tuple reads `('answer',)`)."""
    return "'" + text.replace("'", "''") + "'"


# An action the hosts took back (an `undo` row naming its key, that did not fail) counts as
# never done. The log is append-only, so this is decided here, for every metric.
_NOT_UNDONE = """NOT EXISTS (SELECT 1 FROM host_actions AS undo
    WHERE undo.show_id = host_actions.show_id AND undo.action = 'undo'
      AND undo.undoes = host_actions.key AND undo.outcome NOT LIKE 'failed%')"""
# A reply the platform refused never reached the viewer: it does not count as an answer.
_ANSWERED = (
    f"action IN ({', '.join(sql_literal(action) for action in ANSWER_ACTIONS)})"
    f" AND outcome NOT LIKE 'failed%' AND {_NOT_UNDONE}"
)


def _replies_joined(parent_key: str) -> str:
    return f"""SELECT reply.author_id AS from_author, parent.author_id AS to_author,
                      reply.segment_id AS segment_id, reply.platform AS platform
               FROM comments AS reply JOIN comments AS parent
                 ON parent.show_id = reply.show_id AND {parent_key}
                AND parent.platform = reply.platform AND parent.message_id = reply.reply_to
               WHERE reply.show_id = ? AND reply.reply_to IS NOT NULL
                 AND reply.deleted_at IS NULL AND parent.author_id != reply.author_id
                 AND reply.{COUNTED} AND parent.{COUNTED}"""


#: Viewers replying to viewers: each reply joined to its parent through the parent's integer key
#: (`store/keys.py`; `stagehand_message_key` is on every connection), or among the few messages
#: stored keyless after a key collision. A join on the message id's text alone has no index since
#: issue 19 and read the whole show once per reply.
_REPLIES = f"""SELECT from_author, to_author, segment_id, platform, count(*) FROM (
    {_replies_joined("parent.msg_key = stagehand_message_key(reply.platform, reply.reply_to)")}
    UNION ALL
    {_replies_joined("parent.msg_key IS NULL")}
) GROUP BY 1, 2, 3, 4"""


def read_show_facts(
    db: Database,
    show: ShowRow,
    *,
    now: datetime | None = None,
    follow_up_limit: int | None = FOLLOW_UP_LIMIT,
    seen_before: frozenset[int] | None = None,
) -> ShowFacts:
    """Everything the metrics need about `show`, read in a handful of queries.

    `now` ends stage appearances still running (the console passes its clock; a report uses the
    show's end). `seen_before` is the set of authors with comments in earlier shows, when the
    caller already knows it (the trend computes it once for all shows).
    """
    conn = db.conn
    opened, closed = show_span(db, show)
    segments = tuple(
        SegmentInfo(row[0], row[1], row[2], parse_ts(row[3]))
        for row in conn.execute(
            "SELECT id, position, title, started_at FROM segments WHERE show_id = ? ORDER BY position",
            (show.id,),
        )
    )
    cells, hosting = _cells(db, show)
    answered = tuple(
        Answered(
            row[0],
            row[1],
            row[2],
            row[3],
            bool(row[4]),
            bool(row[5]),
            bool(row[6]),
            parse_ts(row[7]),
            parse_ts(row[8]),
            bool(row[9]),
        )
        for row in conn.execute(
            f"""SELECT comments.id, comments.author_id, comments.segment_id, comments.platform,
                       {QUESTION}, comments.on_topic, comments.deleted_at IS NOT NULL,
                       comments.ts, min(host_actions.ts), max(host_actions.action = 'answer')
                FROM host_actions JOIN comments ON comments.id = host_actions.comment_id
                WHERE host_actions.show_id = ? AND {_ANSWERED} AND comments.{COUNTED}
                GROUP BY comments.id""",
            (show.id,),
        )
    )
    replies = tuple(Reply(*row) for row in conn.execute(_REPLIES, (show.id, show.id)))
    appearances = _appearances(db, show, segments, now or closed)
    author_ids = {c.author_id for c in cells} | {a.author_id for a in appearances}
    author_ids |= {r.to_author_id for r in replies}
    authors = _authors(db, author_ids, hosting)
    hosts = sorted(a.id for a in authors.values() if a.is_host)
    minutes = _minutes(db, show, opened, hosts)
    follow_ups = _follow_ups(db, show, hosts, follow_up_limit)
    hidden = _hidden_follow_ups(db, show, hosts)
    fresh_starts = read_fresh_starts(db, show)
    paid = _paid(db, show)
    missing = {p.author_id for p in paid} - author_ids
    if missing:
        authors.update(_authors(db, missing, hosting))
    for follow_up in follow_ups:
        author_ids.add(follow_up.author_id)
    if seen_before is None:
        seen_before = authors_seen_before(db, show)
    viewers = {c.author_id for c in cells} | {a.author_id for a in appearances}
    return ShowFacts(
        show=show,
        opened_at=opened,
        closed_at=max(closed, now) if now else closed,
        segments=segments,
        authors=authors,
        cells=cells,
        answered=answered,
        replies=replies,
        appearances=appearances,
        minutes=minutes,
        follow_ups=follow_ups,
        returning_authors=frozenset(viewers & seen_before),
        hidden_follow_ups=hidden,
        fresh_starts=fresh_starts,
        first_seen=read_first_seen(db, show, appearances) if fresh_starts else {},
        paid=paid,
        names=report_names(authors.values()),
    )


def _cells(db: Database, show: ShowRow) -> tuple[tuple[Cell, ...], frozenset[int]]:
    """The show's comments grouped by (author, segment, platform), and the authors whose lines
    the pipeline judged to be a host's (`[show] hosts` accounts included)."""
    cells = []
    hosting = set()
    for row in db.conn.execute(
        f"""SELECT author_id, segment_id, platform,
                  count(*) - count(deleted_at),
                  total({QUESTION} AND deleted_at IS NULL),
                  total(on_topic AND deleted_at IS NULL),
                  total({QUESTION} AND on_topic AND deleted_at IS NULL),
                  total(side_chatter AND deleted_at IS NULL),
                  count(deleted_at),
                  max(kind = 'host')
           FROM comments WHERE show_id = ? AND {COUNTED}
           GROUP BY author_id, segment_id, platform""",
        (show.id,),
    ):
        # SQLite's total() gives floats; these are whole counts.
        questions, on_topic, on_topic_questions, side_chatter = (int(v) for v in row[4:8])
        cells.append(
            Cell(
                row[0],
                row[1],
                row[2],
                row[3],
                questions,
                on_topic,
                on_topic_questions,
                side_chatter,
                row[8],
            )
        )
        if row[9]:
            hosting.add(row[0])
    return tuple(cells), frozenset(hosting)


def read_counting_facts(
    db: Database, show: ShowRow
) -> tuple[tuple[Cell, ...], tuple[Appearance, ...], frozenset[int]]:
    """Just what counting a show's comments and people takes (its grouped comments, stage
    appearances and hosts), for `stagehand shows`: the same rows the report counts."""
    cells, hosting = _cells(db, show)
    appearances = _appearances(db, show, (), show.ended_at or show.started_at)
    author_ids = {c.author_id for c in cells} | {a.author_id for a in appearances}
    authors = _authors(db, author_ids, hosting)
    return cells, appearances, frozenset(a.id for a in authors.values() if a.is_host)


def show_opening(db: Database, show: ShowRow) -> datetime:
    """When the show's chat began: its first comment, or when it was opened if it has none.

    A replayed show is opened today but its comments keep the transcript's times, so the first
    comment, not `shows.started_at`, places a show in time among the others.
    """
    (first,) = db.conn.execute(
        "SELECT min(ts) FROM comments WHERE show_id = ?", (show.id,)
    ).fetchone()
    return parse_ts(first) if first else show.started_at


def _appearances(
    db: Database, show: ShowRow, segments: Sequence[SegmentInfo], until: datetime
) -> tuple[Appearance, ...]:
    result = []
    for author_id, platform, started, ended in db.conn.execute(
        f"""SELECT stage_sessions.author_id, authors.platform, stage_sessions.started_at,
                  stage_sessions.ended_at
           FROM stage_sessions JOIN authors ON authors.id = stage_sessions.author_id
           WHERE stage_sessions.show_id = ? AND NOT EXISTS (
               SELECT 1 FROM host_actions WHERE host_actions.show_id = stage_sessions.show_id
                 AND action = 'stage_start' AND host_actions.author_id = stage_sessions.author_id
                 AND host_actions.ts = stage_sessions.started_at AND NOT ({_NOT_UNDONE}))
           ORDER BY stage_sessions.started_at""",
        (show.id,),
    ):
        start = parse_ts(started)
        end = parse_ts(ended) if ended else until
        result.append(
            Appearance(
                author_id,
                platform,
                segment_at(segments, start),
                start,
                max(0.0, (end - start).total_seconds()),
            )
        )
    return tuple(result)


def segment_at(segments: Sequence[SegmentInfo], ts: datetime) -> int | None:
    """The id of the segment live at `ts` (None before the first one)."""
    live = None
    for segment in segments:
        if segment.started_at <= ts:
            live = segment.id
        else:
            break
    return live


def _authors(
    db: Database, ids: Iterable[int], hosting: frozenset[int] = frozenset()
) -> dict[int, AuthorInfo]:
    wanted = sorted(ids)
    found: dict[int, AuthorInfo] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        for row in db.conn.execute(
            "SELECT id, platform, name, display_name, roles, opted_out, platform_user_id"
            " FROM authors"
            f" WHERE id IN ({marks})",
            chunk,
        ):
            roles = _roles(row[4])
            is_host = bool(roles & HOST_ROLES) or row[0] in hosting
            found[row[0]] = AuthorInfo(
                row[0], row[1], row[2], row[3], is_host, bool(row[5]), row[6]
            )
    return found


def _roles(raw: str) -> frozenset[str]:
    try:
        value = json.loads(raw)
    except (TypeError, ValueError):
        return frozenset()
    return frozenset(str(v) for v in value) if isinstance(value, list) else frozenset()


def _not_hosts(hosts: Sequence[int]) -> str:
    # Host ids are integers read from the database, so inlining them is safe.
    return f" AND author_id NOT IN ({','.join(str(int(h)) for h in hosts)})" if hosts else ""


def _minutes(
    db: Database, show: ShowRow, opened: datetime, hosts: Sequence[int]
) -> tuple[Minute, ...]:
    origin = opened.replace(second=0, microsecond=0)
    rows = db.conn.execute(
        f"""SELECT substr(ts, 1, 16), count(*), total(on_topic), total({QUESTION}),
                   total({QUESTION} AND on_topic)
            FROM comments WHERE show_id = ? AND deleted_at IS NULL AND {COUNTED}
                 {_not_hosts(hosts)}
            GROUP BY 1 ORDER BY 1""",
        (show.id,),
    )
    minutes = []
    for key, comments, on_topic, questions, on_topic_questions in rows:
        offset = int((parse_ts(key + ":00Z") - origin).total_seconds() // 60)
        minutes.append(
            Minute(offset, comments, int(on_topic), int(questions), int(on_topic_questions))
        )
    return tuple(minutes)


def _unanswered_questions(hosts: Sequence[int]) -> str:
    """The follow-up candidates: on-topic questions of this show, never answered, not deleted,
    not the hosts' own. Whether they can be listed is decided apart (anonymity)."""
    return f"""show_id = ? AND {QUESTION} AND on_topic AND deleted_at IS NULL{_not_hosts(hosts)}
              AND NOT EXISTS (SELECT 1 FROM host_actions WHERE comment_id = comments.id
                              AND {_ANSWERED})"""


#: Comments whose author opted out (or asked to be forgotten): counted, never shown.
_ANONYMOUS = "(anonymized OR author_id IN (SELECT id FROM authors WHERE opted_out))"


@dataclass(slots=True)
class _Asked:
    """One question's unanswered comments, as they are read (the first one first)."""

    comment_id: int
    ts: str
    score: float
    dismissed: bool
    viewers: set[int]
    questions: int = 1
    pasted: bool = False


def _question_of(same_as: str | None, own: tuple[str, str]) -> tuple[str, str]:
    """The queue row a stored comment is in: the first asker's comment its `same_as` names (the
    ranking's decision, stored: `queue_order.group_key`), or its own."""
    try:
        first = json.loads(same_as) if same_as else None
    except ValueError:  # damaged: a row of its own, as the resumed queue has it
        first = None
    if isinstance(first, list) and len(first) == 2:
        return (str(first[0]), str(first[1]))
    return own


def _follow_ups(
    db: Database, show: ShowRow, hosts: Sequence[int], limit: int | None
) -> tuple[FollowUp, ...]:
    """One follow-up per question, as the queue had it: the same question from 40 viewers was
    40 lines of the list. Read lean (no text) and grouped here, since the grouping is a stored
    JSON key; the texts of the listed ones are read after."""
    if limit == 0:
        return ()  # the headline numbers alone (the console's header, the trend)
    # Anonymized comments have no text left to follow up on: they are counted, never listed.
    rows = db.conn.execute(
        f"""SELECT id, author_id, platform, message_id, same_as, ts, score, flags,
                   EXISTS (SELECT 1 FROM host_actions WHERE comment_id = comments.id
                           AND action = 'dismiss' AND {_NOT_UNDONE})
            FROM comments
            WHERE {_unanswered_questions(hosts)} AND NOT {_ANONYMOUS}
            ORDER BY ts, id""",
        (show.id,),
    )
    asked: dict[tuple[str, str], _Asked] = {}
    for comment_id, author_id, platform, message_id, same_as, ts, score, flags, dismissed in rows:
        question = _question_of(same_as, (platform, message_id))
        pasted = "copypasta" in flags.split()  # a wave, as the queue row says (`asked_by_line`)
        known = asked.get(question)
        if known is None:
            asked[question] = _Asked(comment_id, ts, score, bool(dismissed), {author_id}, 1, pasted)
            continue
        known.pasted = known.pasted or pasted
        known.viewers.add(author_id)
        known.questions += 1
        known.score = max(known.score, score)
        known.dismissed = known.dismissed or bool(dismissed)
    # Never handled first, then those the hosts dismissed (their decision, made already: the
    # last to look at again); each best first by ranking score, then the question more viewers
    # asked, then the earlier. A list cut at the limit loses dismissed ones first.
    best = sorted(
        asked.values(),
        key=lambda q: (q.dismissed, -q.score, -len(q.viewers), q.ts, q.comment_id),
    )
    listed = best if limit is None else best[:limit]
    shown = _first_askers(db, [q.comment_id for q in listed])
    return tuple(
        FollowUp(
            q.comment_id,
            shown[q.comment_id][0],
            shown[q.comment_id][1],
            shown[q.comment_id][2],
            parse_ts(q.ts),
            shown[q.comment_id][3],
            q.score,
            q.dismissed,
            asked_by=len(q.viewers),
            questions=q.questions,
            pasted=q.pasted,
        )
        for q in listed
    )


def _first_askers(db: Database, ids: Sequence[int]) -> dict[int, tuple[int, str, int | None, str]]:
    """Author, platform, segment and text of the listed follow-ups' comments."""
    found: dict[int, tuple[int, str, int | None, str]] = {}
    for start in range(0, len(ids), 500):  # under SQLite's limit on bound parameters
        chunk = ids[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in db.conn.execute(
            f"SELECT id, author_id, platform, segment_id, text FROM comments WHERE id IN ({marks})",
            chunk,
        ):
            found[row[0]] = (row[1], row[2], row[3], row[4])
    return found


def _paid(db: Database, show: ShowRow) -> tuple[Paid, ...]:
    """The show's highlighted comments (Super Chats, bits, ...), oldest first; deleted ones
    are left out (a moderator took them back), anonymized ones keep their amount only."""
    rows = db.conn.execute(
        f"""SELECT id, author_id, platform, ts, highlight_kind, highlight_amount,
                   highlight_currency, highlight_shown,
                   CASE WHEN {_ANONYMOUS} THEN '' ELSE text END,
                   EXISTS (SELECT 1 FROM host_actions WHERE comment_id = comments.id
                           AND {_ANSWERED})
            FROM comments
            WHERE show_id = ? AND highlight_kind IS NOT NULL AND deleted_at IS NULL
            ORDER BY ts, id""",
        (show.id,),
    )
    return tuple(
        Paid(
            comment_id=row[0],
            author_id=row[1],
            platform=row[2],
            ts=parse_ts(row[3]),
            kind=row[4],
            amount=float(row[5]),
            # Bits are their own currency: a transcript may leave it out (Twitch says "bits").
            currency=row[6] or ("bits" if row[4] == "bits" else ""),
            shown=row[7],
            text=row[8],
            answered=bool(row[9]),
        )
        for row in rows
    )


def _hidden_follow_ups(db: Database, show: ShowRow, hosts: Sequence[int]) -> int:
    """Follow-up questions left out of the list because their authors opted out."""
    return db.conn.execute(
        f"SELECT count(*) FROM comments WHERE {_unanswered_questions(hosts)} AND {_ANONYMOUS}",
        (show.id,),
    ).fetchone()[0]


#: What `!forget confirm` and `!optin` record when they are done (commands/privacy.py): from
#: then on the viewer is a new name to the show, linked to nothing they said before.
_STARTED_AFRESH = ("ok: forgotten", "ok: opted in")


def read_fresh_starts(db: Database, show: ShowRow) -> tuple[FreshStart, ...]:
    """Each time a viewer started afresh in the show (`!forget confirm`, `!optin`), with the
    anonymous row their line was left under: each may have made one person two names, which
    nothing can tell apart, by design (`metrics.fresh_starts` says which can have)."""
    return tuple(
        FreshStart(parse_ts(ts), platform, author_id)
        for ts, platform, author_id in db.conn.execute(
            """SELECT commands.ts,
                      coalesce(comments.platform,
                               substr(commands.key, 1, instr(commands.key, ':') - 1)),
                      comments.author_id
               FROM commands LEFT JOIN comments ON comments.id = commands.comment_id
               WHERE commands.show_id = ? AND commands.outcome IN (?, ?)""",
            (show.id, *_STARTED_AFRESH),
        )
    )


def read_first_seen(
    db: Database, show: ShowRow, appearances: Iterable[Appearance]
) -> dict[int, datetime]:
    """When each name first took part: its first comment that counts (not deleted), or its
    first time on stage, whichever came first."""
    first = {
        author_id: parse_ts(ts)
        for author_id, ts in db.conn.execute(
            f"""SELECT author_id, min(ts) FROM comments
                WHERE show_id = ? AND {COUNTED} AND deleted_at IS NULL GROUP BY author_id""",
            (show.id,),
        )
    }
    for appearance in appearances:
        seen = first.get(appearance.author_id)
        if seen is None or appearance.started_at < seen:
            first[appearance.author_id] = appearance.started_at
    return first


def authors_seen_before(db: Database, show: ShowRow) -> frozenset[int]:
    """Authors with a comment (deleted or not) in a show that opened before this one: the same
    lines the trend remembers a show by (its cells), so a chat command alone (`!hand`) or a
    bot's line never makes anyone "returning"."""
    openings = show_openings(db)
    position = next((i for i, (sid, _) in enumerate(openings) if sid == show.id), len(openings))
    seen: set[int] = set()
    for sid, _ in openings[:position]:
        seen.update(
            row[0]
            for row in db.conn.execute(
                f"SELECT DISTINCT author_id FROM comments WHERE show_id = ? AND {COUNTED}",
                (sid,),
            )
        )
    return frozenset(seen)


def show_openings(db: Database) -> list[tuple[int, datetime]]:
    """(show id, opening) for every show but a run's leftover that stored nothing, in time
    order (see `show_opening`)."""
    rows = db.conn.execute(
        f"""SELECT shows.id, coalesce((SELECT min(ts) FROM comments WHERE show_id = shows.id),
                                      shows.started_at)
           FROM shows WHERE NOT {LEFTOVER}"""
    ).fetchall()
    return sorted(
        ((sid, parse_ts(when)) for sid, when in rows), key=lambda item: (item[1], item[0])
    )
