"""Read raw Twitch IRC (IRCv3-tagged) chat captures into domain comments.

Captures of real chat (from chat loggers or the recent-messages API) are the best test and
benchmark input there is: this turns their PRIVMSG lines into the same `Comment` values the
live adapters produce. Other commands (CLEARCHAT, USERNOTICE, ...) are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from stagehand.domain import Author, Comment, Role

_TAG_ESCAPES = {":": ";", "s": " ", "\\": "\\", "r": "\r", "n": "\n"}


@dataclass(frozen=True, slots=True)
class IrcLine:
    tags: dict[str, str]
    source: str | None
    command: str
    params: list[str]


def unescape_tag_value(value: str) -> str:
    """IRCv3 message-tag value unescaping (`\\s` is a space, `\\:` a semicolon, ...)."""
    out: list[str] = []
    chars = iter(value)
    for char in chars:
        if char != "\\":
            out.append(char)
            continue
        following = next(chars, "")
        out.append(_TAG_ESCAPES.get(following, following))
    return "".join(out)


def parse_line(line: str) -> IrcLine | None:
    """Split one raw IRC line into tags, source, command and params; None if it is empty."""
    line = line.rstrip("\r\n")
    tags: dict[str, str] = {}
    if line.startswith("@"):
        raw_tags, _, line = line[1:].partition(" ")
        for item in raw_tags.split(";"):
            if not item:
                continue
            key, _, value = item.partition("=")
            tags[key] = unescape_tag_value(value)
    line = line.lstrip(" ")
    source = None
    if line.startswith(":"):
        source, _, line = line[1:].partition(" ")
    line = line.lstrip(" ")
    if not line:
        return None
    trailing = None
    if " :" in line:
        line, trailing = line.split(" :", 1)
    parts = line.split()
    if not parts:
        return None
    params = parts[1:]
    if trailing is not None:
        params.append(trailing)
    return IrcLine(tags, source, parts[0].upper(), params)


def roles_from_badges(badges: str, tags: dict[str, str]) -> frozenset[str]:
    names = {badge.split("/", 1)[0] for badge in badges.split(",") if badge}
    roles: set[str] = set()
    if "broadcaster" in names:
        roles.add(Role.BROADCASTER)
    if "moderator" in names or tags.get("mod") == "1":
        roles.add(Role.MODERATOR)
    if "vip" in names:
        roles.add(Role.VIP)
    if {"subscriber", "founder"} & names or tags.get("subscriber") == "1":
        roles.add(Role.SUBSCRIBER)
    return frozenset(roles)


def comment_from_line(parsed: IrcLine) -> Comment | None:
    """A PRIVMSG as a domain comment; None for anything else or a line missing its essentials."""
    if parsed.command != "PRIVMSG" or len(parsed.params) < 2:
        return None
    tags = parsed.tags
    login = (parsed.source or "").split("!", 1)[0]
    message_id = tags.get("id")
    sent = tags.get("tmi-sent-ts")
    if not login or not message_id or not sent or not sent.isdigit():
        return None
    text = parsed.params[1]
    if text.startswith("\x01ACTION ") and text.endswith("\x01"):
        text = text[8:-1]  # /me
    author = Author(
        platform="twitch",
        id=tags.get("user-id") or login,
        name=login,
        display_name=tags.get("display-name") or login,
        roles=roles_from_badges(tags.get("badges", ""), tags),
    )
    return Comment(
        id=message_id,
        platform="twitch",
        channel=parsed.params[0].lstrip("#"),
        author=author,
        text=text,
        ts=datetime.fromtimestamp(int(sent) / 1000, UTC),
        reply_to=tags.get("reply-parent-msg-id") or None,
        first_message=tags.get("first-msg") == "1",
    )


def read_comments(lines: Iterable[str]) -> Iterator[Comment]:
    """The chat comments in an iterable of raw IRC lines, skipping everything else."""
    for line in lines:
        parsed = parse_line(line)
        if parsed is None:
            continue
        comment = comment_from_line(parsed)
        if comment is not None:
            yield comment
