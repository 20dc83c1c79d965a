"""What a command handler is given, and what it answers.

A handler acts through `ShowControls`: the few things of the show a chat command may read or
do, the same methods the console's keys call. `LiveShow` has them all (it satisfies the
protocol as it is: commands never import the show). What the router remembers of the viewers
(recent chatters, opt-outs, unconfirmed `!forget`s) is reached through small methods only.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol

from stagehand.commands.people import ForgetRequests, RecentChatters
from stagehand.config import Settings
from stagehand.config.commands import CommandSettings
from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    RankedComment,
    Segment,
    StageSession,
)
from stagehand.naming import Namings, Place
from stagehand.platform import ActionResult
from stagehand.pseudonyms import OptedOutViewers


class ShowControls(Protocol):
    """The show as chat commands see it (`LiveShow` is one)."""

    @property
    def settings(self) -> Settings: ...

    @property
    def db_path(self) -> Path: ...

    @property
    def recent_comments(self) -> Sequence[Comment]: ...

    @property
    def opted_out(self) -> OptedOutViewers:
        """Who opted out, in this show or an earlier one (the show shows them anonymized)."""
        ...

    @property
    def current_segment(self) -> Segment | None: ...

    @property
    def on_stage(self) -> tuple[StageSession, ...]: ...

    @property
    def hands(self) -> tuple[Author, ...]: ...

    def now(self) -> datetime: ...

    def is_on_stage(self, key: AuthorKey) -> bool: ...

    def has_hand_up(self, key: AuthorKey) -> bool: ...

    def find_comment(self, platform: str | None, comment_id: str | None) -> Comment | None: ...

    def raise_hand(self, author: Author) -> ActionResult: ...

    def lower_hand(self, author: Author) -> ActionResult: ...

    def set_opted_out(self, author: Author, opted_out: bool) -> ActionResult: ...

    def forget_author(self, author: Author) -> ActionResult: ...

    async def pull_on_stage(
        self, comment: Comment | None = None, *, author: Author | None = None
    ) -> ActionResult: ...

    async def end_stage(self, author: Author | None = None) -> ActionResult: ...

    def new_segment(self, title: str, keywords: Iterable[str] = ()) -> ActionResult:
        """A new segment now, logged as a host action (undoable, as the console's `n`); the
        live segment's title only edits its topic, and the topic as it is is refused `already`,
        nothing logged."""
        ...

    def edit_topic(self, title: str, keywords: Iterable[str]) -> ActionResult:
        """The live segment's title and keywords, logged as a host action (as the console's `t`);
        the topic as it is already is refused `already`, and nothing is logged."""
        ...

    def acting_as(self, actor: str, *, keyed_by: str = "") -> AbstractContextManager[None]:
        """Host actions taken inside are `actor`'s (`host_actions.actor`), keyed from
        `keyed_by` when given."""
        ...

    def record_command(
        self,
        comment: Comment,
        name: str,
        args: str,
        outcome: str,
        *,
        args_places: tuple[Place, ...] = (),
        line_places: tuple[Place, ...] = (),
        answer: str = "",
        answer_places: tuple[Place, ...] = (),
        also_about: tuple[AuthorKey, ...] = (),
    ) -> ActionResult:
        """Log a handled command (its `commands` row, the console's line). `args_places` and
        `line_places`: where `args` and the comment's `clean_text` name whom the command may act
        on (`parse.target_places`); they name whomever it did act on, and those in `also_about` (whom
        it found but refused to act on). `answer`: what the bot said in chat ("" for nothing),
        `answer_places` where it names them."""
        ...

    async def answer_in_chat(self, comment: Comment, text: str) -> ActionResult:
        """The bot's answer, in the comment's chat (not a host action)."""
        ...

    def say(self, text: str, level: str = "info", names: Namings = ()) -> None:
        """A notice for every screen (`names`: whom it names, and where)."""
        ...

    def hold_comment_until(self, task: asyncio.Future[Any]) -> None:
        """Store the comment being handled together with what `task` does."""
        ...

    def use_commands(
        self,
        handler: Callable[[RankedComment], Awaitable[None] | None],
        *,
        lifts_ask: Callable[[Comment, datetime], bool] | None = None,
    ) -> None:
        """Hand every comment to `handler` once stored; `lifts_ask` is asked as each
        `!ask <question>` arrives, before it is scored."""
        ...


@dataclass(frozen=True, slots=True)
class Done:
    """What came of a command: its `outcome` for the log ("ok: ...", "ignored: ...",
    "refused: ...", "failed: ..."), and `answer`, what the bot says in chat, if anything.
    `unanswered`: the outcome instead, when the answer is all the command does and the send
    budget dropped it (`!help`: "ignored: command list not sent"). `answer_names`: where the
    answer names whom the command acted on ("Invited @ana on stage."). `about`: whom it found
    but did not act on (a `!stage` by reply to someone who opted out): the moderator's words
    that named them are recorded as naming them all the same, so the store un-names them."""

    outcome: str
    answer: str | None = None
    unanswered: str = ""
    answer_names: tuple[Place, ...] = ()
    about: tuple[AuthorKey, ...] = ()


@dataclass(frozen=True, slots=True)
class CommandContext:
    """One command as its handler sees it: the comment, the command's whole text (`args`,
    sanitized; the log keeps it cut to `max_argument_chars`), whether
    its author may steer the show, the show-clock time (`now`, seconds), and what it acts on."""

    ranked: RankedComment
    args: str
    moderator: bool
    now: float
    settings: CommandSettings
    show: ShowControls
    chatters: RecentChatters
    opted_out: OptedOutViewers
    forget_requests: ForgetRequests

    @property
    def comment(self) -> Comment:
        return self.ranked.comment

    @property
    def author(self) -> Author:
        return self.ranked.comment.author

    @property
    def prefix(self) -> str:
        return self.settings.prefix

    def usage(self, usage: str) -> Done:
        """How the command is used (`usage`, without the prefix), as chat reads it."""
        return Done("failed: usage", f"Usage: {self.prefix}{usage}")
