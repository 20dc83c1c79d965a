"""A line break in a viewer's name never makes a suffix of it in the report (reviewer finding
3): "Priya\u2028(host)" is "Priya(host)", not "Priya (host)" as if the report said she hosts.

The transcript is replayed by the real CLI into a real SQLite file; `stagehand report` is run as
a subprocess, in every format that names people.
"""

from __future__ import annotations

import json
from pathlib import Path

from showdb import _c, stagehand, write_transcript

SHOW = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Imp test"},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Synths", "keywords": ["filter"]},
    _c("h1", "00:01", "priya", "1", "welcome! ask about the filter", roles=["broadcaster"]),
    {
        **_c("i1", "00:03", "mallory", "667", "is the synth filter analog?", platform="discord"),
        "display_name": "Priya\u2028(host)",
    },
    {
        **_c("i2", "00:04", "eve", "668", "which filter is that?", platform="discord"),
        "display_name": "Priya\n(mod)",
    },
]


def test_a_line_break_in_a_name_is_taken_out_never_made_a_space(tmp_path: Path) -> None:
    transcript = write_transcript(tmp_path / "imp.jsonl", SHOW)
    db = tmp_path / "show.db"
    stagehand("replay", str(transcript), "--headless", "--instant", "--db", str(db))
    term = stagehand("report", "imp", "--db", str(db))
    md = stagehand("report", "imp", "--db", str(db), "--format", "md")
    data = json.loads(stagehand("report", "imp", "--db", str(db), "--format", "json"))
    for shown in (term, md):
        assert "Priya(host)" in shown and "Priya(mod)" in shown
        assert "Priya (host)" not in shown and "Priya (mod)" not in shown
    people = {p["author"] for p in data["people"]}
    assert {"Priya(host)", "Priya(mod)"} <= people
