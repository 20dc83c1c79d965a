"""The quick paths in front of the signals' regexes answer exactly what the regexes answer (a
fresh text skips the full search when a cheaper look proves it cannot match): the ranking must
not change for being faster."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stagehand.ranking import questions, signals
from stagehand.ranking.text import STOPWORDS, AnyCase, split_words

#: Pieces of what the regexes look for, in every case, with neighbours that make or break them.
PIECES = [
    *("i'm back", "IM BACK", "bAcK", "what did i miss", "WHAT'D I MISS", "miſs", "did we miss"),
    *("just got here", "JUST TUNED IN", "late to the stream", "live yet", "when is bob coming on"),
    *("que me perdí", "o que eu perdi", "qu'est-ce que j'ai raté", "was habe ich verpasst"),
    *("cosa mi sono persa", "ＢＡＣＫ", "backstage", "example.com", "EXAMPLE.COM/x", "http://x"),
    *("www.x", "a.b", "::/", "hiii", "heyyyy", "soooo", "!!!", " ", ",", "?", "é", "İ", "ı"),
    *("🎉", "⣿⣿", "K", "JUſT GOT HERE", "Bᴀck", "ba🎉ck", "⣿BACK⣿", "i'm back 🎉"),
]
texts = st.lists(st.sampled_from(PIECES), max_size=6).map("".join) | st.text(max_size=40)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_catching_up_answers_what_its_regex_answers(text: str) -> None:
    assert signals.is_catching_up(text) == bool(signals._CATCHING_UP.search(text))


def test_a_text_beyond_ascii_without_a_hint_is_not_searched_in_full(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """An emoji or braille-art line holding no hint word is answered by the hints alone (the
    full search cost such a line about thirty times as much); one holding a hint, in any case
    `re` matches it in, is searched."""
    monkeypatch.setattr(signals, "_CATCHING_UP", re.compile(""))  # would match every text
    assert not signals.is_catching_up("🎉🎉 great stream 🎉")
    assert not signals.is_catching_up("⣿⣿⣿⠿⠿⣿⣿ ⣿⡇⢸⣿")
    assert signals.is_catching_up("MIſS 🎉")
    assert signals.is_catching_up("🎉 JUST GOT HERE")


def test_only_four_characters_beyond_ascii_match_an_ascii_letter_in_any_case() -> None:
    """A text beyond ASCII without them is looked for hint words in its ASCII characters alone."""
    ascii_letter = re.compile("[a-z]", re.IGNORECASE)
    beyond = [chr(c) for c in range(128, 0x110000) if ascii_letter.fullmatch(chr(c))]
    assert beyond == ["\u0130", "\u0131", "\u017f", "\u212a"]  # İ, ı, ſ, the Kelvin sign
    assert all(signals._LIKE_ASCII_LETTERS.search(ch) for ch in beyond)
    assert signals.is_catching_up("⣿⣿ JUST GOT HERE ⣿⣿")
    assert not signals.is_catching_up("⣿ ba🎉ck ⣿")


@settings(max_examples=500, deadline=None)
@given(texts)
def test_has_link_answers_what_its_regex_answers(text: str) -> None:
    assert signals.has_link(text) == bool(signals._LINK.search(text))


@settings(max_examples=500, deadline=None)
@given(texts)
def test_a_held_letter_counts_once_as_the_template_made_it(text: str) -> None:
    assert signals._HELD.sub(signals._held_once, text) == signals._HELD.sub(r"\1", text)


def test_every_catching_up_phrase_holds_a_hint() -> None:
    """Each alternative of the regex, as written, holds one of the hint words."""
    alternatives = signals._CATCHING_UP.pattern.split("|\\b")
    hints = signals._CATCHING_UP_HINTS.pattern.split("|")
    for alternative in alternatives:
        literal = re.sub(r"\(\?:[^)]*\)\??|\[[^]]*\]|\\[bw]\+?|\^|'\?|\(\?:|\)", "#", alternative)
        assert any(hint in literal for hint in hints), alternative


GREETINGS = [
    *("hi", "hiii", "heyyy", "hello", "thanks", "thx", "ty", "bye", "good morning", "o7"),
    *("john", "@bob", "everyone", "chat", "from", "the discord side", "see you next week"),
    *("great build!", "how do I", "what's up", ",", "!", "  "),
]


def greeting_shape_in_full(text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """`_greeting_shape` as it reads without its early answer: every word and name first."""
    tokens = [signals._HELD.sub(r"\1", t) for t in signals.split_words(text).tokens if t]
    if not tokens:
        return None
    stripped = text.strip()
    greeted = signals.greeted_names(text)
    opens = (
        tokens[0] in signals._GREETING_OPENERS
        or (
            tokens[0] in signals._THANKS
            and bool(greeted or signals._FAREWELL_MARKERS.intersection(tokens))
        )
        or bool(signals._GREETING_PHRASES.match(stripped))
        or bool(signals._FAREWELL_PHRASES.match(stripped))
    )
    if not opens:
        return None
    ignored = signals._GREETING_WORDS | signals._FAREWELL_WORDS | signals._THANKS
    rest = tuple(
        t for t in signals._without_origin(tokens) if t not in ignored and t not in STOPWORDS
    )
    return rest, greeted


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(GREETINGS), max_size=6).map(" ".join) | st.text(max_size=30))
def test_the_greeting_shape_answers_what_the_full_reading_answers(text: str) -> None:
    assert signals._greeting_shape.__wrapped__(text) == greeting_shape_in_full(text)


ASKING = [
    *("I WONDER", "Any One Know", "how to", "Q:", "IS THAT NORMAL", "or not", "NEXT WEEK"),
    *("some day", "PRÓXIMA VEZ", "nächste Woche", "Prochaine fois", "ſome day", "K", "İ", "?", " "),
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(ASKING), max_size=5).map(" ".join) | st.text(max_size=30))
def test_any_case_answers_what_the_case_insensitive_regex_answers(text: str) -> None:
    for pattern in (questions._QUESTION_PHRASES, signals._ANOTHER_SHOW):
        assert pattern.found_in(text) == bool(pattern.regex.search(text))


CLAUSES = [
    *(",", ";", ":", ".", "!", "…", "–", "—", " but ", " and ", " so ", " also ", "\t", " "),
    *("\u00a0and\u00a0", "how did you cope", "did you try", "what about it", "ok", "sand", "bob"),
    *("'how", "did", "you", "soup", "hmm"),
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(CLAUSES), max_size=6).map("".join) | st.text(max_size=30))
def test_a_later_clause_asks_where_the_split_finds_one_asking(text: str) -> None:
    in_full = any(questions._clause_asks(c.split()) for c in questions._CLAUSE.split(text)[1:])
    assert questions._a_later_clause_asks(text) == in_full


def test_a_text_of_one_clause_is_not_split(monkeypatch: pytest.MonkeyPatch) -> None:
    """A text with none of the clause marks or words ("hey did you try the new patch") is
    answered without the split (which cost it five times as much); one with them is split."""
    monkeypatch.setattr(questions, "_CLAUSE", re.compile(r"\s+(?=did)"))  # splits before "did"
    assert not questions._asks("ok well did you try it", split_words("ok well did you try it"))
    assert questions._asks("ok so did you try it", split_words("ok so did you try it"))


def test_any_case_refuses_a_pattern_not_in_lower_case() -> None:
    with pytest.raises(ValueError, match="lower case"):
        AnyCase(r"\S+ yet")


def test_a_letter_or_digit_is_what_isalnum_says_for_every_character() -> None:
    """Whether a chunk is emote-shaped (emoji, kaomoji, symbols: no letter or digit) is read
    with a regex: it finds a letter or digit exactly where `str.isalnum` does, in any script."""
    from stagehand.ranking import text

    differ = [
        hex(c)
        for c in range(0x110000)
        if (text._ALNUM.search(chr(c)) is not None) != chr(c).isalnum()
    ]
    assert differ == []
    for chunk in ("🎉", "(╯°□°)╯", "⣿⣿", "o7", "٣", "Ⅻ", "_", "ǅ", "KEKW!", "wow"):
        assert text._emote_shaped(chunk) == (
            not any(ch.isalnum() for ch in chunk.strip(".,!?"))
            or chunk.strip(".,!?").lower() in text.KNOWN_EMOTES
            or bool(text._CAMEL_HUMP.match(chunk.strip(".,!?")))
        ), chunk


CHUNKS = [*("HELLO", "wOrLd", "K", "ÉTÉ", "ǅ", "Ⓐ", "ſ", "İ", "o7", "_", "a1B2", "!!", "'", "-")]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(CHUNKS), max_size=4).map("".join) | st.text(max_size=20))
def test_a_chunk_s_letters_and_capitals_are_what_each_character_says(chunk: str) -> None:
    """A chunk's letters and capitals (what `shouting` weighs) are counted without a loop over
    an ASCII chunk: the counts are what `str.isalpha` and `str.isupper` say character by
    character, in any script."""
    from stagehand.ranking import text

    analysed = text.analyse_chunk.__wrapped__(chunk)
    letters = [ch for ch in chunk if ch.isalpha()]
    if analysed.emote or analysed.mention is not None:
        assert (analysed.letters, analysed.capitals) == (0, 0)
    else:
        assert (analysed.letters, analysed.capitals) == (
            len(letters),
            sum(ch.isupper() for ch in letters),
        )
