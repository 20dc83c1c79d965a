"""`stagehand doctor`'s online YouTube check: does Google still accept what is stored?

The token file can say "authorized" long after the user removed stagehand's access in their
Google account, or after a testing-mode app's refresh token expired (Google keeps those 7
days). Only Google knows: the stored refresh token is exchanged for an access token, whose
scopes `tokeninfo` lists. Neither call costs YouTube quota (both are OAuth endpoints).
"""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import aiohttp

from stagehand.adapters.youtube.credentials import (
    AUTH_FIX,
    YouTubeCredentials,
    scopes_cover,
    wanted_scopes,
)
from stagehand.adapters.youtube.errors import NETWORK_ERRORS
from stagehand.adapters.youtube.oauth import GoogleOAuth, OAuthRefused, OAuthUnavailable
from stagehand.config.youtube import YouTubeSettings
from stagehand.platform import DoctorCheck
from stagehand.tokens import TokenStore

#: The fix when Google's token endpoint fails without refusing anything.
TRY_AGAIN = "Google's sign-in service is having trouble: run `stagehand doctor` again in a minute"


async def online_checks(
    settings: YouTubeSettings, tokens: TokenStore, *, timeout: float = 10.0
) -> list[DoctorCheck]:
    """Ask Google about the stored authorization. Never raises."""
    creds = YouTubeCredentials.load(tokens)
    client_id, secret = creds.app_credentials(settings)
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
            oauth = GoogleOAuth(http, settings, client_id, secret)
            try:
                answer = await oauth.refresh(creds.refresh_token)
            except OAuthRefused as exc:
                return [DoctorCheck("youtube account", False, str(exc), AUTH_FIX)]
            except OAuthUnavailable as exc:  # Google's trouble, not the authorization's
                return [DoctorCheck("youtube account", False, str(exc), TRY_AGAIN)]
            granted = await oauth.granted_scopes(answer.access_token)
    except NETWORK_ERRORS as exc:
        host = urlsplit(settings.oauth_url).netloc
        return [
            DoctorCheck(
                "youtube account",
                False,
                f"cannot reach Google at {host} ({type(exc).__name__})",
                "check the network; `stagehand doctor --offline` checks everything else",
            )
        ]
    await asyncio.to_thread(
        creds.refreshed(answer.access_token, answer.expires_in, answer.refresh_token).save,
        tokens,
    )
    wanted = wanted_scopes(settings)
    if granted is None or not scopes_cover(granted, wanted):
        return [
            DoctorCheck(
                "youtube account",
                False,
                f"Google says the authorization lacks {', '.join(wanted)}",
                AUTH_FIX,
            )
        ]
    return [DoctorCheck("youtube account", True, "Google confirms the authorization and its scope")]


def run_online_checks(settings: YouTubeSettings, tokens: TokenStore) -> list[DoctorCheck]:
    """From synchronous code (the doctor command)."""
    return asyncio.run(online_checks(settings, tokens))
