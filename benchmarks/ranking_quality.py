"""Ranking quality on labelled real chat, next to two baselines measured in the same run.

    python benchmarks/ranking_quality.py [--data ../shared/data] [--verbose]

Each labelled window (benchmarks/labels/*.json, plus the demo show's segments) is one query: the
window's comments are ranked by `stagehand.ranking.offline.rank_events` -- the same code
`stagehand rank` runs -- as the queue stood when the window ended. Printed per set: nDCG@10
(gain 2^grade - 1) and precision@10 (grade >= 1 counts as relevant) for

- stagehand: the queue at the window's end (recency decay included, what `rank` prints),
- stagehand at arrival: the same scores without the decay (the signals alone),
- newest first: what every chat shows,
- keyword match: how many of the segment's title words and keywords the text contains
  (substring, case-insensitive), newest first among ties.

It also prints comments/second of `Ranker.score` over the largest raw chat capture.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stagehand.domain import Author, Comment, Segment
from stagehand.ranking.offline import RankedRow, rank_events
from stagehand.ranking.ranker import Ranker
from stagehand.ranking.settings import RankingSettings
from stagehand.ranking.text import STOPWORDS
from stagehand.sanitize import sanitize
from stagehand.transcript import (
    CommentEvent,
    SegmentEvent,
    ShowEvent,
    TranscriptEvent,
    read_transcript,
)

REPO = Path(__file__).resolve().parent.parent
LABELS = REPO / "benchmarks" / "labels"
DEMO = REPO / "src" / "stagehand" / "demo" / "show.jsonl"
K = 10


@dataclass
class Query:
    name: str
    events: list[TranscriptEvent]
    grades: dict[str, int]
    topic_words: list[str]


# -- loading labelled windows ----------------------------------------------------------------

_UBUNTU_LINE = re.compile(r"^\[(\d\d):(\d\d)\]\s+(?:<([^>]+)>|\*\s+(\S+))\s?(.*)$")


def ubuntu_comments(path: Path, first: int, last: int) -> list[Comment]:
    """#ubuntu log lines first..last (0-based) as comments; join/part lines are not chat."""
    day = datetime.strptime(path.name[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    parsed = []
    for number in range(first, last + 1):
        match = _UBUNTU_LINE.match(lines[number])
        if match:
            hour, minute, nick, actor, text = match.groups()
            if actor:
                text, nick = f"{actor} {text}", actor
            parsed.append((number, int(hour) * 60 + int(minute), nick.strip(), text))
    comments = []
    for number, minute, nick, text in parsed:
        same = [p for p in parsed if p[1] == minute]
        offset = same.index(next(p for p in same if p[0] == number)) * 60 / len(same)
        ts = day + timedelta(minutes=minute, seconds=offset)
        author = Author("irc", nick.lower(), nick.lower(), nick)
        comments.append(Comment(str(number), "irc", "ubuntu", author, text, ts))
    return comments


_IRC = re.compile(r"^@(\S+) :(\w+)!\S+ PRIVMSG #(\w+) :(.*)$")


def twitch_comments(path: Path, first: int, last: int) -> list[Comment]:
    """Raw Twitch IRC lines first..last (0-based) as comments, with roles from the badges."""
    lines = path.read_text(encoding="utf-8").split("\n")
    comments = []
    for number in range(first, last + 1):
        match = _IRC.match(lines[number])
        if not match:
            continue
        raw_tags, login, channel, text = match.groups()
        tags = dict(item.split("=", 1) for item in raw_tags.split(";") if "=" in item)
        badges = {b.split("/")[0] for b in tags.get("badges", "").split(",") if b}
        roles = frozenset(
            role
            for badge, role in (
                ("broadcaster", "broadcaster"),
                ("moderator", "moderator"),
                ("subscriber", "subscriber"),
                ("vip", "vip"),
            )
            if badge in badges
        )
        ts = datetime.fromtimestamp(int(tags["tmi-sent-ts"]) / 1000, UTC)
        author = Author(
            "twitch", tags.get("user-id", login), login, tags.get("display-name", login), roles
        )
        comments.append(
            Comment(
                str(number),
                "twitch",
                channel,
                author,
                text,
                ts,
                first_message=tags.get("first-msg") == "1",
            )
        )
    return comments


def labelled_queries(data: Path) -> dict[str, list[Query]]:
    sets: dict[str, list[Query]] = {}
    for label_file in sorted(LABELS.glob("*.json")):
        spec = json.loads(label_file.read_text(encoding="utf-8"))
        source = data / spec["source"]
        loader = ubuntu_comments if spec["format"] == "ubuntu-irc" else twitch_comments
        queries = []
        for window in spec["windows"]:
            path = source / window["file"]
            if not path.is_file():
                print(f"skipping {label_file.name}: {path} is missing", file=sys.stderr)
                break
            comments = loader(path, window["first_line"], window["last_line"])
            events: list[TranscriptEvent] = [
                ShowEvent(None, "", spec.get("show_description", "")),
                SegmentEvent(comments[0].ts, window["title"], tuple(window["keywords"])),
                *(CommentEvent(c) for c in comments),
            ]
            name = f"{window['file']}:{window['first_line']}-{window['last_line']}"
            grades = {k: int(v) for k, v in window["grades"].items()}
            queries.append(Query(name, events, grades, [window["title"], *window["keywords"]]))
        if queries:
            sets[label_file.stem] = queries
    return sets


#: How the demo show's `intent` key maps to a grade (see benchmarks/labels/README.md).
DEMO_GRADES = {"on_topic_question": 2, "on_topic_remark": 1}


def demo_queries(path: Path = DEMO) -> list[Query]:
    """One query per demo segment, graded from the transcript's `intent` key."""
    if not path.is_file():
        print(f"skipping the demo show: {path} is missing", file=sys.stderr)
        return []
    intents = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            record = json.loads(line)
            if record.get("kind") == "comment":
                intents[str(record["id"])] = record.get("intent", "")
    events = list(read_transcript(path))
    segments = [e for e in events if isinstance(e, SegmentEvent)]
    grades = {cid: DEMO_GRADES.get(intent, 0) for cid, intent in intents.items()}
    words = [w for s in segments for w in (s.title, *s.keywords)]
    return [Query(f"demo segment {i}", events, grades, words) for i in range(1, len(segments) + 1)]


# -- metrics ------------------------------------------------------------------------------------


def dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:K]))


def ndcg(ranked: Sequence[int], all_grades: Sequence[int]) -> float:
    ideal = dcg(sorted(all_grades, reverse=True))
    return dcg(ranked) / ideal if ideal > 0 else 0.0


def precision(ranked: Sequence[int]) -> float:
    return sum(1 for g in ranked[:K] if g > 0) / K


Ordering = Callable[[list[RankedRow], Query], list[RankedRow]]


def by_queue(rows: list[RankedRow], query: Query) -> list[RankedRow]:
    return rows  # rank_events already orders best first


def by_arrival(rows: list[RankedRow], query: Query) -> list[RankedRow]:
    return sorted(rows, key=lambda r: -r.arrival.value)


def newest_first(rows: list[RankedRow], query: Query) -> list[RankedRow]:
    return sorted(
        rows,
        key=lambda r: (r.comment.ts, int(r.comment.id) if r.comment.id.isdigit() else 0),
        reverse=True,
    )


def keyword_match(rows: list[RankedRow], query: Query) -> list[RankedRow]:
    terms = {
        w.lower()
        for phrase in query.topic_words
        for w in ([phrase] if " " in phrase and phrase in query.topic_words[1:] else phrase.split())
        if w.lower() not in STOPWORDS and len(w) > 1
    }
    newest = newest_first(rows, query)
    return sorted(newest, key=lambda r: -sum(t in r.comment.text.lower() for t in terms))


ORDERINGS: dict[str, Ordering] = {
    "stagehand (queue at end)": by_queue,
    "stagehand (at arrival)": by_arrival,
    "newest first": newest_first,
    "keyword match": keyword_match,
}


def evaluate(
    queries: list[Query], settings: RankingSettings, verbose: bool
) -> dict[str, tuple[float, float]]:
    totals = {name: [0.0, 0.0] for name in ORDERINGS}
    for query in queries:
        rows = rank_events(query.events, settings=settings)
        if query.name.startswith("demo segment"):
            wanted = int(query.name.rsplit(" ", 1)[1])
            rows = [r for r in rows if r.segment == wanted]
        all_grades = [query.grades.get(r.comment.id, 0) for r in rows]
        for name, order in ORDERINGS.items():
            ranked = [query.grades.get(r.comment.id, 0) for r in order(rows, query)]
            totals[name][0] += ndcg(ranked, all_grades)
            totals[name][1] += precision(ranked)
            if verbose and name == "stagehand (queue at end)":
                print(
                    f"  {query.name}: nDCG@10 {ndcg(ranked, all_grades):.3f} ({len(rows)} comments)"
                )
                for row in order(rows, query)[:K]:
                    grade = query.grades.get(row.comment.id, 0)
                    print(f"     {grade} {row.score:7.3f} {row.comment.text[:80]!r}")
    return {name: (n / len(queries), p / len(queries)) for name, (n, p) in totals.items()}


def throughput(data: Path, settings: RankingSettings) -> tuple[int, float] | None:
    path = data / "twitch-irc-raw" / "xqcow-2019-09-15.irc.txt"
    if not path.is_file():
        return None
    raw = twitch_comments(path, 0, len(path.read_text(encoding="utf-8").split("\n")) - 1)
    comments = [replace(c, clean_text=sanitize(c.text).text) for c in raw]
    ranker = Ranker(settings, show_description="xQc reacts to esports news and clips")
    ranker.set_segment(Segment(1, "A pro gamer refused a US work visa", ("visa", "immigration")))
    start = time.perf_counter()
    for comment in comments:
        ranker.score(comment)
    elapsed = time.perf_counter() - start
    return len(comments), len(comments) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--half-life", type=float, help="override the recency half-life (s)")
    parser.add_argument("--verbose", action="store_true", help="show each window's top 10")
    args = parser.parse_args()
    settings = RankingSettings()
    if args.half_life:
        settings = settings.model_copy(update={"half_life_seconds": args.half_life})
    print(f"half-life {settings.half_life_seconds:g} s")
    sets = labelled_queries(args.data)
    demo = demo_queries()
    if demo:
        sets["demo-show"] = demo
    everything = [q for queries in sets.values() for q in queries]
    if everything:
        sets["all"] = everything
    print(f"{'set':<12} {'queries':>7}  {'ordering':<26} {'nDCG@10':>8} {'P@10':>6}")
    for name, queries in sets.items():
        if args.verbose:
            print(f"-- {name}")
        results = evaluate(queries, settings, args.verbose)
        for ordering, (n, p) in results.items():
            print(f"{name:<12} {len(queries):>7}  {ordering:<26} {n:>8.3f} {p:>6.3f}")
    measured = throughput(args.data, settings)
    if measured:
        count, rate = measured
        print(f"\nRanker.score: {rate:,.0f} comments/second over {count} real Twitch comments")


if __name__ == "__main__":
    main()
