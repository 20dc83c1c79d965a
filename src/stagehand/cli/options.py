"""Options every command that needs them spells the same way."""

from __future__ import annotations

import math
import socket
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import click

from stagehand.config.sections import database_path_problem
from stagehand.config.server import ListenAddress, parse_listen

_F = TypeVar("_F", bound=Callable[..., Any])

DB_OPTION_HELP = "SQLite database file (default: stagehand.db in your data directory)."


def db_option(func: _F) -> _F:
    return click.option(
        "--db",
        "db_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        callback=_a_file_or_none,
        help=DB_OPTION_HELP,
    )(func)


def _a_file_or_none(ctx: click.Context, param: click.Parameter, value: Path | None) -> Path | None:
    """A device, a pipe or a path under a file is refused as what it is, as in the config."""
    problem = None if value is None else database_path_problem(value.expanduser())
    if problem is not None:
        raise click.BadParameter(f"{problem}: pass a database file, such as show.db")
    return value


class FiniteFloatRange(click.FloatRange):
    """click's `FloatRange`, refusing NaN too: every comparison with NaN is false, so the
    range alone lets `--speed nan` through (and the show clock fails on it mid-show)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number):
            self.fail(f"{value} is not a number in the range {self._describe_range()}.", param, ctx)
        return number


def speed_option(*, default: float, most: float) -> Callable[[_F], _F]:
    """`--speed`, for the commands that play a transcript (`demo`, `replay`)."""
    return click.option(
        "--speed",
        type=FiniteFloatRange(min=0.1, max=most),
        default=default,
        show_default=True,
        help="Playback speed (1 = real time).",
    )


def config_option(func: _F) -> _F:
    return click.option(
        "-c",
        "--config",
        "config_path",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Config file (default: $STAGEHAND_CONFIG, ./stagehand.toml, then your config directory).",
    )(func)


@dataclass(frozen=True)
class ServeOptions:
    """Where the show server listens (`--listen`; None: `[server] listen`), and whether a
    non-loopback address may go without TLS (`--insecure-remote`)."""

    listen: ListenAddress | None = None
    insecure_remote: bool = False
    #: The server's socket, bound before the show opens (`_check_serving`).
    sock: socket.socket | None = None


def _listen(ctx: click.Context, param: click.Parameter, value: str | None) -> ListenAddress | None:
    if value is None:
        return None
    try:
        return parse_listen(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None


def server_options(func: _F) -> _F:
    """`--listen HOST:PORT` and `--insecure-remote`, for every command that runs a show."""
    func = click.option(
        "--insecure-remote",
        is_flag=True,
        help="Let the show server listen on a non-loopback address without TLS (a network "
        "you trust only: tokens and chat cross it in the clear).",
    )(func)
    return click.option(
        "--listen",
        "listen",
        default=None,
        metavar="HOST:PORT",
        callback=_listen,
        help="Where the show server listens (default: [server] listen, 127.0.0.1:8765).",
    )(func)
