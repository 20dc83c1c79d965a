"""Settings: one validated model from a TOML file plus `STAGEHAND_*` environment variables.

Every section's model lives in this package (show, database and console in `sections`, the
others in a module of their own), each a `section.Section` (unknown keys refused, every float
finite); `settings` reads and validates them; `example` writes the example config from the same
models.
"""

from stagehand.config.sections import (
    ConsoleSettings,
    DatabaseSettings,
    SegmentPlan,
    ShowSettings,
)
from stagehand.config.settings import (
    APP_NAME,
    CONFIG_FILENAME,
    ConfigError,
    Settings,
    candidate_paths,
    default_db_path,
    load_settings,
    user_config_dir,
    user_data_dir,
)

__all__ = [
    "APP_NAME",
    "CONFIG_FILENAME",
    "ConfigError",
    "ConsoleSettings",
    "DatabaseSettings",
    "SegmentPlan",
    "Settings",
    "ShowSettings",
    "candidate_paths",
    "default_db_path",
    "load_settings",
    "user_config_dir",
    "user_data_dir",
]
