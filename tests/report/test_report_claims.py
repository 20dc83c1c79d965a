"""What the report says must be true and readable: no claim about questions nobody asked, no
amount JSON cannot spell, no escape sequence from a currency, columns aligned under wide names.

Shows replayed through the real pipeline into SQLite; `stagehand report` through click, as a
user runs it.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import sqlite3
import unicodedata
from pathlib import Path

from click.testing import CliRunner
from showdb import _c, _replay, write_transcript

from stagehand.cli.data import shows
from stagehand.cli.report import report_command

EMPTY_SHOW = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Quiet Night", "description": ""},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": ["filter"]},
]

WIDE_NAMES = ["Zoë 🎉 日本", "東京のシンセ好き", "plainname", "ｆｕｌｌｗｉｄｔｈ"]
WIDE_SHOW = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Wide Night", "description": ""},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": ["filter"]},
    *(
        _c(f"w{i}", f"0{i}:10", name, f"u{i}", "which filter do you like best?")
        for i, name in enumerate(WIDE_NAMES)
    ),
]

PAID_SHOW = [
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": ["filter"]},
    _c(
        "p1",
        "00:10",
        "ana",
        "UCana",
        "what filter is that?",
        platform="youtube",
        highlight={"kind": "super_chat", "amount": 5, "currency": "USD", "shown": ""},
    ),
]


def columns(text: str) -> int:
    """Terminal columns, measured independently of the code under test: wide and full-width
    characters take two, combining and format characters none."""
    return sum(
        0
        if unicodedata.category(char) in ("Mn", "Me", "Cf")
        else 2
        if unicodedata.east_asian_width(char) in ("W", "F")
        else 1
        for char in text
    )


def _db(directory: Path, name: str, events: list[dict]) -> Path:
    db = directory / f"{name}.db"
    asyncio.run(_replay(db, write_transcript(directory / f"{name}.jsonl", events), name))
    return db


def report(db: Path, *args: str) -> str:
    result = CliRunner().invoke(report_command, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_an_empty_show_does_not_claim_its_questions_were_answered(tmp_path: Path) -> None:
    db = _db(tmp_path, "quiet", EMPTY_SHOW)
    term = report(db)
    assert "FOLLOW UP: no on-topic questions were asked." in term
    assert "answered." not in term.splitlines()[-1]
    md = report(db, "--format", "md")
    follow_up = md[md.index("## Follow up") :]
    assert "No on-topic questions were asked." in follow_up and "Every" not in follow_up
    html = report(db, "--format", "html")
    assert "No on-topic questions were asked." in html
    assert "Every on-topic question was answered" not in html


def test_an_answered_show_still_says_every_question_was_answered(tmp_path: Path) -> None:
    events = [
        *EMPTY_SHOW,
        _c("q1", "00:10", "ana", "1", "which filter is that on the bass?"),
        {
            "kind": "host",
            "ts": "2026-11-20T19:00:30Z",
            "action": "answer",
            "comment_id": "q1",
            "author_id": "1",
            "platform": "twitch",
        },
    ]
    term = report(_db(tmp_path, "answered", events))
    assert "1 on-topic question, 1 answered" in term
    assert "FOLLOW UP: every on-topic question was answered." in term


def test_wide_names_keep_the_terminal_columns_aligned(tmp_path: Path) -> None:
    out = report(_db(tmp_path, "wide", WIDE_SHOW))
    table = out[out.index("MOST ACTIVE") :].splitlines()[1:]
    header, rows = table[0], [row for row in table[1:] if row.strip()]
    assert {row.split()[0] for row in rows} >= {"plainname", "東京のシンセ好き"}
    column = columns(header[: header.index("platform")])
    for row in rows:
        at = row.index("twitch")
        assert columns(row[:at]) == column, f"'twitch' is not under 'platform': {row!r}"
        assert columns(row) == columns(rows[0]), "rows of different widths"


def test_an_escape_in_a_stored_currency_never_reaches_the_terminal(tmp_path: Path) -> None:
    """A database written before transcripts were cleaned (or by a platform) can hold it."""
    db = _db(tmp_path, "paid", PAID_SHOW)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE comments SET highlight_currency = ?", ("US\x1b]0;PWNED\x07\u202e",))
    conn.close()
    for fmt in ("term", "md", "html", "json", "csv"):
        out = report(db, "--format", fmt)
        assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out, fmt
    assert "SUPER CHATS AND HIGHLIGHTS: 1 highlighted comment: US 5.00 (1)" in report(db)


def test_json_never_carries_a_number_json_cannot_spell(tmp_path: Path) -> None:
    """An infinite amount already in a database becomes null, never `Infinity`."""
    db = tmp_path / "inf.db"
    shutil.copy(_db(tmp_path, "paid", PAID_SHOW), db)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE comments SET highlight_amount = 9e999")
    conn.close()

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    data = json.loads(report(db, "--format", "json"), parse_constant=refuse)
    assert data["highlights"][0]["amount"] is None
    assert data["highlight_totals"][0]["amount"] is None


def test_a_transcript_with_an_infinite_amount_is_refused_line_by_line(tmp_path: Path) -> None:
    """The reader skips the line and names it; nothing infinite reaches the database."""
    line = json.dumps(PAID_SHOW[1]).replace('"amount": 5', '"amount": Infinity')
    transcript = tmp_path / "inf.jsonl"
    transcript.write_text(json.dumps(PAID_SHOW[0]) + "\n" + line + "\n", encoding="utf-8")
    db = tmp_path / "inf.db"
    asyncio.run(_replay(db, transcript, "inf"))
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM comments").fetchone()[0] == 0
    conn.close()
    assert "Infinity" not in report(db, "--format", "json")


def _replayed_with_commands(directory: Path, events: list[dict]) -> Path:
    """`stagehand replay` as a user runs it (chat commands answered, as in a show)."""
    import subprocess
    import sys

    transcript = write_transcript(directory / "again.jsonl", events)
    db = directory / "again.db"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "stagehand",
            "replay",
            str(transcript),
            "--db",
            str(db),
            "--instant",
            "--headless",
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return db


def test_a_viewer_who_started_afresh_is_not_claimed_as_two_people(tmp_path: Path) -> None:
    """revA, finding 10: "20 comments from 12 people" with 10 distinct viewers. A viewer who
    asks to be forgotten, or opts out and back in, and chats again is a new name to the show
    (their earlier rows are anonymous and linked to nobody, by design), so the names are
    counted, not people: the report says how many people that can be, and why."""
    events = [
        *EMPTY_SHOW,
        _c("a1", "00:10", "ana", "1", "which filter is on the bass?"),
        _c("a2", "00:20", "ana", "1", "!forget"),
        _c("a3", "00:25", "ana", "1", "!forget confirm"),
        _c("a4", "00:30", "ana", "1", "back again, is the filter a ladder?"),
        _c("b1", "00:40", "ben", "2", "the filter sounds great"),
        _c("b2", "00:45", "ben", "2", "!optout"),
        _c("b3", "00:50", "ben", "2", "still here"),
        _c("b4", "00:55", "ben", "2", "!optin"),
        _c("b5", "01:00", "ben", "2", "what resonance do you use?"),
        _c("c1", "01:10", "cleo", "3", "hi from Lisbon"),
    ]
    db = _replayed_with_commands(tmp_path, events)
    term = report(db)
    assert "6 comments from 3 to 5 people" in term, term
    assert "from 5 people" not in term
    details = next(line for line in term.splitlines() if "People taking part" in line)
    assert "3 to 5" in details and "2 started afresh" in details, details
    md = report(db, "--format", "md")
    assert "6 comments from 3 to 5 people" in md and "from 5 people" not in md
    html = report(db, "--format", "html")
    assert "3 to 5 people" in html and ">5 people" not in html
    data = json.loads(report(db, "--format", "json"))
    assert data["participants"] == 5 and data["started_afresh"] == 2


def test_a_viewer_who_started_afresh_and_never_came_back_is_counted_once(tmp_path: Path) -> None:
    """A fresh start can make one person two names only when a new name chatted after it:
    ana asks to be forgotten once everyone else has spoken and says nothing more, so the show's
    six names are six people, not "5 to 6". ben opts out and back in and chats again, so of the
    two fresh starts in the second show one can have made a person two names: "3 to 4", never
    "2 to 4" (three people cannot be two)."""
    everyone = [
        *EMPTY_SHOW,
        *(
            _c(f"{name}1", f"00:{10 + 5 * i}", name, str(i + 1), f"hi, {name} here")
            for i, name in enumerate(["ana", "ben", "cleo", "dan", "eve", "fay"])
        ),
        _c("a2", "01:00", "ana", "1", "!forget"),
        _c("a3", "01:05", "ana", "1", "!forget confirm"),
        _c("b2", "01:10", "ben", "2", "what filter is that?"),
        _c("c2", "01:20", "cleo", "3", "bye"),
    ]
    (tmp_path / "gone").mkdir()
    db = _replayed_with_commands(tmp_path / "gone", everyone)
    term = report(db)
    assert "8 comments from 6 people;" in term, term
    details = next(line for line in term.splitlines() if "People taking part" in line)
    assert details.split()[3:5] == ["6", "(6"] and "afresh" not in details, details
    md = report(db, "--format", "md")
    assert "8 comments from 6 people;" in md and "5 to 6" not in md
    html = report(db, "--format", "html")
    assert "8 comments from 6 people;" in html and "5 to 6" not in html
    data = json.loads(report(db, "--format", "json"))
    assert (data["participants"], data["fewest_people"], data["started_afresh"]) == (6, 6, 1)

    one_back = [
        *EMPTY_SHOW,
        _c("a1", "00:10", "ana", "1", "which filter is on the bass?"),
        _c("b1", "00:20", "ben", "2", "the filter sounds great"),
        _c("c1", "00:30", "cleo", "3", "hi from Lisbon"),
        _c("a2", "00:40", "ana", "1", "!forget"),
        _c("a3", "00:45", "ana", "1", "!forget confirm"),
        _c("b2", "00:50", "ben", "2", "!optout"),
        _c("b3", "00:55", "ben", "2", "still here"),
        _c("b4", "01:00", "ben", "2", "!optin"),
        _c("b5", "01:05", "ben", "2", "what resonance do you use?"),
        _c("c2", "01:10", "cleo", "3", "bye"),
    ]
    (tmp_path / "back").mkdir()
    db = _replayed_with_commands(tmp_path / "back", one_back)
    term = report(db)
    assert "6 comments from 3 to 4 people;" in term, term
    details = next(line for line in term.splitlines() if "People taking part" in line)
    assert "3 to 4" in details and "2 started afresh" in details, details
    assert "1 may count twice" in details, details
    md = report(db, "--format", "md")
    assert "6 comments from 3 to 4 people;" in md and "2 to 4" not in md
    html = report(db, "--format", "html")
    assert "3 to 4 people" in html and "2 to 4" not in html
    assert "Took part: 3 to 4" in html  # the funnel reads as the headline
    data = json.loads(report(db, "--format", "json"))
    assert (data["participants"], data["fewest_people"], data["started_afresh"]) == (4, 3, 2)


def test_the_trend_gives_a_show_the_same_people_as_its_own_report(tmp_path: Path) -> None:
    """`report --trend` listed a show whose own report says "from 3 to 4 people" as 4 people in
    every format, and `stagehand shows` as 4 PEOPLE: the same range in their tables, and
    fewest_people beside participants in JSON and CSV."""
    events = [
        *EMPTY_SHOW,
        _c("a1", "00:10", "ana", "1", "which filter is on the bass?"),
        _c("b1", "00:20", "ben", "2", "the filter sounds great"),
        _c("c1", "00:30", "cleo", "3", "hi from Lisbon"),
        _c("b2", "00:50", "ben", "2", "!optout"),
        _c("b3", "00:55", "ben", "2", "still here"),
        _c("b4", "01:00", "ben", "2", "!optin"),
        _c("b5", "01:05", "ben", "2", "what resonance do you use?"),
    ]
    db = _replayed_with_commands(tmp_path, events)
    assert "5 comments from 3 to 4 people;" in report(db)
    for fmt in ("term", "md", "html"):
        trend = report(db, "--trend", "--format", fmt)
        assert "3 to 4" in trend, (fmt, trend)
    [row] = json.loads(report(db, "--trend", "--format", "json"))["shows"]
    assert (row["participants"], row["fewest_people"]) == (4, 3)
    header, line = report(db, "--trend", "--format", "csv").splitlines()[:2]
    cells = dict(zip(header.split(","), line.split(","), strict=True))
    assert (cells["participants"], cells["fewest_people"]) == ("4", "3")
    listed = CliRunner().invoke(shows, ["--db", str(db)])
    assert listed.exit_code == 0, listed.output
    header, line = listed.output.splitlines()[:2]
    assert line[: header.index("PEOPLE") + len("PEOPLE")].endswith(" 3 to 4"), listed.output


def test_stagehand_shows_keeps_its_columns_under_a_wide_people_range(tmp_path: Path) -> None:
    """ "12 to 13" is wider than the PEOPLE heading's seven columns: the STATE and TITLE of that
    row were pushed right of their headings (last read, 2026-12-08)."""
    viewers = [
        _c(f"v{n}", f"00:{10 + n:02d}", f"viewer{n}", str(100 + n), "the filter sounds great")
        for n in range(11)
    ]
    events = [
        *EMPTY_SHOW,
        *viewers,
        _c("b1", "00:30", "ben", "2", "the filter sounds great"),
        _c("b2", "00:50", "ben", "2", "!optout"),
        _c("b4", "01:00", "ben", "2", "!optin"),
        _c("b5", "01:05", "ben", "2", "what resonance do you use?"),
    ]
    db = _replayed_with_commands(tmp_path, events)
    listed = CliRunner().invoke(shows, ["--db", str(db)])
    assert listed.exit_code == 0, listed.output
    header, line = listed.output.splitlines()[:2]
    assert line[: header.index("PEOPLE") + len("PEOPLE")].endswith(" 12 to 13"), listed.output
    assert line.index("closed") == header.index("STATE"), listed.output
