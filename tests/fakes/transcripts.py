"""Small transcripts for tests, written to tmp files as JSON Lines."""

from __future__ import annotations

import json
from pathlib import Path


def write_jsonl(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    return path


SMALL_SHOW = [
    {
        "kind": "show",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Synth Night",
        "description": "We build an analog synthesizer live",
    },
    {
        "kind": "segment",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Oscillators",
        "keywords": ["oscillator", "waveform", "VCO"],
    },
    {
        "kind": "comment",
        "id": "m1",
        "ts": "2026-11-20T19:00:05Z",
        "platform": "twitch",
        "channel": "synthnight",
        "author_id": "101",
        "author": "ana",
        "text": "hi everyone!!",
        "roles": [],
        "reply_to": None,
    },
    {
        "kind": "comment",
        "id": "m2",
        "ts": "2026-11-20T19:00:20Z",
        "platform": "twitch",
        "channel": "synthnight",
        "author_id": "102",
        "author": "ben",
        "text": "which waveform makes the fattest bass, saw or square?",
        "roles": ["subscriber"],
        "reply_to": None,
    },
    {
        "kind": "comment",
        "id": "m3",
        "ts": "2026-11-20T19:00:31Z",
        "platform": "discord",
        "channel": "show-chat",
        "author_id": "9001",
        "author": "cleo",
        "display_name": "Cleo",
        "text": "@ana hey! long time",
        "roles": ["member"],
        "reply_to": "m1",
    },
    {
        "kind": "host",
        "ts": "2026-11-20T19:01:10Z",
        "action": "answer",
        "comment_id": "m2",
        "author_id": "102",
        "text": "",
    },
    {
        "kind": "segment",
        "ts": "2026-11-20T19:05:00Z",
        "title": "Filters",
        "keywords": ["filter", "cutoff", "resonance"],
    },
    {
        "kind": "comment",
        "id": "m4",
        "ts": "2026-11-20T19:05:30Z",
        "platform": "twitch",
        "channel": "synthnight",
        "author_id": "102",
        "author": "ben",
        "text": "how do you stop the resonance from screaming",
        "roles": ["subscriber"],
        "reply_to": None,
    },
    {
        "kind": "host",
        "ts": "2026-11-20T19:06:00Z",
        "action": "stage_start",
        "comment_id": "m4",
        "author_id": "102",
        "text": "",
    },
    {
        "kind": "comment",
        "id": "m5",
        "ts": "2026-11-20T19:06:30Z",
        "platform": "twitch",
        "channel": "synthnight",
        "author_id": "103",
        "author": "dev",
        "text": "[@click=app.quit]x[/] \u001b[2J\u202eevil",
        "roles": [],
        "reply_to": None,
    },
    {
        "kind": "host",
        "ts": "2026-11-20T19:08:00Z",
        "action": "stage_end",
        "comment_id": None,
        "author_id": "102",
        "text": "",
    },
    {
        "kind": "host",
        "ts": "2026-11-20T19:08:10Z",
        "action": "reply",
        "comment_id": "m3",
        "author_id": "9001",
        "text": "welcome back Cleo",
    },
]
