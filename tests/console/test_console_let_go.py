"""A viewer who asks to be forgotten (`!forget confirm`) or opts out (`!optout`) is let go by
every dialog at once (docs/commands.md: "Every screen lets go of you at once"): a reply, a pin
note or a moderation opened on their comment closes, nothing is sent to them from it, and
their text is not on screen after; lists (search results, handled comments) drop their lines.

The real console under Pilot on a replayed show in a real SQLite file, the chat commands on;
the viewer's commands arrive as chat, as they would from the platform.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from conftest import (
    RecordingAdapter,
    actions_done,
    answer_each,
    open_console,
    played,
    screen_text,
    select,
)
from stagehand.config import ConsoleSettings, Settings
from stagehand.console.widgets.queue import QueueView
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.platform import ActionResult

SIZE = (120, 36)
BOB = Author("twitch", "1002", "bob")
ANA = Author("twitch", "1001", "ana")
TROLL = Author("twitch", "1666", "troll")
QUESTION = "which vco should I buy for bass?"
INSULT = "which vco is the worst garbage? you suck"


def at(seconds: int) -> str:
    return f"2026-11-20T19:00:{seconds:02d}Z"


def said(id: str, seconds: int, who: Author, text: str) -> dict:
    return {
        "kind": "comment",
        "id": id,
        "ts": at(seconds),
        "platform": who.platform,
        "author_id": who.id,
        "author": who.name,
        "text": text,
        "roles": [],
    }


def transcript(tmp_path: Path, *lines: dict) -> Path:
    head = {"kind": "segment", "ts": at(0), "title": "Oscillators", "keywords": ["vco"]}
    path = tmp_path / "show.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in (head, *lines)), "utf-8")
    return path


def chat(console, message_id: str, who: Author, text: str) -> None:
    live = console.live
    console.clock.follow(live.now() + timedelta(seconds=1), 0.0)
    live.comment_received(Comment(message_id, who.platform, "synthnight", who, text, live.now()))


def leaves(console, who: Author, how: str) -> None:
    """`who` asks to be forgotten (and confirms), or opts out."""
    if how == "forget":
        chat(console, f"{who.id}-f1", who, "!forget")
        chat(console, f"{who.id}-f2", who, "!forget confirm")
    else:
        chat(console, f"{who.id}-o1", who, "!optout")


def host_actions(console, action: str) -> list[tuple]:
    return (
        console.db()
        .execute("SELECT text, outcome FROM host_actions WHERE action = ?", (action,))
        .fetchall()
    )


def sent(adapter: RecordingAdapter, what: str, message_id: str) -> list[tuple[str, str]]:
    """What the platform was asked to do about `message_id` (the bot answers commands too)."""
    return [c for c in adapter.calls if c[0] == what and c[1].startswith(f"{message_id}:")]


async def settled(console, pilot) -> None:
    await pilot.pause()
    console.app.redraw()
    await pilot.pause()


@pytest.mark.parametrize("how", ["forget", "optout"])
async def test_a_reply_being_typed_to_a_viewer_who_leaves_is_closed_and_never_sent(tmp_path, how):
    twitch = RecordingAdapter("twitch")
    path = transcript(tmp_path, said("q1", 2, BOB, QUESTION), said("q2", 3, ANA, "hi all"))
    console = open_console(tmp_path / "show.db", path, adapters=(twitch,), commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "q1")
        await pilot.press("r", *"thanks bob")
        assert "Reply to bob" in screen_text(console.app)
        leaves(console, BOB, how)
        await settled(console, pilot)
        text = screen_text(console.app)
        assert "Reply to" not in text and QUESTION not in text and "bob" not in text
        assert "The reply to that viewer was closed" in text
        await pilot.press("enter")
        await actions_done(pilot)
        assert sent(twitch, "reply", "q1") == [] and host_actions(console, "reply") == []
        assert QUESTION not in screen_text(console.app)


@pytest.mark.parametrize("how", ["forget", "optout"])
async def test_a_ban_waiting_for_its_yes_is_called_off_when_the_viewer_leaves(tmp_path, how):
    twitch = RecordingAdapter("twitch")
    path = transcript(tmp_path, said("b1", 2, TROLL, INSULT), said("b2", 3, ANA, "hi all"))
    console = open_console(tmp_path / "show.db", path, adapters=(twitch,), commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "b1")
        await pilot.press("m", "3")
        assert "Ban the author" in screen_text(console.app)
        leaves(console, TROLL, how)
        await settled(console, pilot)
        await pilot.press("y")
        await actions_done(pilot)
        await settled(console, pilot)
        assert sent(twitch, "moderate", "b1") == [] and host_actions(console, "moderate") == []
        text = screen_text(console.app)
        assert "troll" not in text and INSULT not in text
        assert "Ban the author" not in text
        assert "The moderation of that viewer was closed" in text


async def test_a_reply_sent_before_the_redraw_that_closes_it_is_not_sent(tmp_path):
    """Enter can arrive between the viewer's `!forget confirm` and the redraw that closes the
    dialog (chat redraws at a bounded rate): the reply is refused then, and says why."""
    twitch = RecordingAdapter("twitch")
    path = transcript(tmp_path, said("q1", 2, BOB, QUESTION), said("q2", 3, ANA, "hi all"))
    slow = Settings(console=ConsoleSettings(redraw_per_second=0.05))  # chat: every 20 s
    console = open_console(
        tmp_path / "show.db", path, adapters=(twitch,), settings=slow, commands=True
    )
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "q1")
        await pilot.press("r", *"thanks bob")
        for timer in console.app._timers:  # the ages' once-a-second redraw: not in between
            if timer.name == "clock":
                timer.pause()
        leaves(console, BOB, "forget")
        assert "Reply to bob" in screen_text(console.app)  # not redrawn yet
        await pilot.press("enter")
        await actions_done(pilot)
        assert sent(twitch, "reply", "q1") == [] and host_actions(console, "reply") == []
        text = screen_text(console.app)
        assert "The reply was not sent: they asked to be forgotten" in text
        assert QUESTION not in text and "bob" not in text


async def test_an_opt_out_closes_the_pin_note_being_typed(tmp_path):
    path = transcript(tmp_path, said("q1", 2, BOB, QUESTION), said("q2", 3, ANA, "hi all"))
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "q1")
        await pilot.press("f", *"ask bob next")
        assert "Pin for the hosts: bob" in screen_text(console.app)
        leaves(console, BOB, "optout")
        await settled(console, pilot)
        await pilot.press("enter")
        await actions_done(pilot)
        assert host_actions(console, "pin") == [] and console.app.state.pins == {}
        text = screen_text(console.app)
        assert QUESTION not in text and "bob" not in text
        assert "The pin of that viewer's comment was closed: they opted out" in text
        assert "The selected comment's author opted out." in text


async def test_search_results_and_the_handled_list_drop_a_viewer_who_leaves(tmp_path):
    path = transcript(
        tmp_path,
        said("q1", 2, BOB, QUESTION),
        said("q2", 3, ANA, "is a vco better than a dco?"),
        said("q3", 4, BOB, "my vco drifts"),
    )
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await answer_each(console, pilot, ("q1", "q2"))
        await pilot.press("l")
        assert "Handled (2)" in screen_text(console.app)
        leaves(console, BOB, "forget")
        await settled(console, pilot)
        text = screen_text(console.app)
        assert "Handled (1)" in text and "ana" in text
        assert "bob" not in text and QUESTION not in text
        await pilot.press("escape")

        assert console.live.flush()
        await pilot.press("slash", *"vco", "enter")
        running = [w for w in console.app.workers if w.group == "search"]
        if running:
            await console.app.workers.wait_for_complete(running)
        await pilot.pause()
        text = screen_text(console.app)
        assert "1 comment found" in text and "ana" in text and "dco" in text  # bob: deleted
        leaves(console, ANA, "optout")
        await settled(console, pilot)
        text = screen_text(console.app)
        assert "0 comments found" in text and "dco" not in text and "ana" not in text
        await pilot.press("enter", "r")  # nothing left to pick: no reply to her opens
        assert "Reply to" not in screen_text(console.app)


async def test_a_reply_to_a_row_of_askers_leaves_out_the_one_who_left(tmp_path):
    twitch = RecordingAdapter("twitch")
    carl = Author("twitch", "1003", "carl")
    path = transcript(tmp_path, said("q1", 2, BOB, QUESTION), said("q2", 3, carl, QUESTION))
    console = open_console(tmp_path / "show.db", path, adapters=(twitch,), commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "q1")
        await pilot.press("r", *"the minimoog")
        leaves(console, carl, "forget")
        await settled(console, pilot)
        assert "Reply to bob" in screen_text(console.app)  # still bob's to answer
        await pilot.press("enter")
        await actions_done(pilot)
        assert sent(twitch, "reply", "q1") == [("reply", "q1:the minimoog")]
        assert host_actions(console, "reply") == [("the minimoog", "ok: twitch: reply done")]


async def test_a_reply_to_a_comment_answered_on_another_console_still_goes_out(tmp_path):
    """Answered elsewhere while its reply is typed: replying to an answered comment is a
    host's own choice (a thank-you after it was answered on air), so the dialog stays."""
    twitch = RecordingAdapter("twitch")
    path = transcript(tmp_path, said("q1", 2, BOB, QUESTION), said("q2", 3, ANA, "hi all"))
    console = open_console(tmp_path / "show.db", path, adapters=(twitch,))
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "q1")
        question = console.app.query_one(QueueView).selected
        await pilot.press("r", *"thanks bob")
        with console.live.acting_as("priya"):
            assert console.live.answer(question.comment).ok
        await settled(console, pilot)
        assert "Reply to bob" in screen_text(console.app)
        await pilot.press("enter")
        await actions_done(pilot)
        assert host_actions(console, "reply") == [("thanks bob", "ok: twitch: reply done")]


async def test_a_ban_from_another_console_does_not_bring_a_forgotten_text_back(tmp_path):
    """The host had the troll's comment selected when they asked to be forgotten; another
    console bans on that comment after: the Selected pane still names no one, quotes nothing."""
    twitch = RecordingAdapter("twitch")
    path = transcript(tmp_path, said("b1", 2, TROLL, INSULT), said("b2", 3, ANA, "hi all"))
    console = open_console(tmp_path / "show.db", path, adapters=(twitch,), commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "b1")
        insult = console.app.query_one(QueueView).selected.comment
        leaves(console, TROLL, "forget")
        await settled(console, pilot)
        assert "The selected comment's author asked to be forgotten." in screen_text(console.app)
        with console.live.acting_as("priya"):
            await console.live.moderate(insult, ModerationKind.BAN)
        await settled(console, pilot)
        text = screen_text(console.app)
        assert "The selected comment's author asked to be forgotten." in text
        assert "troll" not in text and INSULT not in text


@pytest.mark.parametrize("how", ["forget", "optout"])
async def test_a_moderators_segment_stays_listed_but_no_longer_names_them_once_they_leave(
    tmp_path, how
):
    """A moderator's `!segment` is listed in `l` as theirs ("by twitch:mo"); once they opt out
    or ask to be forgotten, the change is still listed (and undoable), by no one, at once, in a
    list open at the time too (the database forgets the name at the same moment)."""
    mo = Author("twitch", "2001", "mo", roles=frozenset({"moderator"}))
    path = transcript(tmp_path, said("q1", 2, ANA, QUESTION))
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        chat(console, "s1", mo, "!segment Filters | cutoff")
        await settled(console, pilot)
        await pilot.press("l")
        text = screen_text(console.app)
        assert "Handled (1)" in text and "new segment" in text and "by twitch:mo" in text
        leaves(console, mo, how)
        await settled(console, pilot)
        text = screen_text(console.app)
        assert "Handled (1)" in text and "new segment" in text and "Filters" in text
        assert "twitch:mo" not in text
        await pilot.press("escape", "l")
        text = screen_text(console.app)
        assert "new segment" in text and "Filters" in text and "twitch:mo" not in text
        await pilot.press("enter")  # still taken back from there
        await actions_done(pilot)
        assert console.live.current_segment.title == "Oscillators"


def notices_open(app) -> str:
    """The notice history (`i`) as drawn: from its title down."""
    text = screen_text(app)
    return text[text.index("Notices (") :]


@pytest.mark.parametrize(
    ("how", "said_as"), [("forget", "a forgotten viewer"), ("optout", "a viewer who opted out")]
)
async def test_the_notice_history_no_longer_names_a_viewer_who_leaves(tmp_path, how, said_as):
    """`i` keeps what happened to a viewer who opted out or asked to be forgotten, said as
    every screen says them; an open history too, at once. Others stay named as they were
    (bobby is not bob)."""
    bobby = Author("twitch", "1004", "bobby")
    path = transcript(
        tmp_path,
        said("q1", 2, BOB, QUESTION),
        said("q2", 3, ANA, "is a vco better than a dco?"),
        said("q3", 4, bobby, "does the vco track 1v/oct?"),
    )
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await answer_each(console, pilot, ("q1", "q2", "q3"))
        await pilot.press("i")
        text = notices_open(console.app)
        assert "Answered bob on air" in text and "Answered bobby on air" in text
        leaves(console, BOB, how)
        await settled(console, pilot)
        text = notices_open(console.app)
        assert f"Answered {said_as} on air" in text
        assert "Answered ana on air" in text and "Answered bobby on air" in text
        assert "bob " not in text and "Answered bob on" not in text
        await pilot.press("escape", "i")
        text = notices_open(console.app)
        assert f"Answered {said_as} on air" in text and "Answered bob on" not in text
        assert "Answered bobby on air" in text


async def test_of_two_viewers_of_one_name_only_the_one_who_left_is_said_anonymous(tmp_path):
    """Two viewers called bob (Twitch and Discord): once the Twitch one opts out, the notice
    about him reads "a viewer who opted out", the one about the Discord bob still names him.
    (Before, reading names in the text, both notices were dropped from the history.)"""
    other_bob = Author("discord", "9002", "bob")
    path = transcript(
        tmp_path,
        said("q1", 2, BOB, QUESTION),
        said("q2", 3, other_bob, "is a vco better than a dco?"),
        said("q3", 4, ANA, "does the vco track 1v/oct?"),
    )
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await answer_each(console, pilot, ("q1", "q2", "q3"))
        leaves(console, BOB, "optout")
        await settled(console, pilot)
        await pilot.press("i")
        text = notices_open(console.app)
        assert "Answered ana on air" in text
        assert text.count("Answered bob on air") == 1  # the Discord bob's
        assert text.count("Answered a viewer who opted out on air") == 1


async def test_viewers_named_like_words_of_the_notices_are_unnamed_only_where_named(tmp_path):
    """Viewers called "hand" and "the", and one called like the topic ("vco"): when they
    leave, the notices that named them say them anonymous there, and nothing else changes:
    "!hand: ok: hand raised" stays (it read "!a forgotten viewer: ok: a forgotten viewer
    raised, #1 in a viewer who opted out queue"), "asked the same" too, and the topic."""
    hand = Author("twitch", "1013", "hand")
    the = Author("twitch", "1014", "the")
    vco = Author("twitch", "1015", "vco")
    path = transcript(
        tmp_path,
        said("q1", 2, the, QUESTION),
        said("q2", 3, ANA, QUESTION),
        said("q3", 4, hand, "does the vco track 1v/oct?"),
        said("q4", 5, vco, "is a vco better than a dco?"),
        said("h1", 6, hand, "!hand"),
    )
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await answer_each(console, pilot, ("q1", "q3", "q4"))  # the and ana asked the same
        await pilot.press("t", "ctrl+u", *"vco tuning", "enter")  # the topic quotes "vco"
        await actions_done(pilot)
        await pilot.press("i")
        text = notices_open(console.app)
        assert "Answered the and 1 other who asked the same on air" in text
        assert "Answered hand on air" in text and "Answered vco on air" in text
        assert "!hand: ok: hand raised, #1 in the queue" in text
        topic = next(n.text for n in console.app.state.notices if n.text.startswith("Topic"))
        assert "vco tuning" in topic
        await pilot.press("escape")
        leaves(console, the, "optout")
        leaves(console, hand, "forget")
        leaves(console, vco, "optout")
        await settled(console, pilot)
        await pilot.press("i")
        text = notices_open(console.app)
        said_so = [n.text for n in console.app.state.notices]
        assert "Answered a viewer who opted out and 1 other who asked the same on air" in text
        assert "Answered a forgotten viewer on air" in text
        assert "Answered a viewer who opted out on air" in text
        assert "!hand: ok: hand raised, #1 in the queue" in said_so
        assert topic in said_so  # the topic as it was set, word for word
        assert "Answered the " not in text and "Answered hand" not in text


async def test_an_undo_no_longer_names_a_viewer_who_leaves(tmp_path):
    """What the show words itself about someone (an undo: "Undid the answer to bob: the
    comment is back in the queue") says "a forgotten viewer" where it named bob once he asks
    to be forgotten; the rest of it stays."""
    path = transcript(tmp_path, said("q1", 2, BOB, QUESTION), said("q2", 3, ANA, "hi all"))
    console = open_console(tmp_path / "show.db", path, commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        select(console.app, "q1")
        await pilot.press("a")
        await actions_done(pilot)
        await pilot.press("u")
        await actions_done(pilot)
        texts = [n.text for n in console.app.state.notices]
        undid = next(t for t in texts if t.startswith("Undid the answer to bob: "))
        leaves(console, BOB, "forget")
        await settled(console, pilot)
        texts = [n.text for n in console.app.state.notices]
        assert undid.replace("to bob:", "to a forgotten viewer:") in texts
        assert not any("bob" in t for t in texts), texts


class NamingRefusal(RecordingAdapter):
    """A platform that refuses the bot's answers with words naming the viewer, as Twitch
    does ("bob has blocked whispers")."""

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        self.calls.append(("reply", f"{comment.id}:{text}"))
        return ActionResult.failed(f"{comment.author.name} cannot be answered here")


@pytest.mark.parametrize(
    ("how", "said_as"), [("forget", "a forgotten viewer"), ("optout", "a viewer who opted out")]
)
async def test_a_command_answer_the_platform_refused_no_longer_names_a_viewer_who_leaves(
    tmp_path, how, said_as
):
    """The warning that the bot could not answer a viewer's command quotes the platform's
    words, which name the viewer: once they leave, the notice history (`i`) says them as
    every screen does there (the platform's words are taken as naming them, all of them: it
    does not say where), and names the others still."""
    path = transcript(tmp_path, said("h1", 2, BOB, "!topic"), said("h2", 3, ANA, "!topic"))
    refusing = NamingRefusal("twitch")
    console = open_console(tmp_path / "show.db", path, adapters=(refusing,), commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        await console.live.drain()
        await settled(console, pilot)
        texts = [n.text for n in console.app.state.notices]
        assert "Could not answer !topic on twitch: bob cannot be answered here" in texts
        leaves(console, BOB, how)
        await console.live.drain()
        await settled(console, pilot)
        await pilot.press("i")
        text = notices_open(console.app)
        lines = [line.rstrip() for line in text.splitlines()]
        assert any(
            line.endswith(f"! Could not answer !topic on twitch: {said_as}") for line in lines
        )
        assert "Could not answer !topic on twitch: ana cannot be answered here" in text
        assert "bob" not in text
        # The answer to their own !optout or !forget confirm, refused after they left,
        # never named them.
        assert not any("bob" in n.text for n in console.app.state.notices)
