"""The YouTube adapter's tests: here `fake` is the fake YouTube."""

from __future__ import annotations

import pytest

from fakes.youtube_server import FakeYouTube


@pytest.fixture
def fake(fake_youtube: FakeYouTube) -> FakeYouTube:
    return fake_youtube
