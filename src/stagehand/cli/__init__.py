"""The `stagehand` command: a thin click layer over the Python API.

Heavy imports (textual, the platform libraries) happen inside the commands that need them, so
`stagehand --help` and the reporting commands start fast. Every command fails the same way
(stagehand.cli.errors): one `Error: ...` line naming the problem and the fix, exit status 2.
"""

from __future__ import annotations

import click

from stagehand import __version__
from stagehand.cli.auth import auth
from stagehand.cli.data import export, shows
from stagehand.cli.errors import StagehandGroup
from stagehand.cli.rank import rank_command
from stagehand.cli.report import report_command
from stagehand.cli.server import attach, token
from stagehand.cli.setup import config_example, doctor
from stagehand.cli.show import demo, replay, run


@click.group(cls=StagehandGroup)
@click.version_option(__version__, prog_name="stagehand")
def cli() -> None:
    """stagehand: see the comments that matter, answer them on air, bring viewers on stage.

    Start with `stagehand demo`: the console on a bundled show, no accounts needed.
    """
    from stagehand.logs import configure_logging

    # Until a command sets up its own logging: warnings to stderr, secrets masked (Python's
    # fallback handler would print them unfiltered).
    configure_logging(to_file=False)


for command in (demo, replay, run, attach, export, shows, rank_command, report_command, doctor):
    cli.add_command(command)
cli.add_command(config_example, "config-example")
cli.add_command(auth)
cli.add_command(token)


def main() -> None:
    cli()
