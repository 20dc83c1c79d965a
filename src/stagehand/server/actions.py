"""`POST /api/actions`: one request, one intent of the show, as the token's owner.

The body names the action and what it acts on (docs/server.md has the full list):

    {"action": "answer", "comment_id": "m42"}                 the comment m42 (any platform)
    {"action": "feature", "comment_id": "top"}                the top of the queue (pins first)
    {"action": "reply", "comment_id": "m42", "text": "thanks!"}
    {"action": "undo"}                                        this token's last action

Each intent runs through `LiveShow` inside `acting_as(<token name>)`, so the host-action log
says who did it, and answers `{"ok", "message", "key", "seq"}` (`seq`: the last event the
action published; a client that has seen it sees the show as the action left it). A role that
may not take the action gets 403, a comment the show does not know 404, a malformed body 400.

An intent done already (two consoles racing, a button pressed twice) is refused 409: a comment
answered, dismissed or deleted already is refused here, from the queue, before the show is asked;
one put on stream or pinned already, a guest on stage already, an action undone already, a
reply to someone who opted out or asked to be forgotten (no longer addressed in chat), and
nothing to act on (nothing on stream to take off, nobody on stage, a comment not pinned, nothing
to undo) are refused by the show itself (`ActionResult.already`), in its words and with its
notice to the console that asked. A button can tell "done already" from "done"; the answer's `Stagehand-Seq`
header says the show told its screens (an attached console does not say it a second time).

A button that picks its target when the request lands (`"comment_id": "top"`, an `end_stage`
naming nobody) is refused 409 for `SETTLING_SECONDS` after another screen changed that target:
it would act on what nobody looked at (docs/server.md, "Buttons that pick their target").
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from stagehand.domain import Author, Comment, ModerationKind
from stagehand.naming import named as named_as
from stagehand.naming import shifted, within
from stagehand.platform import ActionResult
from stagehand.server.access import ALLOWED, Caller, Role, may
from stagehand.server.anonymous import ScreenIds
from stagehand.server.hub import SETTLING_SECONDS, EventHub
from stagehand.show.live import LiveShow

#: Actions that act on one comment (`comment_id`, optionally `platform`; "top" for the queue's).
ON_A_COMMENT = frozenset(
    {"answer", "dismiss", "stage", "feature", "pin", "unpin", "reply", "moderate"}
)
#: Actions that take a comment off the queue: refused (409) on one taken off already, so two
#: consoles racing (or a button pressed twice) record one answer and teach the ranking once.
TAKES_OFF = frozenset({"answer", "dismiss", "stage"})
#: Actions the show does not announce itself (a console says its own at once): the server tells
#: every screen, naming who acted, so the host sees what a producer just did.
UNANNOUNCED = frozenset(
    {"answer", "dismiss", "feature", "unfeature", "pin", "unpin", "next_segment", "topic"}
)
#: What each action is called in a refusal ("a producer may not <this>").
WORDS = {
    "answer": "answer on air",
    "stage": "bring viewers on stage",
    "stage_hand": "bring viewers on stage",
    "end_stage": "end stage appearances",
    "moderate": "moderate (delete, time out, ban)",
    "next_segment": "change the segment",
    "topic": "change the segment's topic",
}


@dataclass(frozen=True, slots=True)
class Answer:
    """An HTTP status and the JSON body to send with it."""

    status: int
    body: dict[str, Any]
    #: The last event the show published answering it, when the show itself answered (the
    #: `Stagehand-Seq` header): its screens were told, a refusal too.
    told: int | None = None


def refused(status: int, message: str) -> Answer:
    return Answer(status, {"ok": False, "message": message})


async def perform(live: LiveShow, hub: EventHub, caller: Caller, body: Any) -> Answer:
    """Check, then take the action `body` asks for as `caller` (see the module docstring)."""
    if not isinstance(body, dict):
        return refused(400, 'the body must be a JSON object such as {"action": "answer", ...}')
    action = body.get("action")
    known = sorted(ALLOWED[Role.HOST])
    if action is None:
        return refused(400, f'the body names no "action": one of {", ".join(known)}')
    if not isinstance(action, str):
        return refused(400, f'"action" must be a string: one of {", ".join(known)}')
    if action not in known:
        return refused(400, f"unknown action {action!r}: one of {', '.join(known)}")
    if not may(caller.role, action):
        return refused(403, not_allowed(caller, action))
    comment: Comment | None = None
    if action in ON_A_COMMENT or (action == "end_stage" and body.get("comment_id")):
        found = _comment(live, hub, body, caller)
        if isinstance(found, Answer):
            return found
        comment = found
    also = hub.queue.others_in_row(comment) if comment is not None else []
    run = _intent(live, hub, caller, action, comment, body, also)
    if isinstance(run, Answer):
        return run
    with live.acting_as(caller.name):
        result = run()
        if not isinstance(result, ActionResult):
            result = await result
        if result.ok and action in UNANNOUNCED:
            live.say(result.message, "ok", within(result.names, len(result.message)))
    if not result.ok and result.already:  # the show's own "done already", its notice said
        return Answer(409, {"ok": False, "message": result.for_host}, told=hub.seq)
    return Answer(
        200,
        {
            "ok": result.ok,
            "message": result.for_host,
            "key": result.key,
            "retry": result.retry,
            "seq": hub.seq,
        },
        told=hub.seq,
    )


Intent = Callable[[], ActionResult | Awaitable[ActionResult]]


def _intent(
    live: LiveShow,
    hub: EventHub,
    caller: Caller,
    action: str,
    comment: Comment | None,
    body: dict[str, Any],
    also: list[Comment],
) -> Intent | Answer:
    """What to call for `action` (its arguments checked), or why not. `also`: the rest of the
    comment's queue row (one question several viewers asked): answered, dismissed, replied to
    or brought on stage with it, as the console does."""
    ids = hub.ids
    text = body.get("text", "")
    if not isinstance(text, str):
        return refused(400, '"text" must be a string')
    if comment is not None:
        c = comment
        match action:
            case "answer":
                return lambda: live.answer(c, also=also)
            case "dismiss":
                return lambda: live.dismiss(c, also=also)
            case "stage":
                if body.get("alone", False) not in (True, False):
                    return refused(400, '"alone" must be true or false')
                # `"alone": true`: the comment's own author, not the rest of its row.
                row = [] if body.get("alone") else also
                return lambda: _naming(c.author, live.pull_on_stage(c, also=row))
            case "feature":
                return lambda: live.feature(c)
            case "pin":
                return lambda: live.pin(c, text)
            case "unpin":
                return lambda: live.unpin(c)
            case "reply":
                if not text.strip():
                    return refused(400, 'a reply needs "text"')
                return lambda: live.reply(c, text, also=also)
            case "moderate":
                return _moderation(live, c, body)
            case "end_stage":
                return lambda: _naming(c.author, live.end_stage(c.author))
    match action:
        case "stage_hand":
            hands = live.hands
            if not hands:
                return refused(409, "no raised hands to bring on stage")
            named = _named(body, hands, ids)
            if isinstance(named, Answer):
                return named
            if named is None and (moved := hub.moved_by_another("stage", caller.name)) is not None:
                return refused(409, _settling("the raised hands", *moved))
            guest = named or hands[0]
            return lambda: _naming(guest, live.pull_on_stage(author=guest))
        case "end_stage":
            named = _named(body, tuple(s.author for s in live.on_stage), ids)
            if isinstance(named, Answer):
                return named
            stage = live.on_stage
            if named is None and (moved := hub.moved_by_another("stage", caller.name)) is not None:
                return refused(409, _settling("who is on stage", *moved))
            ending = named or (stage[-1].author if stage else None)
            return lambda: _naming(ending, live.end_stage(named))
        case "unfeature":
            return lambda: live.unfeature()
        case "next_segment":
            if not (text or body.get("title")):  # the next planned one, or "Segment N"
                return lambda: live.next_segment()
            # A new segment named by the caller: its keywords are the ones given, or none.
            new = _title_and_keywords(
                text or body.get("title", ""),
                body,
                [],
                needs='next_segment needs "text": the new segment\'s title (or neither, for the '
                "next planned one)",
            )
            if isinstance(new, Answer):
                return new
            return lambda: live.next_segment(*new)
        case "topic":
            return _topic(live, text or body.get("title", ""), body)
        case "undo":
            return _undo(live, caller, body)
    return refused(400, f"{action} needs a comment_id")


async def _naming(guest: Author | None, pending: Awaitable[ActionResult]) -> ActionResult:
    """A stage action's answer led by whose appearance it was ("ben: stage end recorded; no
    Twitch connection to act through"), as the hosts' notice says it: a deck button does not
    say whom it brought on or took off otherwise. Not when the words say their name already."""
    result = await pending
    if guest is None or result.already or not result.message:
        return result  # "Nobody is on stage": stagehand's own refusal names nobody
    if guest.shown_name in result.message:
        return result
    lead, names = named_as(guest, ": ")
    return dataclasses.replace(
        result, message=lead + result.message, names=names + shifted(result.names, len(lead))
    )


def _topic(live: LiveShow, title: Any, body: dict[str, Any]) -> Intent | Answer:
    """The live segment's new title, and its keywords when given (kept when not)."""
    segment = live.current_segment
    edited = _title_and_keywords(
        title,
        body,
        list(segment.keywords) if segment else [],
        needs='topic needs "text": the segment\'s title',
    )
    if isinstance(edited, Answer):
        return edited
    return lambda: live.edit_topic(*edited)


def _title_and_keywords(
    title: Any, body: dict[str, Any], kept: list[str], *, needs: str
) -> tuple[str, list[str]] | Answer:
    """A segment's title, and its keywords when given (`kept` when not); `needs`: the refusal
    of a missing or blank title, naming the action it was for (`topic`, `next_segment`)."""
    if not isinstance(title, str) or not title.strip():
        return refused(400, needs)
    if "keywords" not in body:
        keywords = kept
    else:
        keywords = body["keywords"]
        if not isinstance(keywords, list) or not all(isinstance(k, str) for k in keywords):
            return refused(400, '"keywords" must be a list of strings')
    return title, keywords


def _named(
    body: dict[str, Any], people: tuple[Author, ...], ids: ScreenIds
) -> Author | Answer | None:
    """The person `author_id` (and `platform`) names among `people`; None when none is named.
    Someone anonymous is named by the pseudonym clients know them by (server/anonymous.py)."""
    author_id = body.get("author_id")
    if author_id is None:
        return None
    platform = body.get("platform")
    for person in people:
        named = str(author_id) in (person.id, ids.shown_id(person))
        if named and platform in (None, person.platform):
            return person
    return refused(409, f"{author_id!r} is not there any more (the show moved on)")


def _moderation(live: LiveShow, comment: Comment, body: dict[str, Any]) -> Intent | Answer:
    try:
        kind = ModerationKind(str(body.get("kind")))
    except ValueError:
        return refused(400, '"kind" must be one of delete, timeout, ban')
    duration = body.get("duration_seconds")
    if kind is ModerationKind.TIMEOUT:
        duration = 600 if duration is None else duration
        whole = isinstance(duration, int) and not isinstance(duration, bool)
        if not whole or not 1 <= duration <= 1_209_600:
            return refused(400, '"duration_seconds" must be a whole number from 1 to 1209600')
    return lambda: live.moderate(comment, kind, duration_seconds=duration)


def _undo(live: LiveShow, caller: Caller, body: dict[str, Any]) -> Intent | Answer:
    key = body.get("key")
    if key is None:
        return lambda: live.undo(mine=True)  # this token's own last action
    if not isinstance(key, str):
        return refused(400, '"key" must be the key of a host action')
    done = live.host_action(key)
    if done is None:
        return refused(404, f"no host action {key!r} in this show (or too old to undo)")
    if caller.role is not Role.HOST and done.actor != caller.name:
        return refused(403, f"a {caller.role.value} may undo only their own actions")
    return lambda: live.undo(key)


def _settling(what: str, actor: str, ago: float) -> str:
    """Why a button's `top` or `latest` did nothing: another screen just changed it."""
    return (
        f"nothing done: {what} changed {ago:.1f} s ago ({actor or 'the show'} acted): look "
        f"at it again, then press again (a button waits {SETTLING_SECONDS:g} s after another "
        "screen's action)"
    )


def _comment(
    live: LiveShow, hub: EventHub, body: dict[str, Any], caller: Caller
) -> Comment | Answer:
    comment_id = body.get("comment_id")
    platform = body.get("platform")
    if not isinstance(comment_id, str) or not comment_id:
        return refused(400, f'{body.get("action")} needs "comment_id" (or "top")')
    if platform is not None and not isinstance(platform, str):
        return refused(400, '"platform" must be a string')
    if comment_id == "top":
        ranked = hub.queue.ranked_queue()
        if not ranked:
            return refused(409, "the queue is empty")
        moved = hub.moved_by_another("queue", caller.name)
        if moved is not None:
            return refused(409, _settling("the queue's top", *moved))
        return ranked[0].comment
    found = _queued(hub, platform, comment_id) or live.find_comment(platform, comment_id)
    if found is None:
        return refused(404, f"no comment {comment_id!r} in this show's recent chat")
    why = hub.queue.removed.get((found.platform, found.id))
    if why is not None and body.get("action") in TAKES_OFF:
        return refused(409, f"{found.author.shown_name}'s comment was {why} already")
    return found


def _queued(hub: EventHub, platform: str | None, comment_id: str) -> Comment | None:
    """The queued comment with this id: the queue keeps its best rows however old they are,
    longer than the show remembers recent chat in a flood."""
    queue = hub.queue.queue
    if platform is not None:
        ranked = queue.get((platform, comment_id))
        return None if ranked is None else ranked.comment
    for (_, queued_id), ranked in queue.items():
        if queued_id == comment_id:
            return ranked.comment
    return None


def not_allowed(caller: Caller, action: str) -> str:
    """Why `caller`'s role may not take `action`, naming the role (an attached console says
    it before a dialog opens, `RemoteShow.refusal`)."""
    what = WORDS.get(action, action)
    if caller.role is Role.VIEWER:
        return f"{caller.name} has a viewer token: it may read the show, not {what}"
    return f"a {caller.role.value} may not {what}: that takes a host token"
