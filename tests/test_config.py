"""Config loading: a wrong value names the file, the key and what was expected."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import get_args

import pytest
from pydantic import BaseModel

from stagehand.config import ConfigError, Settings, load_settings


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "stagehand.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    settings = load_settings(example)
    assert settings.show.name
    assert settings.commands.prefix == "!"


def test_a_wrong_value_names_file_key_and_expectation(tmp_path: Path) -> None:
    path = write(tmp_path, '[database]\nbatch_size = "lots"\n[twitch]\nenabled = "maybe"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message
    assert "database.batch_size: Input should be a valid integer" in message
    assert "'lots'" in message
    assert "twitch.enabled" in message and "boolean" in message


def test_an_unknown_key_is_reported_not_ignored(tmp_path: Path) -> None:
    path = write(tmp_path, "[show]\ntitel = 'typo'\n")
    with pytest.raises(ConfigError, match=r"show\.titel: unknown key"):
        load_settings(path)


def test_invalid_toml_names_the_file_and_position(tmp_path: Path) -> None:
    path = write(tmp_path, "[show\nname = 1\n")
    with pytest.raises(ConfigError, match=rf"{path}: not valid TOML.*line 1"):
        load_settings(path)


def test_a_missing_file_says_where_it_looked(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"looked in: .*nope\.toml"):
        load_settings(tmp_path / "nope.toml")
    with pytest.raises(ConfigError, match=r"stagehand\.toml.*config\.toml"):
        load_settings()


def test_environment_overrides_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(
        tmp_path, "[twitch]\nchannel = 'fromfile'\nhelix_url = 'https://api.twitch.tv/helix/'\n"
    )
    monkeypatch.setenv("STAGEHAND_TWITCH_HELIX_URL", "http://127.0.0.1:9/helix/")
    monkeypatch.setenv("STAGEHAND_CONFIG", str(path))
    settings = load_settings()
    assert settings.twitch.channel == "fromfile"
    assert settings.twitch.helix_url == "http://127.0.0.1:9/helix/"


def test_secrets_never_appear_in_errors_or_repr(tmp_path: Path, monkeypatch) -> None:
    secret = "s3cr3t-client-secret-value"
    path = write(tmp_path, f"[twitch]\nclient_secret = '{secret}'\n[discord]\ntoken = 12\n")
    monkeypatch.setenv("STAGEHAND_DISCORD_TOKEN", "discord-token-value-123")
    settings = load_settings(path)
    assert secret not in repr(settings) and "discord-token-value-123" not in repr(settings)
    assert settings.twitch.client_secret.get_secret_value() == secret
    bad = write(tmp_path, f"[twitch]\nclient_secret = ['{secret}']\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(bad)
    assert secret not in str(caught.value)
    assert "twitch.client_secret" in str(caught.value)


def test_flush_interval_is_gone_and_old_configs_still_load(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """`[database] flush_interval_seconds` never did anything (chat is written as soon as it
    arrives): the example no longer offers it, and a config that still sets it loads with a
    warning that says to remove it."""
    example = Path(__file__).resolve().parent.parent / "config.example.toml"
    assert "flush_interval" not in example.read_text(encoding="utf-8")
    path = write(tmp_path, "[database]\nbatch_size = 100\nflush_interval_seconds = 0.5\n")
    settings = load_settings(path)
    assert settings.database.batch_size == 100
    assert "flush_interval_seconds is no longer used" in caplog.text
    assert "remove it from your config" in caplog.text


def test_a_weak_server_token_or_a_url_as_public_host_is_a_config_error(
    tmp_path: Path, monkeypatch
) -> None:
    """`[server] token` is a host token anyone on the show's network may try to guess."""
    path = write(tmp_path, "[server]\ntoken = 'deck'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message and "server.token" in message
    assert "at least 24 characters" in message and "deck" not in message.split("server.token")[1]
    monkeypatch.setenv("STAGEHAND_SERVER_TOKEN", "short")
    with pytest.raises(ConfigError, match="at least 24 characters"):
        load_settings(write(tmp_path, ""))
    monkeypatch.delenv("STAGEHAND_SERVER_TOKEN")

    bad = write(tmp_path, "[server]\npublic_host = 'https://show.example.org/'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(bad)
    assert "server.public_host" in str(caught.value)
    assert "a host name such as show.example.org" in str(caught.value)
    good = write(tmp_path, "[server]\npublic_host = 'show.example.org'\n")
    assert load_settings(good).server.public_host == "show.example.org"


def _float_keys(model: type[BaseModel], prefix: str = "") -> list[str]:
    """The dotted key of every float in the settings model, however deep."""
    keys = []
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            keys += _float_keys(annotation, f"{prefix}{name}.")
        elif annotation is float or float in get_args(annotation):
            keys.append(prefix + name)
    return keys


@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_every_float_in_the_config_must_be_finite(tmp_path: Path, value: str) -> None:
    """TOML spells nan and inf; a NaN ranking weight would make SQLite drop chat unseen."""
    keys = _float_keys(Settings)
    assert "ranking.weights.topic" in keys and "console.redraw_per_second" in keys
    path = write(tmp_path, "".join(f"{key} = {value}\n" for key in keys))
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: invalid configuration")
    for key in keys:
        assert f"\n  {key}: " in message, f"{key} = {value} was accepted"
    assert f"  ranking.weights.topic: Input should be a finite number (got {value})" in message


def test_a_non_finite_float_from_the_environment_is_refused_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "[ranking.weights]\ntopic = 4.0\n")
    monkeypatch.setenv("STAGEHAND_RANKING_WEIGHTS", '{"question": "Infinity"}')
    monkeypatch.setenv("STAGEHAND_RANKING_HALF_LIFE_SECONDS", "inf")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert "environment variable STAGEHAND_RANKING_WEIGHTS (ranking.weights.question)" in message
    assert "STAGEHAND_RANKING_HALF_LIFE_SECONDS (ranking.half_life_seconds)" in message
    assert "finite number" in message


def test_a_bad_environment_variable_is_named_not_blamed_on_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, "[twitch]\nenabled = false\n[show]\nname = 'friday'\n")
    monkeypatch.setenv("STAGEHAND_TWITCH_ENABLED", "maybe")
    monkeypatch.setenv("STAGEHAND_DATABASE_BATCH_SIZE", "abc")
    monkeypatch.setenv("STAGEHAND_SHOW", '{"name": ""}')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) not in message, "the file is fine; the variables are not"
    assert message.startswith("invalid configuration in the environment")
    assert (
        "  environment variable STAGEHAND_TWITCH_ENABLED (twitch.enabled): Input should be a "
        "valid boolean" in message
    )
    assert "STAGEHAND_DATABASE_BATCH_SIZE (database.batch_size)" in message and "'abc'" in message
    assert "STAGEHAND_SHOW (show.name)" in message
    assert "unset" in caught.value.fix


def test_a_file_error_beside_an_environment_error_names_each_where_it_is(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The variable's JSON section is merged with the file's: each wrong key is blamed on its own
    # source, and a section variable that does not set the key is not blamed for it.
    path = write(tmp_path, "[show]\nname = ''\n[twitch]\nenabled = 'maybe'\n")
    monkeypatch.setenv("STAGEHAND_SHOW", '{"title": "Friday"}')
    monkeypatch.setenv("STAGEHAND_DATABASE_BATCH_SIZE", "0")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: invalid configuration")
    assert "\n  show.name: " in message and "\n  twitch.enabled: " in message
    assert (
        "\n  environment variable STAGEHAND_DATABASE_BATCH_SIZE (database.batch_size): " in message
    )


def _stagehand(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )


def test_a_folder_given_as_the_config_is_called_a_folder(tmp_path: Path) -> None:
    """STAGEHAND_CONFIG=/tmp said "No config file found (looked in: /tmp)"."""
    refused = _stagehand("report", env={"STAGEHAND_CONFIG": str(tmp_path)})
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    [said] = refused.stderr.strip().splitlines()
    assert said == (
        f"Error: STAGEHAND_CONFIG names {tmp_path}, a folder, not a config file: set it to a "
        f"TOML file such as {tmp_path / 'stagehand.toml'}, or unset it"
    )


def test_a_missing_file_named_in_the_config_is_an_error_naming_file_key_and_value(
    tmp_path: Path,
) -> None:
    """`[overlay] css` naming no file was ignored: doctor said ok, the overlay went on stream
    without its theme."""
    missing = tmp_path / "theme.css"
    path = write(tmp_path, f"[overlay]\ncss = '{missing}'\n[discord]\nenabled = true\n")
    checked = _stagehand("doctor", "-c", str(path), "--offline", env={})
    assert checked.returncode == 1
    assert checked.stdout.startswith(f"FIX  config: {path}: invalid configuration\n"), checked
    assert f"  overlay.css: no such file: {missing}; expected a CSS file" in checked.stdout
    refused = _stagehand("demo", "--headless", "-c", str(path), env={})
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert f"overlay.css: no such file: {missing}" in refused.stderr
    missing.write_text(".card { color: red; }\n", "utf-8")
    assert load_settings(path).overlay.css == missing
    folder = write(tmp_path, f"[server]\ntls_cert = '{tmp_path}'\ntls_key = '{missing}'\n")
    with pytest.raises(ConfigError, match=rf"server\.tls_cert: {tmp_path} is a folder; expected"):
        load_settings(folder)


def test_a_value_error_says_the_value_once_and_never_a_whole_section(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("STAGEHAND_SERVER_LISTEN", "nonsense")
    with pytest.raises(ConfigError) as caught:
        load_settings(write(tmp_path, ""))
    message = str(caught.value)
    assert message.count("'nonsense'") == 1, message
    assert "Value error" not in message
    monkeypatch.delenv("STAGEHAND_SERVER_LISTEN")
    token = "a-host-token-long-enough-0123456789"
    cert = tmp_path / "cert.pem"
    cert.write_text("", "utf-8")
    path = write(tmp_path, f"[server]\ntoken = '{token}'\ntls_cert = '{cert}'\n")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "tls_cert and tls_key go together" in str(caught.value)
    assert token not in str(caught.value)  # the rule is the section's: it held the token


@pytest.mark.parametrize(
    "url", ["not a url", "http://127.0.0.1:4455", "127.0.0.1:4455", "ws://", "ws://obs:99999"]
)
def test_an_obs_address_that_is_not_a_websocket_is_a_config_error(tmp_path: Path, url: str) -> None:
    """`[obs] url = "not a url"` passed: the show then warned every few seconds that OBS was
    not reachable at "not a url" (InvalidUrlClientError), and doctor called the config valid."""
    path = write(tmp_path, f'[obs]\nenabled = true\nurl = "{url}"\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert str(path) in message and "obs.url" in message
    assert "ws://HOST:PORT" in message


def test_obs_addresses_as_obs_shows_them_are_valid(tmp_path: Path) -> None:
    for url in ("ws://127.0.0.1:4455", "wss://studio.local:4455", "ws://[::1]:4455"):
        assert load_settings(write(tmp_path, f'[obs]\nurl = "{url}"\n')).obs.url == url


def test_relative_paths_in_the_file_are_relative_to_the_file(tmp_path: Path, monkeypatch) -> None:
    """`[database] path = "rel.db"` made the database in whatever folder the command ran from:
    the same config run from another folder started an empty show (no resume, no --trend)."""
    folder = tmp_path / "weekly"
    folder.mkdir()
    (folder / "theme.css").write_text("body {}", encoding="utf-8")
    config = folder / "stagehand.toml"
    config.write_text(
        '[database]\npath = "shows/rel.db"\n[overlay]\ncss = "theme.css"\n', encoding="utf-8"
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    settings = load_settings(config)
    assert settings.db_path() == folder / "shows" / "rel.db"
    assert settings.overlay.css == folder / "theme.css"
    # given on the command line's side (the environment), a path is the shell's: the current folder
    monkeypatch.setenv("STAGEHAND_DATABASE_PATH", "env.db")
    assert load_settings(config).db_path() == Path("env.db")


def test_the_demo_stores_where_the_config_says_from_any_folder(tmp_path: Path) -> None:
    config = tmp_path / "work" / "rel.toml"
    config.parent.mkdir()
    config.write_text('[database]\npath = "rel.db"\n', encoding="utf-8")
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "stagehand",
            "demo",
            "--headless",
            "--speed",
            "1000",
            "-c",
            str(config),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if not k.startswith("STAGEHAND_")},
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "work" / "rel.db").is_file()
    assert not (tmp_path / "rel.db").exists()
