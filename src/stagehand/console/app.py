"""The moderator console: the hub that wires widgets, keys and the live show together.

The console is written against `ShowAPI` (show/api.py): the `LiveShow` in this process, or a
show on another machine reached through its show server (`stagehand attach`). Every host action
goes through it (so it is logged with its time and who did it, in the database too); the
console never writes anything itself. Chat reaches the screen through `ConsoleBridge`, which
folds core events into `ConsoleState` and asks for a redraw at a bounded rate. Keys redraw at
once. Adapters run in one worker on Textual's loop; failures of any worker are handled in one
place (`on_worker_state_changed`).

A key acts on the comment the host sees selected, and on nothing else: the selection changes
only by the host's hand (widgets/queue.py), and when the selected comment has left the queue
by the time the key arrives, nothing happens and the notice says so. `u` undoes this console's
last action through `LiveShow.undo` (an `undo` host action in the log).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from typing import cast

from textual import events, work
from textual.app import App, ComposeResult, SystemCommand
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from stagehand.commands.people import host_accounts
from stagehand.config import Settings
from stagehand.console.actions import ACTIONS, bindings, palette_commands
from stagehand.console.bridge import ConsoleBridge
from stagehand.console.messages import ShowUpdated
from stagehand.console.names import name_of
from stagehand.console.over import ATTACHED, LINE_COLUMNS, MARK_COLUMNS, over_words
from stagehand.console.screens.confirm import ConfirmScreen
from stagehand.console.screens.docked import DockedScreen
from stagehand.console.screens.handled import HandledScreen
from stagehand.console.screens.help import HelpScreen
from stagehand.console.screens.moderate import ModerateScreen, ModerationChoice
from stagehand.console.screens.notices import NoticesScreen
from stagehand.console.screens.pin import PinScreen
from stagehand.console.screens.reply import ReplyScreen
from stagehand.console.screens.search import SearchChoice, SearchScreen
from stagehand.console.screens.stage_row import StageRowScreen, Whom
from stagehand.console.screens.topic import TopicScreen
from stagehand.console.state import WHY_LEFT, ConsoleState, Handled, ShownNotice, key_of
from stagehand.console.widgets.detail import CommentDetail
from stagehand.console.widgets.footer import KeysFooter
from stagehand.console.widgets.hands import HandsPanel
from stagehand.console.widgets.header import ShowHeader
from stagehand.console.widgets.notices import NoticeLine, troubled
from stagehand.console.widgets.queue import QueueView
from stagehand.console.widgets.raw_chat import RawChat
from stagehand.console.widgets.stage import StagePanel
from stagehand.domain import THIS_CONSOLE, Comment, RankedComment
from stagehand.heap import calm_garbage_collection
from stagehand.logs import log_file_path, redact
from stagehand.metrics import Metrics
from stagehand.naming import As, Namings, named, within
from stagehand.platform import ActionResult
from stagehand.sanitize import clean
from stagehand.show.api import Outcome, ShowAPI
from stagehand.show.history import HISTORY
from stagehand.show.live import LiveShow
from stagehand.show.queue import GONE_BY_NAME
from stagehand.show.segments import TOPIC_UNCHANGED, same_topic
from stagehand.show.this_console import ThisConsole

log = logging.getLogger(__name__)

#: At this width and more the side column grows and the detail pane shows more lines.
WIDE_COLUMNS = 140
#: Under this width (down to the floor) the side column is narrower: the queue's rows have room.
MEDIUM_COLUMNS = 100
#: The smallest terminal every panel is laid out for; under it the notices line says so.
FLOOR = (80, 24)
#: How often the header's participation numbers are recomputed from the database.
METRICS_SECONDS = 10.0


class SideColumn(Vertical):
    """Stage, raised hands and chat. A docked dialog is as wide as the rest of the screen: it
    is measured again whenever this column changes width (the terminal resized under it; the
    show's screen is laid out after the dialog hears of the new size)."""

    def on_resize(self, event: events.Resize) -> None:
        for screen in self.app.screen_stack:
            if isinstance(screen, DockedScreen):
                screen.fit()


class StagehandApp(App[None]):
    CSS_PATH = "app.tcss"
    TITLE = "stagehand"
    ENABLE_COMMAND_PALETTE = True
    # The screen gets -small under the floor's width, -narrow up to MEDIUM_COLUMNS, -medium, or
    # -wide from WIDE_COLUMNS on (app.tcss).
    HORIZONTAL_BREAKPOINTS = [
        (0, "-small"),
        (FLOOR[0], "-narrow"),
        (MEDIUM_COLUMNS, "-medium"),
        (WIDE_COLUMNS, "-wide"),
    ]
    # Every key is declared once, in console/actions.py (the palette and the help come from it).
    BINDINGS = bindings()

    def __init__(
        self,
        live: ShowAPI,
        settings: Settings,
        *,
        server_url: str | None = None,
        attached_as: tuple[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.live = live
        self.settings = settings
        #: The show server's address (the help shows it, and the overlay's).
        self.server_url = server_url
        #: Who this console is when attached to a show elsewhere (its token's name and role);
        #: None for the console in the show's own process (quitting it ends the show).
        self.attached_as = attached_as
        console = settings.console
        # The show's queue settings, not this machine's: an attached console orders as the show.
        self.state = ConsoleState(
            **live.queue_settings.fields(),
            clock=self.notice_time,
            me=attached_as[0] if attached_as else THIS_CONSOLE,
        )
        self.state.segment = live.current_segment
        self.state.stage_changed(live.on_stage)
        self.state.hands = live.hands
        self.state.featured = live.featured
        self.state.connections = {p: (s.value, d) for p, (s, d) in live.connections.items()}
        self.bridge = ConsoleBridge(
            self.state, self.post_message, redraw_per_second=console.redraw_per_second
        )
        live.add_listener(self.bridge)  # what the show holds first, then what happens
        self.state.hearing_from_now()
        self.frozen = False
        #: The state's `queued` count when the queue froze (the header counts what came since).
        self._queued_at_freeze = 0
        self.show_reasons = False
        #: Keys of this console's host actions, newest last: what `u` takes back.
        self.undo_stack: list[str] = []
        #: This console has done something `u` could take back (its stack may be empty since).
        self.acted_here = False
        self.hosts = host_accounts(settings.show.hosts)
        # Known before they speak: a viewer taking a host's name shows their login at once.
        self.state.staff.expect(self.hosts)
        if settings.twitch.channel:
            self.state.staff.expect([("twitch", settings.twitch.channel)])
        self.closed = False
        self._show_closing: asyncio.Future[bool] | None = None
        #: After the show is closed: False if not everything could be written (the CLI can say so).
        self.close_ok: bool | None = None
        self.redraws = 0
        #: The state's `farewells` count the open dialogs have let go of (`_let_go`).
        self._farewells_seen = 0
        self.metrics: Metrics | None = None
        #: The notice that a replay played to its end was given.
        self._told_over = False
        #: What the line says of the replay's end, and the report's command if it could not,
        #: for the line's width (in columns).
        self._report_words: tuple[int, tuple[str, str | None]] | None = None
        self.title = self._title()

    def _title(self) -> str:
        """The app's title: the show's, and who this console is when attached. It can reach
        the terminal's title bar: only cleaned text goes there."""
        show = self.live.show
        title = "stagehand: " + clean(show.title or show.name, max_chars=80)
        if self.attached_as:
            name, role = self.attached_as
            title += f" (attached as {clean(name, max_chars=40)}, {role})"
        return title

    # -- layout ----------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield ShowHeader(id="header")
        with Horizontal(id="body"):
            with Vertical(id="main"):
                yield QueueView(staff=self.state.staff, on_moved=self._selection_moved, id="queue")
                yield CommentDetail(id="detail")
            with SideColumn(id="side"):
                yield StagePanel(id="stage")
                yield HandsPanel(id="hands")
                yield RawChat(staff=self.state.staff, id="raw")
        yield NoticeLine(id="notices")
        # ctrl+p (the palette) is in the help; the footer lists the keys that fit whole.
        yield KeysFooter()

    def on_mount(self) -> None:
        calm_garbage_collection()
        self.query_one("#queue").border_title = "Queue"
        self.query_one("#detail").border_title = "Selected"
        self.query_one("#stage").border_title = "On stage"
        self.query_one("#hands").border_title = "Raised hands"
        self.query_one("#raw").border_title = "Chat"
        self._show_chat(self.settings.console.show_raw_chat)
        self.query_one(QueueView).focus()
        if self.server_url and not self.attached_as:
            self.state.notify(
                f"Show server: {self.server_url} (overlay for OBS: {self.server_url}/overlay; "
                "? shows it again)"
            )
        self.redraw()
        # Ages, elapsed time and stage time move even when chat is quiet.
        self.set_interval(1.0, self.redraw, name="clock")
        self.set_interval(METRICS_SECONDS, self.refresh_metrics, name="metrics")
        self.run_adapters()

    # -- adapters and workers --------------------------------------------------------------

    @work(exclusive=True, group="adapters", exit_on_error=False, name="chat connections")
    async def run_adapters(self) -> None:
        await self.live.run_adapters()

    @work(thread=True, exclusive=True, group="metrics", exit_on_error=False, name="metrics")
    def refresh_metrics(self) -> None:
        """Participation numbers, defined once in stagehand.metrics, on a read connection."""
        if self.closed:
            return
        # What was just done counts (the show waits for its writer before it reads).
        self.call_from_thread(self._metrics_ready, self.live.participation())

    def _metrics_ready(self, totals: Metrics | None) -> None:
        if totals is None:  # not read yet (an attached console's show away): the header waits
            return
        self.metrics = totals
        self.redraw()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place worker failures land: a notice the host can read (what stopped, why
        in words, where the details are: the traceback is logged), the app stays up."""
        if event.state != WorkerState.ERROR:
            return
        error = event.worker.error
        log.error("%s failed", event.worker.name, exc_info=error)
        why = redact(str(error)).strip()[:200] or "it failed unexpectedly"
        self.state.notify(
            f"{event.worker.name or 'a task'} stopped: {why} (the details are in the log, "
            f"{log_file_path()})",
            "error",
        )
        self.redraw()

    def _act(self, action: Awaitable[object], name: str) -> None:
        """Run a host action that talks to a platform without blocking keys; redraw after.

        An action that was done (and logged) goes on the undo stack.
        """

        async def run() -> None:
            result = await action
            if isinstance(result, ActionResult) and result.ok and result.key:
                self._remember(result.key)
            self.redraw()
            self.refresh_metrics()

        self.run_worker(run(), name=name, group="actions", exit_on_error=False)

    def _perform(self, outcome: Outcome, name: str, then: Callable[[ActionResult], None]) -> None:
        """Run an intent that may answer at once (a show in this process) or after a round trip
        (an attached console): `then` hears its result either way. A refusal has been told on
        the notices line by the show itself."""
        if isinstance(outcome, ActionResult):
            then(outcome)
            return

        async def run() -> None:
            then(await outcome)
            self.redraw()

        self.run_worker(run(), name=name, group="actions", exit_on_error=False)

    def _did(self, result: ActionResult) -> None:
        """A host action done at once (answer, dismiss, segment, topic): `u` can take it back."""
        self._remember(result.key)

    def _remember(self, key: str) -> None:
        self.acted_here = True
        self.undo_stack.append(key)
        if len(self.undo_stack) > HISTORY:  # the core forgets older actions too
            del self.undo_stack[0]

    # -- drawing ---------------------------------------------------------------------------

    def on_show_updated(self, message: ShowUpdated) -> None:
        self.redraw()

    def on_console_bridge_reloaded(self, message: ConsoleBridge.Reloaded) -> None:
        """An attached console's show restarted (or this console missed too much): the state
        was rebuilt from the show's snapshot. Drawn at once, so keys act on what the show has;
        a selected comment the show no longer has is dropped, and the notice says so."""
        queue = self.query_one(QueueView)
        if message.another_show:
            # Its keys name the show before's host actions: `u` has nothing of this show's.
            self.undo_stack.clear()
            self.acted_here = False
            self.title = self._title()
        self.redraw()
        lost = queue.lost
        if queue.selected is None and lost is not None and key_of(lost.comment) in message.gone:
            if message.another_show:
                text, names = named(
                    self._whose(lost),
                    " comment was on the show before, not this one: nothing is selected now",
                )
                self._say(text, "warning", names)
                return
            after = "the show restarted" if message.restarted else "the reconnect"
            text, names = named(
                self._whose(lost),
                f" comment is not in the show's queue after {after}: nothing is selected now",
            )
            self._say(text, "warning", names)

    def now(self) -> datetime:
        return self.live.now()

    def show_started_at(self) -> datetime:
        """When the show began in show time (a replay starts at its transcript, not today).

        The CLI opens a replayed show at its transcript's start; a show opened without one
        (a test, an older database) falls back on its first comment or segment.
        """
        started = self.live.show.started_at
        if "replay" in self.live.platforms:
            firsts = [started, self.state.first_comment_at]
            if self.live.segments:
                firsts.append(self.live.segments[0].started_at)
            return min(ts for ts in firsts if ts is not None)
        return started

    def _on_air_seconds(self, now: datetime) -> float:
        """How long the show has been on, in show time (0 before a replay's first event)."""
        if self._replay_not_started():
            return 0.0
        return max(0.0, (now - self.show_started_at()).total_seconds())

    def notice_time(self) -> datetime:
        """When a notice is stamped, in show time: a replay's start until its first event (its
        notices read today's time beside the transcript's otherwise)."""
        if self._replay_not_started():
            return self.live.show.started_at
        return self.live.now()

    def _replay_not_started(self) -> bool:
        """A replay's clock reads the wall clock until its first event sets it to the
        transcript's time (the header's on-air time read weeks)."""
        if "replay" not in self.live.platforms:
            return False
        return self.state.first_comment_at is None and not self.live.segments

    def redraw(self) -> None:
        """Draw the whole state; called at most `redraw_per_second` times for chat, and per key."""
        self.bridge.redrawn()
        if not self.is_running or self.closed:
            return
        self.redraws += 1
        self._let_go()
        state = self.state
        now = self.now()
        on_stage = state.on_stage_keys
        queue = self.query_one(QueueView)
        queue.frozen = self.frozen
        if self.frozen:
            kept = [
                r for r in queue.entries if (r.comment.platform, r.comment.id) not in state.removed
            ]
            askers = {
                key: tuple(a for a in row if key_of(a.comment) not in state.removed)
                for key, row in queue.askers.items()
            }
            queue.set_entries(
                kept, now=now, on_stage=on_stage, askers=askers, pinned=state.pins.keys()
            )
        else:
            rows = state.queue_rows()
            askers = {key_of(row.ranked.comment): row.askers for row in rows if row.asked_by > 1}
            queue.set_entries(
                [row.ranked for row in rows],
                now=now,
                on_stage=on_stage,
                askers=askers,
                pinned=state.pins.keys(),
            )
        self.query_one(ShowHeader).show(
            title=self.live.show.title or self.live.show.name,
            segment=state.segment,
            elapsed_seconds=self._on_air_seconds(now),
            chat_per_minute=state.chat_rate(now),
            connections=state.connections,
            quotas=state.quotas,
            retries=state.retries(),
            metrics=self.metrics,
            frozen=self.frozen,
            pending=self._pending_while_frozen(),
            attached_as=self.attached_as,
        )
        self._draw_detail(now)
        self.query_one(StagePanel).show(
            state.stage, state.stage_said, now=now, staff=state.staff, featured=state.featured
        )
        self.query_one(HandsPanel).show(state.hands, staff=state.staff)
        raw = self.query_one(RawChat)
        if raw.display:
            raw.show(state.raw, on_stage)
        self._tell_if_over()
        self.query_one(NoticeLine).show(
            state.notices,
            standing=self._too_small(),
            idle=troubled(state.connections, state.retries()) or self._over(),
        )
        self._repaint_covered_dialogs()

    def _repaint_covered_dialogs(self) -> None:
        """A dialog under another (the moderate dialog under its confirmation) shows the show's
        screen through it from its own last picture: Textual repaints only the top screen when
        the show's screen changes, so the queue, chat and header behind both stood still until
        the confirmation closed. Repainted with every redraw, they move on as under one dialog."""
        for screen in self.screen_stack[1:-1]:
            screen.refresh()

    def _let_go(self) -> None:
        """Viewers who asked to be forgotten or opted out since the last look: every screen
        lets go of them at once (docs/commands.md). A dialog about their comment (a reply, a
        pin, a moderation) closes, with what was opened over it (the moderation's yes), and
        the notice says why with no name and no text; lists (search, handled) drop their
        lines; a comment of theirs picked from search is no longer selected."""
        state = self.state
        if state.farewells == self._farewells_seen:
            return
        left = state.left_since(self._farewells_seen)
        self._farewells_seen = state.farewells
        queue = self.query_one(QueueView)
        for ranked in (queue.selected, queue.lost):
            why = left.get(ranked.comment.author.key) if ranked is not None else None
            if ranked is not None and why is not None:
                state.gone_by_name(key_of(ranked.comment), why)
        closing: tuple[int, str] | None = None
        for index, screen in enumerate(self.screen_stack):
            if isinstance(screen, DockedScreen):
                why_closed = screen.let_go(left)
                if why_closed is not None and closing is None:
                    closing = (index, why_closed)
        if closing is None:
            return
        index, why_closed = closing
        while len(self.screen_stack) > index + 1:
            self.pop_screen()  # opened over it: the moderation's yes, never answered now
        self.screen_stack[index].dismiss(None)
        state.notify(why_closed, "warning")

    def _left_since(self, mark: int, comment: Comment, undone: str) -> bool:
        """True when `comment`'s author asked to be forgotten or opted out after `mark` (when
        the dialog about them opened): nothing is done, and the notice says `undone` and why
        (a key can arrive before the redraw that closes the dialog)."""
        why = self.state.left_since(mark).get(comment.author.key)
        if why is not None:
            self._say(f"{undone}: {WHY_LEFT.get(why, why)}", "ignored")
        return why is not None

    def _over(self) -> ShownNotice | None:
        """After a replay played to its end: the show is over, and what the host does next
        (said once as a notice; the line keeps saying it while nothing else is on it)."""
        if self.state.connections.get("replay", ("", ""))[0] != "finished":
            return None
        if self.attached_as:
            return ShownNotice(ATTACHED, "ok")
        return ShownNotice(self._over_words()[0], "ok")

    def _over_words(self) -> tuple[str, str | None]:
        """The words for the notices line as wide as it is now (the command whole when it fits)."""
        width = self.query_one(NoticeLine).content_size.width - MARK_COLUMNS
        columns = width if width > LINE_COLUMNS else LINE_COLUMNS
        if self._report_words is None or self._report_words[0] != columns:
            words = over_words(self.live.show.name, self.live.db_path, columns)
            self._report_words = (columns, words)
        return self._report_words[1]

    def _tell_if_over(self) -> None:
        over = self._over()
        if over is not None and not self._told_over:
            self._told_over = True
            command = None if self.attached_as else self._over_words()[1]
            if command is not None:  # the line cannot hold it: the history (i) has it
                self.state.notify(command, "info")
            self.state.notify(over.text, over.level)

    def _too_small(self) -> ShownNotice | None:
        """Under the 80x24 floor: what the host is told while the terminal stays that small."""
        width, height = self.size
        if width >= FLOOR[0] and height >= FLOOR[1]:
            return None
        return ShownNotice(
            f"The terminal is {width}x{height}; the console needs {FLOOR[0]}x{FLOOR[1]} or more",
            "warning",
        )

    def on_resize(self) -> None:
        # After Textual's own handler has taken the new size: the notices line says at once
        # whether the terminal is too small now.
        self.call_later(self.redraw)

    def _pending_while_frozen(self) -> int:
        """Comments that came into the queue since it froze (a question asked again too,
        though it joins its row), whatever became of them since: the count never falls."""
        return self.state.queued - self._queued_at_freeze if self.frozen else 0

    def _draw_detail(self, now: datetime) -> None:
        queue = self.query_one(QueueView)
        selected, lost = queue.selected, queue.lost
        if (
            selected is not None
            and self.state.removed.get(key_of(selected.comment)) in GONE_BY_NAME
        ):
            queue.lose_selection()  # picked from search, and its author is gone by name since
            selected, lost = None, queue.lost
        why = ""
        if lost is not None:
            key = key_of(lost.comment)
            back = key not in self.state.removed and any(
                key_of(r.comment) == key for r in queue.entries
            )
            if back:  # restored since (another console's undo): it has a row again
                why = "it is back in the queue now: select it again to act on it"
            else:
                why = self.state.removed.get(key, "pushed out by better comments")
        self.query_one(CommentDetail).show(
            selected,
            askers=queue.askers_of(selected),
            now=now,
            reasons=self.show_reasons,
            outside=queue.outside,
            lost=lost,
            lost_why=why,
            pin=self.state.pins.get(key_of(selected.comment)) if selected else None,
            staff=self.state.staff,
        )

    def _selection_moved(self) -> None:
        """Another comment is selected (or the selected one left): the Selected pane follows
        in the same frame as the highlight, whatever the flood queued in the app before it."""
        self._draw_detail(self.now())

    # -- the selected comment --------------------------------------------------------------

    @property
    def selected(self) -> RankedComment | None:
        return self.query_one(QueueView).selected

    def _need_selected(self, action: str) -> RankedComment | None:
        """The comment the host sees selected, if it is still there for `action` to act on.

        Nothing is done when nothing is selected, or when the selected comment left the queue
        (answered elsewhere, moderated) after it was drawn: the notice says which and why, in
        the action's words from the table (console/actions.py).
        """
        what = ACTIONS[action].needs_selection
        queue = self.query_one(QueueView)
        ranked = queue.selected
        if ranked is None:
            lost = queue.lost
            if lost is not None:
                text, names = named(
                    f"Nothing to {what}: ",
                    self._whose(lost),
                    " comment left the queue; select a comment first",
                )
                self._say(text, "ignored", names)
            else:
                self._say(f"Nothing to {what}: nothing is selected (j or ↓ selects)", "ignored")
            return None
        why = self.state.removed.get(key_of(ranked.comment))
        # Picked from search, a comment off the queue may still be acted on (a dismissed one
        # answered after all), but not answered twice, nor one whose author is gone by name.
        again = action == "answer" and why is not None and why.startswith("answered")
        if why is not None and (not queue.outside or why in GONE_BY_NAME or again):
            when = "already" if queue.outside else "just before"
            queue.lose_selection()
            whose = self._whose(ranked)
            text, names = named(f"Nothing to {what}: ", whose, f" comment was {why} {when}")
            self._say(text, "ignored", names)
            return None
        return ranked

    def _whose(self, ranked: RankedComment) -> tuple[str, Namings]:
        """`ben's` (naming ben), or no name at all for someone who asked to be forgotten or
        opted out."""
        if self.state.removed.get(key_of(ranked.comment)) in GONE_BY_NAME:
            return named("the selected")
        author = ranked.comment.author
        return named(As(author, name_of(author, staff=self.state.staff)), "'s")

    def _say(self, text: Content | str, level: str = "info", names: Namings = ()) -> None:
        """A notice; `names`: whom `text` names, and where (`stagehand.naming.named`)."""
        self.state.notify(str(text), level, names=names)
        self.redraw()
        self.refresh_metrics()  # a host action changes who was reached

    # -- actions (keys and the command palette) --------------------------------------------

    def _refused(self, action: str) -> bool:
        """True when this console's role may not take `action` (an attached viewer's reply,
        a producer's moderation): the notice names the role, and no dialog opens first."""
        show_action = ACTIONS[action].show_action
        why = self.live.refusal(show_action) if show_action else None
        if why is not None:
            self._say(why, "refused")
        return why is not None

    def _others(self, ranked: RankedComment) -> list[Comment]:
        """The rest of the selected row: the other viewers who asked the same question."""
        removed = self.state.removed
        return [
            r.comment
            for r in self.query_one(QueueView).askers_of(ranked)[1:]
            if key_of(r.comment) not in removed
        ]

    def action_answer(self) -> None:
        if self._refused("answer"):
            return
        ranked = self._need_selected("answer")
        if ranked is not None:
            self._perform(
                self.live.answer(ranked.comment, also=self._others(ranked)),
                "answer",
                self._done_saying_result,
            )

    def action_dismiss(self) -> None:
        if self._refused("dismiss"):
            return
        ranked = self._need_selected("dismiss")
        if ranked is not None:
            self._perform(
                self.live.dismiss(ranked.comment, also=self._others(ranked)),
                "dismiss",
                self._done_saying_result,
            )

    def _done_saying(
        self, text: Content | str, names: Namings = ()
    ) -> Callable[[ActionResult], None]:
        """What an intent's success does: `u` can take it back, and the notice says `text` (an
        attached console's notice comes from the show, which tells every console)."""

        def done(result: ActionResult) -> None:
            if result.ok:
                self._did(result)
                if self.attached_as:
                    self.redraw()
                else:
                    self._say(text, "ok", names)

        return done

    def action_feature(self) -> None:
        """Show the selected comment on stream, or take the one on stream off (`s` again)."""
        if self._refused("feature"):
            return
        featured = self.state.featured  # what the screen draws as on stream
        ranked = self.selected
        gone = ranked is not None and key_of(ranked.comment) in self.state.removed
        on_stream = featured is not None and (
            ranked is None or gone or key_of(ranked.comment) == key_of(featured.comment)
        )
        if on_stream:
            self._perform(self.live.unfeature(), "unfeature", self._done_saying_result)
            return
        ranked = self._need_selected("feature")
        if ranked is not None:
            self._perform(self.live.feature(ranked.comment), "feature", self._done_saying_result)

    def _done_saying_result(self, result: ActionResult) -> None:
        names = within(result.names, len(result.message))
        self._done_saying(f"{result.message} (u undoes)", names)(result)

    def action_pin(self) -> None:
        """Pin the selected comment to the top of every host's queue, with a note (`f` again
        on a pinned comment takes the pin off)."""
        if self._refused("pin"):
            return
        ranked = self._need_selected("pin")
        if ranked is None:
            return
        comment = ranked.comment
        if key_of(comment) in self.state.pins:
            self._perform(self.live.unpin(comment), "unpin", self._done_saying_result)
            return

        mark = self.state.farewells

        def pin(note: str | None) -> None:
            if note is not None and not self._left_since(mark, comment, "The pin was not made"):
                self._perform(self.live.pin(comment, note), "pin", self._done_saying_result)

        self.push_screen(PinScreen(comment, staff=self.state.staff), pin)

    def action_pull_on_stage(self) -> None:
        """Bring the selected comment's author on stage. A row standing for several viewers
        asks first: the author alone (the default), or all of them (the notice says how many
        and who)."""
        if self._refused("pull_on_stage"):
            return
        ranked = self._need_selected("pull_on_stage")
        if ranked is None:
            return
        comment = ranked.comment
        also = self._others(ranked)
        people = list({c.author.key: c.author for c in [comment, *also]}.values())
        if len(people) < 2:
            self._act(self.live.pull_on_stage(comment, also=also), "pull on stage")
            return
        mark = self.state.farewells

        def bring(whom: Whom | None) -> None:
            if whom is None:
                self._say("Nobody was brought on stage", "ignored")
                return
            if self._left_since(mark, comment, "Nobody was brought on stage"):
                return
            if whom == "one":
                self._act(self.live.pull_on_stage(comment), "pull on stage")
                return
            left = self.state.left_since(mark)  # the others who left since: not invited
            still = [c for c in also if c.author.key not in left]
            self._act(self.live.pull_on_stage(comment, also=still), "pull on stage")

        self.push_screen(StageRowScreen(comment, people, staff=self.state.staff), bring)

    def action_stage_hand(self) -> None:
        if self._refused("stage_hand"):
            return
        if not self.live.hands:
            self._say("No raised hands to bring on stage", "ignored")
            return
        self._act(self.live.pull_on_stage(author=self.live.hands[0]), "pull on stage")

    def action_end_stage(self) -> None:
        if self._refused("end_stage"):
            return
        ranked = self.selected
        if ranked is not None and key_of(ranked.comment) in self.state.removed:
            ranked = None  # gone since it was drawn: end the latest appearance instead
        author = ranked.comment.author if ranked else None
        if author is not None and not self.live.is_on_stage(author.key):
            author = None  # the selected comment's author is not on stage: end the latest
        self._act(self.live.end_stage(author), "end stage")

    def action_reply(self) -> None:
        if self._refused("reply"):
            return
        ranked = self._need_selected("reply")
        if ranked is None:
            return
        comment = ranked.comment
        also = self._others(ranked)
        mark = self.state.farewells

        def send(text: str | None) -> None:
            if not text or self._left_since(mark, comment, "The reply was not sent"):
                return
            left = self.state.left_since(mark)  # the others in its row: not named in it
            still = [c for c in also if c.author.key not in left]
            self._act(self.live.reply(comment, text, also=still), "reply")

        self.push_screen(ReplyScreen(comment, staff=self.state.staff, also=also), send)

    def action_moderate(self) -> None:
        if self._refused("moderate"):
            return
        ranked = self._need_selected("moderate")
        if ranked is None:
            return
        comment = ranked.comment
        mark = self.state.farewells

        def apply(choice: ModerationChoice | None) -> None:
            if choice is not None and not self._left_since(
                mark, comment, "The moderation was not done"
            ):
                self._act(
                    self.live.moderate(
                        comment, choice.kind, duration_seconds=choice.duration_seconds
                    ),
                    "moderate",
                )

        self.push_screen(ModerateScreen(comment, staff=self.state.staff, hosts=self.hosts), apply)

    def action_next_segment(self) -> None:
        if self._refused("next_segment"):
            return
        if self.live.planned_next() is not None:
            self._perform(self.live.next_segment(), "next segment", self._done_saying_result)
            return

        # None planned: the host names it first (a made-up "Segment 2" with no keywords left
        # the ranking judging chat against an empty topic); Escape starts nothing.
        def start(named: tuple[str, list[str]] | None) -> None:
            if named is None:
                self._say("No segment was started", "ignored")
                return
            title, keywords = named
            self._perform(
                self.live.next_segment(title, keywords), "next segment", self._done_saying_result
            )

        self.push_screen(TopicScreen(None, starting=True), start)

    def action_edit_topic(self) -> None:
        if self._refused("edit_topic"):
            return

        def edited(result: ActionResult) -> None:
            segment = self.live.current_segment
            keywords_text = ", ".join(segment.keywords) if segment else ""
            title = segment.title if segment else ""
            text = f"Topic: {title} ({keywords_text or 'no keywords'}) (u undoes)"
            self._done_saying(text)(result)

        opened_on = self.live.current_segment

        def save(result: tuple[str, list[str]] | None) -> None:
            if result is None:
                return
            title, keywords = result
            if opened_on is not None and same_topic(opened_on, title, keywords):
                # Nothing to record, nor for u to take back.
                self._say(TOPIC_UNCHANGED, "ignored")
                return
            self._perform(self.live.edit_topic(title, keywords), "topic", edited)

        self.push_screen(TopicScreen(opened_on), save)

    def action_undo(self) -> None:
        """Take back this console's last action (the notice says what, or why not)."""
        if self._refused("undo"):
            return
        if not self.undo_stack:
            if self.acted_here:  # each of its actions was taken back (or tried): say that
                self._say("Nothing to undo: this console's actions are all taken back", "ignored")
            elif self.state.handled:
                # Handled before a restart, or by another console: not this console's to take
                # back with u, but the host who presses u after a crash wants them.
                self._say(
                    "Nothing this console did to undo: l lists what the show handled "
                    "(before a restart, or on another console); Enter there takes one back",
                    "ignored",
                )
            else:
                self._say("Nothing to undo: this console has done nothing yet", "ignored")
            return
        key = self.undo_stack.pop()
        self._act(self._undo(key), "undo")

    async def _undo(self, key: str) -> None:
        result = await self.live.undo(key)
        if result.retry:
            self.undo_stack.append(key)  # a platform said no: u tries it again
        elif result.ok:
            self._reselect(key)

    def _reselect(self, key: str) -> None:
        """The host's own undo gave back the comment that was selected: select it again."""
        comment = self.live.acted_on(key)
        queue = self.query_one(QueueView)
        if comment is None or queue.selected is not None:
            return
        lost = queue.lost
        if lost is not None and key_of(lost.comment) == key_of(comment):
            self.redraw()  # the comment is back in the queue's rows
            queue.select_comment(lost)

    def action_handled(self) -> None:
        if self._refused("handled"):
            return

        mark = self.state.farewells

        def restore(entry: Handled | None) -> None:
            if entry is not None and not (
                entry.comment is not None
                and self._left_since(mark, entry.comment, "Nothing was restored")
            ):
                if entry.key in self.undo_stack:
                    self.undo_stack.remove(entry.key)
                self._act(self._undo(entry.key), "restore")

        # A producer's token may undo only their own actions: only those are offered.
        role = self.attached_as[1] if self.attached_as else "host"
        only_by = self.state.me if role != "host" else None
        self.push_screen(
            HandledScreen(
                self.state.handled_newest_first(), staff=self.state.staff, only_by=only_by
            ),
            restore,
        )

    def action_notices(self) -> None:
        self.push_screen(NoticesScreen(self.state.notices))

    def action_search(self) -> None:
        mark = self.state.farewells

        def chosen(choice: SearchChoice | None) -> None:
            if choice is None or self._left_since(
                mark, choice.ranked.comment, "Nothing was selected"
            ):
                return
            queue = self.query_one(QueueView)
            queue.select_comment(choice.ranked)
            self.redraw()
            if choice.action is not None:
                getattr(self, f"action_{choice.action}")()

        self.push_screen(SearchScreen(self.live.search), chosen)

    def action_toggle_freeze(self) -> None:
        self.frozen = not self.frozen
        self._queued_at_freeze = self.state.queued
        self.redraw()

    def action_toggle_reasons(self) -> None:
        self.show_reasons = not self.show_reasons
        self._draw_detail(self.now())

    def action_toggle_raw_chat(self) -> None:
        self._show_chat(not self.query_one(RawChat).display)
        self.redraw()

    def _show_chat(self, shown: bool) -> None:
        """Chat shown beside the queue, or hidden: then the stage and the raised hands go under
        the queue and the queue takes the whole width (app.tcss), so its rows have room."""
        self.query_one(RawChat).display = shown
        self.query_one("#body").set_class(not shown, "-no-chat")

    def action_help(self) -> None:
        self.push_screen(
            HelpScreen(self.server_url, attached_as=self.attached_as, refusal=self.live.refusal)
        )

    def action_help_quit(self) -> None:
        """Ctrl+C does what q does (asks first): a host's reflex, not Textual's "press ctrl+q"."""
        if not isinstance(self.screen, ConfirmScreen):
            self.run_worker(self.action_quit(), name="quit", group="quit")

    async def action_quit(self) -> None:
        if self.attached_as and self.live.show.ended_at is not None:
            question = Content.assemble(
                ("Leave the show?", "bold"),
                "\n",
                (
                    f"The show ended at {self.live.show.ended_at:%H:%M}; this console closes.",
                    "$text-muted",
                ),
            )
        elif self.attached_as and (link := self.state.connections.get("show", ("", "")))[0] in (
            "reconnecting",
            "disconnected",
        ):
            # Stopped before its end, or out of reach: whether it goes on is not known here.
            question = Content.assemble(
                ("Leave the show?", "bold"),
                "\n",
                (f"Not connected to the show ({link[1]}); this console closes.", "$text-muted"),
            )
        elif self.attached_as:
            question = Content.assemble(
                ("Leave the show?", "bold"),
                "\n",
                (
                    "The show goes on and keeps recording, with anyone on stage; this console "
                    "disconnects.",
                    "$text-muted",
                ),
            )
        else:
            question = Content.assemble(
                ("Quit the show?", "bold"),
                "\n",
                ("Chat stops being recorded; anyone on stage is taken off.", "$text-muted"),
            )

        def decided(yes: bool | None) -> None:
            if yes:
                self.close_show_and_exit()

        self.push_screen(ConfirmScreen(question, yes="Quit"), decided)

    @work(exclusive=True, group="quit", exit_on_error=False, name="closing the show")
    async def close_show_and_exit(self) -> None:
        await self.close_show()
        self.exit()

    async def close_show(self) -> bool:
        """Close the live show once: end stage appearances, stop adapters, write everything. A
        second caller (the terminal closing while `q` closes it) waits for the same close."""
        if self._show_closing is None:
            self.closed = True
            self.bridge.close()
            self._show_closing = asyncio.ensure_future(self.live.close())
        ok = await asyncio.shield(self._show_closing)
        if self.close_ok is None:
            self.close_ok = ok
            if not ok:
                log.error("not everything could be written: %s", self.live.storage_error)
        return ok

    async def on_unmount(self) -> None:
        # Quit asks first and closes the show; this catches every other way out (ctrl+c, errors).
        if not self.closed:
            await self.close_show()

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's commands (theme, keys, screenshot) and every console action by name.

        Ours replace Textual's of the same title: Quit says that it asks first, as `q` does.
        """
        ours = list(palette_commands(lambda name: getattr(self, f"action_{name}")))
        titles = {command.title for command in ours}
        for command in super().get_system_commands(screen):
            if command.title not in titles:
                yield command
        yield from ours


def make_app(
    live: ShowAPI,
    settings: Settings,
    *,
    server_url: str | None = None,
    attached_as: tuple[str, str] | None = None,
) -> StagehandApp:
    """The console for a show: the one in this process (`stagehand demo`, `replay`, `run`), or
    one on another machine (`stagehand attach`; `attached_as`: this console's token's name and
    role). The show's own console acts as `THIS_CONSOLE` ("host": other screens name it)."""
    if attached_as is None and isinstance(live, LiveShow):
        live = cast(ShowAPI, ThisConsole(live))
    return StagehandApp(live, settings, server_url=server_url, attached_as=attached_as)


__all__ = ["StagehandApp", "make_app"]
