"""!optout, !optin and !forget: what is kept about a viewer, and that nobody can do it for another."""

from __future__ import annotations

from commands.chat import play, say


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
        " WHERE authors.platform_user_id = 'id-ana'"
    ).fetchone()
    assert counted == 3
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
    assert played.hands() == ["evil"]
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
