"""Options every command that needs them spells the same way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

_F = TypeVar("_F", bound=Callable[..., Any])

DB_OPTION_HELP = "SQLite database file (default: stagehand.db in your data directory)."


def db_option(func: _F) -> _F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help=DB_OPTION_HELP,
    )(func)


def config_option(func: _F) -> _F:
    return click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Config file (default: $STAGEHAND_CONFIG, ./stagehand.toml, then your config directory).",
    )(func)
