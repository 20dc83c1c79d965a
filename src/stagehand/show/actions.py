"""What the hosts (console keys), moderators and viewers (chat commands) can do in a show.

Pressing `p` in the console and `!stage @user` in chat both call `pull_on_stage`. Every intent
answers an `ActionResult` (whether it worked, what to tell, the key of the host action it was
logged as) and publishes what changed; actions through a platform also tell every screen how
they went (a `Notice`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from stagehand.domain import (
    FORGOTTEN_NAME,
    OPTED_OUT_NAME,
    Author,
    AuthorKey,
    Comment,
    Featured,
    HostAction,
    HostActionKind,
    ModerationKind,
)
from stagehand.events import (
    AuthorForgotten,
    AuthorOptedIn,
    AuthorOptedOut,
    CommandHandled,
    CommentUnnamed,
    StageChanged,
)
from stagehand.naming import Naming, Namings, Place, joined, named, shifted, within
from stagehand.platform import ActionResult
from stagehand.sanitize import clean
from stagehand.show.askers import (
    MAX_MENTIONS,
    askers,
    by_platform,
    listed,
    naming_the_others,
    who,
)
from stagehand.show.changes import ShowChanges
from stagehand.show.core import ASKED_TO_BE_FORGOTTEN, about, outcome_names, outcome_of
from stagehand.show.fit import MAX_REPLY_CHARS
from stagehand.show.resend import RESEND_SECONDS, chats, reached_already, spread


class HostActions(ShowChanges):
    # -- the selected comment ----------------------------------------------------------------

    def answer(self, comment: Comment, *, also: Sequence[Comment] = ()) -> ActionResult:
        """The hosts answered this comment on air; comments like it rise. `also`: the other
        viewers' comments of its queue row (the same question): answered with it. With
        `[overlay] feature_on_answer` the row's comment goes on stream too (undoing the answer
        takes it off)."""
        asked = askers(comment, also)
        shown = self._state.featured
        action = self._react_for_all(asked, HostActionKind.ANSWER)
        if self._settings.overlay.feature_on_answer:
            # The time on stream shares the answer's key: undoing the answer uncounts it too,
            # and puts back the card it replaced.
            self._feature_started(comment, action.ts, key=action.key, actor=action.actor)
            self._took_off_stream(action, shown)
        text, names = named("Answered ", who(asked), " on air")
        return ActionResult(True, text, key=action.key, names=names)

    def dismiss(self, comment: Comment, *, also: Sequence[Comment] = ()) -> ActionResult:
        """Take the comment (and `also`, the rest of its queue row) off the queue; comments like
        it sink."""
        asked = askers(comment, also)
        key = self._react_for_all(asked, HostActionKind.DISMISS).key
        if len(asked) > 1:
            text, names = named("Dismissed the question of ", who(asked))
        else:
            text, names = named("Dismissed ", comment.author, "'s comment")
        return ActionResult(True, text, key=key, names=names)

    def _react_for_all(self, asked: list[Comment], kind: HostActionKind) -> HostAction:
        """One answer or dismissal per asker, linked for undo; the ranking learns once, from
        the comment the hosts saw. Returns the shown comment's action (its key undoes all)."""
        first = self._record_reaction(asked[0], kind, ts=None)
        keys = [first.key]
        keys += [self._record_reaction(c, kind, ts=None, learn=False).key for c in asked[1:]]
        self._history.link(keys)
        return first

    async def reply(
        self, comment: Comment, text: str, *, also: Sequence[Comment] = ()
    ) -> ActionResult:
        """Reply in chat through the comment's platform. `also`: the rest of its queue row: the
        reply goes out once per platform, threaded to its first asker and naming the others."""
        if comment.author.anonymous:
            # Whoever opted out or asked to be forgotten is not addressed in chat (a reply
            # threads to their message, naming them to the chat again); refused as something
            # done already is (the show server answers 409). Moderation stays possible on
            # purpose: see `moderate`.
            return self._refuse(
                "No reply sent: the comment's author opted out or asked to be forgotten, and is "
                "not addressed in chat",
                already=True,
            )
        text = clean(text, max_chars=MAX_REPLY_CHARS)
        if not text:
            return ActionResult.failed("Nothing to send: the reply is empty")
        asked = askers(comment, also)
        now = self._clock.now()
        keys: list[str] = []
        results: list[tuple[str, ActionResult]] = []
        already: list[str] = []  # reached by this same reply a moment ago: not sent again
        mentioned = unnamed = 0
        for platform, comments in by_platform(asked).items():
            sent, left_out = naming_the_others(text, comments[0], comments[1:])
            unnamed += left_out
            mentioned += len({c.author.key for c in comments[1:]} - {comments[0].author.key})
            mentioned -= left_out
            if reached_already(self._history, comments[0], sent, now):
                already.append(platform)
                continue
            result = about(await self._reply_once(platform, comments[0], sent), comments[0].author)
            results.append((platform, result))
            for replied in comments:
                action = self._log_action(
                    HostAction(
                        HostActionKind.REPLY,
                        self._clock.now(),
                        replied.id,
                        replied.platform,
                        replied.author.id,
                        sent,
                        outcome_of(result),
                    ),
                    replied,
                    reached_chat=result.acted,
                )
                keys.append(action.key)
        if not results:
            return self._refuse(
                *named(
                    "Not sent again: the same reply to ",
                    who(asked),
                    f" reached {chats(already)} in the last {RESEND_SECONDS / 60:.0f} minutes",
                ),
                already=True,
            )
        self._history.link(keys)
        if already or (len(results) > 1 and not all(r.ok for _, r in results)):
            result = dataclasses.replace(spread(results, already), key=keys[0])
        else:
            result = dataclasses.replace(_together([r for _, r in results]), key=keys[0])
        if len({c.author.key for c in asked}) == 1:
            return self._announce(result)
        self._announce(_row_replied(result, asked, text, mentioned, unnamed))
        return result

    async def _reply_once(self, platform: str, comment: Comment, text: str) -> ActionResult:
        return await self._platforms.act(
            platform, lambda adapter: adapter.reply(comment, text), what="reply"
        )

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        """Delete the comment, time out or ban its author, through its platform: also when its
        author opted out or asked to be forgotten (unlike `reply`), on purpose: protecting the
        chat does not address them, and privacy must not shield abuse."""
        answered = await self._platforms.act(
            comment.platform,
            lambda adapter: adapter.moderate(
                comment, kind, duration_seconds=duration_seconds, reason=reason
            ),
            what=f"moderation ({kind.value})",
        )
        result = about(answered, comment.author)
        action = self._log_action(
            HostAction(
                HostActionKind.MODERATE,
                self._clock.now(),
                comment.id,
                comment.platform,
                comment.author.id,
                kind.value,
                outcome_of(result),
            ),
            comment,
            reached_chat=result.acted,
        )
        shown = self._state.featured
        if result.ok and kind == ModerationKind.DELETE:
            if result.acted:
                # Not every platform echoes our own deletions back (Twitch does not): record it.
                self._comment_deleted(comment.platform, comment.id, self._clock.now())
            else:
                # Only recorded (no connection: a replay, the demo): nothing was deleted
                # anywhere; the comment leaves the queues as moderated, and the stream at once
                # (the hosts deleted it: the audience does not read it a moment longer), and
                # is not put on stream again. An undo gives it back to both.
                self._state.deleted.add((comment.platform, comment.id))
                self._off_stream_if(lambda c: _same(c, comment), self._clock.now(), "deleted")
        elif result.ok:
            self._author_removed(comment.author, kind)
        self._took_off_stream(action, shown)
        result = dataclasses.replace(result, key=action.key)
        self._announce(_whose(result, comment.author, answered))
        return result

    def _took_off_stream(self, action: HostAction, shown: Featured | None) -> None:
        """`action` took `shown` (the card on stream before it) off the stream: its undo puts
        the card back (`Undoing`)."""
        if shown is not None and self._state.featured is not shown:
            done = self._history.get(action.key)
            if done is not None:
                done.featured = shown

    # -- the stage -------------------------------------------------------------------------

    async def pull_on_stage(
        self,
        comment: Comment | None = None,
        *,
        author: Author | None = None,
        also: Sequence[Comment] = (),
    ) -> ActionResult:
        """Invite the comment's author (or `author`) onto the show and put them on the stage
        panel. `also`: the rest of the comment's queue row: every asker is invited."""
        if comment is not None and also:
            return await self._pull_askers_on_stage(askers(comment, also))
        who = author or (comment.author if comment else None)
        if who is None:
            return self._refuse("Pick a comment or a person first")
        if self._is_on_stage(who.key):
            return self._refuse(*named(who, " is already on stage"), already=True)
        return await self._invite(who, comment)

    async def _invite(
        self, who: Author, comment: Comment | None, *, announce: bool = True
    ) -> ActionResult:
        """Invite `who`; `announce`: the notice says how it went (a row's invites are said
        together: `_pull_askers_on_stage`)."""
        answered = await self._platforms.act(
            who.platform,
            lambda adapter: adapter.invite_to_stage(who, comment),
            what="stage start",
        )
        result = about(answered, who)
        if result.ok:
            action = self._stage_started(
                who,
                comment,
                self._clock.now(),
                outcome=outcome_of(result),
                outcome_names=outcome_names(result),
            )
        else:
            action = self._log_action(
                HostAction(
                    HostActionKind.STAGE_START,
                    self._clock.now(),
                    comment.id if comment else None,
                    who.platform,
                    who.id,
                    "",
                    outcome_of(result),
                ),
                comment,
                author=who,
                outcome_names=outcome_names(result),
            )
        result = dataclasses.replace(result, key=action.key if action else "")
        if announce:
            self._announce(_whose(result, who, answered))
        return result

    async def _pull_askers_on_stage(self, asked: list[Comment]) -> ActionResult:
        """Every asker of a merged row not on stage yet, each their own appearance (linked).
        One notice says how many came on and who (and who could not, `i` has why)."""
        invited: dict[object, Comment] = {}
        for comment in asked:
            if not self._is_on_stage(comment.author.key):
                invited.setdefault(comment.author.key, comment)
        if not invited:
            return self._refuse(*named(who(asked), ": all on stage already"), already=True)
        results = [await self._invite(c.author, c, announce=False) for c in invited.values()]
        keys = [r.key for r in results if r.key]
        self._history.link(keys)
        guests = [c.author for c in invited.values()]
        self._announce(_stage_row_result(results, guests))
        return dataclasses.replace(_together(results), key=keys[0] if keys else "")

    async def end_stage(self, author: Author | None = None) -> ActionResult:
        """End `author`'s appearance, or the most recent one when no one is named."""
        stage = self._state.stage
        if not stage:
            return self._refuse("Nobody is on stage", already=True)
        session = stage.get(author.key) if author else list(stage.values())[-1]
        if session is None:
            return self._refuse("They are not on stage", already=True)
        answered = await self._platforms.act(
            session.author.platform,
            lambda adapter: adapter.end_stage(session.author),
            what="stage end",
        )
        result = about(answered, session.author)
        action = self._stage_ended(
            session.author,
            self._clock.now(),
            outcome=outcome_of(result),
            outcome_names=outcome_names(result),
        )
        result = dataclasses.replace(result, key=action.key if action else "")
        self._announce(_whose(result, session.author, answered))
        return result

    # -- viewers (chat commands) -------------------------------------------------------------

    def raise_hand(self, author: Author) -> ActionResult:
        """`author` wants to come on stage (not when on stage already, or with a hand up)."""
        if self._set_hand(author, True):
            text, names = named(author, "'s hand is up")
            return ActionResult.done(text, names=names)
        text, names = named(author, "'s hand is up already, or they are on stage")
        return ActionResult.failed(text, names=names)

    def lower_hand(self, author: Author) -> ActionResult:
        if self._set_hand(author, False):
            text, names = named(author, "'s hand is down")
            return ActionResult.done(text, names=names)
        text, names = named(author, " has no hand up")
        return ActionResult.failed(text, names=names)

    def set_opted_out(self, author: Author, opted_out: bool) -> ActionResult:
        """Stop (or go back to) keeping `author`'s name and text; opting out anonymizes what is
        stored of them already."""
        if opted_out:
            self.opted_out.add(author.key)
            # No screen shows them by name a moment longer: what they said before is taken
            # off, and what they say from now on is published anonymized (show/opted_out.py).
            self._let_go_of(author, "opted out", "opted out", OPTED_OUT_NAME)
            self._publish(AuthorOptedOut(author.key))
            return ActionResult.done("a viewer opted out")
        self.opted_out.discard(author.key)
        self._publish(AuthorOptedIn(author.key))
        text, names = named(author, " opted in")
        return ActionResult.done(text, names=names)

    def forget_author(self, author: Author) -> ActionResult:
        """The author asked to be forgotten: the store cuts their rows loose, and everything in
        memory lets go of them now, so no screen shows them a moment longer."""
        self._let_go_of(author, ASKED_TO_BE_FORGOTTEN, "forgotten", FORGOTTEN_NAME)
        self._publish(AuthorForgotten(author.key))
        return ActionResult.done("forgotten")

    def _let_go_of(self, author: Author, why: str, gone: str, shown_as: str) -> None:
        """Nothing in memory shows `author` by name or by what they said: off the recent chat,
        the action history (what they did as a moderator stays, by no one), the hands, the
        stream (`gone`: why it ended) and the pins; on stage as `shown_as`. Their comments so
        far may not go on stream again (`why` says why not)."""
        key = author.key
        self._state.removed_authors[key] = (self._clock.now(), why)
        self._state.recent.forget_author(key)
        self._unnamed_in_chat(key, shown_as)
        # Who they acted as, if a moderator: `platform:username` (commands/router.py `actor_of`).
        self._history.forget_author(key, f"{author.platform}:{author.name}" if author.name else "")
        self._set_hand(author, False)
        self._off_stream_if(lambda c: c.author.key == key, self._clock.now(), gone)
        for pin in [p for p in self._state.pins.values() if p.comment.author.key == key]:
            self._unpinned(pin.comment.platform, pin.comment.id)
        # Still on the show if on stage (ending it is the hosts' call), but no longer by name.
        anonymous = Author(author.platform, author.id, "", shown_as, anonymous=True)
        if self._state.rename_on_stage(key, anonymous):
            self._publish(StageChanged(self._state.on_stage))

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
        """A chat command was handled (`outcome` starts with ok, ignored, refused or failed).
        `args_places`, `line_places`: where its arguments and its line name whom it may act on
        (commands/parse.py `target_places`); they name whom it acted on, if anyone, and those
        in `also_about` (found, and refused: someone who opted out)."""
        # What the outcome says past its level ("ok: @carol: guest link whispered") names
        # whom the command acted on: a moderator's !stage or !unstage.
        # (Not someone it let go of: no screen is given their key after that.)
        detail = outcome.find(": ") + 2 if ": " in outcome else len(outcome)
        acted_on = list(dict.fromkeys([*self._command_about(), *also_about]))
        kept = [key for key in acted_on if not self._let_go(key)]
        names = tuple(Naming(key, detail, len(outcome)) for key in kept)
        shown = self._command_line_shown(comment)
        line_names = tuple(Naming(k, s, e) for k in acted_on for s, e in line_places)
        # The words the moderator named them by: someone let go of already is named too, so
        # the store keeps their name nowhere (its screens know them by a pseudonym only).
        self._publish(
            CommandHandled(
                shown,
                name,
                outcome,
                args,
                names if detail < len(outcome) else (),
                args_names=tuple(Naming(k, s, e) for k in acted_on for s, e in args_places),
                line_names=line_names,
                answer=answer,
                answer_names=tuple(Naming(k, s, e) for k in acted_on for s, e in answer_places),
            )
        )
        # The screens' chat follows: their line stops naming whoever leaves (now, if gone).
        self._state.recent.named(shown, line_names)
        for key in acted_on:
            if shown_as := self._said_as_now(key):
                self._unnamed_in_chat(key, shown_as)
        return ActionResult(outcome.startswith("ok"), outcome)

    def _unnamed_in_chat(self, key: AuthorKey, shown_as: str) -> None:
        """Chat lines that name `key` where the show recorded it (a moderator's `!stage @ana`)
        say `shown_as` there on every screen, as in the database (store/names.py)."""
        for line in self._state.recent.unname(key, shown_as):
            self._publish(CommentUnnamed(line.platform, line.id, line.clean_text))

    def _command_line_shown(self, comment: Comment) -> Comment:
        """A command's line as every screen may be given it now: with no name and no text when
        its author is anonymous (opted out, even by this very line) or it let go of them
        (`!forget confirm`: the show holds none of their lines any more)."""
        author = comment.author
        removed = self._state.removed_authors.get(author.key)
        if author.key in self.opted_out:
            shown_as = OPTED_OUT_NAME
        elif author.anonymous:
            shown_as = author.display_name
        elif (
            removed is not None
            and removed[1] == ASKED_TO_BE_FORGOTTEN
            and self._state.recent.find(comment.platform, comment.id) is None
        ):
            shown_as = FORGOTTEN_NAME
        else:
            return comment
        anonymous = Author(author.platform, author.id, "", shown_as, anonymous=True)
        return dataclasses.replace(
            comment, author=anonymous, text="", clean_text="", attachments=()
        )

    async def answer_in_chat(self, comment: Comment, text: str) -> ActionResult:
        """The bot's answer to a command, in the comment's chat (threaded where the platform
        allows it). Not a host action (it would count as the hosts' reply): the command's
        record says what it answered. A platform's words about it name the comment's author
        (`about`)."""
        result = await self._platforms.act(
            comment.platform, lambda adapter: adapter.reply(comment, text), what="answer"
        )
        return about(result, comment.author)

    async def send(self, platform: str, text: str) -> ActionResult:
        """Post a message in a platform's chat."""
        return await self._platforms.act(
            platform, lambda adapter: adapter.send(text), what="message"
        )

    def say(
        self, text: str, level: str = "info", names: Namings = (), *, elsewhere: bool = False
    ) -> None:
        """Something every screen should show the hosts (`level` as in `Notice`; `names`: whom
        it names, and where), naming who acted when it was someone at another console
        (`acting_as`). `elsewhere`: for the other screens only (the console that acted said it
        in its own words)."""
        self._notice(text, level, names, elsewhere=elsewhere)


def _same(a: Comment, b: Comment) -> bool:
    return (a.platform, a.id) == (b.platform, b.id)


def _together(results: list[ActionResult]) -> ActionResult:
    """What came of one action done on several platforms or for several people."""
    if len(results) == 1:
        return results[0]
    messages: dict[str, Namings] = {}  # each said once
    for result in results:
        messages.setdefault(result.message, within(result.names, len(result.message)))
    text, names = joined(messages.items(), "; ")
    together = ActionResult(
        all(r.ok for r in results),
        text,
        "; ".join(dict.fromkeys(r.hint for r in results if r.hint)),
        acted=any(r.acted for r in results),
    )
    # Someone named in a hint: the hints are put together, so the whole of it names them.
    hinted = [n.author for r in results for n in r.names if n.end > len(r.message)]
    whole = tuple(Naming(key, 0, len(together.for_host)) for key in dict.fromkeys(hinted))
    return dataclasses.replace(together, names=names + whole)


def _whose(result: ActionResult, guest: Author, answered: ActionResult) -> ActionResult:
    """A platform action's result about one person (a stage start or end, a moderation) as
    the notice says it: led by their name ("ben: stage end recorded; no Twitch connection to
    act through", "eve: banned on Twitch"), unless the platform's words said where they name
    them (`answered.names`): the host reads whom it was about, once. Only the notice: the
    log's outcome keeps no name."""
    if answered.names:
        return result
    lead, names = named(guest, ": ")
    return dataclasses.replace(
        result, message=lead + result.message, names=names + shifted(result.names, len(lead))
    )


def _stage_row_result(results: list[ActionResult], guests: list[Author]) -> ActionResult:
    """What bringing a row of askers on stage did, in one notice: "Brought 31 on stage: ana,
    ben, cleo and 28 more", what the platforms said when it was the same for all (`i` has each
    one's words otherwise), and who could not come on (a hint: the notice is a warning)."""
    came = [g for g, r in zip(guests, results, strict=True) if r.ok]
    not_came = [g for g, r in zip(guests, results, strict=True) if not r.ok]
    parts: list[tuple[str, Namings]] = []
    if came:
        parts.append(named(f"Brought {len(came)} on stage: ", listed(came)))
    said = {r.for_host for r in results}
    if len(results) == 1:  # the others were on stage already: the platform's words, as they are
        parts.append((results[0].for_host, results[0].names))
    elif len(said) == 1:  # the same words for several people name none of them: said once
        parts.append(named(said.pop()))  # ("stage start recorded; no Twitch connection ...")
    else:
        parts.append(named("i has each one's outcome"))
    if not came:
        parts.insert(0, named("Nobody came on stage: ", listed(not_came)))
        not_came = []
    text, names = joined(parts, "; ")
    hint, hint_names = named(f"{len(not_came)} could not come on: ", listed(not_came))
    if not not_came:
        hint, hint_names = "", ()
    return ActionResult(
        bool(came),
        text,
        hint,
        acted=any(r.acted for r in results),
        key=results[0].key,
        names=names + shifted(hint_names, len(text) + 2),
    )


def _row_replied(
    result: ActionResult, asked: list[Comment], text: str, mentioned: int, unnamed: int
) -> ActionResult:
    """The notice of a reply to a row of askers: to whom, what the host wrote, how many it
    @-names (at most `MAX_MENTIONS`), and what the platforms said."""
    if unnamed and not mentioned:
        naming = f", @-naming none of them (a reply names at most {MAX_MENTIONS})"
    elif unnamed:
        naming = f", @-naming {mentioned}, not {unnamed} more"
    elif mentioned:
        naming = ", @-naming the other" if mentioned == 1 else f", @-naming the {mentioned} others"
    else:  # each asker is the first on their platform: the reply threads to each, naming none
        naming = ""
    words = clean(text, max_chars=60)
    head = named("Reply to ", who(asked), f'{naming}: "{words}"')
    outcome = (result.for_host, within(result.names, len(result.for_host)))
    if result.hint:  # part of it went out: what reached chat, and what did not, first
        lead = (result.message, within(result.names, len(result.message)))
        said, names = joined([lead, head], "; ")  # (the hint, after it, names no one)
        return dataclasses.replace(result, message=said, names=names)
    said, names = joined([head, outcome], "; ")
    return dataclasses.replace(result, message=said, hint="", names=names)
