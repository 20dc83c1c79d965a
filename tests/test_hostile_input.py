"""Property tests: arbitrary text through sanitizing and the pipeline never crashes, never loses the
original, and never leaves a control character in what is shown."""

from __future__ import annotations

import asyncio
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stagehand.config import Settings
from stagehand.domain import Author, Comment
from stagehand.sanitize import MAX_CHARS, has_control_characters, sanitize
from stagehand.session import open_show

# Text that leans towards what attackers send: escapes, controls, bidi, combining marks, brackets.
NASTY = st.sampled_from(
    [
        "\x1b",
        "\x1b[",
        "\x1b]",
        "\x07",
        "\x9b",
        "\u202e",
        "\u2066",
        "\u0300",
        "\u200b",
        "[",
        "]",
        "[@click=app.quit]",
        "[/]",
        "\r\n",
        "\x00",
        "\ud800",
        "\U000e0001",
        "\ufeff",
        "\x1b\\",
    ]
)
HOSTILE_TEXT = st.lists(st.one_of(st.text(max_size=20), NASTY), max_size=40).map("".join)


@given(HOSTILE_TEXT)
@settings(max_examples=400, deadline=None)
def test_sanitized_text_has_no_controls_and_is_stable(raw: str) -> None:
    result = sanitize(raw)
    assert not has_control_characters(result.text)
    assert "\x1b" not in result.text
    assert len(result.text) <= MAX_CHARS
    assert sanitize(result.text).text == result.text  # sanitizing twice changes nothing


@given(st.text(min_size=MAX_CHARS, max_size=MAX_CHARS * 3))
@settings(max_examples=30, deadline=None)
def test_long_text_is_cut_within_the_limit(raw: str) -> None:
    result = sanitize(raw)
    assert len(result.text) <= MAX_CHARS


def _comment(index: int, text: str, name: str) -> Comment:
    return Comment(
        id=f"h{index}",
        platform="twitch",
        channel="hostile",
        author=Author("twitch", f"u{index % 7}", name or "x", name),
        text=text,
        ts=datetime(2026, 1, 1, tzinfo=UTC) + timedelta(seconds=index),
    )


@given(st.lists(st.tuples(HOSTILE_TEXT, HOSTILE_TEXT), min_size=1, max_size=25))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_the_pipeline_stores_exactly_what_was_received(messages: list[tuple[str, str]]) -> None:
    received = [
        text.encode("utf-8", "replace").decode("utf-8")  # platforms deliver valid UTF-8
        for text, _ in messages
    ]
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "hostile.db"
        live = open_show(Settings(), db_path=db, show_name="hostile", adapters=[], commands=False)
        live.start_segment("anything", ["x"])
        for index, (text, (_, name)) in enumerate(zip(received, messages, strict=True)):
            live.comment_received(_comment(index, text, name.encode("utf-8", "replace").decode()))
        assert asyncio.run(live.close())
        rows = (
            sqlite3.connect(db)
            .execute("SELECT original_text, text FROM comments ORDER BY id")
            .fetchall()
        )
    assert [original for original, _ in rows] == received
    for _, shown in rows:
        assert not has_control_characters(shown)


@given(HOSTILE_TEXT, st.sampled_from(["!", "?", "~~"]), st.booleans())
@settings(max_examples=500, deadline=None)
def test_command_parsing_never_crashes_and_never_lets_controls_through(
    raw: str, prefix: str, is_reply: bool
) -> None:
    from stagehand.commands.parse import parse_command, parse_target, parse_topic

    text = sanitize(raw).text  # commands are parsed from the sanitized text, as in the pipeline
    for candidate in (text, prefix + text, f"{prefix}stage @{text}", f"{prefix}segment {text}"):
        parsed = parse_command(candidate, prefix, max_args=200, is_reply=is_reply)
        if parsed is None:
            continue
        assert parsed.name.isascii() and parsed.name.isalpha()
        assert len(parsed.args) <= 200 and not has_control_characters(parsed.args)
        assert not has_control_characters(parsed.text)
        target = parse_target(parsed.args)
        if target is not None and target.name is not None:
            assert " " not in target.name and not has_control_characters(target.name)
        topic = parse_topic(parsed.text, max_keywords=10)
        title, keywords = topic.title, topic.keywords
        assert not has_control_characters(title) and len(title) <= 200
        assert keywords is None or (
            len(keywords) <= 10 and all(not has_control_characters(k) for k in keywords)
        )
