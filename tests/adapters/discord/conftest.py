"""The Discord adapter's tests: here `fake` is the fake Discord, `sink` records what the adapter
delivers, and `tokens` is where its token store would be."""

from __future__ import annotations

from pathlib import Path

import pytest

from fakes.discord_server import FakeDiscord, RecordingSink


@pytest.fixture
def fake(fake_discord: FakeDiscord) -> FakeDiscord:
    return fake_discord


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
def tokens(tmp_path: Path) -> Path:
    return tmp_path / "tokens.json"
