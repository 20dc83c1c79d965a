"""Render the documented example config from the settings models themselves.

`config.example.toml` is this output (a test keeps them equal), so every key is documented with
the docstring on its field and shown with its default: the example cannot drift from the code.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, SecretStr

from stagehand.config import Settings

HEADER = """\
# stagehand configuration: copy this file to stagehand.toml (or pass -c PATH) and edit it.
# Every key is optional; the values shown are the defaults. Commented-out keys have no default.
# Any key can also come from the environment as STAGEHAND_<SECTION>_<KEY>, e.g.
# STAGEHAND_TWITCH_CLIENT_SECRET, STAGEHAND_DISCORD_TOKEN or STAGEHAND_YOUTUBE_CLIENT_SECRET:
# prefer that for secrets.
# Regenerate with: stagehand config-example > config.example.toml
"""

# Values worth showing for keys that have no default, so the example reads like a real show.
EXAMPLES: dict[str, Any] = {
    "show.segments": [
        {"title": "Welcome and news", "keywords": ["news", "announcement"]},
        {"title": "Building the filter", "keywords": ["filter", "cutoff", "resonance"]},
    ],
}


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, Path):
        return json.dumps(str(value))
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        inner = ", ".join(f"{key} = {_toml_value(item)}" for key, item in value.items())
        return "{ " + inner + " }"
    if isinstance(value, BaseModel):
        return _toml_value(value.model_dump())
    raise TypeError(f"cannot render {value!r} as TOML")


def _comment(text: str | None) -> list[str]:
    if not text:
        return []
    return ["# " + line.strip() if line.strip() else "#" for line in text.strip().splitlines()]


def _render_model(model: type[BaseModel], instance: BaseModel, path: str) -> list[str]:
    lines: list[str] = []
    nested: list[tuple[str, type[BaseModel], BaseModel]] = []
    for name, field in model.model_fields.items():
        value = getattr(instance, name)
        if isinstance(value, BaseModel):
            nested.append((name, type(value), value))
            continue
        lines.extend(_comment(field.description))
        dotted = f"{path}.{name}"
        if dotted in EXAMPLES:
            for item in EXAMPLES[dotted]:
                lines.append(f"# [[{dotted}]]")
                lines.extend(f"# {key} = {_toml_value(val)}" for key, val in item.items())
        elif value is None or isinstance(value, SecretStr):
            lines.append(f"# {name} =")
        else:
            lines.append(f"{name} = {_toml_value(value)}")
        lines.append("")
    for name, sub_model, sub_instance in nested:
        lines.append(f"[{path}.{name}]")
        lines.extend(_render_model(sub_model, sub_instance, f"{path}.{name}"))
    return lines


def render_example() -> str:
    """The example config, every section and key with its docstring and default."""
    defaults = Settings.model_construct()
    lines = [HEADER]
    for name, field in Settings.model_fields.items():
        section = getattr(defaults, name, None) or field.get_default(call_default_factory=True)
        lines.append(f"[{name}]")
        lines.extend(_comment(type(section).__doc__ if type(section).__doc__ else None))
        lines.extend(_render_model(type(section), section, name))
    text = "\n".join(lines).rstrip() + "\n"
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    return text
