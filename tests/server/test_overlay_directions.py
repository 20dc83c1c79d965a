"""Arabic and Hebrew read in their own direction on the overlay (headless Chromium, as OBS's
browser source is Chromium): an Arabic question ending in an ASCII "?" shows its "?" at the
left end, where Arabic puts it (it showed at the right, after the words, as in English), on the
first paint and on a live update alike; the page's own words are left as they are."""

from __future__ import annotations

import time

import pytest
from cdp import CHROMIUM, SKIP_REASON, open_browser
from showserver import SHOW, act, comment, serve

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason=SKIP_REASON)

ARABIC = "كيف أبدأ تعلم البرمجة بلغة بايثون?"

#: Whether the last character of the featured text is drawn left of its first (right to left).
QUESTION_MARK_ON_THE_LEFT = """(function () {
  var text = document.querySelector('#featured .text').firstChild;
  var range = document.createRange();
  range.setStart(text, 0); range.setEnd(text, 1);
  var first = range.getBoundingClientRect().left;
  range.setStart(text, text.length - 1); range.setEnd(text, text.length);
  return range.getBoundingClientRect().left < first;
})()"""


async def test_an_arabic_question_reads_right_to_left_on_the_overlay(tmp_path) -> None:
    records = [*SHOW, comment("a1", "00:50", "سارة", "201", ARABIC, platform="youtube")]
    served = await serve(tmp_path, records)
    await served.played()
    page = await open_browser(tmp_path / "profile")
    try:
        await page.open(served.url + "/overlay")
        status, body = await act(served, "hana", action="feature", comment_id="a1")
        assert status == 200 and body["ok"]
        expression = "document.querySelector('#featured .text').textContent"
        started = time.monotonic()
        while await page.evaluate(expression) != ARABIC:  # the live update
            assert time.monotonic() - started < 2.0, "the overlay did not update"
        assert await page.evaluate(QUESTION_MARK_ON_THE_LEFT) is True
        await page.open(served.url + "/overlay")  # the first paint, rendered by the server
        assert await page.evaluate(expression) == ARABIC
        assert await page.evaluate(QUESTION_MARK_ON_THE_LEFT) is True
    finally:
        await page.close()
        await served.close()
