"""Pipeline throughput, latency and memory on real chat, beside a raw-SQLite baseline of the
same rows measured in the same run.

The chat is real Twitch chat (../shared/data/twitch-irc-raw) made into a long show by
benchmarks/chat_stream.py: in `realistic` mode with a growing audience (one new viewer per five
comments by default: 200,000 distinct viewers over 1M comments) and fresh text (61% of comments
repeat a recent text, as in the capture; 6% of words are new to the show); in `repeated` mode
the capture looped as it is with fresh ids (the old, kind benchmark: 1,323 viewers, texts that
every cache already holds).

For each size (10k, 100k, 1M comments) and mode, in a fresh process each:

- the chat is made first, before any clock starts: the comments' fields, in memory (making
  realistic chat, new viewers and varied texts, costs about 3.4 µs a comment, which neither
  SQLite nor stagehand should be charged for: it used to run inside both timed loops);
- baseline: the same rows inserted with the sqlite3 module into a table whose cost per row does
  not grow (an integer primary key and nothing else: no unique text key, no index, no FTS), in
  transactions of 500 rows;
- throughput: the whole road a comment takes (a `Comment` made from its fields, as an adapter
  makes one -> normalize -> sanitize -> classify -> rank -> store, through
  `stagehand.session.open_show` and an instant replay) flat out, until the last comment is
  committed; the cost per comment is its inverse;
- latency: then, on the same show, LATENCY comments more arriving at a steady --rate: from each
  comment's scheduled arrival to the commit that stored it, p50 / p99 / max;
- memory: the resident set of the process and its children at 10%, 50% and 100% of the
  flat-out part, less what the chat held in memory took when it was made (printed with each
  run); "growth" is 100% minus 50%. The comments themselves are made as they are played and
  dropped by the show as it goes, so what the show keeps still shows.

    python3 benchmarks/pipeline_throughput.py                        # realistic, 10k and 100k
    python3 benchmarks/pipeline_throughput.py --sizes 10k,100k,1M --mode both
    python3 benchmarks/pipeline_throughput.py --sizes 1M --repeat 3  # medians of 3
    python3 benchmarks/pipeline_throughput.py --cores 1              # pinned to one core

The machine's load average is printed with each run: figures taken while other work runs are
noisy; the ratio to the baseline of the same run is the steadier figure.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from chat_stream import ChatShape, ChatStream, describe, real_chat

from stagehand.config import Settings
from stagehand.domain import Author, Comment
from stagehand.events import CommentRanked, CoreEvent
from stagehand.session import open_show
from stagehand.show.live import LiveShow

LATENCY_COMMENTS = 20_000
BASELINE_BATCH = 500


# -- memory ------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as handle:
                found += [int(child) for child in handle.read().split()]
    except OSError:
        pass
    return found


def tree_rss_mb(pid: int | None = None) -> float:
    """Resident set of a process and all its descendants (a worker process counts too)."""
    pid = pid or os.getpid()
    try:
        with open(f"/proc/{pid}/statm") as handle:
            pages = int(handle.read().split()[1])
    except OSError:
        return 0.0
    total = pages * os.sysconf("SC_PAGE_SIZE") / 1e6
    return total + sum(tree_rss_mb(child) for child in _children(pid))


# -- one measurement ---------------------------------------------------------------------------


def measure_baseline(rows: Iterable[Fields], directory: Path) -> tuple[float, int]:
    """Raw batched inserts of the same rows with sqlite3: comments per second."""
    conn = sqlite3.connect(directory / "baseline.db")
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute(
        "CREATE TABLE comments (id INTEGER PRIMARY KEY, platform TEXT, message_id TEXT,"
        " channel TEXT, author_id TEXT, author TEXT, ts TEXT, text TEXT)"
    )
    insert = "INSERT INTO comments VALUES (NULL,?,?,?,?,?,?,?)"
    count = 0
    start = time.perf_counter()
    pending: list[tuple[str, ...]] = []
    for message_id, platform, channel, author, text, ts, _, _ in rows:
        pending.append(
            (platform, message_id, channel, author.id, author.name, ts.isoformat(), text)
        )
        if len(pending) == BASELINE_BATCH:
            with conn:
                conn.executemany(insert, pending)
            count += len(pending)
            pending = []
    if pending:
        with conn:
            conn.executemany(insert, pending)
        count += len(pending)
    elapsed = time.perf_counter() - start
    conn.close()
    return count / elapsed, count


def open_live(directory: Path, *, adapters: list, on_committed, ranking: str = "auto") -> LiveShow:  # type: ignore[no-untyped-def,type-arg]
    # Chat commands off, as in every run of this benchmark: the figures stay comparable.
    live = open_show(
        Settings.model_validate({"ranking": {"worker": ranking}}),
        db_path=directory / "show.db",
        show_name="benchmark",
        adapters=adapters,
        commands=False,
        on_committed=on_committed,
    )
    live.start_segment("Devil May Cry 5", ["dmc", "devil may cry", "boss", "combo"])
    return live


#: A comment's fields, as the chat made beforehand holds them: `Comment`'s first eight, in its order (id, platform,
#: channel, author, text, time, reply to, first message).
Fields = tuple[str, str, str, Author, str, datetime, str | None, bool]


def prepared(comments: Iterable[Comment]) -> list[Fields]:
    """The chat, made before the clock starts: each comment's fields (the viewers and texts are
    shared, as the stream made them)."""
    return [
        (c.id, c.platform, c.channel, c.author, c.text, c.ts, c.reply_to, c.first_message)
        for c in comments
    ]


def delivered(chat: Iterable[Fields]) -> Iterator[Comment]:
    """The chat's comments, each made as it is played (what an adapter does with an event)."""
    return (Comment(*fields) for fields in chat)


def sampled(
    comments: Iterator[Comment], count: int, samples: dict[int, float]
) -> Iterator[Comment]:
    """The first `count` comments, noting the resident set at 10%, 50% and 100% of them."""
    marks = {max(1, count // 10): 10, max(1, count // 2): 50}
    for index, comment in enumerate(itertools.islice(comments, count), start=1):
        if index in marks:
            samples[marks[index]] = tree_rss_mb()
        yield comment


def measure_pipeline(
    comments: Iterator[Comment],
    count: int,
    rate: float,
    latency_count: int,
    directory: Path,
    ranking: str = "auto",
) -> dict[str, object]:
    """Throughput flat out for `count` comments, then latency at `rate` for `latency_count`."""
    from stagehand.adapters.replay import ReplayAdapter
    from stagehand.transcript import CommentEvent

    arrivals: dict[str, float] = {}
    latencies: list[float] = []

    def committed(events: list[CoreEvent]) -> None:
        if not arrivals:
            return
        now = time.perf_counter()
        for event in events:
            if isinstance(event, CommentRanked):
                arrived = arrivals.pop(event.ranked.comment.id, None)
                if arrived is not None:
                    latencies.append(now - arrived)

    rss: dict[int, float] = {}
    replay = ReplayAdapter((CommentEvent(c) for c in sampled(comments, count, rss)), instant=True)
    live = open_live(directory, adapters=[replay], on_committed=committed, ranking=ranking)
    result: dict[str, object] = {}

    async def run() -> None:
        start = time.perf_counter()
        worker = live.ranking_worker_pid
        cpu_start = time.process_time() + cpu_seconds(worker)
        await live.run_adapters()
        await asyncio.to_thread(live.flush, None)
        elapsed = time.perf_counter() - start
        # CPU time of every thread, and of the ranker's worker process: steadier than throughput
        # while others share the machine.
        cpu = time.process_time() + cpu_seconds(worker) - cpu_start
        result["cpu_us"] = cpu / max(1, live.stored.comments) * 1e6
        result["ranking"] = "worker process" if worker else "show's process"
        rss[100] = tree_rss_mb()
        result["throughput"] = live.stored.comments / elapsed
        result["stored"] = live.stored.comments
        # Latency: comments arriving one by one at a steady rate, on the show as it now is.
        interval = 1.0 / rate
        begin = time.perf_counter() + 0.05
        for index, comment in enumerate(itertools.islice(comments, latency_count)):
            due = begin + index * interval
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            # Arrival is when the comment was due: a late loop is latency a viewer would see.
            arrivals[comment.id] = due
            live.comment_received(comment)
        await asyncio.to_thread(live.flush, None)
        await live.close()

    asyncio.run(run())
    result["rss"] = rss
    result["cache_hits"] = cache_hit_rates()
    result["latencies_ms"] = sorted(latency * 1000 for latency in latencies)
    return result


def cache_hit_rates() -> dict[str, float]:
    """How often the ranker's text caches hit over the whole run (what fresh text costs)."""
    from stagehand.ranking import text

    rates: dict[str, float] = {}
    for name in ("split_words", "analyse_chunk", "stem"):
        info = getattr(text, name).cache_info()
        rates[name] = info.hits / max(1, info.hits + info.misses)
    return rates


def percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def cpu_seconds(pid: int | None) -> float:
    """The CPU time process `pid` has used so far (0 for None, or where /proc is not there)."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_one(
    size: int, mode: str, authors: float, rate: float, latency_count: int, ranking: str
) -> dict:  # type: ignore[type-arg]
    base = real_chat()
    shape = ChatShape(realistic=mode == "realistic", authors=int(size * authors))
    load_before = os.getloadavg()[0]
    before = tree_rss_mb()
    chat = prepared(ChatStream(base, size + latency_count, shape))
    gc.collect()
    gc.freeze()  # the chat is the benchmark's, not the show's: no collection walks it
    chat_mb = tree_rss_mb() - before
    with tempfile.TemporaryDirectory(prefix="stagehand-bench-") as tmp:
        directory = Path(tmp)
        baseline, baseline_rows = measure_baseline(itertools.islice(chat, size), directory)
        stream = delivered(chat)
        measured = measure_pipeline(stream, size, rate, latency_count, directory, ranking)
    rss = measured["rss"]
    assert isinstance(rss, dict)
    measured["rss"] = {mark: value - chat_mb for mark, value in rss.items()}
    latencies = measured.pop("latencies_ms")
    assert isinstance(latencies, list)
    return {
        "size": size,
        "mode": mode,
        "baseline": baseline,
        "baseline_rows": baseline_rows,
        **measured,
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "max": max(latencies, default=float("nan")),
        "latency_comments": len(latencies),
        "load": (load_before, os.getloadavg()[0]),
        "chat_mb": chat_mb,
    }


# -- the report --------------------------------------------------------------------------------


def parse_size(text: str) -> int:
    text = text.strip().lower().replace("_", "").replace(",", "")
    factor = {"k": 1_000, "m": 1_000_000}.get(text[-1:], 1)
    return int(float(text.rstrip("km")) * factor)


def spawn(size: int, mode: str, ranking: str, args: argparse.Namespace) -> dict:  # type: ignore[type-arg]
    command = [
        sys.executable,
        __file__,
        "--one",
        f"{size}:{mode}:{ranking}",
        "--authors-per-comment",
        str(args.authors_per_comment),
        "--rate",
        str(args.rate),
        "--latency-comments",
        str(args.latency_comments),
        "--cores",
        str(args.cores),
    ]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        sys.exit(f"the run for {size:,} {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def pin(cores: int) -> None:
    if cores and hasattr(os, "sched_setaffinity"):
        available = sorted(os.sched_getaffinity(0))
        os.sched_setaffinity(0, set(available[:cores]))


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k,100k,1M")
    parser.add_argument("--mode", choices=["realistic", "repeated", "both"], default="realistic")
    parser.add_argument(
        "--authors-per-comment",
        type=float,
        default=0.2,
        help="realistic mode: distinct viewers per comment by the end (0.2: 200k over 1M)",
    )
    parser.add_argument("--rate", type=float, default=2_000.0, help="arrivals/s for latency")
    parser.add_argument("--latency-comments", type=int, default=LATENCY_COMMENTS)
    parser.add_argument("--repeat", type=int, default=1, help="runs per figure (medians)")
    parser.add_argument("--cores", type=int, default=0, help="pin to this many cores (0: all)")
    parser.add_argument(
        "--ranking",
        choices=["auto", "process", "inline", "both"],
        default="auto",
        help="where the ranker runs ([ranking] worker); both: each figure twice, side by side",
    )
    parser.add_argument("--describe", action="store_true", help="measure the chat stream too")
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args()
    pin(args.cores)
    if args.one:
        size, mode, ranking = args.one.split(":")
        result = run_one(
            int(size), mode, args.authors_per_comment, args.rate, args.latency_comments, ranking
        )
        print(json.dumps(result))
        return

    sizes = [parse_size(size) for size in args.sizes.split(",")]
    modes = ["realistic", "repeated"] if args.mode == "both" else [args.mode]
    placements = ["process", "inline"] if args.ranking == "both" else [args.ranking]
    base = real_chat()
    cores = args.cores or len(os.sched_getaffinity(0))
    print(
        f"real chat: {len(base):,} comments from ../shared/data/twitch-irc-raw; {cores} core(s);"
        f" latency: {args.latency_comments:,} comments at {args.rate:,.0f}/s after the flat-out part"
    )
    if args.describe:
        for mode in modes:
            size = max(sizes)
            shape = ChatShape(mode == "realistic", int(size * args.authors_per_comment))
            seen = describe(ChatStream(base, size, shape))
            cached = describe(ChatStream(base, size, shape), window=8_192)
            print(
                f"  {mode} chat over {size:,}: {seen['authors']:,} viewers; "
                f"{seen['text_repeats']:.0%} of comments repeat one of the last 5,000 texts "
                f"({cached['text_repeats']:.0%} of the last 8,192); "
                f"{seen['new_words']:.1%} of words new to the show"
            )
    load_at_start = os.getloadavg()[0]
    runs: dict[tuple[int, str], list[dict]] = {}  # type: ignore[type-arg]
    labels = [f"{mode}/{placement}" for mode in modes for placement in placements]
    for _ in range(args.repeat):  # interleaved: each repeat measures every figure once
        for label in labels:
            mode, placement = label.split("/")
            for size in sizes:
                result = spawn(size, mode, placement, args)
                runs.setdefault((size, label), []).append(result)
                load = result["load"]
                print(
                    f"  ran {label} {size:>9,} (ranking in the {result['ranking']}):"
                    f" {result['throughput']:>8,.0f}/s pipeline,"
                    f" {result['baseline']:>8,.0f}/s baseline (load {load[0]:.1f} -> {load[1]:.1f};"
                    f" comments made beforehand: {result['chat_mb']:.0f} MB, not in RSS below)",
                    flush=True,
                )
    print()
    header = (
        f"{'mode/ranking':<19}{'comments':>10}{'pipeline/s':>12}{'baseline/s':>12}{'ratio':>7}"
        f"{'us/comment':>11}{'cpu us':>8}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}"
        f"{'RSS 10%':>9}{'50%':>7}{'100%':>7}{'growth':>8}"
    )
    print(header)
    cost: dict[tuple[int, str], float] = {}
    cpu: dict[tuple[int, str], float] = {}
    for (size, label), results in runs.items():
        throughput = statistics.median(r["throughput"] for r in results)
        baseline = statistics.median(r["baseline"] for r in results)
        ratio = statistics.median(r["baseline"] / r["throughput"] for r in results)
        middle = sorted(results, key=lambda r: r["throughput"])[len(results) // 2]
        rss = {int(k): v for k, v in middle["rss"].items()}
        cost[(size, label)] = 1e6 / throughput
        cpu[(size, label)] = statistics.median(r.get("cpu_us", 0.0) for r in results)
        print(
            f"{label:<19}{size:>10,}{throughput:>12,.0f}{baseline:>12,.0f}{ratio:>6.1f}x"
            f"{1e6 / throughput:>11.1f}{middle.get('cpu_us', 0):>8.1f}{middle['p50']:>8.1f}{middle['p99']:>8.1f}"
            f"{middle['max']:>8.1f}{rss.get(10, 0):>9.0f}{rss.get(50, 0):>7.0f}"
            f"{rss.get(100, 0):>7.0f}{rss.get(100, 0) - rss.get(50, 0):>+8.1f}"
        )
        hits = middle.get("cache_hits") or {}
        if hits and label.endswith("/inline"):  # a worker's caches are in the worker
            print(
                f"{'':<19}{'':>10}  cache hits: "
                + ", ".join(f"{name} {rate:.0%}" for name, rate in hits.items())
            )
        if len(results) > 1:
            spread = [r["throughput"] for r in results]
            print(f"{'':<19}{'':>10}  runs: " + ", ".join(f"{value:,.0f}" for value in spread))
    for label in labels:
        big, small = max(sizes), [s for s in sizes if s < max(sizes)]
        if small:
            reference = max(small)
            growth = cost[(big, label)] / cost[(reference, label)]
            cpu_growth = cpu[(big, label)] / max(cpu[(reference, label)], 1e-9)
            print(
                f"\n{label}: cost per comment at {big:,} is {growth:.2f}x the cost at"
                f" {reference:,} ({cpu_growth:.2f}x in CPU time; linear: 1.00x)"
            )
    for mode in modes:
        for size in sizes:
            if (size, f"{mode}/process") in runs and (size, f"{mode}/inline") in runs:
                gain = cost[(size, f"{mode}/inline")] / cost[(size, f"{mode}/process")]
                print(f"{mode} {size:,}: the worker process gives x{gain:.2f} against inline")
    if load_at_start > (os.cpu_count() or 1) / 2:  # before its own runs: they raise it too
        print(
            f"\nwarning: the machine was busy before this benchmark began (load average"
            f" {load_at_start:.1f} on {os.cpu_count()} cores): these figures are not comparable"
            " with the README's; the ratio to the baseline of the same run is the steadier figure"
        )


if __name__ == "__main__":
    main()
