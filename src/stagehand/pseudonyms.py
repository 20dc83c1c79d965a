"""Pseudonyms for viewers who opted out: a keyed hash of their platform id, never the id itself.

After `!optout`, the database (and so every export and report) knows a viewer only as
"pseudonym:<HMAC-SHA256 of platform and user id>", which lets stagehand recognise them when they
come back (they stay anonymous, and count as the same returning viewer) without keeping who
they are.

The key lives in its own owner-only file beside the token file (`pseudonym.key` in the user's
config directory; `STAGEHAND_PSEUDONYM_KEY_FILE` moves it), never in the database: platform
user ids are small numbers, so a hash whose key sat next to it could be reversed by trying them
all. It is made the first time someone opts out. Without it (lost, or the database moved to
another machine) a returning viewer cannot be recognised: their new comments are kept like
anyone's until they opt out again, and `stagehand doctor` says so. The database records each
key's fingerprint (`pseudonym_keys`) so that case is noticed rather than silently wrong.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from stagehand.domain import AuthorKey

PREFIX = "pseudonym:"
KEY_FILE_NAME = "pseudonym.key"
_FINGERPRINT_INPUT = b"stagehand pseudonym key fingerprint"


class PseudonymKeyError(Exception):
    """The key file cannot be read or written; the message names it and the problem."""


def default_key_path() -> Path:
    env = os.environ.get("STAGEHAND_PSEUDONYM_KEY_FILE")
    if env:
        return Path(env).expanduser()
    from stagehand.tokens import default_token_path  # beside the token file, wherever it is

    return default_token_path().parent / KEY_FILE_NAME


def is_pseudonym(user_id: str) -> bool:
    return user_id.startswith(PREFIX)


@dataclass(frozen=True, slots=True)
class PseudonymKey:
    secret: bytes = field(repr=False)

    def pseudonym(self, platform: str, user_id: str) -> str:
        message = f"{platform}\0{user_id}".encode()
        return PREFIX + hmac.new(self.secret, message, hashlib.sha256).hexdigest()[:32]

    @property
    def fingerprint(self) -> str:
        """Names the key in the database without revealing it."""
        return hmac.new(self.secret, _FINGERPRINT_INPUT, hashlib.sha256).hexdigest()[:16]


class KeyFile:
    """The per-installation key: 32 random bytes, hex, in a file only its owner can read."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_key_path()

    def load(self) -> PseudonymKey | None:
        """The key, or None when there is none yet."""
        try:
            text = self.path.read_text(encoding="ascii").strip()
        except FileNotFoundError:
            return None
        except (OSError, UnicodeDecodeError) as exc:
            raise PseudonymKeyError(f"{self.path}: cannot read the pseudonym key ({exc})") from None
        try:
            secret = bytes.fromhex(text)
        except ValueError:
            secret = b""
        if len(secret) < 16:
            raise PseudonymKeyError(f"{self.path}: not a stagehand pseudonym key")
        return PseudonymKey(secret)

    def load_or_create(self) -> PseudonymKey:
        found = self.load()
        if found is not None:
            return found
        secret = secrets.token_bytes(32)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            # O_EXCL: two writers racing keep one key, never two.
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            return self.load() or PseudonymKey(secret)
        except OSError as exc:
            raise PseudonymKeyError(
                f"{self.path}: cannot create the pseudonym key ({exc.strerror})"
            ) from None
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secret.hex() + "\n")
        return PseudonymKey(secret)

    def permissions_ok(self) -> bool:
        try:
            return self.path.stat().st_mode & 0o077 == 0
        except FileNotFoundError:
            return True


#: Authors whose pseudonym `OptedOutViewers` remembers having worked out.
KNOWN_AUTHORS = 50_000


class OptedOutViewers:
    """Who opted out, for the chat commands: this run's keys, and earlier runs' pseudonyms.

    A set of `AuthorKey` as far as `in`, `add` and `discard` go; earlier opt-outs are only
    stored as pseudonyms, so a key is looked up by its pseudonym when the key file is there. A
    key that is such a pseudonym (how a resumed show holds them: on stage, a hand up) is in
    the set too, and `stored_as` tells a platform key's pseudonym.
    """

    def __init__(
        self,
        pseudonyms: Iterable[tuple[str, str]] = (),
        key: PseudonymKey | None = None,
        keys: Iterable[AuthorKey] = (),
    ) -> None:
        self._pseudonyms = set(pseudonyms)  # (platform, pseudonym)
        self._key = key
        self._keys = set(keys)
        self._opted_in: set[AuthorKey] = set()
        #: The earlier pseudonym of an author ("" when they have none), as worked out (a keyed
        #: hash: the show asks for every comment); bounded, the least recent forgotten first.
        self._known: OrderedDict[AuthorKey, str] = OrderedDict()

    @property
    def anyone(self) -> bool:
        """Whether anyone may be held opted out (False: `in` is False for every author). The
        show asks it of every comment before making the author's key to ask `in`."""
        return bool(self._keys or self._pseudonyms)

    def __contains__(self, author: object) -> bool:
        if not isinstance(author, AuthorKey):
            return False
        if author in self._keys:
            return True
        if not self._pseudonyms or author in self._opted_in:
            return False
        return (author.platform, author.id) in self._pseudonyms or self._earlier(author) != ""

    def stored_as(self, author: AuthorKey) -> AuthorKey | None:
        """The key the database keeps `author` by when they opted out in an earlier run (and
        not again in this one, nor opted in since): their pseudonym; None otherwise."""
        if author in self._keys or author in self._opted_in:
            return None
        pseudonym = self._earlier(author)
        return AuthorKey(author.platform, pseudonym) if pseudonym else None

    def _earlier(self, author: AuthorKey) -> str:
        if self._key is None or not self._pseudonyms or is_pseudonym(author.id):
            return ""
        known = self._known.get(author)
        if known is None:
            pseudonym = self._key.pseudonym(author.platform, author.id)
            known = pseudonym if (author.platform, pseudonym) in self._pseudonyms else ""
            self._known[author] = known
            if len(self._known) > KNOWN_AUTHORS:
                self._known.popitem(last=False)
        return known

    def add(self, author: AuthorKey) -> None:
        self._keys.add(author)
        self._opted_in.discard(author)

    def discard(self, author: AuthorKey) -> None:
        self._keys.discard(author)
        if is_pseudonym(author.id):
            # Known by their pseudonym (`!optin` from someone a resumed show holds so): it is
            # let go of (the store cuts it loose), so their platform key is not recognised.
            self._pseudonyms.discard((author.platform, author.id))
            for key in [k for k, p in self._known.items() if p == author.id]:
                self._known[key] = ""
            return
        self._opted_in.add(author)
