"""`stagehand report`: the click command (the lead registers it in cli.py as `report`).

    stagehand report                       the latest show, in the terminal
    stagehand report friday-37 --format html -o friday-37.html
    stagehand report --trend --format md   every show compared

A missing database or show is a one-line error and exit status 2, never a traceback
(stagehand.cli.errors); `-o` writes the whole report or leaves nothing behind.
"""

from __future__ import annotations

from pathlib import Path

import click

from stagehand.cli.errors import StagehandCommand, open_existing_database, write_output
from stagehand.cli.options import config_option, db_option
from stagehand.report import FORMATS

#: Starts a CSV report written to a file: the UTF-8 byte-order mark (docs/reports.md).
CSV_FILE_MARK = "\ufeff"


@click.command("report", cls=StagehandCommand)
@click.argument("show", required=False)
@db_option
@config_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMATS),
    default="term",
    show_default=True,
    help="term: a summary here; md/html: a report to send around; "
    "json: every metric; csv: one row per participant (with --trend: per show).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
@click.option("--trend", is_flag=True, help="Compare every show in the database instead.")
@click.option(
    "--follow-up",
    "follow_up",
    type=click.IntRange(min=0),
    default=None,
    help="How many unanswered on-topic questions to list (default 50; 0 lists all).",
)
def report_command(
    show: str | None,
    db_path: Path | None,
    config_path: Path | None,
    fmt: str,
    output: Path | None,
    trend: bool,
    follow_up: int | None,
) -> None:
    """Participation report for SHOW (default: the latest): who took part, who was answered."""
    from stagehand.metrics import FOLLOW_UP_LIMIT, show_metrics
    from stagehand.metrics import trend as show_trend
    from stagehand.progress import Progress
    from stagehand.report import render_show, render_trend
    from stagehand.report.text import count

    if trend and show:
        raise click.UsageError("--trend compares every show; leave SHOW out")
    db = open_existing_database(db_path, config_path)
    # A long report (a big show, many shows) says how far it got; a quick one stays quiet.
    progress = Progress("report")
    try:
        with progress.ticking():
            if trend:
                progress.update(0.0, "reading the shows")
                rows = show_trend(
                    db,
                    on_show=lambda done, total: progress.update(
                        done / total, f"reading show {done + 1} of {total}"
                    ),
                )
                what = f"{count(len(rows), 'show')} compared"
                progress.update(1.0, f"writing the {fmt} report")
                text = render_trend(rows, fmt)
            else:
                limit = FOLLOW_UP_LIMIT if follow_up is None else (follow_up or None)
                progress.update(None, f"reading show {show or '(the latest)'}")
                metrics = show_metrics(db, show, follow_up_limit=limit)
                what = f"the report on show {metrics.show.name!r}"
                progress.update(None, f"writing the {fmt} report")
                text = render_show(metrics, fmt)
    finally:
        db.conn.close()
    if output is None:
        click.echo(text, nl=False)
        return
    if fmt == "csv" and not (output.exists() and not output.is_file()):
        # A CSV file is opened in Excel: on Windows it reads UTF-8 only after a byte-order mark
        # (without one, "María José" reads "MarÃ­a JosÃ©"). Standard output stays without it.
        text = CSV_FILE_MARK + text
    write_output(output, lambda handle: handle.write(text))
    click.echo(f"Wrote {what} to {output}", err=True)
