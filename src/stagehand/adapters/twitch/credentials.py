"""The Twitch record in the token store: app credentials and the two accounts' tokens.

Stored under the key "twitch" of `stagehand.tokens.TokenStore` (owner-only, outside the
project). Secrets are `repr=False` so a stray `print(creds)` or log line shows none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from stagehand.config.twitch import TwitchSettings
from stagehand.tokens import TokenStore

TOKEN_KEY = "twitch"
#: What fixes any missing, rejected or short-scoped Twitch credential.
AUTH_FIX = "run `stagehand auth twitch`"
#: Where a Twitch application's Client ID is read and a new Client Secret made.
APPS = "https://dev.twitch.tv/console/apps"


@dataclass(frozen=True, slots=True)
class AccountToken:
    """One Twitch account's user token."""

    user_id: str
    login: str
    access_token: str = field(repr=False)
    refresh_token: str = field(repr=False)
    scopes: tuple[str, ...] = ()
    expires_at: datetime | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now

    def missing_scopes(self, wanted: dict[str, str]) -> list[str]:
        return [scope for scope in wanted if scope not in self.scopes]

    def refreshed(
        self, access: str, refresh: str, expires_in: int | None, now: datetime
    ) -> AccountToken:
        """The account with a new token; `expires_in` None: its lifetime is not known yet."""
        return replace(
            self,
            access_token=access,
            refresh_token=refresh,
            expires_at=None if expires_in is None else now + timedelta(seconds=expires_in),
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "user_id": self.user_id,
            "login": self.login,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "scopes": list(self.scopes),
            "expires_at": self.expires_at.isoformat() if self.expires_at else None,
        }

    @classmethod
    def from_json(cls, data: Any) -> AccountToken | None:
        if not isinstance(data, dict) or not data.get("access_token"):
            return None
        expires = data.get("expires_at")
        return cls(
            user_id=str(data.get("user_id", "")),
            login=str(data.get("login", "")),
            access_token=str(data["access_token"]),
            refresh_token=str(data.get("refresh_token", "")),
            scopes=tuple(str(s) for s in data.get("scopes") or ()),
            expires_at=datetime.fromisoformat(expires) if expires else None,
        )


@dataclass(frozen=True, slots=True)
class TwitchCredentials:
    """What `stagehand auth twitch` stores. The broadcaster may be the bot account itself."""

    client_id: str = ""
    client_secret: str = field(default="", repr=False)
    bot: AccountToken | None = None
    broadcaster: AccountToken | None = None

    @classmethod
    def load(cls, store: TokenStore) -> TwitchCredentials:
        data = store.get(TOKEN_KEY) or {}
        if not isinstance(data, dict):
            return cls()
        return cls(
            client_id=str(data.get("client_id", "")),
            client_secret=str(data.get("client_secret", "")),
            bot=AccountToken.from_json(data.get("bot")),
            broadcaster=AccountToken.from_json(data.get("broadcaster")),
        )

    def save(self, store: TokenStore) -> None:
        store.set(
            TOKEN_KEY,
            {
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "bot": self.bot.to_json() if self.bot else None,
                "broadcaster": self.broadcaster.to_json() if self.broadcaster else None,
            },
        )

    def app_credentials(self, settings: TwitchSettings) -> tuple[str, str]:
        """Client id and secret: the config (or environment) wins over the store."""
        secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
        return (settings.client_id or self.client_id, secret or self.client_secret)

    def accounts(self) -> list[AccountToken]:
        """The distinct accounts with a token (one when the bot is the broadcaster)."""
        seen: dict[str, AccountToken] = {}
        for account in (self.bot, self.broadcaster):
            if account is not None and account.user_id not in seen:
                seen[account.user_id] = account
        return list(seen.values())

    def with_refreshed(
        self,
        user_id: str,
        access: str,
        refresh: str,
        expires_in: int | None,
        now: datetime | None = None,
    ) -> TwitchCredentials:
        """The same record with `user_id`'s token replaced (in both roles when they coincide)."""
        now = now or datetime.now(UTC)

        def swap(account: AccountToken | None) -> AccountToken | None:
            if account is None or account.user_id != user_id:
                return account
            return account.refreshed(access, refresh, expires_in, now)

        return replace(self, bot=swap(self.bot), broadcaster=swap(self.broadcaster))


def store_refreshed_token(
    tokens: TokenStore, user_id: str, access: str, refresh: str, expires_in: int | None
) -> None:
    """Persist a token twitchio refreshed, so the next start does not need to.

    `expires_in` None: refreshed, lifetime unknown until twitchio's event says it. A token that
    is already stored, with nothing new to say about it, is not written again.
    """
    creds = TwitchCredentials.load(tokens)
    current = [a for a in creds.accounts() if a.user_id == user_id]
    if not current or (current[0].access_token == access and expires_in is None):
        return
    creds.with_refreshed(user_id, access, refresh, expires_in, datetime.now(UTC)).save(tokens)


#: What id.twitch.tv answers when it refuses the app's own credentials for an app token: 403
#: "invalid client secret" for a wrong secret, 400 "invalid client" for an unknown client id,
#: 400 "missing client secret". Anything else (a 5xx, a proxy's page) may pass: retried.
APP_REFUSALS = {
    "invalid client secret": True,  # True: it is the secret
    "missing client secret": True,
    "invalid client": False,  # the client id
}


def refused_app_credential(message: str) -> bool | None:
    """Which of the app's credentials Twitch's refusal `message` blames: True the secret, False
    the client id, None when it does not say."""
    return APP_REFUSALS.get(message.strip().lower())


def app_credential_fix(settings: TwitchSettings, secret: bool) -> str:
    """How to put right the app's client secret (`secret`) or client id that Twitch refused:
    the config key (or the environment variable) that supplied it, else `stagehand auth
    twitch`, which stored it (the config wins over the store, as in `app_credentials`)."""
    if secret:
        if settings.client_secret is not None and settings.client_secret.get_secret_value():
            return (
                f"set {_where(settings, 'client_secret')} to the app's current secret (at "
                f"{APPS}: Manage, New Secret)"
            )
        return f"{AUTH_FIX} and give it the app's current secret (at {APPS}: Manage, New Secret)"
    if settings.client_id:
        return f"set {_where(settings, 'client_id')} to the app's Client ID (at {APPS}: Manage)"
    return f"{AUTH_FIX} and give it the app's Client ID (at {APPS}: Manage)"


def _where(settings: TwitchSettings, key: str) -> str:
    """Where the value of `key` stagehand used came from: its variable when the environment set
    it, else the config key (and its variable, which would win over it)."""
    where = settings.key(key)
    if where.startswith("STAGEHAND_"):
        return f"{where} (the environment variable it came from)"
    return f"{where} (or STAGEHAND_TWITCH_{key.upper()})"
