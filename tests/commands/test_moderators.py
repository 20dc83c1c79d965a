"""Moderator commands and who may use them: !stage, !unstage, !segment, !topic with text."""

from __future__ import annotations

from commands.chat import brought_on_stage, play, say, segment
from stagehand.config import Settings, ShowSettings
from stagehand.events import Notice, SegmentChanged

MOD = ["moderator"]


async def test_a_moderator_brings_a_recent_chatter_on_stage_by_user_name(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "!hand", t=1, display_name="Ana"),
            say("m2", "mo", "!stage @ANA", t=5, roles=MOD),
        ],
    )
    assert played.on_stage() == ["ana"]
    assert played.hands() == []  # coming on stage takes the hand down
    assert [(s.kind, s.to) for s in played.sent()] == [("invite", "ana"), ("reply", "m2")]
    assert played.answers() == ["Invited @ana on stage."]
    (started,) = played.db.execute(
        "SELECT authors.name FROM stage_sessions JOIN authors ON authors.id = author_id"
    ).fetchone()
    assert started == "ana"
    assert played.outcomes("stage") == ["ok: @ana: invited ana"]


async def test_the_broadcaster_and_configured_hosts_may_steer(tmp_path) -> None:
    settings = Settings(show=ShowSettings(hosts=["twitch:cohost", "discord:@Deb"]))
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "hi", t=1),
            say("m2", "streamer", "!segment Intro", t=2, roles=["broadcaster"]),
            say("m3", "cohost", "!segment Oscillators | vco", t=3),
            say("m4", "deb", "!segment Filters", t=4, platform="discord"),
        ],
        settings=settings,
    )
    titles = played.db.execute("SELECT title FROM segments ORDER BY position").fetchall()
    assert titles == [("Intro",), ("Oscillators",), ("Filters",)]


async def test_a_viewer_cannot_steer_and_hears_nothing_back(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            segment("Oscillators", ["vco"]),
            say("m1", "ana", "hi", t=1),
            say("m2", "ben", "!stage @ana", t=2),
            say("m3", "ben", "!stage @ben", t=3),
            say("m4", "ben", "!segment Free giveaways", t=4),
            say("m5", "ben", "!unstage", t=6),
        ],
    )
    assert played.on_stage() == []
    assert played.live.current_segment.title == "Oscillators"
    assert played.sent() == []
    assert {outcome for _, _, _, outcome in played.commands()} == {"refused: moderators only"}


async def test_a_viewers_topic_with_text_only_asks_for_the_topic(tmp_path) -> None:
    played = await play(
        tmp_path, [segment("Oscillators", ["vco"]), say("m1", "ben", "!topic Free giveaways", t=1)]
    )
    assert played.live.current_segment.title == "Oscillators"
    assert played.answers() == ["Now on the show: Oscillators (vco)"]
    assert played.outcomes("topic") == [
        "ok: told the topic (text ignored: setting the topic is for moderators)"
    ]


async def test_a_host_account_is_matched_by_user_name_not_display_name(tmp_path) -> None:
    settings = Settings(show=ShowSettings(hosts=["twitch:cohost"]))
    played = await play(
        tmp_path,
        [
            segment("Oscillators"),
            say("m1", "impostor", "!segment Free giveaways", t=1, display_name="cohost"),
        ],
        settings=settings,
    )
    assert played.live.current_segment.title == "Oscillators"
    assert played.outcomes("segment") == ["refused: moderators only"]


async def test_a_spoofed_display_name_is_never_pulled_on_stage(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "hello", t=1, display_name="Ana"),
            say("m2", "evil", "pick me", t=2, display_name="ana"),
            say("m3", "mo", "!stage @ana", t=3, roles=MOD),
        ],
    )
    assert played.on_stage() == ["ana"]
    assert played.live.on_stage and played.live.on_stage[0].author.id == "id-ana"


async def test_nobody_is_staged_when_only_a_display_name_matches(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "evil", "pick me", t=1, display_name="ana"),
            say("m2", "mo", "!stage @ana", t=2, roles=MOD),
        ],
    )
    assert played.on_stage() == []
    assert played.outcomes("stage") == ["failed: no recent comment from @ana on twitch"]
    assert "user names, not display names" in played.answers()[0]


async def test_stage_looks_only_on_the_moderators_platform(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "hi from discord", t=1, platform="discord"),
            say("m2", "mo", "!stage @ana", t=2, roles=MOD),
        ],
    )
    assert played.on_stage() == []


async def test_stage_by_replying_to_the_viewers_message(tmp_path) -> None:
    # Twitch puts the automatic "@parent " mention at the start of a reply's text.
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "I built one of these!", t=1, display_name="Ana"),
            say("m2", "mo", "@Ana !stage", t=2, roles=MOD, reply_to="m1"),
            say("m3", "cleo", "me too", t=3, platform="discord"),
            say("m4", "dmod", "!stage", t=4, roles=MOD, platform="discord", reply_to="m3"),
        ],
    )
    assert sorted(played.on_stage()) == ["ana", "cleo"]


async def test_a_discord_mention_names_the_user_by_id(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "cleo", "hi", t=1, platform="discord", author_id="9001"),
            say("m2", "dmod", "!stage <@9001>", t=2, roles=MOD, platform="discord"),
            say("m3", "cleo", "!optout", t=3, platform="discord", author_id="9001"),
            say("m4", "dmod", "!unstage <@9001>", t=4, roles=MOD, platform="discord"),
        ],
    )
    assert played.on_stage() == []
    # named back as the moderator named them (Discord shows the mention, pinging nobody),
    # whether or not they opted out meanwhile
    assert played.answers("discord")[-1] == "<@9001> is off stage."


async def test_stage_without_anyone_named_explains_the_usage(tmp_path) -> None:
    played = await play(tmp_path, [say("m1", "mo", "!stage", t=1, roles=MOD)])
    assert played.answers() == ["Usage: !stage @username (or reply to their message with !stage)"]
    assert played.outcomes("stage") == ["failed: usage"]


async def test_unstage_ends_the_latest_or_the_named_appearance(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "hi", t=1),
            say("m2", "ben", "hey", t=2),
            say("m3", "mo", "!stage @ana", t=3, roles=MOD),
            say("m4", "mo", "!stage @ben", t=4, roles=MOD),
            say("m5", "mo", "!unstage @ana", t=60, roles=MOD),
        ],
    )
    assert played.on_stage() == ["ben"]
    ended = played.db.execute(
        "SELECT authors.name, ended_at FROM stage_sessions JOIN authors ON authors.id = author_id"
        " ORDER BY stage_sessions.id"
    ).fetchall()
    assert ended[0] == ("ana", "2026-11-20T19:01:00.000Z")  # when the moderator said so
    assert ended[1][0] == "ben"  # still on stage until the show closed
    assert played.outcomes("unstage") == ["ok: @ana: ana is off stage"]


async def test_unstage_without_a_name_ends_the_latest_and_says_when_nobody_is_on(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m0", "mo", "!unstage", t=0, roles=MOD),
            say("m1", "ana", "hi", t=1),
            say("m2", "mo", "!stage @ana", t=2, roles=MOD),
            say("m3", "mo", "!unstage", t=30, roles=MOD),
            say("m4", "mo", "!unstage @ghost", t=31, roles=MOD),
        ],
    )
    assert played.on_stage() == []
    assert played.outcomes("unstage") == [
        "ignored: nobody is on stage",
        "ok: @ana: ana is off stage",
        "ignored: nobody is on stage",
    ]


async def test_segment_starts_a_topic_that_the_ranking_and_the_store_follow(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            segment("Oscillators", ["vco"]),
            say("m1", "mo", "!segment Filters | cutoff, Resonance, cutoff", t=10, roles=MOD),
            say("m2", "ana", "the resonance screams at high cutoff", t=12),
        ],
    )
    position, title, keywords = played.db.execute(
        "SELECT position, title, keywords FROM segments ORDER BY position DESC LIMIT 1"
    ).fetchone()
    assert (position, title, keywords) == (2, "Filters", '["cutoff", "Resonance"]')
    (on_topic,) = played.db.execute(
        "SELECT on_topic FROM comments WHERE message_id = 'm2'"
    ).fetchone()
    assert on_topic == 1
    assert played.answers() == ["Segment 2: Filters (cutoff, Resonance)"]


async def test_a_moderator_sets_the_topic_keeping_keywords_unless_given(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            segment("Filters", ["cutoff"]),
            say("m1", "mo", "!topic Ladder filters", t=1, roles=MOD),
            say("m2", "mo", "!topic | moog, ladder", t=2, roles=MOD),
            say("m3", "ana", "!topic", t=3),
        ],
    )
    assert played.live.current_segment.title == "Ladder filters"
    assert played.live.current_segment.keywords == ("moog", "ladder")
    assert played.answers()[-1] == "Now on the show: Ladder filters (moog, ladder)"
    assert played.db.execute("SELECT count(*) FROM segments").fetchone()[0] == 1


async def test_a_moderators_topic_with_nothing_changed_records_nothing(tmp_path) -> None:
    """`!topic` saying the topic as it is (the keywords kept, or given again) is no host
    action: nothing for `l` or `u` to take back, no topic change for the consoles; the answer
    says the topic as it stands, as the console's `t` says "Topic unchanged"."""
    played = await play(
        tmp_path,
        [
            segment("Filters", ["cutoff"]),
            say("m1", "mo", "!topic Filters", t=1, roles=MOD),
            say("m2", "mo", "!topic  Filters | cutoff ", t=2, roles=MOD),
        ],
    )
    assert played.answers() == ["Topic unchanged: Filters (cutoff)"] * 2
    assert played.outcomes("topic") == ["ignored: topic unchanged: Filters (cutoff)"] * 2
    assert played.db.execute("SELECT count(*) FROM host_actions").fetchone()[0] == 0
    changes = [e for e in played.events if isinstance(e, SegmentChanged)]
    assert [(e.segment.title, e.segment.keywords) for e in changes] == [("Filters", ("cutoff",))]


async def test_a_moderators_segment_that_is_the_live_one_records_nothing(tmp_path) -> None:
    """`!segment Filters | cutoff` while "Filters (cutoff)" is live (or `!segment Filters`,
    which keeps its keywords) changes nothing: no topic host action in the log for `l` or `u`,
    no topic change for the consoles; answered as `!topic` is, "Topic unchanged". New keywords
    under the live title still edit the topic."""
    played = await play(
        tmp_path,
        [
            segment("Filters", ["cutoff"]),
            say("m1", "mo", "!segment Filters | cutoff", t=1, roles=MOD),
            say("m2", "mo", "!segment  filters ", t=2, roles=MOD),
            say("m3", "mo", "!segment Filters | cutoff, resonance", t=3, roles=MOD),
        ],
    )
    assert played.answers() == [
        "Topic unchanged: Filters (cutoff)",
        "Topic unchanged: Filters (cutoff)",
        "Segment 1: Filters (cutoff, resonance)",
    ]
    assert played.outcomes("segment")[:2] == ["ignored: topic unchanged: Filters (cutoff)"] * 2
    actions = played.db.execute("SELECT action, text FROM host_actions").fetchall()
    assert actions == [("topic", "Filters | cutoff, resonance")]
    changes = [e for e in played.events if isinstance(e, SegmentChanged)]
    assert [(e.segment.title, e.segment.keywords) for e in changes] == [
        ("Filters", ("cutoff",)),
        ("Filters", ("cutoff", "resonance")),
    ]
    assert played.db.execute("SELECT count(*) FROM segments").fetchone()[0] == 1


async def test_moderators_are_not_held_by_cooldowns(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "mo", "!segment One", t=1, roles=MOD),
            say("m2", "mo", "!segment Two", t=2, roles=MOD),
        ],
    )
    assert played.live.current_segment.title == "Two"


async def test_a_refused_invitation_is_explained_to_the_hosts_not_in_public_chat(
    tmp_path,
) -> None:
    """Why a platform refused may tell a viewer's settings or the bot's account set-up: chat
    (public) gets a short sentence, the log and the consoles get the platform's words."""
    why = "Ana: guest link not whispered: Ana does not accept whispers from strangers"
    played = await play(
        tmp_path,
        [say("m1", "ana", "hi", t=1), say("m2", "mo", "!stage @ana", t=2, roles=MOD)],
        refuse_invites=why,
    )
    assert played.on_stage() == []
    assert played.answers() == ["Could not bring @ana on stage: the hosts' console says why."]
    assert played.outcomes("stage") == [f"failed: @ana: {why}"]
    notices = [e.text for e in played.events if isinstance(e, Notice)]
    assert any("does not accept whispers" in text for text in notices)  # the consoles' line


async def test_no_answer_starts_with_what_the_moderator_typed(tmp_path) -> None:
    """`.ban is not on stage.` began with the moderator's word: on Twitch a message starting with
    "." or "/" is a chat command of its own. A word that is no user name finds nobody."""
    played = await play(
        tmp_path,
        [
            *brought_on_stage("mo", "ana", t=1),
            say("m3", "mo", "!unstage .ban", t=3, roles=MOD),
            say("m4", "mo", "!unstage /ban", t=4, roles=MOD),
            say("m5", "mo", "!unstage ben", t=5, roles=MOD),
            say("m6", "mo", "!stage .ban", t=6, roles=MOD),
        ],
    )
    assert played.on_stage() == ["ana"]
    answers = played.answers()
    assert answers[1:] == [
        "Nobody on stage has that user name.",
        "Nobody on stage has that user name.",
        "Nobody on stage is called @ben.",
        "I can't find a recent comment from that @name here (I look for user names, not "
        "display names).",
    ]
    assert not [a for a in answers if a.startswith((".", "/", "ben", "ban"))]


async def test_a_display_name_with_symbols_is_not_found_rather_than_a_usage_error(
    tmp_path,
) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "hal", "hi", t=1, display_name="Ｈａｌ✨"),
            say("m2", "mo", "!stage @Ｈａｌ✨", t=2, roles=MOD),
            say("m3", "mo", "!stage @", t=3, roles=MOD),
        ],
    )
    assert played.on_stage() == []
    can_not, usage = played.answers()
    assert can_not.startswith("I can't find a recent comment from that @name here")
    assert usage == "Usage: !stage @username"


async def test_a_long_topic_keeps_whole_keywords_and_says_what_it_left_out(tmp_path) -> None:
    """A moderator's `!topic` of 511 characters: the live keywords ended in " […]" and the
    later ones were gone, without a word to the moderator."""
    keywords = [f"keyword{n:02d}-" + "x" * 30 for n in range(12)]  # 40 characters each
    played = await play(
        tmp_path,
        [
            segment("Oscillators"),
            say("m1", "mo", "!topic | " + ", ".join(keywords), t=1, roles=MOD),
        ],
    )
    live = played.live.current_segment
    assert list(live.keywords) == keywords[:10]
    (answer,) = played.answers()
    assert answer.startswith("Topic (left out: 2 keywords past the 10 allowed): Oscillators (")
    assert "[…]" not in "".join(live.keywords)
    (outcome,) = played.outcomes("topic")
    assert outcome.endswith("; left out: 2 keywords past the 10 allowed")


async def test_a_long_segment_title_keeps_its_keywords(tmp_path) -> None:
    title = " ".join(["Choosing"] + ["oscillators"] * 60)  # 728 characters
    too_long = "k" * 41
    played = await play(
        tmp_path,
        [say("m1", "mo", f"!segment {title} | cutoff, {too_long}, resonance", t=1, roles=MOD)],
    )
    live = played.live.current_segment
    assert list(live.keywords) == ["cutoff", "resonance"]
    assert len(live.title) <= 200 and live.title.endswith(" oscillators")
    assert "[…]" not in live.title
    (answer,) = played.answers()
    assert answer.startswith(
        "Segment 1 (left out: the title after 200 characters, 1 keyword over 40 characters): "
    )


async def test_a_segment_longer_than_any_kept_line_leaves_out_its_unfinished_keyword(
    tmp_path,
) -> None:
    """A chat line is kept up to 2000 characters (Discord allows 4000): the keyword it was cut
    in is no keyword."""
    head = "!segment " + "M" * 1970 + " | cutoff, "
    line = head + "resonance, ladder"
    assert len(head) < 1996 < len(head) + len("resonance")  # cut inside "resonance"
    played = await play(tmp_path, [say("m1", "mo", line, roles=MOD)])
    live = played.live.current_segment
    assert list(live.keywords) == ["cutoff"]
    (outcome,) = played.outcomes("segment")
    assert outcome.endswith(
        "; left out: the end of the line after 2000 characters, the title after 200 characters"
    )


async def test_a_moderator_or_host_who_opts_out_keeps_steering_under_no_name(tmp_path) -> None:
    # Opting out hides a moderator's name and words; it does not take their role away.
    settings = Settings(show=ShowSettings(hosts=["twitch:cohost"]))
    played = await play(
        tmp_path,
        [
            say("m1", "guest1", "hi can I come on?", t=1),
            say("m2", "modbob", "!optout", t=2, roles=MOD),
            say("m3", "cohost", "!optout", t=3),
            say("m4", "modbob", "!stage @guest1", t=4, roles=MOD),
            say("m5", "modbob", "!segment Next | z", t=6, roles=MOD),
            say("m6", "cohost", "!topic After optout | x", t=8),
        ],
        settings=settings,
    )
    assert played.on_stage() == ["guest1"]
    assert played.live.current_segment.title == "After optout"
    outcomes = [outcome for _, _, _, outcome in played.commands()]
    assert not [o for o in outcomes if "moderators only" in o or "text ignored" in o]
    # and still under no name: neither the commands nor the host actions name them
    names = {name for name, *_ in played.commands()[1:]}
    assert "modbob" not in names and "cohost" not in names
    actors = {a for (a,) in played.db.execute("SELECT actor FROM host_actions")}
    assert not {"twitch:modbob", "twitch:cohost"} & actors


async def test_a_guest_who_leaves_their_name_on_stage_is_ended_by_the_name_the_moderator_knew(
    tmp_path,
) -> None:
    played = await play(
        tmp_path,
        [
            *brought_on_stage("mo", "cikilin", "ben", t=1),
            say("m5", "cikilin", "!optout", t=4),
            say("m6", "mo", "!unstage @cikilin", t=6, roles=MOD),
            say("m7", "ben", "!forget", t=7),
            say("m8", "ben", "!forget confirm", t=8),
            say("m9", "mo", "!unstage @BEN", t=9, roles=MOD),
        ],
    )
    assert played.on_stage() == []
    answers = [a for a in played.answers() if a.startswith(("Invited", "@", "Nobody"))]
    assert answers == [
        "Invited @cikilin on stage.",
        "Invited @ben on stage.",
        # as the moderator named them, as for anyone else: chat is not told who left
        "@cikilin is off stage.",
        "@ben is off stage.",
    ]
    assert [o.split(":")[0] for o in played.outcomes("unstage")] == ["ok", "ok"]
    # and the answers stored stop naming them
    stored = [a for (a,) in played.db.execute("SELECT answer FROM commands WHERE name = 'unstage'")]
    assert stored == [
        "a viewer who opted out is off stage.",
        "a forgotten viewer is off stage.",
    ]


async def test_chat_reads_the_same_words_whether_the_guest_who_left_opted_out_or_not(
    tmp_path,
) -> None:
    # "The guest is off stage." for the one who opted out and "@ana is off stage." for the one
    # who did not told all of chat which guest had opted out.
    played = await play(
        tmp_path,
        [
            *brought_on_stage("mo", "ana", "patquux", t=1),
            say("m5", "patquux", "!optout", t=4),
            say("m6", "mo", "!unstage @patquux", t=5, roles=MOD),
            say("m7", "mo", "!unstage @ana", t=6, roles=MOD),
            say("m8", "mo", "!stage @ana", t=7, roles=MOD),
            say("m10", "bo", "hi", t=8),
            say("m11", "mo", "!stage @bo", t=9, roles=MOD),
            say("m12", "bo", "!optout", t=10),
            say("m13", "mo", "!unstage", t=11, roles=MOD),
            say("m14", "mo", "!unstage", t=12, roles=MOD),
        ],
    )
    assert played.on_stage() == []
    off = [a for a in played.answers() if "off stage" in a]
    assert off == [
        "@patquux is off stage.",
        "@ana is off stage.",
        "The guest is off stage.",  # bo, who opted out on stage
        "The guest is off stage.",  # ana
    ]


async def test_a_viewer_who_opted_out_is_not_staged_by_reply_and_chat_is_not_told(
    tmp_path,
) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "shy", "!optout", t=1),
            say("m2", "shy", "how do I rip a dvd?", t=2),
            say("m3", "mo", "@shy !stage", t=3, roles=MOD, reply_to="m2"),
            say("m4", "mo", "!stage @shy", t=4, roles=MOD),
        ],
    )
    assert played.on_stage() == []
    said = played.answers()
    assert said[-2:] == [
        "I can't find that comment.",
        "I can't find a recent comment from @shy here (I look for user names, not display names).",
    ]
    assert not [a for a in said if "opted out" in a]
    assert played.db.execute("SELECT count(*) FROM stage_sessions").fetchone()[0] == 0
