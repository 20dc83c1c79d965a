"""A moderator's `!segment`, `!topic` and `!stage` in chat are host actions, as the console's
`n`, `t` and `p` are: logged under the moderator's name, and undoable by the hosts."""

from __future__ import annotations

from commands.chat import play, say, segment
from server.showserver import SHOW, act, call, comment, serve

MOD = ["moderator"]


async def test_a_moderators_segment_and_topic_can_be_undone_through_the_api(tmp_path) -> None:
    records = [
        *SHOW,
        comment("s1", "01:00", "mo", "2001", "!segment Filters | cutoff", roles=MOD),
        comment("s2", "01:10", "mo", "2001", "!topic Ladder filters | moog", roles=MOD),
    ]
    served = await serve(tmp_path, records, commands=True)
    try:
        await served.played()
        await served.live.drain()
        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert state["segment"]["title"] == "Ladder filters"
        db = served.db()
        logged = db.execute(
            "SELECT action, text, actor, key FROM host_actions ORDER BY id"
        ).fetchall()
        assert [row[:3] for row in logged] == [
            ("segment", "Filters", "twitch:mo"),
            ("topic", "Ladder filters | moog", "twitch:mo"),
        ]
        segment_key, topic_key = (row[3] for row in logged)

        status, body = await act(served, "hana", action="undo", key=topic_key)
        assert status == 200 and body["ok"], body
        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert (state["segment"]["title"], state["segment"]["keywords"]) == (
            "Filters",
            ["cutoff"],
        )

        status, body = await act(served, "hana", action="undo", key=segment_key)
        assert status == 200 and body["ok"], body
        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert (state["segment"]["position"], state["segment"]["title"]) == (1, "Oscillators")
        # A producer may undo only their own actions: not the moderator's.
        status, _ = await act(served, "alice", action="undo", key=segment_key)
        assert status == 403
    finally:
        await served.close()


async def test_a_moderators_stage_is_theirs_in_the_log_and_listed_for_undo(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            segment("Oscillators", ["vco"]),
            say("m1", "ana", "can I show my patch?", t=1),
            say("m2", "mo", "!stage @ana", t=2, roles=MOD),
        ],
    )
    (handled,) = played.live.handled()
    assert handled.comment.id == "m1" and not handled.undone  # what the console's `l` lists
    started = "SELECT actor FROM host_actions WHERE action = 'stage_start'"
    assert played.db.execute(started).fetchall() == [("twitch:mo",)]


async def test_a_moderator_who_opts_out_is_no_longer_named_in_the_log(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "mo", "!segment Filters", t=1, roles=MOD),
            say("m2", "mo", "!optout", t=2, roles=MOD),
        ],
    )
    assert played.db.execute("SELECT action, actor FROM host_actions").fetchall() == [
        ("segment", "")
    ]


async def test_an_older_topic_edit_is_not_undone_over_a_later_one(tmp_path) -> None:
    """A moderator's `!topic`, then the host's own edit: taking back the moderator's first would
    wipe the host's live edit and leave "undone" beside a topic that is still live. The later
    edit comes off first; then the older one can."""
    records = [
        *SHOW,
        comment("s1", "01:00", "mo", "2001", "!segment Filters | cutoff", roles=MOD),
        comment("s2", "01:10", "mo", "2001", "!topic Ladder filters | moog", roles=MOD),
    ]
    served = await serve(tmp_path, records, commands=True)
    try:
        await served.played()
        await served.live.drain()
        status, body = await act(
            served, "hana", action="topic", text="Filters proper", keywords=["cutoff", "q"]
        )
        assert status == 200 and body["ok"], body
        await served.live.drain()
        keys = dict(
            served.db().execute("SELECT text, key FROM host_actions WHERE action = 'topic'")
        )
        moderators, hosts = keys["Ladder filters | moog"], keys["Filters proper | cutoff, q"]

        status, body = await act(served, "hana", action="undo", key=moderators)
        assert not body["ok"] and "edited again since" in body["message"], body
        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert state["segment"]["title"] == "Filters proper"

        for key, title in ((hosts, "Ladder filters"), (moderators, "Filters")):
            status, body = await act(served, "hana", action="undo", key=key)
            assert status == 200 and body["ok"], body
            _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
            assert state["segment"]["title"] == title
    finally:
        await served.close()
