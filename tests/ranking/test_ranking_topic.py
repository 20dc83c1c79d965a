"""Topic relevance: word forms, phrases, typos, and words learned during the show."""

from __future__ import annotations

from stagehand.ranking.text import split_words
from stagehand.ranking.topic import TopicProfile


def profile(**kwargs) -> TopicProfile:
    made = TopicProfile(**kwargs)
    made.set_description("We build a synthesizer from scratch")
    made.set_topic("Choosing the oscillator", ["waveform", "VCO", "saw wave"])
    return made


def rel(p: TopicProfile, text: str) -> float:
    return p.match(split_words(text)).relevance


def test_word_forms_match_through_stemming() -> None:
    p = profile()
    assert rel(p, "do oscillators drift?") > 0.5
    assert rel(p, "which waveforms do you like") > 0.5


def test_a_phrase_counts_more_than_its_words_apart() -> None:
    p = profile()
    assert rel(p, "that saw wave is huge") > rel(p, "I saw a wave at the beach")


def test_typos_of_long_topic_words_still_match() -> None:
    assert rel(profile(), "the oscilator sounds thin") > 0.4


def test_unrelated_chat_has_no_relevance_and_description_words_a_little() -> None:
    p = profile()
    assert rel(p, "did you watch the game last night") == 0
    assert 0 < rel(p, "synthesizers are fun") < 0.35


def test_words_that_keep_coming_with_the_topic_are_learned_from_chat() -> None:
    p = profile()
    assert rel(p, "detune the pulse width a bit") == 0
    for _ in range(6):
        p.observe(split_words("the vco pulse width sounds great"), 0.9)
        p.observe(split_words("pizza tonight"), 0.0)
        p.observe(split_words("hello everyone"), 0.0)
    assert rel(p, "detune the pulse width a bit") > 0.35


def test_learning_from_chat_can_be_switched_off() -> None:
    p = profile(learn=False)
    for _ in range(6):
        p.observe(split_words("the vco pulse width sounds great"), 0.9)
    assert rel(p, "pulse width") == 0


def test_host_feedback_teaches_and_unteaches_words() -> None:
    p = profile()
    p.feedback(split_words("what about through-zero FM"), positive=True)
    assert rel(p, "is FM hard to do") > 0.3
    p.feedback(split_words("what about through-zero FM"), positive=False)
    assert rel(p, "is FM hard to do") == 0


def test_a_new_topic_replaces_the_old_at_once() -> None:
    p = profile()
    p.feedback(split_words("through-zero FM"), positive=True)
    p.set_topic("Filters", ["cutoff", "resonance"])
    assert rel(p, "which oscillator chip") == 0
    assert rel(p, "through-zero FM") == 0
    assert rel(p, "how much resonance") > 0.5


def test_words_the_chat_uses_everywhere_count_less_once_the_chat_is_known() -> None:
    p = profile()
    p.set_topic("Installing the oscillator", [])
    fresh = rel(p, "installing it now")
    for i in range(120):
        p.observe(split_words(f"installing thing number w{i}" if i % 3 else f"hello w{i}"), 0.0)
    p.set_topic("Installing the oscillator", [])
    assert rel(p, "installing it now") < fresh / 2
    assert rel(p, "the oscillator drifts") > 0.5  # rare in chat: full weight


def test_words_that_frame_a_title_do_not_make_a_topic() -> None:
    p = TopicProfile()
    p.set_topic("First look at a weird rat rave game", [])
    assert rel(p, "don't look behind you") < 0.35
    assert rel(p, "a rave in a sewer") > 0.5
    p.set_topic("Envelope, MIDI and your questions", [])
    assert rel(p, "quick question, can i ask something") < 0.35
    assert rel(p, "does it take midi clock") > 0.5


def test_clipped_forms_of_long_topic_words_match() -> None:
    p = TopicProfile()
    p.set_topic("Scopes and probes", ["oscilloscope", "repository"])
    assert rel(p, "which scope should i buy") > 0.35  # the end of a compound
    assert rel(p, "add the repo first") > 0.35  # the start of a word
    assert rel(p, "the office network") == 0  # neither
    p.set_topic("Home networks", ["network"])
    assert rel(p, "back to work") == 0  # "work" is not short for "network"


def test_clipped_forms_that_are_everyday_chat_words_count_little() -> None:
    p = TopicProfile()
    for i in range(200):
        p.observe(split_words(f"be right back w{i}" if i % 4 else f"hello w{i}"), 0.0)
    p.set_topic("Restoring a backup", ["backup"])
    assert rel(p, "brb, back soon") < 0.2
    assert rel(p, "the backup failed") > 0.5


def test_words_many_viewers_suddenly_use_join_the_topic() -> None:
    p = TopicProfile()
    for i in range(100):
        p.observe(split_words(f"nice play w{i}"), 0.0, f"viewer{i % 20}")
    p.set_topic("A pro gamer refused a US work visa", ["visa"])
    assert rel(p, "he lied in the interview") == 0
    for i in range(40):
        text = "he lied in the interview" if i % 4 == 0 else f"wow w{i}"
        p.observe(split_words(text), 0.0, f"fan{i}")
    assert rel(p, "why did he lie in the interview") > 0


def test_a_burst_from_a_few_people_is_a_conversation_not_the_topic() -> None:
    p = TopicProfile()
    for i in range(100):
        p.observe(split_words(f"nice play w{i}"), 0.0, f"viewer{i % 20}")
    p.set_topic("A pro gamer refused a US work visa", ["visa"])
    for i in range(40):
        text = "my kernel panics again" if i % 4 == 0 else f"wow w{i}"
        p.observe(split_words(text), 0.0, f"helper{i % 2}")
    assert rel(p, "kernel panics are the worst") == 0


def test_the_show_description_s_instructions_do_not_make_a_greeting_on_topic() -> None:
    p = TopicProfile()
    p.set_description("Friday evening build. Ask questions with !ask, raise your hand with !hand.")
    p.set_topic("The filter", ["ladder"])
    assert rel(p, "evening all, questions for the hosts with !ask") == 0
    assert rel(p, "which build is this") > 0
