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


#: Where an answer typed at the prompt came from, as a refusal names it.
TYPED = "what you typed"
#: How many times a typed answer (the secret, the channel) or a browser login is tried.
TRIES = 3


class AppRefused(AuthFailed):
    """Twitch refused the client id or secret (not a network problem)."""

    def __init__(self, message: str, *, blames: str = "") -> None:
        super().__init__(message)
        #: "client id" or "client secret" when Twitch's answer says which is wrong.
        self.blames = blames


class NoSuchChannel(AuthFailed):
    """Twitch knows no channel of the login given."""


class WrongAccount(AuthFailed):
    """The browser logged in as an account that must not be used for this step."""


@dataclass
class Prompts:
    """How the flow talks to the user (click in the CLI, canned answers in tests).

    `interactive`: someone is at the terminal, so a mistake typed at a prompt (a refused
    secret, an unknown channel) or made in the browser (the wrong account) is asked again
    instead of ending the walk-through with nothing stored.
    """

    echo: Callable[[str], None]
    ask: Callable[[str, bool], str]  # (question, hide_input) -> answer
    confirm: Callable[[str], bool]
    open_url: Callable[[str], Awaitable[None] | None]
    interactive: bool = False


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
    """A browser round trip in which the account logged in on Twitch grants `scopes`, again
    (when someone is at the terminal) while `accept` refuses the account that logged in."""
    for tries_left in range(TRIES - 1, -1, -1):
        try:
            return await _authorize_once(
                settings, client_id, client_secret, scopes, prompts, accept
            )
        except WrongAccount as wrong:
            if not prompts.interactive or not tries_left:
                raise
            prompts.echo(f"   Not stored: {wrong}. Once more (switch accounts on Twitch's page):")
    raise AssertionError("unreachable")  # the last try returns or raises


async def _authorize_once(
    settings: TwitchSettings,
    client_id: str,
    client_secret: str,
    scopes: dict[str, str],
    prompts: Prompts,
    accept: Callable[[AccountToken], None],
) -> AccountToken:
    """One browser round trip. `accept` raises `WrongAccount` for an account that must not be
    used, before the browser is told anything."""
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
    """Before any browser: Twitch accepts the app's credentials (`AppRefused`, naming `source`,
    where they came from), and the channel exists (`NoSuchChannel`)."""
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
                    f"{source}: copy the Client ID again, or press New Secret, at {APPS}",
                    blames=_blamed(app.status, app.message),
                )
            found = await probe.user(channel, str(app.body["access_token"]))
    except NETWORK_ERRORS as exc:
        raise unreachable(settings.oauth_url, exc) from None
    if found.status == 200 and not found.body.get("data"):
        raise NoSuchChannel(
            f"Twitch has no channel named {channel!r}: set [twitch] channel to your channel's "
            "login (the name in its URL, twitch.tv/<login>)"
        )


def _blamed(status: int, message: str) -> str:
    """Which credential Twitch's refusal blames: 403 "invalid client secret", 400 "invalid
    client" (an unknown client id); "" when it does not say."""
    if "secret" in message.lower():
        return "client secret"
    if status == 400 and message.strip().lower() == "invalid client":
        return "client id"
    return ""


def ask_channel(settings: TwitchSettings, prompts: Prompts) -> tuple[str, bool]:
    """The channel's login, from the config or asked for (again, at a terminal, while it is
    not a login); and whether it was asked."""
    if settings.channel:
        channel = settings.channel.strip().lower()
        if not LOGIN.fullmatch(channel):
            raise AuthFailed(_not_a_login(channel))
        return channel, False
    for tries_left in range(TRIES - 1, -1, -1):
        channel = _typed_channel(prompts)
        if LOGIN.fullmatch(channel):
            break
        if not prompts.interactive or not tries_left:
            raise AuthFailed(_not_a_login(channel))
        prompts.echo(f"{_not_a_login(channel).partition(': set')[0]}. Once more:")
    return channel, True


def _typed_channel(prompts: Prompts) -> str:
    answer = prompts.ask("Your Twitch channel (its login, as in twitch.tv/<login>)", False)
    return answer.strip().lstrip("@").lower()


def _not_a_login(channel: str) -> str:
    return (
        f"{channel!r} is not a Twitch login (letters, digits and _, at most 25): "
        "set [twitch] channel to your channel's login"
    )


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
    sources = _Sources.of(settings, stored)
    if not client_id or not client_secret:
        say("First, register stagehand as a Twitch application:")
        for line in setup_steps(settings):
            say(line)
    if not client_id:
        client_id, sources.client_id = _ask_client_id(prompts), TYPED
    if not client_secret:
        client_secret, sources.client_secret = _ask_secret(prompts), TYPED
    if not client_id or not client_secret:
        raise AuthFailed("a client id and a client secret are both needed")
    client_id, client_secret, channel = await _checked_app(
        settings, prompts, sources, client_id, client_secret, channel, channel_asked=channel_asked
    )

    def not_the_channel(account: AccountToken) -> None:
        if account.login == channel:
            raise WrongAccount(f"that was {channel} itself: log in as the bot account instead")

    def the_channel(account: AccountToken) -> None:
        if account.login != channel:
            raise WrongAccount(f"authorized as {account.login}, but [twitch] channel is {channel}")

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
        kept = await still_valid_broadcaster(settings, stored, client_id, channel, bot)
        if kept is not None:
            say(
                f"Step 2: skipped: the stored authorization of the broadcaster ({channel}) "
                "still holds, with every scope needed (no second login)."
            )
            broadcaster = kept
        else:
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


async def still_valid_broadcaster(
    settings: TwitchSettings,
    stored: TwitchCredentials,
    client_id: str,
    channel: str,
    bot: AccountToken,
) -> AccountToken | None:
    """The stored broadcaster token, when Twitch still accepts it for this app and `channel`
    with every scope the broadcaster needs (only the bot's was refused, say): then re-running
    the command asks for the bot's login alone. None: the broadcaster logs in again."""
    held = stored.broadcaster
    if (
        held is None
        or held.login != channel
        or held.user_id == bot.user_id
        or held.missing_scopes(broadcaster_scopes(settings))
    ):
        return None
    try:
        async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=20)) as http:
            answer = await TwitchProbe(http, settings, client_id).validate(held.access_token)
    except NETWORK_ERRORS:
        return None
    body = answer.body
    if answer.status != 200 or str(body.get("user_id")) != held.user_id:
        return None
    if str(body.get("client_id") or client_id) != client_id:
        return None
    return held


async def _checked_app(
    settings: TwitchSettings,
    prompts: Prompts,
    sources: _Sources,
    client_id: str,
    client_secret: str,
    channel: str,
    *,
    channel_asked: bool,
) -> tuple[str, str, str]:
    """The client id, secret and channel once Twitch accepts them; what was typed wrong (or
    stored and refused since) is asked again, what the config says is not (only an edit fixes
    it): the refusal names where each came from."""
    tries = 0
    while True:
        tries += 1
        retry = prompts.interactive and tries < TRIES
        try:
            await check_app(settings, client_id, client_secret, channel, sources.said())
            return client_id, client_secret, channel
        except AppRefused as refused:
            again = sources.to_ask_again(refused.blames, retry)
            if not again:
                raise
            prompts.echo(f"{refused}.")
            if "client id" in again:
                client_id, sources.client_id = _ask_client_id(prompts), TYPED
            if "client secret" in again:
                client_secret, sources.client_secret = _ask_secret(prompts), TYPED
        except NoSuchChannel as unknown:
            if not (channel_asked and retry):
                raise
            prompts.echo(f"{str(unknown).partition(': set')[0]}. Once more:")
            channel = _typed_channel(prompts)
            if not LOGIN.fullmatch(channel):
                raise AuthFailed(_not_a_login(channel)) from None


def _ask_client_id(prompts: Prompts) -> str:
    return prompts.ask("Client ID", False).strip()


def _ask_secret(prompts: Prompts) -> str:
    return prompts.ask("Client Secret (not shown)", True).strip()


@dataclass
class _Sources:
    """Where the client id and the secret each came from, so a refusal names what to fix."""

    client_id: str
    client_secret: str

    @classmethod
    def of(cls, settings: TwitchSettings, stored: TwitchCredentials) -> _Sources:
        secret = settings.client_secret.get_secret_value() if settings.client_secret else ""
        return cls(
            _configured(settings, "client_id") if settings.client_id else STORED,
            _configured(settings, "client_secret") if secret else STORED,
        )

    def said(self) -> str:
        if self.client_id == self.client_secret:
            return f"both came from {self.client_id}"
        return f"the client id came from {self.client_id}, the secret from {self.client_secret}"

    def to_ask_again(self, blamed: str, interactive: bool) -> list[str]:
        """What to ask for again after a refusal of `blamed` (or of either): what was stored
        (stale since), and what was typed while someone is there to type it again; nothing
        when the culprit is in the config or the environment (only an edit fixes that)."""
        suspects = [blamed] if blamed else ["client id", "client secret"]
        sources = {"client id": self.client_id, "client secret": self.client_secret}
        again = [
            name
            for name in suspects
            if sources[name] == STORED or (sources[name] == TYPED and interactive)
        ]
        return again if len(again) == len(suspects) else []


def _configured(settings: TwitchSettings, key: str) -> str:
    """A [twitch] key's source: its STAGEHAND_TWITCH_* variable when that is set (the
    environment wins over the file), else the config."""
    variable = settings.set_in_environment(key)
    return f"the environment ({variable})" if variable else f"the config ({settings.key(key)})"
