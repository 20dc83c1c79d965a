"""`stagehand report --trend` names each show the same way in every format: its title, and the
key `stagehand report KEY` takes (term named shows by key, md and html by title).

The hand-worked database (showdb.py: "pilot" and "synth"); the real CLI as a subprocess.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from showdb import build

NAMES = ["Pilot Night (pilot)", "Synth Night (synth)"]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("trend-names"))


def trend(db: Path, fmt: str) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "stagehand", "report", "--trend", "--db", str(db), "--format", fmt],
        capture_output=True, timeout=60, env=os.environ, stdin=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    return result.stdout.decode("utf-8")


def test_every_format_names_the_shows_alike(db_path) -> None:
    term = trend(db_path, "term").splitlines()[3:]
    assert [re.split(r"\s{2,}", line.strip())[0] for line in term] == NAMES
    md = [line for line in trend(db_path, "md").splitlines() if line.startswith("| ")][2:]
    assert [line.split(" | ")[0].removeprefix("| ") for line in md] == NAMES
    html = re.findall(r"<tr><td>([^<]*)</td>", trend(db_path, "html"))
    assert html == NAMES
    shows = json.loads(trend(db_path, "json"))["shows"]
    assert [(s["show"]["title"], s["show"]["name"]) for s in shows] == [
        ("Pilot Night", "pilot"),
        ("Synth Night", "synth"),
    ]
