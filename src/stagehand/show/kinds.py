"""What a chat line is: decided once, here, for every screen and every metric.

The pipeline asks `CommentKinds.classify` of each comment before it is scored. Only a viewer's
comment (`CommentKind.COMMENT`) may enter the queue; the console today, and any other screen
tomorrow, read the kind stored on `RankedComment` (and in `comments.kind`) instead of deciding
again, so they cannot disagree.

In order, the first that fits:
1. a known chat bot's account (`[ranking] bots`): `bot`;
2. a chat command, ours or another bot's (`!hand`, `!uptime`, `!so @ana`, a bare `!ask`, any bare
   `!word`): `command`. An unknown `!word` with something said after it (`!aks is it legal?`)
   is a viewer talking, not a command (`ranking.bots.other_bots_command`): it goes on below.
   `!ask <question>` is not a command here: it is the author's question, shown without `!ask `
   (unless `[commands] enabled = false`: then it is a command like another bot's, never queued).
   Other bots' commands start with `!` by convention: a `!word` line is one whatever our own
   prefix (`[commands] prefix = "?"` leaves `!uptime` out of the queue too);
3. the broadcaster, a host, or a `[show] hosts` account: `host`;
4. a moderator: `moderator`;
5. a viewer's line with a blocked term (`[ranking] blocked_terms`, `ranking/blocked.py`):
   `held` (never queued, never a follow-up; stored, counted, in raw chat);
6. everything else: `comment`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from stagehand.command_word import has_wide_mark
from stagehand.commands.parse import split_command
from stagehand.commands.people import host_accounts
from stagehand.commands.registry import COMMANDS
from stagehand.config import Settings
from stagehand.domain import Comment, CommentKind, Role
from stagehand.frozen import quick_init
from stagehand.ranking.blocked import BlockedTerms, blocked_terms
from stagehand.ranking.bots import BotAccounts, other_bots_command

_HOST_ROLES = frozenset({Role.BROADCASTER.value, Role.HOST.value})
#: The role's text, read once: `Role.MODERATOR.value` is an enum property, a Python call.
_MODERATOR = Role.MODERATOR.value
_ASK = "ask"
#: How other bots' commands start (Nightbot, StreamElements, ...): never a viewer's comment.
OTHER_BOTS_PREFIX = "!"


@quick_init
@dataclass(frozen=True, slots=True)
class Classified:
    """A comment's kind and, for `!ask <question>`, the question without the command word."""

    kind: CommentKind
    question: str | None = None
    #: A command's name in lower case (`hand` for `!hand`), ours or another bot's (None for a
    #: `!word` line when our own prefix is another).
    command: str | None = None
    #: For a `held` line, the blocked term it has.
    blocked: str | None = None


class CommentKinds:
    """Classifies comments for one show (command prefix, host accounts and bots from settings)."""

    def __init__(
        self,
        *,
        prefix: str = "!",
        hosts: Iterable[str] = (),
        bots: Iterable[str] = (),
        asks: bool = True,
        blocked: BlockedTerms | None = None,
    ) -> None:
        """`asks`: whether `!ask <question>` is a question (`[commands] enabled`); `blocked`:
        the terms that hold a viewer's line back (none by default)."""
        self.prefix = prefix
        self.asks = asks
        self.hosts = host_accounts(hosts)
        self.bots = BotAccounts(bots)
        self.blocked = blocked if blocked else None

    @classmethod
    def of(cls, settings: Settings) -> CommentKinds:
        """The classifier a show's settings make (the live show and `stagehand rank` alike)."""
        ranking = settings.ranking
        return cls(
            prefix=settings.commands.prefix,
            hosts=settings.show.hosts,
            bots=ranking.bots,
            asks=settings.commands.enabled,
            blocked=blocked_terms(ranking.blocked_terms, defaults=ranking.blocked_defaults),
        )

    def classify(self, comment: Comment) -> Classified:
        """The comment's kind (its `clean_text` should be filled in: that is what is read)."""
        author = comment.author
        if self.bots.is_bot(author):
            return _BOT
        question = None
        text = comment.clean_text or comment.shown_text  # the property only when it must
        prefix = self.prefix
        # A line holding neither prefix is no command (most lines): nothing to split then.
        # A full-width `！` (an input method's) is a prefix too (`stagehand.command_word`).
        if prefix in text or OTHER_BOTS_PREFIX in text or has_wide_mark(text):
            is_reply = comment.reply_to is not None
            command = split_command(text, prefix, is_reply=is_reply)
            if command is None and prefix != OTHER_BOTS_PREFIX:
                other = split_command(text, OTHER_BOTS_PREFIX, is_reply=is_reply)
                if other is not None and (other[0] in COMMANDS or other_bots_command(*other)):
                    return _OTHER_BOTS_COMMAND  # another bot's: none of ours
            elif command is not None:
                name_of_command, rest = command
                if name_of_command == _ASK and rest and self.asks:
                    question = rest
                elif name_of_command in COMMANDS or other_bots_command(name_of_command, rest):
                    return Classified(CommentKind.COMMAND, command=name_of_command)
                # Else a viewer talking, who began with a `!word` (`!aks is it legal?`).
        hosts = self.hosts
        if author.roles & _HOST_ROLES or (
            hosts and (author.platform.casefold(), author.name.casefold()) in hosts
        ):
            return Classified(CommentKind.HOST, question) if question else _HOST
        if _MODERATOR in author.roles:
            return Classified(CommentKind.MODERATOR, question) if question else _MODERATOR_LINE
        if self.blocked is not None and (term := self.blocked.find(text)):
            return Classified(CommentKind.HELD, blocked=term)
        return Classified(CommentKind.COMMENT, question) if question else _COMMENT


# The answers without a question or a command name, made once (they are frozen): most lines.
_BOT = Classified(CommentKind.BOT)
_OTHER_BOTS_COMMAND = Classified(CommentKind.COMMAND)
_HOST = Classified(CommentKind.HOST)
_MODERATOR_LINE = Classified(CommentKind.MODERATOR)
_COMMENT = Classified(CommentKind.COMMENT)
