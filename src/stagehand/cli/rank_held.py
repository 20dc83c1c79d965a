"""`stagehand rank`'s lines held back for a blocked term (`[ranking] blocked_terms`).

Never queue rows, so never ranked; but a producer checking a transcript must tell a line held
from one lost, so `rank` lists them after the ranked rows, each with the term that held it, as
the console's `w` says it (`held back from the queue: blocked term "cock"`).
"""

from __future__ import annotations

from dataclasses import dataclass

import click

from stagehand.cli.rank_names import AUTHOR_CELLS
from stagehand.domain import AuthorKey, Comment
from stagehand.report.text import fit, pad
from stagehand.sanitize import clean

#: The longest term shown (the console's `w` caps it alike).
_TERM_CHARS = 60


@dataclass(frozen=True, slots=True)
class HeldLine:
    """A viewer's line held back from the queue, in its segment, and the term that held it."""

    comment: Comment
    segment: int
    blocked_term: str

    def to_json(self) -> dict[str, object]:
        """Shaped like a ranked row's (`RankedRow.to_json`) where it can be: no score, no
        reasons, never asked by anyone; `held` true and the term instead."""
        return {
            "id": self.comment.id,
            "segment": self.segment,
            "held": True,
            "blocked_term": self.blocked_term,
            "platform": self.comment.platform,
            "author": self.comment.author.display_name or self.comment.author.name,
            "text": self.comment.shown_text,
        }


def term_shown(term: str) -> str:
    """`blocked term "cock"`: the term as the console's `w` names it (plain, capped)."""
    return f'blocked term "{clean(term, max_chars=_TERM_CHARS)}"'


def print_held(held: list[HeldLine], names: dict[AuthorKey, str]) -> None:
    """The table's part after every segment's rows: each held line, in arrival order, its
    author named as the rows name theirs (`names`, cli/rank_names.py)."""
    if not held:
        return
    click.echo(f"\n== held back from the queue ([ranking] blocked_terms): {len(held)}")
    click.echo(f"{'seg':>3} {'':>7}  {'author':<{AUTHOR_CELLS}} {'text':<50}  why")
    for line in held:
        text = line.comment.clean_text
        text = fit(text, 50)  # in terminal columns, as the ranked rows above
        author = pad(names[line.comment.author.key], AUTHOR_CELLS, left=True)
        why = term_shown(line.blocked_term)
        click.echo(f"{line.segment:>3} {'held':>7}  {author} {pad(text, 50, left=True)}  {why}")


def held_count(held: list[HeldLine], output_format: str) -> str:
    """What stderr says of them: how many, and where they are listed."""
    count = "1 comment is" if len(held) == 1 else f"{len(held)} comments are"
    where = (
        'listed after the ranked rows with "held": true'
        if output_format == "jsonl"
        else "listed after the ranked rows"
    )
    return f"{count} held back from the queue for a blocked term ([ranking] blocked_terms): {where}"
