"""The show as its own console uses it: every intent is `THIS_CONSOLE`'s ("host").

The console in the show's own process calls `LiveShow` directly. Its actions used to carry no
actor, so every other screen (a producer's attached console, `/api/events`) read them as its
own, or not at all. Through `ThisConsole` each intent runs `acting_as(THIS_CONSOLE)`: its
notices and events name "host" as a token's name them ("host: Undid the dismissal of ..."),
and what the show does not announce itself (an answer, a dismissal, a feature, a pin, a segment
or topic change: the console says its own at once) is said to the other screens only
(`Notice.elsewhere`), as the show server says an API call's (server/actions.py `UNANNOUNCED`).
The database stores it so too (from migration m310 on), so after a restart every screen still
says which actions were the show's own console's: "this machine" in the report.
"""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from typing import Any

from stagehand.domain import THIS_CONSOLE
from stagehand.naming import within
from stagehand.platform import ActionResult
from stagehand.show.live import LiveShow

#: The intents a screen calls (show/api.py `ShowAPI`).
INTENTS = frozenset(
    {
        "answer",
        "dismiss",
        "reply",
        "moderate",
        "pull_on_stage",
        "end_stage",
        "next_segment",
        "edit_topic",
        "feature",
        "unfeature",
        "pin",
        "unpin",
        "undo",
    }
)
#: Those the show does not announce itself: the acting console says its own.
UNANNOUNCED = frozenset(
    {"answer", "dismiss", "feature", "unfeature", "pin", "unpin", "next_segment", "edit_topic"}
)


class ThisConsole:
    """`live` as the show's own console sees it: views as they are, intents as `THIS_CONSOLE`
    (see the module docstring). It stands in for the `ShowAPI` the console is given."""

    def __init__(self, live: LiveShow) -> None:
        self.show_itself = live

    def __getattr__(self, name: str) -> Any:
        value = getattr(self.show_itself, name)
        if name not in INTENTS:
            return value
        return self._acting(name, value)

    def _acting(self, name: str, intent: Callable[..., Any]) -> Callable[..., Any]:
        live = self.show_itself

        def acting(*args: Any, **kwargs: Any) -> Any:
            with live.acting_as(THIS_CONSOLE):
                result = intent(*args, **kwargs)
                if inspect.isawaitable(result):
                    return self._awaited(result)
                self._told_elsewhere(name, result)
                return result

        return acting

    async def _awaited(self, awaitable: Awaitable[Any]) -> Any:
        with self.show_itself.acting_as(THIS_CONSOLE):
            return await awaitable

    def _told_elsewhere(self, name: str, result: Any) -> None:
        if name in UNANNOUNCED and isinstance(result, ActionResult) and result.ok:
            names = within(result.names, len(result.message))
            self.show_itself.say(result.message, "ok", names, elsewhere=True)
