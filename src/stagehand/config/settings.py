"""Settings: one validated model from a TOML file plus `STAGEHAND_*` environment variables.

Where the file is looked for, in order: the path given with `-c`, `$STAGEHAND_CONFIG`,
`./stagehand.toml`, then the user's config directory. Environment variables override the file:
`STAGEHAND_<SECTION>_<KEY>`, e.g. `STAGEHAND_TWITCH_CLIENT_SECRET`, `STAGEHAND_DATABASE_PATH`.
A wrong value raises `ConfigError` naming the file, the key and what was expected.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from pathlib import Path
from typing import Any

import platformdirs
from pydantic import (
    BaseModel,
    SecretStr,
    ValidationError,
)
from pydantic_settings import (
    BaseSettings,
    PydanticBaseSettingsSource,
    SettingsConfigDict,
    SettingsError,
)

from stagehand.config.commands import CommandSettings
from stagehand.config.discord import DiscordSettings
from stagehand.config.obs import ObsSettings
from stagehand.config.overlay import OverlaySettings
from stagehand.config.ranking import RankingSettings
from stagehand.config.section import Section
from stagehand.config.sections import ConsoleSettings, DatabaseSettings, ShowSettings
from stagehand.config.server import ServerSettings
from stagehand.config.twitch import TwitchSettings
from stagehand.config.youtube import YouTubeSettings
from stagehand.logs import register_secret

APP_NAME = "stagehand"
CONFIG_FILENAME = "stagehand.toml"


def user_config_dir() -> Path:
    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def default_db_path() -> Path:
    """Where the database lives unless `--db` or `[database] path` says otherwise."""
    env = os.environ.get("STAGEHAND_DATABASE_PATH")
    return Path(env).expanduser() if env else user_data_dir() / "stagehand.db"


FIX_THE_FILE = "fix the file as the message says"
FIX_THE_VARIABLE = "fix or unset the environment variable as the message says"


class ConfigError(Exception):
    """A config problem, worded for the person who has to fix the file (or the variable)."""

    def __init__(self, message: str, *, fix: str = FIX_THE_FILE) -> None:
        super().__init__(message)
        #: What to do about it, for `doctor`'s `->` line.
        self.fix = fix


class Settings(BaseSettings):
    """Everything stagehand reads from stagehand.toml and the environment."""

    model_config = SettingsConfigDict(
        env_prefix="STAGEHAND_",
        env_nested_delimiter="_",
        env_nested_max_split=1,
        extra="forbid",
        use_attribute_docstrings=True,
        allow_inf_nan=False,  # as in every section (config/section.py)
    )

    show: ShowSettings = ShowSettings()
    database: DatabaseSettings = DatabaseSettings()
    console: ConsoleSettings = ConsoleSettings()
    ranking: RankingSettings = RankingSettings()
    commands: CommandSettings = CommandSettings()
    twitch: TwitchSettings = TwitchSettings()
    discord: DiscordSettings = DiscordSettings()
    server: ServerSettings = ServerSettings()
    overlay: OverlaySettings = OverlaySettings()
    obs: ObsSettings = ObsSettings()
    youtube: YouTubeSettings = YouTubeSettings()

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # The environment wins over the file (init_settings carries the parsed TOML).
        return (env_settings, init_settings)

    def db_path(self) -> Path:
        return (self.database.path or default_db_path()).expanduser()


def candidate_paths(explicit: Path | None) -> list[Path]:
    if explicit is not None:
        return [explicit]
    env = os.environ.get("STAGEHAND_CONFIG")
    if env:
        return [Path(env)]
    return [Path.cwd() / CONFIG_FILENAME, user_config_dir() / "config.toml"]


def load_settings(path: Path | None = None, *, required: bool = True) -> Settings:
    """Read and validate the config. Without a file and `required=False`, defaults + environment."""
    paths = candidate_paths(path)
    found = next((p for p in paths if p.exists()), None)
    if found is not None and found.is_dir():
        raise ConfigError(_folder_message(found, path), fix=_folder_fix(path))
    if found is None:
        if required or path is not None or os.environ.get("STAGEHAND_CONFIG"):
            looked = ", ".join(str(p) for p in paths)
            raise ConfigError(
                f"No config file found (looked in: {looked}). "
                "Copy config.example.toml to stagehand.toml and edit it, or pass -c PATH."
            )
        return _validate({}, source="(defaults and environment)")
    try:
        data = tomllib.loads(_read_text(found))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{found}: not valid TOML: {exc}") from None
    except RecursionError:
        raise ConfigError(f"{found}: not valid TOML: nested too deeply") from None
    except OSError as exc:
        raise ConfigError(f"{found}: cannot read: {exc.strerror}") from None
    return _validate(_paths_from(found.parent, data), source=str(found))


#: The config's file paths: a relative one in the file is relative to the file's folder.
FILE_PATH_KEYS = (
    ("database", "path"),
    ("overlay", "css"),
    ("server", "tls_cert"),
    ("server", "tls_key"),
)


def _paths_from(folder: Path, data: dict[str, Any]) -> dict[str, Any]:
    """`data` with each relative file path read as relative to the config's folder.

    `[database] path = "show.db"` made the show's database in whatever folder the command ran
    from: the same config run from another folder started a new, empty database (no resume, no
    --trend). Paths given on the command line or in the environment stay relative to the
    current folder, as a shell user expects."""
    for section, key in FILE_PATH_KEYS:
        table = data.get(section)
        if not isinstance(table, dict) or not isinstance(table.get(key), str) or not table[key]:
            continue
        given = Path(table[key]).expanduser()
        if not given.is_absolute():
            data = {**data, section: {**table, key: str(folder.absolute() / given)}}
    return data


def _folder_message(folder: Path, explicit: Path | None) -> str:
    """A folder where the config file was looked for, said as what to give instead."""
    instead = folder / CONFIG_FILENAME
    if explicit is None and os.environ.get("STAGEHAND_CONFIG"):
        return (
            f"STAGEHAND_CONFIG names {folder}, a folder, not a config file: set it to a TOML "
            f"file such as {instead}, or unset it"
        )
    if explicit is not None:
        return (
            f"{folder} is a folder, not a config file: pass -c with a TOML file such as {instead}"
        )
    return f"{folder} is a folder, not a config file: move it away, or pass -c PATH"


def _folder_fix(explicit: Path | None) -> str:
    if explicit is None and os.environ.get("STAGEHAND_CONFIG"):
        return "set STAGEHAND_CONFIG to a config file, or unset it"
    return "give a config file as the message says"


def _read_text(path: Path) -> str:
    """The file as UTF-8 text (a leading byte order mark dropped); ConfigError if it is not."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise ConfigError(
            f"{path}: not UTF-8 text (byte 0x{raw[exc.start]:02x} on line {line}, column "
            f"{column}): save the file as UTF-8"
        ) from None


def _validate(data: dict[str, Any], *, source: str) -> Settings:
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        message, fix = _describe(exc, source)
        raise ConfigError(message, fix=fix) from None
    except (SettingsError, RecursionError) as exc:
        # pydantic-settings names only the section; find the variable the user has to fix.
        raise ConfigError(_describe_environment_error(exc), fix=FIX_THE_VARIABLE) from None
    _register_secrets(settings)
    file = "" if source.startswith("(") else source  # "(defaults and environment)": no file
    for name in type(settings).model_fields:
        section = getattr(settings, name)
        if isinstance(section, Section):
            section.placed(name, file)
    return settings


def _register_secrets(model: BaseModel) -> None:
    """Every secret in the settings is masked in logs and messages from now on."""
    for name in type(model).model_fields:
        value = getattr(model, name)
        if isinstance(value, SecretStr):
            register_secret(value.get_secret_value())
        elif isinstance(value, BaseModel):
            _register_secrets(value)


def _describe_environment_error(exc: BaseException) -> str:
    """Which STAGEHAND_* variable holds JSON that does not parse, and how to write it."""
    match = re.search(r'field "(\w+)"', str(exc))
    prefix = "STAGEHAND_" + (match.group(1).upper() if match else "")
    candidates = sorted(
        name
        for name in os.environ
        if name.upper().startswith(prefix) and name.upper() != prefix + "CONFIG"
    )
    for name in candidates:
        try:
            json.loads(os.environ[name])
        except json.JSONDecodeError as error:
            reason = f"{error.msg} at column {error.colno}"
        except RecursionError:
            reason = "nested too deeply"
        else:
            continue
        if name.upper() == prefix or os.environ[name].lstrip()[:1] in ("[", "{"):
            return (
                f"environment variable {name}: not valid JSON ({reason}); write lists and "
                """sections as JSON, e.g. '["twitch:cohost"]' or '{"name": "friday"}', or unset it"""
            )
    named = ", ".join(candidates) or "STAGEHAND_*"
    return f"environment variables {named}: a value could not be read as JSON; fix or unset it"


def _describe(exc: ValidationError, source: str) -> tuple[str, str]:
    """The message naming where each wrong value came from (a key of the file, or the
    `STAGEHAND_*` variable that overrides it), and what to fix."""
    lines = []
    variables = []
    for error in exc.errors(include_url=False):
        key = ".".join(str(part) for part in error["loc"]) or "(top level)"
        message = error["msg"]
        if error["type"] == "extra_forbidden":
            message = "unknown key (see config.example.toml for the keys there are)"
        elif got := _shown_input(key, error.get("input")):
            # Our own validators' words (a value_error) name the value already where it helps.
            ours = error["type"] == "value_error"
            message = message.removeprefix("Value error, ")
            if not (ours and (got in message or str(error.get("input")) in message)):
                message = f"{message} (got {got})"
        else:
            message = message.removeprefix("Value error, ")
        variable = _variable_for(error["loc"])
        if variable is not None:
            variables.append(variable)
            key = f"environment variable {variable} ({key})"
        lines.append(f"  {key}: {message}")
    if len(variables) == len(lines):
        head, fix = "invalid configuration in the environment", FIX_THE_VARIABLE
    else:
        head, fix = f"{source}: invalid configuration", FIX_THE_FILE
        if variables:
            fix = "fix the file and the environment variables as the message says"
    return "\n".join([head, *lines]), fix


def _variable_for(loc: tuple[int | str, ...]) -> str | None:
    """The `STAGEHAND_*` variable the value at `loc` came from; None if it came from the file.

    A variable names a section (`STAGEHAND_SHOW`, JSON) or a key in one
    (`STAGEHAND_TWITCH_ENABLED`, `STAGEHAND_RANKING_WEIGHTS` as JSON): the split stops after
    the section (`env_nested_max_split=1`), so deeper keys live in the variable's JSON.
    """
    names = {name.upper(): name for name in os.environ}
    for depth in range(min(len(loc), 2), 0, -1):
        name = names.get("STAGEHAND_" + "_".join(str(part) for part in loc[:depth]).upper())
        if name is not None and _holds(os.environ[name], loc[depth:]):
            return name
    return None


def _holds(value: str, rest: tuple[int | str, ...]) -> bool:
    """Whether a variable's value reaches down to `rest` (its JSON has that key)."""
    if not rest:
        return True
    try:
        node: Any = json.loads(value)
    except (ValueError, RecursionError):
        return False
    for part in rest:
        in_dict = isinstance(node, dict) and part in node
        in_list = isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)
        if not (in_dict or in_list):
            return False
        node = node[part]
    return True


def _shown_input(key: str, value: Any) -> str:
    """The wrong value as the message may quote it: never a secret, nor a whole section (whose
    other keys may be secrets: a `[server]` rule would show its token)."""
    if value is None or isinstance(value, dict) or _looks_secret(key):
        return ""
    return repr(value)


def _looks_secret(key: str) -> bool:
    return any(word in key for word in ("token", "secret", "password"))
