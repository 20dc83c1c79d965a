"""`stagehand doctor` and `stagehand config-example`: setting a show up."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from stagehand.cli.errors import StagehandCommand
from stagehand.cli.options import config_option


@click.command("config-example", cls=StagehandCommand)
def config_example() -> None:
    """Print the example config, every key documented with its default."""
    from stagehand.config.example import render_example

    click.echo(render_example(), nl=False)


@click.command(cls=StagehandCommand)
@config_option
@click.option("--offline", is_flag=True, help="Skip the checks that ask the platforms.")
def doctor(config_path: Path | None, offline: bool) -> None:
    """Check the config, database, tokens and platform set-up; say how to fix what is missing."""
    from stagehand.doctor import format_check, run_checks
    from stagehand.logs import redact
    from stagehand.server import obs
    from stagehand.server.access import doctor_check

    checks = run_checks(
        config_path, online=not offline, server=[doctor_check()], studio=obs.doctor_checks
    )
    for check in checks:
        click.echo(redact(format_check(check)))
    if not all(check.ok for check in checks):
        sys.exit(1)
