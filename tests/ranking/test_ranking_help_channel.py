"""A help channel (no hosts): its conversations are the show, and the show's description is
every conversation's subject, not the segment's (docs/ranking.md, "Seventeenth sitting" and
"Nineteenth sitting")."""

from __future__ import annotations

import pytest

from conftest import START, make_comment
from stagehand.config.ranking import RankingSettings
from stagehand.domain import Role, Score, Segment
from stagehand.ranking.chat_style import STYLE_MIN_COMMENTS
from stagehand.ranking.ranker import Ranker

HELP_DESK = "Ubuntu help desk: installing, configuring and fixing Ubuntu"
PORT_FORWARDING = Segment(1, "anyone recomend a script for setting up port forwarding?", (), START)


#: What a help channel said before the segment: sentences, so the ranker can tell its style
#: (it does from `chat_style.STYLE_MIN_COMMENTS` comments on).
EARLIER_CHAT = (
    "my wifi card drops every few minutes since the upgrade",
    "try the restricted drivers from the hardware tool first",
    "how do i mount a second disk at boot time",
    "add it to fstab with its uuid, blkid shows it",
)


@pytest.fixture
def desk() -> Ranker:
    made = Ranker(RankingSettings(), show_description=HELP_DESK)
    for i in range(STYLE_MIN_COMMENTS):
        made.score(
            make_comment(EARLIER_CHAT[i % 4], f"earlier{i}", seconds=i - 1800, channel="ubuntu")
        )
    made.set_segment(PORT_FORWARDING)
    return made


def say(ranker: Ranker, text: str, author: str, seconds: float, **kwargs) -> Score:
    return ranker.score(make_comment(text, author, seconds=seconds, channel="ubuntu", **kwargs))


def test_naming_the_show_s_subject_adds_nothing_to_a_line_on_the_segment(desk: Ranker) -> None:
    say(desk, "anyone recomend a script for setting up port forwarding?", "carlfk", 0)
    plain = say(desk, "a script for port forwarding is overkill, iptables does it", "juhaz", 60)
    ubuntu = say(
        desk, "you don't need a script, port forwarding is one iptables rule on ubuntu", "vjaz", 90
    )
    assert ubuntu.reasons["topic"] == plain.reasons["topic"]
    assert ubuntu.value <= plain.value


def test_the_asker_s_follow_up_outranks_a_stranger_naming_only_the_desk_s_subject(
    desk: Ranker,
) -> None:
    say(desk, "anyone recomend a script for setting up port forwarding?", "carlfk", 0)
    say(desk, "oh oh.. I am intalling Hoary to a toshiba laptop, it just finished", "carlfk", 300)
    follow_up = say(desk, "and it isn't responding to keyboard", "carlfk", 330)
    stranger = say(desk, "i fixed my sound by reinstalling pulseaudio", "someone", 340)
    assert "thread" in follow_up.reasons and "thread" not in stranger.reasons
    assert follow_up.value > stranger.value


def test_in_a_show_with_hosts_the_thread_counts_as_before() -> None:
    def follow_up_thread(hosted: bool) -> float:
        ranker = Ranker(RankingSettings(), show_description=HELP_DESK)
        ranker.set_segment(PORT_FORWARDING)
        if hosted:
            host = frozenset({Role.HOST.value})
            say(ranker, "ok let's take the port forwarding one", "jorge", 0, roles=host)
        say(ranker, "anyone recomend a script for setting up port forwarding?", "carlfk", 10)
        return say(ranker, "and it isn't responding to keyboard", "carlfk", 40).reasons["thread"]

    assert follow_up_thread(hosted=False) == pytest.approx(
        1.2 * follow_up_thread(hosted=True), abs=1e-3
    )


def test_a_stranger_s_new_problem_naming_only_the_desk_s_subject_is_not_the_segment(
    desk: Ranker,
) -> None:
    # The #ubuntu port-forwarding conversation (2005-07-06): `stagehand rank` listed other
    # viewers' new problems second to fourth, on the description's "ubuntu" and "install" alone.
    say(desk, "anyone recomend a script for setting up port forwarding?", "carlfk", 0)
    say(
        desk,
        "oh oh.. I am intalling Hoary to a toshiba 4600 laptop - it just finished",
        "carlfk",
        225,
    )
    helper = say(desk, "CarlFK: ctrl-alt-F1 and login. then we'll look at some logs", "delire", 285)
    stranger = say(
        desk,
        "does ubuntu install nvidia drivers on default ? or do I have to install them myself ?",
        "thomas__",
        780,
    )
    freepops = say(desk, 'Someone can help me for install "FreePops" on hoary ?', "arago", 870)
    for other in (stranger, freepops):
        assert "topic" not in other.reasons and "learned_topic" not in other.reasons
        assert "off_topic" in other.flags  # what `w` says: nothing to do with this segment
        assert other.value < helper.value


def test_in_a_show_the_description_alone_still_makes_a_line_about_the_show() -> None:
    ranker = Ranker(RankingSettings(), show_description=HELP_DESK)
    ranker.set_segment(PORT_FORWARDING)
    host = frozenset({Role.HOST.value})
    say(ranker, "ok let's take the port forwarding one", "jorge", 0, roles=host)
    plain = say(ranker, "a script for port forwarding is overkill, iptables does it", "juhaz", 60)
    other = say(ranker, "does ubuntu install nvidia drivers on default?", "thomas", 120)
    assert 0 < other.reasons["topic"] < plain.reasons["topic"]


def test_in_a_stream_s_chat_of_emotes_the_description_alone_still_counts() -> None:
    # No host types in a big Twitch chat either, but it is no help channel: its description
    # names the streamer and what the stream is ("xQc reacts to esports news and clips").
    ranker = Ranker(RankingSettings(), show_description="xQc reacts to esports news and clips")
    ranker.set_segment(Segment(1, "A pro gamer refused a US work visa", ("visa",), START))
    for i in range(60):
        say(ranker, ("LULW", "KEKW", "OMEGALUL monkaW", "Pog")[i % 4], f"viewer{i}", i)
    remark = say(ranker, "xqc always watches the esports drama", "late", 70)
    assert remark.reasons["topic"] > 0


def test_before_the_chat_s_style_is_known_the_description_alone_still_counts() -> None:
    """A last read: the first comments of any show without configured hosts were taken for a
    help channel's (no host has spoken, and the chat's style reads "sentences" until it is
    known), so an emote stream's first question on its description's subject sank as off topic."""
    ranker = Ranker(RankingSettings(), show_description="xQc plays Elden Ring: bosses and builds")
    ranker.set_segment(Segment(1, "Just chatting", (), START))
    first = say(ranker, "what build is he going for on elden ring?", "viewer1", 5)
    assert first.reasons["topic"] > 0 and "off_topic" not in first.flags
