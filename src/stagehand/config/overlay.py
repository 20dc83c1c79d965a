"""The `[overlay]` config section: the OBS browser-source page and what goes on it."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator

from stagehand.config.section import Section, existing_file


class OverlaySettings(Section):
    css: Path | None = None
    """A CSS file that themes the overlay (relative: to this config file's folder; read on every page load; see docs/server.md for the
    classes). It cannot load anything from the network: the page forbids it."""

    feature_on_answer: bool = False
    """Answering a comment on air (`a`) also shows it on stream."""

    feature_seconds: float = Field(default=60.0, ge=0, le=86_400)
    """Seconds a comment stays on stream before it leaves by itself (0: until taken off)."""

    @field_validator("css")
    @classmethod
    def _css_file(cls, value: Path | None) -> Path | None:
        return existing_file(value, "a CSS file (docs/server.md lists the classes), or no css")
