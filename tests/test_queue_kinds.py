"""The queue holds only what a host may take on air, decided once in the core (issue 13, 1-2).

A show with chat commands, hosts, moderators and bots is replayed through the real pipeline,
with the chat commands installed, into a real SQLite file; the console's state is folded from
the events the core sent, exactly as the console's bridge folds them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from commands.chat import Played, play, say, segment
from stagehand.config import Settings, ShowSettings
from stagehand.console.state import ConsoleState
from stagehand.events import CommentRanked

MOD = ["moderator"]

SHOW_WITH_COMMANDS = [
    segment("Filters", ["resonance", "cutoff", "ladder"]),
    say("h1", "fridaybuild", "we're live! hi chat, give us a sec", t=1, roles=["broadcaster"]),
    say("h2", "priya", "hi discord, chat here", t=2, roles=["host"], platform="discord"),
    say("h3", "cohost", "the ladder is next, stay tuned", t=3),  # a [show] hosts account
    say("v1", "ana", "how do you stop the resonance from screaming?", t=4),
    say("c1", "ana", "!hand", t=5),
    say("c2", "ben", "!help", t=6),
    say("c3", "ben", "!uptime", t=7),  # another bot's command
    say("c4", "cleo", "!optin", t=8),
    say("c5", "mo", "!stage @ana", t=9, roles=MOD),
    say("m1", "mo", "@spammer no self promo please", t=10, roles=MOD),
    say("c6", "mo", "!segment The ladder | ladder, transistor", t=11, roles=MOD),
    say("c7", "dan", "!forget confirm", t=12),
    say("c8", "dan", "!topic what is it?", t=13),
    say("c9", "ana", "!lower", t=14),
    say("a1", "eve", "!ask what cutoff do you use for bass?", t=15),
    say("a2", "fin", "!ask", t=16),
    say("b1", "nightbot", "Follow the channel for more builds!", t=17),
    say("v2", "gus", "the ladder filter sounds amazing", t=18),
]


def settings() -> Settings:
    return Settings(show=ShowSettings(hosts=["twitch:cohost"]))


def console_state(played: Played) -> ConsoleState:
    state = ConsoleState()
    for event in played.events:
        state.apply(event)
    return state


async def test_only_viewers_comments_enter_the_queue_and_commands_are_still_handled(
    tmp_path: Path,
) -> None:
    played = await play(tmp_path, SHOW_WITH_COMMANDS, settings=settings())
    state = console_state(played)

    queued = {r.comment.id: r.comment.shown_text for r in state.ranked_queue()}
    assert queued == {
        "v1": "how do you stop the resonance from screaming?",
        "a1": "what cutoff do you use for bass?",  # the question, without "!ask "
        "v2": "the ladder filter sounds amazing",
    }
    # Everything is still in raw chat, as it was said.
    assert [line.comment.id for line in state.raw] == [r["id"] for r in SHOW_WITH_COMMANDS[1:]]
    # The router still handled and logged every command of ours (not other bots' !uptime);
    # !stage waits for the platform, so it is logged when that answers.
    assert sorted(name for _, name, _, _ in played.commands()) == sorted(
        ["hand", "help", "optin", "stage", "segment", "forget", "topic", "lower", "ask", "ask"]
    )
    assert played.outcomes("ask") == [
        "ok: in the queue as a question",
        "ignored: no question after the command",
    ]


async def test_every_line_is_stored_with_its_kind_and_ask_keeps_its_original(
    tmp_path: Path,
) -> None:
    played = await play(tmp_path, SHOW_WITH_COMMANDS, settings=settings())
    kinds = dict(played.db.execute("SELECT message_id, kind FROM comments").fetchall())
    assert kinds == {
        "h1": "host",
        "h2": "host",
        "h3": "host",
        "v1": "comment",
        "c1": "command",
        "c2": "command",
        "c3": "command",
        "c4": "command",
        "c5": "command",
        "m1": "moderator",
        "c6": "command",
        "c7": "command",
        "c8": "command",
        "c9": "command",
        "a1": "comment",
        "a2": "command",
        "b1": "bot",
        "v2": "comment",
    }
    ask = played.db.execute(
        "SELECT text, original_text, is_question FROM comments WHERE message_id = 'a1'"
    ).fetchone()
    assert ask == ("what cutoff do you use for bass?", "!ask what cutoff do you use for bass?", 1)
    bare = played.db.execute(
        "SELECT is_question, flags FROM comments WHERE message_id = 'a2'"
    ).fetchone()
    assert bare == (0, "")  # a bare !ask is a command, not a question anywhere


async def test_the_core_says_the_kind_once_for_every_screen(tmp_path: Path) -> None:
    """The console does not decide: the kind travels on the event every listener hears."""
    played = await play(tmp_path, SHOW_WITH_COMMANDS, settings=settings())
    kinds = {
        e.ranked.comment.id: e.ranked.kind.value
        for e in played.events
        if isinstance(e, CommentRanked)
    }
    stored = dict(played.db.execute("SELECT message_id, kind FROM comments").fetchall())
    assert kinds == stored


def test_old_databases_get_kinds_for_their_comments(tmp_path: Path) -> None:
    """A database made before kinds existed is classified by the migration (default settings)."""
    from sqlite_utils import Database

    from stagehand.store.database import open_database
    from stagehand.store.schema import migrations

    path = tmp_path / "old.db"
    db = Database(path)
    # The schema as it was before kinds, filled the old way.
    migrations.apply(db, stop_before="m010_queue_comment_kinds")
    db.execute("INSERT INTO shows (id, name, started_at) VALUES (1, 'old', '2026-11-20T19:00Z')")
    authors = [
        (1, "fridaybuild", '["broadcaster"]'),
        (2, "mo", '["moderator"]'),
        (3, "ana", "[]"),
        (4, "nightbot", "[]"),
    ]
    for author_id, name, roles in authors:
        db.execute(
            "INSERT INTO authors (id, platform, platform_user_id, name, roles, first_seen_at)"
            " VALUES (?, 'twitch', ?, ?, ?, '2026-11-20T19:00Z')",
            (author_id, str(author_id), name, roles),
        )
    lines = [
        ("h", 1, "hi chat", None),
        ("m", 2, "no links please", None),
        ("v", 3, "how does the ladder work?", None),
        ("c", 3, "!hand", None),
        ("a", 3, "!ask why a ladder?", None),
        ("b", 4, "Follow the channel!", None),
        ("r", 2, "good question", "v"),
    ]
    for message_id, author_id, text, reply_to in lines:
        db.execute(
            "INSERT INTO comments (show_id, author_id, platform, message_id, ts, text,"
            " original_text, reply_to) VALUES (1, ?, 'twitch', ?, '2026-11-20T19:00Z', ?, ?, ?)",
            (author_id, message_id, text, text, reply_to),
        )
    db.conn.commit()
    db.conn.close()

    migrated = open_database(path)
    rows = dict(migrated.conn.execute("SELECT message_id, kind FROM comments").fetchall())
    assert rows == {
        "h": "host",
        "m": "moderator",
        "v": "comment",
        "c": "command",
        "a": "comment",
        "b": "bot",
        "r": "moderator",
    }
    to_chat = dict(migrated.conn.execute("SELECT message_id, to_chat FROM comments").fetchall())
    assert to_chat["r"] == 1 and to_chat["v"] == 0
    migrated.conn.close()
    assert sqlite3.connect(path).execute("PRAGMA integrity_check").fetchone() == ("ok",)


async def test_a_replayed_ban_takes_all_the_authors_comments_off_every_queue(
    tmp_path: Path,
) -> None:
    """A transcript's recorded ban acts as the live one does: the core tells every screen."""
    ban = {
        "kind": "host",
        "ts": "2026-11-20T19:00:10Z",
        "action": "moderate",
        "comment_id": "s2",
        "platform": "twitch",
        "author_id": "id-spammer",
        "text": "ban",
    }
    played = await play(
        tmp_path,
        [
            say("s1", "spammer", "cheap ladder kits at my shop", t=1),
            say("v1", "ana", "how do you tune the ladder?", t=2),
            say("s2", "spammer", "cheap ladder kits at my shop!!", t=3),
            ban,
            say("v2", "ben", "the ladder sounds warm", t=20),
        ],
    )
    assert [r.comment.id for r in console_state(played).ranked_queue()] == ["v1", "v2"]


async def test_a_comment_with_nothing_left_to_show_takes_no_row_and_never_shows_its_raw_text(
    tmp_path: Path,
) -> None:
    """Text of escape sequences, bidi marks or zero-width characters only is cleaned to
    nothing: it is counted and stored, but a blank row could only be answered or put on stream
    by mistake (and filled the queue), and its raw text must not reach any screen."""
    blanks = {
        "z1": "\u200b\u200b\u200b",
        "z2": "\x1b[2J\x1b[H",
        "z3": "\u202e\u202c",
        "z4": "\u2061\u2062\u206a\ufff9",  # invisible operators and format characters
    }
    played = await play(
        tmp_path,
        [
            segment("Filters", ["resonance", "cutoff"]),
            say("v1", "ana", "how much resonance before the ladder self-oscillates?", t=1),
            *(say(key, f"who{key}", text, t=2) for key, text in blanks.items()),
        ],
    )
    state = console_state(played)

    assert [r.comment.id for r in state.ranked_queue()] == ["v1"]
    assert [line.comment.id for line in state.raw] == ["v1"]
    assert state.comments_seen == 5  # still counted
    seen = [e.ranked.comment for e in played.events if isinstance(e, CommentRanked)]
    assert {c.id: c.shown_text for c in seen if c.id in blanks} == dict.fromkeys(blanks, "")
    assert not played.live.feature(seen[1]).ok  # nothing to put on stream either
    conn = sqlite3.connect(tmp_path / "show.db")
    stored = dict(conn.execute("SELECT message_id, original_text FROM comments"))
    assert {key: stored[key] for key in blanks} == blanks  # the record keeps the original


def test_a_prefix_inside_a_line_is_no_command_and_one_after_a_reply_mention_is() -> None:
    """Most lines hold no prefix at all and are not split; those that do are read as before."""
    from datetime import UTC, datetime

    from stagehand.domain import Author, Comment, CommentKind
    from stagehand.show.kinds import CommentKinds

    def kind(text: str, *, prefix: str = "!", reply_to: str | None = None) -> tuple[str, object]:
        author = Author("twitch", "7", "ana", "Ana")
        line = Comment("m", "twitch", "c", author, text, datetime.now(UTC), reply_to=reply_to)
        found = CommentKinds(prefix=prefix).classify(line.cleaned(text, False))
        return found.kind.value, found.question or found.command

    assert kind("wow! that is loud") == ("comment", None)
    assert kind("what cutoff? ?hand", prefix="?") == ("comment", None)
    assert kind("?hand", prefix="?") == ("command", "hand")
    assert kind("!uptime", prefix="?") == ("command", None)  # another bot's
    assert kind("@ben !hand", reply_to="p1") == ("command", "hand")
    assert kind("@ben !hand") == ("comment", None)  # not a reply: the mention is the line
    assert kind("!ask why a ladder?") == ("comment", "why a ladder?")
    assert kind("no prefix here") == (CommentKind.COMMENT.value, None)


#: Lines starting with `!` and a word that is no command of ours (revA, finding 7).
VIEWERS_BANG_LINES = [
    segment("DVD playback", ["dvd", "libdvdcss", "vlc"]),
    say("q1", "icedc", "!aks would libdvdcss2 be illegal in the US?", t=1),  # a typo of !ask
    say("q2", "tanaka", "!pregunta ¿cómo veo DVDs en Linux?", t=2),  # !ask in Spanish
    say("q3", "wren", "!lol vlc just played it, thanks!", t=3),
    say("o1", "ben", "!uptime", t=4),  # other bots' commands, as today
    say("o2", "ben", "!so @ana", t=5),
    say("o3", "cleo", "!sr never gonna give you up", t=6),
    say("o4", "cleo", "!followage", t=7),
    say("o5", "dan", "!hnad", t=8),  # a bare word: for some bot, nothing said to the hosts
    say("o6", "dan", "!LURK", t=9),
]


async def test_a_viewer_talking_after_an_unknown_bang_word_reaches_the_queue(
    tmp_path: Path,
) -> None:
    """`!aks would libdvdcss2 be illegal in the US?` and `!pregunta ¿cómo veo DVDs en Linux?`
    were stored as commands: no command row, nothing queued, no answer; the viewer's question
    vanished. A `!word` that is neither ours nor a known chat bot's command, with something said
    after it, is a viewer talking: a comment, ranked like any other (a question as a question).
    Other bots' commands (`!uptime`, `!so @ana`, `!sr ...`) and a bare unknown `!word` stay out."""
    played = await play(tmp_path, VIEWERS_BANG_LINES)
    state = console_state(played)
    queued = {r.comment.id: r.comment.shown_text for r in state.ranked_queue()}
    assert queued == {
        "q1": "!aks would libdvdcss2 be illegal in the US?",
        "q2": "!pregunta ¿cómo veo DVDs en Linux?",
        "q3": "!lol vlc just played it, thanks!",
    }
    rows = played.db.execute("SELECT message_id, kind, is_question, flags FROM comments")
    stored = {
        message_id: (kind, is_question, flags) for message_id, kind, is_question, flags in rows
    }
    assert {key: stored[key][0] for key in stored} == {
        "q1": "comment",
        "q2": "comment",
        "q3": "comment",
        "o1": "command",
        "o2": "command",
        "o3": "command",
        "o4": "command",
        "o5": "command",
        "o6": "command",
    }
    # Ranked like any other line: the questions as questions, nothing sunk as a command.
    assert stored["q1"][1] == 1 and stored["q2"][1] == 1
    assert not any("command" in stored[key][2].split() for key in ("q1", "q2", "q3"))
    # No public answer to a typo (docs/commands.md), and no command row: it is no command.
    assert played.answers() == []
    assert played.commands() == []


#: Everyday lines for the chat bots channels run (Nightbot, StreamElements, Streamlabs, Moobot,
#: Fossabot), beside two viewers who began with a `!word` and then talked (last read, sitting 19).
OTHER_BOTS_EVERYDAY = [
    segment("Filters", ["resonance", "cutoff", "ladder"]),
    say("o1", "ana", "!songs request never gonna give you up", t=1),
    say("o2", "ben", "!marker funny moment", t=2),
    say("o3", "cleo", "!givepoints @ana 100", t=3),
    say("o4", "cleo", "!top points", t=4),
    say("o5", "dan", "!give @ana 500", t=5),
    say("o6", "dan", "!tts hello streamer you suck", t=6),
    say("o7", "eve", "!roll 2d6", t=7),
    say("o8", "eve", "!love @ana", t=8),
    say("o9", "fin", "!slap @ana", t=9),
    say("o10", "fin", "!addpoints @ben 100", t=10),
    say("o11", "gus", "!hydrate now", t=11),
    # No bot's word we know, but its first argument is a person or a number: another bot's.
    say("o12", "gus", "!yeet @ana into the sun", t=12),
    say("o13", "hal", "!wager 250 on red", t=13),
    say("q1", "icedc", "!aks would libdvdcss2 be illegal in the US?", t=14),
    say("q2", "tanaka", "!pregunta ¿cómo veo DVDs en Linux?", t=15),
]


async def test_other_bots_everyday_commands_stay_out_of_the_queue(tmp_path: Path) -> None:
    """`!songs request X`, `!marker X`, `!givepoints @ana 100`, `!tts ...`, `!roll 2d6` reached
    the queue as comments (and the report counted them): they are for another chat bot. So is a
    `!word` whose first argument is an `@name` or a number. A viewer talking after a `!word`
    (`!aks would ...?`, `!pregunta ¿...?`) is still a comment."""
    played = await play(tmp_path, OTHER_BOTS_EVERYDAY)
    queued = {r.comment.id for r in console_state(played).ranked_queue()}
    assert queued == {"q1", "q2"}
    kinds = dict(played.db.execute("SELECT message_id, kind FROM comments"))
    assert {key for key, kind in kinds.items() if kind == "comment"} == {"q1", "q2"}
    assert {key for key, kind in kinds.items() if kind == "command"} == {
        f"o{n}" for n in range(1, 14)
    }
    assert played.answers() == [] and played.commands() == []
