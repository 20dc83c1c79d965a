"""The rules every config section follows, set once for the whole model."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: unknown keys refused, field docstrings kept as the keys' help text,
    and every float finite: TOML spells `nan` and `inf`, and a NaN weight or limit would not
    fail loudly later but lose chat quietly (SQLite stores a NaN score as NULL)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, allow_inf_nan=False)


def existing_file(path: Path | None, expected: str) -> Path | None:
    """`path` when it names a file (or is unset); a ValueError saying what was `expected`
    when nothing is there or it is a folder: a file named in the config that is not there is
    a mistake to say at once, not a feature quietly missing on air."""
    if path is None:
        return None
    found = path.expanduser()
    if found.is_dir():
        raise ValueError(f"{path} is a folder; expected {expected}")
    if not found.exists():
        raise ValueError(f"no such file: {path}; expected {expected}")
    return path
