"""What stagehand itself just did on a platform, so the platform's announcement of it is known.

Twitch (EventSub `channel.ban`) and Discord (gateway `GUILD_BAN_ADD`) announce every ban, the
ones stagehand makes through their APIs too: the show logged those when it made them, so an
adapter that hears a ban asks `OwnActions.is_echo` before passing it on as one made there.
"""

from __future__ import annotations

import time

#: How long an action stagehand made waits for the platform to announce it back.
ECHO_SECONDS = 60.0


class OwnActions:
    """The viewers stagehand itself acted on (banned, say) in the last minute, by user id."""

    def __init__(self, seconds: float = ECHO_SECONDS) -> None:
        self._seconds = seconds
        self._made: dict[str, float] = {}
        #: The keys of the announcements taken as echoes: a platform that delivers one again
        #: (Twitch's EventSub, at least once) sends the same key.
        self._echoes: set[str] = set()

    def making(self, user_id: str) -> None:
        """About to act on `user_id` (the platform may announce it before its API answers)."""
        self._made[user_id] = time.monotonic()

    def failed(self, user_id: str) -> None:
        self._made.pop(user_id, None)

    def is_echo(self, user_id: str, key: str = "") -> bool:
        """Whether an action on `user_id` the platform announces is the one stagehand made (each
        is its echo once; a delivery again of the announcement, by its `key`, is the echo too)."""
        if key and key in self._echoes:
            return True
        made = self._made.pop(user_id, None)
        echo = made is not None and time.monotonic() - made <= self._seconds
        if echo and key:
            self._echoes.add(key)
        return echo
