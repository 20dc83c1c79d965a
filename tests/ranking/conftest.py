"""Helpers to build comments the way the pipeline hands them to the ranker."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from stagehand.config.ranking import RankingSettings
from stagehand.domain import Author, Comment, Segment
from stagehand.ranking.ranker import Ranker
from stagehand.sanitize import clean

START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
_ids = count(1)


def make_comment(
    text: str,
    author: str = "viewer",
    *,
    seconds: float = 0.0,
    roles: frozenset[str] = frozenset(),
    first_message: bool = False,
    reply_to: str | None = None,
    channel: str = "fridaybuild",
) -> Comment:
    return Comment(
        id=f"c{next(_ids)}",
        platform="twitch",
        channel=channel,
        author=Author("twitch", author, author, author, roles),
        text=text,
        ts=START + timedelta(seconds=seconds),
        reply_to=reply_to,
        first_message=first_message,
        clean_text=clean(text),
    )


SYNTH = Segment(1, "Choosing the oscillator", ("oscillator", "waveform", "VCO", "saw wave"), START)


@pytest.fixture
def ranker() -> Ranker:
    made = Ranker(RankingSettings(), show_description="We build a synthesizer from scratch")
    made.set_segment(SYNTH)
    return made


@pytest.fixture
def make():
    """Build a comment: make(text, author=..., seconds=..., roles=..., ...)."""
    return make_comment


@pytest.fixture
def synth_segment() -> Segment:
    return SYNTH
