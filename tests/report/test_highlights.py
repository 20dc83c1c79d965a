"""Super Chats and other highlights in the post-show report, with YouTube as a platform: a show
replayed through the real pipeline into SQLite, then `stagehand report` in every format."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from showdb import _c, _h, _replay, write_transcript

from stagehand.cli.report import report_command

HOSTILE = "<script>alert(1)</script> [@click=app.quit]x[/]"

SHOW = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Simulcast", "description": ""},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": ["filter"]},
    _c("t1", "00:10", "kat", "11", "how steep is the ladder filter?"),
    _c(
        "y1",
        "01:00",
        "TapeWarble",
        "UCtapewarble0000000000001",
        "for the parts fund! which filter next week?",
        platform="youtube",
        display_name="@TapeWarble",
        highlight={"kind": "super_chat", "amount": 5, "currency": "USD", "shown": "$5.00"},
    ),
    _c(
        "y2",
        "02:00",
        "SynthGrandpa",
        "UCsynthgrandpa00000000001",
        "Super Sticker €2.00 from @SynthGrandpa",
        platform="youtube",
        highlight={"kind": "super_sticker", "amount": 2, "currency": "EUR", "shown": "€2.00"},
    ),
    _c(
        "y3",
        "03:00",
        "Sneaky",
        "UCsneaky00000000000000001",
        HOSTILE,
        platform="youtube",
        highlight={"kind": "super_chat", "amount": 1, "currency": "USD", "shown": "$1.00"},
    ),
    _c("y4", "04:00", "Lena", "UClena000000000000000001", "🔥", platform="youtube"),
    _h("01:40", "answer", "y1", "UCtapewarble0000000000001", platform="youtube"),
]


@pytest.fixture(scope="module")
def db_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("highlights")
    db = directory / "show.db"
    asyncio.run(_replay(db, write_transcript(directory / "show.jsonl", SHOW), "simulcast"))
    return db


def report(db: Path, *args: str) -> str:
    result = CliRunner().invoke(report_command, ["simulcast", "--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_terminal_report_lists_super_chats_with_totals_per_currency(db_path: Path) -> None:
    out = report(db_path)
    assert "SUPER CHATS AND HIGHLIGHTS: 3 highlighted comments: USD 6.00 (2), EUR 2.00 (1)" in out
    assert "$5.00 Super Chat" in out and "@TapeWarble (youtube)  (answered)" in out
    assert "€2.00 Super Sticker" in out
    platforms = out[out.index("PLATFORMS") :].splitlines()
    assert any(row.strip().startswith("youtube ") for row in platforms[1:5])
    assert "\x1b" not in out


def test_markdown_and_html_show_the_amounts_and_keep_chat_text_inert(db_path: Path) -> None:
    md = report(db_path, "--format", "md")
    assert "## Super Chats and highlights" in md
    # A YouTube handle is shown as it is, and mentions no GitHub account where it is pasted.
    wj = "\u2060"  # a word joiner: shows as nothing, splits the mention
    assert f"**$5.00 Super Chat** from **@{wj}TapeWarble** (youtube, 19:01) *(answered)*" in md
    assert "<script" not in md and "&lt;script&gt;" in md
    page = report(db_path, "--format", "html")
    assert "<h2>Super Chats and highlights</h2>" in page
    assert "$5.00 Super Chat" in page and "€2.00 Super Sticker" in page
    assert "<script" not in page.lower()


def test_json_carries_each_highlight_and_the_totals(db_path: Path) -> None:
    data = json.loads(report(db_path, "--format", "json"))
    assert [h["shown"] for h in data["highlights"]] == ["$5.00", "€2.00", "$1.00"]
    first = data["highlights"][0]
    assert (first["kind"], first["amount"], first["currency"], first["answered"]) == (
        "super_chat",
        5.0,
        "USD",
        True,
    )
    assert data["highlight_totals"] == [
        {"currency": "USD", "amount": 6.0, "messages": 2},
        {"currency": "EUR", "amount": 2.0, "messages": 1},
    ]
    assert {p["platform"] for p in data["platforms"]} == {"twitch", "youtube"}
