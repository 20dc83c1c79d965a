"""Hostile chat text becomes inert text: nothing may act on the terminal or disguise itself."""

from __future__ import annotations

import unicodedata

import pytest

from stagehand.sanitize import MAX_CHARS, TRUNCATION_MARKER, has_control_characters, sanitize

HOSTILE = {
    "clear screen": ("\x1b[2J\x1b[Hgotcha", "gotcha"),
    "clipboard write (OSC 52)": ("\x1b]52;c;cm0gLXJmIH4=\x07copy me", "copy me"),
    "hyperlink (OSC 8)": ("\x1b]8;;https://evil.example\x1b\\click\x1b]8;;\x1b\\", "click"),
    "window title": ("\x1b]0;pwned\x07hello", "hello"),
    "8-bit CSI": ("\x9b31mred", "red"),
    "device control string": ("\x1bPq#0;2;0;0;0\x1b\\after", "after"),
    "bell and backspace": ("ding\x07\x08\x08dong", "dingdong"),
    "bidi override (Trojan Source)": ("price \u202e$001\u202c ok", "price $001 ok"),
    "bidi isolates": ("a\u2066b\u2069c", "abc"),
    "zero-width space": ("fr\u200bee mon\u200bey", "free money"),
}


@pytest.mark.parametrize("raw,expected", HOSTILE.values(), ids=HOSTILE.keys())
def test_escape_sequences_and_invisible_controls_are_removed(raw: str, expected: str) -> None:
    result = sanitize(raw)
    assert result.text == expected
    assert not has_control_characters(result.text)
    assert "\x1b" not in result.text


def test_markup_is_kept_as_literal_text() -> None:
    # Markup is neutralized at display time (plain Content), not by mangling what people wrote.
    for raw in ("[@click=app.quit]x[/]", "[b]bold[/b]", "a lone [ bracket", "[red]x"):
        assert sanitize(raw).text == raw


def test_zalgo_runs_of_combining_marks_are_capped() -> None:
    zalgo = "Z" + "\u0300\u0301\u0302\u0303\u0304\u0305\u0306\u0307\u0308\u0309" * 10 + "ALGO"
    text = sanitize(zalgo).text
    longest_run = max(
        len(run) for run in "".join("m" if unicodedata.combining(c) else " " for c in text).split()
    )
    assert longest_run <= 4
    assert text.startswith("Z") and text.endswith("ALGO")


def test_unicode_is_normalized_to_nfc() -> None:
    assert sanitize("cafe\u0301").text == "caf\u00e9"


def test_emoji_sequences_survive() -> None:
    family = "\U0001f469\u200d\U0001f469\u200d\U0001f467 \u2764\ufe0f"
    assert sanitize(family).text == family


def test_newlines_and_tabs_fold_into_one_line() -> None:
    assert sanitize("line one\nline two\r\n\tthree").text == "line one line two three"


def test_a_100_kb_message_is_cut_with_a_marker() -> None:
    result = sanitize("spam " * 20_000)
    assert result.truncated
    assert len(result.text) <= MAX_CHARS
    assert result.text.endswith(TRUNCATION_MARKER)


def test_plain_chat_is_left_alone() -> None:
    result = sanitize("which waveform makes the fattest bass? PogChamp")
    assert result.text == "which waveform makes the fattest bass? PogChamp"
    assert not result.changed and not result.truncated


def test_a_repeated_hostile_line_is_cleaned_the_same_every_time() -> None:
    # Repeats are answered from memory (sanitize.REMEMBERED_TEXTS): the tenth copy of a wave
    # must be as inert as the first, whatever length.
    hostile = "\x1b]0;pwned\x07LUL \u202eevil\u202c \x1b[2J" + "\u0301" * 40
    long_hostile = hostile + " spam" * 200  # past REMEMBERED_CHARS: cleaned afresh each time
    for raw in (hostile, long_hostile):
        first, again = sanitize(raw), sanitize(raw)
        assert again == first
        assert not has_control_characters(again.text)
        assert again.text.startswith("LUL evil")
    # Another length limit is never answered with the remembered full-length text.
    short = sanitize(hostile, max_chars=12)
    assert short.truncated and len(short.text) <= 12 and short.text.endswith(TRUNCATION_MARKER)


@pytest.mark.parametrize(
    "raw",
    [
        "\u200d",
        "\ufe0f",
        "\u200b\u202e\x1b[2J\u200d",
        " \u0301 ",
        "\U000e0067",
        "\u3164",  # Hangul filler: the classic blank name and blank line
        "\u115f\u1160",
        "\u2800 \u2800",  # blank Braille patterns
    ],
)
def test_a_line_of_joiners_and_marks_with_nothing_to_join_is_empty(raw: str) -> None:
    # Nothing to draw: the line takes no queue row and no raw-chat line (an empty clean text).
    assert sanitize(raw).text == ""


def test_joiners_and_selectors_that_join_something_stay() -> None:
    for raw in ("👨\u200d👩\u200d👧", "❤\ufe0f", "e\u0301"):
        assert sanitize(raw).text == unicodedata.normalize("NFC", raw)
