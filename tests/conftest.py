"""Fixtures shared by every test: the real-chat folder, small transcripts, settings."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes.transcripts import SMALL_SHOW, write_jsonl
from stagehand.config import Settings

#: The fake platforms' fixtures (fake_twitch, fake_discord, ...), defined once there.
pytest_plugins = ["fakes.fixtures"]

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The real chat beside the project (../shared/data); tests skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real chat data not found at {SHARED_DATA} (it ships beside the repo, not in it)"
        )
    return SHARED_DATA


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep every test away from the real user's config, data, token and log directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.delenv("STAGEHAND_CONFIG", raising=False)
    monkeypatch.delenv("STAGEHAND_DATABASE_PATH", raising=False)
    monkeypatch.delenv("STAGEHAND_SERVER_TOKEN", raising=False)
    # Every show runs a show server: on a free port, so shows run at once never collide.
    monkeypatch.setenv("STAGEHAND_SERVER_LISTEN", "127.0.0.1:0")
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    return home


@pytest.fixture
def settings() -> Settings:
    return Settings()


@pytest.fixture
def small_show(tmp_path: Path) -> Path:
    """A two-segment show with a greeting, a question, a side reply, host actions and hostile text."""
    return write_jsonl(tmp_path / "synth-night.jsonl", SMALL_SHOW)
