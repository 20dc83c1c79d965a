"""The top of every dialog about one comment: what is being done, to whom, and what they said."""

from __future__ import annotations

from collections.abc import Iterator

from textual.content import Content
from textual.widgets import Static

from stagehand.console.text import name_of, plain, platform_tag
from stagehand.domain import Comment


def quoted_comment(verb: str, comment: Comment) -> Iterator[Static]:
    """A title ("Reply to ana on TW") and the comment's text, both plain, never markup."""
    yield Static(
        Content.assemble(
            (f"{verb} ", "bold"),
            plain(name_of(comment.author), style="bold"),
            " on ",
            platform_tag(comment.platform),
        ),
        classes="dialog-title",
    )
    yield Static(plain(comment.shown_text, max_chars=400), classes="dialog-quote")
