"""The transcript format: what replay reads and export writes (docs/transcript-format.md)."""

from __future__ import annotations

import io
import json
import unicodedata
from pathlib import Path

import pytest

from stagehand.domain import HostActionKind
from stagehand.transcript import (
    CommentEvent,
    EndEvent,
    HostEvent,
    SegmentEvent,
    ShowEvent,
    TranscriptError,
    iter_events,
    read_transcript,
    write_events,
)


def test_reads_every_kind_of_event(small_show: Path) -> None:
    events = list(read_transcript(small_show))
    assert isinstance(events[0], ShowEvent) and events[0].title == "Synth Night"
    segment = events[1]
    assert isinstance(segment, SegmentEvent)
    assert segment.keywords == ("oscillator", "waveform", "VCO")
    comment = events[4]
    assert isinstance(comment, CommentEvent)
    assert comment.comment.author.display_name == "Cleo"
    assert comment.comment.reply_to == "m1"
    assert comment.comment.ts.tzinfo is not None
    hosts = [e for e in events if isinstance(e, HostEvent)]
    assert [h.action.kind for h in hosts] == [
        HostActionKind.ANSWER,
        HostActionKind.STAGE_START,
        HostActionKind.STAGE_END,
        HostActionKind.REPLY,
    ]


def test_unknown_keys_and_kinds_are_ignored() -> None:
    lines = [
        json.dumps({"kind": "poll", "ts": "2026-01-01T00:00:00Z"}),
        json.dumps(
            {
                "kind": "comment",
                "id": "1",
                "ts": "2026-01-01T00:00:01Z",
                "author": "x",
                "text": "hi",
                "mood": "great",
                "intent": "greeting",
            }
        ),
    ]
    events = list(iter_events(lines))
    assert len(events) == 1 and isinstance(events[0], CommentEvent)


def test_a_bad_line_names_the_file_and_line() -> None:
    lines = [
        '{"kind": "segment", "ts": "2026-01-01T00:00:00Z", "title": "a"}',
        "{not json",
        '{"kind": "comment", "id": "1", "ts": "2026-01-01T00:00:01Z", "author": "x"}',
    ]
    with pytest.raises(TranscriptError, match=r"show\.jsonl:2"):
        list(iter_events(lines, source="show.jsonl"))
    skipped: list[TranscriptError] = []
    events = list(iter_events(lines, source="show.jsonl", on_error=skipped.append))
    assert len(events) == 1
    assert [str(e) for e in skipped] == [
        'show.jsonl:2: not valid JSON at column 2: a key must be in double quotes ("key": '
        "value), and no comma follows the last one",
        'show.jsonl:3: missing "text"',
    ]


def test_a_bad_line_is_said_in_plain_words_naming_the_key_and_the_form_expected() -> None:
    """Before, Python's own words: "Invalid isoformat string: 'yesterday'", "Unterminated
    string starting at at column 24"."""
    lines = [
        '{"kind": "comment", "id": "1", "ts": "yesterday", "author": "x", "text": "hi"}',
        '{"kind": "comment", "text": "an unfinished',
        '{"kind": "segment", "title": "no time"}',
        '{"kind": "end", "ts": "2026-13-01\\u001b[31m"}',
    ]
    skipped: list[TranscriptError] = []
    assert list(iter_events(lines, source="show.jsonl", on_error=skipped.append)) == []
    assert [str(e) for e in skipped] == [
        'show.jsonl:1: "ts" must be an ISO 8601 time such as "2026-11-20T19:00:05Z" (UTC '
        "unless it says otherwise), not 'yesterday'",
        'show.jsonl:2: not valid JSON at column 29: a string opened here with " is never '
        "closed (a missing closing quote, or the line was cut short)",
        'show.jsonl:3: missing "ts" (the time, such as "2026-11-20T19:00:05Z")',
        'show.jsonl:4: "ts" must be an ISO 8601 time such as "2026-11-20T19:00:05Z" (UTC '
        "unless it says otherwise), not '2026-13-01\\x1b[31m'",
    ]
    assert all("\x1b" not in str(e) and "isoformat" not in str(e) for e in skipped)


def test_a_bad_host_action_says_which_actions_exist() -> None:
    line = json.dumps({"kind": "host", "ts": "2026-01-01T00:00:00Z", "action": "applaud"})
    with pytest.raises(TranscriptError, match=r"answer\|dismiss"):
        list(iter_events([line]))


def test_write_then_read_gives_the_same_events(small_show: Path) -> None:
    events = list(read_transcript(small_show))
    buffer = io.StringIO()
    assert write_events(events, buffer) == len(events)
    again = list(iter_events(buffer.getvalue().splitlines()))
    assert again == events


def test_the_end_of_a_show_reads_and_writes_back_and_needs_its_time() -> None:
    """`end` (docs/transcript-format.md): when the show ended; a line without a time is bad."""
    lines = ['{"kind": "end", "ts": "2026-11-20T19:25:49.107+00:00"}', '{"kind": "end"}']
    skipped: list[TranscriptError] = []
    events = list(iter_events(lines, source="show.jsonl", on_error=skipped.append))
    assert [type(event) for event in events] == [EndEvent]
    assert [str(error) for error in skipped] == [
        'show.jsonl:2: missing "ts" (the time, such as "2026-11-20T19:00:05Z")'
    ]
    buffer = io.StringIO()
    write_events(events, buffer)
    assert buffer.getvalue() == '{"kind": "end", "ts": "2026-11-20T19:25:49.107Z"}\n'


def test_every_kind_of_line_is_written_back_key_for_key_in_the_same_order() -> None:
    """An export diffs cleanly against the transcript it came from: each kind of line (besides
    comments and host actions, tested above) is written as it was read, its kind and time first."""
    lines = [
        '{"kind": "segment", "ts": "2026-11-20T19:00:00.000Z", "title": "Filters", '
        '"keywords": ["filter", "cutoff"]}',
        '{"kind": "topic", "ts": "2026-11-20T19:05:00.000Z", "title": "Resonance", '
        '"keywords": ["resonance"]}',
        '{"kind": "delete", "ts": "2026-11-20T19:06:00.000Z", "platform": "twitch", '
        '"comment_id": "m1"}',
        '{"kind": "off_stream", "ts": "2026-11-20T19:07:00.000Z", "shown_by": "alice"}',
        '{"kind": "off_stage", "ts": "2026-11-20T19:08:00.000Z", "platform": "discord", '
        '"author_id": "9001"}',
        '{"kind": "end", "ts": "2026-11-20T19:25:49.107Z"}',
    ]
    buffer = io.StringIO()
    assert write_events(iter_events(lines), buffer) == len(lines)
    assert buffer.getvalue().splitlines() == lines


def test_timestamps_without_zone_are_utc_and_written_with_z() -> None:
    line = json.dumps({"kind": "segment", "ts": "2026-01-01T10:00:00", "title": "a"})
    (event,) = iter_events([line])
    buffer = io.StringIO()
    write_events([event], buffer)
    assert '"ts": "2026-01-01T10:00:00.000Z"' in buffer.getvalue()


def test_an_export_is_exact_yet_safe_to_cat() -> None:
    hostile = "\x1b]0;owned\x07\x1b[2J\u202eevil\x9b31m \ud800 end"
    line = json.dumps(
        {
            "kind": "comment",
            "id": "1",
            "ts": "2026-01-01T00:00:01Z",
            "author": hostile,
            "text": hostile,
        }
    )
    (event,) = iter_events([line])
    buffer = io.StringIO()
    write_events([event], buffer)
    written = buffer.getvalue()
    assert not [c for c in written.rstrip("\n") if unicodedata.category(c) in ("Cc", "Cs", "Cf")]
    buffer.getvalue().encode("utf-8")  # writable to a UTF-8 file (no raw lone surrogate)
    (again,) = iter_events(written.splitlines())
    assert again.comment.text == hostile.replace("\ud800", "\ufffd")
    assert again == event


def test_a_highlight_survives_the_round_trip_and_a_bad_one_is_named(tmp_path) -> None:
    """Paid and highlighted messages (Super Chat, bits, channel points) keep what the platform
    said about them through a transcript; a malformed one is a bad line, not a crash."""
    from stagehand.domain import Highlight, HighlightKind
    from stagehand.transcript import CommentEvent, comment_to_dict, event_from_dict

    record = {
        "kind": "comment",
        "id": "yt-1",
        "ts": "2026-11-20T19:00:00Z",
        "platform": "youtube",
        "author": "ana",
        "text": "love the show",
        "highlight": {"kind": "super_chat", "amount": 5, "currency": "USD", "shown": "$5.00"},
    }
    event = event_from_dict(record)
    assert isinstance(event, CommentEvent)
    assert event.comment.highlight == Highlight(HighlightKind.SUPER_CHAT, 5.0, "USD", "$5.00")
    assert comment_to_dict(event.comment)["highlight"] == record["highlight"]
    for bad in ({"kind": "gold"}, {"kind": "bits", "amount": -1}, "bits"):
        with pytest.raises(ValueError, match="highlight"):
            event_from_dict(record | {"highlight": bad})


def _super_chat_line(**highlight: object) -> str:
    """One comment line with a Super Chat, written as a file would spell it (`Infinity` too)."""
    return json.dumps(
        {
            "kind": "comment",
            "id": "h1",
            "ts": "2026-11-20T19:00:01Z",
            "platform": "youtube",
            "author": "ana",
            "text": "what is a vco?",
            "highlight": {"kind": "super_chat", "currency": "USD", "shown": "$5", **highlight},
        }
    )


@pytest.mark.parametrize("amount", ["Infinity", "-Infinity", "NaN", "1e400", "1" + "0" * 400])
def test_a_non_finite_amount_is_a_bad_line_named_by_file_and_line(amount: str) -> None:
    """Python's JSON reader takes `Infinity`; a report could not write it back as JSON."""
    line = _super_chat_line(amount=0).replace('"amount": 0', f'"amount": {amount}')
    skipped: list[TranscriptError] = []
    events = list(iter_events(["", line], source="paid.jsonl", on_error=skipped.append))
    assert events == []
    (error,) = skipped
    assert str(error).startswith("paid.jsonl:2: ")
    assert '"highlight.amount" must be' in str(error)


def test_a_highlight_currency_and_shown_amount_are_inert_text() -> None:
    """Both reach the report beside the chat text: no escape sequence survives the reading."""
    line = _super_chat_line(amount=5, currency="US\x1b]0;PWNED\x07\u202eD", shown="$5\x1b[2J\x9b1m")
    (event,) = iter_events([line])
    highlight = event.comment.highlight
    assert (highlight.currency, highlight.shown, highlight.amount) == ("USD", "$5", 5.0)


def test_a_time_that_is_not_text_is_named_by_its_kind_not_printed_whole() -> None:
    """A "ts" holding a list of 20,000 numbers was printed whole: a 60,110-character error line
    on the terminal and in the log (found by the last read)."""
    line = json.dumps({"kind": "end", "ts": [0] * 20_000})
    skipped: list[TranscriptError] = []
    assert list(iter_events([line], source="show.jsonl", on_error=skipped.append)) == []
    assert [str(e) for e in skipped] == [
        'show.jsonl:1: "ts" must be an ISO 8601 time such as "2026-11-20T19:00:05Z" (UTC '
        "unless it says otherwise), not a JSON list"
    ]
