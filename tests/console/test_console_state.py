"""ConsoleState folds core events the way the host expects to see them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

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
    CommentDeleted,
    CommentEdited,
    CommentRanked,
    HostActionLogged,
    SegmentChanged,
    StageChanged,
)

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


def test_a_viewer_who_leaves_is_said_anonymous_in_the_notices_and_nobody_else_is() -> None:
    """However a notice named them (shown name, `@name`, `platform:name`); a notice that may
    name another viewer (whose name holds theirs) is dropped rather than reworded."""
    bob = Author("discord", "2", "bob", "Bob Moog")
    other = Author("discord", "3", "bob.x", "Bob Moog II")
    state = ConsoleState()
    for id, who in (("a", ANA), ("b", bob), ("c", other)):
        said = Comment(id, who.platform, "show", who, f"text {id}", START)
        state.apply(CommentRanked(RankedComment(said, Score(1.0, rank_key=1.0))))
    for text in (
        "Answered Bob Moog on air (u undoes)",
        "Nobody on stage is called @bob.",
        "new segment by discord:bob",
        "Answered Bob Moog II on air",
        "Nobody on stage is called @bob.x",
        "Answered ana on air",
    ):
        state.notify(text)
    state.author_forgotten(bob.key, "opted out")
    assert [n.text for n in state.notices] == [
        "Answered a viewer who opted out on air (u undoes)",
        "Nobody on stage is called @a viewer who opted out.",
        "new segment by a viewer who opted out",
        "Nobody on stage is called @bob.x",
        "Answered ana on air",
    ]


def test_a_viewer_named_like_a_topic_word_is_not_said_to_be_in_the_topics_notices() -> None:
    """A viewer called "pasta" opts out while the segment is about pasta: the notices that
    quote the topic ("Topic: Pasta (sauce)") are not reworded into "Topic: a viewer who opted
    out (sauce)", a notice that says something false; such a notice is dropped instead."""
    pasta = Author("twitch", "7", "pasta", "Pasta")
    state = ConsoleState()
    state.apply(SegmentChanged(Segment(1, "Pasta", ("sauce",), START)))
    said = Comment("p", "twitch", "show", pasta, "hello", START)
    state.apply(CommentRanked(RankedComment(said, Score(1.0, rank_key=1.0))))
    state.notify("Topic: Pasta (sauce) (u undoes)")
    state.notify("Answered ana on air")
    state.author_forgotten(pasta.key, "opted out")
    texts = [n.text for n in state.notices]
    assert texts == ["Answered ana on air"]
    assert not any("opted out" in text for text in texts)
