"""Ranking quality on labelled chat, next to two baselines measured on the same candidates.

    python benchmarks/ranking_quality.py [--data ../shared/data] [--verbose] [--half-life S]

Each labelled window (benchmarks/labels/*.json), each segment of the labelled show transcripts
(benchmarks/labels/shows/*.jsonl) and each of the demo show's segments is one query. The
window is replayed once through `stagehand.ranking.offline.look_back_events` -- the same code
`stagehand rank` runs, one Ranker fed in arrival order -- and judged two ways:

- **live queue** (what hosts see): at every minute of show time through the window (and at its
  end), the candidates are the comments of the last `LIVE_MINUTES` minutes, ordered by `rank_key`
  (the score with the recency decay folded in). nDCG@10 is averaged over the checkpoints that have
  at least one relevant candidate, then over queries.
- **segment end** (what `stagehand rank` prints): every comment of the window, in `rank`'s order,
  judged as `rank` judges it, looking back on the segment when it ended
  (`stagehand.ranking.offline.look_back_events`).

In both views the baselines order exactly the same candidates: **newest first** (what every chat
shows) and **keyword match** (how many of the topic's title words and keywords the text contains,
substring, case-insensitive; newest first among ties). nDCG@10 uses gain 2^grade - 1; P@10 counts
grade >= 1 in the top 10 (divided by 10 even when fewer candidates exist, the same for everyone).

Every query is `dev` or `heldout` (benchmarks/labels/README.md); the figures are printed for each
split so tuning on `dev` can be checked on `heldout`. It also prints `Ranker.score` comments per
second over the largest raw Twitch capture.
"""

from __future__ import annotations

import argparse
import functools
import json
import math
import re
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stagehand.config.ranking import RankingSettings
from stagehand.domain import Author, Comment, CommentKind, RankedComment, Segment
from stagehand.ranking.offline import Judging, look_back_events
from stagehand.ranking.queue_order import QueueRow, merge_askers
from stagehand.ranking.ranker import Ranker
from stagehand.ranking.text import STOPWORDS
from stagehand.sanitize import sanitize
from stagehand.show.kinds import CommentKinds
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
SHOWS = LABELS / "shows"
K = 10
#: The live queue's candidates: comments a host could still act on.
LIVE_MINUTES = 5
#: How often the live queue is looked at (seconds of show time).
CHECK_EVERY = 60
#: Chat replayed before a labelled window, as the show that ran before the segment began.
CONTEXT_MINUTES = 30


@dataclass
class Query:
    name: str
    events: list[TranscriptEvent]
    grades: dict[str, int]
    topic_words: list[str]
    split: str = "dev"
    segment: int = 1
    """Which segment of the replay the query grades (the demo show has several)."""
    set_name: str = ""
    terms: set[str] = field(default_factory=set)
    same_as: dict[str, str] = field(default_factory=dict)
    """Merge ground truth: each comment of a group of near-identical questions in this segment ->
    the id of the group's first comment (labelled shows only; empty elsewhere)."""


# -- loading labelled windows ----------------------------------------------------------------

_UBUNTU_LINE = re.compile(r"^\[(\d\d):(\d\d)\]\s+(?:<([^>]+)>|\*\s+(\S+))\s?(.*)$")


@functools.cache
def _ubuntu_file(path: Path) -> dict[int, Comment]:
    """Every chat line of a #ubuntu log (0-based line number -> comment); join/part lines are not chat.

    Timestamps have minute resolution: a minute's lines are spread evenly over it, and a clock
    going backwards (midnight) moves on to the next day.
    """
    day = datetime.strptime(path.name[:10], "%Y-%m-%d").replace(tzinfo=UTC)
    lines = path.read_text(encoding="utf-8", errors="replace").split("\n")
    parsed: list[tuple[int, int, str, str]] = []
    days = 0
    previous = -1
    for number, line in enumerate(lines):
        match = _UBUNTU_LINE.match(line)
        if not match:
            continue
        hour, minute, nick, actor, text = match.groups()
        if actor:
            text, nick = f"{actor} {text}", actor
        clock = int(hour) * 60 + int(minute)
        if previous >= 0 and clock + days * 1440 < previous - 60:
            days += 1
        previous = clock + days * 1440
        parsed.append((number, previous, nick.strip(), text))
    per_minute: dict[int, int] = defaultdict(int)
    for _, minute, _, _ in parsed:
        per_minute[minute] += 1
    seen: dict[int, int] = defaultdict(int)
    comments = {}
    for number, minute, nick, text in parsed:
        offset = seen[minute] * 60 / per_minute[minute]
        seen[minute] += 1
        ts = day + timedelta(minutes=minute, seconds=offset)
        author = Author("irc", nick.lower(), nick.lower(), nick)
        comments[number] = Comment(str(number), "irc", "ubuntu", author, text, ts)
    return comments


def ubuntu_comments(path: Path, first: int, last: int) -> list[Comment]:
    """#ubuntu log lines first..last (0-based) as comments."""
    every = _ubuntu_file(path)
    return [every[n] for n in range(first, last + 1) if n in every]


_IRC = re.compile(r"^@(\S+) :(\w+)!\S+ PRIVMSG #(\w+) :(.*)$")


@functools.cache
def _raw_irc_lines(path: Path) -> list[str]:
    """A capture's raw IRC lines: one per line of a text file, or a recent-messages JSON dump's list."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        return list(json.loads(text)["messages"])
    return text.split("\n")


def twitch_comments(path: Path, first: int, last: int) -> list[Comment]:
    """Raw Twitch IRC lines first..last (0-based) as comments, with roles from the badges."""
    lines = _raw_irc_lines(path)
    comments = []
    for number in range(first, min(last, len(lines) - 1) + 1):
        match = _IRC.match(lines[number].rstrip("\r"))
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
            start = comments[0].ts
            before = [
                c
                for c in loader(path, 0, window["first_line"] - 1)
                if c.ts >= start - timedelta(minutes=CONTEXT_MINUTES)
            ]
            events: list[TranscriptEvent] = [
                ShowEvent(
                    None, "", window.get("show_description", spec.get("show_description", ""))
                ),
                SegmentEvent(before[0].ts if before else start, "", ()),
                *(CommentEvent(c) for c in before),
                SegmentEvent(start, window["title"], tuple(window["keywords"])),
                *(CommentEvent(c) for c in comments),
            ]
            name = f"{window['file']}:{window['first_line']}-{window['last_line']}"
            grades = {k: int(v) for k, v in window["grades"].items()}
            words = [window["title"], *window["keywords"]]
            split = window.get("split", "dev")
            queries.append(Query(name, events, grades, words, split, 2, label_file.stem))
        if queries:
            sets[label_file.stem] = queries
    return sets


#: How the demo show's `intent` key maps to a grade (see benchmarks/labels/README.md).
DEMO_GRADES = {"on_topic_question": 2, "on_topic_remark": 1}
#: The demo's `!ask` lines graded by reading them, by a second reader blind to the ranker: its
#: scripted intent (`command`) grades them 0 whatever they ask (benchmarks/labels/README.md).
DEMO_ASKS_READ = LABELS / "demo" / "asks-read.json"
#: The demo graded with those: reported beside the demo as scripted, never in "all".
DEMO_READ_SET = "demo-show, !ask read"


def demo_queries(
    path: Path = DEMO, asks_read: Path | None = None, set_name: str = "demo-show"
) -> list[Query]:
    """One query per demo segment, graded from the transcript's `intent` key (and its `!ask`
    lines from `asks_read`, if given)."""
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
    if asks_read is not None:
        read = json.loads(asks_read.read_text(encoding="utf-8"))["grades"]
        grades.update({str(line["id"]): int(line["grade"]) for line in read})
    return [
        Query(
            f"demo segment {i}",
            events,
            grades,
            [segment.title, *segment.keywords],
            "dev" if i % 2 else "heldout",
            i,
            set_name,
        )
        for i, segment in enumerate(segments, start=1)
    ]


def show_queries(path: Path) -> list[Query]:
    """One query per segment of a labelled show transcript (benchmarks/labels/shows/*.jsonl).

    The transcript is replayed whole, as the demo show is. Each comment carries its `grade`,
    each segment its `split`, and each member of a merge group `same_as` (benchmarks/labels/README.md).
    """
    grades: dict[str, int] = {}
    same_as: dict[str, str] = {}
    splits: list[str] = []
    segment_of: dict[str, int] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        record = json.loads(line)
        if record.get("kind") == "segment":
            splits.append(record.get("split", "dev"))
        elif record.get("kind") == "comment":
            comment_id = str(record["id"])
            grades[comment_id] = int(record["grade"])
            segment_of[comment_id] = len(splits)
            if "same_as" in record:
                same_as[comment_id] = str(record["same_as"])
    events = list(read_transcript(path))
    segments = [e for e in events if isinstance(e, SegmentEvent)]
    return [
        Query(
            f"{path.stem} segment {i}",
            events,
            grades,
            [segment.title, *segment.keywords],
            split,
            i,
            path.stem,
            same_as={c: g for c, g in same_as.items() if segment_of[c] == i},
        )
        for i, (segment, split) in enumerate(zip(segments, splits, strict=True), start=1)
    ]


def labelled_shows(folder: Path = SHOWS) -> dict[str, list[Query]]:
    """Every labelled show transcript, one set each, named by its file."""
    return {path.stem: show_queries(path) for path in sorted(folder.glob("*.jsonl"))}


# -- metrics ------------------------------------------------------------------------------------


def dcg(grades: Sequence[int]) -> float:
    return sum((2**g - 1) / math.log2(i + 2) for i, g in enumerate(grades[:K]))


def ndcg(ranked: Sequence[int], ideal_grades: Sequence[int]) -> float:
    ideal = dcg(sorted(ideal_grades, reverse=True))
    return dcg(ranked) / ideal if ideal > 0 else 0.0


def precision(ranked: Sequence[int]) -> float:
    return sum(1 for g in ranked[:K] if g > 0) / K


@dataclass(frozen=True)
class Unit:
    """One line of a list a host reads: a queue row (stagehand: one question with every viewer
    who asked it) or one comment (the baselines), with the comments in it."""

    members: tuple[RankedComment, ...]
    arrival_index: int

    @property
    def comment(self) -> Comment:
        return self.members[0].comment


def gains(units: Sequence[Unit], query: Query) -> list[int]:
    """Each line's grade, counting each labelled question once: a line whose questions were all
    shown higher up already (the same question asked again, `same_as` in the labels) gains 0,
    however it is graded. Without merge labels every comment is its own question."""
    grade = query.grades.get
    credited: set[str] = set()
    out = []
    for unit in units:
        new = {}
        for member in unit.members:
            cid = member.comment.id
            group = query.same_as.get(cid, cid)
            if group not in credited:
                new[group] = max(new.get(group, 0), grade(cid, 0))
        credited.update(new)
        out.append(max(new.values(), default=0))
    return out


def ideal_grades(cands: Sequence[RankedComment], query: Query) -> list[int]:
    """The best list: each labelled question once, at its best grade."""
    best: dict[str, int] = {}
    for ranked in cands:
        cid = ranked.comment.id
        group = query.same_as.get(cid, cid)
        best[group] = max(best.get(group, 0), query.grades.get(cid, 0))
    return list(best.values())


Ordering = Callable[[list[RankedComment], Query, dict[int, int]], list[Unit]]


def _rows(cands: list[RankedComment], arrival: dict[int, int]) -> list[tuple[QueueRow, int]]:
    settings = MEASURED_WITH.settings
    rows = merge_askers(
        cands,
        half_life=settings.half_life_seconds,
        asked_by_points=settings.weights.asked_by,
        pasted_points=settings.weights.copypasta,
    )
    return [(row, arrival[id(row.askers[0].comment)]) for row in rows]


def stagehand_queue(
    cands: list[RankedComment], query: Query, arrival: dict[int, int]
) -> list[Unit]:
    """The live queue: rows by `rank_key` descending (the decayed score now), arrival on ties."""
    rows = sorted(_rows(cands, arrival), key=lambda item: (-item[0].ranked.score.rank_key, item[1]))
    return [Unit(row.askers, index) for row, index in rows]


def stagehand_rank(cands: list[RankedComment], query: Query, arrival: dict[int, int]) -> list[Unit]:
    """What `stagehand rank` prints for the segment: rows by score, arrival order on ties."""
    rows = sorted(_rows(cands, arrival), key=lambda item: (-item[0].ranked.score.value, item[1]))
    return [Unit(row.askers, index) for row, index in rows]


def newest_first(cands: list[RankedComment], query: Query, arrival: dict[int, int]) -> list[Unit]:
    units = [Unit((c,), arrival[id(c.comment)]) for c in cands]
    return sorted(units, key=lambda u: (u.comment.ts, u.arrival_index), reverse=True)


def keyword_terms(query: Query) -> set[str]:
    """The title's words and each keyword (a multi-word keyword as one phrase)."""
    title, *keywords = query.topic_words
    terms = {w.lower() for w in re.findall(r"[\w'+\-./]+", title)}
    terms |= {k.lower() for k in keywords}
    return {t for t in terms if t not in STOPWORDS and len(t) > 1}


def keyword_match(cands: list[RankedComment], query: Query, arrival: dict[int, int]) -> list[Unit]:
    terms = query.terms
    newest = newest_first(cands, query, arrival)
    return sorted(newest, key=lambda u: -sum(t in u.comment.text.lower() for t in terms))


LIVE: dict[str, Ordering] = {
    "stagehand": stagehand_queue,
    "newest first": newest_first,
    "keyword match": keyword_match,
}
AT_END: dict[str, Ordering] = {
    "stagehand": stagehand_rank,
    "newest first": newest_first,
    "keyword match": keyword_match,
}


def classify_as_the_pipeline_does(settings: RankingSettings) -> Callable[[Comment], CommentKind]:
    """The live pipeline's classifier (default prefix, no extra hosts): only viewers' comments
    are queue candidates; commands, bots', hosts' and moderators' lines never are."""
    kinds = CommentKinds(bots=settings.bots)
    return lambda comment: kinds.classify(comment).kind


@dataclass
class MeasuredWith:
    """What the query being evaluated is measured with (`benchmarks/ranking_ablation.py`
    swaps the classifier to measure what leaving the other kinds out of the queue does)."""

    settings: RankingSettings = field(default_factory=RankingSettings)
    classify: Callable[[RankingSettings], Callable[[Comment], CommentKind]] = (
        classify_as_the_pipeline_does
    )


MEASURED_WITH = MeasuredWith()


@dataclass
class Window:
    """A query's candidates: the queued comments of its segment, as judged on arrival (the live
    queue) and as `rank` judges them looking back on the segment (segment end)."""

    arrived: list[RankedComment]
    looked_back: list[RankedComment]
    arrival: dict[int, int]
    """Arrival order, by the `id` of each comment (the same objects in both lists)."""
    end: float
    """The window's end (Unix seconds)."""


def window_comments(query: Query, settings: RankingSettings) -> Window:
    """The query's queued comments, both ways. Only what the live queue takes
    (`CommentKind.COMMENT`) is a candidate."""
    events = query.events
    judging = Judging(settings=settings, classify=MEASURED_WITH.classify(settings))
    arrived, looked_back = look_back_events(events, judging)

    def candidates(judged: list[RankedComment]) -> list[RankedComment]:
        return [r for r in judged if r.segment == query.segment and r.kind.may_queue]

    cands = candidates(arrived)
    arrival = {id(r.comment): i for i, r in enumerate(cands)}
    segments = [e.ts for e in events if isinstance(e, SegmentEvent)]
    last = max(r.comment.ts for r in cands).timestamp()
    end = segments[query.segment].timestamp() if query.segment < len(segments) else last
    return Window(cands, candidates(looked_back), arrival, max(end, last))


def checkpoints(cands: list[RankedComment], end: float) -> list[tuple[float, list[RankedComment]]]:
    """(time, candidates) every CHECK_EVERY seconds through the window and at its end."""
    start = min(c.comment.ts.timestamp() for c in cands)
    moments = [start + CHECK_EVERY * k for k in range(1, int((end - start) // CHECK_EVERY) + 1)]
    if not moments or moments[-1] < end:
        moments.append(end)
    horizon = LIVE_MINUTES * 60
    out = []
    for moment in moments:
        live = [c for c in cands if moment - horizon < c.comment.ts.timestamp() <= moment]
        if live:
            out.append((moment, live))
    return out


Figures = dict[str, dict[str, tuple[float, float]]]


def evaluate_query(query: Query, settings: RankingSettings, verbose: bool) -> Figures:
    """{view: {ordering: (nDCG@10, P@10)}} for one query."""
    query.terms = keyword_terms(query)
    MEASURED_WITH.settings = settings
    window = window_comments(query, settings)
    cands, arrival, end = window.arrived, window.arrival, window.end
    grade = query.grades.get
    figures: Figures = {"live queue": {}, "segment end": {}}
    moments = [
        (t, live)
        for t, live in checkpoints(cands, end)
        if any(grade(c.comment.id, 0) for c in live)
    ]
    for name, order in LIVE.items():
        n = p = 0.0
        for _, live in moments:
            ranked = gains(order(live, query, arrival), query)
            n += ndcg(ranked, ideal_grades(live, query))
            p += precision(ranked)
        count = max(len(moments), 1)
        figures["live queue"][name] = (n / count, p / count)
    for name, order in AT_END.items():
        ranked = gains(order(window.looked_back, query, arrival), query)
        figures["segment end"][name] = (ndcg(ranked, ideal_grades(cands, query)), precision(ranked))
    if verbose:
        live_n = figures["live queue"]["stagehand"][0]
        end_n = figures["segment end"]["stagehand"][0]
        print(
            f"  {query.name} [{query.split}]: live {live_n:.3f}  end {end_n:.3f}  {query.topic_words[0][:60]!r}"
        )
        units = stagehand_rank(window.looked_back, query, arrival)
        for unit, gain in zip(units[:K], gains(units, query)[:K], strict=True):
            first = unit.members[0]
            many = f" (asked by {len(unit.members)})" if len(unit.members) > 1 else ""
            value = first.score.value
            print(f"     {gain} {value:7.3f}{many} {first.comment.text[:90]!r}")
    return figures


def mean(figures: list[Figures]) -> Figures:
    out: Figures = {}
    for view in figures[0]:
        out[view] = {}
        for name in figures[0][view]:
            values = [f[view][name] for f in figures]
            out[view][name] = (
                sum(v[0] for v in values) / len(values),
                sum(v[1] for v in values) / len(values),
            )
    return out


def throughput(data: Path, settings: RankingSettings) -> tuple[int, float] | None:
    path = data / "twitch-irc-raw" / "xqcow-2019-09-15.irc.txt"
    if not path.is_file():
        return None
    raw = twitch_comments(path, 0, len(_raw_irc_lines(path)) - 1)
    comments = [replace(c, clean_text=sanitize(c.text).text) for c in raw]
    best = 0.0
    for _ in range(3):
        ranker = Ranker(settings, show_description="xQc reacts to esports news and clips")
        ranker.set_segment(
            Segment(1, "A pro gamer refused a US work visa", ("visa", "immigration"))
        )
        start = time.perf_counter()
        for comment in comments:
            ranker.score(comment)
        best = max(best, len(comments) / (time.perf_counter() - start))
    return len(comments), best


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--data", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--half-life", type=float, help="override the recency half-life (s)")
    parser.add_argument("--verbose", action="store_true", help="show each window's top 10")
    parser.add_argument("--only", help="evaluate only sets whose name contains this")
    parser.add_argument(
        "--split",
        choices=["dev", "heldout", "both"],
        default="both",
        help="evaluate only these queries (tune with --split dev --verbose: held-out windows are"
        " never looked at one by one)",
    )
    args = parser.parse_args()
    if args.verbose and args.split != "dev":
        parser.error("--verbose shows each window's top 10: only with --split dev")
    settings = RankingSettings()
    if args.half_life:
        settings = settings.model_copy(update={"half_life_seconds": args.half_life})
    sets = labelled_queries(args.data)
    demo = demo_queries()
    if demo:
        sets["demo-show"] = demo
        sets[DEMO_READ_SET] = demo_queries(asks_read=DEMO_ASKS_READ, set_name=DEMO_READ_SET)
    sets.update(labelled_shows())
    if args.only:
        sets = {k: v for k, v in sets.items() if args.only in k}
    if args.split != "both":
        sets = {k: [q for q in v if q.split == args.split] for k, v in sets.items()}
        sets = {k: v for k, v in sets.items() if v}
    print(
        f"half-life {settings.half_life_seconds:g} s; live queue = comments of the last "
        f"{LIVE_MINUTES} min, every {CHECK_EVERY} s; nDCG@10 / P@10, mean over queries"
    )
    results: dict[str, list[tuple[Query, Figures]]] = {}
    for name, queries in sets.items():
        if args.verbose:
            print(f"-- {name}")
        results[name] = [(q, evaluate_query(q, settings, args.verbose)) for q in queries]
    everything = [
        item for name, items in results.items() if name != DEMO_READ_SET for item in items
    ]
    header = f"{'set':<22} {'split':<8} {'n':>4}  {'view':<12}" + "".join(
        f"{name:>16}" for name in LIVE
    )
    print(header)
    for name, items in [*results.items(), ("all", everything)]:
        for split in ("dev", "heldout", "both"):
            chosen = [f for q, f in items if split in ("both", q.split)]
            if not chosen:
                continue
            averaged = mean(chosen)
            for view, by_order in averaged.items():
                cells = "".join(f"{n:>9.3f} /{p:>5.2f}" for n, p in by_order.values())
                print(f"{name:<22} {split:<8} {len(chosen):>4}  {view:<12}{cells}")
    measured = throughput(args.data, settings)
    if measured:
        count, rate = measured
        print(f"\nRanker.score: {rate:,.0f} comments/second over {count} real Twitch comments")


if __name__ == "__main__":
    main()
