"""`stagehand rank --format table` lines its columns up by what a terminal shows, not by code
points: Japanese, full-width letters and emoji (a ZWJ family, a flag) take two columns each,
so a row of them pushed the reasons column 12 to 34 columns right of the ASCII rows'; and a cut
name or text loses a whole character, never half a flag.

The real `python -m stagehand rank` as a subprocess; columns measured as a terminal draws them
(Rich's cell widths, which the console relies on too).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from rich.cells import cell_len

from stagehand.cli.rank_names import AUTHOR_CELLS

FAMILY = "👨\u200d👩\u200d👧\u200d👦"
FLAG = "🇯🇵"


def _comment(n: int, author: str, text: str) -> dict:
    return {
        "kind": "comment",
        "id": f"j{n}",
        "ts": f"2026-12-06T11:00:{n:02d}Z",
        "platform": "youtube",
        "author_id": f"u{n}",
        "author": author,
        "text": text,
    }


EVENTS = [
    {"kind": "segment", "ts": "2026-12-06T11:00:00Z", "title": "スープ", "keywords": ["スープ"]},
    _comment(1, "Mike", "how long do you boil the tonkotsu broth?"),
    _comment(2, "なな", "豚骨 スープ の 温度 は 何度 ですか ？"),
    _comment(3, "ＲＥＮ", "ＡＢＣ全角の名前テスト。麺の太さはどれくらいがおすすめですか？"),
    _comment(4, FAMILY + "ファミリー", f"家族でラーメン作ってます{FAMILY} 麺の茹で時間は何分ですか？"),
    _comment(5, "そら🍜", "出汁は何を使っていますか？？ spam"),
    _comment(6, "ひかり" + FLAG * 8, "r" * 48 + FLAG + " スープ"),
]  # fmt: skip


def test_the_table_lines_up_wide_text_and_emoji(tmp_path: Path) -> None:
    transcript = tmp_path / "ramen.jsonl"
    transcript.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in EVENTS), "utf-8"
    )
    config = tmp_path / "config.toml"
    config.write_text('[ranking]\nblocked_terms = ["spam"]\n', "utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "rank", str(transcript), "--format", "table",
         "-c", str(config)],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [line for line in done.stdout.splitlines() if re.match(r"\s*(\d+|seg)\s", line)]
    ranked = [line for line in rows if " base " in line]
    held = [line for line in rows if "blocked term" in line]
    assert len(ranked) == 5 and len(held) == 1, done.stdout
    # Every row's reasons (or why it was held) start in the column the header's "reasons" does.
    for line in [*ranked, *held]:
        why = re.search(r"\s(?=[a-z_]+ [+-]\d|blocked term)", line)
        assert why, line
        column = cell_len(line[: why.end()])
        assert column == 3 + 1 + 7 + 2 + AUTHOR_CELLS + 1 + 50 + 2, line
    # Cut names and texts end with `…` after whole characters: the flags go whole.
    flags = [run for run in re.findall("[\U0001f1e6-\U0001f1ff]+", done.stdout) if len(run) % 2]
    assert not flags, done.stdout
    assert "r" * 48 + "…" in done.stdout
