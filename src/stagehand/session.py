"""Where a show is put together: the one place that opens the database, starts the writer,
builds the live show, installs the chat commands and adds the platform adapters.

`stagehand run`, `demo` and `replay`, the tests and the benchmarks all open their shows with
`open_show`, so what they run is the same thing.
"""

from __future__ import annotations

import contextlib
import shlex
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from pathlib import Path

from sqlite_utils import Database

from stagehand import heap
from stagehand.clock import ShowClock
from stagehand.commands import install_commands, slash_command_specs
from stagehand.config import Settings
from stagehand.domain import OPTED_OUT_NAME, Author
from stagehand.events import CoreEvent, Notice
from stagehand.naming import named
from stagehand.platform import Adapter, ReplaySink
from stagehand.sanitize import clean
from stagehand.show.live import LiveShow
from stagehand.show.resume import QUEUE_WINDOW
from stagehand.show.state import RECENT_COMMENTS
from stagehand.store import open_database, queries, resume_reads
from stagehand.store.database import StoreError, store_errors
from stagehand.store.pseudonymize import pseudonym_key_problem
from stagehand.store.show_lock import ShowLock, lock_show
from stagehand.store.show_source import free_name, stored_from_another
from stagehand.store.writer import StoreWriter


class AdapterUnavailable(Exception):
    """An enabled adapter cannot be built; the message says which and why."""


def open_show(
    settings: Settings,
    *,
    db_path: Path | None = None,
    show_name: str | None = None,
    title: str = "",
    description: str = "",
    source: str = "live",
    started_at: datetime | None = None,
    clock: ShowClock | None = None,
    adapters: Iterable[Adapter[ReplaySink]] | None = None,
    commands: bool = True,
    on_committed: Callable[[list[CoreEvent]], None] | None = None,
    transcript: Path | None = None,
) -> LiveShow:
    """Open (or resume: same name, same database) a show, ready to run. Raises StoreError, and
    AdapterUnavailable before anything is opened. A live show no platform connects to is taken
    back when it closes (`LiveShow.kept`).

    `adapters`: the platforms to connect (a replay, test fakes); default: those the config
    enables. `commands`: answer chat commands (with `[commands] enabled = false`,
    only `!optout`, `!optin` and `!forget`). `started_at`: when
    the show began (a replay passes its transcript's time); default now. `on_committed` hears
    each batch the writer committed (benchmarks measure latency with it). `transcript`: the
    file a replay plays; a stored show of that name recorded from another one is refused
    (StoreError), as is a show another process is recording (`store.show_lock`), before
    anything is written.
    """
    adapters = list(adapters) if adapters is not None else build_adapters(settings)
    path = (db_path or settings.db_path()).expanduser()
    clock = clock or ShowClock()
    # Checked before going live: a damaged file would lose the show's chat, not just one row.
    db = open_database(path, verify=True)
    lock: ShowLock | None = None
    with contextlib.closing(db.conn), store_errors(path), _released_on_error(lambda: lock):
        key_problem = pseudonym_key_problem(db.conn)
        name = show_name or settings.show.name
        # As it was before (a session that never goes on air puts it back so).
        stored_before = queries.find_show(db, name)
        if stored_before is not None:
            lock = lock_show(path, stored_before.id, name)
            # A live session (`run`: no transcript, no replay) under a replayed show's name too.
            live_session = source == "live" and all(a.platform != "replay" for a in adapters)
            if transcript is not None or live_session:
                _refuse_another_source(db, stored_before.id, name, path, transcript)
        show, resumed = queries.open_show(
            db,
            name,
            # A transcript's title is as untrusted as chat: it reaches screens and reports.
            title=clean(title or settings.show.title, max_chars=200),
            description=clean(description or settings.show.description),
            source=source,
            started_at=started_at or clock.now(),
        )
        # A live show killed with a guest on stage or a comment on stream: the appearance and
        # the time on stream ended when the show was last known to run, not when it came back.
        # The hosts decide whether the guest comes back on, and what goes back on stream. A
        # replay's time has no downtime: it goes on at its transcript's time, its guests and the
        # comment its transcript put on stream still on, until the transcript takes them off
        # (`ResumedState.on_stream`); a comment the hosts put there (for `feature_seconds`)
        # ended as on a live show.
        off_stage: list[resume_reads.LeftOpen] = []
        off_stream: list[resume_reads.LeftOpen] = []
        # A replay killed before its first position was stored has none yet: its source says it.
        is_live = source == "live" and resume_reads.replay_position(db, show.id) is None
        last_alive = queries.last_alive_at(db, show.id) if resumed else None
        if last_alive is not None and not is_live:
            # A resumed replay's show time goes on where it stopped: until its next line sets
            # the clock, it stands there (it read today's wall clock: a notice of the restart
            # was stamped 19:25 above the show's 19:02).
            clock.follow(last_alive, 0.0)
        if last_alive is not None:
            if is_live:
                off_stage = resume_reads.end_open_stage(db, show.id, last_alive)
            off_stream = resume_reads.end_open_on_stream(
                db, show.id, last_alive, keep_replayed=not is_live
            )
        state = (
            resume_reads.resumed_state(
                db,
                show.id,
                recent=RECENT_COMMENTS,
                scored=QUEUE_WINDOW * settings.console.queue_size,
            )
            if resumed
            else None
        )
        opted_out = queries.opted_out_viewers(db)
        if lock is None:  # a new show (a lock nothing could take leaves it None again)
            lock = lock_show(path, show.id, name)
    notices = []
    for left in off_stream:
        text, names = named(
            *_whose_comment(left),
            " was on stream when the show stopped: it is off stream now"
            " (show it again from the queue or search)",
        )
        notices.append(Notice(text, "info", names=names))
    for left in off_stage:
        text, names = named(
            _who(left) or "A guest",
            " was on stage when the show stopped: off stage since then"
            " (bring them on again if they are still there)",
        )
        notices.append(Notice(text, "info", names=names))
    if key_problem:
        notices.append(
            Notice(
                f"Viewers who opted out before will not be recognised: {key_problem} "
                "(restore it from a backup of this machine; see `stagehand doctor`)",
                "warning",
            )
        )
    writer = StoreWriter(
        path,
        show_id=show.id,
        batch_size=settings.database.batch_size,
        cached_authors=settings.database.cached_authors,
        on_committed=on_committed,
    )
    live = LiveShow(
        settings,
        db_path=path,
        show=show,
        writer=writer,
        clock=clock,
        resumed=state,
        startup_notices=notices,
        opted_out=opted_out,
        stored_before=stored_before,
    )
    # Every show, with a console or without: a collector at Python's defaults cost the show's
    # process about a tenth of its time under a flood (stagehand/heap.py).
    heap.calm_garbage_collection()
    if live.ranking_worker_pid is not None:
        # A long show's memory stays flat (stagehand/heap.py). Only beside a worker: with the
        # ranker in this process the 1M replay sat about 37 MB higher with it (not understood).
        heap.return_large_blocks()
    if lock is not None:
        live.on_closed(lock.release)
    writer.start()
    for adapter in adapters:
        live.add_adapter(adapter)
    if commands:
        # With `[commands] enabled = false` the router still answers `!optout`, `!optin` and
        # `!forget`: switching the show's commands off never takes a viewer's privacy away.
        install_commands(live)
    return live


def _refuse_another_source(
    db: Database, show_id: int, name: str, path: Path, transcript: Path | None
) -> None:
    """StoreError if show `name` was recorded from something else than `transcript` (None: a
    live session): a new recording under an old name (both files `chat.jsonl`) is not merged
    into the old show."""
    stranger = stored_from_another(db, show_id, transcript)
    if stranger is None:
        return
    if stranger.live:
        was = "recorded live"
    elif transcript is None:
        was = f"stored from a transcript ({stranger.stored_from})"
    else:
        was = f"stored from another transcript ({stranger.stored_from})"
    this = f"not from {transcript}" if transcript is not None else "not live"
    raise StoreError(
        f"show {name!r} in {path} was {was}, {this}: store this one as a show of its own "
        f"with --show {shlex.quote(free_name(db, name))}"
    )


@contextlib.contextmanager
def _released_on_error(lock: Callable[[], ShowLock | None]) -> Iterator[None]:
    """Let the show go again if opening it fails after it was locked."""
    try:
        yield
    except BaseException:
        if (held := lock()) is not None:
            held.release()
        raise


def build_adapters(settings: Settings) -> list[Adapter[ReplaySink]]:
    """The platform adapters the config enables (AdapterUnavailable if none, or one cannot be)."""
    from stagehand.tokens import TokenStore

    tokens = TokenStore()
    guest_link = settings.show.guest_link
    adapters: list[Adapter[ReplaySink]] = []
    if settings.twitch.enabled:
        try:
            from stagehand.adapters.twitch.adapter import TwitchAdapter
        except ImportError as exc:
            raise AdapterUnavailable(f"the Twitch adapter is not available: {exc}") from None
        adapters.append(TwitchAdapter(settings.twitch, tokens, guest_link=guest_link))
    if settings.discord.enabled:
        try:
            from stagehand.adapters.discord.adapter import DiscordAdapter
        except ImportError as exc:
            raise AdapterUnavailable(f"the Discord adapter is not available: {exc}") from None
        adapters.append(
            DiscordAdapter(
                settings.discord,
                tokens,
                guest_link=guest_link,
                slash_commands=slash_command_specs() if settings.commands.enabled else (),
                command_prefix=settings.commands.prefix,
            )
        )
    if settings.youtube.enabled:
        from stagehand.adapters.youtube.adapter import YouTubeAdapter

        adapters.append(YouTubeAdapter(settings.youtube, tokens, guest_link=guest_link))
    if not adapters:
        raise AdapterUnavailable(
            "no platform is enabled in the config: set `enabled = true` under [twitch], "
            "[discord] or [youtube] (see config.example.toml), or try `stagehand demo`"
        )
    return adapters


def _who(left: resume_reads.LeftOpen) -> Author | str:
    """Whom a notice at resume names: recorded where it names them (so it unnames them if they
    opt out or ask to be forgotten later), and never by the pseudonym an opted-out viewer is
    stored under; "" for no one."""
    if not left.platform:
        return ""
    if left.opted_out:
        return OPTED_OUT_NAME[:1].upper() + OPTED_OUT_NAME[1:]
    return Author(left.platform, left.platform_user_id, clean(left.name, max_chars=80))


def _whose_comment(left: resume_reads.LeftOpen) -> tuple[str | Author, ...]:
    who = _who(left)
    if isinstance(who, Author):
        return (who, "'s comment")
    return (f"A comment of {who[:1].lower()}{who[1:]}",) if who else ("A comment",)
