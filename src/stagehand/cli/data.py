"""`stagehand export` and `stagehand shows`: what a database holds."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from stagehand.cli.errors import StagehandCommand, open_existing_database, write_output
from stagehand.cli.options import config_option, db_option


@click.command(cls=StagehandCommand)
@click.argument("show", required=False)
@db_option
@config_option
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to this file instead of standard output.",
)
def export(
    show: str | None, db_path: Path | None, config_path: Path | None, output: Path | None
) -> None:
    """Write SHOW (default: the latest) back out as a transcript (JSON Lines)."""
    from stagehand.store.export import export_events
    from stagehand.store.queries import resolve_show
    from stagehand.transcript import write_events

    db = open_existing_database(db_path, config_path)
    row = resolve_show(db, show)
    events = export_events(db, row)
    if output is None:
        write_events(events, sys.stdout)
        return
    count = write_output(output, lambda handle: write_events(events, handle))
    click.echo(f"Wrote {count} events of show {row.name!r} to {output}", err=True)


@click.command(cls=StagehandCommand)
@db_option
@config_option
def shows(db_path: Path | None, config_path: Path | None) -> None:
    """The shows in a database, newest first, with their size and time."""
    from stagehand.metrics import show_counts
    from stagehand.report.text import NOT_CLOSED, fit, pad, people_range, resumes
    from stagehand.store.queries import list_shows, show_span
    from stagehand.store.resume_with import resume_with

    db = open_existing_database(db_path, config_path)
    rows = list_shows(db)
    if not rows:
        click.echo("No shows yet. Run `stagehand demo` to make one.")
        return
    lines = []
    for row in rows:
        # From when to when as the report says it (a crashed show: to its last comment or
        # host action).
        opened, closed = show_span(db, row)
        minutes = max(0, int((closed - opened).total_seconds() // 60))
        # Counted as the report counts them (docs/metrics.md): viewers' comments, not commands.
        counts = show_counts(db, row)
        # Never closed: it crashed, or it is still running (the database cannot tell which);
        # its length is then up to the last moment it was known to run.
        state = "closed" if row.ended_at is not None else "not closed"
        people = people_range(counts.participants, counts.counted_twice)
        lines.append((row, opened, minutes, counts.comments, people, state))
    # "12 to 13 people" is wider than a count: the column is as wide as its widest entry.
    width = max(7, *(len(line[4]) for line in lines))
    click.echo(
        f"{'SHOW':<28} {'STARTED (UTC)':<16} {'LENGTH':>7} {'COMMENTS':>9} {'PEOPLE':>{width}}  "
        f"{'STATE':<10}  TITLE"
    )
    for row, opened, minutes, comments, people, state in lines:
        # A show's name can come from a transcript's file name: as untrusted as chat, cleaned
        # like it (no escapes or bidi overrides) and padded by terminal columns.
        click.echo(
            f"{pad(fit(row.name, 28), 28, left=True)} {opened:%Y-%m-%d %H:%M} "
            f"{minutes:>5} m {comments:>9} {people:>{width}}  {state:<10}  "
            f"{fit(row.title, 40)}"
        )
    # What resumes each show not closed, as its report says it: by the command that ran it.
    unclosed = [row for row in rows if row.ended_at is None]
    if unclosed:
        click.echo(f"\n{NOT_CLOSED}:")
    for row in unclosed:
        click.echo(f"  {fit(row.name, 28)}: {resumes(resume_with(db, row.id))}")
