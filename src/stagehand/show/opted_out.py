"""What the live show keeps of a viewer who opted out (`!optout`): no name and no text.

The database anonymizes them (store/recorder.py); every screen must too: the console, the show
server's API and events, the stream's overlay. So from the moment they opt out, the core
publishes each of their comments anonymized (still counted, and still stored, as an anonymous
comment), and takes what the screens hold of them already off (show/actions.py). A comment with
no text never enters the queue (show/queue.py), and the overlay refuses it (show/changes.py).

A resumed show reads the anonymous people it holds (on stage, a hand up, an appearance an undo
may give back) by the pseudonym the database keeps them by, never their platform id. When one of
them speaks again, their comments are published under that pseudonym too (`held_as`): one
person on every screen, whose `!hand` and `!lower` find their place and whose stage appearance
the hosts end, and no platform id anywhere it was not before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

from stagehand.domain import OPTED_OUT_NAME, Author, AuthorKey, RankedComment, Role
from stagehand.pseudonyms import OptedOutViewers, is_pseudonym

__all__ = ["OPTED_OUT_NAME", "HeldByPseudonym", "anonymized", "with_text_of"]


class HeldByPseudonym:
    """The anonymous people a resumed show holds by their stored pseudonym (see the module
    docstring), and which of them a comment's author is."""

    def __init__(self, opted_out: OptedOutViewers, held: Iterable[AuthorKey] = ()) -> None:
        self._opted_out = opted_out
        self._held = frozenset(key for key in held if is_pseudonym(key.id))

    def held_as(self, author: AuthorKey) -> AuthorKey | None:
        """The pseudonym the show holds `author` by, if it holds them so."""
        if not self._held:
            return None
        stored = self._opted_out.stored_as(author)
        return stored if stored in self._held else None


def anonymized(ranked: RankedComment, held_as: AuthorKey | None = None) -> RankedComment:
    """The comment as screens may see it: its author's key only (the show still counts them),
    or `held_as`, the pseudonym a resumed show holds them by; no name, no text, no attachments.
    What it replied to stays: another comment's id, counted in the metrics (viewers replying to
    viewers), none of theirs."""
    comment = ranked.comment
    author = comment.author
    user_id = held_as.id if held_as is not None else author.id
    anonymous = Author(author.platform, user_id, "", OPTED_OUT_NAME, anonymous=True)
    return dataclasses.replace(
        ranked,
        comment=dataclasses.replace(
            comment, author=anonymous, text="", clean_text="", attachments=()
        ),
    )


def with_text_of(
    ranked: RankedComment, shown: RankedComment, hosts: frozenset[tuple[str, str]] = frozenset()
) -> RankedComment:
    """`shown` (anonymized) with `ranked`'s text and roles back: what the chat commands read of
    a viewer who opted out (their commands work, under no name). Opting out hides a moderator's
    name, not their role: a moderator, or a `[show] hosts` account (`hosts`: (platform,
    casefolded user name), matched on the name they have, which `shown` no longer holds),
    still steers the show, as `host`."""
    comment = ranked.comment
    author = comment.author
    roles = author.roles
    if (author.platform.casefold(), author.name.casefold()) in hosts:
        roles |= {Role.HOST}
    return dataclasses.replace(
        shown,
        comment=dataclasses.replace(
            shown.comment,
            author=dataclasses.replace(shown.comment.author, roles=roles),
            text=comment.text,
            clean_text=comment.clean_text,
        ),
    )
