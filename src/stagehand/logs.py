"""Logging set-up: to a file while the console owns the terminal, to stderr when headless.

Every handler carries a filter that masks registered secrets (tokens, client secrets), so a
token that slips into an exception message or a library's debug line never reaches a log.
Secrets are registered where they are loaded: the config and environment (config.py), the
token store (tokens.py) and tokens a platform library obtains at run time (the adapters).
The log file and its folder are readable by their owner only: logs quote chat and errors.
"""

from __future__ import annotations

import logging
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO
from urllib.parse import quote, quote_plus

import platformdirs

MASK = "***"
#: A token `stagehand token create` issues ("shs_" and 43 URL-safe characters): masked by its
#: shape, since a show never holds one until a client sends it (in a header it may log).
ISSUED_TOKEN = re.compile(r"shs_[A-Za-z0-9_-]{20,}")
_secrets: set[str] = set()
#: The secrets longest first, so a secret containing another is masked whole.
_masking_order: tuple[str, ...] = ()


def register_secret(value: str | None) -> None:
    """Mask `value` wherever it would appear in a log record from now on.

    Also its forms inside a URL (an echoed request quotes it percent-encoded) and without
    Twitch's `oauth:` prefix.
    """
    global _masking_order
    if not value or len(value) < 6:
        return
    bare = value.removeprefix("oauth:")
    forms = {value, bare, quote(value, safe=""), quote(bare, safe=""), quote_plus(bare)}
    if forms <= _secrets:
        return
    _secrets.update(form for form in forms if len(form) >= 6)
    _masking_order = tuple(sorted(_secrets, key=len, reverse=True))


def register_secrets(values: Iterable[str | None]) -> None:
    for value in values:
        register_secret(value)


def redact(text: str) -> str:
    """`text` with every registered secret, and every token shaped like ours, replaced by ***."""
    for secret in _masking_order:
        if secret in text:
            text = text.replace(secret, MASK)
    if "shs_" in text:
        text = ISSUED_TOKEN.sub(MASK, text)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact(message)
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now, redacted, so the handler never sees the raw text.
            formatted = logging.Formatter().formatException(record.exc_info)
            redacted = f"{redacted}\n{redact(formatted)}"
            record.exc_info = None
            record.exc_text = None
        if redacted != message or record.args:
            record.msg = redacted
            record.args = None
        return True


class DropVoiceSupportWarnings(logging.Filter):
    """discord.py's "PyNaCl is not installed, voice will NOT be supported" (and the same for
    `davey`), said when a client is made: stagehand never uses voice (a Stage channel's
    speakers are managed without it), so a host must not read it as a broken stage."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "voice will NOT be supported" not in record.getMessage()


#: The discord.py logger those warnings come from (discord/client.py, `Client.__init__`).
DISCORD_CLIENT_LOGGER = "discord.client"


def log_dir() -> Path:
    return Path(platformdirs.user_log_dir("stagehand", appauthor=False))


def log_file_path() -> Path:
    return log_dir() / "stagehand.log"


def _private_log_file() -> Path:
    """The log file, created (or narrowed to) owner-only in an owner-only folder."""
    path = log_file_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    path.parent.chmod(0o700)  # made by an older stagehand, or by mkdir under a lax umask
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.fchmod(fd, 0o600)
    finally:
        os.close(fd)
    return path


def open_log_file() -> tuple[Path, IO[str]]:
    """The log file opened for appending (owner-only), for a report written outside logging."""
    path = _private_log_file()
    return path, path.open("a", encoding="utf-8")


#: The logger of each platform's connection (adapters/connection.py): a headless show says its
#: states on the terminal in its own words (`twitch: failed (...)`, the `Error:` line).
CONNECTION_LOGGER = "stagehand.adapters.connection"
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class TerminalEcho(logging.Filter):
    """What a headless show echoes of its log on stderr: not what its status lines say already
    (a connection's failures and retries); a connection's notices, which no status line says,
    still are."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.name == WRITER_LOGGER:
            return False  # the show's own "Storage problem" line says it, with the fix
        if record.name == "asyncio" and str(record.msg).startswith("Unclosed "):
            # A platform library's HTTP session left open as the show stops (twitchio, when
            # the stop comes mid-request): nothing the host can act on; the file keeps it.
            return False
        return record.name != CONNECTION_LOGGER or bool(getattr(record, ECHO, False))


def _unraisable_to_the_log(unraisable: sys.UnraisableHookArgs) -> None:
    """Python's "Exception ignored in ..." with its traceback (a library's object cleaned up
    after the event loop closed, as the process ends): into the log, never on the terminal."""
    exc = unraisable.exc_value
    logging.getLogger("stagehand.unraisable").info(
        "ignored while cleaning up %r: %s",
        unraisable.object,
        unraisable.err_msg or "",
        exc_info=(unraisable.exc_type, exc, unraisable.exc_traceback) if exc else None,
    )


#: Set (`extra={ECHO: True}`) on a connection's record the terminal should still get: a notice.
ECHO = "stagehand_echo"
#: The database writer's logger: its failures reach the hosts as the show's own notice.
WRITER_LOGGER = "stagehand.store.writer"


class QuietFileHandler(logging.FileHandler):
    """The log file, silent when it cannot be written (a full disk): logging's own handler
    would print "--- Logging error ---" and a traceback on stderr for every record, right when
    the show is saying in one line what to fix."""

    def handleError(self, record: logging.LogRecord) -> None:
        return


class OneLine(logging.Formatter):
    """A record's first line: a traceback stays in the log file, which the line points at."""

    def __init__(self, log_path: Path) -> None:
        super().__init__(FORMAT)
        self.log_path = log_path

    def format(self, record: logging.LogRecord) -> str:
        first, _, more = super().format(record).partition("\n")
        return f"{first} (the details are in {self.log_path})" if more else first


def configure_logging(
    *, to_file: bool, verbose: bool = False, echo_warnings: bool = False
) -> Path | None:
    """Route stagehand's (and the platform libraries') logs; returns the log file, if any.

    `echo_warnings` (with `to_file`, for a show with no console): the log file keeps everything,
    and warnings and errors are also said on stderr, one line each.
    `STAGEHAND_LOG_LEVEL=DEBUG` (or INFO, ...) overrides the level, e.g. to report a bug.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    path: Path | None = None
    handler: logging.Handler
    if to_file:
        try:
            path = _private_log_file()
            handler = QuietFileHandler(path, encoding="utf-8")
        except OSError:  # a home that cannot be written (a container, ProtectHome): stderr
            path = None
            handler = logging.StreamHandler()
    else:
        handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    sys.unraisablehook = _unraisable_to_the_log
    level = os.environ.get("STAGEHAND_LOG_LEVEL", "").upper()
    chosen = level in logging.getLevelNamesMapping()
    if path is not None and echo_warnings:
        echo = logging.StreamHandler()
        echo.addFilter(RedactSecrets())
        echo.addFilter(TerminalEcho())
        echo.setFormatter(OneLine(path))
        # Asked for (to report a bug, say), the chattiest lines are on the terminal too.
        echo.setLevel(level if chosen else logging.WARNING)
        root.addHandler(echo)
    discord_client = logging.getLogger(DISCORD_CLIENT_LOGGER)
    if not any(isinstance(f, DropVoiceSupportWarnings) for f in discord_client.filters):
        discord_client.addFilter(DropVoiceSupportWarnings())
    if chosen:
        root.setLevel(level)
    else:
        root.setLevel(logging.DEBUG if verbose else logging.INFO if to_file else logging.WARNING)
    return path
