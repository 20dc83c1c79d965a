"""What stagehand has sent to Twitch chat: to know its echoes, and to finish a split message.

Twitch shows the bot's messages in chat like anyone's, so each comes back through EventSub as a
`channel.chat.message` with the id `POST /chat/messages` returned. When the bot chats from the
broadcaster's own account, that id (or, while the answer is still on its way, the text) is the
only thing that tells an echo from a line the host typed.

A long message goes out in parts (limits.py). When a later part is refused, the first ones are
already in chat: sending the same text again posts only what did not go out.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from stagehand.platform import ActionResult

#: Message ids remembered for recognising echoes (Twitch echoes within a second or so).
MAX_REMEMBERED_IDS = 1000
#: How long the rest of a partly sent message waits for the same text to be sent again.
RESUME_SECONDS = 600.0


class OwnMessages:
    """The bot's own messages, as Twitch will echo them back."""

    def __init__(self) -> None:
        self._ids: OrderedDict[str, None] = OrderedDict()
        self._sending: list[str] = []  # texts on their way out (their echo may come first)

    @contextmanager
    def sending(self, text: str) -> Iterator[None]:
        """While `text` is being sent: an echo of it may arrive before Twitch's answer."""
        shown = " ".join(text.split())
        self._sending.append(shown)
        try:
            yield
        finally:
            self._sending.remove(shown)

    def sent(self, message_id: str) -> None:
        """Twitch accepted a message under `message_id`: its echo carries the same id."""
        if not message_id:
            return
        self._ids[message_id] = None
        while len(self._ids) > MAX_REMEMBERED_IDS:
            self._ids.popitem(last=False)

    def is_echo(self, message_id: str, text: str) -> bool:
        """Whether a chat message from the bot's account is one stagehand sent."""
        if message_id in self._ids:
            return True
        if " ".join(text.split()) in self._sending:
            self.sent(message_id)  # a second delivery of it comes after the answer
            return True
        return False


@dataclass(frozen=True, slots=True)
class _Stopped:
    parts: tuple[str, ...]
    reply_to: str | None
    next_part: int  # index of the first part that did not go out
    at: float


class Unfinished:
    """The last split message that stopped part-way, until it is finished or goes stale."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._stopped: _Stopped | None = None

    def first_unsent(self, parts: list[str], reply_to: str | None) -> int:
        """Where sending `parts` starts: after what went out already, if this same message
        stopped part-way in the last `RESUME_SECONDS`; else at the beginning."""
        stopped = self._stopped
        if (
            stopped is None
            or stopped.parts != tuple(parts)
            or stopped.reply_to != reply_to
            or self._clock() - stopped.at > RESUME_SECONDS
        ):
            return 0
        return stopped.next_part

    def stopped_at(self, parts: list[str], reply_to: str | None, next_part: int) -> None:
        self._stopped = _Stopped(tuple(parts), reply_to, next_part, self._clock())

    def finished(self, parts: list[str], reply_to: str | None) -> None:
        stopped = self._stopped
        if stopped is not None and (stopped.parts, stopped.reply_to) == (tuple(parts), reply_to):
            self._stopped = None


def partly_sent(sent: int, total: int, failure: ActionResult) -> ActionResult:
    """The answer when parts 1..`sent` of `total` are in chat and part `sent + 1` failed."""
    why = failure.message.removeprefix("Twitch chat: ")
    return ActionResult.failed(
        f"only {_parts(1, sent)} of {total} reached Twitch chat; part {sent + 1} failed: {why}",
        hint=f"sending the same text again posts only {_parts(sent + 1, total)}",
    )


def rest_sent(first: int, total: int) -> ActionResult:
    """The answer when the parts from `first` (1-based) on went out, after an earlier stop."""
    return ActionResult.done(f"sent the rest to Twitch chat ({_parts(first, total)} of {total})")


def _parts(first: int, last: int) -> str:
    return f"part {first}" if first == last else f"parts {first}-{last}"
