"""`LiveShow.undo` in the core: every host action taken back, logged append-only, and the
metrics counting undone actions as never done. The console's `u` is tested in tests/console."""

from __future__ import annotations

import io
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from fakes.transcripts import SMALL_SHOW, write_jsonl
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.events import CommentRestored, CoreEvent, Notice
from stagehand.metrics import show_metrics
from stagehand.platform import ActionResult, Adapter, AdapterSink
from stagehand.session import open_show
from stagehand.show.live import LiveShow
from stagehand.store import open_database
from stagehand.store.export import export_events
from stagehand.store.queries import resolve_show
from stagehand.transcript import write_events


@dataclass
class Platform(Adapter):
    """A platform connection that does what it is asked (or refuses), and remembers it."""

    platform: str = "twitch"
    refuse: set[str] = field(default_factory=set)
    calls: list[str] = field(default_factory=list)

    async def run(self, sink: AdapterSink) -> None:
        return None

    async def close(self) -> None:
        return None

    def _answer(self, what: str) -> ActionResult:
        self.calls.append(what)
        if what in self.refuse:
            return ActionResult.failed(f"twitch refused the {what}")
        return ActionResult.done(f"twitch: {what} done")

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        return self._answer("reply")

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        return self._answer("invite")

    async def end_stage(self, author: Author) -> ActionResult:
        return self._answer("end_stage")

    async def moderate(self, comment, kind, *, duration_seconds=None, reason=""):
        return self._answer(kind.value)

    async def unban(self, author: Author, kind: ModerationKind = ModerationKind.BAN):
        return self._answer(f"unban {kind.value}")


@pytest.fixture
def small_show(tmp_path: Path) -> Path:
    """The small show without its host events: every action here is the test's own."""
    chat = [record for record in SMALL_SHOW if record["kind"] != "host"]
    return write_jsonl(tmp_path / "chat-only.jsonl", chat)


async def played(tmp_path: Path, small_show: Path, *, name: str = "synth") -> LiveShow:
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name=name,
        adapters=[ReplayAdapter(small_show, instant=True)],
        commands=False,
    )
    await live.run_adapters()
    return live


def rows(live: LiveShow, sql: str) -> list[tuple]:
    assert live.flush()
    conn = sqlite3.connect(live.db_path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def totals(live: LiveShow):
    assert live.flush()
    db = open_database(live.db_path)
    try:
        return show_metrics(db, live.show.name).totals
    finally:
        db.conn.close()


async def test_an_undone_answer_is_logged_and_counts_as_never_answered(tmp_path, small_show):
    live = await played(tmp_path, small_show)
    seen: list[CoreEvent] = []
    live.add_listener(seen.append)
    question = live.find_comment("twitch", "m2")
    answered_before = totals(live).answered
    answer = live.answer(question)
    assert totals(live).answered == answered_before + 1

    result = await live.undo(answer.key)

    assert result.ok and "back in the queue" in result.message
    assert CommentRestored("twitch", "m2") in seen
    assert totals(live).answered == answered_before
    # the log is append-only: the answer stays, an undo names it
    log = rows(live, "SELECT action, key, undoes, text FROM host_actions ORDER BY id")
    assert log[-2][:2] == ("answer", answer.key)
    assert log[-1][0] == "undo" and log[-1][2] == answer.key and log[-1][3] == "answer"
    # a second undo of the same action is refused, and logs nothing
    again = await live.undo(answer.key)
    assert not again.ok and not again.retry and "already undone" in again.message
    assert len(rows(live, "SELECT id FROM host_actions")) == len(log)
    assert await live.close()


async def test_an_undone_dismissal_is_not_marked_dismissed_in_the_follow_ups(tmp_path, small_show):
    live = await played(tmp_path, small_show)
    question = live.find_comment("twitch", "m2")
    dismissal = live.dismiss(question)
    await live.undo(dismissal.key)
    assert live.flush()
    db = open_database(live.db_path)
    follow_ups = show_metrics(db, live.show.name).follow_ups
    db.conn.close()
    assert [(f.text, f.dismissed) for f in follow_ups if "waveform" in f.text] == [
        ("which waveform makes the fattest bass, saw or square?", False)
    ]
    assert await live.close()


async def test_an_undone_segment_gives_the_previous_one_back_everywhere(tmp_path, small_show):
    live = await played(tmp_path, small_show)
    filters = live.current_segment
    assert filters is not None and filters.position == 2
    segment_action = live.next_segment()
    live.comment_received(
        Comment("m9", "twitch", "synthnight", Author("twitch", "109", "ivy"), "nice", live.now())
    )
    key = segment_action.key
    assert rows(live, f"SELECT action FROM host_actions WHERE key = '{key}'") == [("segment",)]

    result = await live.undo(segment_action.key)

    assert result.ok and "segment 2 (Filters) is live again" in result.message
    assert live.current_segment == filters
    assert rows(live, "SELECT position, title FROM segments ORDER BY position") == [
        (1, "Oscillators"),
        (2, "Filters"),
    ]
    # what was said during the undone segment belongs to the one that is live again
    assert rows(
        live,
        "SELECT segments.position FROM comments JOIN segments ON segments.id = segment_id"
        " WHERE message_id = 'm9'",
    ) == [(2,)]
    # and the next `n` starts segment 3 afresh
    live.next_segment()
    assert live.current_segment.position == 3
    assert rows(live, "SELECT count(*) FROM segments") == [(3,)]
    assert await live.close()


async def test_an_undone_topic_edit_puts_title_and_keywords_back(tmp_path, small_show):
    live = await played(tmp_path, small_show)
    edit = live.edit_topic("Envelopes", ["ADSR"])
    assert edit.ok and edit.key
    result = await live.undo(edit.key)
    assert result.ok
    assert rows(live, "SELECT title, keywords FROM segments WHERE position = 2") == [
        ("Filters", '["filter", "cutoff", "resonance"]')
    ]
    assert await live.close()


async def test_an_undone_stage_start_ends_the_appearance_and_is_not_counted(tmp_path, small_show):
    live = await played(tmp_path, small_show)
    twitch = Platform()
    live.add_adapter(twitch)
    ben = live.find_comment("twitch", "m2")
    live.raise_hand(ben.author)
    others = [c.author for c in live.recent_comments if c.author.key != ben.author.key]
    for other in {a.key: a for a in others}.values():
        live.raise_hand(other)  # in line after ben
    line = [a.key for a in live.hands]
    assert line[0] == ben.author.key and len(line) > 1
    appearances = totals(live).stage_appearances
    started = await live.pull_on_stage(ben)
    assert started.ok and started.key and live.is_on_stage(ben.author.key)
    assert not live.has_hand_up(ben.author.key)

    result = await live.undo(started.key)

    assert result.ok and "twitch: end_stage done" in result.message
    assert twitch.calls == ["invite", "end_stage"]
    assert not live.is_on_stage(ben.author.key)
    assert [a.key for a in live.hands] == line  # ben's hand is back, first in line as it was
    assert rows(live, "SELECT ended_at IS NOT NULL FROM stage_sessions") == [(1,)] * len(
        rows(live, "SELECT id FROM stage_sessions")
    )
    assert totals(live).stage_appearances == appearances
    assert await live.close()


async def test_an_undone_stage_end_brings_the_guest_back_in_the_same_appearance(
    tmp_path, small_show
):
    live = await played(tmp_path, small_show)
    twitch = Platform()
    live.add_adapter(twitch)
    ben = live.find_comment("twitch", "m2")
    await live.pull_on_stage(ben)
    ended = await live.end_stage(ben.author)
    result = await live.undo(ended.key)
    assert result.ok and live.is_on_stage(ben.author.key)
    assert twitch.calls == ["invite", "end_stage", "invite"]
    assert rows(
        live,
        "SELECT count(*), count(ended_at) FROM stage_sessions JOIN authors"
        " ON authors.id = author_id WHERE authors.name = 'ben'",
    ) == [(1, 0)]
    assert await live.close()


async def test_what_went_out_says_it_cannot_be_unsent_and_a_ban_is_lifted(tmp_path, small_show):
    live = await played(tmp_path, small_show)
    twitch = Platform(refuse={"unban ban"})
    live.add_adapter(twitch)
    seen: list[CoreEvent] = []
    live.add_listener(seen.append)
    ana = live.find_comment("twitch", "m1")
    ben = live.find_comment("twitch", "m2")
    reply = await live.reply(ben, "saw, mostly")
    deleted = await live.moderate(ana, ModerationKind.DELETE)
    banned = await live.moderate(ben, ModerationKind.BAN)
    before = len(rows(live, "SELECT id FROM host_actions"))

    cannot_reply = await live.undo(reply.key)
    cannot_delete = await live.undo(deleted.key)
    assert not cannot_reply.ok and not cannot_reply.retry
    assert "the reply to ben: a message sent to chat cannot be unsent" in cannot_reply.message
    assert "a deleted message cannot be restored" in cannot_delete.message
    assert len(rows(live, "SELECT id FROM host_actions")) == before  # nothing happened

    refused = await live.undo(banned.key)  # the platform says no: nothing is undone, try again
    assert not refused.ok and refused.retry and "twitch refused the unban ban" in refused.message
    assert rows(live, "SELECT outcome FROM host_actions WHERE action = 'undo'") == [
        ("failed: twitch refused the unban ban",)
    ]
    twitch.refuse.clear()
    lifted = await live.undo(banned.key)
    assert lifted.ok and "twitch: unban ban done" in lifted.message
    assert CommentRestored("twitch", "m2") in seen
    levels = {e.level for e in seen if isinstance(e, Notice)}
    assert {"refused", "failed", "ok"} <= levels
    assert await live.close()


async def test_a_replayed_undo_is_applied_again(tmp_path, small_show):
    """Export a show with an undone answer and replay it: the answer stays undone."""
    live = await played(tmp_path, small_show)
    answered = totals(live).answered
    answer = live.answer(live.find_comment("twitch", "m2"))
    await live.undo(answer.key)
    assert await live.close()
    db = open_database(tmp_path / "show.db")
    transcript = io.StringIO()
    write_events(export_events(db, resolve_show(db, "synth")), transcript)
    db.conn.close()
    exported = tmp_path / "exported.jsonl"
    exported.write_text(transcript.getvalue(), "utf-8")

    again = open_show(
        Settings(),
        db_path=tmp_path / "again.db",
        show_name="again",
        adapters=[ReplayAdapter(exported, instant=True)],
        commands=False,
    )
    seen: list[CoreEvent] = []
    again.add_listener(seen.append)
    await again.run_adapters()
    assert CommentRestored("twitch", "m2") in seen
    assert totals(again).answered == answered
    assert rows(again, "SELECT count(*) FROM host_actions WHERE action = 'undo'") == [(1,)]
    assert await again.close()


async def test_a_reply_only_recorded_can_be_undone_and_no_longer_counts(tmp_path, small_show):
    """No connection to send it through (a replay, a platform not connected): nothing reached
    chat, so a mistyped reply can be taken back, and the report stops counting it."""
    live = await played(tmp_path, small_show)  # no platform adapter for twitch
    ben = live.find_comment("twitch", "m2")
    replied = totals(live).answered
    reply = await live.reply(ben, "saw, mostly")
    assert reply.ok and not reply.acted
    assert totals(live).answered == replied + 1

    undone = await live.undo(reply.key)

    assert undone.ok and "only recorded" in undone.message
    assert totals(live).answered == replied
    assert rows(live, "SELECT action, undoes FROM host_actions WHERE action = 'undo'") == [
        ("undo", reply.key)
    ]
    assert await live.close()
