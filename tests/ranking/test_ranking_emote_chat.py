"""A big Twitch chat: emotes, one-word reactions, walls, and the title said back.

What a host scrolling such a queue notices: a wall posted again (with more or fewer copies) sinks
like any repeat, the chat saying the title back ranks under a reaction that adds a word of its
own, and a comment that says several things rises above the one-word reactions around it.
"""

from __future__ import annotations

import pytest

from stagehand.config.ranking import RankingSettings
from stagehand.domain import Segment
from stagehand.ranking.ranker import Ranker
from stagehand.ranking.text import normalize_for_repeat, said_once, wall_phrase

#: What a big channel's chat says between two real comments (each from its own viewer).
REACTIONS = ["PogU", "LULW", "KEKW RUSH", "monkaW", "RUSH PogU", "Clap", "OMEGALUL", "NaM"]
#: What a help channel or a talk show says instead.
SENTENCES = [
    "my patch cable order finally arrived today",
    "does anyone else solder with lead free wire",
    "the room upstairs gets loud during the stream",
    "i printed the front panel in white plastic",
]


def _chat(ranker: Ranker, make, lines: list[str], count: int = 80) -> None:
    for i in range(count):
        ranker.score(make(lines[i % len(lines)], f"viewer{i}", seconds=i * 0.5))


@pytest.mark.parametrize(
    ("wall", "phrase"),
    [
        ("VCO DRIFT monkaW VCO DRIFT monkaW VCO DRIFT monkaW", "vco drift monkaw"),
        ("saw wave gang saw wave gang saw wave gang saw wa", "saw wave gang"),  # cut off
        ("go go go", "go"),  # a run of one word is collapsed before
    ],
)
def test_a_wall_says_its_phrase_once(wall: str, phrase: str) -> None:
    assert said_once(normalize_for_repeat(wall)) == phrase


@pytest.mark.parametrize(
    ("wall", "phrase"),
    [
        ("PogU APEX PogU APEX PogU APEX PogU AP", "PogU APEX"),
        ("GO GO go GO LULW GO LULW", "GO LULW"),  # the run collapsed as for `said_once`
    ],
)
def test_a_wall_s_phrase_keeps_its_capitals_and_emotes(wall: str, phrase: str) -> None:
    assert wall_phrase(wall, said_once(normalize_for_repeat(wall))) == phrase


@pytest.mark.parametrize(
    "text", ["the cat and the dog and the cat", "is it on is it", "how do you tune the vco"]
)
def test_a_sentence_that_repeats_a_word_is_no_wall(text: str) -> None:
    normalized = normalize_for_repeat(text)
    assert said_once(normalized) == normalized


def test_a_wall_posted_again_with_fewer_copies_sinks_like_any_repeat(ranker: Ranker, make) -> None:
    first = ranker.score(make(" ".join(["VCO DRIFT IS REAL monkaW"] * 5), "ana"))
    again = ranker.score(make(" ".join(["VCO DRIFT IS REAL monkaW"] * 3), "ana", seconds=3))
    assert "repeat" in again.flags
    assert again.reasons["repeat"] < first.reasons["repeat"]
    assert again.rank_key < first.rank_key


def test_the_chat_saying_the_title_back_ranks_under_a_reaction_with_a_word_of_its_own(
    ranker: Ranker, make
) -> None:
    echo = ranker.score(make("SAW WAVE LULW", "fan"))
    reaction = ranker.score(make("WAVE BUZZING LULW", "other", seconds=1))
    assert echo.reasons["echo"] < 0 and "echo" not in reaction.reasons
    assert reaction.rank_key > echo.rank_key
    # It keeps nothing of what the topic gave: a comment about nothing, not a sunk one.
    topical = sum(echo.reasons[n] for n in ("topic", "reaction", "echo"))
    assert topical == pytest.approx(0.0, abs=0.01) and echo.value > 0


def test_in_a_chat_of_emotes_a_comment_that_says_several_things_rises_above_the_reactions(
    ranker: Ranker, make
) -> None:
    _chat(ranker, make, REACTIONS)
    sentence = ranker.score(
        make("the new firmware bricked my sequencer twice last week", "maker", seconds=41)
    )
    cheer = ranker.score(make("RUSH PogU", "late", seconds=41))
    assert sentence.reasons["substance"] > 0.5
    assert sentence.rank_key > cheer.rank_key


def test_in_a_chat_of_emotes_a_run_of_chinese_spam_is_one_word_not_twenty(
    ranker: Ranker, make
) -> None:
    """A run of Chinese is cut into its character pairs to find words in it, and every pair
    counted as a word said: a 22-character advert ("add WeChat, free gifts, click the link")
    in real #xqcow chat got `substance` +0.705 and rose from #40 to #7 (last read,
    2026-12-08). Written as one word, it says one thing."""
    _chat(ranker, make, REACTIONS)
    spam = ranker.score(make("加微信领取免费福利点击链接马上领取现金红包", "advert", seconds=41))
    assert "substance" not in spam.reasons


def test_where_everyone_writes_sentences_a_long_one_gets_nothing_for_its_length(
    make, synth_segment: Segment
) -> None:
    ranker = Ranker(RankingSettings(), show_description="We build a synthesizer from scratch")
    ranker.set_segment(synth_segment)
    _chat(ranker, make, SENTENCES)
    sentence = ranker.score(
        make("the new firmware bricked my sequencer twice last week", "maker", seconds=41)
    )
    assert "substance" not in sentence.reasons


def test_a_fresh_chat_is_not_taken_for_an_emote_chat(ranker: Ranker, make) -> None:
    _chat(ranker, make, REACTIONS, count=10)
    sentence = ranker.score(
        make("the new firmware bricked my sequencer twice last week", "maker", seconds=6)
    )
    assert "substance" not in sentence.reasons


def test_in_a_chat_of_emotes_a_shouted_claim_rises_above_one_word_reactions(
    ranker: Ranker, make
) -> None:
    # The chat shouts and rarely names the topic: a claim in capitals that shares no word with
    # it ("HE LIED IN THE INTERVIEW" while a visa story is on) is still what a host can read out.
    _chat(ranker, make, REACTIONS)
    claim = ranker.score(make("HE LIED IN THE INTERVIEW", "witness", seconds=41))
    one_word = ranker.score(make("yeet", "late", seconds=41))
    cheer = ranker.score(make("RUSH PogU", "later", seconds=41))
    assert {"shouting", "off_topic"} <= claim.flags
    assert claim.reasons["substance"] > 0.5
    assert claim.rank_key > one_word.rank_key and claim.rank_key > cheer.rank_key


def test_where_everyone_writes_sentences_shouting_and_off_topic_cost_in_full(
    make, synth_segment: Segment
) -> None:
    settings = RankingSettings()
    ranker = Ranker(settings, show_description="We build a synthesizer from scratch")
    ranker.set_segment(synth_segment)
    _chat(ranker, make, SENTENCES)
    claim = ranker.score(make("HE LIED IN THE INTERVIEW ABOUT THE TRAIN", "witness", seconds=41))
    assert claim.reasons["shouting"] == settings.weights.shouting
    assert claim.reasons["off_topic"] == settings.weights.off_topic
    assert "substance" not in claim.reasons


@pytest.mark.parametrize("echo_text", ["VCO? PogU", "vco PagChomp ?"])
def test_a_topic_word_echoed_with_a_question_mark_ranks_under_a_claim_about_it(
    ranker: Ranker, make, echo_text: str
) -> None:
    # "girl? PogU" under "a female player" is the chat's surprise, not a question for anyone:
    # one word, emotes aside, asks nothing, and it ranks as the emote reaction it is.
    echo = ranker.score(make(echo_text, "fan"))
    claim = ranker.score(make("VCO DRIFTS LULW", "other", seconds=1))
    assert "question" not in echo.flags
    assert claim.rank_key > echo.rank_key


def test_a_question_after_an_opening_emote_rises_above_the_reactions(ranker: Ranker, make) -> None:
    # "LULW whats this game": the emote is the chat's voice, the words after it ask.
    question = ranker.score(make("LULW whats this vco", "new"))
    reaction = ranker.score(make("VCO DRIFTS LULW", "other", seconds=1))
    assert "question" in question.flags
    assert question.rank_key > reaction.rank_key


def test_in_a_chat_of_emotes_the_same_viewer_asking_again_is_not_lifted_as_a_new_question(
    ranker: Ranker, make
) -> None:
    _chat(ranker, make, REACTIONS)
    first = ranker.score(make("LULW how do you tune the vco", "ana", seconds=41))
    again = ranker.score(make("LULW how do you tune the vco", "ana", seconds=45))
    assert "repeat" in again.flags and "question" not in again.reasons
    assert again.value <= first.value - first.reasons["question"]


def test_where_everyone_writes_sentences_a_viewer_asking_again_still_asks(
    ranker: Ranker, make
) -> None:
    # In a help channel, asking again is how a viewer nobody answered asks.
    _chat(ranker, make, SENTENCES)
    ranker.score(make("how do you tune the vco", "ana", seconds=41))
    again = ranker.score(make("how do you tune the vco", "ana", seconds=45))
    assert "repeat" in again.flags and again.reasons["question"] > 0


def test_a_wall_of_the_title_said_back_keeps_none_of_the_topic(ranker: Ranker, make) -> None:
    # "PogU APEX PogU APEX ..." under "Apex Legends esports" kept the topic's 2.8 points less
    # the wall's 1.5 and held the queue's ninth row: it is the reaction it repeats.
    wall = ranker.score(make(" ".join(["PogU VCO"] * 8), "fan"))
    once = ranker.score(make("VCO PogU", "other", seconds=1))
    claim = ranker.score(make("VCO DRIFTS LULW", "third", seconds=2))
    assert wall.reasons["echo"] < 0 and wall.reasons["reaction"] < 0
    assert wall.rank_key < once.rank_key < claim.rank_key


def test_a_wall_of_a_reaction_with_a_word_of_its_own_ranks_as_that_reaction(
    ranker: Ranker, make
) -> None:
    wall = ranker.score(make(" ".join(["POGGERS VCO 🔥 LIT"] * 5), "fan"))
    assert "reaction" in wall.reasons and "echo" not in wall.reasons
    # A wall that makes a claim is no reaction: the labels grade "XQC DOESNT HAVE A WORK VISA
    # monkaW" posted three times in one comment 1.
    claim = ranker.score(make(" ".join(["THE VCO DRIFTS WHEN THE ROOM WARMS monkaW"] * 3), "b"))
    assert "reaction" not in claim.reasons and claim.reasons["topic"] > 0


def test_in_a_stream_s_chat_a_question_pointing_at_the_thing_on_screen_rises(
    ranker: Ranker, make
) -> None:
    # No host ever types in a big streamer's chat: "Is this game still relevant?" shares no word
    # with the segment and sat 25th of 294, under "GAMER PEE GIRL 😎" and every topic echo.
    _chat(ranker, make, REACTIONS)
    pointing = ranker.score(make("Is this synth still relevant?", "asker", seconds=41))
    other = ranker.score(make("anyone feeling extra fine?", "chatter", seconds=41))
    echo = ranker.score(make("VCO DRIFTS LULW", "fan", seconds=41))
    assert "to_show" in pointing.flags and pointing.reasons["to_show"] > 1.5
    assert "to_show" not in other.flags
    assert pointing.rank_key > echo.rank_key > other.rank_key


def test_in_a_help_channel_a_question_pointing_at_a_thing_is_not_put_to_any_show(
    make, synth_segment: Segment
) -> None:
    ranker = Ranker(RankingSettings(), show_description="We build a synthesizer from scratch")
    ranker.set_segment(synth_segment)
    _chat(ranker, make, SENTENCES)
    pointing = ranker.score(make("is this driver still maintained?", "asker", seconds=41))
    assert "to_show" not in pointing.flags


def test_in_a_chat_of_emotes_a_question_posted_as_a_wall_is_not_lifted_as_one(
    ranker: Ranker, make
) -> None:
    # "@xQcOW can i fuck you in the ass? gachiBASS" over and over in one comment held the Apex window's
    # ninth row on `question` and `to_show`: a question asked again and again is spam there.
    _chat(ranker, make, REACTIONS)
    wall = ranker.score(
        make(" ".join(["@fridaybuild can i borrow your vco? gachiBASS"] * 3), "a", seconds=41)
    )
    once = ranker.score(make("@fridaybuild can i borrow your vco? gachiBASS", "b", seconds=42))
    assert "question" not in wall.reasons and "to_show" not in wall.reasons
    assert once.reasons["question"] > 0
    assert wall.rank_key < once.rank_key
