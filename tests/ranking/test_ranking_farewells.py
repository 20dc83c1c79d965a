"""Greetings and farewells are never on topic (issue 13, item 7).

The demo show's description names its hosts ("John and Priya build ...") and says what they
build: greeting the hosts or thanking them for "a great build" shares words with it, and must
not put the greeting on topic, nor a wave of farewells at the top of the queue at the end.
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from conftest import make_comment
from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.config.ranking import RankingSettings
from stagehand.console.state import ConsoleState
from stagehand.demo import demo_transcript_path
from stagehand.domain import Segment
from stagehand.ranking.ranker import Ranker
from stagehand.session import open_show
from stagehand.transcript import ShowEvent, read_transcript

DEMO_DESCRIPTION = next(
    event.description
    for event in read_transcript(demo_transcript_path())
    if isinstance(event, ShowEvent)
)
PARTS = Segment(1, "Hello, and the parts pile", ("parts", "breadboard", "soldering"))
ENVELOPE = Segment(4, "Envelope, MIDI and your questions", ("envelope", "ADSR", "MIDI", "arduino"))


@pytest.fixture
def demo_ranker() -> Ranker:
    ranker = Ranker(RankingSettings(), show_description=DEMO_DESCRIPTION)
    ranker.set_segment(PARTS)
    return ranker


@pytest.mark.parametrize(
    "text",
    [
        "hey john hey priya",
        "hey John!!",
        "hey John!! hey chat",
        "hey John!! friday build lets gooo",
    ],
)
def test_greeting_the_hosts_named_in_the_description_is_not_on_topic(
    demo_ranker: Ranker, text: str
) -> None:
    assert "John and Priya" in DEMO_DESCRIPTION
    score = demo_ranker.score(make_comment(text, "reverbqueen"))
    assert "greeting" in score.flags
    assert "topic" not in score.reasons and "on_topic" not in score.flags
    assert score.value <= 0  # under every comment that says something


@pytest.mark.parametrize(
    "text",
    [
        "thanks for having us, great build!",
        "thanks John!! great build",
        "thanks both, great stream",
        "good show. see you next week",
        "thank you so much!! see you next week",
        "thanks john and priya!",
    ],
)
def test_farewells_sink_even_after_the_hosts_answered_praise(
    demo_ranker: Ranker, text: str
) -> None:
    demo_ranker.set_segment(ENVELOPE)
    praise = make_comment("that envelope build was great, the arduino midi part too", "ana")
    demo_ranker.score(praise)
    demo_ranker.feedback(praise, positive=True)  # the hosts answered it on air
    question = demo_ranker.score(
        make_comment("which envelope chip would you use with the arduino?", "ben", seconds=5)
    )
    farewell = demo_ranker.score(make_comment(text, "kiki", seconds=10))
    assert "greeting" in farewell.flags
    assert {"topic", "feedback"}.isdisjoint(farewell.reasons)
    assert farewell.rank_key < question.rank_key


@pytest.mark.parametrize(
    "text", ["thanks, gonna try that", "thanks", "thanks, and how do i wire the envelope?"]
)
def test_a_thanks_inside_a_conversation_is_not_a_farewell(demo_ranker: Ranker, text: str) -> None:
    assert "greeting" not in demo_ranker.score(make_comment(text, "ana")).flags


def test_no_farewell_tops_the_queue_at_the_end_of_the_demo(tmp_path: Path) -> None:
    """The demo played to its end: the queue's top ten are what chat said, not goodbyes."""
    intents = {
        record["id"]: record["intent"]
        for record in map(json.loads, demo_transcript_path().read_text("utf-8").splitlines())
        if record["kind"] == "comment"
    }

    async def play() -> ConsoleState:
        live = open_show(
            Settings(),
            db_path=tmp_path / "demo.db",
            show_name="demo",
            adapters=[ReplayAdapter(demo_transcript_path(), instant=True)],
        )
        state = ConsoleState()
        live.add_listener(state.apply)
        await live.run_adapters()
        assert await live.close()
        return state

    top = asyncio.run(play()).ranked_queue()[:10]
    said = [(intents[r.comment.id], r.comment.shown_text) for r in top]
    assert not [text for intent, text in said if intent == "greeting"], said


@pytest.mark.parametrize(
    "text",
    [
        "buenas noches desde Lima",
        "bom dia pessoal",
        "bonsoir tout le monde",
        "buongiorno a tutti",
        "guten Morgen zusammen",
        "welcome Ada!",
        "hi from the youtube side",
        "first!!",
        "the night shift crew checking in",
    ],
)
def test_a_hello_in_any_of_the_six_languages_or_from_somewhere_is_a_greeting(text: str) -> None:
    ranker = Ranker(RankingSettings(), show_description="A weekly woodworking show")
    ranker.set_segment(Segment(1, "Cutting dovetails", ("dovetail", "saw", "chisel")))
    assert "greeting" in ranker.score(make_comment(text, "viewer")).flags


@pytest.mark.parametrize(
    "text",
    [
        "hi do you sharpen the chisel first",
        "first time here, how do you mark the tails",
        "buenas, qué sierra usas para las colas",
    ],
)
def test_a_hello_that_goes_on_to_ask_is_no_greeting(text: str) -> None:
    ranker = Ranker(RankingSettings(), show_description="A weekly woodworking show")
    ranker.set_segment(Segment(1, "Cutting dovetails", ("dovetail", "saw", "chisel")))
    assert "greeting" not in ranker.score(make_comment(text, "viewer")).flags


@pytest.mark.parametrize(
    "text", ["did i miss the dovetail part", "did we miss Ada", "back! what did I miss?"]
)
def test_catching_up_on_what_was_missed_is_a_hello_not_a_question(text: str) -> None:
    ranker = Ranker(RankingSettings(), show_description="A weekly woodworking show")
    ranker.set_segment(Segment(1, "Cutting dovetails", ("dovetail", "saw", "chisel")))
    score = ranker.score(make_comment(text, "viewer"))
    assert "greeting" in score.flags and "topic" not in score.reasons
