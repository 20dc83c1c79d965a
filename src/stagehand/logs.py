"""Logging set-up: to a file while the console owns the terminal, to stderr when headless.

Every handler carries a filter that masks registered secrets (tokens, client secrets), so a
token that slips into an exception message or a library's debug line never reaches a log.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import platformdirs

MASK = "***"
_secrets: set[str] = set()


def register_secret(value: str | None) -> None:
    """Mask `value` wherever it would appear in a log record from now on."""
    if value and len(value) >= 6:
        _secrets.add(value)
        if value.startswith("oauth:"):
            _secrets.add(value.removeprefix("oauth:"))


def redact(text: str) -> str:
    for secret in _secrets:
        if secret in text:
            text = text.replace(secret, MASK)
    return text


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _secrets:
            return True
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


def configure_logging(*, to_file: bool, verbose: bool = False) -> Path | None:
    """Route stagehand's (and the platform libraries') logs; returns the log file, if any.

    `STAGEHAND_LOG_LEVEL=DEBUG` (or INFO, ...) overrides the level, e.g. to report a bug.
    """
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    path: Path | None = None
    handler: logging.Handler
    if to_file:
        path = log_dir() / "stagehand.log"
        path.parent.mkdir(parents=True, exist_ok=True)
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
