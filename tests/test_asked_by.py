"""One question asked by several viewers is one queue row, and acting on it acts for every asker
(issue 16, merging): the real pipeline, a real SQLite file, the metrics read from it."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import timedelta
from pathlib import Path

from commands.chat import START, FakePlatform, say, segment, write_transcript
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.console.state import ConsoleState
from stagehand.domain import Author, Comment
from stagehand.events import CommentRanked, CoreEvent
from stagehand.metrics import show_metrics
from stagehand.session import open_show
from stagehand.show.askers import naming_the_others
from stagehand.show.live import LiveShow
from stagehand.store import open_database

SAME_QUESTION = [
    segment("Shaping the loaf", ["shaping", "banneton", "surface tension"]),
    say("q1", "ana", "how long do you proof the dough before shaping?", t=10),
    say("x1", "ben", "the crumb on that last loaf looked great", t=20),
    say("q2", "cleo", "how long should the dough proof before you shape it?", t=30),
    say("o1", "dan", "what flour do you use for the banneton dusting?", t=40),
    say(
        "q3", "eve", "how long do you let the dough proof before shaping", t=50, platform="discord"
    ),
]


async def replayed(tmp_path: Path) -> tuple[LiveShow, list[CoreEvent], dict[str, FakePlatform]]:
    transcript = write_transcript(tmp_path / "show.jsonl", SAME_QUESTION)
    fakes = {name: FakePlatform(name) for name in ("twitch", "discord")}
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="bread",
        adapters=[*fakes.values(), ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    await live.run_adapters()
    return live, events, fakes


def totals(live: LiveShow):
    assert live.flush()
    db = open_database(live.db_path)
    try:
        return show_metrics(db, live.show.name).totals
    finally:
        db.conn.close()


def rows_of(events: list[CoreEvent]) -> ConsoleState:
    state = ConsoleState()
    for event in events:
        state.apply(event)
    return state


async def test_the_same_question_from_three_viewers_is_one_row_above_single_questions(
    tmp_path: Path,
) -> None:
    live, events, _ = await replayed(tmp_path)
    rows = rows_of(events).queue_rows()
    top = rows[0]
    assert [r.comment.id for r in top.askers] == ["q1", "q2", "q3"]  # every asker, first first
    assert top.ranked.comment.id == "q1" and top.asked_by == 3
    assert top.ranked.score.reasons["asked_by"] == 2.0  # risen with N, and `w` says why
    assert len(rows) == 3  # q-row, the other question, the remark
    single = next(r for r in rows if r.ranked.comment.id == "o1")
    assert top.ranked.score.rank_key > single.ranked.score.rank_key
    await live.close()


async def test_answering_the_row_answers_every_asker_and_one_undo_takes_it_back(
    tmp_path: Path,
) -> None:
    live, events, _ = await replayed(tmp_path)
    row = rows_of(events).queue_rows()[0]
    result = live.answer(row.ranked.comment, also=[r.comment for r in row.others])
    assert result.ok and "ana and 2 others who asked the same" in result.message
    assert rows_of(events).queue_rows()[0].ranked.comment.id != "q1"  # the whole row left

    answered = totals(live)
    assert answered.answered == 3 and answered.answered_on_topic_questions == 3  # each asker

    undone = await live.undo(result.key)
    assert undone.ok and "2 other askers" in undone.message
    assert rows_of(events).queue_rows()[0].asked_by == 3  # the row is back, whole
    assert totals(live).answered == 0
    await live.close()
    db = sqlite3.connect(tmp_path / "show.db")
    undos = db.execute("SELECT count(*) FROM host_actions WHERE action = 'undo'").fetchone()[0]
    assert undos == 3  # one per answer: the log stays exact


async def test_a_reply_to_the_row_reaches_every_asker_once_per_platform(tmp_path: Path) -> None:
    live, events, fakes = await replayed(tmp_path)
    row = rows_of(events).queue_rows()[0]
    result = await live.reply(
        row.ranked.comment, "about 3 hours", also=[r.comment for r in row.others]
    )
    assert result.ok
    twitch = [(s.to, s.text) for s in fakes["twitch"].sent if s.kind == "reply"]
    discord = [(s.to, s.text) for s in fakes["discord"].sent if s.kind == "reply"]
    assert twitch == [("q1", "@cleo about 3 hours")]  # threaded to the first, naming the other
    assert discord == [("q3", "about 3 hours")]
    await live.close()
    db = sqlite3.connect(tmp_path / "show.db")
    replied = db.execute(
        "SELECT comments.message_id FROM host_actions JOIN comments ON comments.id = comment_id"
        " WHERE action = 'reply' ORDER BY comments.message_id"
    ).fetchall()
    assert replied == [("q1",), ("q2",), ("q3",)]


async def test_bringing_the_row_on_stage_invites_every_asker(tmp_path: Path) -> None:
    live, events, fakes = await replayed(tmp_path)
    row = rows_of(events).queue_rows()[0]
    result = await live.pull_on_stage(row.ranked.comment, also=[r.comment for r in row.others])
    assert result.ok
    assert sorted(s.author.name for s in live.on_stage) == ["ana", "cleo", "eve"]
    invited = [s.to for fake in fakes.values() for s in fake.sent if s.kind == "invite"]
    assert sorted(invited) == ["ana", "cleo", "eve"]  # each through their own platform
    undone = await live.undo(result.key)
    assert undone.ok and live.on_stage == ()
    await live.close()


GUEST_SHOW = [
    segment("Noor on making Lanternfall", ["lanternfall", "solo dev"]),
    say("g1", "noorhaddad_dev", "hi chat!! so nice to be here", t=5, display_name="NoorHaddad"),
    say("b1", "pat", "didn't you use to run a studio yourself, how did that end?", t=20),
    say("n1", "ola", "noor how many hours a day were you working on it", t=30),
    say("r1", "kim", "how cold does the lighthouse room get", t=40, reply_to="g1"),
]


async def test_a_guest_on_stage_lifts_the_comments_naming_or_replying_to_them(
    tmp_path: Path,
) -> None:
    """Issue 16: while the guest is on stage, naming them or replying to them rises."""
    stage = {
        "kind": "host",
        "ts": "2026-11-20T19:00:10Z",
        "action": "stage_start",
        "comment_id": "g1",
        "platform": "twitch",
        "author_id": "id-noorhaddad_dev",
    }
    transcript = write_transcript(
        tmp_path / "show.jsonl", [*GUEST_SHOW[:2], stage, *GUEST_SHOW[2:]]
    )
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="ama",
        adapters=[ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    await live.run_adapters()
    rows = {r.ranked.comment.id: r.ranked.score for r in rows_of(events).queue_rows()}
    assert rows["n1"].reasons["guest"] > 0 and rows["r1"].reasons["guest"] > 0
    assert "guest" not in rows["b1"].reasons
    assert rows["n1"].value > rows["b1"].value and rows["r1"].value > rows["b1"].value
    await live.close()


ASKED_AGAIN = [
    segment("Filters", ["filter", "resonance"]),
    *(
        say(f"q{n}", name, "why does resonance self oscillate?", t=10 + 5 * n)
        for n, name in enumerate(["ana", "ben", "ana", "cleo", "dev", "eve"])
    ),
]


async def test_a_question_its_first_asker_asks_again_is_one_row_and_one_answer_for_all(
    tmp_path: Path,
) -> None:
    """ana, ben, ana again, cleo, dev, eve: one row asked by 5. ana's repeat started a row of its
    own that cleo, dev and eve joined, and `a` answered one of the two rows."""
    transcript = write_transcript(tmp_path / "show.jsonl", ASKED_AGAIN)
    twitch = FakePlatform("twitch")
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="filters",
        adapters=[twitch, ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    await live.run_adapters()
    [row] = rows_of(events).queue_rows()
    assert row.ranked.comment.id == "q0" and row.asked_by == 5
    assert [r.comment.id for r in row.askers] == ["q0", "q1", "q2", "q3", "q4", "q5"]
    assert row.ranked.score.reasons["asked_by"] == 4.0  # ana counts once

    reply = await live.reply(row.ranked.comment, "feedback", also=[r.comment for r in row.others])
    assert reply.ok
    assert twitch.answers() == ["@ben @cleo @dev @eve feedback"]  # ana is not named to herself

    result = live.answer(row.ranked.comment, also=[r.comment for r in row.others])
    assert result.message == "Answered ana and 4 others who asked the same on air"
    assert rows_of(events).queue_rows() == []  # nothing of the question is left behind
    assert totals(live).answered == 6  # each comment answered, as each is logged

    undone = await live.undo(result.key)
    assert undone.ok and undone.message.endswith("(and for 4 other askers)")
    assert [r.asked_by for r in rows_of(events).queue_rows()] == [5]
    await live.close()


async def _scored(live: LiveShow, events: list[CoreEvent], comment_id: str) -> None:
    for _ in range(200):
        if any(isinstance(e, CommentRanked) and e.ranked.comment.id == comment_id for e in events):
            return
        await asyncio.sleep(0.01)
    raise AssertionError(f"{comment_id} was never ranked")


async def test_a_topic_edit_or_an_undone_segment_change_keeps_the_question_one_row(
    tmp_path: Path,
) -> None:
    """The busy show's "asked by 33", "asked by 11" and "asked by 22" rows of one question:
    editing the live segment's topic (`t`, a moderator's `!topic`), or moving to the next segment
    and undoing it, forgot the segment's questions, and every asker after started a new row."""
    transcript = write_transcript(tmp_path / "show.jsonl", ASKED_AGAIN[:3])  # ana, ben
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="filters",
        adapters=[ReplayAdapter(transcript, instant=True)],
        commands=False,
    )
    events: list[CoreEvent] = []
    live.add_listener(events.append)
    await live.run_adapters()
    assert [r.asked_by for r in rows_of(events).queue_rows()] == [2]

    def ask(comment_id: str, name: str, seconds: int) -> Comment:
        author = Author("twitch", f"id-{name}", name)
        when = START + timedelta(seconds=seconds)
        text = "why does resonance self oscillate?"
        return Comment(comment_id, "twitch", "synthnight", author, text, when)

    assert live.edit_topic("Filters and feedback", ["filter", "resonance", "feedback"]).ok
    live.comment_received(ask("q3", "cleo", 60))
    await _scored(live, events, "q3")
    assert [r.asked_by for r in rows_of(events).queue_rows()] == [3]
    moved = live.next_segment()
    assert moved.ok and (await live.undo(moved.key)).ok
    live.comment_received(ask("q4", "dev", 90))
    await _scored(live, events, "q4")
    [row] = rows_of(events).queue_rows()
    assert row.ranked.comment.id == "q0" and row.asked_by == 4
    await live.close()


def test_a_reply_names_a_few_askers_none_of_many_and_never_past_500_characters() -> None:
    """A reply to a row pings at most five other askers: with more it names none (thirty
    @-names read as spam; it is threaded to the first asker), and the names never push the
    message past 500 characters (Twitch's limit): the host's words are kept whole."""

    def row(count: int, name: str = "viewer") -> list[Comment]:
        return [
            Comment(f"c{n}", "twitch", "ch", Author("twitch", str(n), f"{name}{n}"), "q", START)
            for n in range(count)
        ]

    six = row(6)
    assert naming_the_others("thanks", six[0], six[1:]) == (
        "@viewer1 @viewer2 @viewer3 @viewer4 @viewer5 thanks",
        0,
    )
    seven = row(7)
    assert naming_the_others("thanks", seven[0], seven[1:]) == ("thanks", 6)
    long_names = row(6, "a_rather_long_viewer_name_number_")
    text = "x" * 400
    sent, unnamed = naming_the_others(text, long_names[0], long_names[1:])
    assert len(sent) <= 500 and sent.endswith(text) and unnamed == 5 - sent.count("@")


def test_a_youtube_reply_keeps_the_hosts_words_whole_within_its_200_characters() -> None:
    """YouTube takes 200 characters and the adapter puts the first asker's @handle in front:
    names added up to Twitch's 500 made YouTube cut the host's own words (found by the last
    read: a 161-character answer ended "...so we sort them…")."""
    from stagehand.adapters.youtube.actions import addressed
    from stagehand.adapters.youtube.limits import MAX_MESSAGE_CHARS, fit_message

    row = [
        Comment(
            f"y{n}",
            "youtube",
            "ch",
            Author("youtube", f"UC{n}", f"viewer_handle_{n:06d}"),
            "q",
            START,
        )
        for n in range(6)
    ]
    text = (
        "Great question, all of you: we measure every filter on the scope first, then by ear, and "
    )
    text += "only then do we sort them into the ones we keep."
    sent, _ = naming_the_others(text, row[0], row[1:])
    posted = fit_message(addressed(row[0].author, sent))
    assert len(posted) <= MAX_MESSAGE_CHARS
    assert posted.endswith(text)
