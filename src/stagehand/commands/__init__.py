"""Chat commands (!ask, !hand, !stage, ...): one parser and one set of handlers for every platform.

Wire them into a show with `install_commands(live)`; docs/commands.md describes each command,
who may use it, what it answers and its limits. The Discord adapter registers
`slash_command_specs()` as slash commands, which come back here as "!name text" comments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stagehand.commands.parse import ParsedCommand, parse_command
from stagehand.commands.router import CommandRouter
from stagehand.commands.specs import (
    AUDIENCE_SPECS,
    MODERATOR_SPECS,
    CommandSpec,
    slash_command_specs,
)
from stagehand.pseudonyms import KeyFile, OptedOutViewers, PseudonymKeyError
from stagehand.store import open_database
from stagehand.store.queries import opted_out_pseudonyms

if TYPE_CHECKING:
    from stagehand.show.live import LiveShow

__all__ = [
    "AUDIENCE_SPECS",
    "MODERATOR_SPECS",
    "CommandRouter",
    "CommandSpec",
    "ParsedCommand",
    "install_commands",
    "parse_command",
    "slash_command_specs",
]


def install_commands(live: LiveShow) -> CommandRouter:
    """Answer chat commands in `live` from now on; returns the router (tests `drain()` it).

    Reads who opted out in earlier shows (stored as pseudonyms only), so their command
    arguments are not kept.
    """
    db = open_database(live.db_path)
    try:
        pseudonyms = opted_out_pseudonyms(db)
    finally:
        db.conn.close()
    key = None
    if pseudonyms:
        try:
            key = KeyFile().load()
        except PseudonymKeyError:
            key = None  # the show says so at start (LiveShow); commands carry on
    opted_out = OptedOutViewers(pseudonyms, key)
    # LiveShow has no public notify yet: see the report (a one-line `notify` method would do).
    router = CommandRouter(live, notify=live._notify, opted_out=opted_out)
    for comment in live.recent_comments:  # a resumed show: `!stage @name` finds who spoke
        router.chatters.saw(comment)
    live.command_router = router.handle
    return router
