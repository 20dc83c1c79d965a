"""Fixtures shared by every test: the real-chat folder, small transcripts, settings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from stagehand.config import Settings

REPO_ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture
def shared_data() -> Path:
    """The real chat beside the project (../shared/data); tests skip where it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(
            f"real chat data not found at {SHARED_DATA} (it ships beside the repo, not in it)"
        )
    return SHARED_DATA


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Keep every test away from the real user's config, data, token and log directories."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local/share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local/state"))
    monkeypatch.delenv("STAGEHAND_CONFIG", raising=False)
    monkeypatch.delenv("STAGEHAND_DATABASE_PATH", raising=False)
    monkeypatch.chdir(tmp_path_factory.mktemp("cwd"))
    return home


@pytest.fixture
def settings() -> Settings:
    return Settings()


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


@pytest.fixture
def small_show(tmp_path: Path) -> Path:
    """A two-segment show with a greeting, a question, a side reply, host actions and hostile text."""
    return write_jsonl(tmp_path / "synth-night.jsonl", SMALL_SHOW)
