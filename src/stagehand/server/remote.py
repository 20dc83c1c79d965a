"""A show running somewhere else, through its show server: what `stagehand attach` gives the console.

`RemoteShow` satisfies `ShowAPI` (show/api.py), the interface the console is written against,
so the same console runs on another terminal or machine. It keeps a mirror of the show (its
segments, stage, hands, connections, what is on stream, pins, the queue) from the events
WebSocket: a snapshot first, then every event, each handed on to its listeners exactly as a
`LiveShow` in this process would hand it. Intents are `POST /api/actions` as this console's
token; the result comes back once the events it caused have arrived here too, so the views
agree with it.

The show does not depend on this console: when the connection drops, the header says
`show ◌ reconnecting`, it connects again and asks for the events it missed (`?since=`), or a
fresh snapshot when too many were missed or the show restarted (a new epoch). A fresh snapshot
replaces what the screens show (`Reloadable`): a console keeps nothing of the show from before
it, so no key acts on a queue, a pin or an "on stream" the show no longer has. A show that
ends says so (`show ■ finished`), its clock stops, and nothing reconnects. A show that stops
before its end (a replay stopped short, which the command that ran it resumes) says that instead: its
clock stops, and the console keeps reconnecting, as after a crash. While not connected (ended,
stopped, reconnecting), a key sends nothing and says why: the show it would reach may not be
the one on screen. Closing it (quitting this console) leaves the show running and recording.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import logging
import re
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Iterable, Iterator, Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol, TypeVar, runtime_checkable

import aiohttp

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    Featured,
    HostAction,
    HostActionKind,
    ModerationKind,
    Pin,
    RankedComment,
    Segment,
    StageSession,
)
from stagehand.events import (
    AuthorForgotten,
    AuthorOptedOut,
    CommentPinned,
    CommentRanked,
    CommentRestored,
    CommentUnnamed,
    CommentUnpinned,
    ConnectionChanged,
    CoreEvent,
    FeatureEnded,
    FeatureStarted,
    HandsChanged,
    HostActionLogged,
    Listener,
    Notice,
    SegmentChanged,
    ShowEnded,
    StageChanged,
)
from stagehand.metrics import Metrics
from stagehand.platform import ActionResult, ConnectionState
from stagehand.sanitize import clean
from stagehand.server.access import Caller, Role, may
from stagehand.server.actions import not_allowed
from stagehand.server.wire import SEQ_HEADER, WireError, decode, decode_event
from stagehand.show.history import STEERING_KINDS, HandledAction
from stagehand.show.queue import (
    HANDLED_WORDS,
    QueueSettings,
    ShowQueue,
    key_of,
    unnamed_in,
    without_author,
)
from stagehand.show.search import SearchError
from stagehand.store.queries import SearchHit, ShowRow

log = logging.getLogger(__name__)

#: The connection to the show, as the console's header names it.
LINK = "show"
#: The link's states in which the show is away: its platforms' states are not known here.
AWAY = frozenset({ConnectionState.RECONNECTING, ConnectionState.FAILED})
#: A platform's detail while the show is away.
UNKNOWN = "not known while the show is away"
#: Comments remembered for `acted_on` (an undo selects its comment again).
ACTED_KEPT = 5_000
#: Handled comments kept for a screen that starts again (the show's snapshot sends as many).
HANDLED_KEPT = 500
#: Seconds an intent's result waits for its events to arrive here.
CATCH_UP_SECONDS = 2.0
#: Seconds between reconnection attempts, growing to the last.
RETRY_SECONDS = (0.5, 1.0, 2.0, 5.0)
#: How long a key press waits for the show's answer before the host is told (a show that is
#: stopped or stuck may still act on it later).
ACT_SECONDS = 5.0
_T = TypeVar("_T")


#: The show's own words for a refused token, in its 401's `WWW-Authenticate` (server/app.py).
_ERROR_DESCRIPTION = re.compile(r'error_description="([^"]*)"')


def _refusal_said(headers: Mapping[str, str] | None) -> str:
    """What the show said of the token it refused (a token named `host`: the fix), or ""."""
    found = _ERROR_DESCRIPTION.search((headers or {}).get("WWW-Authenticate", ""))
    return found.group(1) if found else ""


class RemoteError(Exception):
    """The show server cannot be used; the message says why and what to do."""


class TokenRefused(RemoteError):
    """The show refused this console's token (401): unknown, or revoked; trying again with it
    cannot help."""


class ShowUnavailable(RemoteError):
    """The show cannot let anyone in now (503: its token file is unreadable); it may later."""


@runtime_checkable
class Reloadable(Protocol):
    """A listener that starts again from a fresh snapshot (the console's bridge).

    After a reconnect that brought a snapshot instead of the missed events, `show_reloaded`
    gets what the show holds now, as events (the segment, hands, stage, connections, the queue
    and chat lines, pins, what is on stream), to replace what it shows; `restarted` says the
    show itself restarted (a new epoch), not only this connection; `another_show` that the
    address now serves another show (another name or start): nothing of the one before (its
    chat, its clock, what was done on it) holds for it. A plain listener is given the queue and
    the pins as `add_listener` gives them.
    """

    def show_reloaded(
        self, events: Sequence[CoreEvent], *, restarted: bool, another_show: bool = False
    ) -> None: ...


class RemoteShow:
    """A show reached through its show server (see the module docstring)."""

    def __init__(self, url: str, token: str, *, timeout: float = 10.0) -> None:
        self.url = url.rstrip("/")
        self._token = token
        self._timeout = timeout
        self._listeners: list[Listener] = []
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._closing = False
        self._seq = 0
        #: The show's numbering (its snapshot's "epoch"): a reconnect resumes only within it.
        self._epoch = ""
        self._advanced = asyncio.Event()
        #: Who this console is, as the show server knows its token.
        self.name = ""
        self.role = ""
        # -- the mirror --
        self._show: ShowRow | None = None
        self._now: tuple[datetime, float] | None = None
        self._segments: list[Segment] = []
        self._stage: tuple[StageSession, ...] = ()
        self._hands: tuple[Author, ...] = ()
        self._connections: dict[str, tuple[ConnectionState, str]] = {}
        self._platforms: tuple[str, ...] = ()
        self._featured: Featured | None = None
        self._pins: OrderedDict[tuple[str, str], Pin] = OrderedDict()
        self._queue_settings = QueueSettings()
        self._planned: list[tuple[str, tuple[str, ...]]] = []
        self._queue = ShowQueue()
        self._chat: deque[RankedComment] = deque(maxlen=500)
        #: The comments the hosts handled, newest first, as the snapshot had them.
        self._handled: tuple[HandledAction, ...] = ()
        self._acted: OrderedDict[str, Comment | None] = OrderedDict()
        #: The header's numbers as last fetched: kept on screen while the show is unreachable.
        self._metrics: Metrics | None = None
        #: When the show ended (its `ShowEnded` arrived on this connection), else None.
        self._ended_at: datetime | None = None
        #: When the show stopped before its end (a resumable `ShowEnded`), until it is back.
        self._stopped_at: datetime | None = None
        #: Why the show lets nobody in now (its 503), while this console waits for it.
        self._unavailable: str | None = None
        #: Why the show refused this console's token, once it has (nothing reconnects then).
        self._refused: str | None = None

    # -- connecting ------------------------------------------------------------------------------

    async def connect(self) -> None:
        """Reach the show and load its snapshot (RemoteError: unreachable, not a show server,
        or the token refused)."""
        self._loop = asyncio.get_running_loop()
        self._session = aiohttp.ClientSession(
            headers={"Authorization": f"Bearer {self._token}"},
            timeout=aiohttp.ClientTimeout(total=None, sock_connect=self._timeout),
        )
        try:
            await self._open(since=None)
        except RemoteError:
            await self._session.close()
            raise
        self._link(ConnectionState.CONNECTED, f"as {self.name} ({self.role})")

    async def _open(self, since: int | None) -> None:
        assert self._session is not None
        query = f"?since={self._epoch}:{since}" if since is not None else ""
        try:
            ws = await self._session.ws_connect(
                f"{self.url}/api/events{query}", heartbeat=20, max_msg_size=0
            )
        except aiohttp.WSServerHandshakeError as exc:
            if exc.status == 401:
                said = _refusal_said(exc.headers)
                raise TokenRefused(
                    f"{self.url} refused the token: {said}"
                    if said
                    else f"{self.url} refused the token (wrong, or revoked): ask the host for one "
                    "(stagehand token create --name NAME --role producer)"
                ) from None
            if exc.status == 503:
                raise ShowUnavailable(
                    f"{self.url} cannot check tokens now: the show's token file is unreadable "
                    "on its machine; the host must fix it (stagehand doctor says how)"
                ) from None
            raise RemoteError(
                f"{self.url} is not a stagehand show server (HTTP {exc.status} on /api/events)"
            ) from None
        except aiohttp.ClientConnectorCertificateError as exc:
            raise RemoteError(
                f"{self.url} answered with a certificate this machine does not trust "
                f"({exc.certificate_error}): if the show uses its own certificate, point "
                "SSL_CERT_FILE at a copy of it (SSL_CERT_FILE=show-cert.pem stagehand attach "
                "...), or reach the show through an SSH tunnel (docs/server.md)"
            ) from None
        except aiohttp.ClientSSLError as exc:
            if "WRONG_VERSION_NUMBER" not in str(exc) and "wrong version number" not in str(exc):
                raise RemoteError(f"cannot reach {self.url} securely ({_why(exc)})") from None
            plain = "http://" + self.url.removeprefix("https://")
            raise RemoteError(
                f"{self.url} answered in plain HTTP, not HTTPS: this show serves http:// "
                f"(try {plain})"
            ) from None
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise RemoteError(
                f"cannot reach {self.url} ({_why(exc)}): is the show running? Its console's "
                "help (?) and its first line say where it is served"
            ) from None
        try:
            first = await ws.receive(timeout=self._timeout)
            frame = json.loads(first.data) if first.type == aiohttp.WSMsgType.TEXT else None
            if not isinstance(frame, dict):
                raise WireError("no snapshot")
            self._ws = ws
            self._take(frame, first=since is None)
        except (WireError, ValueError, TimeoutError) as exc:
            await ws.close()
            raise RemoteError(f"{self.url} did not send a show ({exc})") from None

    # -- following the show ----------------------------------------------------------------------

    async def run_adapters(self) -> None:
        """Follow the show's events until `close` (reconnecting when the connection drops)."""
        while not self._closing:
            ws = self._ws
            if ws is None or ws.closed:
                if self.ended or not await self._reconnect():
                    return  # an ended show never comes back on this connection
                continue
            message = await ws.receive()
            if message.type == aiohttp.WSMsgType.TEXT:
                try:
                    self._take(json.loads(message.data))
                except (WireError, ValueError) as exc:
                    log.warning("an event from the show could not be read: %s", exc)
            elif message.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
                aiohttp.WSMsgType.ERROR,
            ):
                await ws.close()

    async def _reconnect(self) -> bool:
        """Connect again, picking up after the last event seen; False once it cannot be."""
        attempt = 0
        while not self._closing:
            delay = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
            self._link(ConnectionState.RECONNECTING, f"{self._why_away()}; retrying in {delay:g} s")
            await asyncio.sleep(delay)
            attempt += 1
            try:
                await self._open(since=self._seq)
            except TokenRefused:
                # The fix first: a notices line cut at the terminal's width keeps it.
                self._refused = (
                    "Ask the host for a new token and attach again (stagehand attach URL asks "
                    f"for it): {self.url} no longer accepts this console's token (the host "
                    "revoked it, or replaced the token file); nothing reaches the show from here"
                )
                self._link(ConnectionState.FAILED, self._refused)
                self._publish(Notice(self._refused, "error"))
                return False
            except ShowUnavailable as exc:
                if self._unavailable != str(exc):  # said once, not at every retry
                    self._unavailable = str(exc)
                    self._publish(
                        Notice(f"{exc}; this console keeps trying and picks it up then", "warning")
                    )
                continue
            except RemoteError:
                continue
            if self._unavailable is not None:
                self._unavailable = None
                self._publish(Notice("The show lets this console in again", "info"))
            self._link(ConnectionState.CONNECTED, f"as {self.name} ({self.role})")
            return True
        return False

    def _take(self, frame: dict[str, Any], *, first: bool = False) -> None:
        """One message from the show: its clock, maybe a snapshot, then events in order."""
        now = frame.get("now")
        if isinstance(now, str):
            self._now = (datetime.fromisoformat(now), time.monotonic())
        snapshot = frame.get("snapshot")
        if isinstance(snapshot, dict):
            epoch, before = self._epoch, self._show
            self._load(snapshot)
            if not first:  # restarted, or too much was missed: the screens start again from it
                self._reload_screens(
                    restarted=self._epoch != epoch, before=before if self._epoch != epoch else None
                )
        events = frame.get("events", [])
        if not isinstance(events, list):
            raise WireError("events must be a list")
        for data in events:
            event = decode_event(data)
            self._seq = max(self._seq, int(data.get("seq", self._seq)))
            self._fold(event)
            self._publish(event)
        self._advanced.set()

    def _load(self, snapshot: dict[str, Any]) -> None:
        you = snapshot.get("you") or {}
        self.name, self.role = str(you.get("name", "")), str(you.get("role", ""))
        self._seq = int(snapshot["seq"])
        self._epoch = str(snapshot.get("epoch", ""))
        self._show = decode(ShowRow, snapshot["show"])
        self._ended_at = None  # a show that sends a snapshot is running
        self._stopped_at = None
        self._segments = list(decode(tuple[Segment, ...], snapshot["segments"]))
        self._stage = decode(tuple[StageSession, ...], snapshot["on_stage"])
        self._hands = decode(tuple[Author, ...], snapshot["hands"])
        self._connections = {
            platform: (ConnectionState(state), str(detail))
            for platform, (state, detail) in snapshot.get("connections", {}).items()
        }
        self._platforms = tuple(snapshot.get("platforms", ()))
        self._featured = decode(Featured | None, snapshot.get("featured"))
        pins = decode(tuple[Pin, ...], snapshot.get("pins", []))
        self._pins = OrderedDict(((p.comment.platform, p.comment.id), p) for p in pins)
        self._queue_settings = decode(QueueSettings, snapshot.get("queue_settings", {}))
        # The show's plan (a show from before it was sent has none: `n` asks for a name).
        self._planned = [
            (str(p.get("title", "")), tuple(str(k) for k in p.get("keywords", ())))
            for p in snapshot.get("planned", ())
            if isinstance(p, dict)
        ]
        self._queue = ShowQueue(
            **self._queue_settings.fields(), segment=self.current_segment, hands=self._hands
        )
        self._handled = decode(tuple[HandledAction, ...], snapshot.get("handled", []))
        taken_off = decode(tuple[RankedComment, ...], snapshot.get("taken_off", []))
        # First: the queue's comments include undone ones, and the rest stay taken off (in
        # `taken_off`, to be given back by an undo).
        for event in self._handled_events({key_of(r.comment): r for r in taken_off}):
            self._queue.apply(event)
        for handled in reversed(self._handled):
            self._remember_acted(handled.key, handled.comment)
        for ranked in decode(tuple[RankedComment, ...], snapshot.get("queue", [])):
            self._queue.add_comment(ranked)
        for pin in pins:
            self._queue.pinned(pin)
        self._chat = deque(decode(tuple[RankedComment, ...], snapshot.get("chat", [])), maxlen=500)

    def _reload_screens(self, *, restarted: bool, before: ShowRow | None = None) -> None:
        """After a snapshot that replaced the mirror: every screen shows the show as it is now
        (`before`: the show this console followed until the new epoch, to tell a restart of
        the same show from another show on the address)."""
        events = self._snapshot_events()
        caught_up = self._catch_up()
        another = (
            before is not None and self._show is not None and not _same_show(before, self._show)
        )
        if another:
            self._acted.clear()  # host action keys of the show before: nothing to act on here
        for listener in list(self._listeners):
            try:
                if isinstance(listener, Reloadable):
                    listener.show_reloaded(events, restarted=restarted, another_show=another)
                else:
                    for event in caught_up:
                        listener(event)
            except Exception:  # a broken screen must not stop the others
                log.exception("listener failed on a fresh snapshot")
        if another and before is not None and self._show is not None:
            text = (
                f"Another show is served here now: {_show_named(self._show)}, not "
                f"{_show_named(before)}. This console shows it from its start (its queue, chat "
                "and on-air time); what you did on the show before cannot be undone from here"
            )
        elif restarted:
            text = (
                "The show restarted: this console now shows its queue, pins, stage and what is "
                "on stream as the show has them; what happened meanwhile may be missing here"
            )
        else:
            text = (
                "Reconnected to the show: this console now shows its queue, pins, stage and "
                "what is on stream as the show has them; what happened meanwhile may be missing"
            )
        self._publish(Notice(text, "warning"))

    def _snapshot_events(self) -> list[CoreEvent]:
        """The mirror as events, in the order a screen folds them: what orders the queue
        (segment, hands) before the queue, the pins after it."""
        return [
            SegmentChanged(self.current_segment),
            HandsChanged(self._hands),
            StageChanged(self._stage),
            *(
                ConnectionChanged(platform, state.value, detail)
                for platform, (state, detail) in self._connections.items()
                if platform != LINK
            ),
            *self._catch_up(),
            *([FeatureStarted(self._featured)] if self._featured is not None else []),
        ]

    def _fold(self, event: CoreEvent) -> None:
        """Keep the mirror as the show is (the views read it)."""
        self._queue.apply(event)
        if isinstance(event, CommentRanked):
            self._chat.append(event.ranked)
        elif isinstance(event, CommentUnnamed):
            unnamed_in(self._chat, event)
        elif isinstance(event, AuthorOptedOut | AuthorForgotten):
            self._chat = without_author(self._chat, event.author)
        elif isinstance(event, HostActionLogged):
            self._remember_acted(event.action.key, event.comment)
            self._handled_changed(event.action, event.comment)
        elif isinstance(event, SegmentChanged):
            if event.undone is not None:
                self._segments = [s for s in self._segments if s.position < event.undone]
            segment = event.segment
            if segment is not None:
                if self._segments and self._segments[-1].position == segment.position:
                    self._segments[-1] = segment
                elif not self._segments or self._segments[-1].position < segment.position:
                    self._segments.append(segment)
        elif isinstance(event, StageChanged):
            self._stage = event.on_stage
        elif isinstance(event, HandsChanged):
            self._hands = event.hands
        elif isinstance(event, ConnectionChanged) and event.platform != LINK:
            with contextlib.suppress(ValueError):
                self._connections[event.platform] = (ConnectionState(event.state), event.detail)
        elif isinstance(event, FeatureStarted):
            self._featured = event.featured
        elif isinstance(event, FeatureEnded):
            if self._featured is not None and self._featured.key == event.featured.key:
                self._featured = None
        elif isinstance(event, CommentPinned):
            self._pins[(event.pin.comment.platform, event.pin.comment.id)] = event.pin
        elif isinstance(event, CommentUnpinned):
            self._pins.pop((event.platform, event.comment_id), None)
        elif isinstance(event, ShowEnded) and event.resumable:
            # Stopped, not ended: the command that ran it resumes it, and this console reconnects.
            self._stopped_at = event.ts
            self._link(ConnectionState.RECONNECTING, self._why_away())
            self._publish(
                Notice(
                    f"The show stopped at {event.ts:%H:%M} before its end: this console waits "
                    "for it and picks it up when it runs again (nothing you press reaches it "
                    "meanwhile)",
                    "warning",
                )
            )
        elif isinstance(event, ShowEnded) and self._show is not None:
            self._ended_at = event.ts
            self._show = dataclasses.replace(self._show, ended_at=event.ts)
            self._link(ConnectionState.FINISHED, f"the show ended at {event.ts:%H:%M}; q leaves")
            for platform, (state, _) in list(self._connections.items()):
                if platform != LINK and state is not ConnectionState.FINISHED:
                    self._connections[platform] = (ConnectionState.FINISHED, "")
                    self._publish(ConnectionChanged(platform, ConnectionState.FINISHED.value))

    def _handled_events(
        self, taken_off: Mapping[tuple[str, str], RankedComment] | None = None
    ) -> Iterator[CoreEvent]:
        """The handled list as events, oldest first, with the comments they took off the queue
        (`taken_off`; the mirror's by default)."""
        taken_off = self._queue.taken_off if taken_off is None else taken_off
        for handled in reversed(self._handled):
            comment = handled.comment
            taken = taken_off.get(key_of(comment)) if comment is not None else None
            yield from _events_of_handled(handled, taken)

    def _handled_changed(self, action: HostAction, comment: Comment | None) -> None:
        """Keep the handled list as the show's is: a comment handled now, or an undo."""
        if action.outcome.startswith("failed"):
            return
        if action.kind is HostActionKind.UNDO:
            self._handled = tuple(
                dataclasses.replace(h, undone=True) if h.key == action.undoes else h
                for h in self._handled
            )
        elif action.kind in HANDLED_WORDS and comment is not None:
            handled = HandledAction(action.key, action.kind, action.ts, comment)
            self._handled = (handled, *self._handled[: HANDLED_KEPT - 1])
        elif action.kind in STEERING_KINDS:
            handled = HandledAction(
                action.key, action.kind, action.ts, None, text=action.text, actor=action.actor
            )
            self._handled = (handled, *self._handled[: HANDLED_KEPT - 1])

    def _remember_acted(self, key: str, comment: Comment | None) -> None:
        self._acted[key] = comment
        if len(self._acted) > ACTED_KEPT:
            self._acted.popitem(last=False)

    def _catch_up(self) -> list[CoreEvent]:
        """What a screen attaching now is told first: the comments the hosts handled (oldest
        first: its handled list, `l`, is the show's), the queue and the chat lines that never
        enter one (commands, the hosts' lines), oldest first, then the pins."""
        queued = {(r.comment.platform, r.comment.id): r for r in self._queue.queue.values()}
        for beside in self._queue.cut.values():  # a big row's askers kept aside: the row whole
            queued |= {(r.comment.platform, r.comment.id): r for r in beside.values()}
        lines = dict(queued)
        for ranked in self._chat:
            if not ranked.kind.may_queue:
                lines[(ranked.comment.platform, ranked.comment.id)] = ranked
        ordered = sorted(lines.values(), key=lambda r: r.comment.ts)
        return [
            *self._handled_events(),
            *(CommentRanked(r) for r in ordered),
            *(CommentPinned(pin) for pin in self._pins.values()),
        ]

    def _why_away(self) -> str:
        """Why the show is not connected now, as the header's detail says it."""
        if self._stopped_at is not None:
            return f"the show stopped at {self._stopped_at:%H:%M}"
        if self._unavailable is not None:
            return "the show's token file is unreadable on its machine"
        return "lost the show"

    def _link(self, state: ConnectionState, detail: str) -> None:
        """This console's connection to the show. While it is away the platforms' states are
        not known here (the show may have stopped with them): the screens are told `unknown`,
        and the states the show has once it is back."""
        was_away = self._is_away()
        self._connections[LINK] = (state, detail)
        self._publish(ConnectionChanged(LINK, state.value, detail))
        if self._is_away() != was_away:
            for platform, (known, known_detail) in self.connections.items():
                if platform != LINK:
                    self._publish(ConnectionChanged(platform, known.value, known_detail))

    def _is_away(self) -> bool:
        """The show is not reachable now (stopped, lost, or refusing this token)."""
        return self._connections.get(LINK, (None, ""))[0] in AWAY

    def _publish(self, event: CoreEvent) -> None:
        for listener in self._listeners:
            try:
                listener(event)
            except Exception:  # a broken screen must not stop the others
                log.exception("listener failed on %s", type(event).__name__)

    # -- views (ShowAPI) ----------------------------------------------------------------------

    @property
    def show(self) -> ShowRow:
        if self._show is None:
            raise RuntimeError("connect() first")
        return self._show

    def now(self) -> datetime:
        """The show's time: as its server last said, plus the time since (an ended show's
        clock stops at its end)."""
        if self._now is None:
            raise RuntimeError("connect() first")
        if self._ended_at is not None:
            return self._ended_at
        if self._stopped_at is not None:
            return self._stopped_at
        said, at = self._now
        return said + timedelta(seconds=time.monotonic() - at)

    @property
    def ended(self) -> bool:
        """The show ended (its `ShowEnded` arrived): there is nothing to reconnect to."""
        return self._ended_at is not None

    @property
    def stopped_at(self) -> datetime | None:
        """When the show stopped before its end, while it has not come back (else None)."""
        return self._stopped_at

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(self._segments)

    @property
    def current_segment(self) -> Segment | None:
        return self._segments[-1] if self._segments else None

    @property
    def on_stage(self) -> tuple[StageSession, ...]:
        return self._stage

    def is_on_stage(self, key: AuthorKey) -> bool:
        return any(session.author.key == key for session in self._stage)

    @property
    def hands(self) -> tuple[Author, ...]:
        return self._hands

    @property
    def connections(self) -> Mapping[str, tuple[ConnectionState, str]]:
        """The show's platforms as it last said, `unknown` while the show is away."""
        if not self._is_away():
            return dict(self._connections)
        return {
            platform: (state, detail) if platform == LINK else (ConnectionState.UNKNOWN, UNKNOWN)
            for platform, (state, detail) in self._connections.items()
        }

    @property
    def platforms(self) -> tuple[str, ...]:
        return self._platforms

    @property
    def featured(self) -> Featured | None:
        return self._featured

    @property
    def queue_settings(self) -> QueueSettings:
        return self._queue_settings

    @property
    def pins(self) -> tuple[Pin, ...]:
        return tuple(self._pins.values())

    def acted_on(self, key: str) -> Comment | None:
        return self._acted.get(key)

    def refusal(self, action: str) -> str | None:
        """Why this console's token may not take `action`, in the show's own words (the same
        table and wording the show answers a 403 with), or None when it may."""
        try:
            role = Role(self.role)
        except ValueError:
            return None  # a role this stagehand does not know: the show decides
        if may(role, action):
            return None
        return not_allowed(Caller(self.name, role), action)

    @property
    def storage_error(self) -> str | None:
        return None  # the show's machine handles its storage (its notices reach here)

    @property
    def db_path(self) -> None:
        return None  # on the show's machine

    @property
    def seq(self) -> int:
        """The last event of the show seen here."""
        return self._seq

    def participation(self) -> Metrics | None:
        """The show's numbers; the last ones fetched while it cannot be reached, None before
        any were (one log line, no traceback: the header says the show is reconnecting)."""
        try:
            metrics = decode(Metrics, self._blocking(self._get("/api/metrics")))
        except RemoteError as exc:
            if self._metrics is None:
                log.warning("metrics not read yet, the header waits for them: %s", exc)
            else:
                log.warning("metrics not refreshed, the last ones stay: %s", exc)
            return self._metrics
        self._metrics = metrics
        return metrics

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """The show's search (SearchError: why it could not be done, as the host reads it)."""
        if self._ended_at is not None:
            raise SearchError(
                f"Search needs the show, and it ended at {self._ended_at:%H:%M}: its comments "
                "are in its database (stagehand report), not searchable from here"
            )
        if self._stopped_at is not None or self._ws is None or self._ws.closed:
            raise SearchError(self._search_away())
        try:
            found = self._blocking(self._search(query, limit))
        except RemoteError as exc:  # no answer: the words name the network's error class
            log.warning("search: %s", exc)
            raise SearchError(self._search_away()) from None
        return list(decode(tuple[SearchHit, ...], found.get("hits", [])))

    def _search_away(self) -> str:
        return (
            f"Search needs the show, and it is not connected ({self._why_away()}): search "
            "again once the header says show ● connected"
        )

    async def _search(self, query: str, limit: int) -> dict[str, Any]:
        """`GET /api/search`; an answer other than hits is the show's words, or its status."""
        assert self._session is not None
        path = f"{self.url}/api/search"
        async with self._session.get(path, params={"q": query, "limit": str(limit)}) as response:
            try:
                data = await response.json(content_type=None)
            except ValueError:
                data = None
        if response.status == 200 and isinstance(data, dict):
            return data
        said = data.get("message") if isinstance(data, dict) else None
        log.warning("search: the show answered HTTP %s: %s", response.status, said)
        raise SearchError(
            str(said)
            if said
            else f"The show could not search (it answered HTTP {response.status}; its log says "
            "why): search again in a moment"
        )

    def add_listener(self, listener: Listener) -> None:
        """Hear every event from now on, after what the show holds now (the queue, pins)."""
        for event in self._catch_up():
            listener(event)
        self._listeners.append(listener)

    # -- intents (ShowAPI) --------------------------------------------------------------------

    # `also` (the rest of a merged queue row) is not sent: the show acts on the row its own
    # queue holds for the comment, which is the row this console shows (the same fold).

    async def answer(self, comment: Comment, *, also: Sequence[Comment] = ()) -> ActionResult:
        return await self._act("answer", comment)

    async def dismiss(self, comment: Comment, *, also: Sequence[Comment] = ()) -> ActionResult:
        return await self._act("dismiss", comment)

    async def reply(
        self, comment: Comment, text: str, *, also: Sequence[Comment] = ()
    ) -> ActionResult:
        return await self._act("reply", comment, text=text)

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        fields: dict[str, Any] = {"kind": kind.value}
        if duration_seconds is not None:
            fields["duration_seconds"] = duration_seconds
        return await self._act("moderate", comment, **fields)

    async def pull_on_stage(
        self,
        comment: Comment | None = None,
        *,
        author: Author | None = None,
        also: Sequence[Comment] = (),
    ) -> ActionResult:
        if comment is not None:
            # Without `also` the host chose the comment's own author alone: the show would
            # otherwise bring its whole queue row (server/actions.py).
            return await self._act("stage", comment, **({} if also else {"alone": True}))
        if author is not None:
            return await self._act("stage_hand", author_id=author.id, platform=author.platform)
        return await self._act("stage_hand")

    async def end_stage(self, author: Author | None = None) -> ActionResult:
        if author is None:
            return await self._act("end_stage")
        return await self._act("end_stage", author_id=author.id, platform=author.platform)

    def planned_next(self) -> tuple[str, tuple[str, ...]] | None:
        planned = self._planned
        index = len(self._segments)
        return planned[index] if index < len(planned) else None

    async def next_segment(
        self, title: str | None = None, keywords: Iterable[str] = ()
    ) -> ActionResult:
        if title is None:
            return await self._act("next_segment")
        return await self._act("next_segment", text=title, keywords=list(keywords))

    async def edit_topic(self, title: str, keywords: Iterable[str]) -> ActionResult:
        return await self._act("topic", text=title, keywords=list(keywords))

    async def feature(self, comment: Comment) -> ActionResult:
        return await self._act("feature", comment)

    async def unfeature(self) -> ActionResult:
        return await self._act("unfeature")

    async def pin(self, comment: Comment, note: str = "") -> ActionResult:
        return await self._act("pin", comment, text=note)

    async def unpin(self, comment: Comment) -> ActionResult:
        return await self._act("unpin", comment)

    async def undo(self, key: str | None = None, *, mine: bool = False) -> ActionResult:
        if key is None:
            return await self._act("undo")  # this console's own last action, on the show
        return await self._act("undo", key=key)

    async def _act(
        self, action: str, comment: Comment | None = None, **fields: Any
    ) -> ActionResult:
        body: dict[str, Any] = {"action": action, **fields}
        if comment is not None:
            body.update(comment_id=comment.id, platform=comment.platform)
        if self._session is None:
            return self._failed("not connected to the show", "failed", reached=False)
        if (away := self._away()) is not None:
            return self._failed(away, "refused", reached=False)
        try:
            async with self._session.post(
                f"{self.url}/api/actions",
                json=body,
                timeout=aiohttp.ClientTimeout(total=ACT_SECONDS),
            ) as response:
                status = response.status
                told = response.headers.get(SEQ_HEADER, "")
                data = await response.json(content_type=None)
        except TimeoutError:
            return self._failed(
                f"the show did not answer in {ACT_SECONDS:g} s: it may still act on this "
                "(watch the queue before pressing again)",
                "warning",
            )
        except (aiohttp.ClientError, OSError, ValueError) as exc:
            return self._failed(
                f"the show did not answer ({_why(exc)}): nothing was done", "failed", reached=False
            )
        if not isinstance(data, dict):
            return self._failed(f"the show answered HTTP {status} without a result", "failed")
        message = str(data.get("message", ""))
        if status == 409 and told.isdigit():
            # The show itself refused it as done already (409): its notice to this console is
            # on the way, as for a refusal answered 200; saying it here too would say it twice.
            await self._caught_up(int(told))
            return ActionResult.failed(message, already=True)
        if status == 503:  # the show could not check tokens now: nothing was done
            return self._failed(message or "the show cannot act now", "warning", reached=False)
        if status != 200:
            return self._failed(message or f"the show refused (HTTP {status})", "refused")
        await self._caught_up(int(data.get("seq", 0)))
        return ActionResult(
            bool(data.get("ok")),
            message,
            key=str(data.get("key") or ""),
            retry=bool(data.get("retry")),
        )

    def _away(self) -> str | None:
        """Why a key must not reach the show now (None: connected). Its answer would not come
        back here, and the show answering may not be the one on screen (another on the port)."""
        if self._ended_at is not None:
            return f"The show ended at {self._ended_at:%H:%M}: nothing was done (q leaves)"
        if self._refused is not None:
            return (
                "Nothing was done: ask the host for a new token and attach again (the show no "
                "longer accepts this one: revoked, or the token file replaced)"
            )
        if self._stopped_at is not None or self._ws is None or self._ws.closed:
            return (
                f"Not connected to the show ({self._why_away()}): nothing was done; press "
                "again once the header says connected"
            )
        return None

    def _failed(self, message: str, level: str, *, reached: bool = True) -> ActionResult:
        """The show did not act: this console's screens hear why (the show cannot tell them).
        Not `reached`: nothing got to the show, so pressing again later may work (`retry`: an
        undo keeps its place on this console's `u`)."""
        self._publish(Notice(message, level))
        return dataclasses.replace(ActionResult.failed(message), retry=not reached)

    async def _caught_up(self, seq: int) -> None:
        """Until the events the action published have arrived (briefly: they are on the way)."""
        deadline = time.monotonic() + CATCH_UP_SECONDS
        while self._seq < seq and (left := deadline - time.monotonic()) > 0:
            self._advanced.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._advanced.wait(), left)

    # -- reading over HTTP -------------------------------------------------------------------

    async def _get(self, path: str, **query: str) -> Any:
        assert self._session is not None
        async with self._session.get(f"{self.url}{path}", params=query) as response:
            data = await response.json(content_type=None)
            if response.status != 200:
                raise RemoteError(str(data.get("message", f"HTTP {response.status}")))
            return data

    def _blocking(self, call: Awaitable[_T]) -> _T:
        """`call` on the show's loop, from a worker thread (search, the header's numbers)."""
        if self._loop is None:
            raise RemoteError("not connected to the show")

        async def run() -> _T:
            return await call

        try:
            return asyncio.run_coroutine_threadsafe(run(), self._loop).result(timeout=15)
        except (aiohttp.ClientError, OSError, TimeoutError) as exc:
            raise RemoteError(f"the show did not answer ({_why(exc)})") from None

    # -- closing -----------------------------------------------------------------------------

    async def close(self) -> bool:
        """Disconnect this console; the show goes on (nothing here needs writing)."""
        self._closing = True
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
        return True


def _events_of_handled(
    handled: HandledAction, taken_off: RankedComment | None
) -> Iterator[CoreEvent]:
    """A handled comment as the events that listed it (before the queue's comments: what the
    show has in its queue again, an undone answer's comment, is given back by them), with the
    comment it took off the queue first (`taken_off`: an undo gives it back). A segment move or
    a topic edit is its host action alone (and its undo)."""
    comment = handled.comment
    if comment is None:
        yield HostActionLogged(
            HostAction(
                handled.kind,
                handled.at,
                text=handled.text,
                outcome="ok",
                key=handled.key,
                actor=handled.actor,
            )
        )
        if handled.undone:
            yield HostActionLogged(
                HostAction(
                    HostActionKind.UNDO,
                    handled.at,
                    text=handled.kind.value,
                    outcome="ok",
                    undoes=handled.key,
                )
            )
        return
    if taken_off is not None and not handled.undone:
        yield CommentRanked(taken_off)
    yield HostActionLogged(
        HostAction(
            handled.kind,
            handled.at,
            comment.id,
            comment.platform,
            comment.author.id,
            outcome="ok",
            key=handled.key,
            actor=handled.actor,
        ),
        comment,
    )
    if handled.undone:
        # Taken back: listed as undone, and (an answer's, a dismissal's) off the queue no more.
        yield HostActionLogged(
            HostAction(
                HostActionKind.UNDO,
                handled.at,
                comment.id,
                comment.platform,
                comment.author.id,
                handled.kind.value,
                "ok",
                undoes=handled.key,
            )
        )
        if handled.kind in (HostActionKind.ANSWER, HostActionKind.DISMISS):
            yield CommentRestored(comment.platform, comment.id)


def _same_show(a: ShowRow, b: ShowRow) -> bool:
    """The same show (restarted or resumed), not another served on the address: a show keeps
    its name and its start however often it is resumed."""
    return (a.name, a.started_at) == (b.name, b.started_at)


def _show_named(show: ShowRow) -> str:
    """A show as a notice names it: its title (cleaned: it is the host's text) and its start."""
    title = clean(show.title or show.name, max_chars=60)
    return f"“{title}” (started {show.started_at:%Y-%m-%d %H:%M})"


def _why(exc: BaseException) -> str:
    text = str(exc)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
