"""The browser's way back from a platform's consent page: one OAuth redirect, caught on this machine.

`stagehand auth twitch` and `stagehand auth youtube` both send the browser to the platform,
which sends it back to a loopback redirect URL with a code. `wait_for_code` listens there until
the request carrying this run's `state` comes (others, an old consent tab or a stray request,
are told so and ignored), hands its code to the platform's own `finish` (exchange it, validate,
store), and only then answers the browser, so "authorized" in the browser means the terminal
has the tokens too. Failures are `AuthFailed`: one line that says what failed and what to do.

The page answers in plain text (nothing from the query is rendered), and the server keeps no
access log: the query holds the authorization code.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar
from urllib.parse import urlsplit

from aiohttp import web

#: How long the browser has to come back from the consent page.
CALLBACK_TIMEOUT_SECONDS = 300.0
#: Where a loopback redirect may point (urlsplit gives an IPv6 host without brackets).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})

T = TypeVar("T")


class AuthFailed(Exception):
    """Authorization did not happen; the message is the one line to show the user."""


def loopback_parts(redirect_uri: str, setting: str) -> tuple[str, int, str]:
    """The host, port and path of a loopback `redirect_uri`, or why it is not one (`setting`
    names the key to fix, e.g. "[twitch] redirect_uri")."""
    parts = urlsplit(redirect_uri)
    if parts.scheme != "http" or parts.hostname not in LOOPBACK_HOSTS:
        raise AuthFailed(
            f"{setting} must be a loopback address such as http://127.0.0.1:PORT/ or "
            f"http://localhost:PORT/; got {redirect_uri}"
        )
    return parts.hostname, parts.port or 80, parts.path or "/"


def no_browser_hint(redirect_uri: str, platform: str) -> list[str]:
    """How to authorize from a machine without a browser (a server over SSH)."""
    parts = urlsplit(redirect_uri)
    port = parts.port or 80
    host = parts.hostname or "localhost"
    host = f"[{host}]" if ":" in host else host
    return [
        "   No browser on this machine (e.g. over SSH)? On your own computer run",
        f"     ssh -L {port}:{host}:{port} <you>@<this machine>",
        f"   keep it open, and open the link above there: {platform}'s answer comes back through",
        f"   the tunnel to port {port} here.",
    ]


async def wait_for_code(
    redirect_uri: str,
    state: str,
    *,
    platform: str,
    setting: str,
    opened: Callable[[], Awaitable[None]],
    finish: Callable[[str], Awaitable[T]],
    said: Callable[[T], str],
) -> T:
    """Serve `redirect_uri` until this run's answer comes (the request carrying `state`, within
    the timeout); hand `platform`'s code to `finish` and return what it made,
    telling the browser `said(made)` (or why not) only once `finish` is done. `opened` runs
    once the redirect can be caught (it opens the browser)."""
    host, port, path = loopback_parts(redirect_uri, setting)
    result: asyncio.Future[T] = asyncio.get_running_loop().create_future()

    answered: list[str] = []  # the one request whose code is used (a reload sends it again)

    async def callback(request: web.Request) -> web.Response:
        if result.done() or (answered and request.query.get("state") == state):
            return web.Response(text="stagehand: this tab is no longer needed; you can close it.")
        query = request.query
        if query.get("state") != state:
            # Not the answer to this run's link (an old consent tab, a stray request, or a
            # forged one): said to whoever sent it, and the real answer is still awaited.
            return web.Response(
                status=400,
                text="stagehand: this is not the answer to the link the command printed last "
                "(an old tab, or a request from elsewhere); it was ignored. Open that link, "
                "or close this tab.",
            )
        answered.append(state)
        try:
            if "code" not in query:
                why = query.get("error_description") or query.get("error") or "no code"
                raise AuthFailed(f"{platform} did not authorize stagehand: {why}")
            made = await finish(query["code"])
        except AuthFailed as exc:
            result.set_exception(exc)
            text = f"stagehand: not authorized: {exc}. See the terminal; you can close this tab."
        else:
            result.set_result(made)
            text = f"stagehand: {said(made)}. You can close this tab."
        return web.Response(text=text)  # plain text: nothing from the query is rendered

    app = web.Application()
    app.router.add_get(path, callback)
    runner = web.AppRunner(app, access_log=None)  # the query holds the code: never logged
    await runner.setup()
    try:
        site = web.TCPSite(runner, host, port)
        try:
            await site.start()
        except OSError as exc:
            raise AuthFailed(
                f"cannot listen on {host}:{port} ({exc.strerror}): close what uses that port, "
                f"or set {setting} to another port (and register it with {platform} if it "
                "asks for redirect URLs)"
            ) from None
        await opened()
        try:
            return await asyncio.wait_for(asyncio.shield(result), CALLBACK_TIMEOUT_SECONDS)
        except TimeoutError:
            raise AuthFailed(
                "no answer from the browser within 5 minutes: run the command again and open "
                "the link it prints"
            ) from None
    finally:
        await runner.cleanup()
