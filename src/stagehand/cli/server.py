"""`stagehand token create|list|revoke` and `stagehand attach`: who may use a show server, and
the console on a show running elsewhere."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import click

from stagehand.cli.errors import StagehandCommand, StagehandGroup, UserError
from stagehand.cli.options import config_option
from stagehand.cli.terminal import need_a_terminal

if TYPE_CHECKING:  # imported where used: `stagehand --help` stays quick
    from stagehand.config import Settings
    from stagehand.server.access import AccessTokens


@click.group(cls=StagehandGroup)
def token() -> None:
    """Tokens for the show server: a console elsewhere, Stream Deck buttons, the API."""


def _tokens() -> AccessTokens:
    from stagehand.server.access import AccessTokens

    return AccessTokens()


@token.command("create", cls=StagehandCommand)
@click.option(
    "--role",
    type=click.Choice(["host", "producer", "viewer"]),
    default="producer",
    show_default=True,
    help="host: everything; producer: screen, feature, pin, reply (no answering on air, "
    "stage, bans or segments); viewer: read only.",
)
@click.option(
    "--name",
    default=None,
    help="Who it is for (shown in the host-action log and the report: 'answered by alice'). "
    "Default: the role and a number.",
)
def token_create(role: str, name: str | None) -> None:
    """Make a token and print it (once: only its hash is kept)."""
    from stagehand.server.access import Role, TokenError

    tokens = _tokens()
    try:
        if name is None:
            taken = {entry.name for entry in tokens.entries()}
            name = next(f"{role}-{n}" for n in range(1, 10_000) if f"{role}-{n}" not in taken)
        secret = tokens.create(name, Role(role))
    except TokenError as exc:
        raise UserError(str(exc)) from None
    click.echo(
        f"Created the {role} token {name!r}: shown once, kept hashed in {tokens.path} "
        f"(stagehand token revoke {name} ends it). Use it with:\n"
        "  stagehand attach http://HOST:PORT    (asks for the token, hidden; or set "
        "STAGEHAND_ATTACH_TOKEN: a token on the command line shows in `ps`)",
        err=True,
    )
    click.echo(secret)


@token.command("list", cls=StagehandCommand)
def token_list() -> None:
    """The tokens made here: name, role, when, and whether revoked (never the tokens)."""
    from stagehand.domain import THIS_CONSOLE
    from stagehand.server.access import TokenError, name_taken_message

    tokens = _tokens()
    try:
        entries = tokens.entries()
    except TokenError as exc:
        raise UserError(str(exc)) from None
    if not entries:
        click.echo("No tokens yet: stagehand token create --name alice --role producer")
        return
    width = max(len(entry.name) for entry in entries)
    for entry in entries:
        status = f"revoked {entry.revoked_at}" if entry.revoked_at else "live"
        if not entry.revoked_at and entry.name == THIS_CONSOLE:
            status = f"refused by the show: {name_taken_message(entry.name).split(': ', 1)[1]}"
        click.echo(
            f"{entry.name.ljust(width)}  {entry.role.value:<8}  {entry.created_at}  {status}"
        )


@token.command("revoke", cls=StagehandCommand)
@click.argument("name")
def token_revoke(name: str) -> None:
    """Revoke the token NAME: a running show refuses it from its next request on."""
    from stagehand.server.access import TokenError

    try:
        entry = _tokens().revoke(name)
    except TokenError as exc:
        raise UserError(str(exc)) from None
    click.echo(f"Revoked {entry.name!r} ({entry.role.value}); consoles using it are disconnected.")


@click.command(cls=StagehandCommand)
@click.argument("url")
@click.option(
    "--token",
    "token_value",
    default=None,
    help="The token the host gave you (or $STAGEHAND_ATTACH_TOKEN; asked for when missing).",
)
@config_option
def attach(url: str, token_value: str | None, config_path: Path | None) -> None:
    """Open the console on a show running elsewhere, through its show server at URL.

    What you can do depends on your token's role; quitting leaves the show running.
    """
    from stagehand.config import load_settings
    from stagehand.logs import configure_logging, register_secret

    url = _base_url(url)
    secret = token_value or os.environ.get("STAGEHAND_ATTACH_TOKEN")
    if not secret and not sys.stdin.isatty():
        # Asking would read the token from a pipe or a script, echoed, and fail at its end.
        raise UserError(
            "attach needs the token the host gave you, and there is no terminal here to ask "
            "for it: set STAGEHAND_ATTACH_TOKEN (or pass --token TOKEN, which `ps` shows)"
        )
    if not secret:
        secret = click.prompt("Token", hide_input=True, show_default=False).strip()
    register_secret(secret)
    settings = load_settings(config_path, required=False)
    log_path = configure_logging(to_file=True)
    name, how = asyncio.run(_attach(url, secret, settings))
    click.echo(f"Left {name!r} at {url}; {how} (log: {log_path})")


async def _attach(url: str, secret: str, settings: Settings) -> tuple[str, str]:
    """The console on the show at `url` until it quits: the show's name, and what became of
    the show by then ("the show goes on", "the show had ended", ...)."""
    from stagehand.console.app import make_app
    from stagehand.server.remote import RemoteError, RemoteShow

    remote = RemoteShow(url, secret)
    try:
        await remote.connect()
    except RemoteError as exc:
        raise UserError(str(exc)) from None
    try:
        need_a_terminal("run it in a terminal; the show's overlay and API need none")
    except UserError:
        await remote.close()
        raise
    app = make_app(remote, settings, server_url=remote.url, attached_as=(remote.name, remote.role))
    try:
        await app.run_async()
    finally:
        await remote.close()
    if remote.ended:
        return remote.show.name, "the show had ended"
    if remote.stopped_at is not None:
        return (
            remote.show.name,
            f"the show had stopped at {remote.stopped_at:%H:%M} before its end (the command "
            "that ran it resumes it, given --show and the show's name)",
        )
    return remote.show.name, "the show goes on"


def _base_url(url: str) -> str:
    """`host:port` or a copied `/overlay` link to the server's address; UserError for one that
    cannot be (no host, a port out of range), so it is not blamed on the show not running."""
    given = url.strip()
    url = given if "://" in given else "http://" + given
    url = url.rstrip("/")
    for tail in ("/overlay", "/api/state", "/api/events"):
        url = url.removesuffix(tail)
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise UserError(f"{url}: give the show server's http:// or https:// address")
    try:
        port = parts.port
    except ValueError:
        port = -1
    if not parts.hostname:
        raise UserError(
            f"no host in {given!r}: give the show's address, e.g. http://127.0.0.1:8765"
        )
    if port is not None and not 1 <= port <= 65535:
        raise UserError(
            f"{url}: the port must be a number from 1 to 65535 (the show's first line says "
            "where it is served)"
        )
    return url
