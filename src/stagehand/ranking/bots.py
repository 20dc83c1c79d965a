"""Chat bots' accounts (`[ranking] bots`): their lines are announcements, never comments.

An entry is a user name on any platform ("nightbot") or on one ("twitch:nightbot"), matched
without regard to case and a leading "@". The pipeline's classifier (`stagehand.show.kinds`)
and `stagehand rank` both ask this one rule, so a bot's line never ranks anywhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from stagehand.domain import Author


class BotAccounts:
    def __init__(self, entries: Iterable[str]) -> None:
        on: set[tuple[str, str]] = set()
        anywhere: set[str] = set()
        for entry in entries:
            platform, colon, name = entry.strip().partition(":")
            if colon:
                on.add((platform.strip().casefold(), name.strip().lstrip("@").casefold()))
            elif platform:
                anywhere.add(platform.lstrip("@").casefold())
        self.anywhere = frozenset(anywhere)
        self.on = frozenset(on)

    def is_bot(self, author: Author) -> bool:
        name = author.name.casefold()
        return name in self.anywhere or (
            bool(self.on) and (author.platform.casefold(), name) in self.on
        )
