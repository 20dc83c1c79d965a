"""The segment's working vocabulary, learned while it runs from the hosts' own lines and from the
comments they answer (pseudo-relevance feedback), and how `w` explains it (`learned_topic`)."""

from __future__ import annotations

import pytest

from conftest import START, make_comment
from stagehand.config.ranking import RankingSettings
from stagehand.domain import Segment
from stagehand.ranking.ranker import Ranker
from stagehand.ranking.text import split_words

ROUTE = Segment(1, "Route talk: Golden Ridge", ("route", "golden ridge"), START)
HOST = frozenset({"broadcaster"})


def route_show() -> Ranker:
    ranker = Ranker(RankingSettings(), show_description="Celeste any% runs with commentary")
    ranker.set_segment(ROUTE)
    # Chat before anyone talks about the route: the channel's everyday words.
    for i in range(60):
        ranker.score(make_comment(f"lol nice run w{i}", f"fan{i % 12}", seconds=i))
    return ranker


def host_says(ranker: Ranker, *lines: str) -> None:
    for i, line in enumerate(lines):
        ranker.score(make_comment(line, "speedy", seconds=100 + i, roles=HOST))


def test_a_question_in_the_words_the_hosts_use_rises_above_chatter_of_the_same_form() -> None:
    ranker = route_show()
    host_says(
        ranker,
        "ok so the cloud bounce here saves a whole cycle",
        "watch the cloud timing, you bounce on the second frame",
        "missed the cloud bounce, again",
        "that cloud bounce is the hardest part of the ridge for me",
    )
    chatter = ranker.score(make_comment("why not stream on sundays instead", "kim", seconds=200))
    asked = ranker.score(make_comment("why not skip the cloud bounce instead", "ana", seconds=201))
    assert "learned_topic" in asked.reasons and "topic" not in asked.reasons
    assert asked.value > chatter.value + 0.3


def test_what_only_learned_words_give_is_explained_apart_from_the_configured_topic() -> None:
    ranker = route_show()
    host_says(ranker, *(f"the cloud bounce is everything, take {n}" for n in range(4)))
    both = ranker.score(make_comment("does the cloud bounce change the route", "ana", seconds=200))
    assert both.reasons["topic"] > 0 and both.reasons["learned_topic"] > 0
    assert sum(both.reasons.values()) == pytest.approx(both.value, abs=1e-3)
    plain = ranker.score(make_comment("does the moon change the route", "ben", seconds=201))
    assert "learned_topic" not in plain.reasons


def test_an_answer_teaches_the_segment_s_vocabulary_and_undoing_it_takes_that_back() -> None:
    ranker = route_show()
    before = ranker.topic.match(split_words("what about the cloud bounce")).learned
    lesson = None
    for n in range(2):
        answered = make_comment(f"is the cloud bounce faster try {n}", f"q{n}", seconds=150 + n)
        ranker.score(answered)
        lesson = ranker.feedback(answered, positive=True)
    assert lesson is not None and "cloud" in lesson.taught
    taught = ranker.topic.match(split_words("what about the cloud bounce")).learned
    assert taught > before
    ranker.take_back(lesson)
    assert ranker.topic.match(split_words("what about the cloud bounce")).learned < taught


def test_what_the_hosts_teach_stays_bounded_over_a_long_show() -> None:
    settings = RankingSettings(max_learned_terms=50)
    ranker = Ranker(settings)
    ranker.set_segment(ROUTE)
    for i in range(6_000):
        said = make_comment(
            f"ok next trick{i} then combo{i} and route", "speedy", seconds=i, roles=HOST
        )
        ranker.score(said)
        if i % 10 == 0:
            asked = make_comment(f"how does move{i} work", f"v{i}", seconds=i)
            ranker.score(asked)
            ranker.feedback(asked, positive=True)
    # Pruned with the other learned words every 1000 comments: the bound, plus what at most
    # 1000 comments taught since (three new words a line).
    assert len(ranker.topic._co) <= 50 + 3 * 1000
