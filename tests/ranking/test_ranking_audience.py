"""Who a comment speaks to, and what the platform made of it (issue 16): questions put to the
show, a guest on stage, paid highlights, bots, the same question asked again."""

from __future__ import annotations

import pytest

from conftest import START, make_comment
from stagehand.config.ranking import RankingSettings
from stagehand.domain import Author, Highlight, HighlightKind, RankedComment, Segment
from stagehand.ranking.bots import BotAccounts
from stagehand.ranking.queue_order import merge_askers
from stagehand.ranking.ranker import Ranker
from stagehand.ranking.same_question import SameQuestions
from stagehand.ranking.text import split_words

BREAD = Segment(1, "Feeding the starter", ("starter", "feeding", "hydration"), START)


@pytest.fixture
def bread(ranker: Ranker) -> Ranker:
    ranker.set_segment(BREAD)
    return ranker


def test_a_question_put_to_the_hosts_in_another_language_rises_above_chat(bread: Ranker) -> None:
    question = "vocês usam água filtrada ou da torneira"
    in_a_channel = bread.score(make_comment(question, "ray"))
    assert "to_show" not in in_a_channel.flags  # no hosts yet: "you" is anyone in the channel
    bread.add_hosts(["fridaybuild"])
    asked = bread.score(make_comment(question, "rui", seconds=1))
    chatter = bread.score(make_comment("my cat just knocked over my coffee", "kim", seconds=2))
    assert {"question", "to_show"} <= asked.flags and asked.reasons["to_show"] > 0
    assert asked.value > chatter.value + 2.0
    # `w` stays honest: no topic points were invented for it
    assert "topic" not in asked.reasons


def test_a_question_to_the_chat_is_not_put_to_the_show(bread: Ranker) -> None:
    score = bread.score(make_comment("alguien sabe a qué hora termina", "lu"))
    assert "to_chat" in score.flags and "to_show" not in score.flags


def test_naming_or_replying_to_the_guest_rises_while_they_are_on_stage(bread: Ranker) -> None:
    guest = Author("twitch", "dana-id", "dana_bakes", "Dana Whitfield")
    said = make_comment("rye takes longer in my experience", "dana_bakes")
    said = said.__class__(**{**_fields(said), "author": guest})
    bread.score(said)
    banter = "didn't you use to run a bakery yourself?"
    before = bread.score(make_comment("dana what rye do you feed it", "ola", seconds=5))
    bread.set_on_stage(guest.key, True, names=(guest.name, guest.display_name))
    named = bread.score(make_comment("dana what rye do you feed it", "ola2", seconds=6))
    replied = bread.score(make_comment("how cold is too cold", "ola3", seconds=7, reply_to=said.id))
    host_banter = bread.score(make_comment(banter, "pat", seconds=8))
    assert "guest" not in before.reasons
    assert named.reasons["guest"] > 0 and "to_guest" in named.flags
    assert "to_chat" not in named.flags and "side_chatter" not in named.flags
    assert replied.reasons["guest"] > 0 and "to_chat" not in replied.flags
    assert named.value > host_banter.value and replied.value > host_banter.value
    bread.set_on_stage(guest.key, False)
    after = bread.score(make_comment("dana what rye do you feed it", "ola4", seconds=9))
    assert "guest" not in after.reasons


def _fields(comment):
    return {name: getattr(comment, name) for name in comment.__dataclass_fields__}


@pytest.mark.parametrize(
    ("highlight", "points"),
    [
        (Highlight(HighlightKind.CHANNEL_POINTS), 1.5),
        (Highlight(HighlightKind.BITS, 100, "bits", "100 bits"), 1.5),
        (Highlight(HighlightKind.BITS, 10_000, "bits", "10000 bits"), 2.25),
        (Highlight(HighlightKind.SUPER_CHAT, 5.0, "USD", "$5.00"), 1.5 * 1.1747),
        (Highlight(HighlightKind.MEMBERSHIP), 0.75),
    ],
)
def test_a_highlighted_comment_is_lifted_and_says_so(
    bread: Ranker, highlight: Highlight, points: float
) -> None:
    plain = bread.score(make_comment("love the crumb on this one", "ivy"))
    lifted = make_comment("the oven spring on that loaf", "ivo", seconds=1)
    lifted = lifted.__class__(**{**_fields(lifted), "highlight": highlight})
    score = bread.score(lifted)
    assert "highlight" in score.flags
    assert score.reasons["highlight"] == pytest.approx(points, abs=1e-3)
    assert score.value > plain.value


def test_the_same_question_from_another_viewer_points_to_the_first(bread: Ranker) -> None:
    first = bread.score(make_comment("how often do you feed the starter in summer?", "a"))
    again = make_comment("in summer how often should you feed your starter", "b", seconds=20)
    second = bread.score(again)
    mine = bread.score(make_comment("how often do you feed the starter in summer", "a", seconds=30))
    other = bread.score(make_comment("what hydration is your starter at?", "c", seconds=40))
    assert first.same_as is None
    assert second.same_as == ("twitch", _id_of(bread, "a")) and "same_question" in second.flags
    # The same author again is a repeat, not a second asker: in the question's row (or it
    # would be a row of its own, and later askers joined that one), counted once there.
    assert mine.same_as == second.same_as and "same_question" not in mine.flags
    assert "repeat" in mine.flags
    assert other.same_as is None  # shares only the segment's own words: another question


def test_questions_sharing_their_words_but_asking_for_another_answer_stay_apart(
    ranker: Ranker,
) -> None:
    """Answering a merged row answers every asker: two questions that ask which, and why, about
    the same thing are two rows, or one of them is closed unanswered."""
    ranker.set_segment(Segment(1, "Filters", ("filter", "cutoff", "resonance"), START))
    which = ranker.score(make_comment("which capacitor do you use in the filter?", "ana"))
    why = ranker.score(
        make_comment("why does the capacitor on the filter get hot?", "ben", seconds=10)
    )
    again = ranker.score(
        make_comment("hey why is the capacitor on the filter so hot?", "cy", seconds=20)
    )
    long = ranker.score(
        make_comment("how long do you let the filter caps settle", "dee", seconds=30)
    )
    how = ranker.score(make_comment("how do you let the filter caps settle", "eve", seconds=40))
    assert which.same_as is None and why.same_as is None
    assert again.same_as == ("twitch", _id_of(ranker, "ben"))  # why and why: the same question
    assert how.same_as is None and long.same_as is None  # how long, and how: not the same
    # in the other languages too: "por que" asks why, "qual" asks which
    ranker.set_segment(Segment(2, "A massa", ("massa", "farinha"), START))
    qual = ranker.score(make_comment("qual farinha deixa a massa elástica?", "fia", seconds=50))
    por_que = ranker.score(
        make_comment("por que a farinha deixa a massa elástica?", "gil", seconds=60)
    )
    assert qual.same_as is None and por_que.same_as is None


def _id_of(ranker: Ranker, author: str) -> str:
    return next(a.key[1] for a in ranker._same._asked if a.author == f"twitch:{author}")


def test_a_question_copied_by_a_few_viewers_is_asked_by_them_by_many_a_wave(
    bread: Ranker,
) -> None:
    """Four viewers posting the identical question (on four platforms, say) asked it: one row
    "asked by 4", lifted, not a copypasta sunk under everything. From the sixth copy it is a
    wave, and the whole row says so: sunk, "pasted by N"."""
    text = "does the water matter, bottled or straight from the sink?"
    first = make_comment(text, "a")
    scored = [RankedComment(first, bread.score(first), 1)]
    for n, author in enumerate(["b", "c", "d"], start=1):
        asked = make_comment(text, author, seconds=5 * n)
        scored.append(RankedComment(asked, bread.score(asked), 1))
    assert not any("copypasta" in r.score.flags for r in scored)
    assert all("same_question" in r.score.flags for r in scored[1:])
    assert all(r.score.same_as == ("twitch", first.id) for r in scored[1:])
    [row] = merge_askers(scored, half_life=600)
    assert row.ranked.comment.id == first.id and row.asked_by == 4
    assert row.ranked.score.reasons["asked_by"] == 3.0 and "copypasta" not in row.ranked.score.flags
    assert row.ranked.score.value > scored[0].score.value + 2.0  # the most asked rises
    for n, author in enumerate(["e", "f", "g"], start=4):
        pasted = make_comment(text, author, seconds=5 * n)
        scored.append(RankedComment(pasted, bread.score(pasted), 1))
    assert "copypasta" not in scored[4].score.flags  # the fifth copier still asks it
    assert all("copypasta" in r.score.flags for r in scored[5:])  # six copies: a wave
    assert all(r.score.same_as == ("twitch", first.id) for r in scored[1:])
    [row] = merge_askers(scored, half_life=600)
    assert row.asked_by == 7 and "copypasta" in row.ranked.score.flags
    assert (
        row.ranked.score.reasons["copypasta"] == -3.0 and "asked_by" not in row.ranked.score.reasons
    )
    assert row.ranked.score.value < scored[0].score.value - 2.0  # the wave sinks its start


def test_a_question_sharing_words_with_a_paste_wave_is_not_swallowed_by_it(ranker: Ranker) -> None:
    """A real question about the synth filter, while 30 viewers paste a question about the synth
    filter: answering or dismissing the wave's row would have taken the real question with it."""
    ranker.set_segment(Segment(1, "Synths", ("synth", "filter"), START))
    wave = "what synth filter should I buy? copy this if you agree the filter is the best part!!"
    for n in range(8):
        ranker.score(make_comment(wave, f"paster{n}", seconds=n))
    real = ranker.score(make_comment("which synth filter do you like best?", "asker", seconds=9))
    pasted = ranker.score(make_comment(wave, "paster9", seconds=10))
    assert real.same_as is None and "same_question" not in real.flags
    assert "copypasta" in pasted.flags and pasted.same_as is not None  # the wave stays one row


def test_questions_sharing_a_noun_pair_but_not_what_they_ask_stay_apart(ranker: Ranker) -> None:
    """They share "printer driver"; one asks whether markup is shown, the other why a driver
    fails. A short question is not the same as a long one it only shares a few words with."""
    ranker.set_segment(Segment(1, "Printers", ("printer", "driver"), START))
    ranker.score(
        make_comment("[bold red]x[/] is this markup shown as bold? printer driver question", "mal")
    )
    why = ranker.score(make_comment("RED printer why does my driver fail?", "ansi", seconds=5))
    assert why.same_as is None and "same_question" not in why.flags
    # the pairs the rule merges still merge
    dough = Segment(2, "Proofing", ("dough", "proof"), START)
    ranker.set_segment(dough)
    first = ranker.score(make_comment("how long do you proof the dough", "ana", seconds=10))
    again = ranker.score(make_comment("how long should the dough proof", "ben", seconds=20))
    assert first.same_as is None and "same_question" in again.flags
    engine = ranker.score(make_comment("what engine did you use?", "cy", seconds=30))
    more = ranker.score(make_comment("what engine did you use for it", "dee", seconds=40))
    assert engine.same_as is None and "same_question" in more.flags


def test_a_viewer_asking_again_after_the_recent_texts_moved_on_joins_their_first_row() -> None:
    """xqcow's chat: the same viewer's "@xqcow wondering about catherine part 3??" 76 s later,
    400 lines of chat in between, was a second row with a full score (the report listed it
    twice): their own question again is a repeat in the first row, however far back."""
    small = RankingSettings().model_copy(deep=True)
    small.spam.recent_texts = 10  # the ring a busy chat fills in seconds
    ranker = Ranker(small)
    ranker.set_segment(Segment(1, "Catherine", ("catherine", "game"), START))
    text = "@xqcow wondering about catherine part 3??not asking to play it just wanna know"
    first = ranker.score(make_comment(text, "zinger", channel="xqcow"))
    for n in range(12):
        chat = make_comment(f"chat line number {n} about nothing much", f"v{n}", seconds=n)
        ranker.score(chat)
    again = ranker.score(make_comment(text, "zinger", seconds=76, channel="xqcow"))
    assert first.same_as is None
    assert again.same_as is not None and again.same_as[1] == _id_of(ranker, "zinger")
    assert "repeat" in again.flags and "same_question" not in again.flags
    assert again.value < first.value - 1.0
    # their other question, sharing words with the first, is another question
    other = ranker.score(
        make_comment(
            "@xqcow will catherine part 3 be on pc?", "zinger", seconds=80, channel="xqcow"
        )
    )
    assert other.same_as is None


def test_a_pasted_question_one_of_its_pasters_asks_again_stays_one_row(ranker: Ranker) -> None:
    """A long question pasted around, one paster posting it again, more pasting after: one row.
    The repeat recorded itself as the text's first post, so the pastes after it made a second row
    of the wave (the busy show's "how does the ladder filter resonance work?", 22 and 60)."""
    text = "how does the ladder filter resonance work in that patch?"
    scored = []
    for n, author in enumerate(["ana", "ben", "cy", "ben", "dee", "eve"]):
        said = make_comment(text, author, seconds=5 * n)
        scored.append(RankedComment(said, ranker.score(said), 1))
    assert "repeat" in scored[3].score.flags  # ben again
    [row] = merge_askers(scored, half_life=600)
    assert row.ranked.comment.id == scored[0].comment.id
    assert row.asked_by == 5 and len(row.askers) == 6


def test_a_new_segment_starts_with_no_questions_asked() -> None:
    same = SameQuestions()
    content = split_words("how long do you proof the dough").content
    same.remember(("twitch", "1"), "a", content, "how long do you proof the dough")
    assert same.find(content, "b") == ("twitch", "1")
    same.clear()
    assert same.find(content, "b") is None


def test_a_wave_of_pastes_takes_only_its_own_text_not_a_question_sharing_its_words() -> None:
    same = SameQuestions()
    text = "how long do you proof the dough"
    words = split_words(text)
    same.remember(("twitch", "1"), "a", words.content, text, tokens=frozenset(words.tokens))
    asked = split_words("how long should the dough proof")
    assert same.find(asked.content, "b", tokens=frozenset(asked.tokens)) == ("twitch", "1")
    same.wave(("twitch", "1"))  # pasted on by many: a wave now
    assert same.find(asked.content, "b", tokens=frozenset(asked.tokens)) is None
    assert same.find(words.content, "c", same_text=text) == ("twitch", "1")  # a paste of it


def test_bots_are_known_by_name_on_any_platform_or_on_one() -> None:
    bots = BotAccounts(["mee6", "twitch:helperbot"])
    assert bots.is_bot(Author("discord", "1", "MEE6"))
    assert bots.is_bot(Author("twitch", "2", "helperbot"))
    assert not bots.is_bot(Author("discord", "3", "helperbot"))


def test_a_question_about_the_broadcast_gets_no_lift_for_being_put_to_the_show(
    bread: Ranker,
) -> None:
    bread.add_hosts(["fridaybuild"])
    meta = bread.score(make_comment("which microphone are you using, sounds warm", "ana"))
    real = bread.score(make_comment("do you ever leave it out overnight", "ben", seconds=1))
    assert "to_show" not in meta.flags and "about_broadcast" in meta.flags
    assert real.value > meta.value + 2.0
    vod = bread.score(make_comment("will there be a vod of this one", "dee", seconds=2))
    assert "about_broadcast" in vod.flags and "to_show" not in vod.flags
    # a segment about the setup: there the same question is the topic
    bread.set_segment(Segment(2, "Q&A: the streaming setup", ("lights", "desk"), START))
    on_topic = bread.score(make_comment("which microphone are you using, sounds warm", "cy"))
    assert "to_show" in on_topic.flags and "about_broadcast" not in on_topic.flags


def test_in_a_show_a_viewer_telling_another_viewer_about_the_topic_ranks_under_questions(
    bread: Ranker,
) -> None:
    remark = "@kim_k the starter doubled already, feeding next"
    in_a_channel = bread.score(make_comment(remark, "lee"))
    assert "to_viewer" not in in_a_channel.reasons  # a help channel: viewers are the show
    bread.add_hosts(["fridaybuild"])
    bread.score(make_comment("is it bubbly yet", "kim_k", seconds=1))
    told = bread.score(make_comment(remark, "lee2", seconds=2))
    asked = bread.score(make_comment("how warm does the kitchen need to be", "mo", seconds=3))
    assert told.reasons["to_viewer"] < 0 and "to_chat" in told.flags
    assert told.value < in_a_channel.value
    assert asked.value > told.value


@pytest.mark.parametrize(
    "text",
    [
        "could you bake a rye loaf next week",
        "¿la próxima vez pueden hacer focaccia?",
        "some day a panettone?",
    ],
)
def test_a_request_for_a_later_show_gets_no_lift_for_being_put_to_the_show(
    bread: Ranker, text: str
) -> None:
    bread.add_hosts(["fridaybuild"])
    later = bread.score(make_comment(text, "ana"))
    now = bread.score(make_comment("could you show how thick it gets", "ben", seconds=1))
    assert "for_later" in later.flags and "to_show" not in later.flags
    assert now.value > later.value + 2.0


def test_a_remark_to_another_viewer_keeps_half_of_what_the_hosts_answers_taught_too(
    bread: Ranker,
) -> None:
    bread.add_hosts(["fridaybuild"])
    answered = make_comment("does rye flour make it rise faster", "ana")
    bread.score(answered)
    bread.feedback(answered, positive=True)
    bread.score(make_comment("mine never rises", "kim_k", seconds=1))
    told = bread.score(make_comment("@kim_k rye flour makes it rise faster", "lee", seconds=2))
    topical = ("topic", "learned_topic", "thread", "feedback")
    gained = sum(told.reasons.get(name, 0.0) for name in topical)
    assert told.reasons["feedback"] > 0
    assert told.reasons["to_viewer"] == pytest.approx(-0.5 * gained, abs=1e-3)


def test_in_a_show_a_question_to_the_hosts_outranks_an_on_topic_remark_to_the_room(
    bread: Ranker,
) -> None:
    """The queue is for what the hosts take on air: in a show a remark keeps only part of its
    topic; in a channel without hosts (a help channel) it keeps all of it."""
    in_a_channel = bread.score(make_comment("my starter doubled overnight", "kim"))
    assert in_a_channel.reasons["topic"] > 0 and "remark" not in in_a_channel.reasons
    bread.add_hosts(["fridaybuild"])
    remark = bread.score(make_comment("the starter smells so yeasty today", "lee", seconds=1))
    question = bread.score(make_comment("why not just use rye instead", "ana", seconds=2))
    assert remark.reasons["topic"] > 0 and "question" not in remark.flags
    assert remark.reasons["remark"] == pytest.approx(-0.3 * remark.reasons["topic"], abs=1e-3)
    assert "topic" not in question.reasons and "to_show" in question.flags
    assert question.value > remark.value
