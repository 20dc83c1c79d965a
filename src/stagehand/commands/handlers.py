"""What each command does. Every handler acts for the comment's author only, through `LiveShow`.

A handler returns `Done(outcome, answer)` at once, or an awaitable of it when it waits for a
platform (`!stage`, `!unstage`); the router runs those one at a time, in the order they came. Outcomes start with "ok:", "ignored:", "refused:" or "failed:"
(the console and the `commands` table show them as they are); `answer` is what the bot says in
chat, if anything.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from stagehand.commands.parse import Target, parse_target, parse_topic
from stagehand.commands.specs import help_text
from stagehand.domain import Author, AuthorKey, Comment, RankedComment, Segment
from stagehand.platform import ActionResult
from stagehand.store.ops import StoreOptOut

if TYPE_CHECKING:
    from stagehand.commands.router import CommandRouter


@dataclass(frozen=True, slots=True)
class Done:
    outcome: str
    answer: str | None = None


@dataclass(frozen=True, slots=True)
class Call:
    router: CommandRouter
    ranked: RankedComment
    args: str
    moderator: bool
    now: float

    @property
    def comment(self) -> Comment:
        return self.ranked.comment

    @property
    def author(self) -> Author:
        return self.ranked.comment.author

    @property
    def prefix(self) -> str:
        return self.router.settings.prefix


Handler = Callable[[Call], Done | Awaitable[Done]]


# -- audience ---------------------------------------------------------------------------------


def ask(call: Call) -> Done:
    # The pipeline already made the comment a question (flag "ask"): nothing to send.
    if not call.args:
        return Done("ignored: no question after the command")
    if not call.ranked.kind.may_queue:  # the hosts' and moderators' lines stay in raw chat
        return Done(f"ok: a question from {call.ranked.kind.value} (raw chat, not the queue)")
    return Done("ok: in the queue as a question")


def hand(call: Call) -> Done:
    live = call.router.live
    key = call.author.key
    if key in live.stage:
        return Done("ignored: already on stage")
    if key in live.hands:
        return Done(f"ignored: hand already raised, #{_place(live.hands, key)} in the queue")
    live.raise_hand(call.author)
    place = _place(live.hands, key)
    answer = f"Hand raised: you are #{place} in the queue." if _confirm(call) else None
    return Done(f"ok: hand raised, #{place} in the queue", answer)


def lower(call: Call) -> Done:
    live = call.router.live
    if call.author.key not in live.hands:
        return Done("ignored: no hand raised")
    live.lower_hand(call.author)
    return Done("ok: hand lowered", "Hand lowered." if _confirm(call) else None)


def topic(call: Call) -> Done:
    if call.args and call.moderator:
        return _set_topic(call)
    # A viewer's "!topic what is it?" is a question about the topic, not an attempt to set it.
    ignored = " (text ignored: setting the topic is for moderators)" if call.args else ""
    segment = call.router.live.current_segment
    if segment is None:
        return Done(f"ok: no topic yet{ignored}", "No topic is set yet.")
    return Done(f"ok: told the topic{ignored}", f"Now on the show: {_describe(segment)}")


def optout(call: Call) -> Done:
    router = call.router
    router.live.writer.put(StoreOptOut(call.author.key, True))
    router.opted_out.add(call.author.key)
    return Done(
        "ok: opted out",
        "Done: from now on your name and messages are not kept (they are still counted, "
        f"anonymously). {call.prefix}optin undoes it.",
    )


def optin(call: Call) -> Done:
    router = call.router
    router.live.writer.put(StoreOptOut(call.author.key, False))
    router.opted_out.discard(call.author.key)
    return Done("ok: opted in", "Done: your name and messages are kept again from now on.")


def forget(call: Call) -> Done:
    router = call.router
    key = call.author.key
    window = router.settings.forget_confirm_seconds
    asked_at = router.forget_requests.get(key)
    if call.args.casefold() == "confirm" and asked_at is not None and call.now - asked_at <= window:
        del router.forget_requests[key]
        router.live.forget(call.author)
        router.chatters.forget(key)
        return Done(
            "ok: forgotten",
            "Done: your name and messages stored by this show are deleted. "
            f"{call.prefix}optout stops keeping new ones.",
        )
    if len(router.forget_requests) > 10_000:  # unconfirmed requests expire; drop them
        expired = [k for k, t in router.forget_requests.items() if call.now - t > window]
        for stale in expired:
            del router.forget_requests[stale]
    router.forget_requests[key] = call.now
    return Done(
        "ok: asked to confirm",
        "This deletes your name and messages stored by this show. To go ahead, type "
        f"{call.prefix}forget confirm within {window:.0f} s.",
    )


def help_(call: Call) -> Done:
    return Done("ok: sent the command list", help_text(call.prefix, moderator=call.moderator))


# -- moderators -------------------------------------------------------------------------------


def stage(call: Call) -> Done | Awaitable[Done]:
    comment = call.comment
    live = call.router.live
    if call.args:
        target = parse_target(call.args)
        if target is None:
            return _usage(call, "stage @username")
        found = _find_chatter(call, target)
        if found is None:
            who = f"@{target.name}" if target.name else "that person"
            return Done(
                f"failed: no recent comment from {who} on {comment.platform}",
                f"I can't find a recent comment from {who} here (I look for user names, not display names).",
            )
    elif comment.reply_to is not None:
        found = live.find_comment(comment.platform, comment.reply_to)
        if found is None:
            return Done(
                "failed: the comment replied to is not in memory", "I can't find that comment."
            )
    else:
        return _usage(call, "stage @username (or reply to their message with !stage)")
    return _staged(call, found)


async def _staged(call: Call, target: Comment) -> Done:
    result = await call.router.live.pull_on_stage(target, author=target.author)
    who = f"@{target.author.name}"
    return _from_result(result, who, f"Invited {who} on stage.", f"Could not bring {who} on stage")


async def unstage(call: Call) -> Done:
    # Decided when its turn comes (after any !stage before it), not when it arrived.
    live = call.router.live
    if not live.stage:
        return Done("ignored: nobody is on stage", "Nobody is on stage.")
    author: Author | None = None
    if call.args:
        target = parse_target(call.args)
        if target is None:
            return _usage(call, "unstage @username")
        author = _on_stage(call, target)
        if author is None:
            return Done("failed: not on stage", f"{call.args.split(' ', 1)[0]} is not on stage.")
    elif call.comment.reply_to is not None:
        replied = live.find_comment(call.comment.platform, call.comment.reply_to)
        if replied is not None and replied.author.key in live.stage:
            author = replied.author
    who = author or list(live.stage.values())[-1].author
    result = await live.end_stage(who)
    name = f"@{who.name}"
    return _from_result(result, name, f"{name} is off stage.", f"Could not end {name}'s appearance")


def segment(call: Call) -> Done:
    title, keywords = parse_topic(call.args, max_keywords=call.router.settings.max_keywords)
    if not title:
        return _usage(call, "segment Title | keyword, keyword")
    started = call.router.live.start_segment(title, keywords or ())
    return Done(
        f"ok: segment {started.position} started: {started.title}",
        f"Segment {started.position}: {_describe(started)}",
    )


def _set_topic(call: Call) -> Done:
    live = call.router.live
    title, keywords = parse_topic(call.args, max_keywords=call.router.settings.max_keywords)
    current = live.current_segment
    if keywords is None:  # "!topic New title" keeps the keywords
        keywords = list(current.keywords) if current else []
    if not title and current is not None:
        title = current.title
    if not title:
        return _usage(call, "topic Title | keyword, keyword")
    changed = live.set_topic(title, keywords)
    return Done(f"ok: topic set: {_describe(changed)}", f"Topic: {_describe(changed)}")


# -- helpers ----------------------------------------------------------------------------------


def _find_chatter(call: Call, target: Target) -> Comment | None:
    chatters = call.router.chatters
    platform = call.comment.platform
    if target.user_id is not None:
        return chatters.by_id(platform, target.user_id)
    assert target.name is not None
    return chatters.by_name(platform, target.name)


def _on_stage(call: Call, target: Target) -> Author | None:
    """The named guest: on the moderator's platform first, then on any (one show, one stage)."""
    sessions = list(call.router.live.stage.values())
    platform = call.comment.platform
    sessions.sort(key=lambda session: session.author.platform != platform)
    for session in sessions:
        guest = session.author
        if target.user_id is not None and guest.platform == platform and guest.id == target.user_id:
            return guest
        if target.name is not None and guest.name.casefold() == target.name:
            return guest
    return None


def _from_result(result: ActionResult, who: str, done: str, failed: str) -> Done:
    """The platform's own words go to the log; the moderator reads a short sentence."""
    if result.ok:
        return Done(f"ok: {who}: {result.message}", done)
    return Done(f"failed: {who}: {result.message}", f"{failed}: {result.message}")


def _usage(call: Call, usage: str) -> Done:
    return Done("failed: usage", f"Usage: {call.prefix}{usage}")


def _confirm(call: Call) -> bool:
    return call.router.settings.confirm_hands


def _place(hands: Mapping[AuthorKey, Author], key: AuthorKey) -> int:
    return list(hands).index(key) + 1


def _describe(segment: Segment) -> str:
    keywords = f" ({', '.join(segment.keywords)})" if segment.keywords else ""
    return f"{segment.title}{keywords}"


HANDLERS: dict[str, Handler] = {
    "ask": ask,
    "hand": hand,
    "lower": lower,
    "topic": topic,
    "optout": optout,
    "optin": optin,
    "forget": forget,
    "help": help_,
    "stage": stage,
    "unstage": unstage,
    "segment": segment,
}
