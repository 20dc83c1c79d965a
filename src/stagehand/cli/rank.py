"""`stagehand rank`: print how each segment's comments rank, with the reasons why."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from stagehand.cli.errors import StagehandCommand, UserError

if TYPE_CHECKING:
    from stagehand.config import Settings
    from stagehand.ranking.offline import RankedRow


@click.command("rank", cls=StagehandCommand)
@click.argument(
    "transcript", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
)
@click.option("--topic", help="Judge every segment against this topic instead of its own title.")
@click.option(
    "--keywords",
    help="Comma-separated keywords or phrases, instead of each segment's own, e.g. 'vco,saw wave'.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help="One JSON object per comment, or a table to read.",
)
def rank_command(
    transcript: Path, topic: str | None, keywords: str | None, output_format: str
) -> None:
    """Rank each segment's comments of TRANSCRIPT as the queue stood when the segment ended.

    Best first within each segment; every line carries the score and its reasons, the author
    and the text. One question asked by several viewers is one row, listing every asker's id.
    Only viewers' comments are ranked: commands, bots', hosts' and moderators' lines never
    enter the queue. A bad line in TRANSCRIPT stops the ranking with one line naming it (exit
    status 2).
    """
    from stagehand.ranking.offline import rank_transcript
    from stagehand.show.kinds import CommentKinds
    from stagehand.transcript import TranscriptError

    words = [w.strip() for w in keywords.split(",") if w.strip()] if keywords else None
    settings = _settings()
    kinds = CommentKinds(
        prefix=settings.commands.prefix, hosts=settings.show.hosts, bots=settings.ranking.bots
    )
    try:
        rows = rank_transcript(
            transcript,
            topic=topic,
            keywords=words,
            settings=settings.ranking,
            command_prefix=settings.commands.prefix,
            classify=lambda comment: kinds.classify(comment).kind,
        )
    except TranscriptError as exc:
        # Ranking judges the whole show, so unlike `replay` it does not skip a bad line.
        raise UserError(f"{exc}; fix or delete that line and rank again") from None
    if output_format == "jsonl":
        from stagehand.sanitize import inert_json

        for row in rows:
            # Safe to print: a name's bidi override or control character is escaped, and a
            # JSON reader gets the name back as the platform sent it.
            click.echo(inert_json(row.to_json()))
        return
    _print_table(rows)


def _settings() -> Settings:
    """The config when there is one, else the defaults."""
    from stagehand.config import load_settings

    return load_settings(required=False)


def _print_table(rows: list[RankedRow]) -> None:
    from stagehand.sanitize import clean

    segment = None
    place = 0
    for row in rows:
        if row.segment != segment:
            segment, place = row.segment, 0
            click.echo(f"\n== segment {segment}")
            click.echo(f"{'#':>3} {'score':>7}  {'author':<16} {'text':<50}  reasons")
        place += 1
        text = row.comment.clean_text
        if len(row.askers) > 1:
            # As the console says it: a copypasta wave is pasted by its viewers, not asked.
            verb = "pasted" if "copypasta" in row.reasons else "asked"
            text = f"({verb} by {len(row.askers)}) {text}"
        text = text if len(text) <= 50 else text[:49] + "…"
        top = sorted(row.reasons.items(), key=lambda item: -abs(item[1]))[:4]
        why = ", ".join(f"{name} {value:+.2f}" for name, value in top)
        author = clean(row.comment.author.shown_name)[:16]
        click.echo(f"{place:>3} {row.score:>7.3f}  {author:<16} {text:<50}  {why}")
