"""What the show's log says of connections that never reach a route: a request aiohttp cannot
parse, and a client that goes away in the middle of one.

aiohttp logs both through its `aiohttp.server` logger at ERROR, with a traceback: a malformed
request's record quotes the offending header line (a Stream Deck plugin that adds a stray control
character to `Authorization: Bearer shs_...` would put its token in the show's log), and every
client that disconnects while its request is read (a button that timed out, a closed laptop)
gives 30 lines. `QuietConnections`, a filter on that logger, turns the first into one line naming
only the kind of error and the second into a debug line. (logs.py masks anything shaped like our
tokens in every line anyway.) aiohttp's own 400 answer still quotes the line to the client that
sent it: that client has the token already, and nothing else sees it.
"""

from __future__ import annotations

import logging

from aiohttp.http_exceptions import HttpProcessingError

#: The logger aiohttp's request handlers write to.
AIOHTTP_SERVER = "aiohttp.server"


class QuietConnections(logging.Filter):
    """Rewrites aiohttp's records of bad requests and vanished clients (see the module)."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ConnectionError):
            _rewrite(record, logging.DEBUG, "a client went away in the middle of a request (%s)")
        elif isinstance(error, HttpProcessingError):
            # Its text quotes the raw request bytes: only the kind of error is logged.
            _rewrite(record, logging.INFO, "refused a request that is not valid HTTP (%s)")
        return True


def _rewrite(record: logging.LogRecord, level: int, message: str) -> None:
    error = record.exc_info[1] if record.exc_info else None
    record.levelno, record.levelname = level, logging.getLevelName(level)
    record.msg, record.args = message, (type(error).__name__,)
    record.exc_info = record.exc_text = None


def quiet_connections() -> None:
    """Install `QuietConnections` on aiohttp's server logger (once, however many shows start)."""
    logger = logging.getLogger(AIOHTTP_SERVER)
    if not any(isinstance(f, QuietConnections) for f in logger.filters):
        logger.addFilter(QuietConnections())
