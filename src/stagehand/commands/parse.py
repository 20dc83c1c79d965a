"""Reading a chat command out of a comment: one parser for every platform.

The input is the comment's sanitized `clean_text`, so control characters, bidi overrides and
zalgo are already gone; here arguments are cut to length and split into their parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagehand.sanitize import clean

#: A command name: letters only, so "!!!" or "!1" never look like commands.
_NAME = re.compile(r"[a-z]{1,20}")
#: A Discord user mention as typed (`<@123>`, `<@!123>`): an id, which cannot be spoofed.
_USER_ID_MENTION = re.compile(r"<@!?(\d{1,25})>")
#: A user name as platforms give them (Twitch logins and Discord usernames are [a-z0-9_.],
#: YouTube handles letters of any script, digits, "_", "-" and "."): a letter, digit or "_"
#: first, so ".ban" or "/ban" is never one.
_HANDLE = re.compile(r"\w[\w.\-]{0,39}")


@dataclass(frozen=True, slots=True)
class ParsedCommand:
    """`name` in lower case without the prefix; `args` sanitized and cut to the limit."""

    name: str
    args: str


@dataclass(frozen=True, slots=True)
class Target:
    """Who a moderator named: by user id (a mention) or by user name (never a display name).
    Neither: a name no platform gives anyone (a display name with emoji, ".ban"): nobody."""

    user_id: str | None = None
    name: str | None = None


def parse_command(
    text: str, prefix: str, *, max_args: int, is_reply: bool = False
) -> ParsedCommand | None:
    """The command in `text`, or None when the text is not a command.

    A reply may start with the platform's automatic "@parent " mention (Twitch puts it in the
    text), so one leading @word is skipped on replies.
    """
    split = split_command(text, prefix, is_reply=is_reply)
    if split is None:
        return None
    name, rest = split
    return ParsedCommand(name, limit_argument(rest, max_args))


def split_command(text: str, prefix: str, *, is_reply: bool = False) -> tuple[str, str] | None:
    """(command name in lower case, the raw rest of the line), or None when it is no command.

    The cheap half of `parse_command` (nothing is sanitized or cut): the pipeline asks it of
    every comment to decide what the comment is (`stagehand.show.kinds`).
    """
    text = text.strip()
    if is_reply and text.startswith("@"):
        _, _, text = text.partition(" ")
        text = text.lstrip()
    if not text.startswith(prefix):
        return None
    head, _, rest = text[len(prefix) :].partition(" ")
    name = head.casefold()
    if not _NAME.fullmatch(name):
        return None
    return name, rest.strip()


def limit_argument(text: str, max_chars: int) -> str:
    """Sanitized and at most `max_chars` long (cut at the limit: a flood cannot grow a row)."""
    return clean(text[: max_chars * 2], max_chars=max_chars).strip()


def parse_target(args: str) -> Target | None:
    """The person named by `!stage @ana`, `!stage ana` or a Discord `<@123>` mention; None
    when nobody is named at all (`!stage @`)."""
    first = args.split(" ", 1)[0] if args else ""
    if mention := _USER_ID_MENTION.fullmatch(first):
        return Target(user_id=mention[1])
    handle = first.removeprefix("@")
    if not handle:
        return None
    if _HANDLE.fullmatch(handle):
        return Target(name=handle.casefold())
    return Target()


def parse_topic(
    args: str, *, max_keywords: int, max_keyword_chars: int = 40
) -> tuple[str, list[str] | None]:
    """`Title | kw1, kw2` -> ("Title", ["kw1", "kw2"]); keywords are None when no `|` is given."""
    title, bar, rest = args.partition("|")
    if not bar:
        return title.strip(), None
    keywords: list[str] = []
    for word in rest.split(","):
        word = clean(word, max_chars=max_keyword_chars).strip()
        if word and word.casefold() not in (k.casefold() for k in keywords):
            keywords.append(word)
    return title.strip(), keywords[:max_keywords]
