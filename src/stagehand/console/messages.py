"""Messages the bridge posts to the app (past tense: they say what happened)."""

from __future__ import annotations

from textual.message import Message


class ShowUpdated(Message):
    """Something in the console state changed since the last redraw.

    Carries nothing: the app reads the state when it redraws, so one message stands for any
    number of comments. `can_replace` lets Textual drop a pending one for the next.
    """

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, ShowUpdated)
