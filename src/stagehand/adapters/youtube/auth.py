"""`stagehand auth youtube`: Google's OAuth flow for installed apps, with a loopback redirect.

The user's browser opens Google's consent page; Google redirects it to
`http://127.0.0.1:<port>/` with a code, which this command (listening there once) exchanges for
tokens, with PKCE (S256) so an intercepted code is useless. Tokens and the client secret go to
the token file (owner-only). No YouTube Data API call is made, so authorizing costs no quota;
`stagehand doctor` checks the result. Nothing here prints a token or the secret.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

import aiohttp

from stagehand.adapters.redirect import AuthFailed, no_browser_hint, wait_for_code
from stagehand.adapters.youtube.credentials import (
    YouTubeCredentials,
    scopes_cover,
    wanted_scopes,
)
from stagehand.adapters.youtube.errors import NETWORK_ERRORS
from stagehand.adapters.youtube.oauth import GoogleOAuth, OAuthError, TokenAnswer
from stagehand.config.youtube import YouTubeSettings
from stagehand.tokens import TokenStore

CONSOLE = "https://console.cloud.google.com"


@dataclass
class Prompts:
    """How the flow talks to the user (click in the CLI, canned answers in tests)."""

    echo: Callable[[str], None]
    ask: Callable[[str, bool], str]  # (question, hide_input) -> answer
    open_url: Callable[[str], Awaitable[None] | None]


def setup_steps() -> list[str]:
    """What to do in the Google Cloud console before the first authorization."""
    return [
        f'1. Open {CONSOLE}/projectcreate and create a project (e.g. "stagehand").',
        f"2. {CONSOLE}/apis/library/youtube.googleapis.com: Enable the YouTube Data API v3.",
        f"3. {CONSOLE}/auth/branding: set up the OAuth consent screen (External; add",
        "   your Google account under Audience -> Test users while the app is in testing).",
        f"4. {CONSOLE}/auth/clients: Create client -> Application type: Desktop app.",
        "   Copy its Client ID and Client secret.",
    ]


def pkce_pair() -> tuple[str, str]:
    """A PKCE verifier and its S256 challenge (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


def consent_url(
    settings: YouTubeSettings, client_id: str, scopes: list[str], state: str, challenge: str
) -> str:
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": settings.redirect_uri,
            "response_type": "code",
            "scope": " ".join(scopes),
            "state": state,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
            "access_type": "offline",  # a refresh token, so shows run past the first hour
            "prompt": "consent",  # ... every time, and the account can be chosen again
        }
    )
    return f"{settings.auth_url}?{query}"


async def run_auth_flow(
    settings: YouTubeSettings, store: TokenStore, prompts: Prompts
) -> YouTubeCredentials:
    """The whole walk-through; returns what it stored."""
    say = prompts.echo
    try:
        stored = YouTubeCredentials.load(store)
    except RuntimeError as exc:  # an unreadable token file: say which, never a traceback
        raise AuthFailed(f"{exc}: move it away and run the command again") from None
    client_id, client_secret = stored.app_credentials(settings)
    if not client_id or not client_secret:
        say("First, give stagehand a Google Cloud OAuth client:")
        for line in setup_steps():
            say(line)
    if not client_id:
        client_id = prompts.ask("Client ID", False).strip()
    if not client_secret:
        client_secret = prompts.ask("Client secret (not shown)", True).strip()
    if not client_id or not client_secret:
        raise AuthFailed("a client id and a client secret are both needed")
    scopes = wanted_scopes(settings)
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    url = consent_url(settings, client_id, list(scopes), state, challenge)
    say("")
    say("In the browser, choose the Google account of the YouTube channel (or of a moderator")
    say("of its chat, with [youtube] video_id set) and allow:")
    for scope, why in scopes.items():
        say(f"   {scope}  {why}")
    granted: list[YouTubeCredentials] = []

    async def opened() -> None:
        say(f"   If no browser opens, visit:\n   {url}")
        for line in no_browser_hint(settings.redirect_uri, "Google"):
            say(line)
        maybe = prompts.open_url(url)
        if maybe is not None:
            await maybe

    async def finish(code: str) -> str:
        answer = await _exchange(settings, client_id, client_secret, code, verifier)
        if not scopes_cover(answer.scopes, scopes):
            raise AuthFailed(
                "Google granted less than asked (tick every box on the consent page): "
                f"missing {', '.join(s for s in scopes if s not in answer.scopes)}"
            )
        if not answer.refresh_token:
            raise AuthFailed("Google sent no refresh token: run the command again")
        creds = YouTubeCredentials(client_id, client_secret).refreshed(
            answer.access_token, answer.expires_in, answer.refresh_token
        )
        granted.append(
            YouTubeCredentials(
                creds.client_id,
                creds.client_secret,
                creds.access_token,
                creds.refresh_token,
                creds.expires_at,
                answer.scopes,
            )
        )
        return "authorized"

    await wait_for_code(
        settings.redirect_uri,
        state,
        platform="Google",
        setting="[youtube] redirect_uri",
        opened=opened,
        finish=finish,
        said=lambda said: said,
    )
    creds = granted[0]
    creds.save(store)
    say(f"Authorized. Saved to {store.path} (readable by you only).")
    if settings.enabled:
        say("Next: check with `stagehand doctor`.")
    else:
        say("Next: set [youtube] enabled = true, then check with `stagehand doctor`.")
    return creds


async def _exchange(
    settings: YouTubeSettings, client_id: str, client_secret: str, code: str, verifier: str
) -> TokenAnswer:
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
            oauth = GoogleOAuth(http, settings, client_id, client_secret)
            return await oauth.exchange(code, settings.redirect_uri, verifier)
    except OAuthError as exc:
        raise AuthFailed(str(exc)) from None
    except NETWORK_ERRORS as exc:
        host = urlsplit(settings.oauth_url).netloc
        raise AuthFailed(
            f"cannot reach Google at {host} ({type(exc).__name__}): check the network "
            "connection and run `stagehand auth youtube` again"
        ) from None
