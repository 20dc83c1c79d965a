"""The `[ranking]` config section."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class RankingSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    half_life_seconds: float = Field(default=180.0, gt=0)
    """A comment's score halves every this many seconds (recency)."""
