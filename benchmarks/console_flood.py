"""The console under a chat flood: key-to-screen latency and memory at 1,000 or 2,000 comments/s.

Replays real Twitch chat (../shared/data/twitch-irc-raw, looped with fresh ids) or, without
it, generated chat, at a fixed rate through a ReplayAdapter into the full console running
headless (Textual's Pilot). While the flood runs it presses keys and times each one from the
press until the widget that shows it has drawn the new state (its `render_lines`, what the
compositor paints the screen from). It does the same with no chat
first: that is the baseline. Memory is the process's resident size (RSS) sampled during the
flood; bounded means it levels off instead of growing with the number of comments.

    python benchmarks/console_flood.py                   # 1,000/s for 20 s
    python benchmarks/console_flood.py --rate 2000 --seconds 30
    python benchmarks/console_flood.py --write-transcript /tmp/flood.jsonl   # for tmux checks

Numbers, not a pass/fail test: see docs/console.md for what was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual import events

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import ConsoleSettings, Settings
from stagehand.console.app import StagehandApp, make_app
from stagehand.console.widgets.header import ShowHeader
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment
from stagehand.session import open_show
from stagehand.transcript import CommentEvent, SegmentEvent, ShowEvent, TranscriptEvent

REPO = Path(__file__).resolve().parent.parent
CAPTURE = REPO.parent / "shared" / "data" / "twitch-irc-raw" / "xqcow-2019-09-15.irc.txt"
START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)


def real_comments() -> list[Comment]:
    if not CAPTURE.is_file():
        return []
    from stagehand.importers.twitch_irc import read_comments

    with CAPTURE.open(encoding="utf-8", errors="replace") as handle:
        return list(read_comments(handle))


def generated_comments(count: int = 5000) -> list[Comment]:
    rng = random.Random(7)
    words = [
        "oscillator",
        "filter",
        "bass",
        "synth",
        "waveform",
        "square",
        "saw",
        "how",
        "why",
        "what",
        "lol",
        "nice",
        "pog",
    ]
    authors = [Author("twitch", str(1000 + i), f"viewer{i}") for i in range(800)]
    out = []
    for i in range(count):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        if rng.random() < 0.2:
            text += "?"
        out.append(Comment(f"g{i}", "twitch", "show", rng.choice(authors), text, START))
    return out


def flood(rate: float, seconds: float) -> Iterator[TranscriptEvent]:
    """`rate * seconds` comments, `1/rate` s apart in show time, real text where available."""
    source = real_comments() or generated_comments()
    yield ShowEvent(ts=START, title="Flood", description="oscillators and filters")
    yield SegmentEvent(START, "Oscillators", ("oscillator", "waveform", "bass"))
    step = timedelta(seconds=1 / rate)
    for n in range(int(rate * seconds)):
        base = source[n % len(source)]
        yield CommentEvent(replace(base, id=f"f{n}", ts=START + step * n, clean_text=""))


def rss_mb() -> float:
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        import os

        return pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3


def instrument(app: StagehandApp) -> dict[str, float]:
    """Record when the queue and the header last drew: `render_lines` is what the compositor
    asks each widget for when it paints the screen."""
    drawn: dict[str, float] = {}
    for name, widget in (
        ("queue", app.query_one(QueueView)),
        ("header", app.query_one(ShowHeader)),
    ):
        original = widget.render_lines

        def timed(crop, original=original, name=name):  # type: ignore[no-untyped-def]
            result = original(crop)
            drawn[name] = time.perf_counter()
            return result

        widget.render_lines = timed  # type: ignore[method-assign]
    return drawn


def send_key(app: StagehandApp, key: str) -> None:
    """Deliver a key the way the terminal driver does (Pilot.press also waits for idle,
    which a flood never is)."""
    event = events.Key(key, " " if key == "space" else key)
    event.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(event)


async def key_latency(app: StagehandApp, drawn: dict[str, float], presses: int) -> list[float]:
    """Press space (freeze/thaw: the header changes) and j (the queue cursor moves)."""
    latencies = []
    for n in range(presses):
        key, widget = ("space", "header") if n % 2 == 0 else ("j", "queue")
        before = drawn.get(widget, 0.0)
        pressed = time.perf_counter()
        send_key(app, key)
        while drawn.get(widget, 0.0) <= max(before, pressed):
            await asyncio.sleep(0.0005)
            if time.perf_counter() - pressed > 5:
                break
        latencies.append((drawn.get(widget, pressed) - pressed) * 1000)
        await asyncio.sleep(0.05 + random.random() * 0.05)
    return latencies


def summary(name: str, values: list[float]) -> str:
    values = sorted(values)
    p95 = values[int(len(values) * 0.95) - 1] if len(values) >= 20 else values[-1]
    return (
        f"{name:<22} median {statistics.median(values):6.1f} ms   p95 {p95:6.1f} ms   "
        f"max {values[-1]:6.1f} ms   (n={len(values)})"
    )


async def run(rate: float, seconds: float, presses: int, size: tuple[int, int]) -> int:
    settings = Settings(console=ConsoleSettings())
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "flood.db"
        # The baseline first: the same console with no chat flowing yet (no adapter).
        live = open_show(
            settings, db_path=db, show_name="flood", title="Flood", adapters=[], commands=False
        )
        adapter = ReplayAdapter(list(flood(rate, seconds)), speed=1.0)
        app = make_app(live, settings)
        async with app.run_test(size=size) as pilot:
            await pilot.pause(0.3)
            drawn = instrument(app)
            idle = await key_latency(app, drawn, presses)
            if app.frozen:
                await pilot.press("space")
            rss_idle = rss_mb()
            live.add_adapter(adapter)
            app.run_adapters()
            started = time.perf_counter()
            samples: list[tuple[float, float, int]] = []
            flooded: list[float] = []
            while not adapter.finished.is_set():
                flooded += await key_latency(app, drawn, 4)
                samples.append((time.perf_counter() - started, rss_mb(), adapter.played))
            elapsed = time.perf_counter() - started
            if app.frozen:
                await pilot.press("space")
            queue_len, raw_len = len(app.state.queue), len(app.state.raw)
            redraws_per_second = app.bridge.posted / elapsed
            await app.close_show()
        comments = live.accepted
    print(
        f"flood: {comments} comments in {elapsed:.1f} s = {comments / elapsed:,.0f}/s "
        f"(asked {rate:,.0f}/s), console {size[0]}x{size[1]}"
    )
    print(summary("keys, no chat", idle))
    print(summary("keys, during flood", flooded))
    print(
        f"chat redraws: {redraws_per_second:.1f}/s (limit {settings.console.redraw_per_second}/s)"
    )
    print(f"bounded: queue {queue_len} (cap {settings.console.queue_size}), raw chat {raw_len}")
    print(f"memory (RSS): idle {rss_idle:.0f} MB", end="")
    for at in (0.25, 0.5, 0.75, 1.0):
        t, mb, played = samples[max(0, int(len(samples) * at) - 1)]
        print(f" | {t:4.1f}s {played:>6} played {mb:.0f} MB", end="")
    print()
    return 0


def write_transcript(path: Path, rate: float, seconds: float) -> None:
    from stagehand.transcript import event_to_dict

    with path.open("w", encoding="utf-8") as handle:
        for event in flood(rate, seconds):
            handle.write(json.dumps(event_to_dict(event), ensure_ascii=False) + "\n")
    print(f"wrote {path}")


def main() -> int:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--rate", type=float, default=1000.0, help="comments per second")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the flood")
    parser.add_argument("--presses", type=int, default=30, help="key presses for the baseline")
    parser.add_argument("--size", default="120x40", help="terminal size, WxH")
    parser.add_argument("--write-transcript", type=Path, help="only write the flood transcript")
    args = parser.parse_args()
    if args.write_transcript:
        write_transcript(args.write_transcript, args.rate, args.seconds)
        return 0
    width, height = (int(v) for v in args.size.split("x"))
    return asyncio.run(run(args.rate, args.seconds, args.presses, (width, height)))


if __name__ == "__main__":
    sys.exit(main())
