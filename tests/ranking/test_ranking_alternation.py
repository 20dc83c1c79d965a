"""Request phrases grouped by their first letter (ranking/alternation.py) find a request in
exactly the comments the phrases as written find one in: "any tips?", "¿me puedes explicar?"
and "kannst du das zeigen" stay questions, and no other comment becomes one."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from stagehand.ranking import languages, questions
from stagehand.ranking.alternation import by_first_character, top_level

#: The request phrases as written, one alternation tried in turn (what REQUESTS was).
AS_WRITTEN = re.compile(r"(?:^|\b)(?:" + "|".join(languages._REQUESTS.values()) + r")\b")
PHRASES = [p for pattern in languages._REQUESTS.values() for p in top_level(pattern)]
#: Around and between phrases: what makes or breaks a word boundary, and near misses.
NOISE = [" ", "", ",", "'", "-", "x", "é", "?", "_", "1", "me", "nos", "vc", "lol", "can"]


def phrase_texts() -> st.SearchStrategy[str]:
    phrase = st.sampled_from(PHRASES).flatmap(lambda p: st.from_regex(p, fullmatch=True))
    piece = phrase | st.sampled_from(NOISE) | st.text(alphabet="abcdeoqstuy '-", max_size=6)
    return st.lists(piece, max_size=5).map("".join)


@settings(max_examples=1500, deadline=None)
@given(phrase_texts() | st.text(max_size=30))
def test_requests_are_found_where_the_phrases_as_written_find_them(text: str) -> None:
    assert bool(languages.REQUESTS.search(text)) == bool(AS_WRITTEN.search(text))


def test_every_request_phrase_is_still_a_question() -> None:
    for text in ("any tips for a beginner", "me puedes explicar eso", "kannst du das zeigen"):
        assert languages.REQUESTS.search(languages.fold(text)), text
        assert questions.is_question(text), text


def test_groups_and_optional_parts_are_spelled_out_by_their_first_letter() -> None:
    grouped = by_first_character(["(?:can|could) you", "(?:me|nos)? ?puedes", "cuentanos"])
    assert grouped == (
        r"\ (?:puedes)|c(?:an you|ould you|uentanos)|m(?:e ?puedes)|n(?:os ?puedes)|p(?:uedes)"
    )


PATTERNS = [
    *(r"[ab]c", r"\w+ x", r"(a)b", r"a*b", r"(?:a|b)+c", r"(?=a)ab", r"\bab", r"a{2}b"),
    *(r"(?:a|b)??c", r"a??b", r"x?(?:y|z)?w", r"(?:a(?:b|c)?|d)e", r"[]a]b|c", r"(?:)?a"),
    *(r"a|(?:b|[)|])c", r"\(a", r"ab?|ba?"),
]


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=4),
    st.text("abcdwxyz()|] ", max_size=8),
)
def test_what_cannot_be_spelled_out_is_kept_as_written(patterns: list[str], text: str) -> None:
    """Classes, escapes, repeats, capturing groups and assertions at the start: kept whole,
    and each text still matches where the alternatives as written match it."""
    grouped = re.compile(by_first_character(patterns))
    as_written = re.compile("|".join(patterns))
    assert bool(grouped.search(text)) == bool(as_written.search(text))


#: The question phrases as written ("i wonder", "any ?(?:one|body) know", "is that normal"), one
#: alternation tried in turn, case-insensitive (what questions._QUESTION_PHRASES was).
QUESTION_AS_WRITTEN = re.compile(r"\b(?:" + questions._ASKING_PHRASES + ")", re.IGNORECASE)
QUESTION_PARTS = top_level(questions._ASKING_PHRASES)


def question_phrase_texts() -> st.SearchStrategy[str]:
    phrase = st.sampled_from(QUESTION_PARTS).flatmap(lambda p: st.from_regex(p, fullmatch=True))
    cased = phrase.flatmap(lambda p: st.sampled_from([p, p.upper(), p.title(), p + "ſ"]))
    piece = cased | st.sampled_from(NOISE) | st.text(alphabet="abdhiknoqstuwy '-:", max_size=6)
    return st.lists(piece, max_size=5).map("".join)


@settings(max_examples=1500, deadline=None)
@given(question_phrase_texts() | st.text(max_size=30))
def test_question_phrases_are_found_where_the_phrases_as_written_find_them(text: str) -> None:
    """ "I wonder", "ANY ONE KNOW", "is that normal" ask as before, grouped by first letter."""
    assert questions._QUESTION_PHRASES.found_in(text) == bool(QUESTION_AS_WRITTEN.search(text))
