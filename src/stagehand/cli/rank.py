"""`stagehand rank`: print how each segment's comments rank, with the reasons why."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from stagehand.cli.errors import StagehandCommand, UserError
from stagehand.cli.options import config_option
from stagehand.cli.transcripts import database_not_transcript, why_no_events

if TYPE_CHECKING:
    from stagehand.config import Settings
    from stagehand.domain import Author, AuthorKey
    from stagehand.ranking.offline import RankedRow
    from stagehand.transcript import TranscriptEvent


@click.command("rank", cls=StagehandCommand)
@click.argument(
    "transcript", type=click.Path(exists=True, dir_okay=False, readable=True, path_type=Path)
)
@click.option(
    "--topic",
    callback=lambda ctx, param, value: _topic(value),
    help="Judge every segment against this topic instead of its own title.",
)
@click.option(
    "--keywords",
    callback=lambda ctx, param, value: _keyword_list(value),
    help="Comma-separated keywords or phrases, instead of each segment's own, e.g. 'vco,saw wave'.",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["jsonl", "table"]),
    default="jsonl",
    show_default=True,
    help='One JSON object per row (lines held back for a blocked term last, "held": true), '
    "or a table to read.",
)
@config_option
def rank_command(
    transcript: Path,
    topic: str | None,
    keywords: list[str] | None,
    output_format: str,
    config_path: Path | None,
) -> None:
    """Rank each segment's comments of TRANSCRIPT, looking back on the segment when it ended.

    Best first within each segment; every line carries the score and its reasons, the author
    and the text. A comment the segment's words missed when it arrived is judged by the
    vocabulary the segment's chat taught by its end, as the comments after it were. One question asked by several viewers is one row, listing every asker's id.
    Only viewers' comments are ranked: commands, bots', hosts' and moderators' lines never
    enter the queue; a viewer's line held back for a blocked term ([ranking] blocked_terms) is
    listed after the rows, as held, with its term. A bad line in TRANSCRIPT stops the ranking with one line naming it, and so
    does a TRANSCRIPT with no events in it (empty, or only blank lines): exit status 2, as for
    an empty --topic or --keywords (leave the option out to use each segment's own). The
    config (-c) gives the ranking settings, the command prefix, the bots and `[show] hosts`.
    """
    from stagehand.cli.rank_chat_topics import with_chat_topics
    from stagehand.cli.rank_held import HeldLine, held_count, print_held
    from stagehand.domain import CommentKind
    from stagehand.ranking.offline import Judging, look_back_events, rows_of
    from stagehand.show.kinds import CommentKinds
    from stagehand.transcript import TranscriptError, read_transcript

    settings = _settings(config_path)
    kinds = CommentKinds.of(settings)
    if database := database_not_transcript(transcript):  # `stagehand rank stagehand.db`
        raise UserError(database)
    events: list[TranscriptEvent] = []
    try:
        events.extend(read_transcript(transcript))
    except TranscriptError as exc:
        # Ranking judges the whole show, so unlike `replay` it does not skip a bad line. Before
        # any event the file is most likely no transcript at all (a chat log, a CSV): deleting
        # that line would only bring up the next.
        fix = "fix or delete that line and rank again" if events else _PASS_A_TRANSCRIPT
        raise UserError(f"{exc}; {fix}") from None
    if not events:
        # Most likely the wrong file, or one not written yet: say so, and fail a script.
        raise UserError(f"{transcript}: nothing to rank: {_why_no_events(transcript)}")
    # A moderator's `!segment`/`!topic` in chat steers the topic, as `replay` plays it.
    events = with_chat_topics(events, settings, kinds)
    judging = Judging(
        topic=topic,
        keywords=keywords,
        settings=settings.ranking,
        command_prefix=settings.commands.prefix,
        classify=lambda comment: kinds.classify(comment).kind,
        hosts=settings.show.hosts,
    )
    arrived, looked_back = look_back_events(events, judging)
    rows, blank = _readable(rows_of(looked_back, judging.settings, arrived))
    # A line held back for a blocked term is no queue row, but a producer checking the
    # transcript must tell it from one lost: listed after the rows, with the term that held it.
    held = [
        HeldLine(r.comment, r.segment, kinds.classify(r.comment).blocked or "")
        for r in arrived
        if r.kind is CommentKind.HELD
    ]
    if output_format == "jsonl":
        from stagehand.sanitize import inert_json

        for row in rows:
            # Safe to print: a name's bidi override or control character is escaped, and a
            # JSON reader gets the name back as the platform sent it.
            click.echo(inert_json({**_who(row.to_json(), row.comment.author), "held": False}))
        for line in held:
            click.echo(inert_json(_who(line.to_json(), line.comment.author)))
    else:
        from stagehand.cli.rank_names import staff_of, table_names
        from stagehand.console.names import HOST_MARK, MODERATOR_MARK

        staff_marks = {CommentKind.HOST: HOST_MARK, CommentKind.MODERATOR: MODERATOR_MARK}
        staff = staff_of(
            settings.show.hosts,
            settings.twitch.channel,
            ((r.comment.author, staff_marks[r.kind]) for r in arrived if r.kind in staff_marks),
        )
        # Named together, so two people going by one name are told apart wherever they are.
        names = table_names(
            [r.comment.author for r in rows] + [line.comment.author for line in held], staff
        )
        _print_table(rows, names)
        print_held(held, names)
    if held:
        click.echo(held_count(held, output_format), err=True)
    if blank:
        # On stderr: a jsonl line is a ranked row or a held one (`"held"`), never a blank one.
        click.echo(_left_out(blank), err=True)


#: How many left-out comments' ids `rank` names on stderr.
_NAMED_IDS = 5


def _readable(rows: list[RankedRow]) -> tuple[list[RankedRow], list[str]]:
    """The rows with text to read, and the ids of the comments left out: as in the console's
    queue (`ShowQueue.add_comment`), a comment with no text left after cleaning (only control,
    zero-width or bidi characters) or none at all (its author opted out) is no row."""
    kept: list[RankedRow] = []
    blank: list[str] = []
    for row in rows:
        if row.comment.shown_text:
            kept.append(row)
        else:
            blank.extend(comment.id for comment in row.askers or (row.comment,))
    return kept, blank


def _left_out(ids: list[str]) -> str:
    from stagehand.sanitize import clean

    count = "1 comment is" if len(ids) == 1 else f"{len(ids)} comments are"
    named = ", ".join(clean(comment_id) for comment_id in ids[:_NAMED_IDS])
    more = f" and {len(ids) - _NAMED_IDS} more" if len(ids) > _NAMED_IDS else ""
    return (
        f"{count} not listed: no text to show (only control, zero-width or bidi characters, "
        f"or an opted-out viewer's line), as in the console's queue: {named}{more}"
    )


def _topic(value: str | None) -> str | None:
    """`--topic ""` (an unset shell variable, most likely) would judge every comment against
    no topic at all: refused, as a usage error."""
    if value is not None and not value.strip():
        raise click.BadParameter(
            "no topic given: give one, or leave --topic out to judge each segment against its "
            "own title"
        )
    return value


def _keyword_list(value: str | None) -> list[str] | None:
    if value is None:
        return None
    words = [word.strip() for word in value.split(",") if word.strip()]
    if not words:  # `--keywords ""` or `--keywords ,`: as for `--topic ""`
        raise click.BadParameter(
            "no keyword given: give some, or leave --keywords out to use each segment's own"
        )
    return words


_PASS_A_TRANSCRIPT = "pass a JSON Lines transcript (see docs/transcript-format.md)"


def _why_no_events(transcript: Path) -> str:
    what = why_no_events(transcript)
    if what == "only blank lines":
        what = "it holds no transcript events (only blank lines?)"
    return f"{what}; {_PASS_A_TRANSCRIPT}"


def _settings(path: Path | None) -> Settings:
    """The config: `path` (-c), else the one found as every command finds it, else the defaults."""
    from stagehand.config import load_settings

    return load_settings(path, required=False)


def _who(row: dict[str, object], author: Author) -> dict[str, object]:
    """A jsonl row with its author's platform id and login after their shown name: two viewers
    going by one name ("Sam" and "Sam") are two people to a script too."""
    shaped: dict[str, object] = {}
    for key, value in row.items():
        shaped[key] = value
        if key == "author":
            shaped.update(author_id=author.id, login=author.name)
    return shaped


def _print_table(rows: list[RankedRow], names: dict[AuthorKey, str]) -> None:
    from stagehand.cli.rank_names import AUTHOR_CELLS
    from stagehand.report.text import fit, pad

    segment = None
    place = 0
    for row in rows:
        if row.segment != segment:
            segment, place = row.segment, 0
            click.echo(f"\n== segment {segment}")
            click.echo(f"{'#':>3} {'score':>7}  {'author':<{AUTHOR_CELLS}} {'text':<50}  reasons")
        place += 1
        text = row.comment.clean_text
        if row.asked_by > 1:
            # As the console says it: a copypasta wave is pasted by its viewers, not asked.
            verb = "pasted" if "copypasta" in row.reasons else "asked"
            text = f"({verb} by {row.asked_by}) {text}"
        text = fit(text, 50)  # in terminal columns, as the terminal report cuts and pads
        top = sorted(row.reasons.items(), key=lambda item: -abs(item[1]))[:4]
        why = ", ".join(f"{name} {value:+.2f}" for name, value in top)
        author = pad(names[row.comment.author.key], AUTHOR_CELLS, left=True)
        click.echo(f"{place:>3} {row.score:>7.3f}  {author} {pad(text, 50, left=True)}  {why}")
