"""Japanese, Chinese and emoji in the queue's two-line rows: the host reads every character a
viewer wrote, whatever the terminal's width (a double-width character that straddled the first
line's edge was dropped, and a row broke at its only space, leaving its first line blank).

The real console under Pilot on a show replayed into a real SQLite file, resized one column at
a time so the queue is odd and even wide; what is asserted is the queue's rows as drawn.
"""

from __future__ import annotations

import json
import re

from rich.cells import cell_len

from conftest import comment_record, open_console, played, screen_text
from stagehand.console.names import apart
from stagehand.console.widgets.queue import BEFORE_TEXT, QueueView

FAMILY = "\U0001f468\u200d\U0001f469\u200d\U0001f467\u200d\U0001f466"
#: Two questions as a Japanese chat writes them: no spaces but one, wide characters throughout.
NOODLES = f"家族でラーメン作ってます{FAMILY} 麺の茹で時間は何分ですか？"
SOUP = "スープ 豚骨スープは何時間煮込みますか？教えてください"


def after_cells(line: str, cells: int) -> str:
    """What `line` shows after its first `cells` terminal cells (the row's text)."""
    used = 0
    for index, char in enumerate(line):
        if used >= cells:
            return line[index:]
        used += cell_len(char)
    return ""


async def test_two_line_rows_keep_every_wide_character_at_odd_and_even_widths(tmp_path) -> None:
    path = tmp_path / "ramen.jsonl"
    records = [
        comment_record("j1", "2026-11-20T19:00:10Z", "はる", "701", NOODLES, platform="youtube"),
        comment_record("j2", "2026-11-20T19:00:20Z", "ゆき", "702", SOUP, platform="youtube"),
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    console = open_console(tmp_path / "show.db", path)
    widths: set[int] = set()
    async with console.app.run_test(size=(80, 24)) as pilot:
        await played(console, pilot)
        queue = console.app.query_one(QueueView)
        for columns in range(80, 98):  # the queue 50 to 67 wide: two-line rows
            await pilot.resize_terminal(columns, 24)
            await pilot.pause()
            await pilot.pause()
            width = queue.size.width
            widths.add(width % 2)
            lines = [queue.render_line(y).text for y in range(4)]
            assert all(cell_len(line) == width for line in lines), lines
            seen = set()
            for first, second in (lines[0:2], lines[2:4]):  # in whichever order they rank
                shown = after_cells(first, BEFORE_TEXT).rstrip() + " " + second.strip()
                text = NOODLES if shown.startswith(NOODLES[:4]) else SOUP
                seen.add(text)
                # Every character, in order: only the space where the row breaks may go.
                assert "".join(shown.split()) == "".join(apart(text).split()), (first, second)
                # The first line is not left blank: broken at a space only in its last part.
                assert cell_len(first.rstrip()) >= width - (width - BEFORE_TEXT) // 2 - 1, (
                    columns,
                    first,
                )
            assert seen == {NOODLES, SOUP}, lines
    assert widths == {0, 1}  # the queue was odd and even wide


async def test_names_and_rows_are_cut_between_whole_characters(tmp_path) -> None:
    """A name cut to the queue's 14 cells or the chat's 20 keeps a flag whole or drops it whole
    (`bbbbbbbbbbbb🇵…` was half a flag), and so does a row cut at the terminal's edge."""
    flag = "🇵🇪"
    path = tmp_path / "flags.jsonl"
    records = [
        comment_record(
            "f1", "2026-11-20T19:00:10Z", "b" * 12 + flag + "z", "711", "r" * 40 + flag * 30
        ),
        comment_record("f2", "2026-11-20T19:00:20Z", "c" * 18 + flag + "z", "712", "hola " * 30),
    ]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    for size in ((80, 24), (81, 24), (120, 30), (121, 30)):
        console = open_console(tmp_path / f"{size[0]}.db", path)
        async with console.app.run_test(size=size) as pilot:
            await played(console, pilot)
            screen = screen_text(console.app)
            halves = [run for run in re.findall("[\U0001f1e6-\U0001f1ff]+", screen) if len(run) % 2]
            assert not halves, (size, screen)
            assert "b" * 12 + "…" in screen
