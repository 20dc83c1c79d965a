"""The `[obs]` config section: OBS Studio follows the stage through obs-websocket (v5)."""

from __future__ import annotations

from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator

from stagehand.config.section import Section


class ObsSettings(Section):
    enabled: bool = False
    """Switch scenes or show a source in OBS when a guest comes on stage and when the stage empties."""

    url: str = "ws://127.0.0.1:4455"
    """obs-websocket's address (OBS: Tools → WebSocket Server Settings), ws://HOST:PORT."""

    @field_validator("url")
    @classmethod
    def _a_websocket_address(cls, value: str) -> str:
        value = value.strip()
        parts = urlsplit(value)
        try:
            port = parts.port
        except ValueError:
            port = -1
        if parts.scheme not in ("ws", "wss") or not parts.hostname or port == -1:
            raise ValueError(
                'must be obs-websocket\'s address, ws://HOST:PORT (e.g. "ws://127.0.0.1:4455", '
                "as OBS shows it under Tools → WebSocket Server Settings)"
            )
        return value

    password: SecretStr | None = None
    """obs-websocket's password. Prefer STAGEHAND_OBS_PASSWORD."""

    stage_scene: str = ""
    """The scene to switch to when someone comes on stage (empty: no scene switch)."""

    show_scene: str = ""
    """The scene to switch back to when the stage is empty again."""

    stage_source: str = ""
    """A source (e.g. the guest's camera) to show while someone is on stage, hidden after."""

    source_scene: str = ""
    """The scene holding `stage_source` (empty: the scene on program at the time)."""

    timeout_seconds: float = Field(default=5.0, gt=0, le=60)
    """How long to wait for OBS to answer before giving up (the show goes on either way)."""
