"""The show server's listener: every event numbered, folded into what screens need, fanned out.

`EventHub` hears the show's events like the store and the console do (on the event loop, in
order). It numbers them (`seq`), keeps the queue every screen shows (`ShowQueue`) and the last
chat lines for clients that attach later, and keeps the last `BACKLOG` events so a client that
lost its connection for a moment picks up exactly where it was (`?since=`): unless someone
opted out or was forgotten since, when it starts again from a snapshot (the events kept from
before show them as they were, so they are dropped then).

A client never slows the show: each has its own pending list, filled by the listener without
waiting, and drained by that client's own sender task. A client that falls `CLIENT_LIMIT`
events behind is let go (it reconnects and resumes, or gets a fresh snapshot); the show, and
what it records, never waits for anyone's network. An event is encoded to JSON once, for every
client, and only while someone is connected: as clients are given it, with no anonymous person's
platform id whatever their role (`ScreenIds`, server/anonymous.py).

The overlay hears only what the hosts chose to put on stream (the featured comment, who is on
stage, the segment's title), pushed the moment it changes.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
import re
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from stagehand.domain import HostActionKind, RankedComment
from stagehand.events import (
    AuthorForgotten,
    AuthorOptedOut,
    CommentEdited,
    CommentRanked,
    CommentUnnamed,
    ConnectionChanged,
    CoreEvent,
    FeatureEnded,
    FeatureStarted,
    HostActionLogged,
    Notice,
    ReplayReached,
    SegmentChanged,
    StageChanged,
)
from stagehand.platform import ConnectionState
from stagehand.server.access import Caller
from stagehand.server.anonymous import ScreenIds
from stagehand.server.wire import Pseudonym, dumps, encode, encode_event
from stagehand.show.history import HandledAction
from stagehand.show.live import LiveShow
from stagehand.show.queue import ShowQueue, key_of, unnamed_in, without_author

#: Events kept for clients that reconnect (`?since=`): minutes of chat, seconds of a flood.
BACKLOG = 10_000
#: Chat lines a client attaching now is given (raw chat that never entered the queue).
RECENT_CHAT = 200
#: Handled comments a client attaching now is given, newest first (its `l` lists them; a
#: console keeps 500).
HANDLED = 500
#: Events a client may fall behind before it is let go: well inside `BACKLOG`, so a client let
#: go can resume where it was (`?since=`) instead of starting again from a snapshot (unless
#: someone opted out or was forgotten meanwhile: see `EventHub.__call__`).
CLIENT_LIMIT = BACKLOG // 2
#: What takes a handled comment off the queue (an undo gives it back).
TAKEN_OFF = (HostActionKind.ANSWER, HostActionKind.DISMISS)
#: How long after another screen changed the queue's top (or the stage) a button's `top` (or an
#: `end_stage` or `stage_hand` naming nobody: the latest guest, the first raised hand) is
#: refused: what it would act on now is not what its presser saw (docs/server.md, "Buttons
#: that pick their target").
SETTLING_SECONDS = 2.0
#: What changes the queue's top: a comment answered, dismissed, brought on stage or moderated.
MOVES_THE_TOP = frozenset({*TAKEN_OFF, HostActionKind.STAGE_START, HostActionKind.MODERATE})
#: What changes the latest guest and the first raised hand: a stage start or end (an undo of
#: one of these changes the same as the action it undid).
MOVES_THE_STAGE = frozenset({HostActionKind.STAGE_START, HostActionKind.STAGE_END})
#: How the overlay names a guest on stage who has no name to show (opted out, forgotten).
AUDIENCE_GUEST = "a guest"
#: The events that change what the overlay shows (an edit of the comment on stream too).
OVERLAY_EVENTS = (FeatureStarted, FeatureEnded, StageChanged, SegmentChanged, CommentEdited)


#: The replay's connection (adapters/replay.py `ReplayAdapter.platform`).
REPLAY = "replay"
#: An absolute path in a connection's detail (not a URL's): its last part is group 1.
_ABSOLUTE_PATH = re.compile(r"(?<![\w./:])(?:/[^\s/:]+)*/([^\s/:]+)")


def file_names_only(detail: str, known: str = "") -> str:
    """`detail` with every absolute path said by its file name (`known`, a path the show
    said as a whole, even one with spaces in it): where the host keeps a transcript is this
    machine's business, not a screen elsewhere's."""
    if known and known in detail:
        detail = detail.replace(known, Path(known).name)
    return _ABSOLUTE_PATH.sub(r"\1", detail)


@dataclass(slots=True)
class Kept:
    """An event kept for clients that resume: its JSON made the first time a client needs it
    (while one is connected: at once), then reused by every client resuming after it."""

    seq: int
    #: As clients are given it (`ScreenIds.for_screens`).
    event: CoreEvent
    text: str | None = None

    def encoded(self, pseudonym: Pseudonym) -> str:
        if self.text is None:
            self.text = dumps(encode_event(self.event, self.seq, pseudonym=pseudonym))
        return self.text


@dataclass(eq=False)
class Subscriber:
    """One events client: what is waiting to be sent to it, in order."""

    limit: int = CLIENT_LIMIT
    pending: list[str] = field(default_factory=list)
    ready: asyncio.Event = field(default_factory=asyncio.Event)
    #: Fell too far behind: its connection is closed, and it must resume or start again.
    dropped: bool = False

    def push(self, text: str) -> None:
        if self.dropped:
            return
        self.pending.append(text)
        if len(self.pending) > self.limit:
            self.dropped = True
            self.pending.clear()
        self.ready.set()

    def take(self) -> list[str]:
        batch, self.pending = self.pending, []
        self.ready.clear()
        return batch


@dataclass(eq=False)
class OverlayWatcher:
    """One overlay page: the latest state it has not been sent yet (older ones are moot)."""

    latest: str | None = None
    ready: asyncio.Event = field(default_factory=asyncio.Event)

    def push(self, text: str) -> None:
        self.latest = text
        self.ready.set()

    def take(self) -> str | None:
        text, self.latest = self.latest, None
        self.ready.clear()
        return text


class EventHub:
    def __init__(self, live: LiveShow) -> None:
        self.live = live
        self.queue = ShowQueue(
            **live.queue_settings.fields(), segment=live.current_segment, hands=live.hands
        )
        for pin in live.pins:
            self.queue.pinned(pin)
        self.recent: deque[RankedComment] = deque(maxlen=RECENT_CHAT)
        #: The ids clients are given for people: never an anonymous person's platform id.
        self.ids = ScreenIds()
        # A resumed show's anonymous guests and hands: no event of this run showed them yet
        # (their comments may be older than the queue it read back), but their host actions
        # (a stage appearance ended) name them by key.
        self.ids.shown([*(session.author for session in live.on_stage), *live.hands])
        self.seq = 0
        #: This hub's numbering: `seq` restarts at 0 with every show (and restart), so a client
        #: resumes (`?since=EPOCH:SEQ`) only where the epoch is the one it had.
        self.epoch = secrets.token_hex(6)
        self.backlog: deque[Kept] = deque(maxlen=BACKLOG)
        self.clients: set[Subscriber] = set()
        self.overlays: set[OverlayWatcher] = set()
        self._overlay_text = dumps(self.overlay_state())
        #: Who last changed the queue's top ("queue") and the stage ("stage"), and when
        #: (`time.monotonic`): `moved_by_another`.
        self._moved: dict[str, tuple[str, float]] = {}
        #: The transcript a replay plays, as its connection first said it (`file_names_only`).
        self._transcript = ""

    def moved_by_another(self, what: str, caller: str) -> tuple[str, float] | None:
        """Who other than `caller` changed `what` ("queue": its top; "stage") less than
        `SETTLING_SECONDS` ago, and how long ago; None when nobody did."""
        moved = self._moved.get(what)
        if moved is None or moved[0] == caller:
            return None
        ago = time.monotonic() - moved[1]
        return (moved[0], ago) if ago < SETTLING_SECONDS else None

    def _note_moves(self, event: HostActionLogged) -> None:
        action = event.action
        if action.outcome.startswith("failed"):
            return
        kind = action.kind
        if kind is HostActionKind.UNDO:  # it changes what the action it undid changed
            kind = next((k for k in HostActionKind if k.value == action.text), kind)
        if kind in MOVES_THE_TOP:
            self._moved["queue"] = (action.actor, time.monotonic())
        if kind in MOVES_THE_STAGE:
            self._moved["stage"] = (action.actor, time.monotonic())

    # -- the listener --------------------------------------------------------------------------

    def __call__(self, event: CoreEvent) -> None:
        self.seq += 1
        self.queue.apply(event)
        shown = self.ids.for_screens(event)
        if isinstance(shown, Notice) and shown.here:  # this machine's paths stay on it
            shown = dataclasses.replace(shown, here="")
        elif isinstance(shown, ReplayReached):  # so does where its transcript is: its name only
            shown = dataclasses.replace(shown, source=Path(shown.source).name)
        elif isinstance(shown, ConnectionChanged):  # the replay's detail is its transcript too
            if shown.platform == REPLAY and shown.state == ConnectionState.CONNECTED.value:
                self._transcript = shown.detail  # its whole path, as the replay says it
            shown = dataclasses.replace(
                shown, detail=file_names_only(shown.detail, self._transcript)
            )
        elif isinstance(event, HostActionLogged):
            self._note_moves(event)
        kept = Kept(self.seq, shown)
        if isinstance(event, CommentRanked):
            self.recent.append(event.ranked)
            self.backlog.append(kept)
        elif isinstance(event, CommentUnnamed):  # a console attaching later reads it so
            unnamed_in(self.recent, event)
            self.backlog.append(kept)
        elif isinstance(event, AuthorOptedOut | AuthorForgotten):
            self.recent = without_author(self.recent, event.author)
            # The events kept so far show them as they were (by name, by platform id, what
            # they said), and so does this one. Nobody resumes from before now: a client that
            # asks is given a snapshot, anonymous as the show is, whose screen lets go of
            # their earlier lines (the connected clients were sent it all as it happened).
            self.backlog.clear()
        else:
            self.backlog.append(kept)
        if self.clients:
            text = kept.encoded(self.ids.pseudonym)
            for client in self.clients:
                client.push(text)
        if isinstance(event, OVERLAY_EVENTS):
            self._overlay_changed()

    # -- events clients ------------------------------------------------------------------------

    def subscribe(
        self, caller: Caller, since: int | None = None, epoch: str | None = None
    ) -> tuple[Subscriber, dict[str, Any]]:
        """A new client, and what it gets first: the events after `since` when they are all
        still here and `epoch` is this hub's, or else a snapshot of the show (`"snapshot"`).
        Nothing can happen between the two (no await): the client misses nothing and sees
        nothing twice."""
        client = Subscriber()
        first: dict[str, Any]
        oldest = self.backlog[0].seq if self.backlog else self.seq + 1
        ours = epoch == self.epoch
        if ours and since is not None and 0 <= since <= self.seq and since + 1 >= oldest:
            missed = [kept.encoded(self.ids.pseudonym) for kept in self.backlog if kept.seq > since]
            # What it missed does not count against its limit: it may fall as far behind again.
            client.limit += len(missed)
            client.pending.extend(missed)
            client.ready.set()
            first = {}
        else:
            first = {"snapshot": self.snapshot(caller)}
        self.clients.add(client)
        return client, first

    def unsubscribe(self, client: Subscriber) -> None:
        self.clients.discard(client)

    def snapshot(self, caller: Caller) -> dict[str, Any]:
        """The whole show as a screen needs it to start from, as of event `seq`."""
        live = self.live
        handled = live.handled()[:HANDLED]
        # No anonymous person's platform id: their pseudonym (server/anonymous.py).
        shown = functools.partial(encode, pseudonym=self.ids.pseudonym)
        return {
            "seq": self.seq,
            "epoch": self.epoch,
            "you": {"name": caller.name, "role": caller.role.value},
            "show": shown(live.show),
            "segments": shown(live.segments),
            "on_stage": shown(live.on_stage),
            "hands": shown(live.hands),
            "connections": {
                p: [s.value, file_names_only(d, self._transcript)]
                for p, (s, d) in live.connections.items()
            },
            "platforms": list(live.platforms),
            "featured": shown(live.featured),
            "pins": shown(live.pins),
            # How this show orders its queue: an attached console folds with the show's.
            "queue_settings": shown(live.queue_settings),
            # Its planned segments: an attached console's `n` starts the next, or asks a name.
            "planned": [
                {"title": s.title, "keywords": list(s.keywords)}
                for s in live.settings.show.segments
            ],
            # Every asker's comment of each row: the client's own fold merges them as here.
            "queue": shown(tuple(a for row in self.queue.queue_rows() for a in row.askers)),
            "chat": shown(tuple(self.recent)),
            # What the show's own console lists under `l` (before a restart too): undoable,
            # and the comments answered or dismissed as the queue had them (an undo gives
            # them back).
            "handled": shown(handled),
            "taken_off": shown(self._taken_off(handled)),
        }

    def _taken_off(self, handled: tuple[HandledAction, ...]) -> tuple[RankedComment, ...]:
        """The queued comments `handled` took off (and no undo gave back), as the queue had
        them."""
        keys = (
            key_of(h.comment)
            for h in handled
            if h.comment is not None and not h.undone and h.kind in TAKEN_OFF
        )
        return tuple(ranked for key in keys if (ranked := self.queue.taken_off.get(key)))

    def frame(self, events: list[str], first: dict[str, Any] | None = None) -> str:
        """One WebSocket message: show time now, and events (already JSON) in order."""
        head = dumps({"now": self.live.now().isoformat(), **(first or {})})
        return head[:-1] + ',"events":[' + ",".join(events) + "]}"

    # -- the overlay ---------------------------------------------------------------------------

    def overlay_state(self) -> dict[str, Any]:
        """Only what the hosts put on stream: never the queue or the chat."""
        live = self.live
        featured = live.featured
        segment = live.current_segment
        return {
            "featured": None
            if featured is None
            else {
                "author": featured.comment.author.shown_name,
                "platform": featured.comment.platform,
                "text": featured.comment.shown_text,
                "since": featured.since.isoformat(),
            },
            # Someone who opted out or asked to be forgotten is "a guest" to the audience: the
            # hosts' screens say why they have no name, the stream does not.
            "stage": [
                {
                    "author": AUDIENCE_GUEST if s.author.anonymous else s.author.shown_name,
                    "platform": s.author.platform,
                }
                for s in live.on_stage
            ],
            "segment": None
            if segment is None
            else {"position": segment.position, "title": segment.title},
        }

    def watch_overlay(self) -> OverlayWatcher:
        watcher = OverlayWatcher()
        watcher.push(self._overlay_text)
        self.overlays.add(watcher)
        return watcher

    def unwatch_overlay(self, watcher: OverlayWatcher) -> None:
        self.overlays.discard(watcher)

    def _overlay_changed(self) -> None:
        text = dumps(self.overlay_state())
        if text == self._overlay_text:
            return
        self._overlay_text = text
        for watcher in self.overlays:
            watcher.push(text)
