"""!forget, then a restart: the moderations of the forgotten viewer's comments keep their kind
(a timeout, a ban, a deletion: not personal), so what undo says and does after the restart is
what it would have said before; what the hosts wrote about them (a reply, a pin's note) is gone."""

from __future__ import annotations

import sqlite3

from commands.chat import FakePlatform, at, play, say
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.domain import ModerationKind
from stagehand.session import open_show


def host(action: str, comment_id: str, *, t: float, key: str, text: str = "") -> dict:
    return {
        "kind": "host",
        "ts": at(t),
        "action": action,
        "comment_id": comment_id,
        "platform": "twitch",
        "author_id": "id-ana",
        "text": text,
        "id": key,
    }


async def test_undo_after_forget_and_restart_knows_the_moderation_kind(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            say("m1", "ana", "I live at 1 Synth Road", t=1),
            say("m2", "ana", "spam spam spam", t=2),
            say("m3", "ben", "hello", t=3),
            host("moderate", "m2", t=4, key="deleted", text="delete"),
            host("moderate", "m1", t=5, key="timed-out", text="timeout"),
            host("reply", "m1", t=6, key="replied", text="ana, we won't read 1 Synth Road"),
            host("pin", "m1", t=6.5, key="pinned", text="ana from Synth Road"),
            say("m4", "ana", "!forget", t=7),
            say("m5", "ana", "!forget confirm", t=8),
        ],
    )
    assert played.outcomes("forget") == ["ok: asked to confirm", "ok: forgotten"]
    stored = dict(played.db.execute("SELECT key, text FROM host_actions"))
    # What the hosts wrote about her is gone; what they did is not personal and stays.
    assert stored["replied"] == "" and stored["pinned"] == ""
    assert stored["deleted"] == "delete" and stored["timed-out"] == "timeout"
    assert "Synth Road" not in repr(played.db.execute("SELECT * FROM host_actions").fetchall())

    twitch = FakePlatform("twitch")
    # The same replay run again (a live run under a replayed show's name is refused).
    replay = ReplayAdapter(tmp_path / "show.jsonl", instant=True)
    again = open_show(
        Settings(), db_path=tmp_path / "show.db", show_name="synth", adapters=[twitch, replay]
    )
    try:
        assert again.resumed
        deletion = await again.undo("deleted")
        assert not deletion.ok
        assert "a deleted message cannot be restored" in deletion.message
        # She asked to be forgotten: her platform id is not stored any more, so the timeout
        # cannot be lifted from here, and undo says why instead of failing.
        timeout = await again.undo("timed-out")
        assert not timeout.ok
        assert timeout.message.startswith("Cannot undo the timeout of ")
        assert "who it was about is not known any more" in timeout.message
    finally:
        assert await again.close()
    db = sqlite3.connect(tmp_path / "show.db")
    assert db.execute("SELECT count(*) FROM host_actions WHERE action = 'undo'").fetchone() == (0,)
    assert ModerationKind("timeout")  # the stored word is still a moderation kind
