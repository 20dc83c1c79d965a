"""Whether the console has a terminal to draw on and read keys from."""

from __future__ import annotations

import sys

from stagehand.cli.errors import UserError


def need_a_terminal(instead: str) -> None:
    """UserError when stdin or stdout is not a terminal (nohup, systemd, a pipe, a cron job).

    Without one the console writes its escape codes into the redirected output and reads no
    key: the show would run with no one able to act on it. `instead` says what to do there.
    """
    missing = [
        name for name, stream in (("input", sys.stdin), ("output", sys.stdout)) if not _tty(stream)
    ]
    if missing:
        raise UserError(
            "the console needs a terminal to draw on and read keys from, but this command's "
            f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not one (a pipe, "
            f"a file, nohup or a service): {instead}"
        )


def _tty(stream: object) -> bool:
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False
