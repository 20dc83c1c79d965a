"""Who is who: moderators, and the recent chatters a moderator can name in `!stage @name`.

Names are matched on the platform's user name (Twitch login, Discord username), which the
platform keeps unique, and never on the display name, which anyone can set to anything: a
viewer who calls themselves "Ana" must not be pulled on stage when a moderator means @ana.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections import OrderedDict
from collections.abc import Iterable

from stagehand.domain import Author, AuthorKey, Comment, host_account


def host_accounts(hosts: Iterable[str]) -> frozenset[tuple[str, str]]:
    """`[show] hosts` entries ("twitch:cohost") as (platform, casefolded user name) pairs."""
    return frozenset(account for entry in hosts if (account := host_account(entry)) is not None)


def may_steer(author: Author, hosts: frozenset[tuple[str, str]]) -> bool:
    """Broadcasters, hosts and moderators (by the platform's roles) or a configured host account."""
    return author.can_steer or (author.platform.casefold(), author.name.casefold()) in hosts


#: Guests who left their name on stage (`!optout`, `!forget confirm`) whose name is still matched.
_GUESTS_KEPT = 1_000


class RecentChatters:
    """The latest comment of each recent chatter, findable by user name or user id per platform.

    A guest who opts out or is forgotten on stage is still found by the name the moderators
    knew (`!unstage @ana` ends the appearance the console shows): by a keyed hash of it, the
    key made afresh each run and never stored, so the name itself is kept nowhere."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._by_key: OrderedDict[AuthorKey, Comment] = OrderedDict()
        self._by_name: dict[tuple[str, str], AuthorKey] = {}
        self._secret = secrets.token_bytes(32)
        self._guests: OrderedDict[bytes, AuthorKey] = OrderedDict()

    def _hashed(self, platform: str, name: str) -> bytes:
        message = f"{platform}\0{name.casefold()}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).digest()

    def keep_guest_name(self, author: Author) -> None:
        """`author`, on stage, leaves their name: `guest_named` still knows them by it."""
        if author.name:
            hashed = self._hashed(author.platform, author.name)
            self._guests.pop(hashed, None)
            self._guests[hashed] = author.key
            while len(self._guests) > _GUESTS_KEPT:
                self._guests.popitem(last=False)

    def guest_named(self, platform: str, name: str) -> AuthorKey | None:
        """Whom `keep_guest_name` knew by `name` on `platform`."""
        return self._guests.get(self._hashed(platform, name)) if self._guests else None

    def __len__(self) -> int:
        return len(self._by_key)

    def saw(self, comment: Comment) -> None:
        key = comment.author.key
        previous = self._by_key.pop(key, None)
        if previous is not None:
            self._drop_name(previous.author)
        self._by_key[key] = comment
        self._by_name[(key.platform, comment.author.name.casefold())] = key
        while len(self._by_key) > self.size:
            _, oldest = self._by_key.popitem(last=False)
            self._drop_name(oldest.author)

    def _drop_name(self, author: Author) -> None:
        name_key = (author.platform, author.name.casefold())
        if self._by_name.get(name_key) == author.key:
            del self._by_name[name_key]

    def by_name(self, platform: str, name: str) -> Comment | None:
        key = self._by_name.get((platform, name.casefold()))
        return self._by_key.get(key) if key is not None else None

    def by_id(self, platform: str, user_id: str) -> Comment | None:
        return self._by_key.get(AuthorKey(platform, user_id))

    def forget(self, key: AuthorKey) -> None:
        """Drop an author who asked to be forgotten."""
        comment = self._by_key.pop(key, None)
        if comment is not None:
            self._drop_name(comment.author)


class ForgetRequests:
    """Who asked `!forget` and when: `!forget confirm` within `window` seconds goes ahead."""

    #: Unconfirmed requests kept before the expired ones are dropped.
    LIMIT = 10_000

    def __init__(self, window: float) -> None:
        self.window = window
        self._asked: dict[AuthorKey, float] = {}

    def ask(self, key: AuthorKey, now: float) -> None:
        if len(self._asked) > self.LIMIT:
            for stale in [k for k, t in self._asked.items() if now - t > self.window]:
                del self._asked[stale]
        self._asked[key] = now

    def confirm(self, key: AuthorKey, now: float) -> bool:
        """True (and the request is done with) if `key` asked within the window."""
        asked_at = self._asked.get(key)
        if asked_at is None or now - asked_at > self.window:
            return False
        del self._asked[key]
        return True
