"""Two people never read as one in a report: two viewers both shown as "Sam", and a viewer whose
display name is literally `anonymous-1` (the form of an opted-out viewer's pseudonym), get their
login beside the name in every format, and CSV and JSON carry each viewer's login and platform id
(none for someone who opted out).

The hand-worked show (showdb.py) plus those three viewers; dev opts out after the show. The real
`stagehand report` runs as a subprocess.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from showdb import SYNTH, _c, build
from showdb import synth_report as report

MORE = [
    _c("c17", "05:20", "sam_k", "107", "hello", display_name="Sam"),
    _c("c18", "05:21", "samuel", "108", "hi", display_name="Sam"),
    _c("c19", "05:22", "anon_fan", "109", "hey", display_name="anonymous-1"),
]
SHOWN = ["Sam (@sam_k)", "Sam (@samuel)", "anonymous-1 (@anon_fan)"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    synth = sorted([*SYNTH, *MORE], key=lambda event: event["ts"])
    return build(tmp_path_factory.mktemp("names"), synth)


def test_people_who_would_read_alike_are_told_apart_in_every_format(db_path) -> None:
    for fmt in ("term", "md", "html"):
        out = report(db_path, fmt)
        for name in SHOWN:
            if fmt == "md":  # Markdown mentions nobody, and escapes the underscore
                name = name.replace("@", "@\u2060").replace("_", "\\_")
            assert name in out, (fmt, name)
    people = json.loads(report(db_path, "json"))["people"]
    by_author = {p["author"]: p for p in people}
    assert set(SHOWN) <= set(by_author)
    assert (by_author["Sam (@sam_k)"]["login"], by_author["Sam (@sam_k)"]["platform_id"]) == (
        "sam_k",
        "107",
    )
    (dev,) = [p for p in people if p["author"].startswith("anonymous-") and "(" not in p["author"]]
    assert (dev["login"], dev["platform_id"]) == ("", "")  # an opted-out viewer stays unnamed
    assert by_author["ana"]["login"] == "ana"  # a name nobody else has is left as it is


def test_csv_has_the_login_and_platform_id_columns(db_path) -> None:
    rows = list(csv.DictReader(io.StringIO(report(db_path, "csv"))))
    sams = sorted((r["author"], r["login"], r["platform_id"]) for r in rows if "Sam" in r["author"])
    assert sams == [("Sam (@sam_k)", "sam_k", "107"), ("Sam (@samuel)", "samuel", "108")]


def test_a_login_of_look_alike_letters_is_told_apart_from_the_one_it_copies(
    tmp_path: Path,
) -> None:
    """revA, finding 14: `ana` and `аna` (a Cyrillic а) were shown alike in ON STAGE and MOST
    ACTIVE. Names that read alike once look-alike letters are folded get their platform id,
    and one that mixes scripts wears the console's mark for it."""
    import asyncio

    from showdb import _replay, write_transcript

    events = [
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": []},
        _c("x1", "00:10", "ana", "2010", "hi from the Latin ana"),
        _c("x2", "00:20", "\u0430na", "2011", "hi from the other one"),
    ]
    db = tmp_path / "alike.db"
    asyncio.run(_replay(db, write_transcript(tmp_path / "alike.jsonl", events), "alike"))
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-m", "stagehand", "report", "--db", str(db)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    assert "ana (twitch id 2010)" in out, out
    assert "≈ \u0430na (twitch id 2011)" in out, out
