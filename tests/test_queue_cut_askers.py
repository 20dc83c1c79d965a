"""A question asked by more viewers than `[console] queue_size`: the askers a trim cuts from its
row wait beside the queue, and every screen counts them once. A cut asker's comment arriving
again (a pin from another screen, a resend) counted twice ("asked by 31" of 30 viewers), and a
console attaching to the show server was told only the kept askers ("asked by 3" of 30).

Real ShowQueue values fed the events the show publishes; the attaching console's first events
come from the real RemoteShow's catch-up, as `stagehand attach` gets them."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from stagehand.domain import Author, Comment, Pin, RankedComment, Score
from stagehand.server.remote import RemoteShow
from stagehand.show.queue import ShowQueue, key_of

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
QUESTION = "what song is playing right now?"


def _ranked(n: int, text: str = QUESTION, same_as: tuple[str, str] | None = None) -> RankedComment:
    author = Author("twitch", f"u{n}", f"fan{n}", f"fan{n}")
    comment = Comment(
        f"m{n}", "twitch", "synths", author, text, T0 + timedelta(seconds=n), clean_text=text
    )
    score = Score(1.0, 1.0 + n * 0.001, {}, frozenset({"question"}), same_as)
    return RankedComment(comment, score, segment=0)


def _big_row_queue() -> ShowQueue:
    queue = ShowQueue(queue_size=3)
    queue.add_comment(_ranked(0))
    for n in range(1, 30):
        queue.add_comment(_ranked(n, same_as=("twitch", "m0")))
    for n in range(100, 120):
        queue.add_comment(_ranked(n, f"is filter number {n} any good?"))
    return queue


def _askers(queue: ShowQueue) -> list[int]:
    return sorted((len(row.askers) for row in queue.queue_rows()), reverse=True)


def test_a_cut_askers_comment_pinned_or_sent_again_is_counted_once() -> None:
    queue = _big_row_queue()
    assert _askers(queue)[0] == 30 and queue.cut_count > 0
    cut_one = next(iter(next(iter(queue.cut.values())).values()))
    queue.add_comment(cut_one)
    big = max(queue.queue_rows(), key=lambda row: len(row.askers))
    keys = [key_of(r.comment) for r in big.askers]
    assert len(keys) == 30 and len(set(keys)) == 30

    pinned = next(iter(next(iter(queue.cut.values())).values()))
    queue.pinned(Pin(pinned.comment, note="", at=T0, key="p1", actor="pat"))
    big = max(queue.queue_rows(), key=lambda row: len(row.askers))
    keys = [key_of(r.comment) for r in big.askers]
    assert len(keys) == 30 and len(set(keys)) == 30
    assert queue.queue[key_of(pinned.comment)].score == pinned.score  # kept its score


def test_a_console_attaching_later_counts_every_asker_of_a_big_row() -> None:
    show = _big_row_queue()
    remote = RemoteShow("http://127.0.0.1:9", "unused")
    remote._queue = show  # the show server's queue as this console's connection holds it
    attached = ShowQueue(queue_size=3)
    remote.add_listener(attached.apply)
    assert _askers(attached)[:3] == _askers(show)[:3] == [30, 1, 1]
