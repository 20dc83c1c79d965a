"""Write `ubuntu-conversations.json`: windows of #ubuntu labelled from the corpus' own annotations.

    python benchmarks/labels/make_ubuntu_conversations.py [--data ../shared/data]

No grade here is a judgement of ours. The rules (also in README.md, written before any measuring):

1. The human reply-to links of `*.annotation.txt` are joined into conversations (connected
   components). A conversation qualifies when it starts inside the annotated part (its first line
   is >= 1000 and links to itself, i.e. the annotators marked it as a new conversation), has at
   least 8 chat messages from at least 2 people, and its first message has at least 4 words
   (something a host could make a segment of).
2. The window runs from that first message to the conversation's last message, cut at 20 minutes
   of show time (a long segment). Every chat line in the window is a candidate.
3. The topic is what a host would type after reading the first message: the title is the first
   message itself (a leading "nick:" address removed), no keywords.
4. Grades: a line of the conversation is on topic: 2 when it has at least 4 words (a question, a
   detail, an answer), 1 when shorter ("ty", "yes", "reboot?"). Every other line is 0.
5. Windows whose first line is already a hand-labelled window of `ubuntu-irc.json` are skipped.
6. Split: conversations from the 1st, 3rd, 5th, ... test file (sorted by name) are `dev`, those
   from the 2nd, 4th, ... are `heldout` and are never looked at while tuning the ranker.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCE = "ubuntu-irc-disentangle-test/test"
MIN_MESSAGES = 8
MIN_AUTHORS = 2
MIN_ROOT_WORDS = 4
MAX_MINUTES = 20
SUBSTANTIVE_WORDS = 4
_LINE = re.compile(r"^\[(\d\d):(\d\d)\]\s+(?:<([^>]+)>|\*\s+(\S+))\s?(.*)$")
_ADDRESS = re.compile(r"^[\w\-\[\]\\^{}|`]+[:,]\s+")


def conversations(annotation: Path) -> tuple[list[list[int]], set[int]]:
    """Connected components of the reply-to links, and the lines marked as starting one."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    starts: set[int] = set()
    for line in annotation.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        a, b = (int(x) for x in line.split()[:2])
        if a == b:
            starts.add(a)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[ra] = rb
    groups: dict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        groups[find(x)].append(x)
    return [sorted(g) for g in groups.values()], starts


def windows_of(raw: Path, skip_roots: set[int], split: str) -> list[dict[str, object]]:
    lines = raw.read_text(encoding="utf-8", errors="replace").split("\n")
    annotation = raw.with_name(raw.name.replace(".raw.", ".annotation."))
    groups, starts = conversations(annotation)
    found = []
    for group in sorted(groups):
        chat = [n for n in group if _LINE.match(lines[n])]
        if not chat or chat[0] < 1000 or chat[0] not in starts or chat[0] in skip_roots:
            continue
        parsed = {n: _LINE.match(lines[n]).groups() for n in chat}  # type: ignore[union-attr]
        minutes = {n: int(p[0]) * 60 + int(p[1]) for n, p in parsed.items()}
        root = chat[0]
        in_time = [n for n in chat if (minutes[n] - minutes[root]) % 1440 <= MAX_MINUTES]
        authors = {(parsed[n][2] or parsed[n][3]).lower() for n in in_time}
        title = _ADDRESS.sub("", parsed[root][4]).strip()
        if len(in_time) < MIN_MESSAGES or len(authors) < MIN_AUTHORS:
            continue
        if len(title.split()) < MIN_ROOT_WORDS:
            continue
        grades = {
            str(n): 2 if len(parsed[n][4].split()) >= SUBSTANTIVE_WORDS else 1 for n in in_time
        }
        found.append(
            {
                "file": raw.name,
                "first_line": root,
                "last_line": in_time[-1],
                "title": title,
                "keywords": [],
                "split": split,
                "grades": grades,
            }
        )
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, default=HERE.parents[2] / "shared" / "data")
    args = parser.parse_args()
    hand = json.loads((HERE / "ubuntu-irc.json").read_text(encoding="utf-8"))
    skip: dict[str, set[int]] = defaultdict(set)
    for window in hand["windows"]:
        skip[window["file"]].add(window["first_line"])
    windows = []
    for index, raw in enumerate(sorted((args.data / SOURCE).glob("*.raw.txt"))):
        split = "dev" if index % 2 == 0 else "heldout"
        windows += windows_of(raw, skip[raw.name], split)
    spec = {
        "source": SOURCE,
        "format": "ubuntu-irc",
        "show_description": hand["show_description"],
        "made_by": "benchmarks/labels/make_ubuntu_conversations.py (rules in its docstring)",
        "windows": windows,
    }
    out = HERE / "ubuntu-conversations.json"
    body = json.dumps(spec, indent=1, ensure_ascii=False)
    out.write_text(body + "\n", encoding="utf-8")
    counts = {s: sum(1 for w in windows if w["split"] == s) for s in ("dev", "heldout")}
    print(f"wrote {out.name}: {len(windows)} windows {counts}")


if __name__ == "__main__":
    main()
