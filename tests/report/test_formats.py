"""`stagehand report` in every format, on the hand-worked show (showdb.py), through click."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from showdb import build

from stagehand.cli.report import report_command

#: What splits a mention, a link or an issue reference in Markdown: a word joiner (U+2060).
WJ = "\u2060"
HEADLINE = (
    "12 comments from 4 people; 6 on-topic questions, 3 answered (2 on air, 1 in chat);"
    " 1 guest on stage"
)


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("formats"))


def report(*args: str) -> str:
    result = CliRunner().invoke(report_command, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def test_term_puts_the_headline_first_and_strips_control_characters(db_path) -> None:
    out = report("synth", "--db", str(db_path))
    lines = out.splitlines()
    assert lines[0].startswith("Synth Night")
    assert lines[3] == HEADLINE + "."
    assert "Half the answers came within 1 min 00 s" in out
    assert "\x1b" not in out and "[@click=app.quit]hi[/]" in out  # inert text, shown as text
    assert (
        "FOLLOW UP: 3 on-topic questions never answered, best first, then the 1 the hosts"
        " dismissed: 2 listed, 1 not listed: its author opted out\n"
    ) in out
    assert "is a ladder filter hard to build?" in out
    assert " dev " not in out and "anonymous-" in out


def test_markdown_escapes_chat_text(db_path) -> None:
    out = report("synth", "--db", str(db_path), "--format", "md")
    assert out.startswith("# Synth Night\n")
    assert f"**{HEADLINE}.**" in out
    assert "<script" not in out and "&lt;script&gt;" in out
    assert r"\[@click=app\.quit\]" not in out and rf"\[@{WJ}click=app.quit\]hi\[/\]" in out
    assert r"=cmd\|x" in out  # a pipe in chat cannot break a table
    assert "| 1. Oscillators (0′) | 7 | 4 | 2 | 2 | 45 s | — | 50% |" in out


def test_markdown_chat_mentions_nobody_and_links_nothing(db_path, tmp_path) -> None:
    """Pasted into a GitHub issue or wiki, `@ben` notified ben and URLs, e-mail addresses and
    `#12` became links; a backslash does not stop them (GitHub mentions and the GFM e-mail
    autolink read the text after escapes are undone). A word joiner splits each: it shows as
    nothing on the page and in plain text alike."""
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    said = (
        "@ben is www.example.com/faq right? see https://example.com/x, WWW.X.ORG or ftp://x.org; "
        "mail ana@example.com, xmpp:me@jabber.org, #12 or @org/team \\@eve"
    )
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE authors SET display_name = '@ana' WHERE name = 'ana'")
        conn.execute("UPDATE comments SET display_name_then = '@ana' WHERE author_id = 1")
        conn.execute(
            "UPDATE comments SET text = ?, original_text = ? WHERE message_id = 'c13'",
            (said, said),
        )
    out = report("synth", "--db", str(copy), "--format", "md")
    assert (
        f"1. **@{WJ}ana** (twitch, 19:05) *(dismissed)*: @{WJ}ben is "
        f"www{WJ}.example.com/faq right? see https:{WJ}//example.com/x, WWW{WJ}.X.ORG "
        f"or ftp:{WJ}//x.org; mail ana@{WJ}example.com, xmpp:me@{WJ}jabber.org, "
        f"#{WJ}12 or @{WJ}org/team \\\\@{WJ}eve\n"
    ) in out
    assert f"| @{WJ}ana | twitch | 4 | 1 | 0 | — |" in out


def test_markdown_pasted_as_plain_text_reads_as_written(db_path, tmp_path) -> None:
    """The Markdown report is for pasting into Discord, Slack or an e-mail too
    (docs/reports.md): there the title read `# Friday Night Build #<!-- -->37`. What keeps
    `#37` from linking on GitHub now shows as nothing there as well: take the invisible word
    joiners out and the text is the show's own."""
    copy = tmp_path / "copy.db"
    shutil.copy(db_path, copy)
    with sqlite3.connect(copy) as conn:
        conn.execute("UPDATE shows SET title = 'Friday Night Build #37'")
    out = report("synth", "--db", str(copy), "--format", "md")
    assert "<!--" not in out
    assert out.startswith(f"# Friday Night Build #{WJ}37\n"), out[:80]
    assert out.replace(WJ, "").startswith("# Friday Night Build #37\n")


def test_html_is_self_contained_and_escaped(db_path) -> None:
    out = report("synth", "--db", str(db_path), "--format", "html")
    assert out.startswith("<!doctype html>")
    assert "<script" not in out.lower() and "&lt;script&gt;alert(&quot;x&quot;)" in out
    assert "&lt;/svg&gt;" in out
    assert out.count("<svg") == 3  # timeline, segments, people
    # nothing to fetch: no external stylesheet, image, font or script
    for needle in ("src=", "<link", "url(", "@import", "https://"):
        assert needle not in out
    assert "default-src 'none'" in out
    assert HEADLINE in out


def test_json_has_every_key_per_show_and_per_segment(db_path) -> None:
    data = json.loads(report("synth", "--db", str(db_path), "--format", "json"))
    required = [
        "comments", "participants", "questions", "answered", "median_seconds_to_answer",
        "stage_appearances", "stage_seconds", "participation_rate",
    ]  # fmt: skip
    assert data["show"]["name"] == "synth"
    assert [data[k] for k in required] == [12, 4, 7, 3, 60.0, 1, 120.0, 0.5]
    assert len(data["segments"]) == 2
    for segment in data["segments"]:
        assert set(required) <= set(segment)
    assert data["segments"][1]["stage_seconds"] == 120.0
    assert [(q["author"], q["text"][:15]) for q in data["unanswered_questions"]] == [
        ("Cleo", "cutoff vs reson"),
        ("ana", "is a ladder fil"),  # dismissed by the hosts: after the ones nobody handled
    ]
    assert data["unanswered_questions_total"] == 3
    assert "dev" not in json.dumps(data)


def test_csv_is_the_per_participant_table(db_path, tmp_path) -> None:
    hostile = tmp_path / "copy.db"
    shutil.copy(db_path, hostile)
    with sqlite3.connect(hostile) as conn:
        conn.execute("UPDATE authors SET display_name = '=1+2' WHERE name = 'ben'")
    rows = list(
        csv.DictReader(io.StringIO(report("synth", "--db", str(hostile), "--format", "csv")))
    )
    assert [r["author"] for r in rows][:2] == ["ana", "'=1+2"]  # never a spreadsheet formula
    ben = rows[1]
    assert (ben["comments"], ben["answered"], ben["stage_seconds"]) == ("3", "2", "120.0")
    assert {r["author"] for r in rows} >= {"Cleo"} and "dev" not in {r["author"] for r in rows}
    assert rows[0]["returning"] == "1"


@pytest.mark.parametrize("fmt", ["term", "md", "html", "json", "csv"])
def test_trend_compares_every_show(db_path, fmt) -> None:
    out = report("--trend", "--db", str(db_path), "--format", fmt)
    assert "pilot" in out.lower() and "synth" in out.lower()
    if fmt == "json":
        shows = json.loads(out)["shows"]
        assert [(s["show"]["name"], s["participants"], s["returning"]) for s in shows] == [
            ("pilot", 2, 0),
            ("synth", 4, 1),
        ]


def test_output_file(db_path, tmp_path) -> None:
    target = tmp_path / "synth.html"
    result = CliRunner().invoke(
        report_command, ["synth", "--db", str(db_path), "--format", "html", "-o", str(target)]
    )
    assert result.exit_code == 0
    assert f"Wrote the report on show 'synth' to {target}" in result.output
    assert target.read_text("utf-8").startswith("<!doctype html>")


def test_latest_show_is_the_default(db_path) -> None:
    assert report("--db", str(db_path)).startswith("Synth Night")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--db", "missing.db"], "no such database"),
        (["nosuch", "--db", "{db}"], "no show called 'nosuch' (shows here: synth, pilot)"),
        (["synth", "--trend", "--db", "{db}"], "--trend compares every show"),
    ],
)
def test_errors_are_one_clear_line_and_exit_2(db_path, args, message) -> None:
    result = CliRunner().invoke(report_command, [a.format(db=db_path) for a in args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output
