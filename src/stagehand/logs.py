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


def configure_logging(*, to_file: bool, verbose: bool = False) -> Path | None:
    """Route stagehand's (and the platform libraries') logs; returns the log file, if any.

    `STAGEHAND_LOG_LEVEL=DEBUG` (or INFO, ...) overrides the level, e.g. to report a bug.
    """
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    path: Path | None = None
    handler: logging.Handler
    if to_file:
        path = _private_log_file()
        handler = logging.FileHandler(path, encoding="utf-8")
    else:
        handler = logging.StreamHandler()
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    level = os.environ.get("STAGEHAND_LOG_LEVEL", "").upper()
    if level in logging.getLevelNamesMapping():
        root.setLevel(level)
    else:
        root.setLevel(logging.DEBUG if verbose else logging.INFO if to_file else logging.WARNING)
    return path
