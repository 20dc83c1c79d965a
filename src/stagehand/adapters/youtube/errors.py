"""YouTube's refusals and failures in one secret-free line a host can act on.

The Data API answers a refused call with an HTTP status and a JSON error whose `errors[0].reason`
names the cause (`quotaExceeded`, `liveChatEnded`, `forbidden`, ...; each method's reference page
lists its own). Nothing here quotes a request: URLs and bodies may carry tokens.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp

from stagehand.adapters.connection import ConnectionFinished, ConnectionRefused
from stagehand.adapters.youtube.credentials import AUTH_FIX
from stagehand.adapters.youtube.oauth import OAuthUnavailable
from stagehand.adapters.youtube.quota import spoken_duration, until_reset
from stagehand.domain import utcnow

#: Where a project's quota is seen and more is asked for.
QUOTA_PAGE = "https://console.cloud.google.com/apis/api/youtube.googleapis.com/quotas"
#: Reasons that mean the chat is over: nothing more will be said in it (liveChatMessages.list
#: and streamList: 403 liveChatEnded, 403 liveChatDisabled, 404 liveChatNotFound).
CHAT_OVER = frozenset({"liveChatEnded", "liveChatNotFound", "liveChatDisabled"})
#: Network trouble of any kind (no connection, reset, timeout).
NETWORK_ERRORS = (aiohttp.ClientError, OSError, asyncio.TimeoutError)
#: Trouble that is not YouTube's answer to the request: Google's token endpoint failing to
#: answer, or the network. Trying again later may get past it.
PASSING_TROUBLE = (OAuthUnavailable, *NETWORK_ERRORS)
#: The reason YouTube gives for a page token it no longer accepts (liveChatMessages.list and
#: streamList answer 400 with it): the saved chat position is gone, and asking again with it
#: gets the same answer.
PAGE_TOKEN_INVALID = "pageTokenInvalid"
#: Every reason meaning that: the live chat methods' own, and the Data API's common request
#: error for a page token (badRequest 400 invalidPageToken).
PAGE_TOKEN_REFUSED = frozenset({PAGE_TOKEN_INVALID, "invalidPageToken"})
#: Reasons for a refusal that waiting fixes: the request came too soon after the last
#: (liveChatMessages.list: 403 rateLimitExceeded), too many in a while, or YouTube's own trouble.
PASSING_REASONS = frozenset(
    {"rateLimitExceeded", "userRequestsExceedRateLimit", "backendError", "internalError"}
)


class YouTubeApiError(Exception):
    """A refused call: HTTP `status`, Google's `reason`, and its `message` (cut short)."""

    def __init__(self, status: int, reason: str = "", message: str = "") -> None:
        super().__init__(f"{status} {reason}".strip())
        self.status = status
        self.reason = reason
        self.message = message[:200]

    @classmethod
    def from_body(cls, status: int, body: Any) -> YouTubeApiError:
        error = body.get("error") if isinstance(body, dict) else None
        if not isinstance(error, dict):
            return cls(status)
        details = error.get("errors")
        first = details[0] if isinstance(details, list) and details else {}
        reason = str(first.get("reason", "") if isinstance(first, dict) else "")
        code = error.get("code")
        return cls(
            int(code) if isinstance(code, int) else status, reason, str(error.get("message", ""))
        )

    @property
    def quota_exceeded(self) -> bool:
        return self.reason in ("quotaExceeded", "dailyLimitExceeded")

    @property
    def chat_over(self) -> bool:
        return self.reason in CHAT_OVER

    @property
    def page_token_refused(self) -> bool:
        return self.reason in PAGE_TOKEN_REFUSED

    @property
    def retryable(self) -> bool:
        """A server-side hiccup (5xx, rate limit) that waiting fixes."""
        return self.status >= 500 or self.status == 429 or self.reason in PASSING_REASONS


class NotLiveYet(Exception):
    """No live broadcast (or the video is not live) yet: worth looking again later."""


class YouTubeAuthError(ConnectionRefused):
    """Credentials missing, refused or short of a scope: retrying will not help."""


def quota_exceeded_message() -> str:
    """The one line the host reads when Google refuses for quota."""
    wait = spoken_duration(until_reset(utcnow()))
    return (
        "YouTube refused: the project's daily quota is used up. YouTube chat stops; whatever "
        f"else the show reads goes on. It resets at midnight Pacific (in {wait}); ask for more at "
        f"{QUOTA_PAGE}"
    )


def chat_over(reason: str) -> ConnectionFinished:
    if reason == "liveChatDisabled":
        return ConnectionFinished("chat is turned off for this YouTube live stream")
    return ConnectionFinished("the YouTube live chat ended (the stream is offline)")


def refused_for_good(exc: YouTubeApiError) -> ConnectionRefused | ConnectionFinished | None:
    """What a refusal while finding or reading the chat means, when asking again would get the
    same answer (and spend quota on it): the chat is over, the quota spent, the authorization
    refused, or the request itself refused (a 400: a missing or unexpected parameter, ...).
    None for a refusal worth trying again: YouTube's own trouble, a rate limit, or an answer
    that is not Google's (no reason: a proxy's page)."""
    if exc.chat_over:
        return chat_over(exc.reason)
    if exc.quota_exceeded:
        return ConnectionRefused(quota_exceeded_message())
    if exc.retryable:
        return None
    if exc.status in (401, 403):
        return ConnectionRefused(describe(exc))
    if 400 <= exc.status < 500 and exc.reason:
        said = f": {exc.message}" if exc.message else ""
        return ConnectionRefused(
            f"YouTube refused stagehand's request ({exc.status} {exc.reason}{said}); asking "
            "again would get the same answer and spend quota, so YouTube chat stops (whatever "
            "else the show reads goes on): update stagehand, or report this line"
        )
    return None


def describe(exc: BaseException) -> str:
    """A short, secret-free account of a failed call."""
    if isinstance(exc, YouTubeApiError):
        if exc.quota_exceeded:
            return quota_exceeded_message()
        if exc.status == 401:
            return f"YouTube no longer accepts the authorization (401): {AUTH_FIX}"
        if exc.reason in ("insufficientPermissions", "forbidden") or exc.status == 403:
            said = f": {exc.message}" if exc.message else ""
            return f"YouTube refused ({exc.status} {exc.reason or 'forbidden'}){said}"
        if exc.retryable:
            return f"YouTube is not answering properly ({exc.status}); trying again"
        said = f": {exc.message}" if exc.message else ""
        return f"YouTube answered {exc.status} {exc.reason}{said}".strip()
    if isinstance(exc, ConnectionRefused | ConnectionFinished):
        return str(exc)
    if isinstance(exc, OAuthUnavailable):
        return f"could not refresh the YouTube access token: {exc}"
    if isinstance(exc, NETWORK_ERRORS):
        return f"network error ({type(exc).__name__})"
    return f"unexpected error ({type(exc).__name__})"


def transient(exc: BaseException) -> bool:
    """Trouble that trying again later may get past: the network, a 5xx or rate limit from the
    API, or Google's token endpoint failing without refusing the authorization."""
    if isinstance(exc, YouTubeApiError):
        return exc.retryable
    return isinstance(exc, PASSING_TROUBLE)


def describe_error(exc: Exception) -> str | None:
    """Why a connection attempt failed; None for an error that is neither YouTube's nor the
    network's (its traceback goes to the log)."""
    if isinstance(exc, NotLiveYet):
        return str(exc)
    if isinstance(exc, ValueError):  # an answer that is not what the reference describes
        return f"YouTube sent an answer stagehand cannot read ({exc})"
    if isinstance(exc, YouTubeApiError | ConnectionRefused | ConnectionFinished):
        return describe(exc)
    if isinstance(exc, PASSING_TROUBLE):
        return describe(exc)
    return None
