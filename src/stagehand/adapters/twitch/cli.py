"""The `stagehand auth twitch` click command (the lead registers it under `auth`)."""

from __future__ import annotations

import asyncio
import contextlib
import webbrowser
from pathlib import Path

import click

from stagehand.cli_support import StagehandCommand, UserError


@click.command("twitch", cls=StagehandCommand)
@click.option(
    "-c",
    "--config",
    "config_path",
    type=click.Path(path_type=Path),
    default=None,
    help="Config file (default: the usual search, see `stagehand --help`).",
)
def auth_twitch(config_path: Path | None) -> None:
    """Authorize stagehand on Twitch: register the app, then the bot and the broadcaster.

    Tokens go to the user's token file (owner-only), never to the project directory. Without a
    browser on this machine (over SSH), open the printed link on your own computer with the
    callback port forwarded (`ssh -L 4343:localhost:4343 ...`; docs/twitch.md).
    """
    from stagehand.adapters.twitch.auth import AuthFailed, Prompts, run_auth_flow
    from stagehand.config import ConfigError, load_settings
    from stagehand.tokens import TokenStore

    try:
        settings = load_settings(config_path, required=False)
    except ConfigError as exc:
        raise UserError(str(exc)) from None
    prompts = Prompts(
        echo=click.echo,
        ask=lambda text, hide: click.prompt(text, hide_input=hide),
        confirm=lambda text: click.confirm(text, default=False),
        open_url=lambda url: _open_browser(url),
    )
    try:
        asyncio.run(run_auth_flow(settings.twitch, TokenStore(), prompts))
    except AuthFailed as exc:
        raise UserError(str(exc)) from None
    except KeyboardInterrupt:
        raise click.Abort() from None
    except OSError as exc:  # the token file's folder cannot be written, say
        raise UserError(f"cannot save the tokens: {exc.strerror or exc}") from None


def _open_browser(url: str) -> None:
    with contextlib.suppress(Exception):  # no browser here is fine: the link is printed above
        webbrowser.open(url)
