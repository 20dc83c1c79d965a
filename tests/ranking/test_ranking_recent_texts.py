"""The near-duplicate check finds a chat wave's exact copies without scanning, and answers
exactly what the full fuzzy scan answers (the ranking must not change for being faster)."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz, process

from stagehand.ranking.memory import MATCHES, RecentTexts, RepeatMatch

TEXTS = ["pog", "what synth is that", "what synth is that?", "gg", "hello chat", "hello chat!"]


def scanned(ring: RecentTexts, text: str, author: str) -> RepeatMatch | None:
    """The answer of a fuzzy scan over the whole ring (what `find` answered before)."""
    found = process.extract(
        text, ring._texts, scorer=fuzz.ratio, score_cutoff=ring.cutoff, limit=MATCHES
    )
    if not found:
        return None
    same = [hit for hit in found if ring._authors[hit[2]] == author]
    best = same[0] if same else found[0]
    other = next((hit for hit in found if ring._authors[hit[2]] != author), None)
    return RepeatMatch(
        same_author=bool(same),
        similarity=best[1],
        times=len(found),
        other_text=other[0] if other is not None else "",
        other_first=ring._firsts[other[2]] if other is not None else None,
        own_text=same[0][0] if same else "",
    )


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(st.sampled_from(TEXTS), st.sampled_from(["ana", "bo", "cy"])),
        min_size=1,
        max_size=60,
    )
)
def test_find_answers_what_the_full_scan_answers(said: list[tuple[str, str]]) -> None:
    ring = RecentTexts(size=12, cutoff=88.0)
    for number, (text, author) in enumerate(said):
        assert ring.find(text, author) == scanned(ring, text, author)
        ring.remember(text, author, ("twitch", f"m{number}"))


def test_a_wave_is_found_without_a_scan(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    ring = RecentTexts(size=400, cutoff=88.0)
    for number in range(MATCHES):
        ring.remember("pog champ", f"viewer{number}", ("twitch", f"m{number}"))
    monkeypatch.setattr(process, "extract", lambda *a, **k: (_ for _ in ()).throw(AssertionError))

    match = ring.find("pog champ", "viewer9")

    assert match == RepeatMatch(False, 100.0, MATCHES, "pog champ", ("twitch", "m0"))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.text(alphabet="ab c", min_size=1, max_size=90),
            st.sampled_from(["ana", "bo", "cy"]),
        ),
        min_size=1,
        max_size=40,
    ),
    st.sampled_from([50.0, 75.5, 88.0, 96.0, 100.0]),
)
def test_the_length_window_leaves_out_no_match(said: list[tuple[str, str]], cutoff: float) -> None:
    """Texts of every length and near-copies of them, at any cutoff: the scan of the texts whose
    length lets them match answers what the scan of the whole ring answers."""
    ring = RecentTexts(size=15, cutoff=cutoff)
    for number, (text, author) in enumerate(said):
        for variant in (text, text + "a", text[1:] or text, text * 2):
            assert ring.find(variant, author) == scanned(ring, variant, author)
        ring.remember(text, author, ("twitch", f"m{number}"))


def test_a_match_exactly_at_the_cutoff_is_found() -> None:
    """22 letters against 28 score 200 * 22 / 50 = 88: at the cutoff, so a match."""
    ring = RecentTexts(size=400, cutoff=88.0)
    ring.remember("a" * 28, "ana")
    ring.remember("a" * 29, "bo")  # 200 * 22 / 51: below it

    match = ring.find("a" * 22, "cy")

    assert match == RepeatMatch(False, 88.0, 1, "a" * 28, None)


def test_a_text_beyond_the_lengths_kept_is_scanned_and_its_window_not_kept() -> None:
    """The scan's length windows are kept a length, for the lengths the bucket table holds: a
    6,000-character paste is still matched, and the windows stay as many as those lengths."""
    ring = RecentTexts(size=10, cutoff=88.0)
    paste = "ab " * 2_000
    ring.remember(paste, "ana")
    ring.remember("hello chat", "bo")

    for text in (paste + "a", paste + "a", "hello chat!", "hello chat!"):
        assert ring.find(text, "cy") == scanned(ring, text, "cy")
    assert ring.find(paste + "a", "cy") is not None
    assert sorted(ring._windows) == [len("hello chat!")]
