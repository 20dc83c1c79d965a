"""What happened in a show: the one vocabulary of past-tense events.

Every change to a show is one of these, published once by `LiveShow`, in order, on the event
loop. Every listener hears the same events: the store's writer records the ones it keeps
(`stagehand.store.recorder`), the console folds them into what it shows, the headless runner
prints a few. So nothing is stored that was not shown, or shown that was not stored.

Plain frozen values made of domain values (a show server can send them to remote screens as
they are). An event carries every fact needed to record it; the show it belongs to is the
listener's: one writer, one console per show. The core never imports the console: listeners
are just callables taking one of these.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from stagehand.domain import (
    Author,
    AuthorKey,
    Comment,
    Featured,
    HostAction,
    Pin,
    QuotaUse,
    RankedComment,
    Segment,
    StageSession,
    TranscriptPosition,
)
from stagehand.frozen import quick_init
from stagehand.naming import Namings

# -- chat -----------------------------------------------------------------------------------


@quick_init
@dataclass(frozen=True, slots=True)
class CommentRanked:
    """A comment arrived (once: redeliveries are dropped before this), cleaned, classified and
    scored; `ranked.segment` is the position of the segment it arrived in."""

    ranked: RankedComment


@dataclass(frozen=True, slots=True)
class CommentEdited:
    """The author edited a comment: `clean_text` is shown, `original_text` kept for the record."""

    platform: str
    comment_id: str
    clean_text: str
    original_text: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class CommentDeleted:
    """A comment was deleted on its platform (by its author, a moderator, or the hosts)."""

    platform: str
    comment_id: str
    ts: datetime


@dataclass(frozen=True, slots=True)
class CommandHandled:
    """A chat command and its outcome: one `commands` row (its comment's platform and id are its
    key) and the console's log line. `args` is empty for a viewer who opted out. `names`: whom
    `outcome` names, and where (the people the command acted on: `stagehand.naming`);
    `args_names` and `line_names` whom `args` and the command's line (`comment.clean_text`, as
    stored) name, and where: the words the moderator named them by (`!stage @ana`), which stop
    naming them in the database when they opt out or are forgotten (already gone: never stored).
    `answer`: what the bot said in chat ("" for nothing), `answer_names` whom it names."""

    comment: Comment
    command: str
    outcome: str
    args: str = ""
    names: Namings = ()
    args_names: Namings = ()
    line_names: Namings = ()
    answer: str = ""
    answer_names: Namings = ()

    @property
    def key(self) -> str:
        """One command per comment, however often the platform delivers it."""
        return f"{self.comment.platform}:{self.comment.id}"


@dataclass(frozen=True, slots=True)
class CommentUnnamed:
    """A chat line that named someone who opted out or asked to be forgotten (a moderator's
    `!stage @ana`: where the show recorded it, `CommandHandled.line_names`) reads `clean_text`
    now ("!stage a forgotten viewer"): every screen shows it so, as the database stores it.
    For screens only (the store un-names its rows itself: `text_names`)."""

    platform: str
    comment_id: str
    clean_text: str


# -- the hosts' actions and what they did ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class HostActionLogged:
    """A host action was logged; `comment` is the comment it acted on, when the core has it.
    `author`: whom it is about, as the platform named them, when no comment of theirs may say
    (a ban made on the platform of a viewer who never chatted in the show): stored so the log
    names them."""

    action: HostAction
    comment: Comment | None = None
    author: Author | None = None
    #: Whom `action.outcome` names, and where (a platform's words of a stage invitation: "ok:
    #: ana: whispered the guest link"): the store stops naming them there when they leave.
    outcome_names: Namings = ()


@dataclass(frozen=True, slots=True)
class CommentRestored:
    """An undo gave a comment back: it belongs in the queue again, where its score puts it."""

    platform: str
    comment_id: str


@dataclass(frozen=True, slots=True)
class AuthorRemoved:
    """A ban or a timeout took effect (`why` is "ban" or "timeout"): every screen takes all of
    this author's comments off its queue at once."""

    author: AuthorKey
    why: str


@dataclass(frozen=True, slots=True)
class AuthorRestored:
    """A ban or a timeout was undone (lifted on the platform): the comments it took off every
    queue belong there again."""

    author: AuthorKey


@dataclass(frozen=True, slots=True)
class SegmentChanged:
    """The live segment now: a new one, or the live one's title and keywords edited (None: an
    undo took back the first one). `undone` is the position of a segment an undo took back: its
    comments belong to the one before, and it is gone (the host action log keeps the move)."""

    segment: Segment | None
    undone: int | None = None


# -- the stage and the raised hands ---------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StageStarted:
    """An appearance on stage began; `key` (the key of the host action that started it) makes it
    stored once, however often the show is resumed."""

    session: StageSession
    key: str


@dataclass(frozen=True, slots=True)
class StageEnded:
    """An appearance ended (`session.ended_at` says when)."""

    session: StageSession


@dataclass(frozen=True, slots=True)
class StageResumed:
    """An undone stage end: the appearance that ended at `ended_at` goes on."""

    session: StageSession
    ended_at: datetime | None


@dataclass(frozen=True, slots=True)
class StageChanged:
    """Who is on stage now (an empty tuple when nobody is): the view screens draw, published
    after each change above (and when a guest's name is forgotten)."""

    on_stage: tuple[StageSession, ...]


@dataclass(frozen=True, slots=True)
class HandsChanged:
    """The raised-hands queue, oldest first."""

    hands: tuple[Author, ...]


# -- on stream and pinned -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FeatureStarted:
    """A comment is on stream (the overlay shows it) from `featured.since`; one at a time, so
    a comment featured while another is ends that one first (`FeatureEnded`, "replaced")."""

    featured: Featured


@dataclass(frozen=True, slots=True)
class FeatureEnded:
    """The featured comment left the stream at `ended_at`; `why`: "taken off" (by hand), "time up"
    (`[overlay] feature_seconds`), "replaced", "undone" (it does not count as shown), "deleted",
    "ban" or "timeout" (its author was moderated), "forgotten" (its author asked), "show ended"."""

    featured: Featured
    ended_at: datetime
    why: str


@dataclass(frozen=True, slots=True)
class CommentPinned:
    """A producer pinned a comment to the top of the hosts' queue (every screen lifts it)."""

    pin: Pin


@dataclass(frozen=True, slots=True)
class CommentUnpinned:
    """The pin is gone: taken off by hand, undone, or its comment answered or dismissed."""

    platform: str
    comment_id: str


# -- viewers' choices -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AuthorOptedOut:
    """`!optout`: the author's name and text are no longer kept; what is stored is anonymized."""

    author: AuthorKey


@dataclass(frozen=True, slots=True)
class AuthorOptedIn:
    """`!optin`: the author's name and text are kept again from now on."""

    author: AuthorKey


@dataclass(frozen=True, slots=True)
class AuthorForgotten:
    """The author asked to be forgotten (`!forget confirm`): what is stored about them is cut
    loose (text and names go, counts stay), and every screen drops them at once, from the queue,
    raw chat, what they said on stage, the raised hands and the selection."""

    author: AuthorKey


# -- the show ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReplayReached:
    """A replay has played (and published) everything up to `position` of its transcript
    `source`; `show_ts` is the show time then. Published after the events of every line before
    it, so what is stored of it never runs ahead of what it stands for."""

    source: str
    position: TranscriptPosition
    show_ts: datetime | None


@dataclass(frozen=True, slots=True)
class ShowEnded:
    """The show was closed at `ts` (its open stage appearances ended just before).

    `resumable`: it stopped before its end (a replay stopped short of its transcript's end):
    the same command resumes it, so a screen elsewhere waits for it to come back rather than
    take it as over."""

    ts: datetime
    resumable: bool = False


@dataclass(frozen=True, slots=True)
class QuotaSpent:
    """A platform API call that cost quota units (YouTube's daily quota): one `quota_calls` row,
    and the budget left after it for the console's header."""

    platform: str
    use: QuotaUse


@dataclass(frozen=True, slots=True)
class ChatPositionReached:
    """How far a platform's chat has been read (YouTube's page token `position` in the live
    chat `chat_id`): a show run again reads on from there, not from the chat's backlog, so what
    was heard, done and posted before is not heard again (docs/youtube.md). Stored only."""

    platform: str
    chat_id: str
    position: str
    #: The id of the last message read before `position`, and its time as the platform wrote
    #: it: where a backlog YouTube sends again (after refusing `position`) is read on from.
    last_message: str = ""
    last_message_at: str = ""
    #: The accounts stagehand banned whose ban the chat has not shown yet.
    awaiting_bans: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class OwnMessagePosted:
    """stagehand posted message `message_id` in `platform`'s chat (a reply, an invitation, a
    command's answer): its echo in the chat is stagehand's own, in a run again too. Stored only."""

    platform: str
    message_id: str


@dataclass(frozen=True, slots=True)
class ConnectionChanged:
    platform: str
    state: str
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Notice:
    """Something the hosts should read: an action's result, a storage problem, ...; `actor` is
    who acted, when it was someone at another console (a show server token's name, or a chat
    moderator's `platform:name`: `actor_is` is then their key). `names`: whom `text` names, and
    where (`stagehand.naming`), so a screen can stop naming someone who leaves. `here`: the
    same said with this machine's paths and programs, for the show's own console only (the
    show server never sends it: screens elsewhere read `text`). `automatic`: nobody acted, the
    show did it by itself (a featured comment's time ran out, a guest left the stage): it does
    not take the notices line from what a host's own key did. `elsewhere`: see below."""

    text: str
    level: str = "info"  # ok | info | ignored | warning | refused | failed | error
    actor: str = ""
    names: Namings = ()
    actor_is: AuthorKey | None = None
    here: str = ""
    automatic: bool = False
    #: For the other screens only: the console that acted has said it itself, in its own words
    #: (the show's own console, `stagehand.show.this_console`).
    elsewhere: bool = False


CoreEvent = (
    CommentRanked
    | CommentEdited
    | CommentDeleted
    | CommandHandled
    | HostActionLogged
    | CommentRestored
    | AuthorRemoved
    | AuthorRestored
    | SegmentChanged
    | StageStarted
    | StageEnded
    | StageResumed
    | StageChanged
    | HandsChanged
    | FeatureStarted
    | FeatureEnded
    | CommentPinned
    | CommentUnpinned
    | AuthorOptedOut
    | AuthorOptedIn
    | AuthorForgotten
    | CommentUnnamed
    | ReplayReached
    | ShowEnded
    | QuotaSpent
    | ChatPositionReached
    | OwnMessagePosted
    | ConnectionChanged
    | Notice
)
Listener = Callable[[CoreEvent], None]
