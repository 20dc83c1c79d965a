"""The HTML report laid out by headless Chromium at a desktop and at a phone width: the page never
scrolls sideways, wide tables scroll inside their own box, a long comment wraps, the charts stay
big enough to read, and printing fits the paper.

The show is the small hand-worked one plus a 2,000-character comment, answered on air and shown
on stream through the show's own API (so "Answered by" and "Shown on stream" are there). Needs
Debian's chromium; skips, saying so, where it is absent.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from fakes.transcripts import SMALL_SHOW, write_jsonl
from server.cdp import CHROMIUM, SKIP_REASON, open_browser
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.metrics import show_metrics
from stagehand.report import render_show
from stagehand.session import open_show
from stagehand.store import open_database

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)

LONG = " ".join(f"word{i:03d} about the filter cutoff and resonance" for i in range(45))[:2000]
UNBROKEN = "x" * 300  # a "word" no line break fits: it must break anyway

#: What the page looks like, measured in it: the page's own width against the window's, every
#: table and chart box that sticks out of the window, how far the charts are scaled down, and
#: the long comment's cell.
MEASURE = """JSON.stringify((() => {
  const page = document.documentElement, view = page.clientWidth;
  const out = [...document.querySelectorAll('section, .scroll, .chart')]
    .filter(e => e.getBoundingClientRect().right > view + 1)
    .map(e => e.className + ': ' + e.textContent.slice(0, 30));
  const scales = [...document.querySelectorAll('svg')]
    .map(s => s.getBoundingClientRect().width / s.viewBox.baseVal.width);
  const cell = [...document.querySelectorAll('td')].find(td => td.textContent.startsWith('word000'));
  const box = cell.getBoundingClientRect();
  return {scroll_width: page.scrollWidth, view, out, scales,
          cell: {width: box.width, height: box.height, align: getComputedStyle(cell).textAlign}};
})())"""


async def long_comment_show(tmp_path: Path) -> Path:
    extra = [
        {
            "kind": "comment",
            "id": f"long{n}",
            "ts": f"2026-11-20T19:{20 + n}:00Z",
            "platform": "twitch",
            "channel": "synthnight",
            "author_id": f"90{n}",
            "author": "a_viewer_with_a_rather_long_name_indeed",
            "text": text,
            "roles": [],
            "reply_to": None,
        }
        for n, text in enumerate([LONG, UNBROKEN])
    ]
    transcript = write_jsonl(tmp_path / "show.jsonl", SMALL_SHOW + extra)
    live = open_show(
        Settings(overlay={"feature_on_answer": True}),
        db_path=tmp_path / "show.db",
        show_name="synth",
        adapters=[ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    await live.run_adapters()
    for n, actor in enumerate(["alice", "bob_the_producer_of_the_evening"]):
        found = live.find_comment("twitch", f"long{n}")
        assert found is not None
        with live.acting_as(actor):
            assert live.answer(found).ok
    assert await live.close()
    return tmp_path / "show.db"


async def test_the_report_fits_a_desktop_and_a_phone(tmp_path: Path) -> None:
    db = open_database(await long_comment_show(tmp_path), create=False)
    page_path = tmp_path / "report.html"
    page_path.write_text(render_show(show_metrics(db), "html"), "utf-8")
    assert "Shown on stream" in page_path.read_text("utf-8")
    page = await open_browser(tmp_path / "profile")
    try:
        seen = {}
        for width in (1280, 390):
            await page.open(page_path.as_uri(), width=width, height=900)
            seen[width] = json.loads(await page.evaluate(MEASURE))
            await page.screenshot(tmp_path / f"report-{width}.png")
        await page.send("Emulation.setEmulatedMedia", media="print")
        await page.open(page_path.as_uri(), width=700, height=900)
        printed = json.loads(await page.evaluate(MEASURE))
    finally:
        await page.close()

    desk, phone = seen[1280], seen[390]
    # the page never scrolls sideways: not at a desktop width, not on a phone, not on paper
    for name, m in (("1280 px", desk), ("390 px", phone), ("print", printed)):
        assert m["scroll_width"] <= m["view"], f"{name}: page is {m['scroll_width']} px wide"
        assert m["out"] == [], f"{name}: sticks out of the window: {m['out']}"
    # at a desktop width the long comment wraps into many lines in a left-aligned cell
    assert desk["cell"]["align"] == "left"
    assert desk["cell"]["height"] > 5 * 20, desk["cell"]
    # the charts are never shrunk so far that their 10-12 px labels can't be read
    assert min(desk["scales"]) >= 0.85, desk["scales"]
    assert min(phone["scales"]) >= 0.85, phone["scales"]
