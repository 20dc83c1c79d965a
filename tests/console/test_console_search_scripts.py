"""The console's search `/` in a show whose chat is not written with spaces between words:
a Japanese or Chinese word is found inside a sentence, as an English word is found by its start."""

from __future__ import annotations

import json

from conftest import SHOW, comment_record, open_console, played, screen_text

SIZE = (120, 36)


def search_status(app) -> str:
    """The search dialog's status line (under the query), as the host reads it."""
    return str(app.screen.query_one("#search-status").render()).replace("\n", " ")


LINES = {
    "j1": "豚骨スープは何時間煮込みますか？",
    "j2": "煮込み時間で味が変わる",
    "j3": "麺の小麦粉はどこで買えますか",
    "j4": "このスープ、ramen shopの味だ",
    "j5": "割引100%_off のスープ",
}


async def test_search_finds_japanese_words_inside_sentences(tmp_path):
    records = SHOW[:2] + [
        comment_record(key, f"2026-11-20T19:00:{10 + n:02d}Z", f"v{n}", str(700 + n), text)
        for n, (key, text) in enumerate(LINES.items())
    ]
    transcript = tmp_path / "ja.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    console = open_console(tmp_path / "show.db", transcript)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        assert console.live.flush()

        async def search(words: str) -> str:
            await pilot.press("slash", *words, "enter")
            await console.app.screen.workers.wait_for_complete()
            await pilot.pause()
            found = search_status(console.app) + "\n" + screen_text(console.app)
            await pilot.press("escape")
            return found

        found = await search("煮込み")
        assert "2 comments found" in found
        assert "豚骨スープは何時間煮込みますか" in found and "煮込み時間で味が変わる" in found
        found = await search("小麦粉")
        assert "1 comment found" in found and "麺の小麦粉はどこで買えますか" in found
        # A Japanese word and an English one: both must be in the comment.
        found = await search("スープ ramen")
        assert "1 comment found" in found and "ramen shopの味だ" in found
        # `%` and `_` are the characters typed, not patterns.
        found = await search("スープ%")
        assert "0 comments found" in found
        found = await search("割引100%_off")
        assert "1 comment found" in found and "割引100%_off のスープ" in found
