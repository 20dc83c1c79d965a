"""Google's OAuth 2.0 token endpoint, spoken with aiohttp: codes and refresh tokens in, access
tokens out. Google answers errors as {"error": "invalid_grant", "error_description": ...}.

Only three of Google's errors refuse the authorization itself (`REFUSALS`): a new
`stagehand auth youtube` is the one fix. Anything else (a 5xx or 429, an answer that is not
Google's JSON, another error) is the endpoint's own trouble, and asking again later may work.

Shared by the adapter (an access token lasts an hour and is refreshed as it runs out), by
`stagehand auth youtube` (the code from the browser) and by `stagehand doctor`. None of these
calls costs YouTube quota.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import aiohttp

from stagehand.adapters.youtube.credentials import AUTH_FIX
from stagehand.config.youtube import YouTubeSettings
from stagehand.logs import register_secret

#: How long a token request may take: a hung endpoint is network trouble (retried), not a read
#: or an action held up for aiohttp's default five minutes.
TOKEN_TIMEOUT = aiohttp.ClientTimeout(total=20)

#: Google's OAuth 2.0 errors that refuse the grant or the client: waiting will not fix them.
REFUSALS = frozenset({"invalid_grant", "invalid_client", "unauthorized_client"})


class OAuthError(Exception):
    """The token endpoint gave no token; the message says why (never a secret)."""


class OAuthRefused(OAuthError):
    """Google refused a code or refresh token; the message says what to do."""


class OAuthUnavailable(OAuthError):
    """The token endpoint failed without refusing (5xx, 429, an unreadable answer): asking again
    later may work."""


@dataclass(frozen=True, slots=True)
class TokenAnswer:
    access_token: str = field(repr=False)
    expires_in: int
    refresh_token: str = field(default="", repr=False)
    scopes: tuple[str, ...] = ()


class GoogleOAuth:
    """The token endpoint for one OAuth client (the project's "Desktop app" client)."""

    def __init__(
        self,
        http: aiohttp.ClientSession,
        settings: YouTubeSettings,
        client_id: str,
        client_secret: str,
    ) -> None:
        self.http = http
        self.token_url = settings.oauth_url + "token"
        self.info_url = settings.oauth_url + "tokeninfo"
        self.client_id = client_id
        self.client_secret = client_secret
        register_secret(client_secret)

    async def _token(self, form: dict[str, str]) -> TokenAnswer:
        form = {"client_id": self.client_id, "client_secret": self.client_secret, **form}
        async with self.http.post(self.token_url, data=form, timeout=TOKEN_TIMEOUT) as response:
            body = await _json(response)
            if response.status != 200 or not body.get("access_token"):
                raise _failure(response.status, body)
        answer = TokenAnswer(
            access_token=str(body["access_token"]),
            expires_in=int(body.get("expires_in") or 3600),
            refresh_token=str(body.get("refresh_token") or ""),
            scopes=tuple(str(body.get("scope") or "").split()),
        )
        register_secret(answer.access_token)
        register_secret(answer.refresh_token)
        return answer

    async def refresh(self, refresh_token: str) -> TokenAnswer:
        """A new access token for the stored refresh token."""
        if not refresh_token:
            raise OAuthRefused(f"no refresh token stored: {AUTH_FIX}")
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def exchange(self, code: str, redirect_uri: str, verifier: str) -> TokenAnswer:
        """The browser's authorization code (with its PKCE verifier) for tokens."""
        return await self._token(
            {
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            }
        )

    async def granted_scopes(self, access_token: str) -> tuple[str, ...] | None:
        """The scopes Google says the token has (None: Google does not know the token)."""
        async with self.http.get(self.info_url, params={"access_token": access_token}) as response:
            body = await _json(response)
            if response.status != 200:
                return None
        return tuple(str(body.get("scope") or "").split())


async def _json(response: aiohttp.ClientResponse) -> dict[str, Any]:
    try:
        body = await response.json(content_type=None)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _failure(status: int, body: dict[str, Any]) -> OAuthError:
    """A refusal for Google's three refusing errors (a 4xx); any other answer is trouble."""
    error = str(body.get("error") or "")
    if 400 <= status < 500 and error in REFUSALS:
        return OAuthRefused(_refusal(error))
    said = str(body.get("error_description") or "")[:200]
    if status == 200:
        return OAuthUnavailable("Google's token endpoint answered without an access token")
    return OAuthUnavailable(f"Google's token endpoint answered {status} {error} {said}".strip())


def _refusal(error: str) -> str:
    if error == "invalid_grant":
        return (
            "Google no longer accepts the stored authorization (it was revoked, the password "
            f"changed, or a test-mode app's 7-day token expired): {AUTH_FIX}"
        )
    return (
        f"Google refused the OAuth client id or secret ({error}): copy them again from the "
        "Google Cloud console (APIs & Services -> Credentials), then " + AUTH_FIX
    )
