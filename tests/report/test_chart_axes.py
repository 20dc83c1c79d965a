"""The HTML charts' axis labels say the value where their gridline is drawn: whole numbers on
nice steps. On a small show (at most 4 comments a minute) the timeline had gridlines at 0, 2.5
and 5 labelled 0, 2 and 5.

The hand-worked show (showdb.py), its report written by the real `stagehand report` (a
subprocess); the SVG read back as the browser would draw it.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from showdb import build

GRID = "#e2e8f0"
LINE = re.compile(rf'<line x1="[\d.]+" x2="[\d.]+" y1="([\d.]+)" y2="\1" stroke="{GRID}"/>')
LABEL = re.compile(
    r'<text x="[\d.]+" y="([\d.]+)" font-size="11" text-anchor="end"[^>]*>([^<]*)</text>'
)
BAR = re.compile(r'<rect x="[\d.]+" y="([\d.]+)" width="[\d.]+" height="([\d.]+)" fill="#94a3b8">'
                 r"<title>[^<]*?: (\d+) comments?")  # fmt: skip


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("axes"))


def charts(db: Path, *args: str) -> list[str]:
    result = subprocess.run(
        [sys.executable, "-m", "stagehand", "report", "--db", str(db), "--format", "html", *args],
        capture_output=True, timeout=60, env=os.environ, stdin=subprocess.DEVNULL, check=True,
    )  # fmt: skip
    return re.findall(r"<svg .*?</svg>", result.stdout.decode("utf-8"), re.DOTALL)


def axis(svg: str) -> list[tuple[float, str]]:
    """(gridline y, its label) from the bottom line up."""
    lines = sorted((float(y) for y in LINE.findall(svg)), reverse=True)
    labels = {round(float(y) - 4, 1): text for y, text in LABEL.findall(svg)}
    return [(y, labels[round(y, 1)]) for y in lines]


def test_the_timeline_labels_each_gridline_with_the_value_drawn_there(db_path) -> None:
    timeline = charts(db_path, "synth")[0]
    ticks = axis(timeline)
    values = [int(label.replace(",", "")) for _, label in ticks]  # whole numbers only
    assert values[0] == 0 and len(values) >= 3
    steps = {b - a for a, b in pairwise(values)}
    assert len(steps) == 1, f"uneven steps: {values}"
    (base, _), (top, _) = ticks[0], ticks[-1]
    for y, label in ticks:  # the value at the line's height, on the scale the bars use
        assert values[-1] * (base - y) / (base - top) == pytest.approx(int(label))
    # and the bars are drawn on that scale: the busiest minute's bar reaches its count
    slate = [(float(y), float(h), int(n)) for y, h, n in BAR.findall(timeline)]
    assert slate
    for y, _, n in slate:
        teal_and_slate_top = y
        assert values[-1] * (base - teal_and_slate_top) / (base - top) == pytest.approx(n, abs=0.05)


def test_the_trend_chart_labels_each_gridline_with_the_value_drawn_there(db_path) -> None:
    (chart,) = charts(db_path, "--trend")
    values = [int(label.replace(",", "")) for _, label in axis(chart)]
    steps = {b - a for a, b in pairwise(values)}
    assert values[0] == 0 and len(steps) == 1, values


SEGMENT_BAR = re.compile(
    r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)" height="14.0" fill="#[0-9a-f]+">'
    r"<title>([\d,]+) (?:comments?|on-topic Q|answered)</title>"
)


def test_the_segments_chart_draws_comments_and_questions_on_one_scale(db_path) -> None:
    """One legend, one scale: a bar's length is its count on the same ruler for comments and
    questions alike (a big show drew 1,775 on-topic questions longer than 25,151 comments)."""
    (segments,) = [svg for svg in charts(db_path, "synth") if "per segment" in svg]
    bars = [(float(w), int(n.replace(",", ""))) for w, n in SEGMENT_BAR.findall(segments)]
    assert len(bars) >= 6  # both segments: comments, questions, answered
    per_unit = [w / n for w, n in bars if n]  # widths are written to 0.1 px
    assert max(per_unit) - min(per_unit) < 0.1, f"bars on different scales: {bars}"
