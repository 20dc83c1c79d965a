"""!optout, !optin and !forget: what is kept about a viewer, and that nobody can do it for another."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

from commands.chat import START, FakePlatform, play, say, write_transcript
from fakes.show_runs import stagehand
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.config.commands import CommandSettings
from stagehand.console.state import ConsoleState
from stagehand.domain import Comment
from stagehand.events import CommentRanked
from stagehand.pseudonyms import KeyFile
from stagehand.session import open_show
from stagehand.show.opted_out import OPTED_OUT_NAME


def pseudonym_of(user_id: str, platform: str = "twitch") -> str:
    key = KeyFile().load()
    assert key is not None, "no pseudonym key was made"
    return key.pseudonym(platform, user_id)


def ids_of(db) -> list[str]:  # type: ignore[no-untyped-def]
    return sorted(row[0] for row in db.execute("SELECT platform_user_id FROM authors"))


async def test_optout_anonymizes_past_and_later_comments_but_keeps_counting_them(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "my synth is a Juno", t=1),
            say("m2", "ana", "!optout", t=2),
            say("m3", "ana", "!ask what about my Juno", t=20),
            say("m4", "ben", "hi all", t=21),
        ],
    )
    for message_id in ("m1", "m2", "m3"):
        text, name, anonymized = played.stored(message_id)
        assert (text, anonymized) == ("", 1) and name.startswith("anonymous-")
    assert played.stored("m4") == ("hi all", "ben", 0)
    (counted,) = played.db.execute(
        "SELECT count(*) FROM comments JOIN authors ON authors.id = author_id"
        " WHERE authors.platform_user_id = ?",
        (pseudonym_of("id-ana"),),
    ).fetchone()
    assert counted == 3  # still counted, under her pseudonym
    assert "not kept" in played.answers()[0]
    # not even a command's arguments are kept for someone who opted out
    assert [args for _, name, args, _ in played.commands() if name == "ask"] == [""]


async def test_optin_keeps_new_comments_again(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "!optout", t=1),
            say("m2", "ana", "secret", t=2),
            say("m3", "ana", "!optin", t=3),
            say("m4", "ana", "hello again", t=4),
        ],
    )
    assert played.stored("m2")[0] == ""
    assert played.stored("m4") == ("hello again", "ana", 0)
    assert played.answers()[-1] == "Done: your name and messages are kept again from now on."


async def test_a_viewer_cannot_opt_out_or_forget_someone_else(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "I love filters", t=1),
            say("m2", "evil", "!optout @ana", t=2),
            say("m3", "evil", "!forget @ana", t=3),
            say("m4", "evil", "!forget confirm", t=4),
            say("m5", "evil", "!hand @ana", t=5),
        ],
    )
    assert played.stored("m1") == ("I love filters", "ana", 0)
    # the hand is evil's own, and anonymous: evil opted out (of themselves)
    assert [(a.id, a.shown_name) for a in played.live.hands] == [("id-evil", OPTED_OUT_NAME)]
    assert played.stored("m5")[2] == 1  # evil opted themselves out, and forgot themselves


async def test_forget_asks_first_and_deletes_only_after_confirmation(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "my address is 1 Synth Road", t=1, display_name="Ana"),
            say("m2", "ana", "!forget", t=2),
            say("m3", "ben", "!forget confirm", t=3),  # ben never asked: nothing of ana goes
        ],
    )
    assert played.stored("m1") == ("my address is 1 Synth Road", "ana", 0)
    assert "!forget confirm within 60 s" in played.answers()[0]
    assert played.outcomes("forget") == ["ok: asked to confirm", "ok: asked to confirm"]


async def test_forget_confirmed_in_time_deletes_text_and_names(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "my address is 1 Synth Road", t=1, display_name="Ana"),
            say("m2", "ana", "!forget", t=2),
            say("m3", "ana", "!forget confirm", t=30),
            say("m4", "ben", "bye", t=31),
        ],
    )
    for message_id in ("m1", "m2", "m3"):
        text, name, anonymized = played.stored(message_id)
        assert (text, anonymized) == ("", 1) and "ana" not in name.casefold()
    (original,) = played.db.execute(
        "SELECT group_concat(original_text, '') FROM comments WHERE message_id IN ('m1','m2','m3')"
    ).fetchone()
    assert original == ""
    assert played.stored("m4") == ("bye", "ben", 0)
    assert played.answers()[-1].startswith("Done: your name and messages stored by this show")
    assert played.outcomes("forget") == ["ok: asked to confirm", "ok: forgotten"]


async def test_a_late_confirmation_only_asks_again(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "keep me", t=1),
            say("m2", "ana", "!forget", t=2),
            say("m3", "ana", "!forget confirm", t=63),
        ],
    )
    assert played.stored("m1") == ("keep me", "ana", 0)
    assert played.outcomes("forget") == ["ok: asked to confirm", "ok: asked to confirm"]


async def test_a_forgotten_viewer_can_no_longer_be_named_for_the_stage(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "hi", t=1),
            say("m2", "ana", "!forget", t=2),
            say("m3", "ana", "!forget confirm", t=3),
            say("m4", "mo", "!stage @ana", t=4, roles=["moderator"]),
        ],
    )
    assert played.on_stage() == []


async def test_an_opt_out_from_an_earlier_run_still_holds_after_a_restart(tmp_path) -> None:
    await play(tmp_path, [say("m1", "ana", "!optout", t=1)])
    played = await play(tmp_path, [say("m2", "ana", "!ask is my question kept?", t=30)])
    assert played.stored("m2")[0] == ""
    assert [args for _, name, args, _ in played.commands() if name == "ask"] == [""]


async def test_talking_again_after_forget_does_not_reattach_the_forgotten_history(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "my address is 1 Synth Road", t=1, display_name="Ana"),
            say("m2", "ana", "!forget", t=2),
            say("m3", "ana", "!forget confirm", t=3),
            say("m4", "ana", "hi again", t=40, display_name="Ana"),
        ],
    )
    assert played.stored("m4") == ("hi again", "ana", 0)
    forgotten = {played.stored(m)[1] for m in ("m1", "m2", "m3")}
    assert len(forgotten) == 1 and "ana" not in forgotten.pop().casefold()
    (ana_comments,) = played.db.execute(
        "SELECT count(*) FROM comments JOIN authors ON authors.id = comments.author_id"
        " WHERE authors.platform_user_id = 'id-ana'"
    ).fetchone()
    assert ana_comments == 1  # only what she said after forgetting is tied to her account


# -- pseudonyms: opted-out viewers are known by a keyed hash, never by their platform id -------


async def test_an_opted_out_viewer_keeps_no_platform_id_in_the_database_or_export(
    tmp_path,
) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "my synth is a Juno", t=1),
            say("m2", "ana", "!optout", t=2),
            say("m3", "ana", "what about filters?", t=20),
            say("m4", "ben", "hi all", t=21),
        ],
    )
    assert "id-ana" not in ids_of(played.db)
    assert pseudonym_of("id-ana") in ids_of(played.db)
    assert "id-ben" in ids_of(played.db)  # nobody else is affected
    key = KeyFile()
    assert key.path.parent == KeyFile().path.parent  # beside the token file, in the config dir
    assert os.stat(key.path).st_mode & 0o777 == 0o600
    exported = subprocess.run(
        [sys.executable, "-m", "stagehand", "export", "--db", str(tmp_path / "show.db")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert exported.returncode == 0, exported.stderr
    assert "id-ana" not in exported.stdout and "my synth is a Juno" not in exported.stdout
    authors = {
        json.loads(line).get("author_id") for line in exported.stdout.splitlines() if line.strip()
    }
    assert pseudonym_of("id-ana") in authors and "id-ben" in authors


async def test_no_key_is_made_while_nobody_opts_out(tmp_path) -> None:
    await play(tmp_path, [say("m1", "ana", "hello", t=1)])
    assert not KeyFile().path.exists()


async def test_a_returning_opted_out_viewer_is_recognised_as_the_same_anonymous_viewer(
    tmp_path,
) -> None:
    await play(tmp_path, [say("m1", "ana", "!optout", t=1)])
    played = await play(tmp_path, [say("m2", "ana", "back again", t=30, display_name="Ana")])
    assert played.stored("m2")[0] == ""  # still anonymous
    rows = played.db.execute(
        "SELECT platform_user_id, name, count(comments.id) FROM authors"
        " JOIN comments ON comments.author_id = authors.id GROUP BY authors.id"
    ).fetchall()
    assert len(rows) == 1  # one viewer, seen twice: not a newcomer the second time
    assert rows[0][0] == pseudonym_of("id-ana") and rows[0][1].startswith("anonymous-")
    assert rows[0][2] == 2


async def test_optin_starts_afresh_and_leaves_the_anonymous_past_unlinked(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "!optout", t=1),
            say("m2", "ana", "secret", t=2),
            say("m3", "ana", "!optin", t=3),
            say("m4", "ana", "hello again", t=4),
        ],
    )
    assert played.stored("m4") == ("hello again", "ana", 0)
    ids = ids_of(played.db)
    assert pseudonym_of("id-ana") not in ids  # nothing links the anonymous past to her
    [past] = played.db.execute(
        "SELECT DISTINCT authors.platform_user_id FROM comments JOIN authors"
        " ON authors.id = comments.author_id WHERE message_id IN ('m1', 'm2', 'm3')"
    ).fetchall()
    assert past[0].startswith("opted-in:")
    # and a later run does not mistake her for someone who opted out
    again = await play(tmp_path, [say("m5", "ana", "!ask still kept?", t=40)])
    assert again.stored("m5")[0] == "still kept?"  # the question (an !ask is shown without it)
    assert [args for _, name, args, _ in again.commands() if name == "ask"] == ["still kept?"]


async def test_forgetting_an_opted_out_viewer_keeps_only_the_opt_out(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "my address is 1 Synth Road", t=1),
            say("m2", "ana", "!optout", t=2),
            say("m3", "ana", "!forget", t=3),
            say("m4", "ana", "!forget confirm", t=4),
            say("m5", "ana", "still me", t=5),
        ],
    )
    [(_, comments)] = played.db.execute(
        "SELECT platform_user_id, count(comments.id) FROM authors"
        " LEFT JOIN comments ON comments.author_id = authors.id"
        " WHERE platform_user_id = ? GROUP BY authors.id",
        (pseudonym_of("id-ana"),),
    ).fetchall()
    assert comments == 1  # only what came after forgetting: m5, anonymous
    assert played.stored("m5")[0] == ""
    assert "id-ana" not in ids_of(played.db)


async def test_a_missing_key_is_said_at_start_and_the_viewer_is_not_recognised(tmp_path) -> None:
    await play(tmp_path, [say("m1", "ana", "!optout", t=1)])
    KeyFile().path.unlink()  # a new machine, a lost config folder
    played = await play(tmp_path, [say("m2", "ana", "hello", t=30)])
    notices = [e.text for e in played.events if type(e).__name__ == "Notice"]
    assert any("pseudonym key" in text and "missing" in text for text in notices), notices
    assert played.stored("m2") == ("hello", "ana", 0)  # the documented consequence


async def test_the_report_says_how_many_questions_are_hidden_by_opt_outs(tmp_path) -> None:
    from commands.chat import segment

    await play(
        tmp_path,
        [
            segment("Filters", ["filter", "cutoff", "resonance"], t=0),
            say("m1", "ana", "which filter cutoff do you use for the bass?", t=5),
            say("m2", "ben", "how much resonance on that filter?", t=6),
            say("m3", "ana", "!optout", t=7),
        ],
    )

    def report(fmt: str) -> str:
        done = stagehand("report", "--db", str(tmp_path / "show.db"), "--format", fmt, timeout=60)
        assert done.returncode == 0, done.stderr
        return done.stdout

    data = json.loads(report("json"))
    assert data["unanswered_questions_total"] == 2
    assert data["unanswered_questions_hidden_opted_out"] == 1
    assert [q["text"] for q in data["unanswered_questions"]] == [
        "how much resonance on that filter?"
    ]
    # The heading adds up: 2 never answered, 1 listed, 1 not listed.
    heading = "2 on-topic questions never answered, best first: 1 listed, 1 not listed: its author"
    assert heading + " opted out" in report("term")
    assert heading + " opted out" in report("md")


async def test_a_restored_key_joins_the_viewer_back_to_their_pseudonym(tmp_path) -> None:
    await play(tmp_path, [say("m1", "ana", "!optout", t=1)])
    key = KeyFile().path
    key.rename(tmp_path / "backup.key")  # lost for a while: ana comes back unrecognised
    await play(tmp_path, [say("m2", "ana", "am I anonymous?", t=30)])
    (tmp_path / "backup.key").rename(key)  # restored from the backup
    played = await play(tmp_path, [say("m3", "ana", "!optout", t=60)])
    rows = played.db.execute(
        "SELECT authors.platform_user_id, count(*) FROM comments JOIN authors"
        " ON authors.id = comments.author_id GROUP BY authors.id"
    ).fetchall()
    assert rows == [(pseudonym_of("id-ana"), 3)]  # one viewer again, anonymous throughout
    assert played.stored("m2")[0] == ""


async def test_after_optout_no_screen_shows_the_viewer_by_name_or_by_what_they_said(
    tmp_path,
) -> None:
    """README: anonymous everywhere from then on. The console, the show server's API and the
    stream's overlay all read the show's events and memory: none may name them or quote them."""
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "how do you pick the filter cutoff?", t=1, display_name="Private Ana"),
            say("m2", "ana", "!optout", t=2, display_name="Private Ana"),
            say("m3", "ana", "which synth do you use for bass?", t=5, display_name="Private Ana"),
            say("m4", "ben", "what about resonance on the ladder filter?", t=6),
            say("m5", "ana", "!hand", t=7, display_name="Private Ana"),
        ],
    )
    assert [a.shown_name for a in played.live.hands] == [OPTED_OUT_NAME]  # a hand, no name
    screen = ConsoleState()
    for event in played.events:
        screen.apply(event)
    shown = [
        (asker.comment.author.shown_name, asker.comment.shown_text)
        for row in screen.queue_rows()
        for asker in row.askers
    ]
    shown += [(line.comment.author.shown_name, line.comment.shown_text) for line in screen.raw]
    shown += [(c.author.shown_name, c.shown_text) for c in played.live.recent_comments]
    shown += [(a.shown_name, "") for a in screen.hands]
    assert ("ben", "what about resonance on the ladder filter?") in shown
    assert not [pair for pair in shown if "Ana" in pair[0] or "synth" in pair[1]]
    assert not [pair for pair in shown if "cutoff" in pair[1] or pair[0] == "ana"]
    later = [e.ranked.comment for e in played.events if isinstance(e, CommentRanked)][
        2
    ]  # what every screen got of m3
    assert (later.id, later.author.shown_name, later.shown_text) == (
        "m3",
        OPTED_OUT_NAME,
        "",
    )
    assert later.author.name == ""
    # Nothing of them can be put on stream, not even by a producer's API call.
    before = Comment("m1", "twitch", "synthnight", later.author, "how do you pick?", START)
    assert not played.live.feature(before).ok
    assert not played.live.feature(later).ok
    assert played.live.featured is None
    assert played.stored("m3")[0] == ""  # and the database keeps them anonymous, as before
    kept = played.db.execute(
        "SELECT display_name_then, roles_then FROM comments WHERE message_id IN ('m1', 'm3')"
    ).fetchall()
    assert kept == [(None, None), (None, None)]  # not even the name they wrote under
    assert played.db.execute(
        "SELECT display_name_then FROM comments WHERE message_id = 'm4'"
    ).fetchone() == ("ben",)


async def test_optout_leaves_no_earlier_command_argument_in_the_database(tmp_path) -> None:
    """docs/commands.md: what's already stored about you is made anonymous too; a `!ask` or a
    `!topic` question typed before `!optout` is as private as a comment."""
    played = await play(
        tmp_path,
        [
            say("m1", "eve", "!ask my private medical question about vco", t=15),
            say("m2", "eve", "!topic is this about my ex-boss John Smith", t=30),
            say("m3", "eve", "!optout", t=45),
            say("m4", "fay", "!ask fay asks about the vco", t=60),
        ],
    )
    dump = "\n".join(played.db.iterdump())
    assert "private medical" not in dump and "John Smith" not in dump
    assert "fay asks about the vco" in dump  # nobody else's
    assert [args for _, name, args, _ in played.commands() if name in ("ask", "topic")] == [
        "",
        "",
        "fay asks about the vco",
    ]


async def test_privacy_commands_work_with_the_other_commands_switched_off(tmp_path) -> None:
    """`[commands] enabled = false` ignored `!optout` too, and kept the viewer's later text by
    name. `session.open_show` installs the router whatever `enabled` (docs/commands.md), and
    it answers only `!optout`, `!optin` and `!forget` then."""
    transcript = write_transcript(
        tmp_path / "show.jsonl",
        [
            say("m1", "ana", "my name is Ana Example", t=1),
            say("m2", "ana", "!optout", t=2),
            say("m3", "ana", "I live at 1 Synth Road", t=3),
            say("m4", "ben", "!hand", t=4),
        ],
    )
    twitch = FakePlatform("twitch")
    live = open_show(
        Settings(commands=CommandSettings(enabled=False)),
        db_path=tmp_path / "show.db",
        show_name="synth",
        adapters=[twitch, ReplayAdapter(transcript, instant=True)],
    )
    await live.run_adapters()
    await live.drain()
    assert await live.close()
    db = sqlite3.connect(tmp_path / "show.db")
    texts = [row[0] for row in db.execute("SELECT text FROM comments ORDER BY id")]
    assert texts == ["", "", "", "!hand"]
    assert "not kept" in twitch.answers()[0]
    assert [name for (name,) in db.execute("SELECT name FROM commands")] == ["optout"]
    assert live.hands == ()  # !hand is off


async def test_an_early_forget_confirm_never_holds_back_the_real_confirmation(tmp_path) -> None:
    """A `!forget confirm` typed before `!forget` only asks; it must not put the real
    confirmation, seconds later, under a cooldown (it did: nothing was deleted)."""
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "what is a filter, really?", t=0),
            say("m2", "ana", "!forget confirm", t=1),
            say("m3", "ana", "!forget", t=3),
            say("m4", "ana", "!forget confirm", t=4),
            say("m5", "ben", "hi", t=5),
        ],
    )
    assert played.outcomes("forget") == [
        "ok: asked to confirm",
        "ok: asked to confirm",
        "ok: forgotten",
    ]
    text, name, anonymized = played.stored("m1")
    assert (text, anonymized) == ("", 1) and "ana" not in name.casefold()
    assert played.answers()[-1].startswith("Done: your name and messages stored by this show")


async def test_opting_out_again_within_seconds_still_stops_keeping_the_viewer(tmp_path) -> None:
    """`!optout`, `!optin`, `!optout` half a second apart: the second `!optout` was under a
    cooldown and ignored, so the viewer's next line was kept with their name."""
    played = await play(
        tmp_path,
        [
            say("m1", "yan", "!optout", t=0),
            say("m2", "yan", "!optin", t=0.5),
            say("m3", "yan", "!optout", t=1),
            say("m4", "yan", "my private message about filters", t=1.5),
        ],
    )
    assert played.outcomes("optout") == ["ok: opted out", "ok: opted out"]
    text, name, anonymized = played.stored("m4")
    assert (text, anonymized) == ("", 1) and "yan" not in name.casefold()
    assert len(played.answers()) == 3  # each one answered (within the viewer's 3 per minute)


async def test_an_opted_out_viewers_ask_is_not_reported_as_queued(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "lee", "!optout", t=1),
            say("m2", "lee", "!ask is a ladder filter better?", t=2),
        ],
    )
    state = ConsoleState()
    for event in played.events:
        state.apply(event)
    assert state.ranked_queue() == []
    (outcome,) = played.outcomes("ask")
    assert outcome == "ignored: opted out, so counted anonymously and not queued"
    [handled] = [e for e in played.handled() if e.command == "ask"]
    assert handled.outcome == outcome and handled.comment.author.name == ""  # nameless


async def test_an_opted_out_viewers_ask_in_its_cooldown_is_logged_as_opted_out(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "lee", "!optout", t=1),
            say("m2", "lee", "!ask is a ladder filter better?", t=2),
            say("m3", "lee", "!ask and a state variable one?", t=3),
        ],
    )
    assert played.outcomes("ask") == [
        "ignored: opted out, so counted anonymously and not queued",
        "ignored: opted out, so counted anonymously and not queued",
    ]


async def test_optin_from_someone_who_never_opted_out_says_nothing_changed(tmp_path) -> None:
    played = await play(tmp_path, [say("m1", "ana", "hello", t=1), say("m2", "ana", "!optin", t=2)])
    assert played.outcomes("optin") == ["ignored: not opted out"]
    assert played.answers() == ["Nothing to undo: your name and messages were kept all along."]
