"""The HTML report shows an Arabic follow-up question in its own direction (headless
Chromium): its ASCII "?" on the left, where Arabic puts it (it showed at the right end, as in
English), while the page around it stays English, left to right.

The hand-worked show (showdb.py) plus an Arabic question; the real `stagehand report --format
html` as a subprocess, opened in Chromium.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from showdb import SYNTH, _c, build, stagehand

from server.cdp import CHROMIUM, SKIP_REASON, open_browser

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)

ARABIC = "كيف أبدأ تعلم البرمجة بلغة بايثون?"

#: Where the Arabic question's last character is drawn against its first: left of it (RTL).
QUESTION_MARK_ON_THE_LEFT = """(function () {
  var walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  var text = null;
  while (walker.nextNode()) {
    if (walker.currentNode.data === %s) { text = walker.currentNode; }
  }
  if (!text) { return "missing"; }
  var range = document.createRange();
  range.setStart(text, 0); range.setEnd(text, 1);
  var first = range.getBoundingClientRect().left;
  range.setStart(text, text.length - 1); range.setEnd(text, text.length);
  return range.getBoundingClientRect().left < first;
})()"""


@pytest.fixture
def page_file(tmp_path: Path) -> Path:
    """The report on the show with the Arabic question judged an unanswered on-topic one (so it
    is on the follow-up list)."""
    question = _c("c20", "05:40", "sara", "120", ARABIC)
    db = build(tmp_path, sorted([*SYNTH, question], key=lambda event: event["ts"]))
    with sqlite3.connect(db) as conn:
        conn.execute(
            "UPDATE comments SET is_question = 1, on_topic = 1, score = 9.5 "
            "WHERE message_id = 'c20'"
        )
    conn.close()
    html = tmp_path / "report.html"
    stagehand("report", "synth", "--db", str(db), "--format", "html", "-o", str(html))
    return html


async def test_an_arabic_follow_up_reads_right_to_left(tmp_path: Path, page_file: Path) -> None:
    page = await open_browser(tmp_path / "profile")
    try:
        await page.open(page_file.as_uri())
        shown = await page.evaluate(QUESTION_MARK_ON_THE_LEFT % json.dumps(ARABIC))
        assert shown is True, shown
    finally:
        await page.close()
