"""Where platform tokens live: a JSON file in the user's config directory, owner-only.

Never in the project directory, never in the database, never printed. Values are kept as
given; callers wrap them in `SecretStr` as soon as they read them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from stagehand.config import user_config_dir
from stagehand.logs import register_secret


def default_token_path() -> Path:
    env = os.environ.get("STAGEHAND_TOKEN_FILE")
    return Path(env).expanduser() if env else user_config_dir() / "tokens.json"


class TokenStore:
    """A small JSON document of named secrets, e.g. {"twitch": {...}, "discord": {"token": ...}}."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or default_token_path()

    def load(self) -> dict[str, Any]:
        """The whole document; every token and secret in it is masked in logs from now on."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError, RecursionError) as exc:
            raise RuntimeError(
                f"{self.path}: token file unreadable ({type(exc).__name__})"
            ) from None
        _register_secrets(data)
        return data

    def get(self, name: str) -> Any:
        return self.load().get(name)

    def set(self, name: str, value: Any) -> None:
        _register_secrets(value)
        data = self.load()
        data[name] = value
        self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = self.path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle, indent=2)
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)

    def permissions_ok(self) -> bool:
        """True when the file is missing or readable by its owner only."""
        try:
            mode = self.path.stat().st_mode
        except FileNotFoundError:
            return True
        return mode & 0o077 == 0


def _register_secrets(value: Any, key: str = "") -> None:
    """Register every string stored under a key that names a token or secret."""
    if isinstance(value, dict):
        for item_key, item in value.items():
            _register_secrets(item, str(item_key))
    elif isinstance(value, list):
        for item in value:
            _register_secrets(item, key)
    elif isinstance(value, str) and ("token" in key or "secret" in key):
        register_secret(value)
