"""A reply sent to several platforms at once (a queue row asked on Twitch, Discord and YouTube)
can reach some and not others: what the host is told, and what sending it again does.

The notice leads with what reached chat and what did not ("Reached Discord and YouTube chat;
Twitch failed: ..."). Sending the same text to the same comment again within `RESEND_SECONDS`
goes only to the platforms it did not reach: a reply in chat cannot be taken back, and viewers
who read it once must not read it twice. This is the design of Twitch's split messages
(adapters/twitch/outbox.py), one level up: per platform, from the host-action log's reply rows.
A show killed and run again remembers them from the database: its stored reply rows, with
whether each reached chat (`only_recorded` of its outcome), are put back in its `ActionHistory`
as it resumes (show/resume_history.py), so a retry after a restart skips the same platforms.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from stagehand.domain import Comment, HostActionKind
from stagehand.naming import Naming, Namings, joined, named
from stagehand.platform import ActionResult
from stagehand.show.history import ActionHistory
from stagehand.show.platforms import platform_name

#: How long a reply that reached a platform's chat is not sent there again with the same text.
RESEND_SECONDS = 600.0


def reached_already(history: ActionHistory, comment: Comment, text: str, now: datetime) -> bool:
    """Whether `text` went out as a reply to `comment` (in its chat) in the last
    `RESEND_SECONDS`, and was not only recorded."""
    since = now - timedelta(seconds=RESEND_SECONDS)
    for done in history.newest_first():
        action = done.action
        if action.ts < since:
            return False
        if (
            action.kind is HostActionKind.REPLY
            and (action.platform, action.comment_id) == (comment.platform, comment.id)
            and action.text == text
            and action.outcome.startswith("ok")
            and done.reached_chat
        ):
            return True
    return False


def chats(platforms: Sequence[str]) -> str:
    """ "Twitch chat", "Discord and YouTube chat", "Twitch, Discord and YouTube chat"."""
    shown = [platform_name(p) for p in platforms]
    if len(shown) == 1:
        return f"{shown[0]} chat"
    return f"{', '.join(shown[:-1])} and {shown[-1]} chat"


def spread(results: Sequence[tuple[str, ActionResult]], already: Sequence[str]) -> ActionResult:
    """What a reply sent through several platforms came to, led by what reached chat: "Reached
    Discord and YouTube chat; Twitch failed: ..." (and a hint: sending it again posts only to
    Twitch); "Reached Twitch chat; already reached Discord and YouTube chat, not sent there
    again". `already`: the platforms skipped as reached before (`reached_already`)."""
    reached = [p for p, r in results if r.ok and r.acted]
    failed = [(p, r) for p, r in results if not r.ok]
    parts: list[tuple[str, Namings]] = []
    if reached:
        parts.append(named(f"reached {chats(reached)}"))
    if already:
        parts.append(named(f"already reached {chats(already)}, not sent there again"))
    parts += [(r.message, r.names) for _, r in results if r.ok and not r.acted]
    for platform, result in failed:
        parts.append(named(f"{platform_name(platform)} failed: ", _why(platform, result)))
    text, names = joined(parts, "; ")
    text = text[:1].upper() + text[1:]
    hint = ""
    if failed and (reached or already):
        hint = f"sending the same text again posts only to {chats([p for p, _ in failed])}"
    return ActionResult(
        not failed,
        text,
        hint,
        acted=bool(reached),
        names=names,
        retry=any(r.retry for _, r in failed),
    )


def _why(platform: str, result: ActionResult) -> tuple[str, Namings]:
    """A platform's words on why it failed, without its own lead ("Twitch chat: ", "twitch: ")
    now that the notice names the platform."""
    said = result.for_host
    for lead in (f"{platform_name(platform)} chat: ", f"{platform}: "):
        if said.startswith(lead):
            cut = len(lead)
            names = tuple(
                Naming(n.author, max(0, n.start - cut), n.end - cut)
                for n in result.names
                if n.end > cut
            )
            return said[cut:], names
    return said, result.names
