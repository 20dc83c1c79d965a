"""What every live platform's connection shares: the states it reports, the loop that keeps it
up, and the one answer a host action gets while there is nothing to act through.

A platform adapter (twitch/, discord/, the next one) supplies one connection attempt: connect,
deliver until `close`, or raise when the connection is lost; and puts a failure in words.
`Connection.keep` does the rest, the same way for every platform:

- CONNECTING before the first attempt; the platform reports CONNECTED itself (and RECONNECTING
  while its library resumes on its own) through `report`;
- an attempt that fails or ends: RECONNECTING "<why>; retrying in <n> s", then the next attempt
  after the `Backoff` delay, which starts afresh after an attempt that got connected;
- `ConnectionRefused` (a rejected token, a missing setting, a refused intent): FAILED with the
  fix, and no retry, since waiting would not fix it;
- `CredentialsRefused` (the platform refused the stored token or authorization): as
  `ConnectionRefused` before the platform ever connected (a headless run still ends with the
  fix); mid-show, FAILED with the fix, then the loop watches the token store, and once other
  credentials are stored there (the host ran `stagehand auth <platform>` next to the running
  show, as the notice says) it connects again with them, as the Twitch side picks up a new
  token at its next call;
- `ConnectionFinished` (the platform ended what was being read: a live chat that ended):
  FINISHED with the reason, and no retry, since there is nothing left to read;
- `close()`: the attempt ends (the platform watches `closing`), then DISCONNECTED.

What the hosts should read and keep beyond a state (chat that may have been missed) goes out
through `notice`: a notice on every screen, kept in the notice history, where a state's detail
is replaced by the next.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, TypeVar

from stagehand.logs import ECHO
from stagehand.platform import ActionResult, AdapterSink, ConnectionState, retry_detail

log = logging.getLogger(__name__)

LinkT = TypeVar("LinkT")

#: Most delays a doubling backoff lists before its longest one repeats.
MAX_DOUBLINGS = 64


class ConnectionRefused(Exception):
    """The platform refused for a reason waiting will not fix; the message says what to do."""


class CredentialsRefused(ConnectionRefused):
    """The platform refused the stored credentials. `renewed()` says whether other credentials
    have been stored since (cheap: it reads the token store, never the network)."""

    def __init__(self, message: str, renewed: Callable[[], bool]) -> None:
        super().__init__(message)
        self.renewed = renewed


#: How often a connection whose credentials were refused looks for new ones in the token store.
CREDENTIALS_CHECK_SECONDS = 2.0
#: What the hosts read while the new credentials are tried.
NEW_CREDENTIALS = "new credentials stored; connecting again"


#: What a mid-show `CredentialsRefused` adds to its fix.
RECONNECTS_ONCE_STORED = "it connects again by itself once they are stored (no restart needed)"


class ConnectionFinished(Exception):
    """The platform ended what was read for good (a live chat that ended); the message says so."""


class ConnectionLost(Exception):
    """The platform's library gave up reconnecting by itself: start a new connection."""


class Backoff:
    """The waits between attempts: `delays` in turn, then the last one again; `reset` starts over."""

    def __init__(self, delays: Sequence[float]) -> None:
        if not delays:
            raise ValueError("a backoff needs at least one delay")
        self.delays = tuple(delays)
        self._attempt = 0

    @classmethod
    def doubling(cls, first: float, longest: float) -> Backoff:
        """`first`, doubled after each failure up to `longest`."""
        delays = [first]
        while len(delays) < MAX_DOUBLINGS:
            following = min(delays[-1] * 2, longest)
            if following == delays[-1]:
                break
            delays.append(following)
        return cls(delays)

    def next_delay(self) -> float:
        delay = self.delays[min(self._attempt, len(self.delays) - 1)]
        self._attempt += 1
        return delay

    def reset(self) -> None:
        self._attempt = 0


#: Puts a failed attempt in words for the host; None for an error the platform does not expect
#: (then the traceback goes to the log).
Describe = Callable[[Exception], str | None]


class Connection(Generic[LinkT]):
    """One platform's connection, as the show and the host's actions see it.

    `link` is what actions act through (a client, and whatever ids it needs), set by the platform
    while it has one; `usable` says whether a link set earlier still works (a closed client does
    not). `ready()` is the one "connected?" check every action makes.
    """

    def __init__(
        self,
        platform: str,
        *,
        backoff: Backoff,
        not_connected: str,
        usable: Callable[[LinkT], bool] | None = None,
        credentials_check_seconds: float = CREDENTIALS_CHECK_SECONDS,
    ) -> None:
        self.platform = platform
        self.backoff = backoff
        self.not_connected_message = not_connected
        self.link: LinkT | None = None
        self.closing = asyncio.Event()
        self.state: ConnectionState | None = None
        self.detail = ""
        self._usable = usable
        self.credentials_check_seconds = credentials_check_seconds
        self._sink: AdapterSink | None = None
        self._got_connected = False  # during the current attempt
        #: Whether any attempt got connected (then refused credentials are waited out).
        self.ever_connected = False

    # -- what actions ask ---------------------------------------------------------------------

    def ready(self) -> LinkT | None:
        """What to act through, or None while not connected."""
        link = self.link
        if link is None or (self._usable is not None and not self._usable(link)):
            return None
        return link

    def not_connected(self) -> ActionResult:
        """The answer to an action while `ready()` is None."""
        return ActionResult.failed(self.not_connected_message)

    # -- what the show hears ------------------------------------------------------------------

    def attach(self, sink: AdapterSink) -> None:
        self._sink = sink

    def report(self, state: ConnectionState, detail: str = "", *, force: bool = False) -> None:
        """Tell the show, once per change (with `force`, every time: each retry is news)."""
        if (state, detail) == (self.state, self.detail) and not force:
            return
        self.state, self.detail = state, detail
        if state is ConnectionState.CONNECTED:
            self._got_connected = self.ever_connected = True
        if self._sink is not None:
            self._sink.connection_changed(self.platform, state, detail)

    def notice(self, text: str, level: str = "warning") -> None:
        """Tell the hosts something they should keep reading after the state has moved on."""
        log.warning("%s: %s", self.platform, text, extra={ECHO: True})
        if self._sink is not None:
            self._sink.platform_notice(self.platform, text, level)

    def fail(self, detail: str) -> None:
        """Stop for good: FAILED, with what the user must fix."""
        log.error("%s: %s", self.platform, detail)
        self.report(ConnectionState.FAILED, detail)

    # -- the loop -----------------------------------------------------------------------------

    async def keep(
        self, sink: AdapterSink, attempt: Callable[[], Awaitable[None]], describe: Describe
    ) -> None:
        """Run `attempt` until `close`, again after each failure, waiting `backoff` between."""
        self.attach(sink)
        self.backoff.reset()
        self.report(ConnectionState.CONNECTING)
        while not self.closing.is_set():
            self._got_connected = False
            try:
                await attempt()
            except CredentialsRefused as exc:
                if not self.ever_connected:
                    self.fail(str(exc))
                    return
                self.fail(f"{exc}; {RECONNECTS_ONCE_STORED}")
                if not await self._until_renewed(exc.renewed):
                    return  # closed while waiting: it stays FAILED, as it ended
                log.info("%s: %s", self.platform, NEW_CREDENTIALS)
                self.backoff.reset()
                self.report(ConnectionState.CONNECTING, NEW_CREDENTIALS)
                continue
            except ConnectionRefused as exc:
                self.fail(str(exc))
                return
            except ConnectionFinished as exc:
                log.info("%s: %s", self.platform, exc)
                self.report(ConnectionState.FINISHED, str(exc))
                return
            except ConnectionLost as exc:
                why = str(exc)
                log.warning("%s: %s", self.platform, why)
            except Exception as exc:  # any other failure: say why, wait, try again
                why = self._describe(exc, describe)
            else:
                why = "the connection ended"
            if self.closing.is_set():
                break
            if self._got_connected:
                self.backoff.reset()  # it worked for a while: start the backoff afresh
            delay = self.backoff.next_delay()
            self.report(ConnectionState.RECONNECTING, retry_detail(why, delay), force=True)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closing.wait(), timeout=delay)
        self.report(ConnectionState.DISCONNECTED)

    async def _until_renewed(self, renewed: Callable[[], bool]) -> bool:
        """Wait until `renewed()` (True) or `close` (False); a token store that cannot be read
        just now (being written, say) counts as unchanged."""
        while not self.closing.is_set():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.closing.wait(), self.credentials_check_seconds)
            if self.closing.is_set():
                return False
            try:
                if renewed():
                    return True
            except Exception:  # an unreadable store is no news
                log.debug("%s: the token store could not be read", self.platform, exc_info=True)
        return False

    def _describe(self, exc: Exception, describe: Describe) -> str:
        why = describe(exc)
        if why is None:
            log.error(
                "%s: the connection stopped on an unexpected error", self.platform, exc_info=exc
            )
            return "unexpected error (see the log)"
        log.warning("%s: connection failed: %s", self.platform, why)
        return why

    def close(self) -> None:
        """End the current attempt and stop reconnecting."""
        self.closing.set()
