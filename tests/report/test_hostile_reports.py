"""Hostile names and titles through every report format: nothing a terminal or spreadsheet would run.

The real `stagehand report` runs as a subprocess on a copy of the hand-worked show whose names,
titles and questions were replaced by what an attacker would choose.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from showdb import build

# OWASP's CSV-injection rule: no cell may begin with these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

# A spreadsheet row break then a formula; a terminal title change; a screen clear; a bidi
# override; an 8-bit CSI; a formula behind a tab.
CR_FORMULA = "\r=1+1"
HOSTILE_NAMES = {
    "ana": CR_FORMULA,
    "ben": "\x1b]0;pwned\x07ben",
    "Cleo": "\x1b[2Jcleo\u202egnp.exe",
    "john": "\x9b31mjohn",
    "eve": "\t@SUM(A1)",
}
HOSTILE_TITLE = "Synth \x1b]0;owned\x07Night \u202e"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("hostile-report")
    path = directory / "hostile.db"
    shutil.copy(build(directory), path)
    with sqlite3.connect(path) as conn:
        for name, hostile in HOSTILE_NAMES.items():
            conn.execute(
                "UPDATE authors SET name = ?, display_name = ? WHERE name = ? OR display_name = ?",
                (hostile, hostile, name, name),
            )
        conn.execute("UPDATE shows SET title = ?", (HOSTILE_TITLE,))
        conn.execute("UPDATE segments SET title = ?", ("\x1b[1;1H\u2066Filters\u2069",))
        conn.execute(
            "UPDATE comments SET original_text = text || ?, text = text || ?",
            ("\x1b[2J", "\x1b[2J"),
        )
    return path


def report(db: Path, *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "stagehand", "report", "--db", str(db), *args],
        capture_output=True,
        timeout=60,
        env=os.environ,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    return result.stdout.decode("utf-8")


def acting_characters(text: str, *, allowed: str = "\n") -> list[str]:
    """Characters that could act on a terminal or reorder what it shows."""
    return [
        char
        for char in text
        if char not in allowed
        and (unicodedata.category(char) in ("Cc", "Cs") or unicodedata.bidirectional(char) in {
            "LRE", "RLE", "LRO", "RLO", "PDF", "LRI", "RLI", "FSI", "PDI"
        })
    ]  # fmt: skip


@pytest.mark.parametrize("trend", [False, True], ids=["show", "trend"])
@pytest.mark.parametrize("fmt", ["term", "md", "html", "json", "csv"])
def test_no_report_format_carries_a_control_or_bidi_character(
    hostile_db: Path, fmt: str, trend: bool
) -> None:
    out = report(hostile_db, "--format", fmt, *(["--trend"] if trend else ["synth"]))
    allowed = "\r\n" if fmt == "csv" else "\n"
    assert acting_characters(out, allowed=allowed) == []
    if fmt == "csv":  # a CR only as part of a CRLF row end, never inside a cell
        assert out.replace("\r\n", "").count("\r") == 0


def test_csv_cells_never_start_a_formula_and_every_row_is_one_participant(
    hostile_db: Path,
) -> None:
    out = report(hostile_db, "synth", "--format", "csv")
    rows = list(csv.reader(io.StringIO(out, newline="")))
    header, body = rows[0], rows[1:]
    assert len(body) == 4 and all(len(row) == len(header) for row in body)
    cells = [cell for row in body for cell in row]
    assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    authors = {row[0] for row in body}
    assert {"'=1+1", "ben", "cleognp.exe"} <= authors  # the names are kept, made inert


def test_json_keeps_the_names_readable_and_inert(hostile_db: Path) -> None:
    out = report(hostile_db, "synth", "--format", "json")
    data = json.loads(out)
    assert data["show"]["title"] == "Synth Night"
    assert "\u202e" not in json.dumps(data, ensure_ascii=False)
    assert {q["author"] for q in data["unanswered_questions"]} == {"=1+1", "cleognp.exe"}
