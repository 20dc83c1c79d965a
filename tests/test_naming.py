"""Whom a notice names, and where (`stagehand.naming`): un-naming someone changes exactly the
places recorded as theirs, whatever their name is, and keeps every other name where it now is."""

from __future__ import annotations

from stagehand.domain import Author
from stagehand.naming import As, Naming, joined, named, unnamed, within

AL = Author("twitch", "1", "al")
ALICE = Author("twitch", "2", "alice")
THE = Author("discord", "3", "the", "The")
GONE = "a viewer who opted out"


def test_only_the_places_that_name_someone_change_whatever_their_name() -> None:
    text, names = named("Answered ", AL, " and ", ALICE, " on air; the same for ", THE)
    assert text == "Answered al and alice on air; the same for The"
    text, names = unnamed(text, names, AL.key, GONE)
    assert text == "Answered a viewer who opted out and alice on air; the same for The"
    text, names = unnamed(text, names, THE.key, "a forgotten viewer")
    assert (
        text == "Answered a viewer who opted out and alice on air; the same for a forgotten viewer"
    )
    assert [text[n.start : n.end] for n in names] == ["alice"]  # still where alice is


def test_texts_put_together_keep_their_names_and_anonymous_people_are_named_by_none() -> None:
    anonymous = Author("twitch", "9", "", GONE, anonymous=True)
    first = named(As(AL, "@al"), " is off stage")
    second = named(anonymous, " is off stage")
    text, names = joined([first, second], "; ")
    assert text == "@al is off stage; a viewer who opted out is off stage"
    assert names == (Naming(AL.key, 0, 3),)
    assert within(names, 2) == (Naming(AL.key, 0, 2),) and within(names, 0) == ()


def test_a_text_named_whole_and_in_part_by_one_person_says_them_once() -> None:
    text = "ok: @al: al: guest link whispered"
    names = (Naming(AL.key, 4, len(text)), Naming(AL.key, 9, 11), Naming(ALICE.key, 13, 18))
    assert unnamed(text, names, AL.key, GONE) == (f"ok: {GONE}", ())
