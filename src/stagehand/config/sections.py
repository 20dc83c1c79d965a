"""The show, database and console sections of the settings (the other sections each have a
module of their own)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from pydantic import Field, field_validator, model_validator

from stagehand.config.section import Section

#: The logger these sections' warnings always went to (they were in `settings` once).
log = logging.getLogger("stagehand.config.settings")


class SegmentPlan(Section):
    title: str = Field(min_length=1)
    """The segment's title, shown in the console header."""

    keywords: list[str] = []
    """Words and phrases the segment is about; the ranking lifts comments that use them."""


class ShowSettings(Section):
    name: str = Field(default="live", min_length=1)
    """The show's name in the database. Running again with the same name resumes that show."""

    title: str = ""
    """The show's title, shown in the console and the reports."""

    description: str = ""
    """What the show is about; words from it count a little towards every segment's topic."""

    guest_link: str = ""
    """The link guests use to join the show (StreamYard, VDO.Ninja, ...), sent when pulling someone on stage."""

    hosts: list[str] = []
    """Extra accounts that may use moderator commands, as "platform:name", e.g. "twitch:cohost"."""

    segments: list[SegmentPlan] = []
    """Planned segments, in order; `n` in the console moves to the next one."""


def database_path_problem(path: Path) -> str | None:
    """Why `path` cannot be the database file, said before anything opens it (None: as far as
    can be told without creating it, it can). `--db` and `[database] path` both ask: a device
    (`/dev/null`, to store nothing?) was "cannot write the database (disk I/O error)"."""
    try:
        if path.is_dir():
            return f"{path} is a folder"
        if path.exists() and not path.is_file():
            return f"{path} is not a regular file (a device or a pipe)"
        above = next((folder for folder in path.parents if folder.exists()), None)
        if above is not None and not above.is_dir():
            return f"{path} would be inside {above}, a file, not a folder"
    except OSError:  # not ours to look at (another user's folder): the store words it
        return None
    return None


class DatabaseSettings(Section):
    path: Path | None = None
    """The SQLite file (relative: to this config file's folder). Default: stagehand.db in the user's data directory."""

    batch_size: int = Field(default=4_000, ge=1, le=100_000)
    """Most comments written in one transaction (chat is written as soon as it arrives; only a
    flood fills a batch, and a bigger one stores a long show's flood faster)."""

    cached_authors: int = Field(default=50_000, ge=100, le=10_000_000)
    """Most authors whose database row ids the writer remembers (least recently seen are
    forgotten first; one who speaks again is looked up by the unique index): memory stays
    flat however many new viewers a show meets."""

    @field_validator("path")
    @classmethod
    def _a_database_file(cls, value: Path | None) -> Path | None:
        problem = None if value is None else database_path_problem(value.expanduser())
        if value is None or problem is None:
            return value
        example = value / "stagehand.db" if value.expanduser().is_dir() else "show.db"
        raise ValueError(
            f"{problem}; expected a database file (made by the first show if missing), "
            f"e.g. {example}"
        )

    @model_validator(mode="before")
    @classmethod
    def _drop_retired_keys(cls, data: Any) -> Any:
        # `flush_interval_seconds` never did anything (the writer commits whatever is queued at
        # once); older config files that set it still load.
        if isinstance(data, dict) and "flush_interval_seconds" in data:
            data = {key: value for key, value in data.items() if key != "flush_interval_seconds"}
            log.warning(
                "[database] flush_interval_seconds is no longer used (chat is written as soon "
                "as it arrives): remove it from your config"
            )
        return data


class ConsoleSettings(Section):
    show_raw_chat: bool = True
    """Show the raw chat panel at start (toggle it with `c`)."""

    redraw_per_second: float = Field(default=8.0, gt=0, le=60)
    """Most redraws of the queue per second, however fast chat is."""

    queue_size: int = Field(default=200, ge=10, le=5000)
    """How many ranked comments the queue keeps."""
