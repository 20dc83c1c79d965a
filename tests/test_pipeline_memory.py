"""A long show keeps the garbage collector's passes short: what the show holds in memory
is frozen out of them as it grows (a full pass over it stopped the event loop for a few hundred
milliseconds: the p99 latency of a long show, benchmarks/pipeline_throughput.py)."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from stagehand import heap
from stagehand.config.ranking import RankingSettings
from stagehand.domain import Author, Comment, RankedComment
from stagehand.ranking.link import LocalRanking
from stagehand.ranking.ranker import Ranker
from stagehand.show import pipeline

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


def test_what_a_long_show_holds_is_kept_out_of_full_collections(
    unfrozen: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pipeline, "FREEZE_EVERY", 500)
    published: list[RankedComment] = []
    road = pipeline.Pipeline(
        scorer=LocalRanking(Ranker(RankingSettings())),
        on_ranked=lambda ranked, _arrived: published.append(ranked),
    )
    for number in range(499):
        road.accept(
            Comment(
                id=f"m{number}",
                platform="twitch",
                channel="synthnight",
                author=Author("twitch", f"u{number}", f"viewer{number}"),
                text=f"what synth is that {number}?",
                ts=T0 + timedelta(seconds=number),
            ),
            1,
        )
    assert gc.get_freeze_count() == 0

    road.accept(Comment("m499", "twitch", "synthnight", Author("twitch", "u", "ana"), "hi", T0), 1)

    # Every comment the show holds (and what the ranker remembers) is out of the full passes.
    assert gc.get_freeze_count() > len(published) == 500


#: A show opened the way `stagehand run --headless` and `replay --headless` open it, in a fresh
#: interpreter (this one's collector may have been set by another test): what its collector does.
_HEADLESS_SHOW = """
import gc, sys
from pathlib import Path
from stagehand.config import Settings
from stagehand.session import open_show
defaults = gc.get_threshold()
live = open_show(
    Settings.model_validate({"ranking": {"worker": "inline"}}),
    db_path=Path(sys.argv[1]), show_name="headless", adapters=[], commands=False,
)
print(defaults, gc.get_threshold(), gc.get_freeze_count() > 0)
"""


def test_a_show_without_a_console_collects_garbage_rarely(tmp_path: Path) -> None:
    # At Python's default thresholds the collector cost a headless show's process about a
    # tenth of its time under a flood (stagehand/heap.py); only the console used to change them.
    result = subprocess.run(
        [sys.executable, "-c", _HEADLESS_SHOW, str(tmp_path / "show.db")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    # Python's defaults before, the show's while it runs, and what existed at its start frozen.
    assert result.stdout.strip() == f"(700, 10, 10) {heap.GC_THRESHOLDS} True"
