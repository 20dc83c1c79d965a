"""Who may use a show server, and what each may do: named tokens with roles.

`stagehand token create --name alice --role producer` prints a token once; only its SHA-256 is
kept, in an owner-only file in the user's config directory (`server-tokens.json`, or
`$STAGEHAND_ACCESS_FILE`). A token is 32 random bytes, so a plain hash is enough to make
the file useless to whoever reads it. Revoking marks the entry; a running show reads the file
again when it changes, so a revoked token stops working at once. `[server] token` (or
`STAGEHAND_SERVER_TOKEN`) is one more host token, named `script`, for Stream Deck buttons.

Roles (docs/server.md):
- `host`: everything.
- `producer`: screening for the hosts: dismiss, feature and unfeature, pin and unpin, reply,
  and undo their own actions; no answering on air, stage, moderation or segment changes.
- `viewer`: reads the state and the events; changes nothing.
"""

from __future__ import annotations

import getpass
import hashlib
import hmac
import json
import os
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from stagehand.config import user_config_dir
from stagehand.domain import THIS_CONSOLE
from stagehand.platform import DoctorCheck

#: How a generated token starts (so a leaked one is recognisable in a secret scanner).
TOKEN_PREFIX = "shs_"
#: The name `[server] token` acts under.
CONFIG_TOKEN_NAME = "script"
#: What a token's name may be: it is shown in reports ("answered by alice").
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")


class Role(StrEnum):
    HOST = "host"
    PRODUCER = "producer"
    VIEWER = "viewer"


#: The API actions (`POST /api/actions`) each role may take.
ALLOWED: dict[Role, frozenset[str]] = {
    Role.HOST: frozenset(
        {
            "answer",
            "dismiss",
            "stage",
            "stage_hand",
            "end_stage",
            "feature",
            "unfeature",
            "pin",
            "unpin",
            "reply",
            "moderate",
            "next_segment",
            "topic",
            "undo",
        }
    ),
    Role.PRODUCER: frozenset({"dismiss", "feature", "unfeature", "pin", "unpin", "reply", "undo"}),
    Role.VIEWER: frozenset(),
}


def may(role: Role, action: str) -> bool:
    return action in ALLOWED[role]


@dataclass(frozen=True, slots=True)
class Caller:
    """Whoever presented a valid token: its name (what the log records) and role."""

    name: str
    role: Role


@dataclass(frozen=True, slots=True)
class TokenEntry:
    name: str
    role: Role
    sha256: str
    created_at: str
    revoked_at: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "role": self.role.value,
            "sha256": self.sha256,
            "created_at": self.created_at,
            "revoked_at": self.revoked_at,
        }


class TokenError(Exception):
    """A token file problem or a refused change, worded for the person running the command."""


class TokenFileUnreadable(TokenError):
    """The token file does not read: `problem` says why in plain words (never its content),
    `fix` what the host does about it (it depends on the cause)."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(f"{problem}; {fix}")
        self.problem = problem
        self.fix = fix


class TokenNameTaken(TokenError):
    """A token made before its name was refused (`host`, what every screen calls the show's
    own console): the show lets nobody in on it, and says how to replace it."""


def name_taken_message(name: str) -> str:
    """Why a token named `name` (the show's own console's name) is refused, and the fix."""
    return (
        f"the token named {name!r} cannot be used any more: {name!r} is what every screen calls "
        f"the show's own console; revoke it (stagehand token revoke {name}) and create one with "
        "another name (stagehand token create --name NAME --role ROLE)"
    )


class TokensUnreadable(TokenError):
    """The show cannot tell who a token is: its token file cannot be read. Not the caller's
    fault, and not a revocation: the show answers 503, and clients try again later."""


#: What a caller elsewhere is told while the token file is unreadable (no path, no content).
UNREADABLE_TO_CALLERS = (
    "the show cannot check tokens now: its token file is unreadable on the show's machine; "
    "the host must fix it (stagehand doctor says how): try again then"
)


class TokenFileProblem(NamedTuple):
    """A change in the token file's state, for the show to say once: `here` (its log and own
    console: the path) and `public` (screens elsewhere); `broken`: False when it reads again."""

    here: str
    public: str
    broken: bool = True


def default_tokens_path() -> Path:
    env = os.environ.get("STAGEHAND_ACCESS_FILE")
    return Path(env).expanduser() if env else user_config_dir() / "server-tokens.json"


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class AccessTokens:
    """The token file: create, list, revoke; and who a presented token is."""

    def __init__(
        self,
        path: Path | None = None,
        *,
        config_token: str | None = None,
        on_problem: Callable[[TokenFileProblem], None] | None = None,
    ) -> None:
        self.path = path or default_tokens_path()
        self._config_digest = digest(config_token) if config_token else None
        self._entries: list[TokenEntry] = []
        self._stamp: tuple[int, int] | None = None
        #: Why the file cannot be read now (None: it can, or there is none).
        self._problem: str | None = None
        self._on_problem = on_problem

    # -- the show server's side --------------------------------------------------------------

    def caller(self, token: str) -> Caller | None:
        """Who `token` is, or None: unknown or revoked. TokensUnreadable when the file cannot
        be read (nobody is let in on it, and nobody is told their token was revoked);
        TokenNameTaken for a token named as the show's own console (made before `create`
        refused the name: its actions would read as the host's own). The file is read again
        whenever it changed, so revoking takes effect now."""
        if not token:
            return None
        presented = digest(token)
        if self._config_digest and hmac.compare_digest(presented, self._config_digest):
            return Caller(CONFIG_TOKEN_NAME, Role.HOST)
        for entry in self._fresh_entries():
            if hmac.compare_digest(presented, entry.sha256):
                if entry.revoked_at:
                    return None
                if entry.name == THIS_CONSOLE:
                    raise TokenNameTaken(name_taken_message(entry.name))
                return Caller(entry.name, entry.role)
        return None

    def readable(self) -> bool:
        """Whether the file reads now (a change is told to `on_problem`, as for a caller)."""
        try:
            self._fresh_entries()
        except TokensUnreadable:
            return False
        return True

    def _fresh_entries(self) -> list[TokenEntry]:
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            self._entries, self._stamp = [], None
            self._now_readable(None)
            return []
        except OSError as exc:  # the folder cannot be read: as unreadable as the file
            self._entries, self._stamp = [], None
            self._now_readable(f"{self.path}: the token file is unreadable ({exc.strerror})")
            raise TokensUnreadable(UNREADABLE_TO_CALLERS) from None
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._stamp = stamp
            try:
                self._entries = self.entries()
            except TokenError as exc:
                self._entries = []
                self._now_readable(str(exc))
            else:
                self._now_readable(None)
        if self._problem is not None:
            raise TokensUnreadable(UNREADABLE_TO_CALLERS)
        return self._entries

    def _now_readable(self, problem: str | None) -> None:
        """Note the file's state; a change is told to `on_problem`, once."""
        if problem == self._problem:
            return
        self._problem = problem
        if self._on_problem is None:
            return
        if problem is None:
            self._on_problem(
                TokenFileProblem(
                    f"The show server's token file reads again ({self.path}): consoles "
                    "reconnect by themselves",
                    "The show's token file reads again: consoles reconnect by themselves",
                    broken=False,
                )
            )
            return
        self._on_problem(
            TokenFileProblem(
                f"The show server cannot check tokens: {problem}. Until it reads again, every "
                "console and Stream Deck with a token from it is refused (stagehand doctor "
                "checks it)",
                "The show's token file is unreadable on the show's machine: consoles and "
                "Stream Decks with its tokens are refused until the host fixes it (stagehand "
                "doctor says how)",
            )
        )

    # -- `stagehand token` -------------------------------------------------------------------

    def entries(self) -> list[TokenEntry]:
        """Every token made here, revoked ones too (TokenError if the file is unreadable)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise TokenFileUnreadable(
                f"{self.path}: the token file is unreadable ({exc.strerror or 'cannot be read'})",
                _fix_for(self.path, exc),
            ) from None
        except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError too
            raise TokenFileUnreadable(
                f"{self.path}: the token file is unreadable (not valid JSON)", _REMAKE
            ) from None
        try:
            return [
                TokenEntry(
                    str(item["name"]),
                    Role(item["role"]),
                    str(item["sha256"]),
                    str(item["created_at"]),
                    item.get("revoked_at"),
                )
                for item in data["tokens"]
            ]
        except (KeyError, TypeError, ValueError):
            raise TokenFileUnreadable(f"{self.path}: not a stagehand token file", _REMAKE) from None

    def create(self, name: str, role: Role) -> str:
        """A new token for `name` (shown once: only its hash is kept)."""
        if not NAME_PATTERN.match(name):
            raise TokenError(
                f"the name {name!r} cannot be used: letters, digits, '_', '.' and '-' only, "
                "32 at most, starting with a letter or digit (it is shown in reports)"
            )
        if name == CONFIG_TOKEN_NAME:
            raise TokenError(f"{name!r} is the name of [server] token; choose another")
        if name == THIS_CONSOLE:
            raise TokenError(
                f"{name!r} is what every screen calls the show's own console; choose another"
            )
        entries = self.entries()
        if any(entry.name == name and not entry.revoked_at for entry in entries):
            raise TokenError(
                f"a token named {name!r} exists already: revoke it first "
                f"(stagehand token revoke {name}) or choose another name"
            )
        token = TOKEN_PREFIX + secrets.token_urlsafe(32)
        created = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        entries.append(TokenEntry(name, role, digest(token), created))
        self._write(entries)
        return token

    def revoke(self, name: str) -> TokenEntry:
        """Revoke the live token named `name` (TokenError if there is none)."""
        entries = self.entries()
        now = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        for index, entry in enumerate(entries):
            if entry.name == name and not entry.revoked_at:
                revoked = TokenEntry(entry.name, entry.role, entry.sha256, entry.created_at, now)
                entries[index] = revoked
                self._write(entries)
                return revoked
        known = ", ".join(sorted({e.name for e in entries if not e.revoked_at})) or "none"
        raise TokenError(f"no live token named {name!r} (live tokens: {known})")

    def _write(self, entries: list[TokenEntry]) -> None:
        """Owner-only, replaced whole (a crash leaves the old file or the new one)."""
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            tmp = self.path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"tokens": [e.to_dict() for e in entries]}, handle, indent=2)
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        except OSError as exc:
            raise TokenError(f"cannot write {self.path}: {exc.strerror or exc}") from None


#: The fix for a token file that reads but holds no tokens (a bad edit, a half-copied backup).
_REMAKE = "move it aside and create the tokens again"


def _fix_for(path: Path, exc: OSError) -> str:
    """What the host does about a token file the system does not let be read."""
    if isinstance(exc, PermissionError):
        try:
            user = getpass.getuser()
        except (OSError, KeyError):  # no name for this user id
            user = f"user {os.getuid()}"
        return f"let {user}, who runs the show, read it: chown {user} {path} && chmod 600 {path}"
    if isinstance(exc, IsADirectoryError):
        return f"{path} is a folder: move it aside and create the tokens again"
    return f"check {path} and the disk it is on"


def doctor_check(tokens: AccessTokens | None = None) -> DoctorCheck:
    """`stagehand doctor`'s line on the show server's token file: it reads, and it is the
    owner's alone. Never its content: a broken file is named by its path and the error's kind."""
    tokens = tokens or AccessTokens()
    name, path = "show server tokens", tokens.path
    if not path.exists():
        return DoctorCheck(name, True, f"{path} (none made yet: stagehand token create)")
    try:
        live = sum(1 for entry in tokens.entries() if not entry.revoked_at)
        mode = path.stat().st_mode
    except TokenFileUnreadable as exc:
        fix = exc.fix
        if fix == _REMAKE:
            fix = (
                f"restore {path} from a backup, or move it aside and create the tokens again "
                "(stagehand token create --name NAME --role ROLE)"
            )
        return DoctorCheck(
            name,
            False,
            # The problem only (its own advice is the fix below, said once).
            f"{exc.problem}: a running show refuses every console and Stream Deck until it reads",
            fix,
        )
    except OSError as exc:
        return DoctorCheck(name, False, f"{path}: cannot be read ({exc.strerror})", f"check {path}")
    if mode & 0o077:
        return DoctorCheck(name, False, f"{path} can be read by other users", f"chmod 600 {path}")
    if any(entry.name == THIS_CONSOLE and not entry.revoked_at for entry in tokens.entries()):
        return DoctorCheck(
            name,
            False,
            f"a live token is named {THIS_CONSOLE!r}, what every screen calls the show's own "
            "console: the show refuses it",
            f"stagehand token revoke {THIS_CONSOLE}, then stagehand token create --name NAME "
            "--role ROLE",
        )
    tokens_word = "live token" if live == 1 else "live tokens"
    return DoctorCheck(name, True, f"{path} (owner-only; {live} {tokens_word})")
