"""A CSV report written to a file opens right in Excel on Windows: it starts with the UTF-8
byte-order mark Excel needs to read UTF-8 ("María José" read as "MarÃ­a JosÃ©" without it);
standard output stays without it, and Python's csv reads the file back with "utf-8-sig".

The hand-worked show (showdb.py) with a viewer whose name has accents; the real `stagehand
report` as a subprocess.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from showdb import SYNTH, _c, build, stagehand


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    more = [_c("c17", "05:20", "maria_jose", "107", "hola", display_name="María José")]
    synth = sorted([*SYNTH, *more], key=lambda event: event["ts"])
    return build(tmp_path_factory.mktemp("csv"), synth)


def test_a_csv_file_starts_with_the_mark_excel_reads_utf8_by(db_path: Path, tmp_path) -> None:
    out = tmp_path / "report.csv"
    stagehand("report", "synth", "--db", str(db_path), "--format", "csv", "-o", str(out))
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfauthor,")
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert "María José" in {row["author"] for row in rows}
    # Standard output (piped into another tool) has no mark.
    printed = stagehand("report", "synth", "--db", str(db_path), "--format", "csv")
    assert printed.startswith("author,")
