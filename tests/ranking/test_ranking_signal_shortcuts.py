"""The quick paths in front of the signals' regexes answer exactly what the regexes answer (a
fresh text skips the full search when a cheaper look proves it cannot match): the ranking must
not change for being faster."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from stagehand.ranking import signals

#: Pieces of what the regexes look for, in every case, with neighbours that make or break them.
PIECES = [
    *("i'm back", "IM BACK", "bAcK", "what did i miss", "WHAT'D I MISS", "miſs", "did we miss"),
    *("just got here", "JUST TUNED IN", "late to the stream", "live yet", "when is bob coming on"),
    *("que me perdí", "o que eu perdi", "qu'est-ce que j'ai raté", "was habe ich verpasst"),
    *("cosa mi sono persa", "ＢＡＣＫ", "backstage", "example.com", "EXAMPLE.COM/x", "http://x"),
    *("www.x", "a.b", "::/", "hiii", "heyyyy", "soooo", "!!!", " ", ",", "?", "é", "İ", "ı"),
]
texts = st.lists(st.sampled_from(PIECES), max_size=6).map("".join) | st.text(max_size=40)


@settings(max_examples=500, deadline=None)
@given(texts)
def test_catching_up_answers_what_its_regex_answers(text: str) -> None:
    assert signals.is_catching_up.__wrapped__(text) == bool(signals._CATCHING_UP.search(text))


@settings(max_examples=500, deadline=None)
@given(texts)
def test_has_link_answers_what_its_regex_answers(text: str) -> None:
    assert signals.has_link.__wrapped__(text) == bool(signals._LINK.search(text))


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
