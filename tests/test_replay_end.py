"""Where a replay ends: the `replay` command and the screens elsewhere (told by the show as it
closes) say the same, whenever the stop comes.

A real show (`open_show`) plays a real transcript file through `ReplayAdapter`; the command's
own reading of it (`ReplayWatch`) listens as `stagehand replay` does.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from stagehand.adapters.replay import YIELD_EVERY, ReplayAdapter
from stagehand.cli.replay_progress import ReplayWatch
from stagehand.config import Settings
from stagehand.config.ranking import RankingSettings
from stagehand.events import CoreEvent, ReplayReached, ShowEnded
from stagehand.session import open_show


def transcript(path: Path, events: int) -> Path:
    """`events` played: a show line and `events - 1` comments."""
    records: list[dict[str, object]] = [
        {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Synth Night"}
    ]
    for number in range(events - 1):
        records.append(
            {"kind": "comment", "id": f"c{number}", "ts": f"2026-11-20T19:{number // 60:02d}:{number % 60:02d}Z",
             "platform": "twitch", "author_id": str(number % 7), "author": f"viewer{number % 7}",
             "text": f"comment {number} about the vco"}
        )  # fmt: skip
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


async def test_a_stop_while_the_last_lines_are_written_is_the_end_everywhere(tmp_path) -> None:
    """Ctrl-C after the last line was played and checkpointed, while its writes settle (before
    the replay reports `finished`): the command said the whole transcript was played (exit 0)
    while attached consoles were told the show stopped before its end and kept reconnecting.
    Both now say it ended."""
    path = transcript(tmp_path / "show.jsonl", YIELD_EVERY)  # checkpointed at its last line
    replay = ReplayAdapter(path, instant=True)
    # Scored in the show's process: the checkpoint is published as the replay makes it.
    settings = Settings(ranking=RankingSettings(worker="inline"))
    live = open_show(settings, db_path=tmp_path / "show.db", show_name="tail", adapters=[replay])
    watch = ReplayWatch(replay)
    live.add_listener(watch.hear)
    ended: list[ShowEnded] = []
    settling = asyncio.get_running_loop().create_future()
    held: list[ReplayReached] = []

    def heard(event: CoreEvent) -> None:
        if isinstance(event, ShowEnded):
            ended.append(event)
        end_of_file = path.stat().st_size
        if isinstance(event, ReplayReached) and event.position.offset == end_of_file and not held:
            held.append(event)  # the last line's writes still settle (a platform action's)
            live.hold_comment_until(settling)

    live.add_listener(heard)
    running = asyncio.ensure_future(live.run_adapters())
    for _ in range(500):
        if replay.played_through:
            break
        await asyncio.sleep(0.01)
    assert held and replay.played_through and replay.played == YIELD_EVERY
    assert live.connections["replay"][0].value == "connected"  # not reported finished yet
    assert watch.lines_left() == 0

    # The stop, as `stagehand replay` stops on SIGINT: the show closes while the run goes on.
    closing = asyncio.ensure_future(live.close())
    for _ in range(500):
        if ended:
            break
        await asyncio.sleep(0.01)
    settling.set_result(None)
    assert await closing
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)

    [told] = ended
    assert told.resumable is False  # the screens elsewhere: the show ended
    assert watch.played_to_the_end()  # the command: the whole transcript was played
