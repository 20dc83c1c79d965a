"""Reading a chat command out of a comment: one parser for every platform.

The input is the comment's sanitized `clean_text`, so control characters, bidi overrides and
zalgo are already gone; here arguments are cut to length for the log and split into their parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from stagehand.command_word import fold_command_word
from stagehand.naming import Place
from stagehand.sanitize import MAX_CHARS, TRUNCATION_MARKER, clean

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
    """`name` in lower case without the prefix; `args` sanitized and cut to the limit (what the
    log keeps); `text` the whole argument, sanitized (what the command reads: a long `!topic`
    keeps its keywords past the limit of the log's `args`)."""

    name: str
    args: str
    text: str


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
    return ParsedCommand(name, limit_argument(rest, max_args), clean(rest).strip())


def split_command(text: str, prefix: str, *, is_reply: bool = False) -> tuple[str, str] | None:
    """(command name in lower case, the raw rest of the line), or None when it is no command.

    The cheap half of `parse_command` (nothing is sanitized or cut): the pipeline asks it of
    every comment to decide what the comment is (`stagehand.show.kinds`).
    """
    text = text.strip()
    if is_reply and text.startswith("@"):
        _, _, text = text.partition(" ")
        text = text.lstrip()
    text = fold_command_word(text)  # `！hand` typed with an input method is `!hand`
    if not text.startswith(prefix):
        return None
    head, _, rest = text[len(prefix) :].partition(" ")
    name = head.casefold()
    if not _NAME.fullmatch(name):
        return None
    return name, rest.strip()


def target_places(text: str, prefix: str, *, is_reply: bool = False) -> tuple[Place, ...]:
    """Where a command line names the person it may act on (`!stage @ana`, `!unstage <@123>`,
    a reply's automatic "@ana " before `!stage`): the reply's leading @word and the first word
    after the command, as `parse_target` reads them. Recorded with the command, so the words
    stop naming that person when they opt out or are forgotten (`stagehand.naming`)."""
    places: list[Place] = []
    at = len(text) - len(text.lstrip())
    if is_reply and text.startswith("@", at):
        end = _word_end(text, at)
        places.append((at, end))
        at = len(text) - len(text[end:].lstrip())
    if not fold_command_word(text[at:]).startswith(prefix):
        return tuple(places)
    at = _word_end(text, at)  # past the command's name
    start = len(text) - len(text[at:].lstrip())
    if start < len(text):
        places.append((start, _word_end(text, start)))
    return tuple(places)


def _word_end(text: str, start: int) -> int:
    space = text.find(" ", start)
    return len(text) if space < 0 else space


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


#: What ends a topic's title: `|`, or the full-width `｜` a Japanese or Chinese input method types.
_TOPIC_BAR = re.compile("[|\uff5c]")
#: What separates a topic's keywords: `,` and the commas of other scripts and input methods:
#: full-width `，`, ideographic `、` (and its half-width and small forms), Arabic `،`.
_KEYWORD_SEPARATOR = re.compile("[,\uff0c\u3001\uff64\ufe50\ufe51\u060c]")


@dataclass(frozen=True, slots=True)
class Topic:
    """A moderator's `Title | kw1, kw2`: `keywords` None when no `|` was given; `left_out`
    says in words what was not taken ("2 keywords over 40 characters")."""

    title: str
    keywords: list[str] | None
    left_out: tuple[str, ...] = ()


def parse_topic(
    args: str,
    *,
    max_keywords: int,
    max_keyword_chars: int = 40,
    max_title_chars: int = 200,
    cut: bool = False,
) -> Topic:
    """`Title | kw1, kw2` -> Topic("Title", ["kw1", "kw2"]); `｜` is a bar and `、` `，` `،`
    are commas too (`麺の打ち方 ｜ 麺、小麦粉`).

    Nothing is cut inside a keyword (a cut one would be another word, matched as one): a
    keyword too long is left out, and so are those past `max_keywords`. A title too long ends
    at the last word that fits. `cut`: the chat line was longer than any is kept (`MAX_CHARS`,
    the comment is `truncated`), so its last word or keyword is not whole: left out too.
    `left_out` says what was: the moderator is told.
    """
    left_out: list[str] = []
    if cut:
        args = args.removesuffix(TRUNCATION_MARKER).rstrip()
        left_out.append(f"the end of the line after {MAX_CHARS} characters")
    title, bar, rest = _partition(args, _TOPIC_BAR)
    if cut:
        if bar:
            rest = _before_last(rest, _KEYWORD_SEPARATOR)
        else:
            title = title.rpartition(" ")[0] or title  # one word: cut to the title's limit
    title = clean(title).strip()
    if len(title) > max_title_chars:
        title = _cut_at_word(title, max_title_chars)
        left_out.append(f"the title after {max_title_chars} characters")
    if not bar:
        return Topic(title, None, tuple(left_out))
    keywords: list[str] = []
    too_long = 0
    for word in _KEYWORD_SEPARATOR.split(rest):
        word = clean(word).strip()
        if len(word) > max_keyword_chars:
            too_long += 1
        elif word and word.casefold() not in (k.casefold() for k in keywords):
            keywords.append(word)
    if too_long:
        left_out.append(f"{_keywords(too_long)} over {max_keyword_chars} characters")
    if len(keywords) > max_keywords:
        left_out.append(
            f"{_keywords(len(keywords) - max_keywords)} past the {max_keywords} allowed"
        )
    return Topic(title, keywords[:max_keywords], tuple(left_out))


def _partition(text: str, separator: re.Pattern[str]) -> tuple[str, str, str]:
    """`str.partition` at the first match of `separator`."""
    found = separator.search(text)
    if found is None:
        return text, "", ""
    return text[: found.start()], found[0], text[found.end() :]


def _before_last(text: str, separator: re.Pattern[str]) -> str:
    """`text` before the last match of `separator` ("" without one), as `str.rpartition`."""
    starts = [found.start() for found in separator.finditer(text)]
    return text[: starts[-1]] if starts else ""


def _cut_at_word(text: str, max_chars: int) -> str:
    """`text` cut to `max_chars`, at the end of a word when one ends in its second half."""
    cut = text[: max_chars + 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > max_chars // 2 else cut[:max_chars]).rstrip()


def _keywords(count: int) -> str:
    return f"{count} keyword{'s' if count != 1 else ''}"
