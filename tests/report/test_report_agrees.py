"""Every number the report gives agrees with itself, with `stagehand shows` and with the trend,
in every format, and its sentences never contradict each other.

Shows replayed by the real `stagehand replay` (a subprocess, as a user runs it) into one SQLite
file; the report through click. The ranking's judgement is pinned with SQL afterwards, so the
expected numbers depend on the metrics' definitions alone.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from html import unescape
from pathlib import Path

import pytest
from click.testing import CliRunner

from stagehand.cli import cli


def _ts(day: int, second: int) -> str:
    return f"2027-03-{day:02d}T10:{second // 60:02d}:{second % 60:02d}.000Z"


def _comment(day: int, second: int, mid: str, who: str, text: str, **extra) -> dict:
    platform = extra.pop("platform", "twitch")
    return {
        "kind": "comment",
        "id": mid,
        "ts": _ts(day, second),
        "platform": platform,
        "author_id": f"{platform[0]}-{who}",
        "author": who,
        "text": text,
        "roles": extra.pop("roles", []),
        **extra,
    }


def _host(day: int, second: int, action: str, mid: str, who: str, **extra) -> dict:
    return {
        "kind": "host",
        "ts": _ts(day, second),
        "action": action,
        "comment_id": mid,
        "author_id": f"t-{who}",
        "platform": "twitch",
        "text": "",
        **extra,
    }


def _opening(day: int, title: str) -> list[dict]:
    return [
        {"kind": "show", "ts": _ts(day, 0), "title": title, "description": ""},
        {"kind": "segment", "ts": _ts(day, 0), "title": "Filters", "keywords": ["filter"]},
    ]


def _end(day: int, second: int) -> dict:
    return {"kind": "end", "ts": _ts(day, second)}


SHOWS = {
    # hana's only line in the first show is a chat command: in the second she is new.
    "first": [
        *_opening(1, "First"),
        _comment(1, 5, "a1", "ana", "hi"),
        _comment(1, 6, "a2", "hana", "!hand"),
        _end(1, 120),
    ],
    "second": [
        *_opening(2, "Second"),
        _comment(2, 5, "b1", "ana", "hello again"),
        _comment(2, 6, "b2", "hana", "hi everyone"),
        _end(2, 120),
    ],
    # Opened at 10:00, chat from 10:05, over at 10:10. One on-topic question answered (by jo),
    # one off-topic one replied to, a greeting answered, and a question answered then deleted.
    "third": [
        {"kind": "show", "ts": _ts(3, 0), "title": "Third", "description": ""},
        _comment(3, 300, "c1", "ana", "how does the filter resonance work?"),
        _comment(3, 310, "c2", "ben", "what is your favourite pizza?"),
        _comment(3, 320, "c3", "cy", "lol nice"),
        _comment(3, 330, "c4", "dee", "does the filter cutoff track the keyboard?"),
        _comment(3, 335, "c5", "eli", "is the filter a ladder?"),
        _host(3, 340, "answer", "c1", "ana", actor="jo"),
        _host(3, 350, "reply", "c2", "ben", text="margherita"),
        _host(3, 360, "answer", "c3", "cy"),
        _host(3, 370, "answer", "c4", "dee"),
        _host(3, 380, "moderate", "c4", "dee", text="delete"),
        _end(3, 600),
    ],
    # One viewer, whose only question (off topic) was answered; the hosts wrote on Twitch only.
    "solo": [
        *_opening(4, "Solo"),
        _comment(4, 5, "s0", "jo", "welcome!", roles=["broadcaster"]),
        _comment(4, 6, "s1", "ana", "what is your favourite pizza?", platform="youtube"),
        {
            **_host(4, 30, "reply", "s1", "ana", text="margherita"),
            "author_id": "y-ana",
            "platform": "youtube",
        },
        _end(4, 120),
    ],
    "money": [
        *_opening(5, "Money"),
        _comment(
            5,
            5,
            "m1",
            "ana",
            "Cheer100 great filter",
            highlight={"kind": "bits", "amount": 100, "currency": "", "shown": "100 bits"},
        ),
        _comment(
            5,
            6,
            "m2",
            "ken",
            "nice",
            platform="youtube",
            highlight={"kind": "super_chat", "amount": 500, "currency": "JPY", "shown": "¥500"},
        ),
        _comment(
            5,
            7,
            "m3",
            "lee",
            "thanks",
            platform="youtube",
            highlight={"kind": "super_chat", "amount": 3, "currency": "USD", "shown": ""},
        ),
        _end(5, 120),
    ],
    # Dinars have three decimals; yen are more in number than dollars, not in worth.
    "dinars": [
        *_opening(6, "Dinars"),
        *(
            _comment(
                6,
                second,
                f"k{second}",
                who,
                "thanks",
                platform="youtube",
                highlight={"kind": "super_chat", "amount": amount, "currency": code, "shown": ""},
            )
            for second, who, amount, code in [
                (5, "ana", 500, "JPY"),
                (6, "ben", 10, "USD"),
                (7, "cy", 1.234, "KWD"),
                (8, "dee", 2, "USD"),
                (9, "eli", 0.001, "KWD"),
            ]
        ),
        _comment(
            6,
            10,
            "k10",
            "fay",
            "Cheer100",
            highlight={"kind": "bits", "amount": 100, "currency": "", "shown": "100 bits"},
        ),
        _end(6, 120),
    ],
}

#: (is_question, on_topic) as the ranking is pinned to judge them; every other line is neither.
JUDGED = {
    "c1": (1, 1),
    "c2": (1, 0),
    "c4": (1, 1),
    "c5": (1, 1),
    "s1": (1, 0),
}


REPLAY = [sys.executable, "-m", "stagehand", "replay", "--instant", "--headless"]


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("agrees")
    home = folder / "home"
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local/share"),
        "XDG_STATE_HOME": str(home / ".local/state"),
        "STAGEHAND_SERVER_LISTEN": "127.0.0.1:0",
    }
    env.pop("STAGEHAND_CONFIG", None)
    path = folder / "shows.db"
    for name, events in SHOWS.items():
        transcript = folder / f"{name}.jsonl"
        transcript.write_text("".join(json.dumps(e) + "\n" for e in events), "utf-8")
        result = subprocess.run(
            [*REPLAY, str(transcript), "--db", str(path)],
            capture_output=True,
            text=True,
            timeout=120,
            env=env,
            stdin=subprocess.DEVNULL,
            cwd=folder,
        )
        assert result.returncode == 0, result.stderr
    with sqlite3.connect(path) as conn:
        conn.execute("UPDATE comments SET is_question = 0, on_topic = 0, side_chatter = 0")
        for message_id, (question, on_topic) in JUDGED.items():
            conn.execute(
                "UPDATE comments SET is_question = ?, on_topic = ? WHERE message_id = ?",
                (question, on_topic, message_id),
            )
    conn.close()
    return path


def stagehand(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.output


def report(db: Path, show: str, fmt: str) -> str:
    return stagehand("report", show, "--db", str(db), "--format", fmt)


def html_table(page: str, heading: str) -> list[list[str]]:
    """The rows (header first) of the first table after `<h2>{heading}</h2>`, as plain text."""
    after = page[page.index(f"<h2>{heading}</h2>") :]
    table = after[: after.index("</table>")]
    return [
        [unescape(re.sub(r"<[^>]+>", "", cell)) for cell in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row)]
        for row in re.findall(r"<tr>.*?</tr>", table)
    ]  # fmt: skip


def md_table(page: str, heading: str) -> list[list[str]]:
    after = page[page.index(f"## {heading}\n") :].split("\n\n")[1]
    rows = [line.strip("|").split(" | ") for line in after.splitlines()]
    return [[cell.strip() for cell in row] for i, row in enumerate(rows) if i != 1]


def term_table(page: str, heading: str) -> list[list[str]]:
    after = page[page.index(f"\n{heading}\n") :].strip("\n").split("\n\n")[0]
    return [re.split(r" {2,}", line.strip()) for line in after.splitlines()[2:]]


def test_a_viewer_whose_only_earlier_line_was_a_command_is_new_in_the_report_and_the_trend(
    db: Path,
) -> None:
    """`!hand` is not a comment (docs/metrics.md), so it never makes anyone "back"."""
    assert "People taking part              2  (1 new, 1 back)" in report(db, "second", "term")
    assert "| People taking part | 2  (1 new, 1 back) |" in report(db, "second", "md")
    assert "1 person came back from earlier shows." in report(db, "second", "html")
    data = json.loads(report(db, "second", "json"))
    assert (data["newcomers"], data["returning"]) == (1, 1)
    people = csv.DictReader(io.StringIO(report(db, "second", "csv")))
    assert {row["author"]: row["returning"] for row in people} == {"ana": "1", "hana": "0"}
    trend = json.loads(stagehand("report", "--trend", "--db", str(db), "--format", "json"))
    second = next(s for s in trend["shows"] if s["show"]["name"] == "second")
    assert (second["newcomers"], second["returning"]) == (1, 1)


def test_every_format_gives_the_platforms_the_same_numbers_under_the_same_headings(
    db: Path,
) -> None:
    """'Answered' beside 'On-topic questions' is answered on-topic questions everywhere: HTML
    said 3 (every answered comment) where the terminal and Markdown said 1."""
    expected = ["twitch", "4", "4", "2", "1", "40 s", "75%"]
    html = html_table(report(db, "third", "html"), "Platforms")
    md = md_table(report(db, "third", "md"), "Platforms")
    assert html[0] == md[0] == [
        "Platform", "Comments", "People", "On-topic questions", "Answered", "Median wait",
        "Participation",
    ]  # fmt: skip
    assert html[1:] == md[1:] == [expected]
    term = term_table(report(db, "third", "term"), "PLATFORMS")
    assert term == [expected]
    (platform,) = json.loads(report(db, "third", "json"))["platforms"]
    assert (platform["on_topic_questions"], platform["answered_on_topic_questions"]) == (2, 1)


def test_an_answer_to_a_comment_deleted_later_is_not_counted_for_whoever_gave_it(
    db: Path,
) -> None:
    """The transcript answered cy's greeting and dee's question, which a moderator then deleted:
    one answer counts, as in every other number of the report."""
    by = {row["name"]: row for row in json.loads(report(db, "third", "json"))["answered_by"]}
    assert (
        by["the transcript (replayed)"]["answered"],
        by["the transcript (replayed)"]["replied"],
    ) == (1, 1)
    assert by["jo"]["answered"] == 1
    term = report(db, "third", "term")
    assert "  the transcript (replayed)         1        1" in term
    assert "| the transcript (replayed) | 1 | 1 |" in report(db, "third", "md")
    assert ["the transcript (replayed)", "1", "1", "0", "0", "0", "0"] in html_table(
        report(db, "third", "html"), "Answered by"
    )


def test_the_report_starts_and_lasts_as_long_as_stagehand_shows_says(db: Path) -> None:
    """Opened at 10:00, first comment at 10:05, ended 10:10: ten minutes, in both."""
    shows = stagehand("shows", "--db", str(db))
    assert re.search(r"\nthird +2027-03-03 10:00 +10 m ", shows), shows
    assert "\n2027-03-03 10:00–10:10 UTC · 10 min 00 s\n" in report(db, "third", "term")
    assert "*third · 2027-03-03 10:00–10:10 UTC · 10 min 00 s*" in report(db, "third", "md")
    assert "2027-03-03 10:00–10:10 UTC · 10 min 00 s" in report(db, "third", "html")
    data = json.loads(report(db, "third", "json"))
    assert data["show"]["opened_at"] == "2027-03-03T10:00:00.000Z"
    assert data["show"]["duration_seconds"] == 600.0
    # One point per minute of the show, the chat in its sixth minute.
    assert [p["minute"] for p in data["timeline"]] == list(range(10))
    assert [p["comments"] for p in data["timeline"]][4:6] == [0, 4]


def test_a_crashed_show_lasts_as_long_in_stagehand_shows_as_in_the_report(tmp_path: Path) -> None:
    """Killed (no clean stop) after an answer at 10:08 to a comment from 10:05: `shows` said 5 m
    (its last comment), the report 8 min (its last comment or host action)."""
    events = [
        {"kind": "show", "ts": _ts(7, 0), "title": "Crash", "description": ""},
        _comment(7, 300, "x1", "ana", "how does the filter work?"),
        _host(7, 480, "answer", "x1", "ana"),
        _comment(7, 3000, "x2", "ben", "never stored: the show was killed before"),
    ]
    transcript = tmp_path / "crash.jsonl"
    transcript.write_text("".join(json.dumps(e) + "\n" for e in events), "utf-8")
    db = tmp_path / "crash.db"
    running = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "stagehand",
            "replay",
            str(transcript),
            "--db",
            str(db),
            "--speed",
            "100",
            "--headless",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        stdin=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not _stored(db, "SELECT count(*) FROM host_actions"):
            assert running.poll() is None and time.monotonic() < deadline, "the answer never came"
            time.sleep(0.1)
    finally:
        running.kill()  # SIGKILL: no clean stop, the show is never closed
        running.wait()
    assert _stored(db, "SELECT count(*) FROM shows WHERE ended_at IS NULL") == 1
    assert re.search(
        r"\ncrash +2027-03-07 10:00 +8 m .* not closed ", stagehand("shows", "--db", str(db))
    )
    # Never reported as if it had finished: it says it was not closed, and up to when it counts.
    assert (
        "\n2027-03-07 10:00 UTC · not closed: stopped part-way, crashed or still running "
        f"(`stagehand replay {transcript} --db {db}` resumes it); "
        "figures are up to 10:08 (8 min 00 s)\n"
    ) in report(db, "crash", "term")
    show = json.loads(report(db, "crash", "json"))["show"]
    # Up to how far the replay played when it was killed: its clock had run on past the answer
    # by the time the position was stored, by a moment (at 100 times speed).
    assert 480.0 <= show["duration_seconds"] < 490.0
    assert show["closed_at"] is None and show["last_known_at"].startswith("2027-03-07T10:08:")


def _stored(db: Path, query: str) -> int:
    try:
        with sqlite3.connect(db) as conn:
            count = conn.execute(query).fetchone()[0]
        conn.close()
        return int(count)
    except sqlite3.OperationalError:  # not made yet
        return 0


def test_the_headline_says_what_was_answered_when_it_was_not_an_on_topic_question(
    db: Path,
) -> None:
    """Not "0 on-topic questions, 0 answered. Half the answers came within 24 s" (one answer
    has no half)."""
    headline = "1 comment from 1 person; no on-topic questions; 1 comment answered or replied to"
    term = report(db, "solo", "term")
    assert term.splitlines()[3] == headline + "."
    assert "The one answer came after 24 s" in term and "Half the answers" not in term
    assert f"**{headline}.**" in report(db, "solo", "md")
    assert f'<p class="lead">{headline}.</p>' in report(db, "solo", "html")
    third = report(db, "third", "term").splitlines()[3]
    assert third == (
        "4 comments from 4 people; 2 on-topic questions, 1 answered on air;"
        " 3 comments answered or replied to in all."
    )


def test_one_of_anything_is_said_in_the_singular(db: Path) -> None:
    html = report(db, "second", "html")
    assert "1 person came back" in html and "1 people" not in html
    solo = report(db, "solo", "html")
    assert '<div class="label">comment</div>' in solo
    assert '<div class="label">person (1 new)</div>' in solo
    assert "replied to each other 0 times" in solo
    assert ">1 comment</text>" in solo  # the segments chart
    for wrong in ("1 comments", "1 people", "1 times", "1 questions"):
        assert wrong not in solo, wrong
    result = CliRunner().invoke(
        cli, ["report", "--trend", "--db", str(db), "-o", str(db.with_suffix(".md"))]
    )
    assert result.exit_code == 0
    assert "Wrote 6 shows compared" in result.output


def test_with_three_people_or_fewer_nobody_is_said_to_dominate_and_nobody_on_stage_is_said(
    db: Path,
) -> None:
    term = report(db, "solo", "term")
    assert "Top three wrote                 — (only 1 person took part)" in term
    assert "Stage                           nobody came on stage" in term
    assert "0 appearances" not in term and "100% of the comments" not in term
    md = report(db, "solo", "md")
    assert "| Stage | nobody came on stage |" in md
    assert "The top three people wrote" not in report(db, "solo", "html")


def test_a_platform_only_the_hosts_wrote_on_is_not_listed(db: Path) -> None:
    """The host wrote on Twitch, the only viewer on YouTube: one platform, in every format."""
    assert term_table(report(db, "solo", "term"), "PLATFORMS") == [
        ["youtube", "1", "1", "0", "0", "24 s", "100%"]
    ]
    assert [row[0] for row in md_table(report(db, "solo", "md"), "Platforms")] == [
        "Platform",
        "youtube",
    ]
    assert [row[0] for row in html_table(report(db, "solo", "html"), "Platforms")] == [
        "Platform",
        "youtube",
    ]
    data = json.loads(report(db, "solo", "json"))
    assert [p["platform"] for p in data["platforms"]] == ["youtube"]


def test_highlight_totals_count_bits_and_write_each_currency_as_it_is_written(
    db: Path,
) -> None:
    """A cheer whose currency a transcript left out is bits; yen have no minor unit."""
    totals = "3 highlighted comments: JPY 500 (1), USD 3.00 (1), 100 bits (1)"
    assert f"SUPER CHATS AND HIGHLIGHTS: {totals}" in report(db, "money", "term")
    assert f"{totals}:" in report(db, "money", "md")
    assert f'<p class="note">{totals}.</p>' in report(db, "money", "html")
    data = json.loads(report(db, "money", "json"))
    assert data["highlight_totals"] == [
        {"currency": "JPY", "amount": 500.0, "messages": 1},
        {"currency": "USD", "amount": 3.0, "messages": 1},
        {"currency": "bits", "amount": 100.0, "messages": 1},
    ]
    assert "USD 3.00 Super Chat" in report(db, "money", "term")


def test_highlight_totals_keep_each_currencys_decimals_and_one_order_in_every_format(
    db: Path,
) -> None:
    """JSON rounded every total to cents (KWD 1.235 became 1.23, in JSON only), and totals were
    sorted by the bare number across currencies (500 yen above 12 dollars). Now: the currency
    most highlights came in first, ties by code, bits last; the same in every format."""
    totals = "6 highlighted comments: KWD 1.235 (2), USD 12.00 (2), JPY 500 (1), 100 bits (1)"
    assert f"SUPER CHATS AND HIGHLIGHTS: {totals}" in report(db, "dinars", "term")
    assert f"{totals}:" in report(db, "dinars", "md")
    assert f'<p class="note">{totals}.</p>' in report(db, "dinars", "html")
    data = json.loads(report(db, "dinars", "json"))
    assert data["highlight_totals"] == [
        {"currency": "KWD", "amount": 1.235, "messages": 2},
        {"currency": "USD", "amount": 12.0, "messages": 2},
        {"currency": "JPY", "amount": 500.0, "messages": 1},
        {"currency": "bits", "amount": 100.0, "messages": 1},
    ]
