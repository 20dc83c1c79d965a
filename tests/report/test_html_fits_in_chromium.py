"""The HTML report at a laptop width (1200 px) and on a phone (390 px): no table has columns only
reachable by scrolling where the page has room for them, no name is broken in the middle of a
word, and the participation funnel's numbers are on screen on a phone.

The hand-worked show (showdb.py), its report written by the real `stagehand report -o` (a
subprocess), laid out by headless Chromium. Needs Debian's chromium; skips, saying so, where absent.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from showdb import build

from server.cdp import CHROMIUM, SKIP_REASON, open_browser

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)

#: Table boxes whose content is wider than the box (columns out of sight), words of a table cell
#: laid out on more than one line (broken mid-word), and chart labels past their box's right edge.
MEASURE = """JSON.stringify((() => {
  const heading = e => (e.closest('section')?.querySelector('h2')?.textContent) || '?';
  const hidden = [...document.querySelectorAll('.scroll')]
    .filter(box => box.scrollWidth > box.clientWidth + 1)
    .map(box => heading(box) + ': ' + box.scrollWidth + ' > ' + box.clientWidth);
  const broken = [];
  for (const td of document.querySelectorAll('td')) {
    const node = td.firstChild;
    if (!node || node.nodeType !== Node.TEXT_NODE) continue;
    let at = 0;
    for (const word of node.data.split(' ')) {
      const range = document.createRange();
      range.setStart(node, at); range.setEnd(node, at + word.length);
      const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
      if (word && lines.size > 1) broken.push(heading(td) + ': ' + word);
      at += word.length + 1;
    }
  }
  const cut = [];
  for (const chart of document.querySelectorAll('.chart')) {
    const edge = chart.getBoundingClientRect().right;
    for (const text of chart.querySelectorAll('text'))
      if (text.getBoundingClientRect().right > edge + 1) cut.push(heading(chart) + ': ' + text.textContent);
  }
  return {hidden, broken, cut};
})())"""


@pytest.fixture(scope="module")
def page_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("fits")
    out = directory / "report.html"
    subprocess.run(
        [sys.executable, "-m", "stagehand", "report", "synth", "--db", str(build(directory)),
         "--format", "html", "-o", str(out)],
        check=True, capture_output=True, timeout=60, env=os.environ, stdin=subprocess.DEVNULL,
    )  # fmt: skip
    return out


async def measure(page_path: Path, width: int, profile: Path) -> dict[str, list[str]]:
    page = await open_browser(profile)
    try:
        await page.open(page_path.as_uri(), width=width, height=3000)
        await page.screenshot(profile.parent / f"report-{width}.png")
        return json.loads(await page.evaluate(MEASURE))
    finally:
        await page.close()


async def test_at_1200_px_every_table_shows_all_its_columns_and_names_stay_whole(
    page_path, tmp_path
) -> None:
    seen = await measure(page_path, 1200, tmp_path / "profile")
    assert seen["hidden"] == [], "columns only reachable by scrolling"
    assert seen["broken"] == [], "names broken mid-word"


async def test_on_a_phone_the_funnel_shows_its_numbers(page_path, tmp_path) -> None:
    seen = await measure(page_path, 390, tmp_path / "profile")
    funnel = [label for label in seen["cut"] if label.startswith("Who took part")]
    assert funnel == [], "the participation funnel's labels are cut off"
    assert seen["broken"] == [], "names broken mid-word"
