"""`stagehand rank`: the offline API and the click command, on a small transcript."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from stagehand.cli.rank import rank_command
from stagehand.ranking.offline import Judging, rank_transcript

TRANSCRIPT = [
    {"kind": "show", "title": "Friday Night Build", "description": "We build a synth from scratch"},
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Choosing the oscillator",
     "keywords": ["oscillator", "waveform", "VCO"]},
    {"kind": "comment", "id": "c1", "ts": "2026-11-20T19:00:05Z", "author": "synthfan",
     "text": "what waveform is best for bass?"},
    {"kind": "comment", "id": "c2", "ts": "2026-11-20T19:00:06Z", "author": "bob", "text": "Hey John!!"},
    {"kind": "comment", "id": "c3", "ts": "2026-11-20T19:00:07Z", "author": "carl", "text": "LUL LUL LUL"},
    {"kind": "comment", "id": "c4", "ts": "2026-11-20T19:00:08Z", "author": "dan",
     "text": "do oscillators drift when they warm up"},
    {"kind": "host", "ts": "2026-11-20T19:00:30Z", "action": "answer", "comment_id": "c1"},
    {"kind": "segment", "ts": "2026-11-20T19:10:00Z", "title": "Filters", "keywords": ["filter", "resonance"]},
    {"kind": "comment", "id": "c5", "ts": "2026-11-20T19:10:05Z", "author": "eve",
     "text": "\u001b]0;owned\u0007how much resonance before it self-oscillates?"},
    {"kind": "comment", "id": "c6", "ts": "2026-11-20T19:10:06Z", "author": "fay", "text": "gg"},
]  # fmt: skip


@pytest.fixture
def transcript(tmp_path: Path) -> Path:
    path = tmp_path / "show.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in TRANSCRIPT) + "\n", encoding="utf-8")
    return path


def test_each_segment_is_ranked_best_first_with_reasons_that_add_up(transcript: Path) -> None:
    rows = rank_transcript(transcript)
    assert [(r.segment, r.comment.id) for r in rows][:2] == [(1, "c1"), (1, "c4")]
    assert [r.comment.id for r in rows if r.segment == 2] == ["c5", "c6"]
    for row in rows:
        assert sum(row.reasons.values()) == pytest.approx(row.score, abs=1e-3)
    # looked back on as a whole segment: a comment from its first minute keeps its full score
    assert rows[0].score == rows[0].arrival.value and "recency" not in rows[0].reasons
    # the escape sequence never reaches the ranking
    assert rows[[r.comment.id for r in rows].index("c5")].comment.clean_text.startswith("how much")


def test_topic_options_replace_the_segments_topic(transcript: Path) -> None:
    rows = rank_transcript(transcript, Judging(topic="warm-up drift", keywords=["drift"]))
    assert rows[0].comment.id == "c4"


def test_the_python_api_hears_the_hosts_it_is_given(tmp_path: Path) -> None:
    """`rank_transcript(path, Judging(hosts=...))`, as `rank -c` with `[show] hosts`: a viewer's question
    replying to the co-host is put to the show, not chat among viewers."""
    records = [
        {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters",
         "keywords": ["filter", "resonance"]},
        {"kind": "comment", "id": "h1", "ts": "2026-11-20T19:00:01Z", "platform": "twitch",
         "author_id": "9", "author": "cohost", "text": "the resonance knob is the fun one"},
        {"kind": "comment", "id": "q1", "ts": "2026-11-20T19:00:02Z", "platform": "twitch",
         "author_id": "1", "author": "cal", "text": "what filter resonance do you use?",
         "reply_to": "h1"},
    ]  # fmt: skip
    path = tmp_path / "cohost.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    question = next(
        r for r in rank_transcript(path, Judging(hosts=["twitch:cohost"])) if r.comment.id == "q1"
    )
    assert "to_show" in question.reasons and "to_viewer" not in question.reasons


def test_command_prints_json_lines_deterministically(transcript: Path) -> None:
    runner = CliRunner()
    first = runner.invoke(rank_command, [str(transcript)])
    second = runner.invoke(rank_command, [str(transcript), "--format", "jsonl"])
    assert first.exit_code == 0, first.output
    assert first.output == second.output
    lines = [json.loads(line) for line in first.output.splitlines()]
    assert set(lines[0]) == {
        "id", "segment", "score", "reasons", "platform", "author", "author_id", "login", "text",
        "asked_by", "askers", "held"
    }  # fmt: skip
    assert (lines[0]["author"], lines[0]["text"]) == ("synthfan", "what waveform is best for bass?")
    assert lines[0]["askers"] == ["c1"] and lines[0]["asked_by"] == 1
    assert [line["segment"] for line in lines] == [1, 1, 1, 1, 2, 2]
    assert lines[0]["id"] == "c1"


def test_command_table_and_bad_input(transcript: Path, tmp_path: Path) -> None:
    table = CliRunner().invoke(rank_command, [str(transcript), "--format", "table"])
    assert table.exit_code == 0 and "segment 2" in table.output and "\x1b" not in table.output
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"kind": "comment", "id": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(rank_command, [str(bad)])
    assert result.exit_code != 0 and "bad.jsonl:1" in result.output


def test_python_m_stagehand_rank(transcript: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "rank", str(transcript)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout.splitlines()[0])["id"] == "c1"


def test_json_lines_are_safe_to_print_and_give_the_exact_name_back(tmp_path: Path) -> None:
    # A display name with a bidi override (it reorders the rest of the line) and a C1 control
    # (CSI, which some terminals obey): JSON escapes neither unless told to.
    name = "ev\u202eil\u009b2J"
    path = tmp_path / "hostile.jsonl"
    lines = [
        TRANSCRIPT[1],
        {"kind": "comment", "id": "h1", "ts": "2026-11-20T19:00:05Z", "author_id": "u1",
         "author": name, "text": "what waveform is best?"},
    ]  # fmt: skip
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "rank", str(path), "--format", "jsonl"],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "\u202e" not in done.stdout and "\u009b" not in done.stdout
    assert json.loads(done.stdout.splitlines()[0])["author"] == name


MERGED_AND_BOTS = [
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Fresh pasta", "keywords": ["dough"]},
    {"kind": "comment", "id": "q1", "ts": "2026-11-20T19:00:05Z", "author": "ana",
     "text": "can you freeze the ravioli?"},
    {"kind": "comment", "id": "n1", "ts": "2026-11-20T19:00:06Z", "author": "Nightbot",
     "text": "Follow the channel! Recipe with grams: !recipe"},
    {"kind": "comment", "id": "m1", "ts": "2026-11-20T19:00:07Z", "author": "MEE6",
     "platform": "discord", "text": "GG @ana, you just advanced to level 5! dough dough"},
    {"kind": "comment", "id": "q2", "ts": "2026-11-20T19:00:08Z", "author": "ben",
     "text": "can you freeze ravioli?"},
    {"kind": "comment", "id": "c1", "ts": "2026-11-20T19:00:09Z", "author": "cy",
     "text": "!uptime"},
    {"kind": "comment", "id": "d1", "ts": "2026-11-20T19:00:10Z", "author": "dee",
     "text": "the dough looks so smooth"},
]  # fmt: skip


def test_rank_rows_merge_the_same_question_and_never_list_bots_or_commands(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pasta.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in MERGED_AND_BOTS) + "\n", "utf-8")
    result = CliRunner().invoke(rank_command, [str(path)])
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.output.splitlines()]
    rows = {line["id"]: line for line in lines}
    assert set(rows) == {"q1", "d1"}  # no Nightbot, no MEE6, no !uptime; q2 is in q1's row
    asked = rows["q1"]
    assert asked["askers"] == ["q1", "q2"] and asked["asked_by"] == 2
    assert asked["reasons"]["asked_by"] == 1.0
    assert asked["author"] == "ana" and asked["text"] == "can you freeze the ravioli?"
    table = CliRunner().invoke(rank_command, [str(path), "--format", "table"])
    assert "(asked by 2) can you freeze the ravioli?" in table.output


PASTED = [
    {"kind": "segment", "ts": "2026-11-20T19:00:00Z", "title": "Filters", "keywords": ["filter"]},
    *(
        {"kind": "comment", "id": f"p{n}", "ts": f"2026-11-20T19:00:0{n}Z", "author": name,
         "text": "I have NEVER heard a filter that ugly, call the capacitor police right now"}
        for n, name in enumerate(["carl", "dora", "eli"], start=1)
    ),
    {"kind": "comment", "id": "q1", "ts": "2026-11-20T19:00:09Z", "author": "fay",
     "text": "how much resonance before the filter self-oscillates?"},
]  # fmt: skip


def test_a_copypasta_wave_is_one_row_said_to_be_pasted_not_asked(tmp_path: Path) -> None:
    path = tmp_path / "wave.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in PASTED) + "\n", "utf-8")
    lines = CliRunner().invoke(rank_command, [str(path)]).output.splitlines()
    rows = {row["id"]: row for row in map(json.loads, lines)}
    assert set(rows) == {"q1", "p1"}  # the wave is one row, under the question
    assert rows["p1"]["askers"] == ["p1", "p2", "p3"] and "copypasta" in rows["p1"]["reasons"]
    assert lines[0].startswith('{"id": "q1"')
    table = CliRunner().invoke(rank_command, [str(path), "--format", "table"]).output
    assert "(pasted by 3) I have NEVER heard" in table
    assert "asked by" not in table


def rank(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stagehand", "rank", *args],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


ASKED_AGAIN = [
    {"kind": "segment", "ts": "2026-12-01T20:00:00Z", "title": "Filters",
     "keywords": ["filter", "resonance"]},
    *(
        {"kind": "comment", "id": f"q{n}", "ts": f"2026-12-01T20:00:{10 + 5 * n}Z",
         "author": name, "text": "why does resonance self oscillate?"}
        for n, name in enumerate(["ana", "ben", "ana", "cleo", "dev", "eve"])
    ),
]  # fmt: skip


def test_a_question_its_first_asker_asks_again_stays_one_row(tmp_path: Path) -> None:
    """ana, ben, ana again, cleo, dev, eve: one row asked by 5 (ana once), every comment's id
    listed. ana's repeat started a row of its own, and everyone after her joined that one:
    `ana (asked by 4)` above `ana (asked by 2)`, and answering one left the other."""
    path = tmp_path / "sameq.jsonl"
    path.write_text("\n".join(json.dumps(line) for line in ASKED_AGAIN) + "\n", "utf-8")
    done = rank(str(path))
    assert done.returncode == 0, done.stderr
    [row] = [json.loads(line) for line in done.stdout.splitlines()]
    assert row["id"] == "q0" and row["author"] == "ana"
    assert row["asked_by"] == 5 and row["askers"] == ["q0", "q1", "q2", "q3", "q4", "q5"]
    assert row["reasons"]["asked_by"] == 4.0 and "repeat" not in row["reasons"]
    table = rank(str(path), "--format", "table").stdout
    rows = [line for line in table.splitlines() if "why does resonance" in line]
    assert len(rows) == 1 and "ana" in rows[0] and "(asked by 5)" in rows[0]


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (b"", "the file is empty"),
        (b"\n  \n\r\n\n", "it holds no transcript events (only blank lines?)"),
    ],
    ids=["0 bytes", "blank lines"],
)
def test_an_empty_transcript_is_said_to_have_nothing_to_rank(
    tmp_path: Path, content: bytes, why: str
) -> None:
    """A script ranking the wrong (or a not yet written) file hears about it: it printed nothing
    and exited 0, as if every comment had been judged."""
    path = tmp_path / "tonight.jsonl"
    path.write_bytes(content)
    done = rank(str(path))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.splitlines() == [
        f"Error: {path}: nothing to rank: {why}; pass a JSON Lines transcript "
        "(see docs/transcript-format.md)"
    ]


@pytest.mark.parametrize(
    ("option", "value"),
    [("--topic", ""), ("--topic", "   "), ("--keywords", ""), ("--keywords", " , ")],
)
def test_an_empty_topic_or_keyword_list_is_a_usage_error(
    transcript: Path, option: str, value: str
) -> None:
    """`--topic "$TOPIC"` with TOPIC unset: ranking on (against no topic, or each segment's own)
    would look like an answer to the question asked."""
    done = rank(str(transcript), option, value)
    assert done.returncode == 2 and done.stdout == ""
    assert "Usage: " in done.stderr and "Traceback" not in done.stderr
    assert f"Error: Invalid value for '{option}': no " in done.stderr
    assert f"leave {option} out" in done.stderr


def _taught_late(*, wave_at_the_end: bool = False) -> list[dict[str, object]]:
    """Half an hour of chat about nothing, then a segment where a claim about "the game" comes
    before the chat makes the game its word, and the same claim again after. With
    `wave_at_the_end`, more chat follows, and eight viewers chant "KEKW I SPOT IT" at the end."""
    small = [
        "pizza tonight for sure", "my internet is so slow today", "just got home from work",
        "the weather here is awful", "need more coffee", "new keyboard arrived",
        "my dog is snoring", "cant wait for the weekend", "hello from berlin", "so tired lol",
    ]  # fmt: skip
    start = datetime(2026, 11, 20, 18, 30, tzinfo=UTC)
    lines: list[dict[str, object]] = [
        {"kind": "show", "title": "Esports night", "description": "We react to esports clips"},
        {"kind": "segment", "ts": start.isoformat(), "title": "Just chatting", "keywords": []},
    ]
    said = [(f"w{n}", f"early{n}", f"{small[n % 10]} {'!' * (n // 10)}") for n in range(40)]
    lines += [
        {"kind": "comment", "id": cid, "ts": (start + timedelta(seconds=7 * n)).isoformat(),
         "author": author, "text": text}
        for n, (cid, author, text) in enumerate(said)
    ]  # fmt: skip
    segment = datetime(2026, 11, 20, 19, 0, tzinfo=UTC)
    lines.append({"kind": "segment", "ts": segment.isoformat(), "title": "Apex Legends esports",
                  "keywords": ["apex", "esports"]})  # fmt: skip
    said = [
        ("early", "ana", "honestly who even plays this game anymore"),
        ("cat", "bo", "my cat just knocked my drink over"),
        *((f"t{n}", f"fan{n}", text) for n, text in enumerate([
            "apex is a great game", "apex game looks so fun to watch", "this apex game is wild",
            "apex esports the game of the year", "best apex game in weeks",
            "apex game sense on display",
        ])),
        ("late", "cy", "honestly who still plays this game"),
    ]  # fmt: skip
    if wave_at_the_end:
        said.append(("spot", "dee", "wait i can spot it now"))
        said += [(f"m{n}", f"more{n}", f"so tired lol {n}") for n in range(22)]
        said += [(f"k{n}", f"chant{n}", "KEKW I SPOT IT") for n in range(8)]
    lines += [
        {"kind": "comment", "id": cid, "ts": (segment + timedelta(seconds=7 * n)).isoformat(),
         "author": author, "text": text}
        for n, (cid, author, text) in enumerate(said, start=1)
    ]  # fmt: skip
    return lines


def test_rank_judges_a_claim_by_the_words_its_segment_taught_after_it(tmp_path: Path) -> None:
    """Scored on arrival, "who even plays this game" came before the chat made "game" the
    segment's word: off topic, with the cat. Looking back on the segment, `rank` judges it as
    the same claim made later, and says so in its reasons; nothing else moves."""
    path = tmp_path / "apex.jsonl"
    lines = _taught_late()
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    done = rank(str(path), "--format", "jsonl")
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    segment = [row["id"] for row in rows if row["segment"] == 2]
    by_id = {row["id"]: row for row in rows}
    early, late = by_id["early"], by_id["late"]
    assert "learned_topic" in early["reasons"] and "off_topic" not in early["reasons"]
    assert early["score"] == late["score"]
    assert segment.index("early") < segment.index("cat") and segment[-1] == "cat"
    for row in rows:
        assert sum(row["reasons"].values()) == pytest.approx(row["score"], abs=1e-3)
    # The live queue judged it on arrival, and still does: off topic then.
    arrived = {r.comment.id: r for r in rank_transcript(path)}
    assert "off_topic" in arrived["early"].arrival.reasons
    assert all(
        r.score == pytest.approx(r.arrival.value) for i, r in arrived.items() if i != "early"
    )


def test_rank_does_not_judge_a_comment_by_a_wave_that_came_after_it(tmp_path: Path) -> None:
    """What the crowd chants at the end of a segment is that moment's word (the chat reacting to
    what is on screen then), not the segment's: a comment from before it, sharing only that
    word, is not lifted by it looking back. The segment's learned vocabulary still is used."""
    path = tmp_path / "wave.jsonl"
    lines = _taught_late(wave_at_the_end=True)
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n", encoding="utf-8")
    rows = {row.comment.id: row for row in rank_transcript(path)}
    assert rows["spot"].reasons == rows["spot"].arrival.reasons  # off topic, as on arrival
    assert "off_topic" in rows["spot"].reasons
    assert "learned_topic" in rows["early"].reasons
