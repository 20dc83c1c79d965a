"""A show killed with SIGKILL and run again: what the hosts did before the kill can be undone
after it, from the show's own console (`l`, then `u`), from an attached one, and through the
API, as if the show had never stopped; a reply that reached chat still cannot be unsent.

The show before the kill runs in a child process (`session.open_show`, a replayed transcript,
a platform connection that does what it is asked, a real SQLite file): the hosts act, the child
waits until all of it is written, and kills itself with SIGKILL. The same show is then opened
again as the CLI opens it (it resumes).
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from showserver import FILTER_QUESTIONS, Served, act, call, comment, run_until_killed, serve
from test_attach import attached, until

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.console.app import make_app
from stagehand.session import open_show
from test_undo import Platform

TESTS = Path(__file__).resolve().parent.parent

SHOW = [
    *FILTER_QUESTIONS,
    comment("h1", "00:40", "hal", "108", "can the filter track the keyboard?"),
    comment("i1", "00:45", "ivy", "109", "is the filter cutoff modulated by an LFO?"),
    comment("j1", "00:50", "jo", "110", "!hand"),
]

#: The show before the kill: the hosts' actions (their keys printed), then SIGKILL.
BEFORE_THE_KILL = """
import asyncio, json, os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_undo import Platform
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.domain import ModerationKind
from stagehand.session import open_show
from stagehand.show.queue import ShowQueue

async def main(folder):
    transcript = folder / "show.jsonl"
    live = open_show(Settings(), db_path=folder / "show.db", show_name="synth",
                     source=str(transcript),
                     adapters=[ReplayAdapter(transcript, instant=True), Platform()],
                     commands=True)
    queue = ShowQueue(**live.queue_settings.fields())
    live.add_listener(queue.apply)
    await live.run_adapters()
    find = lambda i: live.find_comment("twitch", i)
    keys = {}
    with live.acting_as("hana"):
        also = queue.others_in_row(find("e1"))
        assert [c.id for c in also] == ["f1"], also
        keys["answer"] = live.answer(find("e1"), also=also).key
        keys["stage_start"] = (await live.pull_on_stage(find("a1"))).key
        assert [a.name for a in live.hands] == ["jo"]
        keys["stage_hand"] = (await live.pull_on_stage(author=live.hands[0])).key
        assert (await live.pull_on_stage(find("c1"))).ok
        keys["stage_end"] = (await live.end_stage(find("c1").author)).key
        keys["timeout"] = (await live.moderate(find("h1"), ModerationKind.TIMEOUT)).key
        keys["reply"] = (await live.reply(find("d1"), "yes, at full resonance")).key
    with live.acting_as("alice"):
        keys["pin"] = live.pin(find("g1"), "ask this next").key
        keys["unpin"] = live.unpin(find("g1")).key
    keys["segment"] = live.next_segment().key
    keys["topic"] = live.edit_topic("Pads", ["pad"]).key
    keys["topic_again"] = live.edit_topic("Pads and strings", ["pad", "string"]).key
    keys["dismissed_and_undone"] = live.dismiss(find("i1")).key
    assert (await live.undo(keys["dismissed_and_undone"])).ok
    keys["dismiss"] = live.dismiss(find("b1")).key
    assert all(keys.values()), keys
    assert live.flush(10)
    print(json.dumps(keys), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""


def killed_mid_show(folder: Path) -> dict[str, str]:
    """Play SHOW in a child process that acts, then dies by SIGKILL; the keys of its actions."""
    return json.loads(run_until_killed(folder, SHOW, BEFORE_THE_KILL, str(TESTS)))


def queued_ids(state: dict) -> set[str]:
    return {asker["id"] for row in state["queue"] for asker in row["askers"]}


async def undo(served: Served, key: str) -> tuple[int, dict]:
    return await act(served, "hana", action="undo", key=key)


async def test_every_host_action_from_before_the_kill_can_be_undone_after_it(tmp_path) -> None:
    keys = killed_mid_show(tmp_path)
    platform = Platform()
    after = await serve(tmp_path, SHOW, adapters=[platform])
    try:
        await after.played()
        _, state = await call(after, "GET", "/api/state", after.tokens["vic"])
        assert {"b1", "e1", "f1"}.isdisjoint(queued_ids(state))
        assert [s.author.name for s in after.live.on_stage] == ["ana", "jo"]
        assert after.live.hands == ()

        # The answer of a merged row: both askers' comments are back, as one row again.
        status, body = await undo(after, keys["answer"])
        assert status == 200 and body["ok"], body
        assert body["message"] == (
            "Undid the answer to eve: the comment is back in the queue (and for 1 other asker)"
        )
        status, body = await undo(after, keys["dismiss"])
        assert status == 200 and "the comment is back in the queue" in body["message"], body
        _, state = await call(after, "GET", "/api/state", after.tokens["vic"])
        assert {"b1", "e1", "f1"} <= queued_ids(state)
        assert ["e1", "f1"] in [sorted(a["id"] for a in row["askers"]) for row in state["queue"]]

        # The stage: ana's appearance ends, cleo's goes on (each through the platform).
        status, body = await undo(after, keys["stage_start"])
        assert status == 200 and body["message"].startswith("Undid bringing ana on stage"), body
        status, body = await undo(after, keys["stage_end"])
        assert status == 200 and "cleo is on stage again" in body["message"], body
        assert [s.author.name for s in after.live.on_stage] == ["jo", "cleo"]
        assert platform.calls[-2:] == ["end_stage", "invite"]
        # Jo came on from the raised hands: the hand is back up when that is undone.
        status, body = await undo(after, keys["stage_hand"])
        assert status == 200 and body["message"].startswith("Undid bringing jo on stage"), body
        assert [a.name for a in after.live.hands] == ["jo"]
        assert [s.author.name for s in after.live.on_stage] == ["cleo"]

        # The timeout is lifted on the platform.
        status, body = await undo(after, keys["timeout"])
        assert status == 200 and "their comments are back" in body["message"], body
        assert platform.calls[-1] == "unban timeout"

        # The unpin: pinned again, with its note.
        status, body = await undo(after, keys["unpin"])
        assert status == 200 and "pinned again" in body["message"], body
        assert [(p.comment.id, p.note) for p in after.live.pins] == [("g1", "ask this next")]

        # The last topic edit, then the move to the segment.
        status, body = await undo(after, keys["topic_again"])
        assert status == 200 and "the topic is Pads (pad) again" in body["message"], body
        assert after.live.current_segment.title == "Pads"
        status, body = await undo(after, keys["segment"])
        assert status == 200 and "segment 1 (Filters) is live again" in body["message"], body
        assert after.live.current_segment.title == "Filters"

        # As live: a reply that reached chat cannot be unsent; an undone action stays undone.
        status, body = await undo(after, keys["reply"])
        assert not body["ok"] and "cannot be unsent" in body["message"], body
        status, body = await undo(after, keys["dismissed_and_undone"])
        assert not body["ok"] and "was already undone" in body["message"], body
        assert platform.calls.count("reply") == 0  # nothing sent again

        # Each undo logged once, naming what it took back.
        undone = {
            row[0]
            for row in after.db().execute(
                "SELECT undoes FROM host_actions WHERE action = 'undo' AND outcome LIKE 'ok:%'"
            )
        }
        assert {keys[k] for k in ("answer", "dismiss", "stage_start", "timeout")} <= undone
    finally:
        await after.close()


async def test_the_shows_own_console_undoes_a_comment_handled_before_the_kill(tmp_path) -> None:
    keys = killed_mid_show(tmp_path)
    transcript = tmp_path / "show.jsonl"
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth",
        source=str(transcript),
        adapters=[ReplayAdapter(transcript, instant=True), Platform()],
        commands=False,
    )
    app = make_app(live, Settings())  # as the CLI makes it: before the show runs
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        state = app.state
        listed = [
            (h.kind.value, h.comment.id, h.undone)
            for h in state.handled_newest_first()
            if h.comment is not None  # a comment's, not a segment's or topic's change
        ]
        assert listed[0] == ("dismiss", "b1", False)
        assert ("dismiss", "i1", True) in listed  # undone before the kill: said so
        assert {("answer", "e1", False), ("answer", "f1", False)} <= set(listed)
        assert ("stage_start", "a1", False) in listed
        assert ("twitch", "b1") not in state.queue

        await pilot.press("l")  # the handled list, newest first: ben's dismissal highlighted
        await pilot.press("u")
        await until(lambda: ("twitch", "b1") in state.queue, pilot=pilot, seconds=5)
        texts = [n.text for n in state.notices]
        assert any("Undid the dismissal of ben's comment" in t for t in texts), texts
        assert not any("not known here" in t for t in texts), texts
        assert state.handled[keys["dismiss"]].undone
        await pilot.press("q", "y")
    assert app.closed or await live.close()


async def test_an_attached_console_lists_and_undoes_what_was_handled_before_the_kill(
    tmp_path,
) -> None:
    keys = killed_mid_show(tmp_path)
    after = await serve(tmp_path, SHOW, adapters=[Platform()])
    try:
        await after.played()
        shown = [(h.key, h.undone) for h in after.live.handled()]
        remote, app = await attached(after, "hana")
        try:
            async with app.run_test(size=(120, 35)) as pilot:
                await until(lambda: len(app.state.handled) == len(shown), pilot=pilot)
                # The same list as the show's own console, the one undone before the kill too.
                assert [(h.key, h.undone) for h in app.state.handled_newest_first()] == shown
                assert app.state.handled[keys["dismissed_and_undone"]].undone
                assert ("twitch", "b1") not in app.state.queue

                await pilot.press("l")  # ben's dismissal, the newest, is highlighted
                await pilot.press("u")
                await until(lambda: ("twitch", "b1") in app.state.queue, pilot=pilot, seconds=5)
                assert app.state.handled[keys["dismiss"]].undone
            _, state = await call(after, "GET", "/api/state", after.tokens["vic"])
            assert "b1" in queued_ids(state)
        finally:
            await remote.close()
    finally:
        await after.close()


#: A show whose hosts edit the live segment's topic twice (as `t` does), then SIGKILL.
TOPIC_EDITS_THEN_KILL = """
import asyncio, json, os, signal, sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from test_undo import Platform
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.session import open_show

async def main(folder):
    transcript = folder / "show.jsonl"
    live = open_show(Settings(), db_path=folder / "show.db", show_name="synth",
                     source=str(transcript),
                     adapters=[ReplayAdapter(transcript, instant=True), Platform()],
                     commands=False)
    await live.run_adapters()
    with live.acting_as("hana"):
        keys = {"topic": live.edit_topic("Pads", ["pad"]).key,
                "topic_again": live.edit_topic("Pads and strings", ["pad", "string"]).key}
    if sys.argv[3:] == ["then a transcript's topic"]:  # what a `topic` line does, unrecorded
        assert live.set_topic("Strings", ["string"]).ok
    assert all(keys.values()), keys
    assert live.flush(10)
    print(json.dumps(keys), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)

asyncio.run(main(Path(sys.argv[1])))
"""


def topic_edited_then_killed(folder: Path, *then: str) -> dict[str, str]:
    return json.loads(run_until_killed(folder, SHOW, TOPIC_EDITS_THEN_KILL, str(TESTS), *then))


def stored_topic(folder: Path) -> tuple[str, list[str]]:
    with sqlite3.connect(folder / "show.db") as conn:
        (title, keywords), *others = conn.execute("SELECT title, keywords FROM segments")
    assert not others
    return title, json.loads(keywords)


async def test_a_segments_first_topic_edit_is_undone_after_the_kill(tmp_path) -> None:
    """The topic the segment opened with is stored: undoing its first edit after a restart puts
    it back, on the show and in the database, as it would have before the kill."""
    keys = topic_edited_then_killed(tmp_path)
    assert stored_topic(tmp_path) == ("Pads and strings", ["pad", "string"])
    after = await serve(tmp_path, SHOW, adapters=[Platform()])
    try:
        await after.played()
        status, body = await undo(after, keys["topic_again"])
        assert status == 200 and "the topic is Pads (pad) again" in body["message"], body
        status, body = await undo(after, keys["topic"])
        assert status == 200 and body["ok"], body
        assert body["message"] == (
            "Undid the topic edit: the topic is Filters (filter, cutoff, resonance) again"
        )
        _, state = await call(after, "GET", "/api/state", after.tokens["vic"])
        assert state["segment"]["title"] == "Filters"
        assert state["segment"]["keywords"] == ["filter", "cutoff", "resonance"]
        assert after.live.flush()
        assert stored_topic(tmp_path) == ("Filters", ["filter", "cutoff", "resonance"])
    finally:
        await after.close()


async def test_a_first_topic_edit_in_a_segment_stored_before_its_opening_topic_was_kept(
    tmp_path,
) -> None:
    """A segment stored before the database kept the topic it opened with: what the topic was
    before its first edit is not known, and the undo says so (a later edit still undoes)."""
    keys = topic_edited_then_killed(tmp_path)
    with sqlite3.connect(tmp_path / "show.db") as conn:
        conn.execute("UPDATE segments SET opening_title = NULL, opening_keywords = NULL")
    after = await serve(tmp_path, SHOW, adapters=[Platform()])
    try:
        await after.played()
        status, body = await undo(after, keys["topic_again"])
        assert status == 200 and "the topic is Pads (pad) again" in body["message"], body
        status, body = await undo(after, keys["topic"])
        assert status == 200 and not body["ok"], body
        assert body["message"] == (
            "Cannot undo the topic edit: what the topic was before it is not stored"
        )
        assert after.live.current_segment.title == "Pads"
    finally:
        await after.close()


async def test_a_first_topic_edit_whose_segment_changed_unrecorded_since_is_not_undone(
    tmp_path,
) -> None:
    """A transcript's `topic` line changed the segment after the hosts' edits (no host action
    records it): what was live before the first edit is not known, so its undo says so rather
    than put back a topic that may not have been live then."""
    keys = topic_edited_then_killed(tmp_path, "then a transcript's topic")
    assert stored_topic(tmp_path) == ("Strings", ["string"])
    after = await serve(tmp_path, SHOW, adapters=[Platform()])
    try:
        await after.played()
        status, body = await undo(after, keys["topic"])
        assert status == 200 and not body["ok"], body
        assert "what the topic was before it is not stored" in body["message"], body
        assert after.live.current_segment.title == "Strings"
    finally:
        await after.close()


async def test_topic_edits_before_the_kill_are_in_l_on_the_shows_console_and_an_attached_one(
    tmp_path,
) -> None:
    """`l` lists segment and topic changes too: after a restart the show's own console lists
    the edits made before the kill and takes the newest back from there; a console attached
    afterwards lists them as the show does, the one taken back marked undone."""
    keys = topic_edited_then_killed(tmp_path)
    transcript = tmp_path / "show.jsonl"
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth",
        source=str(transcript),
        adapters=[ReplayAdapter(transcript, instant=True), Platform()],
        commands=False,
    )
    app = make_app(live, Settings())
    async with app.run_test(size=(120, 35)) as pilot:
        await pilot.pause()
        listed = [(h.key, h.title, h.actor) for h in app.state.handled_newest_first()]
        assert listed[:2] == [
            (keys["topic_again"], "Pads and strings | pad, string", "hana"),
            (keys["topic"], "Pads | pad", "hana"),
        ]
        await pilot.press("l")  # the newest, the second edit, is highlighted
        await pilot.press("enter")
        await until(lambda: app.state.handled[keys["topic_again"]].undone, pilot=pilot)
        assert live.current_segment.title == "Pads"
        await pilot.press("q", "y")
    assert app.closed or await live.close()

    after = await serve(tmp_path, SHOW, adapters=[Platform()])
    try:
        await after.played()
        remote, attached_app = await attached(after, "hana")
        try:
            async with attached_app.run_test(size=(120, 35)) as pilot:
                state = attached_app.state
                await until(lambda: keys["topic"] in state.handled, pilot=pilot)
                assert state.handled[keys["topic_again"]].undone
                assert not state.handled[keys["topic"]].undone
                assert state.handled[keys["topic"]].title == "Pads | pad"
        finally:
            await remote.close()
    finally:
        await after.close()
