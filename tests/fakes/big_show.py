"""A long, busy show for resume tests: thousands of viewers, chat commands and host events.

`write_big_show(path, comments)` writes a transcript of `comments` comments at 100 a second of
show time, one segment per 20,000 comments. Viewers use `!ask` and `!hand`; a moderator brings a
guest on stage with `!stage @guestN` right after the guest spoke and takes them off with
`!unstage @guestN` 500 comments later; the hosts answer a comment now and then and run stage
appearances of their own (host events with an `id`, as export writes them). The returned
`BigShow` lists everything that must exist exactly once in the database afterwards.

Make one to try by hand:  python3 tests/fakes/big_show.py /tmp/big.jsonl 200000
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

START = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
RATE = 100  # comments per second of show time
VIEWERS = 3_000
SEGMENT_EVERY = 20_000
ASK_EVERY = 97
HAND_EVERY = 211
ANSWER_EVERY = 1_999
#: The moderator's cycle: a guest speaks (offset 1), `!stage @guest` (2), `!unstage @guest` (502).
MOD_STAGE_EVERY = 2_000
#: The hosts' cycle: a guest speaks and a host event brings them on (1003), another ends it (1703).
HOST_STAGE_EVERY = 4_000

#: What viewers say: a few dozen lines, repeated as real chat repeats itself.
_OPENERS = ("", "lol ", "ok ", "hey ", "wait ", "nice, ", "hmm ", "yo ")
_LINES = (
    "which filter is that",
    "the bass sounds huge",
    "what oscillator chip are you using",
    "is the envelope analog too",
    "how much did the parts cost",
    "can you show the schematic again",
    "that resonance is wild",
    "my breadboard never works like that",
    "PogChamp",
    "first time here, love it",
    "what scope is that",
    "does it track 1v per octave",
    "turn the cutoff down please",
    "greetings from berlin",
    "how long did this take to build",
    "is there a kit for this",
    "the ladder filter is so smooth",
    "can it do pwm",
    "what about midi input",
    "KEKW",
    "which power supply do you use",
    "that solder joint looks cold",
    "where can i get the pcb",
    "is the code on github",
    "more resonance!!",
    "how do you calibrate the vco",
    "love the sound of that saw",
    "did you try a moog style filter",
    "any tips for beginners",
    "what is the voltage on that rail",
)


@dataclass
class BigShow:
    path: Path
    comments: int
    segments: int = 0
    #: Message ids of the comments that are chat commands (each gets one `commands` row).
    commands: list[str] = field(default_factory=list)
    #: Ids of the transcript's host events (each stored once, under its id).
    host_events: list[str] = field(default_factory=list)
    #: (guest user name, start, end) of every stage appearance, as ISO text like the database's.
    stage: list[tuple[str, str, str]] = field(default_factory=list)
    #: Stage starts and ends done by `!stage` / `!unstage` (host actions with their own keys).
    command_stage_actions: int = 0


def ts(index: int) -> str:
    """The time of comment number `index`, written as the database writes times."""
    moment = START + timedelta(seconds=index / RATE)
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _comment(index: int, author: str, author_id: str, text: str, roles: list[str]) -> dict:
    return {
        "kind": "comment",
        "id": f"c{index:07d}",
        "ts": ts(index),
        "platform": "twitch",
        "channel": "bigshow",
        "author_id": author_id,
        "author": author,
        "text": text,
        "roles": roles,
        "reply_to": None,
    }


def _host(key: str, index: int, action: str, author_id: str, comment_id: str | None) -> dict:
    return {
        "kind": "host",
        "id": key,
        "ts": ts(index),
        "action": action,
        "comment_id": comment_id,
        "author_id": author_id,
        "platform": "twitch",
        "text": "",
    }


def _viewer_line(index: int) -> tuple[str, str, str, list[str]]:
    viewer = (index * 7919) % VIEWERS
    if index % ASK_EVERY == 0:
        text = f"!ask {_LINES[index % len(_LINES)]}?"
    elif index % HAND_EVERY == 0:
        text = "!hand"
    else:
        text = _OPENERS[(index // 7) % len(_OPENERS)] + _LINES[(index * 31) % len(_LINES)]
    return f"viewer{viewer}", f"u{viewer}", text, []


def write_big_show(path: Path, comments: int) -> BigShow:
    show = BigShow(path, comments)
    lines: list[str] = []

    def put(record: dict) -> None:
        lines.append(json.dumps(record))

    put({"kind": "show", "ts": ts(0), "title": "Big show", "description": "a synth build"})
    for index in range(comments):
        if index % SEGMENT_EVERY == 0:
            show.segments += 1
            put(
                {
                    "kind": "segment",
                    "ts": ts(index),
                    "title": f"Part {show.segments}",
                    "keywords": ["synth", "filter", f"part{show.segments}"],
                }
            )
        cycle, step = divmod(index, MOD_STAGE_EVERY)
        host_cycle, host_step = divmod(index, HOST_STAGE_EVERY)
        mod_cycle_fits = cycle * MOD_STAGE_EVERY + 502 < comments
        host_cycle_fits = host_cycle * HOST_STAGE_EVERY + 1703 < comments
        host_event: dict | None = None
        if step == 1 and mod_cycle_fits:
            author, author_id, text, roles = f"guest{cycle}", f"g{cycle}", "hi, can i join?", []
        elif step in (2, 502) and mod_cycle_fits:
            verb = "stage" if step == 2 else "unstage"
            author, author_id, text, roles = "mod", "m1", f"!{verb} @guest{cycle}", ["moderator"]
            if step == 502:
                show.stage.append((f"guest{cycle}", ts(index - 500), ts(index)))
                show.command_stage_actions += 2
        elif host_step == 1003 and host_cycle_fits:
            guest = f"hostguest{host_cycle}"
            author, author_id, text, roles = guest, f"h{host_cycle}", "i have a demo to show", []
            key = f"h-start-{host_cycle}"
            host_event = _host(key, index, "stage_start", author_id, f"c{index:07d}")
        elif host_step == 1703 and host_cycle_fits:
            author, author_id, text, roles = _viewer_line(index)
            key = f"h-end-{host_cycle}"
            host_event = _host(key, index, "stage_end", f"h{host_cycle}", None)
            show.stage.append((f"hostguest{host_cycle}", ts(index - 700), ts(index)))
        else:
            author, author_id, text, roles = _viewer_line(index)
        if index % ANSWER_EVERY == 0 and host_event is None and index > 0:
            host_event = _host(f"h-answer-{index}", index, "answer", author_id, f"c{index:07d}")
        if text.startswith("!"):
            show.commands.append(f"c{index:07d}")
        put(_comment(index, author, author_id, text, roles))
        if host_event is not None:
            show.host_events.append(host_event["id"])
            put(host_event)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return show


if __name__ == "__main__":
    made = write_big_show(Path(sys.argv[1]), int(sys.argv[2]) if len(sys.argv) > 2 else 200_000)
    print(
        f"{made.path}: {made.comments} comments, {len(made.commands)} commands, "
        f"{len(made.host_events)} host events, {len(made.stage)} stage appearances"
    )
