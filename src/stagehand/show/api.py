"""The show as a screen sees it: the one interface the console is written against.

Two things satisfy it: `LiveShow` itself, in the show's own process, and the show server's
`RemoteShow` (`stagehand.server.remote`), which reaches a running show over HTTP and its events
WebSocket from another terminal or machine (`stagehand attach`). The console imports only this
protocol, never the server, so one console serves both, and a test of either proves the same
screen.

An intent answers an `ActionResult`, or an awaitable of one: `LiveShow` answers what needs no
platform at once (answer, dismiss, feature, ...), a remote show always after a round trip. A
refused intent has told every screen why (a `Notice`) by the time its result arrives.
"""

from __future__ import annotations

from collections.abc import Awaitable, Iterable, Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    Featured,
    ModerationKind,
    Pin,
    Segment,
    StageSession,
)
from stagehand.events import Listener
from stagehand.metrics import Metrics
from stagehand.platform import ActionResult, ConnectionState
from stagehand.show.queue import QueueSettings
from stagehand.store.queries import SearchHit, ShowRow

#: What an intent answers: its result now, or once the show has answered.
Outcome = ActionResult | Awaitable[ActionResult]


class ShowAPI(Protocol):
    """What a screen reads of a show and asks of it (see the module docstring)."""

    # -- views -----------------------------------------------------------------------------

    @property
    def show(self) -> ShowRow: ...

    def now(self) -> datetime:
        """Show time (a replay's is its transcript's)."""
        ...

    @property
    def segments(self) -> tuple[Segment, ...]: ...

    @property
    def current_segment(self) -> Segment | None: ...

    @property
    def on_stage(self) -> tuple[StageSession, ...]: ...

    def is_on_stage(self, key: AuthorKey) -> bool: ...

    @property
    def hands(self) -> tuple[Author, ...]: ...

    @property
    def connections(self) -> Mapping[str, tuple[ConnectionState, str]]: ...

    @property
    def platforms(self) -> tuple[str, ...]: ...

    @property
    def featured(self) -> Featured | None: ...

    @property
    def pins(self) -> tuple[Pin, ...]: ...

    @property
    def queue_settings(self) -> QueueSettings:
        """How the show orders its queue (its config): a screen's queue follows it."""
        ...

    def acted_on(self, key: str) -> Comment | None: ...

    def refusal(self, action: str) -> str | None:
        """Why this screen may not take `action` (a show-server action name: `reply`,
        `moderate`, `stage`, ...; docs/server.md), or None when it may. An attached console's
        token role decides; the show's own console may do everything. A key refused here is
        refused before its dialog opens."""
        ...

    @property
    def storage_error(self) -> str | None: ...

    @property
    def db_path(self) -> Path | None:
        """The show's database file when the show runs in this process (the end-of-replay
        notice names it for `stagehand report`); None for a show on another machine."""
        ...

    def participation(self) -> Metrics | None:
        """The participation numbers so far (blocking: call it from a worker thread). While
        they cannot be read (an attached console's show is away) the last ones read, None
        before any were: the show's connection state says why, nothing else needs to."""
        ...

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """This show's comments matching `query` (blocking: call it from a worker thread).
        SearchError (show/search.py): why it could not be done, in the host's words."""
        ...

    # -- intents ---------------------------------------------------------------------------

    # `also`: the rest of the comment's queue row (the other viewers who asked the same
    # question): acted on with it.

    def answer(self, comment: Comment, *, also: Sequence[Comment] = ()) -> Outcome: ...

    def dismiss(self, comment: Comment, *, also: Sequence[Comment] = ()) -> Outcome: ...

    async def reply(
        self, comment: Comment, text: str, *, also: Sequence[Comment] = ()
    ) -> ActionResult: ...

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult: ...

    async def pull_on_stage(
        self,
        comment: Comment | None = None,
        *,
        author: Author | None = None,
        also: Sequence[Comment] = (),
    ) -> ActionResult: ...

    async def end_stage(self, author: Author | None = None) -> ActionResult: ...

    def planned_next(self) -> tuple[str, tuple[str, ...]] | None:
        """The segment `next_segment` starts from the show's plan (title, keywords), or None
        when no planned segment is left: the console asks the host to name the next one."""
        ...

    def next_segment(self, title: str | None = None, keywords: Iterable[str] = ()) -> Outcome:
        """The next planned segment, or (none planned) the one named `title`."""
        ...

    def edit_topic(self, title: str, keywords: Iterable[str]) -> Outcome: ...

    def feature(self, comment: Comment) -> Outcome: ...

    def unfeature(self) -> Outcome: ...

    def pin(self, comment: Comment, note: str = "") -> Outcome: ...

    def unpin(self, comment: Comment) -> Outcome: ...

    async def undo(self, key: str | None = None, *, mine: bool = False) -> ActionResult: ...

    # -- running ---------------------------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        """Hear every event from now on, in order, on the event loop."""
        ...

    async def run_adapters(self) -> None:
        """Run until the show ends or `close`: its platforms (a remote show: its events)."""
        ...

    async def close(self) -> bool:
        """Stop: a show in this process ends (everything written); a remote one goes on
        without this screen. False if not everything could be written."""
        ...
