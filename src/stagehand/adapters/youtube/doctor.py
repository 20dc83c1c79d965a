"""`stagehand doctor` lines for YouTube: what is missing, short of a scope, or revoked.

The offline checks read the config and the token store only. With `online=True` (doctor's
default) Google itself is asked whether the stored authorization still works (`online.py`);
neither costs YouTube quota. The day's quota spend is doctor's own line (it reads the database).
"""

from __future__ import annotations

from stagehand.adapters.youtube.credentials import (
    AUTH_FIX,
    YouTubeCredentials,
    scopes_cover,
    wanted_scopes,
)
from stagehand.config.youtube import YouTubeSettings
from stagehand.platform import DoctorCheck
from stagehand.tokens import TokenStore


def doctor_checks(
    settings: YouTubeSettings, tokens: TokenStore, *, online: bool = False
) -> list[DoctorCheck]:
    """One check per thing the YouTube adapter needs, each with how to fix it."""
    checks = offline_checks(settings, tokens, online=online)
    if not online or not settings.enabled or not all(check.ok for check in checks):
        return checks
    from stagehand.adapters.youtube.online import run_online_checks

    answers = {check.name: check for check in run_online_checks(settings, tokens)}
    return [answers.pop(check.name, check) for check in checks] + list(answers.values())


def offline_checks(
    settings: YouTubeSettings, tokens: TokenStore, *, online: bool = False
) -> list[DoctorCheck]:
    if not settings.enabled:
        return [DoctorCheck("youtube", True, "disabled ([youtube] enabled = false)")]
    if settings.video_id:
        where = f"reading the chat of video {settings.video_id}"
    elif settings.channel_id:
        where = f"reading the live broadcast of channel {settings.channel_id}"
    else:
        where = "reading the authorized account's live broadcast"
    checks = [DoctorCheck("youtube chat", True, where)]
    try:
        creds = YouTubeCredentials.load(tokens)
    except RuntimeError as exc:
        return [
            *checks,
            DoctorCheck("youtube tokens", False, str(exc), f"delete it and {AUTH_FIX}"),
        ]
    client_id, secret = creds.app_credentials(settings)
    missing = [
        name for name, value in (("client id", client_id), ("client secret", secret)) if not value
    ]
    checks.append(
        DoctorCheck(
            "youtube client",
            not missing,
            "OAuth client id and secret present"
            if not missing
            else "missing " + " and ".join(missing),
            "" if not missing else AUTH_FIX,
        )
    )
    wanted = wanted_scopes(settings)
    if not creds.refresh_token:
        checks.append(DoctorCheck("youtube account", False, "not authorized yet", AUTH_FIX))
    elif not scopes_cover(creds.scopes, wanted):
        checks.append(
            DoctorCheck(
                "youtube account",
                False,
                f"the stored authorization lacks {', '.join(wanted)}",
                f"{AUTH_FIX} (read_only changed since the last authorization?)",
            )
        )
    else:
        detail = "authorized"
        if not online:
            detail += " (not checked online: Google may have revoked it)"
        checks.append(DoctorCheck("youtube account", True, detail))
    return checks
