"""The ids the show server's clients are given for people, and for anonymous people a pseudonym.

Someone who opted out or asked to be forgotten (`Author.anonymous`) is never given to a client by
platform id, whatever its token's role: every client knows them by a pseudonym, a keyed hash of
their platform id (`pseudonyms.PseudonymKey`) with a key made for this server run only. A client
can tell one anonymous person from another (their raised hand, their time on stage, their lines)
and act on them (`stage_hand` and `end_stage` take the pseudonym as `author_id`), but cannot name
them, nor follow them into another show, the database's own pseudonyms or an export.

That is all an attached console needs, a host's or a producer's too: the show acts on the people
it holds (a moderation names the comment, a stage end the pseudonym), so the platform id of an
anonymous person would only let a console do what it must not: name them again.

An author carries the fact (encoded by `wire.encode`). An event that names only a key (opted out,
forgotten, banned, restored; a host action's author id; whom a notice names) gets the key this
stream last showed the
person under: the pseudonym while their comments arrive anonymous (or, for a resumed show's
guests and raised hands, while the snapshot shows them so), the platform id while they are
shown by name. So the first `AuthorOptedOut` of someone shown by name carries the platform id
their `!optout` line, just before it, carried by name (it tells nothing more), and every screen
lets go of their named lines by it; someone anonymous already is let go of by pseudonym.
"""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Iterable

from stagehand.domain import Author, AuthorKey
from stagehand.events import (
    AuthorForgotten,
    AuthorOptedIn,
    AuthorOptedOut,
    AuthorRemoved,
    AuthorRestored,
    CommandHandled,
    CommentRanked,
    CoreEvent,
    HostActionLogged,
    Notice,
)
from stagehand.naming import Namings
from stagehand.pseudonyms import PseudonymKey

#: Events that name a person by key only.
KEYED = (AuthorOptedOut, AuthorOptedIn, AuthorForgotten, AuthorRemoved, AuthorRestored)


class ScreenIds:
    """The ids one server run gives its clients (see the module docstring)."""

    def __init__(self) -> None:
        self._key = PseudonymKey(secrets.token_bytes(32))
        #: Who this stream last showed anonymously (by their platform key).
        self._anonymous: set[AuthorKey] = set()

    def shown(self, authors: Iterable[Author]) -> None:
        """`authors` are on screens already (a resumed show's guests and raised hands, which no
        event showed this run): those anonymous are known by their pseudonym from now on."""
        self._anonymous.update(author.key for author in authors if author.anonymous)

    def pseudonym(self, platform: str, user_id: str) -> str:
        return self._key.pseudonym(platform, user_id)

    def shown_id(self, author: Author) -> str:
        """The id clients know `author` by: a pseudonym for someone anonymous."""
        return self.pseudonym(author.platform, author.id) if author.anonymous else author.id

    def for_screens(self, event: CoreEvent) -> CoreEvent:
        """`event` as clients are given it: a key of someone anonymous is their pseudonym (their
        authors are encoded so by `wire.encode`). Called once per event, in order: who is
        anonymous now is noted from it."""
        shown = event
        if isinstance(event, KEYED) and event.author in self._anonymous:
            platform, user_id = event.author.platform, event.author.id
            pseudonymous = AuthorKey(platform, self.pseudonym(platform, user_id))
            shown = dataclasses.replace(event, author=pseudonymous)
        elif isinstance(event, Notice | CommandHandled) and self._anonymous:
            shown = self._named_for_screens(event)
        elif isinstance(event, HostActionLogged) and self._anonymous:
            action = event.action
            on, whose = action.platform, action.author_id
            if on and whose and AuthorKey(on, whose) in self._anonymous:
                action = dataclasses.replace(action, author_id=self.pseudonym(on, whose))
            shown = dataclasses.replace(
                event, action=action, outcome_names=self._shown_names(event.outcome_names)
            )
        self._note(event)
        return shown

    def _named_for_screens(self, event: Notice | CommandHandled) -> Notice | CommandHandled:
        """Whom a notice names (`stagehand.naming`), by the key this stream shows them under."""
        names = self._shown_names(event.names)
        if isinstance(event, Notice) and event.actor_is is not None:
            return dataclasses.replace(event, names=names, actor_is=self._shown_key(event.actor_is))
        if isinstance(event, CommandHandled):
            return dataclasses.replace(
                event,
                names=names,
                args_names=self._shown_names(event.args_names),
                line_names=self._shown_names(event.line_names),
                answer_names=self._shown_names(event.answer_names),
            )
        return dataclasses.replace(event, names=names)

    def _shown_names(self, names: Namings) -> Namings:
        return tuple(dataclasses.replace(n, author=self._shown_key(n.author)) for n in names)

    def _shown_key(self, key: AuthorKey) -> AuthorKey:
        if key not in self._anonymous:
            return key
        return AuthorKey(key.platform, self.pseudonym(key.platform, key.id))

    def _note(self, event: CoreEvent) -> None:
        if isinstance(event, CommentRanked):
            author = event.ranked.comment.author
            if author.anonymous:
                self._anonymous.add(author.key)
            elif self._anonymous:  # named again (opted in, or back after being forgotten)
                self._anonymous.discard(author.key)
        elif isinstance(event, AuthorOptedOut | AuthorForgotten):
            self._anonymous.add(event.author)
        elif isinstance(event, AuthorOptedIn):
            self._anonymous.discard(event.author)
