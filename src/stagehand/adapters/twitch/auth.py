"""`stagehand auth twitch`: create the app, authorize the bot and the broadcaster, store tokens.

The authorization-code flow: the browser goes to Twitch's authorize page, Twitch sends it
back to the app's redirect URL on this machine, where a one-shot local server takes the
code; the code is exchanged for tokens (twitchio's OAuth client), validated, checked for
the scopes asked for, and stored with `TokenStore` (owner-only, outside the project).
Nothing here prints a token or the client secret.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode, urlsplit

from aiohttp import web
from twitchio.authentication import OAuth
from twitchio.exceptions import HTTPException

from stagehand.adapters.twitch.credentials import AccountToken, TwitchCredentials
from stagehand.adapters.twitch.endpoints import point_twitchio_at
from stagehand.adapters.twitch.errors import describe_error
from stagehand.adapters.twitch.scopes import bot_scopes, broadcaster_scopes
from stagehand.adapters.twitch.settings import TwitchSettings
from stagehand.tokens import TokenStore

APP_CONSOLE = "https://dev.twitch.tv/console/apps/create"
CALLBACK_TIMEOUT_SECONDS = 300.0


class AuthFailed(Exception):
    """The authorization did not complete; the message says what to do."""


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


async def wait_for_code(
    redirect_uri: str, state: str, opened: Callable[[], Awaitable[None]]
) -> str:
    """Serve the redirect URL once, call `opened` when listening, return the code Twitch sent."""
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in ("localhost", "127.0.0.1"):
        raise AuthFailed(f"redirect_uri must be http://localhost:PORT/...; got {redirect_uri}")
    result: asyncio.Future[str] = asyncio.get_running_loop().create_future()

    async def callback(request: web.Request) -> web.Response:
        query = request.query
        if query.get("state") != state:
            text = "stagehand: this answer was not for the request just made; try again."
            if not result.done():
                result.set_exception(
                    AuthFailed("the state did not match (a stale or forged redirect)")
                )
        elif "code" not in query:
            text = "stagehand: Twitch did not authorize the app. You can close this tab."
            why = query.get("error_description") or query.get("error") or "no code"
            if not result.done():
                result.set_exception(AuthFailed(f"Twitch did not authorize stagehand: {why}"))
        else:
            text = "stagehand: authorized. You can close this tab and go back to the terminal."
            if not result.done():
                result.set_result(query["code"])
        return web.Response(text=text)  # plain text: nothing from the query is rendered

    app = web.Application()
    app.router.add_get(parts.path or "/", callback)
    runner = web.AppRunner(app)
    await runner.setup()
    try:
        site = web.TCPSite(runner, parts.hostname, parts.port or 80)
        try:
            await site.start()
        except OSError as exc:
            raise AuthFailed(f"cannot listen on {parts.netloc} ({exc.strerror})") from None
        await opened()
        try:
            return await asyncio.wait_for(result, CALLBACK_TIMEOUT_SECONDS)
        except TimeoutError:
            raise AuthFailed("no answer from the browser within 5 minutes") from None
    finally:
        await runner.cleanup()


async def authorize_account(
    settings: TwitchSettings,
    client_id: str,
    client_secret: str,
    scopes: dict[str, str],
    prompts: Prompts,
) -> AccountToken:
    """One browser round trip: the account logged in on Twitch grants `scopes`."""
    state = secrets.token_urlsafe(24)
    url = authorize_url(settings, client_id, list(scopes), state)

    async def opened() -> None:
        prompts.echo(f"   If no browser opens, visit:\n   {url}")
        maybe = prompts.open_url(url)
        if maybe is not None:
            await maybe

    code = await wait_for_code(settings.redirect_uri, state, opened)
    oauth = OAuth(
        client_id=client_id, client_secret=client_secret, redirect_uri=settings.redirect_uri
    )
    try:
        token = await oauth.user_access_token(code)
        valid = await oauth.validate_token(token.access_token)
    except HTTPException as exc:
        raise AuthFailed(f"exchanging the code failed: {describe_error(exc)}") from None
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


async def run_auth_flow(
    settings: TwitchSettings, store: TokenStore, prompts: Prompts
) -> TwitchCredentials:
    """The whole walk-through; returns what it stored."""
    point_twitchio_at(settings)
    stored = TwitchCredentials.load(store)
    client_id, client_secret = stored.app_credentials(settings)
    say = prompts.echo
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
    channel = settings.channel.lower()
    if not channel:
        raise AuthFailed("set [twitch] channel (your channel's login) first")

    separate = prompts.confirm(f"Will the bot chat from its own account (not {channel})?")
    if separate:
        say("")
        for line in scope_lines(
            "Step 1: in the browser, log in as the BOT account and allow:", bot_scopes(settings)
        ):
            say(line)
        bot = await authorize_account(
            settings, client_id, client_secret, bot_scopes(settings), prompts
        )
        if bot.login == channel:
            raise AuthFailed(f"that was {channel} itself: log in as the bot account instead")
        say(f"   Bot authorized: {bot.login}")
        say("")
        for line in scope_lines(
            f"Step 2: now log in as the BROADCASTER ({channel}) and allow:",
            broadcaster_scopes(settings),
        ):
            say(line)
        broadcaster = await authorize_account(
            settings, client_id, client_secret, broadcaster_scopes(settings), prompts
        )
    else:
        wanted = {**bot_scopes(settings), **broadcaster_scopes(settings)}
        say("")
        for line in scope_lines(f"In the browser, log in as {channel} and allow:", wanted):
            say(line)
        broadcaster = await authorize_account(settings, client_id, client_secret, wanted, prompts)
        bot = broadcaster
    if broadcaster.login != channel:
        raise AuthFailed(f"authorized as {broadcaster.login}, but [twitch] channel is {channel}")
    say(f"   Broadcaster authorized: {broadcaster.login}")
    creds = TwitchCredentials(client_id, client_secret, bot, broadcaster)
    creds.save(store)
    say(f"Saved to {store.path} (readable by you only). Check with `stagehand doctor`.")
    return creds
