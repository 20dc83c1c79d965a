"""Abuse: floods, huge and hostile arguments, and the send budgets that keep the bot polite."""

from __future__ import annotations

from commands.chat import play, say, segment
from stagehand.config import Settings
from stagehand.config.commands import CommandSettings, SendBudget

MOD = ["moderator"]


async def test_flooding_hand_queues_the_viewer_once_and_logs_the_rest(tmp_path) -> None:
    flood = [say(f"h{i}", "spammer", "!hand", t=i * 0.2) for i in range(50)]
    played = await play(tmp_path, [*flood, say("x1", "ana", "!hand", t=11)])
    assert played.hands() == ["spammer", "ana"]
    assert len(played.hand_events()) == 2  # the console redrew the queue twice, not fifty times
    outcomes = played.outcomes("hand")
    assert outcomes[0] == "ok: hand raised, #1 in the queue"
    assert all(o.startswith("ignored: cooldown") for o in outcomes[1:50])
    assert played.sent() == []


async def test_toggling_hand_and_lower_is_held_by_one_cooldown(tmp_path) -> None:
    toggles = [say(f"t{i}", "spammer", "!hand" if i % 2 == 0 else "!lower", t=i) for i in range(20)]
    played = await play(tmp_path, toggles)
    # 20 s of toggling every second: the hand goes up (0 s) and, as lowering your own hand
    # always works, down (1 s); each !lower starts the cooldown again, so no !hand after it
    # gets through: the queue changed twice and the console redrew it twice.
    assert len(played.hand_events()) == 2
    assert played.hands() == []
    assert sum(o.startswith("ignored: cooldown") for _, _, _, o in played.commands()) == 9


async def test_cooldown_ends_and_the_command_works_again(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            segment("Oscillators"),
            say("m1", "ana", "!topic", t=1),
            say("m2", "ana", "!topic", t=5),
            say("m3", "ana", "!topic", t=12),
        ],
    )
    assert played.outcomes("topic") == [
        "ok: told the topic",
        "ignored: cooldown, 6 s left",
        "ok: told the topic",
    ]
    assert len(played.answers()) == 2


async def test_huge_arguments_are_cut_before_they_are_stored_or_used(tmp_path) -> None:
    huge = "x" * 50_000
    played = await play(
        tmp_path,
        [
            say("m1", "ana", f"!ask {huge}", t=1),
            say(
                "m2",
                "mo",
                f"!segment {huge} | {'k' * 5000}, " + ", ".join(["kw"] * 500),
                t=2,
                roles=MOD,
            ),
            say("m3", "mo", f"!stage @{huge}", t=3, roles=MOD),
        ],
    )
    for _, _, args, _ in played.commands():
        assert len(args) <= 200
    title = played.live.current_segment.title
    assert len(title) <= 200 and len(played.live.current_segment.keywords) <= 10
    assert all(len(answer) <= 450 for answer in played.answers())
    assert played.on_stage() == []


async def test_hostile_arguments_are_sanitized(tmp_path) -> None:
    played = await play(
        tmp_path,
        [say("m1", "mo", "!segment \x1b]52;c;cHduZWQ=\x07Filters\u202e [b]x[/b]", t=1, roles=MOD)],
    )
    title = played.live.current_segment.title
    assert title == "Filters [b]x[/b]"
    (stored_args,) = played.db.execute("SELECT args FROM commands").fetchone()
    assert "\x1b" not in stored_args and "\u202e" not in stored_args


async def test_the_twitch_send_budget_drops_answers_over_twenty_per_thirty_seconds(
    tmp_path,
) -> None:
    settings = Settings(
        commands=CommandSettings(send_budgets={"twitch": SendBudget(messages=20, per_seconds=30)})
    )
    asks = [say(f"a{i}", f"viewer{i}", "!topic", t=i * 0.5) for i in range(40)]
    later = [say("late", "latecomer", "!topic", t=31)]
    played = await play(tmp_path, [segment("Filters"), *asks, *later], settings=settings)
    assert len(played.answers()) == 21  # 20 in the first 30 s, then room again
    dropped = [o for o in played.outcomes("topic") if "answer dropped" in o]
    assert len(dropped) == 20 and "twitch send budget spent" in dropped[0]
    assert played.sent()[-1].to == "late"


async def test_budgets_are_per_platform(tmp_path) -> None:
    asks = [say(f"d{i}", f"viewer{i}", "!help", t=i * 0.1, platform="discord") for i in range(10)]
    played = await play(tmp_path, [*asks, say("t1", "ana", "!help", t=1)])
    assert len(played.answers("discord")) == 4  # Discord's default: 4 answers per 5 s
    assert len(played.answers("twitch")) == 1


async def test_one_viewer_cannot_spend_the_budget_alone(tmp_path) -> None:
    cycle = ["!topic", "!help", "!optin", "!forget", "!optout", "!topic"]
    spam = [say(f"s{i}", "spammer", text, t=i) for i, text in enumerate(cycle)]
    played = await play(tmp_path, [segment("Filters"), *spam, say("m1", "ana", "!topic", t=7)])
    to_spammer = [s for s in played.sent() if s.to.startswith("s")]
    assert len(to_spammer) == 3
    assert played.sent()[-1].to == "m1"


async def test_a_moderator_is_answered_even_after_viewers_hit_their_own_limit(tmp_path) -> None:
    spam = [
        say(f"s{i}", "spammer", text, t=i)
        for i, text in enumerate(["!help", "!topic", "!optin", "!optout"])
    ]
    played = await play(tmp_path, [*spam, say("m1", "mo", "!segment Filters", t=5, roles=MOD)])
    assert played.answers()[-1] == "Segment 1: Filters"


async def test_a_help_whose_answer_is_dropped_is_logged_as_not_sent(tmp_path) -> None:
    asks = [say(f"d{i}", f"viewer{i}", "!help", t=i * 0.1, platform="discord") for i in range(6)]
    played = await play(tmp_path, asks)
    outcomes = played.outcomes("help")
    assert outcomes[:4] == ["ok: sent the command list"] * 4
    assert (
        outcomes[4:]
        == ["ignored: command list not sent; answer dropped: discord send budget spent"] * 2
    )
