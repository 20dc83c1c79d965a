"""However many new words a long show brings, the ranker's text caches hold at most their bound
from the config (`[ranking] cached_texts`)."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from stagehand.config.ranking import RankingSettings
from stagehand.domain import Author, Comment
from stagehand.ranking import text
from stagehand.ranking.ranker import Ranker

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def default_bounds_after() -> Iterator[None]:
    yield
    text.bound_caches(text.CACHED_TEXTS)  # the caches are the process's: leave them as found


def fresh(number: int) -> Comment:
    """A comment with words nobody used before (names, typos, new slang)."""
    words = " ".join(f"word{number}x{k}" for k in range(3))
    return Comment(
        id=f"m{number}",
        platform="twitch",
        channel="synthnight",
        author=Author("twitch", f"u{number}", f"viewer{number}"),
        text=f"is {words} a synth?",
        ts=T0 + timedelta(seconds=number),
    )


def test_text_caches_stay_within_the_configured_bound_while_new_words_keep_coming() -> None:
    ranker = Ranker(RankingSettings(cached_texts=300))
    for number in range(3_000):
        ranker.score(fresh(number))

    assert text.split_words.cache_info().currsize <= 300
    assert text.analyse_chunk.cache_info().currsize <= 300 * text.CHUNKS_PER_TEXT
    assert text.stem.cache_info().currsize <= 300 * text.WORDS_PER_TEXT
    per_text = [cache for cache, per in text.BoundedCache._per_text if per == 1]
    assert all(cache.cache_info().currsize <= 300 for cache in per_text)
    # What the text alone says (its words, a link, a question, ...) is kept by the ranker,
    # bounded the same way.
    assert ranker._facts.cache_info().currsize <= 300
    # Still a cache: a repeated text is analysed once.
    hits = ranker._facts.cache_info().hits
    ranker.score(fresh(2_999))
    assert ranker._facts.cache_info().hits > hits


def test_a_finished_shows_ranker_is_freed_even_once_frozen_out_of_the_collector() -> None:
    """The worker process freezes what it holds every 20,000 comments (`gc.freeze`): a ranker
    that held itself (a cycle) would then outlive its show, caches and all, show after show."""
    ranker = Ranker(RankingSettings())
    for number in range(50):
        ranker.score(fresh(number))
    gone = weakref.ref(ranker)
    gc.freeze()
    try:
        del ranker
        assert gone() is None
    finally:
        gc.unfreeze()
