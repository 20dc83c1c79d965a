"""Turning twitchio failures into sentences a host can act on, without leaking secrets.

twitchio's `HTTPException` text embeds the request URL, and the OAuth token endpoints
carry `client_secret` and `refresh_token` as query parameters (authentication/oauth.py
`_create_params`); `InvalidTokenException` quotes the token itself. So never show `str(exc)`
of a twitchio error: build the sentence from its status and Twitch's own message.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable

import aiohttp
from twitchio.exceptions import HTTPException, InvalidTokenException, WebsocketConnectionException

from stagehand.adapters.connection import ConnectionRefused
from stagehand.adapters.twitch.credentials import (
    AUTH_FIX,
    app_credential_fix,
    refused_app_credential,
)
from stagehand.config.twitch import TwitchSettings
from stagehand.logs import redact, register_secrets


class TwitchAuthError(ConnectionRefused):
    """Credentials are missing, rejected or short of a scope: retrying will not help."""


class TwitchLoginUnavailable(Exception):
    """id.twitch.tv did not answer a token check or refresh (a 5xx, a 429, a proxy's error page):
    the token may be fine, and a later attempt may work."""


class TwitchTokenRefused(HTTPException):
    """Twitch refused to refresh an account's token mid-show (400 "Invalid refresh token"): the
    account disconnected stagehand or changed its password. Only a new authorization helps.

    An `HTTPException` still (with Twitch's status and message), so twitchio's own handling
    of a failed refresh goes on as before; the original's text quotes the request, refresh
    token and client secret, and is not kept."""

    def __init__(self, login: str, refused: HTTPException) -> None:
        super().__init__(
            f"Twitch refused to refresh {login}'s token",
            route=None,
            status=refused.status,
            extra=refused.extra,
        )
        self.login = login

    @property
    def fix(self) -> str:
        return account_fix(self.login)

    def __str__(self) -> str:
        return f"Twitch no longer accepts {self.login}'s token"


def account_fix(login: str) -> str:
    """The fix for an account whose token Twitch refuses, as `stagehand doctor` words it."""
    return f"{AUTH_FIX} and log in as {login}"


def twitch_message(exc: HTTPException) -> str:
    extra = exc.extra if isinstance(exc.extra, dict) else {}
    message = str(extra.get("message") or extra.get("error") or "").strip()
    return message[:200]


#: What id.twitch.tv answers when it refuses a token: 401 "invalid access token" on validate,
#: 400 "Invalid refresh token" on refresh (401/403 for the app's own id or secret).
TOKEN_REFUSALS = (400, 401, 403)


def login_failure(exc: InvalidTokenException, who: str) -> Exception:
    """What a token twitchio could not add means: a refusal (the fix is a new authorization) or
    a failure of Twitch's to answer, worth retrying.

    twitchio 3.3.2 wraps any HTTP error from validate (other than 401) and from the refresh in
    `InvalidTokenException` (authentication/tokens.py:117, 123, 151), a 503 as much as a
    refused token; only the status tells them apart. The exception quotes the token: never
    keep it (callers raise the result `from None`).
    """
    if exc.status in TOKEN_REFUSALS:
        return TwitchAuthError(
            f"Twitch no longer accepts {who}'s token and refused to refresh it: {account_fix(who)}"
        )
    step = "refreshing" if exc.invalid_type == "refresh" else "checking"
    said = redact(twitch_message(exc))  # a proxy's error page may quote the request
    return TwitchLoginUnavailable(
        f"Twitch's login service answered {exc.status} while {step} {who}'s token"
        + (f" ({said})" if said else "")
    )


def app_refused(exc: HTTPException, settings: TwitchSettings) -> TwitchAuthError | None:
    """The final answer to a refused app token (client credentials): asking again with the
    same client id and secret gets the same refusal. None when Twitch did not refuse them."""
    said = twitch_message(exc)
    secret = refused_app_credential(said)
    if exc.status not in TOKEN_REFUSALS or secret is None:
        return None
    problem = "the app's client secret" if secret else "the app's client id"
    return TwitchAuthError(
        f"Twitch refused {problem} ({exc.status} {said}): {app_credential_fix(settings, secret)}"
    )


def describe_error(exc: BaseException) -> str:
    """A short, secret-free account of what went wrong."""
    if isinstance(exc, TwitchAuthError | TwitchLoginUnavailable):
        return str(exc)
    if isinstance(exc, TwitchTokenRefused):
        return f"{exc}: {exc.fix}"
    if isinstance(exc, HTTPException):
        message = twitch_message(exc)
        if exc.status == 401:
            return f"Twitch rejected the token (401 {message or 'unauthorized'}): {AUTH_FIX}"
        if exc.status == 403:
            return f"Twitch refused (403 {message or 'forbidden'})"
        if exc.status == 429:
            return "Twitch rate limit reached (429): wait a moment and try again"
        return f"Twitch answered {exc.status}" + (f": {message}" if message else "")
    if isinstance(exc, WebsocketConnectionException):
        return "could not open the EventSub connection"
    if isinstance(exc, aiohttp.ClientError | OSError | asyncio.TimeoutError):
        return f"network error ({type(exc).__name__})"
    return f"unexpected error ({type(exc).__name__})"


#: twitchio warns on every Client() that its optional Starlette web adapter is missing;
#: stagehand never uses a twitchio web adapter, so the warning only confuses.
NOISE = "If you require the StarletteAdapter"


class SecretMask(logging.Filter):
    """Masks secrets in twitchio's log records (its debug lines may carry URLs) at the source,
    whatever handler later prints them, and drops twitchio's web-adapter noise.

    The secrets are stagehand's one registry (`stagehand.logs`), so every handler's filter
    masks them too."""

    def add(self, values: Iterable[str]) -> None:
        register_secrets(values)

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.msg, str) and record.msg.startswith(NOISE):
            return False
        try:
            message = record.getMessage()
        except Exception:
            message = str(record.msg)
        record.msg, record.args = redact(message), None
        if record.exc_info:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
            record.exc_info = None
        return True


#: twitchio's module loggers (a filter on a parent logger does not see its children's records).
TWITCHIO_LOGGERS = (
    "twitchio.client",
    "twitchio.http",
    "twitchio.authentication.oauth",
    "twitchio.authentication.tokens",
    "twitchio.eventsub.websockets",
    "twitchio.web.aio_adapter",
)

SECRET_MASK = SecretMask()


def mask_twitchio_logs(secrets: Iterable[str]) -> None:
    """Make sure none of `secrets` appears in anything twitchio logs from now on."""
    SECRET_MASK.add(secrets)
    for name in TWITCHIO_LOGGERS:
        logger = logging.getLogger(name)
        if SECRET_MASK not in logger.filters:
            logger.addFilter(SECRET_MASK)
