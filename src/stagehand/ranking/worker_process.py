"""The ranker's worker process: `python -m stagehand.ranking.worker_process FD`, started by
ranking/worker.py with one end of a socket pair as FD. Operations in, scores out (ranking/wire.py),
one show at a time, until the show's process closes the socket or dies.

It runs in a session of its own with no terminal: Ctrl-C in the host's terminal is the show's to
handle, and nothing of the worker's can ever reach the screen the console draws on.
"""

from __future__ import annotations

import gc
import sys
from collections import OrderedDict
from multiprocessing.connection import Connection
from typing import Any

from stagehand import heap
from stagehand.domain import Comment
from stagehand.ranking import wire
from stagehand.ranking.ranker import Feedback, Ranker

#: Every this many comments scored, what the ranker holds by then is moved out of the garbage
#: collector's full passes (`gc.freeze`), as the show's process does (show/pipeline.py): a full
#: pass over a long show's memory stopped scoring for a few hundred milliseconds.
FREEZE_EVERY = 20_000
#: Answers remembered for an undo: as many as the show's undo history keeps (show/history.py).
KEPT_TICKETS = 5_000


class _Show:
    """One show's ranker, and the answers it learned from (by ticket, for an undo)."""

    def __init__(self, ranker: Ranker) -> None:
        self.ranker = ranker
        self.learned: OrderedDict[int, Feedback] = OrderedDict()
        self.scored = 0

    def apply(
        self, operation: tuple[Any, ...], scores: list[tuple[int, wire.EncodedScore | str]]
    ) -> None:
        kind = operation[0]
        try:
            if kind == wire.SCORE:
                parts = self.ranker.score_parts(wire.decode(operation[2]), ask=operation[3])
                scores.append((operation[1], parts))
                self.scored += 1
                if self.scored % FREEZE_EVERY == 0:
                    gc.freeze()
            elif kind == wire.WARM:
                self.ranker.score(wire.decode(operation[1]))
            elif kind == wire.CALL and operation[1] in wire.CALLS:
                getattr(self.ranker, operation[1])(*operation[2], **operation[3])
            elif kind == wire.FEEDBACK:
                self.feedback(operation[1], wire.decode(operation[2]), operation[3])
            elif kind == wire.TAKE_BACK and (feedback := self.learned.pop(operation[1], None)):
                self.ranker.take_back(feedback)
        except Exception as exc:  # one bad comment or change must not stop the ranking
            why = f"{type(exc).__name__}: {exc}"
            if kind == wire.SCORE:
                scores.append((operation[1], why))
            else:  # the show's log says so, as it would if the ranker ran there
                scores.append((wire.PROBLEM, f"{_name(operation)} failed: {why}"))

    def feedback(self, ticket: int, comment: Comment, positive: bool) -> None:
        feedback = self.ranker.feedback(comment, positive)
        if feedback is not None:
            self.learned[ticket] = feedback
            if len(self.learned) > KEPT_TICKETS:
                self.learned.popitem(last=False)


def _name(operation: tuple[Any, ...]) -> str:
    """What the show asked, in words: the `Ranker` call it stands for."""
    kind = operation[0]
    if kind == wire.CALL:
        return str(operation[1])
    names = {
        wire.WARM: "score (warming up)",
        wire.FEEDBACK: "feedback",
        wire.TAKE_BACK: "take_back",
    }
    return names.get(kind, f"operation {kind}")


def serve(conn: Connection) -> None:
    """Operations in, scores out, until the other end closes."""
    show: _Show | None = None
    while True:
        try:
            batch = conn.recv()
        except (EOFError, OSError):
            return
        scores: list[tuple[int, wire.EncodedScore | str]] = []
        for operation in batch:
            if operation[0] == wire.START:
                _, settings, description, prefix = operation
                show = _Show(Ranker(settings, show_description=description, command_prefix=prefix))
            elif operation[0] == wire.RESET:
                show = None
            elif show is not None:
                show.apply(operation, scores)
            elif operation[0] == wire.SCORE:
                scores.append((operation[1], "no show started"))
        if scores:
            try:
                conn.send(scores)
            except OSError:
                return


def main(argv: list[str]) -> None:
    heap.return_large_blocks()  # the ranker's big caches: memory stays flat (stagehand/heap.py)
    heap.calm_garbage_collection()  # a collector at Python's defaults: 3 µs a comment here
    serve(Connection(int(argv[1])))


if __name__ == "__main__":
    main(sys.argv)
