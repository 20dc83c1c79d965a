"""`stagehand auth twitch`: create the app, authorize the bot and the broadcaster, store tokens.

What can be checked without a browser is checked first, so a typo costs seconds, not a
login: the channel (from the config, or asked), then the app's client id and secret, which
Twitch must accept, and the channel, which must exist on Twitch. Then the authorization-code
flow: the browser goes to Twitch's authorize page, Twitch sends it back to the app's redirect
URL on this machine, where a one-shot local server takes the code; the code is exchanged for
tokens (twitchio's OAuth client), validated, checked for the scopes asked for and for the
right account, and only then does the browser page say "authorized". Tokens are stored with
`TokenStore` (owner-only, outside the project). Every failure is an `AuthFailed` whose one
line says what failed and what to do; nothing here prints a token or the client secret.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import aiohttp
from twitchio.authentication import OAuth
from twitchio.exceptions import HTTPException

from stagehand.adapters.redirect import AuthFailed, no_browser_hint, wait_for_code
from stagehand.adapters.twitch.credentials import APPS, AccountToken, TwitchCredentials
from stagehand.adapters.twitch.endpoints import point_library_at
from stagehand.adapters.twitch.errors import describe_error
from stagehand.adapters.twitch.probe import NETWORK_ERRORS, TwitchProbe
from stagehand.adapters.twitch.scopes import bot_scopes, broadcaster_scopes
from stagehand.config.twitch import TwitchSettings
from stagehand.tokens import TokenStore

APP_CONSOLE = "https://dev.twitch.tv/console/apps/create"
#: Twitch logins: 4-25 characters, letters, digits and underscores (older ones may be shorter).
LOGIN = re.compile(r"[a-z0-9_]{3,25}")
STORED = "the token file (an earlier `stagehand auth twitch`)"


class AppRefused(AuthFailed):
    """Twitch refused the client id or secret (not a network problem)."""


@dataclass
class Prompts:
    """How the flow talks to the user (click in the CLI, canned answers in tests)."""

    echo: Callable[[str], None]
    ask: Callable[[str, bool], str]  # (question, hide_input) -> answer
    confirm: Callable[[str], bool]
    open_url: Callable[[str], Awaitable[None] | None]


def setup_steps(settings: TwitchSettings) -> list[str]:
    """What to do on dev.twitch.tv before the first authorization."""
    return [
        f"1. Open {APP_CONSOLE} (log in with any account you own).",
        '2. Name: anything, e.g. "stagehand for <your channel>". Category: Chat Bot.',
        f"3. OAuth Redirect URL: {settings.redirect_uri}",
        "4. Client type: Confidential. Create, then Manage: copy the Client ID,",
        "   press New Secret and copy the Client Secret.",
    ]


def scope_lines(title: str, scopes: dict[str, str]) -> list[str]:
    return [title, *(f"   {scope:34} {why}" for scope, why in scopes.items())]


def authorize_url(settings: TwitchSettings, client_id: str, scopes: list[str], state: str) -> str:
    """Twitch's consent page; force_verify so the user can switch to the right account."""
    query = urlencode(
        {
            "client_id": client_id,
            "redirect_uri": settings.redirect_uri,
            "response_type": "code",
            "scope": " ".join(scopes),
            "state": state,
            "force_verify": "true",
        }
    )
    return f"{settings.oauth_url}authorize?{query}"


def unreachable(url: str, exc: BaseException) -> AuthFailed:
    host = urlsplit(url).netloc or url
    return AuthFailed(
        f"cannot reach Twitch at {host} ({type(exc).__name__}): check the network "
        "connection and run `stagehand auth twitch` again"
    )


async def authorize_account(
    settings: TwitchSettings,
    client_id: str,
    client_secret: str,
    scopes: dict[str, str],
    prompts: Prompts,
    accept: Callable[[AccountToken], None] = lambda account: None,
) -> AccountToken:
    """One browser round trip: the account logged in on Twitch grants `scopes`.

    `accept` raises `AuthFailed` for an account that must not be used (the wrong one), before
    the browser is told anything.
    """
    state = secrets.token_urlsafe(24)
    url = authorize_url(settings, client_id, list(scopes), state)

    async def opened() -> None:
        prompts.echo(f"   If no browser opens, visit:\n   {url}")
        for line in no_browser_hint(settings.redirect_uri, "Twitch"):
            prompts.echo(line)
        maybe = prompts.open_url(url)
        if maybe is not None:
            await maybe

    async def finish(code: str) -> AccountToken:
        account = await exchange_code(settings, client_id, client_secret, scopes, code)
        accept(account)
        return account

    return await wait_for_code(
        settings.redirect_uri,
        state,
        platform="Twitch",
        setting="[twitch] redirect_uri",
        opened=opened,
        finish=finish,
        said=lambda account: f"authorized as {account.login}",
    )


async def exchange_code(
    settings: TwitchSettings,
    client_id: str,
    client_secret: str,
    scopes: dict[str, str],
    code: str,
) -> AccountToken:
    """Twitch's code -> tokens (twitchio's OAuth client), validated and checked for `scopes`."""
    oauth = OAuth(
        client_id=client_id, client_secret=client_secret, redirect_uri=settings.redirect_uri
    )
    try:
        token = await oauth.user_access_token(code)
        valid = await oauth.validate_token(token.access_token)
    except HTTPException as exc:
        raise AuthFailed(f"exchanging the code failed: {describe_error(exc)}") from None
    except NETWORK_ERRORS as exc:
        raise unreachable(settings.oauth_url, exc) from None
    finally:
        await oauth.close()
    missing = [s for s in scopes if s not in valid.scopes]
    if missing:
        raise AuthFailed(f"Twitch granted fewer scopes than asked: missing {', '.join(missing)}")
    if not valid.user_id or not valid.login:
        raise AuthFailed("Twitch returned a token without a user")
    return AccountToken(
        user_id=valid.user_id,
        login=valid.login,
        access_token=token.access_token,
        refresh_token=token.refresh_token,
        scopes=tuple(valid.scopes),
        expires_at=datetime.now(UTC) + timedelta(seconds=valid.expires_in),
    )


async def check_app(
    settings: TwitchSettings, client_id: str, client_secret: str, channel: str, source: str
) -> None:
    """Before any browser: Twitch accepts the app's credentials, and the channel exists."""
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
            probe = TwitchProbe(http, settings, client_id)
            app = await probe.app_token(client_secret)
            if app.status >= 500 or app.status == 429:
                raise AuthFailed(
                    f"Twitch is not answering properly ({app.status} {app.message}): "
                    "try again in a few minutes"
                )
            if app.status != 200 or not app.body.get("access_token"):
                raise AppRefused(
                    f"Twitch refused the client id and secret ({app.status} {app.message}); "
                    f"they came from {source}: copy the Client ID again, or press New Secret, "
                    f"at {APPS}"
                )
            found = await probe.user(channel, str(app.body["access_token"]))
    except NETWORK_ERRORS as exc:
        raise unreachable(settings.oauth_url, exc) from None
    if found.status == 200 and not found.body.get("data"):
        raise AuthFailed(
            f"Twitch has no channel named {channel!r}: set [twitch] channel to your channel's "
            "login (the name in its URL, twitch.tv/<login>)"
        )


def ask_channel(settings: TwitchSettings, prompts: Prompts) -> tuple[str, bool]:
    """The channel's login, from the config or asked for; and whether it was asked."""
    if settings.channel:
        channel, asked = settings.channel.strip().lower(), False
    else:
        answer = prompts.ask("Your Twitch channel (its login, as in twitch.tv/<login>)", False)
        channel, asked = answer.strip().lstrip("@").lower(), True
    if not LOGIN.fullmatch(channel):
        raise AuthFailed(
            f"{channel!r} is not a Twitch login (letters, digits and _, at most 25): "
            "set [twitch] channel to your channel's login"
        )
    return channel, asked


async def run_auth_flow(
    settings: TwitchSettings, store: TokenStore, prompts: Prompts
) -> TwitchCredentials:
    """The whole walk-through; returns what it stored."""
    point_library_at(settings)
    say = prompts.echo
    channel, channel_asked = ask_channel(settings, prompts)
    try:
        stored = TwitchCredentials.load(store)
    except RuntimeError as exc:  # an unreadable token file: say which, never a traceback
        raise AuthFailed(f"{exc}: move it away and run the command again") from None
    client_id, client_secret = stored.app_credentials(settings)
    source = _credentials_source(settings, stored)
    if not client_id or not client_secret:
        say("First, register stagehand as a Twitch application:")
        for line in setup_steps(settings):
            say(line)
    if not client_id:
        client_id = prompts.ask("Client ID", False).strip()
    if not client_secret:
        client_secret = prompts.ask("Client Secret (not shown)", True).strip()
    if not client_id or not client_secret:
        raise AuthFailed("a client id and a client secret are both needed")
    try:
        await check_app(settings, client_id, client_secret, channel, source)
    except AppRefused as refused:
        if source != STORED:
            raise
        # Stored by an earlier run and refused now (a new secret was made): ask again.
        say(f"{refused}.")
        client_id = prompts.ask("Client ID", False).strip()
        client_secret = prompts.ask("Client Secret (not shown)", True).strip()
        await check_app(settings, client_id, client_secret, channel, "what you typed")

    def not_the_channel(account: AccountToken) -> None:
        if account.login == channel:
            raise AuthFailed(f"that was {channel} itself: log in as the bot account instead")

    def the_channel(account: AccountToken) -> None:
        if account.login != channel:
            raise AuthFailed(f"authorized as {account.login}, but [twitch] channel is {channel}")

    separate = prompts.confirm(f"Will the bot chat from its own account (not {channel})?")
    if separate:
        say("")
        for line in scope_lines(
            "Step 1: in the browser, log in as the BOT account and allow:", bot_scopes(settings)
        ):
            say(line)
        bot = await authorize_account(
            settings, client_id, client_secret, bot_scopes(settings), prompts, not_the_channel
        )
        say(f"   Bot authorized: {bot.login}")
        say("")
        for line in scope_lines(
            f"Step 2: now log in as the BROADCASTER ({channel}) and allow:",
            broadcaster_scopes(settings),
        ):
            say(line)
        broadcaster = await authorize_account(
            settings,
            client_id,
            client_secret,
            broadcaster_scopes(settings),
            prompts,
            the_channel,
        )
    else:
        wanted = {**bot_scopes(settings), **broadcaster_scopes(settings)}
        say("")
        for line in scope_lines(f"In the browser, log in as {channel} and allow:", wanted):
            say(line)
        broadcaster = await authorize_account(
            settings, client_id, client_secret, wanted, prompts, the_channel
        )
        bot = broadcaster
    say(f"   Broadcaster authorized: {broadcaster.login}")
    creds = TwitchCredentials(client_id, client_secret, bot, broadcaster)
    creds.save(store)
    say(f"Saved to {store.path} (readable by you only). Check with `stagehand doctor`.")
    if channel_asked:
        say(f'Put the channel in your config too: under [twitch], channel = "{channel}"')
    return creds


def _credentials_source(settings: TwitchSettings, stored: TwitchCredentials) -> str:
    """Where the client id and secret come from, so a refusal names what to fix."""
    if settings.client_secret or settings.client_id:
        return "the config or environment ([twitch] client_id, STAGEHAND_TWITCH_CLIENT_SECRET)"
    if stored.client_id:
        return STORED
    return "what you typed"
