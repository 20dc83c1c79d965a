"""The rules every config section follows, set once for the whole model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section: unknown keys refused, field docstrings kept as the keys' help text,
    and every float finite: TOML spells `nan` and `inf`, and a NaN weight or limit would not
    fail loudly later but lose chat quietly (SQLite stores a NaN score as NULL)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, allow_inf_nan=False)
