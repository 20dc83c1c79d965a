"""A moderator's `!segment` and `!topic` in Japanese, Chinese or Arabic: the full-width bar `｜`
ends the title and `、` `，` `،` separate keywords as `,` does; the bot says what was set."""

from __future__ import annotations

import json

from commands.chat import play, say, segment
from stagehand.commands.parse import Topic, parse_topic

MOD = ["moderator"]


async def test_segment_and_topic_split_on_the_separators_of_other_scripts(tmp_path) -> None:
    played = await play(
        tmp_path,
        [
            segment("開始", ["開始"]),
            say("m1", "saki", "!segment 麺の打ち方 | 麺、小麦粉、かんすい", t=1, roles=MOD),
            say("m2", "saki", "!topic 麺の太さ ｜ 太麺，細麺", t=2, roles=MOD),
            say(
                "m3", "huda", "!segment الذكاء الاصطناعي | الذكاء، النماذج، التعلم", t=3, roles=MOD
            ),
            say("m4", "x1", "النماذج الكبيرة تحتاج ذاكرة", t=4),
        ],
    )
    segments = played.db.execute(
        "SELECT position, title, keywords FROM segments ORDER BY position"
    ).fetchall()
    assert [(p, t, json.loads(k)) for p, t, k in segments] == [
        (1, "開始", ["開始"]),
        (2, "麺の太さ", ["太麺", "細麺"]),
        (3, "الذكاء الاصطناعي", ["الذكاء", "النماذج", "التعلم"]),
    ]
    assert played.answers() == [
        "Segment 2: 麺の打ち方 (麺, 小麦粉, かんすい)",
        "Topic: 麺の太さ (太麺, 細麺)",
        "Segment 3: الذكاء الاصطناعي (الذكاء, النماذج, التعلم)",
    ]
    (on_topic,) = played.db.execute(
        "SELECT on_topic FROM comments WHERE message_id = 'm4'"
    ).fetchone()
    assert on_topic == 1


def test_a_cut_line_leaves_out_its_last_keyword_whatever_its_comma() -> None:
    topic = parse_topic("麺 ｜ 太麺、細麺、ちぢれ […]", max_keywords=10, cut=True)
    assert topic.title == "麺" and topic.keywords == ["太麺", "細麺"]
    assert parse_topic("麺の太さ", max_keywords=10) == Topic("麺の太さ", None)
