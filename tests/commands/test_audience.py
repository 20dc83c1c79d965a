"""Audience commands through the replay adapter: !hand, !lower, !ask, !topic, !help, prefixes."""

from __future__ import annotations

from commands.chat import play, say, segment
from stagehand.config import Settings
from stagehand.config.commands import CommandSettings


async def test_hand_puts_viewers_in_the_queue_in_order_and_lower_takes_them_out(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "!hand", t=1),
            say("m2", "ben", "!HAND", t=2),
            say("m3", "cleo", "!hand", t=3, platform="discord"),
            say("m4", "ana", "!lower", t=20),
        ],
    )
    assert played.hands() == ["ben", "cleo"]
    assert played.hand_events()[2].hands[-1].name == "cleo"  # the console saw the queue grow
    assert played.outcomes("hand") == [
        "ok: hand raised, #1 in the queue",
        "ok: hand raised, #2 in the queue",
        "ok: hand raised, #3 in the queue",
    ]
    assert played.outcomes("lower") == ["ok: hand lowered"]
    assert played.answers() == [] and played.answers("discord") == []  # quiet by default


async def test_hands_can_be_confirmed_in_chat(tmp_path) -> None:
    settings = Settings(commands=CommandSettings(confirm_hands=True))
    played = await play(tmp_path, [say("m1", "ana", "!hand", t=1)], settings=settings)
    assert played.answers() == ["Hand raised: you are #1 in the queue."]


async def test_lowering_without_a_raised_hand_changes_nothing(tmp_path) -> None:
    played = await play(tmp_path, [say("m1", "ana", "!lower")])
    assert played.hand_events() == []
    assert played.outcomes("lower") == ["ignored: no hand raised"]


async def test_ask_is_a_lifted_question_and_the_bot_stays_quiet(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            segment("Filters", ["resonance"]),
            say("m1", "ana", "!ask how do you tame the resonance", t=1),
            say("m2", "ben", "!ask", t=2),
        ],
    )
    flags, is_question = played.db.execute(
        "SELECT flags, is_question FROM comments WHERE message_id = 'm1'"
    ).fetchone()
    assert "ask" in flags.split() and is_question == 1
    assert played.commands() == [
        ("ana", "ask", "how do you tame the resonance", "ok: in the queue as a question"),
        ("ben", "ask", "", "ignored: no question after the command"),
    ]
    assert played.answers() == []


async def test_topic_answers_with_the_live_segment_in_reply_to_the_asker(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m0", "ana", "!topic", t=0),
            segment("Filters", ["cutoff", "resonance"], t=5),
            say("m1", "ben", "!topic", t=10),
            say("m2", "cleo", "!topic", t=11, platform="discord"),
        ],
    )
    assert [(s.to, s.text) for s in played.sent()] == [
        ("m0", "No topic is set yet."),
        ("m1", "Now on the show: Filters (cutoff, resonance)"),
    ]
    assert played.answers("discord") == ["Now on the show: Filters (cutoff, resonance)"]


async def test_help_lists_what_each_person_may_use(tmp_path) -> None:
    played = await play(
        tmp_path,
        [say("m1", "ana", "!help", t=1), say("m2", "mo", "!help", t=2, roles=["moderator"])],
    )
    viewer, moderator = played.answers()
    assert "!hand" in viewer and "!forget" in viewer and "!stage" not in viewer
    assert "!stage @name" in moderator and "!segment" in moderator


async def test_unknown_commands_and_plain_chat_leave_no_trace(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "!uptime", t=1),
            say("m2", "ben", "!!!", t=2),
            say("m3", "cleo", "hand me the cable !hand", t=3),
            say("m4", "dev", "! hand", t=4),
        ],
    )
    assert played.commands() == [] and played.handled() == []
    assert played.sent() == [] and played.hands() == []
    assert played.db.execute("SELECT count(*) FROM comments").fetchone()[0] == 4


async def test_the_prefix_is_configurable(tmp_path) -> None:
    settings = Settings(commands=CommandSettings(prefix="?"))
    played = await play(
        tmp_path,
        [say("m1", "ana", "!hand", t=1), say("m2", "ben", "?hand", t=2)],
        settings=settings,
    )
    assert played.hands() == ["ben"]


async def test_commands_can_be_switched_off(tmp_path) -> None:
    settings = Settings(commands=CommandSettings(enabled=False))
    played = await play(tmp_path, [say("m1", "ana", "!hand")], settings=settings)
    assert played.hands() == [] and played.commands() == []


async def test_every_command_is_logged_and_shown_in_the_console(tmp_path) -> None:
    played = await play(
        tmp_path, [say("m1", "ana", "!hand", t=1), say("m2", "ana", "!stage @ben", t=2)]
    )
    handled = [(e.comment.id, e.command, e.outcome) for e in played.handled()]
    assert handled == [
        ("m1", "hand", "ok: hand raised, #1 in the queue"),
        ("m2", "stage", "refused: moderators only"),
    ]
    linked = played.db.execute(
        "SELECT comments.message_id FROM commands JOIN comments ON comments.id = commands.comment_id"
    ).fetchall()
    assert linked == [("m1",), ("m2",)]


async def test_other_bots_bang_commands_stay_out_of_the_queue_whatever_our_prefix(
    tmp_path,
) -> None:
    """docs/commands.md: other bots' `!uptime` never reaches the queue or the numbers, also when
    our own prefix is `?`."""
    settings = Settings(commands=CommandSettings(prefix="?"))
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "!uptime", t=1),
            say("m2", "ben", "!discord", t=2),
            say("m3", "cleo", "?hand", t=3),
            say("m4", "dev", "which filter is that?", t=4),
        ],
        settings=settings,
    )
    kinds = played.db.execute("SELECT message_id, kind FROM comments ORDER BY id").fetchall()
    assert kinds == [("m1", "command"), ("m2", "command"), ("m3", "command"), ("m4", "comment")]
    assert played.hands() == ["cleo"]
    assert [name for _, name, _, _ in played.commands()] == ["hand"]  # only ours is handled


async def test_a_viewer_who_changed_their_mind_lowers_their_hand_at_once(tmp_path) -> None:
    # Within the hand cooldown: the hand comes down (it must not stay up to be put on stage),
    # and raising it again right after still waits for the cooldown.
    played = await play(
        tmp_path,
        [
            say("m1", "handy", "!hand", t=1),
            say("m2", "handy", "!lower", t=2),
            say("m3", "handy", "!hand", t=3),
        ],
    )
    assert played.hands() == []
    assert played.outcomes("lower") == ["ok: hand lowered"]
    assert played.outcomes("hand")[1].startswith("ignored: cooldown")
