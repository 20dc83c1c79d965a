"""What a stored comment's time and reasons look like in the database: anyone reading it with
`sqlite3`, a report or a resumed show gets ISO 8601 UTC times with milliseconds and the score's
reasons as a JSON object with its keys sorted, exactly as the standard library writes them.

Both are written by faster routes than the standard library's (they run for every comment), so
these tests hold them to the standard library's output, value for value.
"""

from __future__ import annotations

import json
import math
import sqlite3
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import MappingProxyType

from hypothesis import given
from hypothesis import strategies as st

from stagehand.domain import Author, Comment, RankedComment, Score
from stagehand.events import CommentRanked
from stagehand.show.pipeline import sanitized
from stagehand.store import open_database
from stagehand.store.queries import open_show
from stagehand.store.reasons import encode_reasons
from stagehand.store.writer import StoreWriter
from stagehand.times import format_ts

T0 = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)

reason_names = st.one_of(
    st.sampled_from(["base", "topic", "question", "to_show", "a", "ab", "a_b", "Z", "x1"]),
    st.text(max_size=6),  # not identifiers: quotes, spaces, accents, controls
)
reason_values = st.one_of(
    st.sampled_from([1.0, 0.2, -0.5, 0.0, -0.0, 1.1386, math.inf, -math.inf, math.nan]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-3, 3),
    st.booleans(),
)


@given(st.lists(st.dictionaries(reason_names, reason_values, max_size=8), max_size=4))
def test_reasons_are_written_as_json_dumps_writes_them_with_sorted_keys(
    scores: list[dict[str, float]],
) -> None:
    for reasons in scores:  # the same pairs again, from what was remembered the first time
        for _ in range(2):
            assert encode_reasons(reasons) == json.dumps(reasons, sort_keys=True)
        assert encode_reasons(MappingProxyType(reasons)) == json.dumps(reasons, sort_keys=True)


@given(
    st.datetimes(timezones=st.just(UTC)),
    st.sampled_from([UTC, timezone(timedelta(hours=-7)), timezone(timedelta(hours=5, minutes=30))]),
)
def test_times_are_iso_utc_with_the_milliseconds_cut_as_isoformat_cuts_them(
    moment: datetime, zone: timezone
) -> None:
    try:
        local = moment.astimezone(zone)
    except OverflowError:  # year 1 or 9999 shown in a zone beyond it
        return
    expected = moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    assert format_ts(local) == expected


def test_a_stored_comment_reads_back_with_its_exact_reasons_and_time(tmp_path: Path) -> None:
    path = tmp_path / "show.db"
    db = open_database(path)
    show, _ = open_show(db, "synth", title="Synth", description="", source="test", started_at=T0)
    db.conn.close()
    reasons = [
        {"base": 1.0, "topic": 2.7952, "question": 1.1386, "newcomer": 0.2},
        {"question": 1.1386, "base": 1.0, "spam": -2.5, "flood": -0.0},  # the same pairs again
        {"base": 1.0, "learned_topic": 0.1 + 0.2},  # a value written with all its digits
    ]
    writer = StoreWriter(path, show_id=show.id).start()
    for number, reason in enumerate(reasons):
        comment = sanitized(
            Comment(
                id=f"m{number}",
                platform="twitch",
                channel="synthnight",
                author=Author("twitch", "id-ana", "ana", "Ana"),
                text="what synth is that?",
                ts=T0 + timedelta(seconds=number, microseconds=999_999),
            )
        )
        score = Score(sum(reason.values()), 1.0, reason)
        writer.record(CommentRanked(RankedComment(comment, score, 1)))
    assert writer.close()

    conn = sqlite3.connect(path)
    rows = conn.execute("SELECT ts, reasons FROM comments ORDER BY id").fetchall()
    conn.close()
    assert [ts for ts, _ in rows] == [
        "2026-11-20T19:00:00.999Z",
        "2026-11-20T19:00:01.999Z",
        "2026-11-20T19:00:02.999Z",
    ]
    assert [json.loads(text) for _, text in rows] == reasons
    assert rows[1][1] == '{"base": 1.0, "flood": -0.0, "question": 1.1386, "spam": -2.5}'
    assert rows[2][1] == '{"base": 1.0, "learned_topic": 0.30000000000000004}'
