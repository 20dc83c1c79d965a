"""A moderator who edits a command line that named someone (a Discord edit of `!stage @ana`)
does not break the un-naming: when ana leaves, the line's history says "a forgotten viewer"
where the command read her name, and the edited line is not garbled by offsets of the old one."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stagehand.domain import Author, Comment, RankedComment, Score
from stagehand.events import AuthorForgotten, CommandHandled, CommentEdited, CommentRanked
from stagehand.naming import Naming
from stagehand.store import open_database
from stagehand.store.queries import open_show
from stagehand.store.writer import StoreWriter

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
ANA = Author("discord", "3", "anazed")
MOD = Author("discord", "8", "modbob", roles=frozenset({"moderator"}))


def said(message_id: str, author: Author, text: str, seconds: int) -> Comment:
    return Comment(
        message_id, "discord", "c", author, text, T0 + timedelta(seconds=seconds), clean_text=text
    )


def test_an_edited_stage_line_is_un_named_in_its_history_and_not_garbled(tmp_path: Path) -> None:
    path = tmp_path / "show.db"
    db = open_database(path)
    show, _ = open_show(db, "edits", title="E", description="", source="test", started_at=T0)
    db.conn.close()
    writer = StoreWriter(path, show_id=show.id).start()
    line = said("m1", MOD, "!stage @anazed", 2)
    for comment in (said("a1", ANA, "hi there", 1), line):
        writer.record(CommentRanked(RankedComment(comment, Score(0.0, rank_key=0.0))))
    outcome = "ok: @anazed: invited"
    writer.record(
        CommandHandled(
            line,
            "stage",
            outcome,
            "@anazed",
            (Naming(ANA.key, 4, len(outcome)),),
            args_names=(Naming(ANA.key, 0, 7),),
            line_names=(Naming(ANA.key, 7, 14),),
            answer="Invited @anazed on stage.",
            answer_names=(Naming(ANA.key, 8, 15),),
        )
    )
    edited = "ok !stage @anazed done"
    writer.record(CommentEdited("discord", "m1", edited, edited, T0 + timedelta(seconds=3)))
    writer.record(AuthorForgotten(ANA.key))
    assert writer.close()
    conn = sqlite3.connect(path)
    # The moderator's edit is their own words, kept as they typed them ("ok !staa forgotten
    # viewerzed done" before: the old line's places cut into the new one).
    assert conn.execute("SELECT text FROM comments WHERE message_id = 'm1'").fetchone() == (edited,)
    # The line the command read her name from says what every screen says now.
    assert conn.execute("SELECT previous_text, text FROM comment_edits").fetchall() == [
        ("!stage a forgotten viewer", edited)
    ]
    assert conn.execute("SELECT count(*) FROM text_names").fetchone() == (0,)
