"""`CommandRouter`: every accepted comment passes here; commands are checked, run and logged.

What happens to a command, in order (all of it on the event loop, before the next comment):
a command? (the pipeline's `CommentKind` says so, once for every screen; `!ask <question>` is
a question, flagged `ask`) -> parse -> known? (unknown ones are ignored without a trace: other
bots' !uptime is not ours) ->
allowed? (moderator commands from viewers are refused quietly) -> cooldown? (viewers only, and
never for the privacy commands) ->
run (through the show's controls, the same methods as the console's keys) -> answer within the
send budget -> `record_command`: one `CommandHandled` event (the `commands` row, the console's
line).

`!ask <question>` meets its cooldown earlier, as it arrives (`lifts_ask`, asked by the pipeline
before the line is scored): during the cooldown the line is a plain comment, scored without the
`ask` lift, and the command is logged as ignored.

Only sending and platform actions (`!stage`, `!unstage`) wait for the network: they run as a
task, and everything about them that can be decided up front (permission, cooldown, the
answer's slot in the send budget) is decided before, so a replay meets the same limits at the
same comments whatever the timing of the tasks.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Iterable
from dataclasses import dataclass
from datetime import datetime

from stagehand.commands.audience import ASK_OPTED_OUT
from stagehand.commands.context import CommandContext, Done, ShowControls
from stagehand.commands.limits import Cooldowns, KeyedWindows, SlidingWindow
from stagehand.commands.parse import (
    ParsedCommand,
    limit_argument,
    parse_command,
    target_places,
)
from stagehand.commands.people import ForgetRequests, RecentChatters, host_accounts, may_steer
from stagehand.commands.registry import COMMANDS, Command, Registry
from stagehand.domain import AuthorKey, Comment, CommentKind, RankedComment
from stagehand.naming import named, within
from stagehand.pseudonyms import OptedOutViewers
from stagehand.sanitize import clean

log = logging.getLogger(__name__)

#: Twitch refuses messages over 500 characters; every platform's answers stay under that.
MAX_ANSWER_CHARS = 450

#: `!ask` lines decided on arrival and not yet handled (scored meanwhile): more means lost ones.
_MAX_ASKS_WAITING = 10_000


@dataclass(frozen=True, slots=True)
class _Slot:
    """Whether an answer may be sent, decided when the command arrived."""

    allowed: bool
    why_not: str = ""


class CommandRouter:
    """Install with `show.use_commands(router.handle)` (or `install_commands(show)`)."""

    def __init__(
        self,
        show: ShowControls,
        *,
        commands: Registry = COMMANDS,
        opted_out: OptedOutViewers | Iterable[AuthorKey] = (),
    ) -> None:
        self.show = show
        self.commands = commands
        self.settings = show.settings.commands
        self.hosts = host_accounts(show.settings.show.hosts)
        self.chatters = RecentChatters(self.settings.recent_authors)
        self.cooldowns = Cooldowns(self.settings.cooldown_seconds)
        per_viewer = self.settings.answers_per_viewer
        self.viewer_answers = KeyedWindows(per_viewer.messages, per_viewer.per_seconds)
        self.platform_answers: dict[str, SlidingWindow] = {}
        self.opted_out = (
            opted_out if isinstance(opted_out, OptedOutViewers) else OptedOutViewers(keys=opted_out)
        )
        self.forget_requests = ForgetRequests(self.settings.forget_confirm_seconds)
        #: The cooldown each `!ask` line met on arrival ((platform, message id) -> seconds left).
        self._asks: dict[tuple[str, str], float] = {}
        self._pending: set[asyncio.Task[None]] = set()
        # Platform actions run one at a time in arrival order: "!stage @a" then "!unstage"
        # must find @a on stage however long the invitation took. (asyncio.Lock is FIFO.)
        self._steering = asyncio.Lock()

    # -- the hook the show calls -----------------------------------------------------------

    def lifts_ask(self, comment: Comment, arrived: datetime) -> bool:
        """Whether `!ask <question>`, arriving now, is lifted as a question: not during its
        author's `!ask` cooldown (then it is a plain comment, and `handle` logs the command as
        ignored). The pipeline asks once per line, as it arrives, before it is scored."""
        command = self.commands.get("ask")
        if command is None:
            return True
        moderator = may_steer(comment.author, self.hosts)
        left = self._cooldown_left(comment, command, moderator, arrived.timestamp())
        asks = self._asks
        asks[(comment.platform, comment.id)] = left
        if len(asks) > _MAX_ASKS_WAITING:
            del asks[next(iter(asks))]
        return left <= 0

    def handle(self, ranked: RankedComment) -> asyncio.Task[None] | None:
        """Run the comment's command, if it has one; a task when it must wait for the network."""
        comment = ranked.comment
        self.chatters.saw(comment)
        ask_cooldown = self._asks.pop((comment.platform, comment.id), None) if self._asks else None
        parsed = self._command_in(ranked, ask_cooldown is not None)
        command = self.commands.get(parsed.name) if parsed is not None else None
        if parsed is None or command is None:
            return None
        if not self.settings.enabled and not command.privacy:
            return None  # commands are off: all but a viewer's say over their own data
        try:
            return self._run(ranked, parsed, command, cooldown_left=ask_cooldown)
        except Exception as exc:  # a command bug must not stop the comments behind it
            log.exception("command %s failed", parsed.name)
            self._record(comment, parsed, f"failed: {type(exc).__name__}")
            return None

    def _command_in(self, ranked: RankedComment, asked: bool) -> ParsedCommand | None:
        """The command the pipeline found (its kind says so); `!ask <question>` is a question
        whose text the pipeline already cut down to the question, with the flag `ask` (`asked`:
        the line met its cooldown on arrival, flagged or not)."""
        comment = ranked.comment
        limit = self.settings.max_argument_chars
        if asked or "ask" in ranked.score.flags:
            question = comment.clean_text
            return ParsedCommand("ask", limit_argument(question, limit), question)
        if ranked.kind is not CommentKind.COMMAND:
            return None
        return parse_command(
            comment.clean_text,
            self.settings.prefix,
            max_args=limit,
            is_reply=comment.reply_to is not None,
        )

    async def drain(self) -> None:
        """Wait until every answer and platform action started so far has finished."""
        while self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    # -- one command -----------------------------------------------------------------------

    def _run(
        self,
        ranked: RankedComment,
        parsed: ParsedCommand,
        command: Command,
        *,
        cooldown_left: float | None = None,
    ) -> asyncio.Task[None] | None:
        """`cooldown_left`: the cooldown the command already met (an `!ask`, on arrival)."""
        comment = ranked.comment
        now = self.show.now().timestamp()
        moderator = may_steer(comment.author, self.hosts)
        if command.moderators_only and not moderator:
            self._record(comment, parsed, "refused: moderators only")
            return None
        if cooldown_left is None:
            cooldown_left = self._cooldown_left(comment, command, moderator, now)
        if cooldown_left > 0:
            if parsed.name == "ask" and comment.author.anonymous:  # never queued either way
                self._record(comment, parsed, ASK_OPTED_OUT)
                return None
            ignored = f"ignored: cooldown, {cooldown_left:.0f} s left"
            if parsed.name == "ask":  # its line is still a comment, only not lifted
                ignored += f" (a plain comment: no {self.settings.prefix}ask lift)"
            self._record(comment, parsed, ignored)
            return None
        context = CommandContext(
            ranked,
            parsed.text,
            moderator,
            now,
            self.settings,
            self.show,
            self.chatters,
            self.opted_out,
            self.forget_requests,
        )
        # A moderator's !stage or !segment is a host action of theirs, as a console's is: in
        # the log under their name (`twitch:mo`), listed and undoable. (Tasks started inside
        # keep the actor.) Their keys come from the command's message: a replayed export plays
        # the command again and then its recorded host action, which is not applied twice.
        keyed_by = f"command:{comment.platform}:{comment.id}"
        with self.show.acting_as(actor_of(comment) if moderator else "", keyed_by=keyed_by):
            done = command.handler(context)
            if isinstance(done, Done):
                slot = self._answer_slot(comment, moderator, now) if done.answer else _Slot(True)
                answer = _said(done, slot)
                self._record(comment, parsed, _with_slot(done, slot), answer, done)
                if answer:
                    return self._spawn(self._deliver(comment, parsed.name, answer))
                return None
            # A platform action: the answer's slot is taken now, the outcome is known later. Its
            # changes are stored with the comment, in one transaction, once it is known.
            slot = self._answer_slot(comment, moderator, now)
            task = self._spawn(self._finish(comment, parsed, done, slot))
            self.show.hold_comment_until(task)
            return task

    def _cooldown_left(
        self, comment: Comment, command: Command, moderator: bool, now: float
    ) -> float:
        """Seconds left on the viewer's cooldown for `command`; 0 when it may act, and its
        cooldown starts now.

        A viewer's say over their own data (`!optout`, `!optin`, `!forget`) never waits: a
        cooldown would keep what they just asked not to be kept. Their answers still meet the
        send budgets; the action itself always happens. Moderators never wait either."""
        if moderator or command.privacy:
            return 0.0
        key = (comment.author.key, command.cooldown_key)
        left = self.cooldowns.remaining(key, now)
        if left <= 0 or command.never_waits:  # `!lower`: acts now, and `!hand` waits after it
            self.cooldowns.start(key, now)
            return 0.0
        return left

    async def _finish(
        self, comment: Comment, parsed: ParsedCommand, pending: Awaitable[Done], slot: _Slot
    ) -> None:
        try:
            async with self._steering:
                done = await pending
        except Exception as exc:
            log.exception("command %s failed", parsed.name)
            done = Done(f"failed: {type(exc).__name__}")
        answer = _said(done, slot)
        outcome = _with_slot(done, slot) if done.answer else done.outcome
        self._record(comment, parsed, outcome, answer, done)
        if answer:
            await self._deliver(comment, parsed.name, answer)

    # -- answers ---------------------------------------------------------------------------

    def _answer_slot(self, comment: Comment, moderator: bool, now: float) -> _Slot:
        """Take a place in the platform's budget (and the viewer's) if both have room."""
        platform = self.platform_answers.get(comment.platform)
        if platform is None:
            budget = self.settings.budget_for(comment.platform)
            platform = SlidingWindow(budget.messages, budget.per_seconds)
            self.platform_answers[comment.platform] = platform
        if platform.used(now) >= platform.limit:
            return _Slot(False, f"{comment.platform} send budget spent")
        if not moderator and not self.viewer_answers.try_take(comment.author.key, now):
            return _Slot(False, "this viewer's answers spent")
        platform.try_take(now)
        return _Slot(True)

    async def _deliver(self, comment: Comment, name: str, text: str) -> None:
        """Answer in the comment's chat, threaded where the platform allows it.

        `answer_in_chat` rather than `reply`: the bot's answers are not host actions (they
        would count as the hosts' replies); the `commands` row records them. A replay without
        that platform connected has nothing to send through: the answer is only recorded.
        """
        result = await self.show.answer_in_chat(comment, text)
        if not result.ok:
            # The platform's words may name the viewer ("bob has blocked whispers"): the
            # notice stops naming them when they leave.
            said = (result.message, within(result.names, len(result.message)))
            message, names = named(f"Could not answer !{name} on {comment.platform}: ", said)
            self.show.say(message, "warning", names)

    # -- the record ------------------------------------------------------------------------

    def _record(
        self,
        comment: Comment,
        parsed: ParsedCommand,
        outcome: str,
        answer: str = "",
        done: Done | None = None,
    ) -> None:
        """One `commands` row (no arguments kept for opted-out viewers) and a console line,
        with where its words name whom it acted on (a moderator's `!stage @ana`), or whom `done`
        says they name though it did not act on them."""
        answer_places = done.answer_names if done is not None else ()
        args = "" if comment.author.key in self.opted_out else parsed.args
        first_word = len(args.split(" ", 1)[0])
        self.show.record_command(
            comment,
            parsed.name,
            args,
            outcome,
            args_places=((0, first_word),) if first_word else (),
            line_places=target_places(
                comment.clean_text, self.settings.prefix, is_reply=comment.reply_to is not None
            ),
            answer=answer,
            answer_places=tuple(
                (s, min(e, len(answer))) for s, e in answer_places if s < len(answer)
            ),
            also_about=done.about if done is not None else (),
        )

    def _spawn(self, work: Awaitable[None]) -> asyncio.Task[None]:
        task = asyncio.ensure_future(work)
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)
        return task


def actor_of(comment: Comment) -> str:
    """Who a chat moderator's host actions are logged as: `platform:username`, the form of
    `[show] hosts` (the user name, never the display name anyone can set)."""
    name = comment.author.name
    return f"{comment.platform}:{name}" if name else ""


def _said(done: Done, slot: _Slot) -> str:
    """What the bot says in chat for `done`: its answer, cleaned and cut as chat takes it, when
    the send budgets had room ("" for nothing)."""
    if not done.answer or not slot.allowed:
        return ""
    return clean(done.answer, max_chars=MAX_ANSWER_CHARS)


def _with_slot(done: Done, slot: _Slot) -> str:
    """The outcome, saying when the answer was dropped (for a command whose answer is all it
    does, that nothing was done)."""
    if slot.allowed:
        return done.outcome
    return f"{done.unanswered or done.outcome}; answer dropped: {slot.why_not}"
