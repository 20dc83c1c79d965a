"""Every readable format says who came on stage, for how long and how often, in one order.

The hand-worked show (showdb.py) with two more guests: cleo (twice) and dev, who opts out after
the show and so is anonymous here as everywhere in the report. The real `stagehand report` runs
as a subprocess.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from showdb import SYNTH, _h, build
from showdb import synth_report as report

GUESTS = [
    _h("02:10", "stage_start", "c5", "9001", platform="discord"),
    _h("02:40", "stage_end", None, "9001", platform="discord"),
    _h("03:25", "stage_start", "c10", "103"),
    _h("03:55", "stage_end", None, "103"),
    _h("05:40", "stage_start", "c11", "9001", platform="discord"),
    _h("05:50", "stage_end", None, "9001", platform="discord"),
]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    synth = sorted([*SYNTH, *GUESTS], key=lambda event: event["ts"])
    return build(tmp_path_factory.mktemp("on-stage"), synth)


def anonymous(db: Path) -> str:
    people = json.loads(report(db, "json"))["people"]
    (dev,) = [p["author"] for p in people if p["author"].startswith("anonymous-")]
    return dev


def test_term_lists_each_guest_longest_first(db_path) -> None:
    out = report(db_path, "term")
    assert "3 guests on stage" in out
    section = out.split("ON STAGE (3 guests, 3 min 10 s in all)\n", 1)[1].split("\n\n", 1)[0]
    rows = [re.split(r"\s{2,}", line.strip()) for line in section.splitlines()]
    assert rows == [
        ["who", "platform", "appearances", "on stage"],
        ["ben", "twitch", "1", "2 min 00 s"],
        ["Cleo", "discord", "2", "40 s"],
        [anonymous(db_path), "twitch", "1", "30 s"],
    ]
    assert " dev " not in out


def test_markdown_and_html_list_the_same_guests_in_the_same_order(db_path) -> None:
    dev = anonymous(db_path)
    md = report(db_path, "md")
    assert "## On stage\n\n3 guests, 3 min 10 s in all:\n" in md
    assert (
        "| Who | Platform | Appearances | On stage |\n| --- | ---: | ---: | ---: |\n"
        "| ben | twitch | 1 | 2 min 00 s |\n| Cleo | discord | 2 | 40 s |\n"
        f"| {dev} | twitch | 1 | 30 s |\n"
    ) in md
    page = report(db_path, "html")
    section = page.split("<h2>On stage</h2>", 1)[1].split("</section>", 1)[0]
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", section)
    assert cells == [
        *("ben", "twitch", "1", "2 min 00 s"),
        *("Cleo", "discord", "2", "40 s"),
        *(dev, "twitch", "1", "30 s"),
    ]
    assert "3 guests, 3 min 10 s in all" in section


def test_json_lists_the_guests_in_that_order(db_path) -> None:
    data = json.loads(report(db_path, "json"))
    assert [
        (g["author"], g["stage_appearances"], g["stage_seconds"]) for g in data["on_stage"]
    ] == [
        ("ben", 1, 120.0),
        ("Cleo", 2, 40.0),
        (anonymous(db_path), 1, 30.0),
    ]
