"""The Twitch adapter's tests: here `fake` is the fake Twitch, chatting from the real capture."""

from __future__ import annotations

from typing import Any

import pytest

from fakes.twitch_server import FakeTwitch


@pytest.fixture
def fake(twitch_capture: dict[str, Any], fake_twitch: FakeTwitch) -> FakeTwitch:
    return fake_twitch
