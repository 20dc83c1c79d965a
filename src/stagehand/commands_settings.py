"""The `[commands]` config section (chat commands such as !ask and !hand)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CommandSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    enabled: bool = True
    """Answer chat commands at all."""

    prefix: str = Field(default="!", min_length=1, max_length=3)
    """What starts a chat command, e.g. "!" for !ask."""
