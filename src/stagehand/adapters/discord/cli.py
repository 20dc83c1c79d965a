"""`stagehand auth discord`: store the bot token where stagehand looks for it.

The lead registers it: `auth.add_command(auth_discord, name="discord")`. Importing this module
does not import discord.py.
"""

from __future__ import annotations

import sys

import click
from pydantic import SecretStr

from stagehand.adapters.discord.credentials import looks_like_bot_token, store_bot_token
from stagehand.cli_support import StagehandCommand, UserError
from stagehand.tokens import TokenStore

STEPS = """\
Paste the bot token of your Discord application.
  1. https://discord.com/developers/applications -> your app -> Bot -> Reset Token
  2. Copy the token (it is shown once) and paste it here; it is not echoed.
The full set-up (intents, permissions, invite link) is in docs/discord.md."""


@click.command("discord", cls=StagehandCommand)
@click.option(
    "--token-stdin",
    is_flag=True,
    help="Read the token from standard input instead of prompting (for scripts).",
)
def auth_discord(token_stdin: bool) -> None:
    """Store the Discord bot token in the token store (owner-only file)."""
    if token_stdin:
        token = sys.stdin.readline().strip()
    else:
        click.echo(STEPS)
        token = click.prompt("Bot token", hide_input=True, show_default=False).strip()
    token = token.removeprefix("Bot ").strip()
    if not token:
        raise UserError("no token given; nothing was stored")
    if not looks_like_bot_token(SecretStr(token)) and not click.confirm(
        "That does not look like a bot token (three parts separated by dots). Store it anyway?",
        default=False,
    ):
        raise UserError("nothing was stored")
    store = TokenStore()
    try:
        store_bot_token(store, token)
    except (OSError, RuntimeError) as exc:
        raise UserError(f"could not write {store.path}: {exc}") from None
    click.echo(f"Stored the Discord bot token in {store.path} (readable by you only).")
    click.echo("Next: set [discord] guild_id and enabled = true, then run `stagehand doctor`.")
