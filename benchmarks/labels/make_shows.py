"""Build `shows/<name>.jsonl` (labelled show transcripts) from the hand-written `shows/<name>.chat`.

    python benchmarks/labels/make_shows.py            # every script
    python benchmarks/labels/make_shows.py twitch-speedrun

A `.chat` script is how a labelled show was written: one chat line per line, its grade in front,
so every grade was decided next to the line it grades, before any ranker saw it. This script
only turns it into the project's transcript format (docs/transcript-format.md) and adds what a
platform would: message and user ids of the platform's shape, timestamps, display names and
roles. It judges nothing; the grades, the splits and the merge groups are the script's.

Script lines (`;;` starts a comment line):

    @show 2026-03-14T18:00:00Z | title | description
    @channel <platform> <channel>            the channel comments on that platform post in
    @user <key> <platform> <login> [display=Name] [roles=moderator,subscriber] [id=123] [lang=es]
    @pace <seconds>                          mean gap between chat lines from here on
    @at <m:ss | h:mm:ss>                     the show clock jumps to this offset (never back)
    @segment <dev|heldout> | <title> | <keyword>, <keyword>, ...
    @host <action> [user=<key>] [^<label>] [text ...]
    <grade> <user> [<options>] <text>

A chat line's options, in brackets right after the user: `id=<label>` names the line for
replies, host actions and groups; `re=<label>` replies to that line; `same=<group>` puts it in a
merge group (the same question asked again, in near-identical words); `first` marks the
author's first message in the channel; `+<s>` overrides the gap before it; `hl=<kind>[:amount
[:currency[:shown]]]` is a highlight (`~` in `shown` is a space); `lang=<code>` the language of
this line when it is not the author's usual one (a user's `lang`, default English).

Each comment gets `grade` (0, 1, 2), each segment `split`, each member of a merge group
`same_as`: the id of the group's first comment (the first one carries its own id), and a line
written in another language than English `lang` (ISO 639-1; not on lines without a letter).
"""

from __future__ import annotations

import argparse
import base64
import json
import random
import re
import sys
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

SHOWS = Path(__file__).resolve().parent / "shows"
DISCORD_EPOCH_MS = 1420070400000
HOST_ACTIONS = {"answer", "dismiss", "reply", "stage_start", "stage_end", "moderate"}


class ScriptError(ValueError):
    pass


@dataclass
class User:
    key: str
    platform: str
    login: str
    user_id: str
    display: str = ""
    roles: list[str] = field(default_factory=list)
    lang: str = "en"


@dataclass
class Built:
    events: list[dict[str, Any]] = field(default_factory=list)
    labels: dict[str, dict[str, Any]] = field(default_factory=dict)
    groups: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    segment: int = 0


def _user_id(platform: str, rng: random.Random) -> str:
    if platform == "twitch":
        return str(rng.randint(24_000_000, 990_000_000))
    if platform == "discord":
        created_ms = rng.randint(1_450_000_000_000, 1_700_000_000_000)
        return str(((created_ms - DISCORD_EPOCH_MS) << 22) | rng.getrandbits(22))
    if platform == "youtube":
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
        return "UC" + "".join(rng.choice(alphabet) for _ in range(22))
    raise ScriptError(f"unknown platform {platform!r}")


def _message_id(platform: str, ts: datetime, rng: random.Random) -> str:
    if platform == "twitch":
        return str(uuid.UUID(int=rng.getrandbits(128), version=4))
    if platform == "discord":
        ms = int(ts.timestamp() * 1000)
        return str(((ms - DISCORD_EPOCH_MS) << 22) | rng.getrandbits(22))
    if platform == "youtube":
        raw = b"\x12\x1c\n\x1a" + bytes(rng.getrandbits(8) for _ in range(26))
        return "LCC." + base64.urlsafe_b64encode(raw).decode().rstrip("=")
    raise ScriptError(f"unknown platform {platform!r}")


def _offset(text: str) -> timedelta:
    parts = [float(p) for p in text.split(":")]
    seconds = 0.0
    for part in parts:
        seconds = seconds * 60 + part
    return timedelta(seconds=seconds)


def _ts(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


def _highlight(spec: str) -> dict[str, Any]:
    kind, *rest = spec.split(":", 3)
    amount = float(rest[0]) if rest else 0.0
    out: dict[str, Any] = {"kind": kind, "amount": int(amount) if amount.is_integer() else amount}
    if len(rest) > 1:
        out["currency"] = rest[1]
    if len(rest) > 2:
        out["shown"] = rest[2].replace("~", " ")
    if kind == "bits":
        out["currency"] = "bits"
        out["shown"] = f"{out['amount']} bits"
    return out


_OPTIONS = re.compile(r"^\[([^\]]*)\]\s*")


def build(script: Path) -> list[dict[str, Any]]:
    """The transcript events of one script, in time order."""
    rng = random.Random(script.stem)
    users: dict[str, User] = {}
    channels: dict[str, str] = {}
    built = Built()
    start: datetime | None = None
    clock: datetime | None = None
    pace = 5.0

    def advance(gap: float | None) -> datetime:
        nonlocal clock
        assert clock is not None
        if gap is None:
            gap = min(max(rng.expovariate(1 / pace), 0.25), pace * 5)
        clock += timedelta(seconds=gap, microseconds=rng.randint(0, 999) * 1000)
        return clock

    for number, raw in enumerate(script.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.rstrip()
        if not line.strip() or line.startswith(";;"):
            continue
        try:
            if line.startswith("@"):
                word, _, rest = line[1:].partition(" ")
                rest = rest.strip()
                if word == "show":
                    when, title, description = (p.strip() for p in rest.split("|", 2))
                    start = clock = datetime.fromisoformat(when.replace("Z", "+00:00"))
                    built.events.append(
                        {
                            "kind": "show",
                            "ts": _ts(start),
                            "title": title,
                            "description": description,
                        }
                    )
                elif word == "channel":
                    platform, name = rest.split()
                    channels[platform] = name
                elif word == "user":
                    key, platform, login, *opts = rest.split()
                    options = dict(o.split("=", 1) for o in opts)
                    users[key] = User(
                        key,
                        platform,
                        login,
                        options.get("id") or _user_id(platform, rng),
                        options.get("display", "").replace("~", " "),
                        [r for r in options.get("roles", "").split(",") if r],
                        options.get("lang", "en"),
                    )
                elif word == "pace":
                    pace = float(rest)
                elif word == "at":
                    assert start is not None and clock is not None
                    target = start + _offset(rest)
                    if target < clock:
                        raise ScriptError(f"@at {rest} goes back in time")
                    clock = target
                elif word == "segment":
                    assert clock is not None
                    split, title, keywords = (p.strip() for p in rest.split("|", 2))
                    if split not in ("dev", "heldout"):
                        raise ScriptError(f"split must be dev or heldout, not {split!r}")
                    built.segment += 1
                    built.events.append(
                        {
                            "kind": "segment",
                            "ts": _ts(advance(0.5)),
                            "title": title,
                            "keywords": [k.strip() for k in keywords.split(",") if k.strip()],
                            "split": split,
                        }
                    )
                elif word == "host":
                    _host(built, users, rest, advance)
                else:
                    raise ScriptError(f"unknown directive @{word}")
                continue
            _comment(built, users, channels, line, advance, rng)
        except (ScriptError, ValueError, KeyError, AssertionError) as exc:
            raise ScriptError(f"{script.name}:{number}: {exc!r}") from None
    for name, members in built.groups.items():
        if len(members) < 2:
            raise ScriptError(f"{script.name}: merge group {name!r} has one member")
        if len({m["_segment"] for m in members}) > 1:
            raise ScriptError(f"{script.name}: merge group {name!r} spans segments")
        for member in members:
            member["same_as"] = members[0]["id"]
    for event in built.events:
        event.pop("_segment", None)
    return built.events


def _comment(
    built: Built,
    users: dict[str, User],
    channels: dict[str, str],
    line: str,
    advance: Any,
    rng: random.Random,
) -> None:
    grade, key, text = line.split(" ", 2)
    if grade not in ("0", "1", "2"):
        raise ScriptError(f"grade must be 0, 1 or 2, not {grade!r}")
    if built.segment == 0:
        raise ScriptError("a comment before the first @segment")
    user = users[key]
    options: dict[str, str] = {}
    flags: set[str] = set()
    gap = None
    match = _OPTIONS.match(text)
    if match:
        for option in match.group(1).split():
            if option.startswith("+"):
                gap = float(option[1:])
            elif "=" in option:
                name, value = option.split("=", 1)
                options[name] = value
            else:
                flags.add(option)
        text = text[match.end() :]
    unknown = set(options) - {"id", "re", "same", "hl", "lang"} or flags - {"first"}
    if unknown:
        raise ScriptError(f"unknown options {sorted(unknown)}")
    ts = advance(gap)
    record: dict[str, Any] = {
        "kind": "comment",
        "id": _message_id(user.platform, ts, rng),
        "ts": _ts(ts),
        "platform": user.platform,
        "channel": channels[user.platform],
        "author_id": user.user_id,
        "author": user.login,
    }
    if user.display and user.display != user.login:
        record["display_name"] = user.display
    record["text"] = text
    record["roles"] = user.roles
    record["reply_to"] = built.labels[options["re"]]["id"] if "re" in options else None
    if "first" in flags:
        record["first_message"] = True
    if "hl" in options:
        record["highlight"] = _highlight(options["hl"])
    lang = options.get("lang", user.lang)
    if lang != "en" and any(ch.isalpha() for ch in text):
        record["lang"] = lang
    record["grade"] = int(grade)
    record["_segment"] = built.segment
    if "id" in options:
        if options["id"] in built.labels:
            raise ScriptError(f"label {options['id']!r} used twice")
        built.labels[options["id"]] = record
    if "same" in options:
        built.groups.setdefault(options["same"], []).append(record)
    built.events.append(record)


def _host(built: Built, users: dict[str, User], rest: str, advance: Any) -> None:
    action, *words = rest.split()
    if action not in HOST_ACTIONS:
        raise ScriptError(f"unknown host action {action!r}")
    target: dict[str, Any] | None = None
    user: User | None = None
    while words and (words[0].startswith("^") or words[0].startswith("user=")):
        word = words.pop(0)
        if word.startswith("^"):
            target = built.labels[word[1:]]
        else:
            user = users[word[5:]]
    record: dict[str, Any] = {
        "kind": "host",
        "ts": _ts(advance(None)),
        "action": action,
        "comment_id": target["id"] if target else None,
        "author_id": target["author_id"] if target else (user.user_id if user else None),
        "text": " ".join(words),
        "platform": target["platform"] if target else (user.platform if user else None),
    }
    built.events.append(record)


def render(events: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(event, ensure_ascii=False) + "\n" for event in events)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("names", nargs="*", help="scripts to build (default: all)")
    parser.add_argument(
        "--check", action="store_true", help="only check that each .jsonl is what its script builds"
    )
    args = parser.parse_args()
    scripts = sorted(SHOWS.glob("*.chat"))
    if args.names:
        scripts = [s for s in scripts if s.stem in args.names]
    stale = []
    for script in scripts:
        try:
            events = build(script)
        except ScriptError as exc:
            sys.exit(f"Error: {exc}")
        out = script.with_suffix(".jsonl")
        if args.check:
            if not out.is_file() or out.read_text(encoding="utf-8") != render(events):
                stale.append(out.name)
            continue
        out.write_text(render(events), encoding="utf-8")
        comments = [e for e in events if e["kind"] == "comment"]
        per_segment: dict[int, list[int]] = {}
        segment = 0
        for event in events:
            if event["kind"] == "segment":
                segment += 1
                per_segment[segment] = [0, 0, 0]
            elif event["kind"] == "comment":
                per_segment[segment][event["grade"]] += 1
        summary = "  ".join(f"s{s}: {g[0]}/{g[1]}/{g[2]}" for s, g in per_segment.items())
        print(f"{out.name}: {len(comments)} comments (grades 0/1/2 per segment: {summary})")
    if stale:
        sys.exit(f"Error: {', '.join(stale)} differ from their scripts; run make_shows.py")
    if args.check:
        print(f"{len(scripts)} labelled shows match their scripts")


if __name__ == "__main__":
    main()
