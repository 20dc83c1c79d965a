"""The top of every dialog about one comment: what is being done, to whom, and what they said."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from textual.content import Content
from textual.widgets import Static

from stagehand.console.names import StaffNames, name_of
from stagehand.console.state import WHY_LEFT
from stagehand.console.text import plain, platform_tag
from stagehand.domain import AuthorKey, Comment


def quoted_comment(
    verb: str,
    comment: Comment,
    *,
    staff: StaffNames | None,
    others: int = 0,
    platforms: Sequence[str] = (),
) -> Iterator[Static]:
    """A title ("Reply to ana on TW"; "Reply to ana and 30 others on TW, DC" for a row that
    stands for `others` more viewers, on `platforms`) and the comment's text, both plain."""
    more = f" and {others} other{'s' if others > 1 else ''}" if others else ""
    tags: list[Content] = []
    for platform in dict.fromkeys([comment.platform, *platforms]):
        tags += [Content(", "), platform_tag(platform)] if tags else [platform_tag(platform)]
    yield Static(
        Content.assemble(
            (f"{verb} ", "bold"),
            plain(name_of(comment.author, staff=staff), style="bold"),
            (more, "bold $text-warning"),
            " on ",
            *tags,
        ),
        classes="dialog-title",
    )
    yield Static(plain(comment.shown_text, max_chars=400), classes="dialog-quote")


def closed_for(what: str, comment: Comment, left: Mapping[AuthorKey, str]) -> str | None:
    """Why the dialog about `comment` closes when its author is among `left` ("The reply to
    that viewer was closed: they asked to be forgotten"), with no name and no text."""
    why = left.get(comment.author.key)
    if why is None:
        return None
    return f"The {what} was closed: {WHY_LEFT.get(why, why)}"
