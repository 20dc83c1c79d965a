"""The rules every config section follows, set once for the whole model."""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import BaseModel, ConfigDict, PrivateAttr


class Section(BaseModel):
    """A config section: unknown keys refused, field docstrings kept as the keys' help text,
    and every float finite: TOML spells `nan` and `inf`, and a NaN weight or limit would not
    fail loudly later but lose chat quietly (SQLite stores a NaN score as NULL).

    A section loaded with the settings knows its name and the file it was read from
    (`placed`), so a problem found long after loading (a channel Twitch does not know, at
    `stagehand run`) can say where to fix it (`key`)."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, allow_inf_nan=False)

    _name: str = PrivateAttr(default="")
    _file: str = PrivateAttr(default="")

    def placed(self, name: str, file: str) -> None:
        """Note the section's name and the config file it came from ("" for none)."""
        self._name, self._file = name, file

    def key(self, field: str) -> str:
        """Where the user sets `field`: "[twitch] channel in stagehand.toml", or the
        environment variable when that is where the value came from."""
        variable = self.set_in_environment(field)
        if variable:
            return variable
        shown = f"[{self._section}] {field}"
        return f"{shown} in {self._file}" if self._file else shown

    def set_in_environment(self, field: str) -> str:
        """The STAGEHAND_* variable that sets `field`, when it is set (the environment wins
        over the file); "" when it is not."""
        variable = f"STAGEHAND_{self._section}_{field}".upper()
        return variable if any(name.upper() == variable for name in os.environ) else ""

    @property
    def _section(self) -> str:
        # Not loaded with the settings (made in code): named after its class, TwitchSettings.
        return self._name or type(self).__name__.removesuffix("Settings").lower()


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
