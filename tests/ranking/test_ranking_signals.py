"""The pure signals, one by one, on the kinds of lines real chat is made of."""

from __future__ import annotations

import pytest

from stagehand.ranking import signals
from stagehand.ranking.text import split_words


def words(text: str):
    return split_words(text)


@pytest.mark.parametrize(
    "text",
    [
        "what waveform is best for bass?",
        "how do i mount an ntfs partition",  # no question mark
        "anyone know a good VCO chip",
        "is there a way to let rsync only show changed files",
        "Control+Alt+Backspace, right?",
        "the output seems really quiet after the filter, is that normal",  # asked at the end
        "should the caps be matched or not",
    ],
)
def test_questions_are_recognised_with_and_without_a_question_mark(text: str) -> None:
    assert signals.question_strength(text, words(text)) > 0


@pytest.mark.parametrize(
    "text",
    ["nice build", "????????", "LULW", "the saw wave sounds great", "that is normal for a ladder"],
)
def test_statements_and_bare_question_marks_are_not_questions(text: str) -> None:
    assert signals.question_strength(text, words(text)) == 0


def test_ask_command_is_recognised_and_stripped() -> None:
    assert signals.is_ask_command("!ask which filter chip?")
    assert signals.strip_ask("!ask which filter chip?") == "which filter chip?"
    assert signals.is_ask_command("?ask which", prefix="?")
    assert not signals.is_ask_command("!asking for a friend")
    assert signals.is_other_command("!uptime") and not signals.is_other_command("!ask x")
    assert not signals.is_other_command("! wow")


@pytest.mark.parametrize(
    "text",
    ["Hey John!!", "hi", "hello everyone from brazil", "good morning chat o7", "yo @mod_anna"],
)
def test_greetings(text: str) -> None:
    assert signals.is_greeting(text, words(text))


@pytest.mark.parametrize(
    "text", ["hi, how do I mount ntfs drives?", "hey what oscillator chip is that"]
)
def test_a_greeting_that_goes_on_to_say_something_is_not_a_greeting(text: str) -> None:
    assert not signals.is_greeting(text, words(text))


@pytest.mark.parametrize("text", ["lol", "hahaha", "LULW LULW", "😂😂😂", "lmaooo KEKW"])
def test_laughter(text: str) -> None:
    assert signals.is_laughter(text, words(text))


def test_laughter_inside_a_real_comment_is_not_laughter() -> None:
    text = "lol the saw wave is so loud"
    assert not signals.is_laughter(text, words(text))


@pytest.mark.parametrize("text", ["PogU PogU", "🔥🔥🔥", "KKonaW Clap", "monkaS", "widepeepoHappy"])
def test_emote_only(text: str) -> None:
    assert signals.is_emote_only(text, words(text))


def test_words_next_to_emotes_are_not_emote_only() -> None:
    text = "PogU that oscillator"
    assert not signals.is_emote_only(text, words(text))


def test_links_and_spam_phrases() -> None:
    assert signals.has_link("get it at https://example.com/x")
    assert signals.has_link("cheap at viewbot.xyz now")
    assert not signals.has_link("version 2.6.17 works")
    assert signals.spam_phrase("FOLLOW ME for more", ["follow me"]) == "follow me"
    assert signals.spam_phrase("great show", ["follow me"]) is None


def test_shouting_ignores_emote_names() -> None:
    assert signals.is_shouting("WHY IS THE FILTER SO LOUD", min_letters=12, ratio=0.7)
    assert not signals.is_shouting("OMEGALUL KEKW LULW", min_letters=12, ratio=0.7)
    assert not signals.is_shouting("why is the FILTER so loud", min_letters=12, ratio=0.7)


def test_words_repeated_within_a_comment() -> None:
    assert signals.repeats_itself(words("APEX IS DEAD APEX IS DEAD APEX IS DEAD"))
    assert not signals.repeats_itself(words("which saw wave chip do you use for the bass"))


def test_addressed_names_cover_at_mentions_and_irc_openers() -> None:
    text = "holycow: and @bob what about ntfs"
    assert signals.addressed_names(text, words(text), {"holycow"}) == ("bob", "holycow")
    assert signals.addressed_names("note: it works", words("note: it works"), set()) == ()


def test_an_opener_read_once_a_text_addresses_whom_it_names_now() -> None:
    """The ranker reads a text's "name: ..." opener once (chat repeats its texts) and asks who
    has that name on every comment: a name met since counts, one never met does not."""
    text = "@Bob: wren, you there?"
    opener = signals.opener_name(text)

    assert opener == "bob"
    assert signals.opener_name("wren, you there?") == "wren"
    assert signals.opener_name("hello there") == ""
    assert signals.addressed_names(text, words(text), set(), opener=opener) == ("bob",)
    assert signals.addressed_names("wren, hi", words("wren, hi"), set(), opener="wren") == ()
    assert signals.addressed_names("wren, hi", words("wren, hi"), {"wren"}, opener="wren") == (
        "wren",
    )


@pytest.mark.parametrize("text", ["PRO GAMER LULW", "ALIAN VISA PogU", "😎 PRO GAMER"])
def test_short_emote_reactions(text: str) -> None:
    assert signals.is_reaction(words(text))


@pytest.mark.parametrize(
    "text", ["PogU PogU", "PogU that oscillator drifts a lot when warm", "saw wave please"]
)
def test_emote_walls_and_real_remarks_are_not_reactions(text: str) -> None:
    assert not signals.is_reaction(words(text))
