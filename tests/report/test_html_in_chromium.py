"""The HTML report opened in headless Chromium: the screenshot must show the charts.

Needs Debian's chromium (`apt-get install -y chromium`); skips, saying so, where it is absent.
The report is of the bundled demo show when it is there (the realistic case), else of the small
hand-worked show. The PNG is decoded with the stdlib (png.py) and searched for the palette.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import pytest
from pngread import read_png, rows_with
from showdb import build

from stagehand.metrics import show_metrics
from stagehand.report import charts, render_show
from stagehand.store import open_database

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def _demo_db(directory: Path) -> Path | None:
    from stagehand.adapters.replay import ReplayAdapter
    from stagehand.config import Settings
    from stagehand.demo import demo_transcript_path
    from stagehand.session import open_show

    transcript = demo_transcript_path()
    if not transcript.exists():
        return None
    db = directory / "demo.db"

    async def play() -> None:
        replay = ReplayAdapter(transcript, instant=True)
        live = open_show(
            Settings(), db_path=db, show_name="demo", adapters=[replay], commands=False
        )
        await live.run_adapters()
        assert await live.close()

    asyncio.run(play())
    return db


def screenshot(page: Path, png: Path, profile: Path, size: str = "1100,1800") -> None:
    subprocess.run(
        [
            CHROMIUM or "chromium",
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--force-device-scale-factor=1",
            f"--user-data-dir={profile}",
            f"--screenshot={png}",
            f"--window-size={size}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=90,
    )


def clusters(rows: list[int]) -> list[list[int]]:
    """Runs of neighbouring row numbers (a gap of more than 4 rows starts a new run)."""
    runs: list[list[int]] = []
    for y in rows:
        if runs and y - runs[-1][-1] <= 4:
            runs[-1].append(y)
        else:
            runs.append([y])
    return runs


@pytest.mark.skipif(
    CHROMIUM is None, reason="chromium is not installed (apt-get install -y chromium)"
)
def test_the_charts_show_in_a_real_browser(tmp_path) -> None:
    db_path = _demo_db(tmp_path) or build(tmp_path)
    db = open_database(db_path, create=False)
    page = tmp_path / "report.html"
    page.write_text(render_show(show_metrics(db), "html"), "utf-8")
    png = tmp_path / "report.png"
    screenshot(page, png, tmp_path / "profile")
    width, height, rows = read_png(png)
    assert (width, height) == (1100, 1800)
    teal, orange = rows_with(rows, charts.TEAL), rows_with(rows, charts.ORANGE)
    slate, indigo = rows_with(rows, charts.SLATE), rows_with(rows, charts.INDIGO)
    # the timeline: on-topic (teal) bars stand on the axis, answers (orange) hang below it
    # (the tallest teal run: legend swatches and the stage bar are short)
    bars = max(clusters(teal), key=len, default=[])
    assert len(bars) >= 30, "no on-topic bars in the timeline"
    axis = bars[-1]
    assert any(axis < y < axis + 60 for y in orange), "no answers under the timeline axis"
    assert sum(1 for y in slate if y < axis) >= 20, "no comment bars in the timeline"
    # below it, the per-segment bars (slate, indigo, orange) and the people chart
    assert sum(1 for y in slate if y > axis + 80) >= 20, "no per-segment comment bars"
    assert sum(1 for y in indigo if y > axis + 80) >= 10, "no on-topic question bars"
    assert sum(1 for y in orange if y > axis + 80) >= 10, "no answered bars"
