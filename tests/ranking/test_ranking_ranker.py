"""The Ranker as the pipeline uses it: what rises, what sinks, and why."""

from __future__ import annotations

import itertools
import math
import time

from hypothesis import given
from hypothesis import strategies as st

from stagehand.config.ranking import RankingSettings
from stagehand.domain import Segment
from stagehand.ranking.ranker import Ranker
from stagehand.ranking.recency import decayed_score, rank_key

CONTRACT_FLAGS = {
    "question", "on_topic", "off_topic", "side_chatter", "greeting", "emote_only", "laughter",
    "spam", "link", "repeat", "copypasta", "shouting", "flood", "newcomer", "raised_hand",
    "on_stage", "moderator", "subscriber", "ask", "to_chat", "to_show", "to_guest", "highlight",
    "same_question", "about_broadcast", "for_later",
}  # fmt: skip


def test_an_on_topic_question_outranks_the_noise(ranker: Ranker, make) -> None:
    question = ranker.score(make("which oscillator chip would you use for bass?", "ana"))
    noise = [
        ranker.score(make(text, author, seconds=1))
        for text, author in [
            ("Hey John!!", "bo"),
            ("PogU PogU PogU", "cy"),
            ("lmaooo", "di"),
            ("@bo did you see the game last night", "ed"),
            ("follow me for free viewers at promo.xyz", "fi"),
        ]
    ]
    assert all(question.rank_key > n.rank_key for n in noise)
    assert {"question", "on_topic"} <= question.flags
    assert question.reasons["topic"] > 0 and question.reasons["question"] > 0
    assert math.isclose(question.value, sum(question.reasons.values()), abs_tol=1e-3)
    flags = [n.flags for n in noise]
    assert "greeting" in flags[0] and "emote_only" in flags[1] and "laughter" in flags[2]
    assert "side_chatter" in flags[3] and {"spam", "link"} <= flags[4]
    assert all(f <= CONTRACT_FLAGS for f in [question.flags, *flags])


def test_ask_counts_as_a_question_even_without_a_question_mark(ranker: Ranker, make) -> None:
    score = ranker.score(make("!ask your favourite vco chip", "ana"))
    assert {"ask", "question"} <= score.flags and score.reasons["ask"] > 0


def test_repeats_copypasta_and_shouting_sink(ranker: Ranker, make) -> None:
    first = ranker.score(make("the saw wave oscillator sounds amazing", "ana"))
    again = ranker.score(make("the saw wave oscillator sounds amazing!", "ana", seconds=5))
    assert "repeat" in again.flags and again.value < first.value
    pasta = "this stream is the best stream on the whole internet and I will never leave"
    ranker.score(make(pasta, "bo", seconds=6))
    copied = ranker.score(make(pasta, "cy", seconds=7))
    assert "copypasta" in copied.flags and copied.value <= 0
    loud = ranker.score(make("WHY IS EVERYONE TALKING ABOUT PIZZA", "di", seconds=8))
    assert "shouting" in loud.flags


def test_a_self_repeating_line_posted_again_sinks_below_its_first_copy(
    ranker: Ranker, make
) -> None:
    wall = "VCO DRIFT monkaW VCO DRIFT monkaW VCO DRIFT monkaW"
    first = ranker.score(make(wall, "ana"))
    again = ranker.score(make(wall, "ana", seconds=5))
    assert first.reasons["repeat"] < 0
    assert again.reasons["repeat"] < first.reasons["repeat"]
    assert again.rank_key < first.rank_key


def test_one_author_posting_a_lot_gets_diminishing_returns(ranker: Ranker, make) -> None:
    values = [
        ranker.score(make(f"oscillator thought number {word}", "spammy", seconds=i)).value
        for i, word in enumerate(
            ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine"]
        )
    ]
    assert values[-1] < values[0] * 0.8
    last = ranker.score(make("oscillator thought number ten", "spammy", seconds=10))
    assert "flood" in last.flags and last.reasons["flood"] < 0


def test_author_signals(ranker: Ranker, make) -> None:
    hand = make("a question about the vco", "ana", roles=frozenset({"subscriber"}))
    ranker.set_hand(hand.author.key, True)
    scored = ranker.score(hand)
    assert {"raised_hand", "subscriber", "newcomer"} <= scored.flags
    ranker.set_hand(hand.author.key, False)
    ranker.set_on_stage(hand.author.key, True)
    later = ranker.score(make("a question about the vco", "ana", seconds=200))
    assert "on_stage" in later.flags and "raised_hand" not in later.flags
    assert "newcomer" not in later.flags
    mod = ranker.score(make("tip: tune the vco warm", "mo", roles=frozenset({"moderator"})))
    assert "moderator" in mod.flags


def test_a_newcomer_dropping_an_off_topic_link_is_spam_but_a_regular_is_not(
    ranker: Ranker, make
) -> None:
    spam = ranker.score(make("cheap stuff at deals.shop", "newbie", first_message=True))
    assert {"spam", "link"} <= spam.flags and spam.value < 0
    ranker.score(make("love the oscillator build", "regular"))
    link = ranker.score(make("datasheet here https://example.com/vco.pdf", "regular", seconds=30))
    assert "link" in link.flags and "spam" not in link.flags and link.value > 0


def test_replies_to_an_on_topic_comment_inherit_its_topic(ranker: Ranker, make) -> None:
    root = make("how do I tune the oscillator?", "asker")
    ranker.score(root)
    reply = ranker.score(
        make("asker: use a frequency counter and trim slowly", "helper", seconds=20)
    )
    assert reply.reasons.get("thread", 0) > 0 and "on_topic" in reply.flags
    assert "side_chatter" not in reply.flags


def test_changing_segment_changes_the_topic_at_once(ranker: Ranker, make) -> None:
    before = ranker.score(make("which oscillator chip?", "ana"))
    ranker.set_segment(Segment(2, "Filters", ("cutoff", "resonance")))
    after = ranker.score(make("which oscillator chip?", "bo", seconds=1))
    assert "on_topic" in before.flags and "on_topic" not in after.flags
    assert "on_topic" in ranker.score(make("how much resonance?", "cy", seconds=2)).flags


def test_host_topic_terms_take_effect_immediately(ranker: Ranker, make) -> None:
    assert "on_topic" not in ranker.score(make("what about wavefolding", "ana")).flags
    ranker.add_topic_terms(["wavefolder"])
    assert "on_topic" in ranker.score(make("what about wavefolding", "bo", seconds=1)).flags


def test_answering_lifts_similar_comments_and_dismissing_sinks_them(make) -> None:
    def fresh() -> Ranker:
        made = Ranker(RankingSettings())
        made.set_segment(Segment(1, "Choosing the oscillator", ("oscillator",)))
        return made

    baseline = fresh().score(make("are eurorack modules worth it", "x"))
    liked = fresh()
    liked.feedback(make("eurorack modules are great value", "a"), positive=True)
    disliked = fresh()
    disliked.feedback(make("eurorack modules are great value", "a"), positive=False)
    up = liked.score(make("are eurorack modules worth it", "x"))
    down = disliked.score(make("are eurorack modules worth it", "x"))
    assert up.value > baseline.value > down.value
    assert up.reasons["feedback"] > 0 and down.reasons["feedback"] < 0


@given(
    st.lists(
        st.tuples(st.floats(-20, 20, allow_nan=False), st.floats(0, 3600)), min_size=2, max_size=30
    ),
    st.floats(0, 7200),
)
def test_rank_key_order_is_the_decayed_score_order_at_any_later_time(items, later) -> None:
    base = 1_800_000_000.0
    half_life = 180.0
    now = base + 3600 + later
    by_key = sorted(items, key=lambda it: rank_key(it[0], base + it[1], half_life))
    decayed = [decayed_score(v, base + t, now, half_life) for v, t in by_key]
    assert all(a <= b + 1e-9 * max(1.0, abs(b)) for a, b in itertools.pairwise(decayed))


def test_sunk_comments_stay_below_every_positive_one() -> None:
    old_good = rank_key(0.01, 1_800_000_000.0, 180)
    new_bad = rank_key(-5.0, 1_800_009_000.0, 180)
    assert new_bad < 0 < old_good


def test_memory_stays_bounded_and_cost_per_comment_stays_flat(make) -> None:
    settings = RankingSettings.model_validate({"spam": {"recent_texts": 100, "max_authors": 500}})
    ranker = Ranker(settings)
    ranker.set_segment(Segment(1, "Choosing the oscillator", ("oscillator",)))

    def run(n: int, offset: int) -> float:
        start = time.perf_counter()
        for i in range(offset, offset + n):
            ranker.score(
                make(f"message {i} about word{i % 997} and oscillator{i}", f"u{i}", seconds=i)
            )
            # ... and as many questions, each new, for the same-question memory
            ranker.score(make(f"how does word{i} change oscillator{i}?", f"q{i}", seconds=i))
        return (time.perf_counter() - start) / n

    early = run(2000, 0)
    late = run(2000, 14_000)
    run(6_000, 20_000)
    assert len(ranker._authors) <= 500 and len(ranker._recent) <= 100
    same = ranker._same  # the segment's questions: a ring, and indexes pruned with it
    assert len(same) <= same.size and len(same._by_text) <= 2 * same.size
    assert sum(len(numbers) for numbers in same._by_stem.values()) <= 2 * 8 * same.size
    # Word tables: chat-wide and this segment's counts (and who used them) keep 10x the learned
    # terms each, learned and feedback terms 1x each; plus at most 1000 comments' new words in
    # each of the three count tables since the last pruning.
    limit = settings.max_learned_terms
    assert ranker.topic.size() < 3 * 10 * limit + 2 * limit + 3 * 1000 + 50
    assert late < early * 3


def test_a_short_emote_reaction_echoing_the_topic_ranks_under_a_real_remark(
    ranker: Ranker, make
) -> None:
    cheer = ranker.score(make("OSCILLATOR LULW", "fan"))
    remark = ranker.score(make("the oscillator drifts when it warms up", "maker", seconds=1))
    assert cheer.reasons["reaction"] < 0 and remark.value > cheer.value + 1


def test_a_slow_conversation_stays_on_topic_while_people_keep_answering(make) -> None:
    ranker = Ranker(RankingSettings())
    ranker.set_segment(Segment(1, "Mounting NTFS partitions", ("ntfs",)))
    ranker.score(make("how do I mount my ntfs partition?", "asker"))
    ranker.score(make("other: pizza is better cold", "x", seconds=60))
    for minute in range(1, 12):
        reply = ranker.score(
            make("asker: try sudo fdisk -l first", f"h{minute}", seconds=minute * 90)
        )
    assert "on_topic" in reply.flags and "side_chatter" not in reply.flags
