"""A show played from a transcript with command lines, into a real SQLite file.

`play()` writes the transcript as JSON Lines, replays it through `ReplayAdapter(instant=True)`
into a show opened as the CLI opens one (`stagehand.session.open_show`: commands installed), and returns what a user could see afterwards:
the database, the events the console heard, and what the bot said on each platform.

`FakePlatform` is a chat platform (an `Adapter`) that keeps what the bot sent instead of
posting it somewhere: the transcript's twitch and discord comments come from the replay, and
the bot's answers and stage invitations go out through it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.domain import Author, Comment
from stagehand.events import CommandHandled, CoreEvent, HandsChanged
from stagehand.platform import ActionResult, Adapter, AdapterSink
from stagehand.session import open_show
from stagehand.show.live import LiveShow

START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    return (START + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def say(
    message_id: str,
    author: str,
    text: str,
    *,
    t: float = 0.0,
    platform: str = "twitch",
    roles: Iterable[str] = (),
    display_name: str | None = None,
    author_id: str | None = None,
    reply_to: str | None = None,
) -> dict[str, Any]:
    """A comment line; the author's id defaults to "id-<name>"."""
    record: dict[str, Any] = {
        "kind": "comment",
        "id": message_id,
        "ts": at(t),
        "platform": platform,
        "channel": "synthnight",
        "author_id": author_id or f"id-{author}",
        "author": author,
        "text": text,
        "roles": list(roles),
        "reply_to": reply_to,
    }
    if display_name is not None:
        record["display_name"] = display_name
    return record


def brought_on_stage(moderator: str, *guests: str, t: float) -> list[dict[str, Any]]:
    """Each of `guests` says "hi" at `t`, then `moderator` (a twitch moderator) brings them on
    stage one by one with `!stage @guest`, a second apart from `t + 1`: how a show where a
    moderator steers the stage starts. (The lines' ids do not name the guests: a test of what
    is left of a forgotten guest looks for their name everywhere.)"""
    greetings = [say(f"hi-{t:g}-{n}", guest, "hi", t=t) for n, guest in enumerate(guests)]
    stagings = [
        say(f"stage-{t:g}-{n}", moderator, f"!stage @{guest}", t=t + 1 + n, roles=["moderator"])
        for n, guest in enumerate(guests)
    ]
    return greetings + stagings


def segment(title: str, keywords: Iterable[str] = (), *, t: float = 0.0) -> dict[str, Any]:
    return {"kind": "segment", "ts": at(t), "title": title, "keywords": list(keywords)}


@dataclass
class Sent:
    kind: str  # "reply" | "send" | "invite" | "end_stage"
    text: str
    to: str = ""  # the comment replied to, or who was invited


class FakePlatform(Adapter):
    """A platform that records what the bot sends (and says yes to stage invitations)."""

    def __init__(self, platform: str) -> None:
        self.platform = platform
        self.sent: list[Sent] = []
        self.refuse_invites = ""  # set to a reason to have invitations fail

    async def run(self, sink: AdapterSink) -> None:
        return None  # the comments come from the replay

    async def close(self) -> None:
        return None

    async def send(self, text: str) -> ActionResult:
        self.sent.append(Sent("send", text))
        return ActionResult.done("sent")

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        self.sent.append(Sent("reply", text, comment.id))
        return ActionResult.done("replied")

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        if self.refuse_invites:
            return ActionResult.failed(self.refuse_invites)
        self.sent.append(Sent("invite", "", author.name))
        return ActionResult.done(f"invited {author.name}")

    async def end_stage(self, author: Author) -> ActionResult:
        self.sent.append(Sent("end_stage", "", author.name))
        return ActionResult.done(f"{author.name} is off stage")

    def answers(self) -> list[str]:
        return [s.text for s in self.sent if s.kind == "reply"]


@dataclass
class Played:
    live: LiveShow
    db: sqlite3.Connection
    events: list[CoreEvent]
    platforms: dict[str, FakePlatform] = field(default_factory=dict)

    def commands(self) -> list[tuple[str, str, str, str]]:
        """(author name, command, args, outcome) in the order they were logged."""
        return self.db.execute(
            "SELECT authors.name, commands.name, commands.args, commands.outcome FROM commands"
            " LEFT JOIN authors ON authors.id = commands.author_id ORDER BY commands.id"
        ).fetchall()

    def outcomes(self, command: str) -> list[str]:
        return [outcome for _, name, _, outcome in self.commands() if name == command]

    def answers(self, platform: str = "twitch") -> list[str]:
        return self.platforms[platform].answers()

    def sent(self, platform: str = "twitch") -> list[Sent]:
        return self.platforms[platform].sent

    def hands(self) -> list[str]:
        return [author.name for author in self.live.hands]

    def on_stage(self) -> list[str]:
        return [session.author.name for session in self.live.on_stage]

    def handled(self) -> list[CommandHandled]:
        return [e for e in self.events if isinstance(e, CommandHandled)]

    def hand_events(self) -> list[HandsChanged]:
        return [e for e in self.events if isinstance(e, HandsChanged)]

    def stored(self, message_id: str) -> tuple[str, str, int]:
        """(text, author name, anonymized) of a stored comment."""
        return self.db.execute(
            "SELECT comments.text, authors.name, comments.anonymized FROM comments"
            " JOIN authors ON authors.id = comments.author_id WHERE message_id = ?",
            (message_id,),
        ).fetchone()


def write_transcript(path: Path, records: list[dict[str, Any]]) -> Path:
    lines = [json.dumps({"kind": "show", "ts": at(0), "title": "Synth Night"})]
    lines += [json.dumps(record, ensure_ascii=False) for record in records]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


async def play(
    tmp_path: Path,
    records: list[dict[str, Any]],
    *,
    settings: Settings | None = None,
    platforms: Iterable[str] = ("twitch", "discord"),
    refuse_invites: str = "",
) -> Played:
    """Replay `records` into tmp_path/show.db with chat commands on; wait for every answer."""
    transcript = write_transcript(tmp_path / "show.jsonl", records)
    db_path = tmp_path / "show.db"
    fakes = {name: FakePlatform(name) for name in platforms}
    for fake in fakes.values():
        fake.refuse_invites = refuse_invites
    live = open_show(
        settings or Settings(),
        db_path=db_path,
        show_name="synth",
        adapters=[*fakes.values(), ReplayAdapter(transcript, instant=True)],
    )
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    await live.run_adapters()
    await live.drain()
    assert await live.close(), "the writer failed"
    return Played(live, sqlite3.connect(db_path), events, fakes)
