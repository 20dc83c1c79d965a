"""ConsoleState folds core events the way the host expects to see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from stagehand.console.state import ConsoleState
from stagehand.domain import (
    Author,
    Comment,
    HostAction,
    HostActionKind,
    RankedComment,
    Score,
    Segment,
    StageSession,
)
from stagehand.events import (
    CommandHandled,
    CommentDeleted,
    CommentEdited,
    CommentRanked,
    ConnectionChanged,
    HostActionLogged,
    Notice,
    SegmentChanged,
    StageChanged,
)
from stagehand.naming import Naming, named

START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
ANA = Author("twitch", "1", "ana")


def comment(id: str, seconds: int, author: Author = ANA, value: float = 1.0) -> CommentRanked:
    c = Comment(id, "twitch", "show", author, f"text {id}", START + timedelta(seconds=seconds))
    return CommentRanked(RankedComment(c, Score(value, rank_key=value)))


def test_deleted_comments_leave_the_queue_and_are_marked_in_raw_chat() -> None:
    state = ConsoleState()
    state.apply(comment("a", 0))
    state.apply(comment("b", 1))
    state.apply(CommentDeleted("twitch", "a", START))
    assert [r.comment.id for r in state.ranked_queue()] == ["b"]
    assert [(line.comment.id, line.deleted) for line in state.raw] == [("a", True), ("b", False)]


def test_edits_show_the_new_text_and_answers_leave_the_queue() -> None:
    state = ConsoleState()
    state.apply(comment("a", 0))
    state.apply(CommentEdited("twitch", "a", "fixed typo", "fixed typo", START))
    assert state.ranked_queue()[0].comment.shown_text == "fixed typo"
    assert state.raw[-1].comment.shown_text == "fixed typo"
    state.apply(HostActionLogged(HostAction(HostActionKind.ANSWER, START, "a", "twitch", "1")))
    assert state.ranked_queue() == []
    state.apply(comment("a", 5))  # redelivered after the answer: stays off the queue
    assert state.ranked_queue() == []


def test_a_failed_moderation_keeps_the_comment_in_the_queue() -> None:
    state = ConsoleState()
    state.apply(comment("a", 0))
    failed = HostAction(HostActionKind.MODERATE, START, "a", "twitch", "1", "ban", "failed: no")
    state.apply(HostActionLogged(failed))
    assert [r.comment.id for r in state.ranked_queue()] == ["a"]


def test_what_a_guest_says_on_stage_is_kept_until_they_leave() -> None:
    state = ConsoleState()
    state.apply(comment("before", 0))
    state.apply(StageChanged((StageSession(ANA, START + timedelta(seconds=10)),)))
    state.apply(comment("during", 20))
    assert [c.id for c in state.stage_said[ANA.key]] == ["during"]
    state.apply(StageChanged(()))
    assert state.stage_said == {}


def test_chat_rate_counts_the_last_minute_of_show_time() -> None:
    state = ConsoleState()
    for n in range(120):
        state.apply(comment(f"c{n}", n, value=0.5))
    assert state.chat_rate(START + timedelta(seconds=119)) == 60
    assert state.chat_rate(START + timedelta(seconds=600)) == 0


def test_chat_rate_in_the_first_minute_is_over_the_seconds_since_the_first_comment() -> None:
    """15 comments a second from the start: the header reads ~900/min at once, not the
    15 s seen so far spread over a whole minute (213/min on a big channel's flood)."""
    state = ConsoleState()
    for n in range(15 * 15):
        state.apply(comment(f"c{n}", n // 15, value=0.5))
    assert state.chat_rate(START + timedelta(seconds=14)) == 900


def said(*parts: str | Author, **more: Any) -> Notice:
    """A notice as the show makes it: its text, and whom it names where."""
    text, names = named(*parts)
    return Notice(text, names=names, **more)


def test_a_viewer_who_leaves_is_said_anonymous_exactly_where_notices_named_them() -> None:
    """Each notice keeps whom it names, and where, as the show made it (`stagehand.naming`):
    when al opts out, exactly those places read "a viewer who opted out". Not alice beside
    him, not the word "hand" or "the" (viewers of those names), not the topic quoted; and
    without the console holding any line of his (nothing of al's chat is here)."""
    al, alice = Author("twitch", "11", "al"), Author("twitch", "12", "alice")
    hand, the = Author("twitch", "13", "hand"), Author("twitch", "14", "the")
    state = ConsoleState()
    state.apply(SegmentChanged(Segment(1, "al hand the", (), START)))
    for notice in (
        said("Answered ", al, " and ", alice, " on air"),
        said(hand, "'s hand is up"),
        Notice("Topic: al hand the (u undoes)"),
        # A chat moderator called "the" brought al on stage: as another console reads it.
        said(al, ": guest link sent", actor="twitch:the", actor_is=the.key),
    ):
        state.apply(notice)
    command = Comment("c1", "twitch", "show", hand, "!hand", START)
    state.apply(CommandHandled(command, "hand", "ok: hand raised, #1 in the queue"))
    state.author_forgotten(al.key, "opted out")
    assert [n.text for n in state.notices] == [
        "Answered a viewer who opted out and alice on air",
        "hand's hand is up",
        "Topic: al hand the (u undoes)",
        "twitch:the: a viewer who opted out: guest link sent",
        "!hand: ok: hand raised, #1 in the queue",
    ]
    state.author_forgotten(the.key, "forgotten")  # the moderator asked to be forgotten
    state.author_forgotten(alice.key, "forgotten")
    state.author_forgotten(hand.key, "opted out")
    assert [n.text for n in state.notices] == [
        "Answered a viewer who opted out and a forgotten viewer on air",
        "a viewer who opted out's hand is up",
        "Topic: al hand the (u undoes)",
        "a forgotten viewer: a viewer who opted out: guest link sent",
        "!hand: ok: hand raised, #1 in the queue",
    ]


def test_a_command_that_acted_on_a_viewer_stops_naming_them() -> None:
    """A moderator's `!stage @al`: its record names al past its level ("ok: @al: ..."), and
    reads "ok: a viewer who opted out" once he opts out; the command's name stays."""
    al, mo = Author("twitch", "11", "al"), Author("twitch", "20", "mo")
    state = ConsoleState()
    outcome = "ok: @al: al: guest link whispered"
    line = Comment("c1", "twitch", "show", mo, "!stage @al", START)
    names = (Naming(al.key, len("ok: "), len(outcome)),)
    state.apply(CommandHandled(line, "stage", outcome, "@al", names))
    state.author_forgotten(al.key, "opted out")
    assert [n.text for n in state.notices] == ["!stage: ok: a viewer who opted out"]


def test_a_platform_state_sent_again_after_the_show_was_away_is_not_said_again() -> None:
    """An attached console's show goes away (`unknown`) and comes back with the platforms'
    states as they were: the failure and the limit were said once; a new reason is news."""
    state = ConsoleState()

    def said() -> list[tuple[str, str]]:
        return [(n.text, n.level) for n in state.notices]

    state.apply(ConnectionChanged("youtube", "failed", "quota spent for today"))
    state.apply(ConnectionChanged("twitch", "limited", "replies cannot be sent"))
    for _ in range(3):
        state.apply(ConnectionChanged("youtube", "unknown", "lost the show"))
        state.apply(ConnectionChanged("twitch", "unknown", "lost the show"))
        state.apply(ConnectionChanged("youtube", "failed", "quota spent for today"))
        state.apply(ConnectionChanged("twitch", "limited", "replies cannot be sent"))
    assert said() == [
        ("youtube: failed: quota spent for today", "error"),
        ("twitch: replies cannot be sent", "warning"),
    ]
    assert state.connections["youtube"] == ("failed", "quota spent for today")
    state.apply(ConnectionChanged("youtube", "unknown", "lost the show"))
    state.apply(ConnectionChanged("youtube", "finished", "the live chat ended"))
    assert said()[-1] == ("youtube: finished: the live chat ended", "info")


def test_a_repeated_command_folded_in_raw_chat_loses_one_when_one_is_deleted() -> None:
    """A moderator deleting one `!help` of a viewer's nine leaves eight on the line, not the
    whole line `‹deleted›`; the last one deleted marks it."""
    from stagehand.domain import CommentKind

    def help_line(id: str, seconds: int) -> CommentRanked:
        c = Comment(id, "twitch", "show", ANA, "!help", START + timedelta(seconds=seconds))
        return CommentRanked(RankedComment(c, Score(0.0, rank_key=0.0), kind=CommentKind.COMMAND))

    state = ConsoleState()
    for n in range(3):
        state.apply(help_line(f"h{n}", n))
    assert [(line.comment.id, len(line.again)) for line in state.raw] == [("h0", 2)]
    state.apply(CommentDeleted("twitch", "h0", START))
    state.apply(CommentDeleted("twitch", "h2", START))
    assert [(line.comment.id, line.again, line.deleted) for line in state.raw] == [
        ("h1", [], False)
    ]
    state.apply(CommentDeleted("twitch", "h1", START))
    assert [(line.comment.id, line.deleted) for line in state.raw] == [("h1", True)]
