"""A report cuts long names, titles and questions between whole characters: never half a flag
(🇵🇪 is two code points), an emoji family's joiner left dangling, or an accent without its
letter, in the terminal, Markdown and HTML reports alike (the terminal report showed
`bbbbbbbbbb🇵…`, the HTML chart a segment title cut with `title[:51]`).

A show replayed by the real `stagehand replay` into a real SQLite file; the real
`stagehand report` in each format, as a subprocess.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from showdb import stagehand

FLAG = "🇵🇪"
FAMILY = "👨\u200d👩\u200d👧\u200d👦"
#: An accent no letter composes with (NFC keeps it apart): it belongs to its x.
X_ACUTE = "x\u0301"

#: Regional indicators, which pair into flags.
_RUNS_OF_INDICATORS = re.compile("[\U0001f1e6-\U0001f1ff]+")
#: A zero-width joiner with no emoji after it (one cut off the sequence it joined).
_DANGLING_JOINER = re.compile("\u200d(?![\U0001f300-\U0001faff\u2600-\u27bf])")
#: A combining mark with no letter before it (the cut's `…` or a blank instead).
_LONE_MARK = re.compile("[\\s…]\u0301")


def _comment(n: int, author: str, text: str, shown: str) -> dict:
    return {
        "kind": "comment",
        "id": f"cut-{n}",
        "ts": f"2026-12-06T20:00:{n:02d}Z",
        "platform": "twitch",
        "channel": "panaderia",
        "author_id": author,
        "author": author,
        "display_name": shown,
        "text": text,
    }


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cut")
    events = [
        {"kind": "show", "ts": "2026-12-06T20:00:00Z", "title": "Panadería en vivo"},
        {
            "kind": "segment",
            "ts": "2026-12-06T20:00:00Z",
            "title": "d" * 33 + FLAG + "d" * 15 + FLAG + " pan",
            "keywords": ["pan", "masa"],
        },
        _comment(1, "u1", "¿cómo amasas el pan? " + "p" * 136 + "q" + FAMILY + " fin", "a" * 25 + FAMILY + "zz"),
        _comment(2, "u2", "¿la masa del pan lleva sal? " + "r" * 267 + FLAG + " fin", "b" * 26 + FLAG + "zz"),
        _comment(3, "u3", "¿cuánto reposa la masa del pan? " + X_ACUTE * 140, X_ACUTE * 40),
    ]  # fmt: skip
    transcript = folder / "pan.jsonl"
    transcript.write_text(
        "".join(json.dumps(e, ensure_ascii=False) + "\n" for e in events), "utf-8"
    )
    db_path = folder / "shows.db"
    stagehand("replay", str(transcript), "--db", str(db_path), "--instant", "--headless")
    return db_path


@pytest.mark.parametrize("fmt", ["term", "md", "html"])
def test_every_cut_falls_between_whole_characters(db: Path, fmt: str) -> None:
    out = stagehand("report", "pan", "--db", str(db), "--format", fmt)
    assert "…" in out  # names and questions were cut
    halves = [run for run in _RUNS_OF_INDICATORS.findall(out) if len(run) % 2]
    assert not halves, f"half a flag: {halves}"
    assert not _DANGLING_JOINER.search(out), "an emoji family cut after its joiner"
    assert not _LONE_MARK.search(out), "an accent cut off its letter"


def test_the_terminal_report_drops_a_cut_flag_or_family_whole(db: Path) -> None:
    out = stagehand("report", "pan", "--db", str(db), "--format", "term")
    # The names column is 28 wide: the flag (two columns) does not fit after 26 b's and `…`;
    # the family (two columns, drawn as one) fits after 25 a's.
    assert "b" * 26 + "…" in out
    assert "a" * 25 + FAMILY + "…" in out
    # The follow-up text keeps its last whole character and the flag goes whole.
    assert "r" * 130 in out
