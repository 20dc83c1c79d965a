"""`stagehand auth twitch`, `discord` and `youtube`: authorize stagehand with a platform.

Tokens go to the user's token file (owner-only), never to the project directory. Importing this
module imports neither twitchio nor discord.py.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import sys
import warnings
import webbrowser
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import click
from pydantic import SecretStr

from stagehand.cli.errors import StagehandCommand, StagehandGroup, UserError
from stagehand.cli.options import config_option
from stagehand.tokens import TokenStore

if TYPE_CHECKING:
    from stagehand.config import Settings
    from stagehand.config.discord import DiscordSettings


@click.group(cls=StagehandGroup)
def auth() -> None:
    """Authorize stagehand with a platform (`stagehand auth twitch`, `discord`, `youtube`)."""


@auth.command("twitch", cls=StagehandCommand)
@config_option
def auth_twitch(config_path: Path | None) -> None:
    """Authorize stagehand on Twitch: register the app, then the bot and the broadcaster.

    Tokens go to the user's token file (owner-only), never to the project directory. Without a
    browser on this machine (over SSH), open the printed link on your own computer with the
    callback port forwarded (`ssh -L 4343:localhost:4343 ...`; docs/twitch.md).
    """
    from stagehand.adapters.twitch.auth import Prompts, run_auth_flow

    settings = _settings(config_path)
    prompts = Prompts(
        echo=click.echo,
        ask=_ask,
        confirm=_confirm,
        open_url=lambda url: _open_browser(url),
        interactive=sys.stdin.isatty(),  # a script's mistake ends the run, one Error line
    )
    _authorize(run_auth_flow(settings.twitch, TokenStore(), prompts))


@auth.command("youtube", cls=StagehandCommand)
@config_option
def auth_youtube(config_path: Path | None) -> None:
    """Authorize stagehand on YouTube with Google's installed-app flow (a loopback redirect).

    Needs an OAuth client of type "Desktop app" from your Google Cloud project (the command
    says how). Tokens go to the user's token file (owner-only). Without a browser on this
    machine, open the printed link on your own computer with the callback port forwarded
    (`ssh -L 4345:127.0.0.1:4345 ...`; docs/youtube.md). Costs no YouTube quota.
    """
    from stagehand.adapters.youtube.auth import Prompts, run_auth_flow

    settings = _settings(config_path)
    prompts = Prompts(
        echo=click.echo,
        ask=_ask,
        open_url=lambda url: _open_browser(url),
    )
    _authorize(run_auth_flow(settings.youtube, TokenStore(), prompts))


def _settings(config_path: Path | None) -> Settings:
    """The config (none needed: the flows ask for what is missing), or one line on what is
    wrong with it."""
    from stagehand.config import ConfigError, load_settings

    try:
        return load_settings(config_path, required=False)
    except ConfigError as exc:
        raise UserError(str(exc)) from None


def _authorize(flow: Coroutine[Any, Any, object]) -> None:
    """Run a platform's authorization walk-through; its failure is one line."""
    from stagehand.adapters.redirect import AuthFailed

    try:
        asyncio.run(flow)
    except AuthFailed as exc:
        raise UserError(str(exc)) from None
    except KeyboardInterrupt:
        raise click.Abort() from None
    except OSError as exc:  # the token file's folder cannot be written, say
        raise UserError(f"cannot save the tokens: {exc.strerror or exc}") from None


def _ask(text: str, hide: bool, *, for_scripts: str = "") -> str:
    """An answer typed at the terminal; one Error line instead of "Aborted!" when standard input
    ends first (a pipe, a script), saying `for_scripts` when there is a way to give it there."""
    try:
        with warnings.catch_warnings():
            # Without a terminal, getpass warns (with a Python file name) that the answer echoes.
            warnings.simplefilter("ignore", getpass.GetPassWarning)
            return str(click.prompt(text, hide_input=hide, show_default=False))
    except click.Abort:
        _no_answer(text, for_scripts)


def _confirm(text: str) -> bool:
    try:
        return click.confirm(text, default=False)
    except click.Abort:
        _no_answer(text)


def _no_answer(question: str, for_scripts: str = "") -> NoReturn:
    """Standard input ended before `question` had its answer: at a terminal the host pressed
    Ctrl-D or Ctrl-C ("Aborted!"); elsewhere nobody was there to answer, and the line says so."""
    if sys.stdin.isatty():
        raise click.Abort()
    hint = f"; {for_scripts}" if for_scripts else ""
    raise UserError(
        f"no answer to {question.strip().rstrip(':?')!r}: standard input ended "
        f"(run this in a terminal{hint})"
    ) from None


def _open_browser(url: str) -> None:
    with contextlib.suppress(Exception):  # no browser here is fine: the link is printed above
        webbrowser.open(url)


STEPS = """\
Paste the bot token of your Discord application.
  1. https://discord.com/developers/applications -> your app -> Bot -> Reset Token
  2. Copy the token (it is shown once) and paste it here; it is not echoed.
The full set-up (intents, permissions, invite link) is in docs/discord.md."""


@auth.command("discord", cls=StagehandCommand)
@config_option
@click.option(
    "--token-stdin",
    is_flag=True,
    help="Read the token from standard input instead of prompting (for scripts).",
)
def auth_discord(config_path: Path | None, token_stdin: bool) -> None:
    """Store the Discord bot token in the token store (owner-only file).

    The config (`-c`) says what is still to set afterwards, and whether a token in it or in
    STAGEHAND_DISCORD_TOKEN would be used instead of the stored one.
    """
    from stagehand.adapters.discord.credentials import looks_like_bot_token, store_bot_token

    settings = _settings(config_path).discord
    if token_stdin:
        token = sys.stdin.readline().strip()
    else:
        click.echo(STEPS)
        token = _ask(
            "Bot token", hide=True, for_scripts="or pipe the token in with --token-stdin"
        ).strip()
    token = token.removeprefix("Bot ").strip()
    if not token:
        raise UserError("no token given; nothing was stored")
    if not looks_like_bot_token(SecretStr(token)) and not _confirm(
        "That does not look like a bot token (three parts separated by dots). Store it anyway?"
    ):
        raise UserError("nothing was stored")

    store = TokenStore()
    try:
        store_bot_token(store, token)
    except (OSError, RuntimeError) as exc:
        raise UserError(f"could not write {store.path}: {exc}") from None
    click.echo(f"Stored the Discord bot token in {store.path} (readable by you only).")
    if settings.token is not None and settings.token.get_secret_value().strip():
        click.echo(
            "Note: the config or STAGEHAND_DISCORD_TOKEN sets a token too, and it is the one "
            "used: remove it to use the stored one."
        )
    click.echo(f"Next: {_discord_next(settings)}")


def _discord_next(settings: DiscordSettings) -> str:
    """What is left to set in the config before `stagehand run` connects to Discord."""
    missing = [
        key
        for key, unset in (
            ("guild_id", settings.guild_id is None),
            ("enabled = true", not settings.enabled),
        )
        if unset
    ]
    if not missing:
        return "run `stagehand doctor`."
    return f"set [discord] {' and '.join(missing)}, then run `stagehand doctor`."
