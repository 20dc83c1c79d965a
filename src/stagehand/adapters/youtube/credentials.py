"""The YouTube record in the token store: the OAuth client and the account's tokens.

Stored under the key "youtube" of `stagehand.tokens.TokenStore` (owner-only, outside the
project). Secrets are `repr=False` so a stray `print(creds)` or log line shows none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from stagehand.config.youtube import YouTubeSettings
from stagehand.tokens import TokenStore

TOKEN_KEY = "youtube"
#: What fixes any missing, refused or short-scoped YouTube credential.
AUTH_FIX = "run `stagehand auth youtube`"
#: Read, send, delete and ban (YouTube requires SSL-only access for moderation).
SCOPE_FORCE_SSL = "https://www.googleapis.com/auth/youtube.force-ssl"
#: Read only: enough for a show that never answers or moderates on YouTube.
SCOPE_READONLY = "https://www.googleapis.com/auth/youtube.readonly"
#: Refresh a token this long before it expires (Google's last an hour).
REFRESH_MARGIN = timedelta(seconds=60)


def wanted_scopes(settings: YouTubeSettings) -> dict[str, str]:
    """The one scope the config needs, and why."""
    if settings.read_only:
        return {SCOPE_READONLY: "read the live chat ([youtube] read_only = true)"}
    return {SCOPE_FORCE_SSL: "read the live chat, send replies, delete messages, ban viewers"}


def scopes_cover(granted: tuple[str, ...] | set[str], wanted: dict[str, str]) -> bool:
    """force-ssl (or the full youtube scope) covers reading too."""
    have = set(granted)
    if SCOPE_FORCE_SSL in have or "https://www.googleapis.com/auth/youtube" in have:
        have.add(SCOPE_READONLY)
        have.add(SCOPE_FORCE_SSL)
    return all(scope in have for scope in wanted)


@dataclass(frozen=True, slots=True)
class YouTubeCredentials:
    """What `stagehand auth youtube` stores; tokens are refreshed in place while a show runs."""

    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    access_token: str = field(default="", repr=False)
    refresh_token: str = field(default="", repr=False)
    expires_at: datetime | None = None
    scopes: tuple[str, ...] = ()

    @classmethod
    def load(cls, store: TokenStore) -> YouTubeCredentials:
        data = store.get(TOKEN_KEY) or {}
        if not isinstance(data, dict):
            return cls()
        expires = data.get("expires_at")
        try:
            expires_at = datetime.fromisoformat(expires) if expires else None
        except (TypeError, ValueError):
            expires_at = None
        return cls(
            client_id=str(data.get("client_id", "")),
            client_secret=str(data.get("client_secret", "")),
            access_token=str(data.get("access_token", "")),
            refresh_token=str(data.get("refresh_token", "")),
            expires_at=expires_at,
            scopes=tuple(str(s) for s in data.get("scopes") or ()),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "client_id": self.client_id,
            "client_secret": self.client_secret,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
            "scopes": list(self.scopes),
        }

    def save(self, store: TokenStore) -> None:
        store.set(TOKEN_KEY, self.to_json())

    def app_credentials(self, settings: YouTubeSettings) -> tuple[str, str]:
        """Client id and secret: the config (or environment) wins over the store."""
        secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
        return (settings.client_id or self.client_id, secret or self.client_secret)

    def needs_refresh(self, now: datetime | None = None) -> bool:
        now = now or datetime.now(UTC)
        return not self.access_token or (
            self.expires_at is not None and self.expires_at - REFRESH_MARGIN <= now
        )

    def refreshed(
        self, access: str, expires_in: int, refresh: str = "", now: datetime | None = None
    ) -> YouTubeCredentials:
        now = now or datetime.now(UTC)
        return replace(
            self,
            access_token=access,
            refresh_token=refresh or self.refresh_token,
            expires_at=now + timedelta(seconds=expires_in),
        )
