"""The adapter contract every platform implements.

An adapter turns its platform's events into domain values and hands them to an `AdapterSink`
(the live show implements it); it never touches widgets or the store. Host actions come back
through the `Adapter` methods, each returning an `ActionResult` the console shows as it is.
The replay adapter plays into a `ReplaySink` (the live show again), which also takes a recorded
show's segments and host actions. `CommandSpec` is what a platform registers of a chat command
(Discord's slash commands).
"""

from __future__ import annotations

import abc
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Generic, NamedTuple, Protocol, TypeVar

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    HostAction,
    ModerationKind,
    QuotaUse,
    ReplayPosition,
    Segment,
    TranscriptPosition,
)
from stagehand.naming import Namings, named


class ConnectionState(StrEnum):
    DISCONNECTED = "disconnected"
    CONNECTING = "connecting"
    CONNECTED = "connected"
    RECONNECTING = "reconnecting"
    #: Connected and reading, but some host actions cannot work (an account's token refused
    #: mid-show); the detail says which, and the fix.
    LIMITED = "limited"
    FAILED = "failed"
    FINISHED = "finished"
    #: Not known here: an attached console's word for a platform while the show it follows is
    #: away (stopped, unreachable); its last state may no longer be true.
    UNKNOWN = "unknown"


#: How a connection that will try again says when: "<why>; retrying in <n> s" (the detail of
#: a RECONNECTING state; `retry_detail` writes it, `retry_of` reads it back).
_RETRY = re.compile(r"(?P<why>.*); retrying in (?P<delay>[0-9.]+(?:e[+-]?[0-9]+)?) s", re.DOTALL)


def retry_detail(why: str, delay: float) -> str:
    """The detail of a RECONNECTING state: why, and when the next attempt is."""
    shown = f"{delay:.3g}" if delay < 100 else f"{delay:.0f}"
    return f"{why}; retrying in {shown} s"


def retry_of(detail: str) -> tuple[str, float | None]:
    """A RECONNECTING detail split into why and the seconds until the next attempt (None when
    it names none: a library that reconnects by itself)."""
    found = _RETRY.fullmatch(detail)
    if found is None:
        return detail, None
    return found["why"], float(found["delay"])


@dataclass(frozen=True, slots=True)
class ActionResult:
    """What came of a host action. `message` may be repeated in chat (a command's answer);
    `hint` is what the host should do next, and only ever reaches the console. `acted` is False
    when the action was only recorded: no connection to act through (a replay), so nothing
    reached a platform. `key` is the host action it was logged as (`LiveShow` fills it in; an
    undo names it). `retry`: a platform refused, and trying again may work (an undo).
    `already`: refused because it was done already (a comment on stream or pinned already, a
    guest on stage already, an action undone already), may no longer be done (a reply to
    someone who opted out or asked to be forgotten), or has nothing to act on (nothing on
    stream, nobody on stage, no pin, nothing to undo): nothing changed (the show server
    answers 409). `names`: whom `for_host` names, and where (`stagehand.naming.named`; the
    message's first, the hint's after it): the notices saying it stop naming someone who
    leaves."""

    ok: bool
    message: str
    hint: str = ""
    acted: bool = True
    key: str = ""
    retry: bool = False
    already: bool = False
    names: Namings = ()

    @classmethod
    def done(cls, message: str, hint: str = "", *, names: Namings = ()) -> ActionResult:
        return cls(True, message, hint, names=names)

    @classmethod
    def failed(
        cls, message: str, hint: str = "", *, already: bool = False, names: Namings = ()
    ) -> ActionResult:
        return cls(False, message, hint, already=already, names=names)

    @property
    def for_host(self) -> str:
        """The message with the hint, for the console and the host-action log."""
        return f"{self.message}; {self.hint}" if self.hint else self.message

    @classmethod
    def recorded(cls, message: str) -> ActionResult:
        return cls(True, message, acted=False)


#: How an action that was only recorded (`ActionResult.recorded`: no connection to act through)
#: reads in the host-action log, after what it was: "moderation (delete) recorded; no Discord
#: connection to act through".
ONLY_RECORDED = " recorded; no "


#: How a moderation done on the platform itself (a Twitch moderator's /ban or /timeout), not
#: through stagehand, reads in the host-action log: "ok: done on Twitch, not through stagehand".
DONE_ON_PLATFORM = ", not through stagehand"


def done_on_platform(outcome: str) -> bool:
    """Whether a host action's logged `outcome` says the platform's own moderators did it:
    stagehand only heard of it, so it is not stagehand's to undo."""
    return outcome.startswith("ok: done on ") and outcome.endswith(DONE_ON_PLATFORM)


def only_recorded(outcome: str) -> bool:
    """Whether a host action's logged `outcome` says it was only recorded: nothing of it reached
    a platform (so nothing there needs taking back)."""
    return outcome.startswith("ok: ") and ONLY_RECORDED in outcome


@dataclass(frozen=True, slots=True)
class ChatPosition:
    """How far a platform's chat was read: in live chat `chat_id`, up to `position` (YouTube's
    page token); the last message read before it is `last_message`, stamped `last_message_at`
    by the platform (as it wrote it): where a backlog sent again is read on from.
    `awaiting_bans`: the accounts stagehand banned whose ban the chat has not shown yet (its
    echo, when it comes, is stagehand's own ban, not a moderator's there)."""

    chat_id: str
    position: str
    last_message: str = ""
    last_message_at: str = ""
    awaiting_bans: tuple[str, ...] = ()


class AdapterSink(Protocol):
    """Where adapters deliver what their platform tells them. All calls are on the event loop."""

    def comment_received(self, comment: Comment) -> None: ...

    def comment_edited(self, platform: str, comment_id: str, text: str, ts: datetime) -> None: ...

    def comment_deleted(self, platform: str, comment_id: str, ts: datetime) -> None: ...

    def hand_changed(self, author: Author, raised: bool) -> None: ...

    def left_stage(self, author: Author, detail: str) -> None:
        """`author` left the platform's stage (e.g. a Discord Stage channel); `detail` says how."""
        ...

    def connection_changed(
        self, platform: str, state: ConnectionState, detail: str = ""
    ) -> None: ...

    def platform_notice(self, platform: str, text: str, level: str = "warning") -> None:
        """Something about `platform`'s connection the hosts should read and keep, beyond its
        state (e.g. chat that may have been missed): a notice on every screen."""
        ...

    def author_banned(
        self,
        author: Author,
        why: str,
        detail: str,
        *,
        by: str = "",
        by_id: str = "",
        key: str = "",
    ) -> None:
        """A moderator banned (`why` "ban") or timed out (`why` "timeout") `author` on the
        platform itself: every screen takes their comments off its queue, and the show logs it
        as a `moderate` host action done on the platform. `by`: the moderator's login and
        `by_id` their platform user id, when the platform says (the show adds " by <login>" to
        `detail`, or " (by a moderator there)" for one who opted out or asked to be forgotten);
        `key`: what names this ban uniquely (a redelivery is logged once)."""
        ...

    def author_unbanned(
        self, author: Author, detail: str, *, by: str = "", by_id: str = "", key: str = ""
    ) -> None:
        """A moderator lifted `author`'s ban or timeout on the platform itself: logged as a
        `moderate` host action "unban" done there (`by`, `by_id`, `key` as for `author_banned`;
        `detail` what the hosts are told after the viewer's name). What the ban took off the
        queue stays off."""
        ...

    def quota_spent(self, platform: str, use: QuotaUse) -> None:
        """A call cost units of the platform's daily API quota (stored, shown in the header)."""
        ...

    async def quota_used(self, platform: str, day: str) -> int:
        """Units of `platform`'s quota day `day` stored as spent (earlier runs the same day)."""
        ...

    def chat_position_reached(self, platform: str, reached: ChatPosition) -> None:
        """Everything `platform` delivered so far from its chat was handed on, and reading goes
        on from `reached`: stored after what came before."""
        ...

    async def chat_position(self, platform: str) -> ChatPosition | None:
        """Where an earlier run of this show stopped reading `platform`'s chat, if it stored
        it: a run again reads on from there, not from the backlog."""
        ...

    def own_message_posted(self, platform: str, message_id: str) -> None:
        """stagehand posted message `message_id` in `platform`'s chat (stored: its echo is
        known as stagehand's own in a run again too)."""
        ...

    async def own_posts(self, platform: str) -> frozenset[str]:
        """The ids of the messages this show posted in `platform`'s chat in earlier runs."""
        ...


class ReplaySink(AdapterSink, Protocol):
    """Where a replay plays a recorded show (the live show implements it): what any adapter
    delivers, plus the show's clock to follow, how far a stored show already got, and the
    transcript's segments and host actions as the hosts did them."""

    @property
    def segments(self) -> Sequence[Segment]: ...

    @property
    def last_stored_at(self) -> datetime | None:
        """The time of the latest comment or host action stored before this session."""
        ...

    @property
    def replay_position(self) -> ReplayPosition | None:
        """Where a replay of this show got to in its transcript (None: nothing yet)."""
        ...

    @property
    def backlog(self) -> int:
        """Changes waiting for the database writer (a replay waits when there are many)."""
        ...

    def follow_clock(self, show_ts: datetime, speed: float) -> None:
        """Show time `show_ts` is now, and runs on at `speed` (0 stops the clock)."""
        ...

    def start_segment(
        self, title: str, keywords: Iterable[str] = (), *, ts: datetime | None = None
    ) -> ActionResult: ...

    def set_topic(self, title: str, keywords: Iterable[str]) -> ActionResult:
        """The live segment's title and keywords, edited (a transcript's `topic` event)."""
        ...

    def host_action_replayed(self, action: HostAction, about: Author | None = None) -> None:
        """A transcript's host action, applied as the hosts did it; `about`: whom a platform's
        own moderation was about, when the line names them (`transcript.HostEvent.author`)."""
        ...

    def off_stream_replayed(self, shown_by: str, ts: datetime) -> None:
        """The comment `shown_by` put on stream left it by itself at `ts` (time up)."""
        ...

    def off_stage_replayed(self, guest: AuthorKey, ts: datetime) -> None:
        """The appearance of `guest` ended at `ts` with no host action (a crash ended it)."""
        ...

    def replay_reached(self, source: str, position: TranscriptPosition) -> None: ...

    async def settled(self) -> None:
        """Once every comment so far is stored whole (the platform actions it waits for)."""
        ...


#: The sink an adapter needs: every platform takes any `AdapterSink`; the replay a `ReplaySink`.
SinkT = TypeVar("SinkT", bound=AdapterSink, contravariant=True)


class Adapter(abc.ABC, Generic[SinkT]):
    """One platform connection. `run` lives as long as the show; actions may be called any time."""

    platform: str = ""
    #: A recorded show's adapter played every line of its transcript: the show ends with it,
    #: rather than stopping short of its end (set before the last writes settle, so a stop
    #: then is still the transcript's end). A live platform never plays through.
    played_through: bool = False

    @abc.abstractmethod
    async def run(self, sink: SinkT) -> None:
        """Connect, deliver events to `sink` until `close` is called; reconnect on drops."""

    @abc.abstractmethod
    async def close(self) -> None:
        """Disconnect cleanly."""

    async def send(self, text: str) -> ActionResult:
        """Post a message to the show's chat."""
        return ActionResult.failed(f"{self.platform}: sending to chat is not supported")

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        """Reply in chat to `comment` (threaded where the platform allows it)."""
        return ActionResult.failed(f"{self.platform}: replying is not supported")

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        """Invite `author` onto the show (stage invite, whisper or DM with the guest link)."""
        return ActionResult.failed(f"{self.platform}: stage invitations are not supported")

    async def end_stage(self, author: Author) -> ActionResult:
        """Take `author` off stage where the platform has a notion of it."""
        text, names = named(author, " is off stage")
        return ActionResult.done(text, names=names)

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        """Delete the comment, time out or ban its author."""
        return ActionResult.failed(f"{self.platform}: moderation is not supported")

    async def unban(
        self, author: Author, kind: ModerationKind = ModerationKind.BAN
    ) -> ActionResult:
        """Lift a ban or a timeout (`kind`) of `author`: how a moderation is undone."""
        return ActionResult.failed(f"{self.platform}: lifting a {kind.value} is not supported")


@dataclass(frozen=True, slots=True)
class DoctorCheck:
    """One line of `stagehand doctor`: what was checked, whether it holds, how to fix it."""

    name: str
    ok: bool
    detail: str
    fix: str = ""


class CommandSpec(NamedTuple):
    """A chat command as a platform registers it (a Discord slash command): its name, what it
    does, and whether it takes text (required or not, described as `text_description`)."""

    name: str
    description: str
    takes_text: bool = False
    text_required: bool = False
    text_description: str = "What to say"
