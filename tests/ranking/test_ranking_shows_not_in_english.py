"""A show not in English: Japanese, Chinese, Arabic, Spanish and Portuguese typed without accents.

The lines are the ones a reviewer hosting such shows met (2026-12-07, revM): Japanese questions
ranked as greetings, Arabic questions pushed down as remarks, Spanish questions typed without
accents or `?` read as remarks, one question in three spellings sunk as a copypasta, laughter
and greetings of these chats ranked as comments. Each test reads what a host sees: the flags
and reasons of the real ranker, or the rows `stagehand rank` prints.
"""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import START, make_comment
from stagehand.config.ranking import RankingSettings
from stagehand.domain import Comment, Score, Segment
from stagehand.ranking.questions import is_question
from stagehand.ranking.ranker import Ranker
from stagehand.ranking.same_question import SameQuestions
from stagehand.ranking.text import split_words


def _show(title: str, keywords: tuple[str, ...], description: str = "", host: str = "") -> Ranker:
    ranker = Ranker(RankingSettings(), show_description=description)
    ranker.set_segment(Segment(1, title, keywords, START))
    if host:  # a host has spoken: a show, where a question is put to the hosts
        ranker.score(make_comment(host, "host", roles=frozenset({"broadcaster"})))
    return ranker


def _scored(ranker: Ranker, *texts: str) -> list[tuple[Comment, Score]]:
    """Each text from another viewer, two seconds apart: the comment and its score."""
    comments = [make_comment(t, f"viewer{n}", seconds=2.0 * (n + 1)) for n, t in enumerate(texts)]
    return [(comment, ranker.score(comment)) for comment in comments]


def _scores(ranker: Ranker, *texts: str) -> list[Score]:
    return [score for _, score in _scored(ranker, *texts)]


# -- questions, per language ------------------------------------------------------------------

ASKS = {
    "ja": [
        "豚骨スープは何時間煮込みますか",  # no question mark
        "かんすいは必要ですか",
        "麺の小麦粉はどこで買えますか？",
        "出汁は何を使っていますか？？",
        "これ何？笑",  # a full-width ？ with no space after it
        "替え玉はいつ頼めばいいかな",
        "どうやってチャーシューを柔らかくするの",
        "何人で作ってるの",
        "どうして泣いてるの",
        "何年やってるの",
    ],
    "zh": [
        "你们用什么面粉",
        "汤要煮多久",
        "这个好吃吗",
        "为什么要加碱水",
        "有多少人在看",
        "这个多少钱",
        "你在吃什么",
    ],
    "ar": [
        "كيف أبدأ تعلم البرمجة بلغة بايثون؟",  # the Arabic question mark
        "كيف أبدأ تعلم البرمجة بلغة بايثون",
        "هل تنصحون بكتاب عن الخوارزميات",
        "هل الحساء ساخن ؟",
        "الحساء ساخن جدا اليوم؟",  # no question word: the Arabic question mark alone asks
        "ما هي أفضل طريقة لتعلم بايثون",
        "لماذا تستخدمون بايثون وليس جافا",
        "هَلْ تَسْتَخْدِمُونَ النَّمَاذِجَ المَفْتُوحَةَ",  # with its vowel marks
    ],
    "es, no accents": [
        "como hago para afinar la guitarra",
        "donde compraste esa guitarra",
        "hay forma de afinar la guitarra sin afinador",
        "me recomiendan cuerdas para la guitarra",
        "sabes si la guitarra es de nylon",
        "que ecualizador recomiendan para la voz",
        "porque usas cuerdas de nylon en la guitarra",
        "la guitarra es tuya o prestada",
    ],
    "pt, no accents": [
        "oq vc acha das cordas da guitarra",
        "pq vc usa cordas de nylon na guitarra",
        "vc sabe se a guitarra e de nylon",
        "onde compro cordas boas",
    ],
    "es, ? then an emoji": ["la sopa lleva ajo?😂", "la sopa lleva ajo?🧄🧄"],
}

STATEMENTS = {
    "ja": [
        "こんばんは〜",
        "スープ美味しそう！",
        "ラーメンとか大好き",
        "確かに美味しい",
        "いつも見てます",
        "どうもありがとう",
        # a question word in a statement (last read, 2026-12-08): "however many times",
        # "many times", "for years", "without a hitch", "no matter what", "any way you look"
        "何回見ても泣ける",
        "何度も作ったことある",
        "何年も前から見てます",
        "何事もなく完成",
        "どうしても食べたい",
        "どう見ても美味しい",
    ],
    "zh": [
        "汤看起来很好吃",
        "我也喜欢拉面",
        "没什么",  # "nothing much"
        "多少有点咸",  # "a bit salty"
        "这个我也不知道为什么",  # "I don't know why either"
    ],
    "ar": [
        "ما أعرف والله صراحة",  # ما: "not"
        "من مصر الحبيبة",  # من: "from"
        "النماذج الكبيرة تحتاج ذاكرة كثيرة",
        "مساء الخير جميعاً",
    ],
    "es, no accents": [
        "me encanta tu guitarra",
        "la guitarra suena increible",
        "no me gusta esa guitarra",
        "porque tu guitarra suena increible",  # "because": tu is "your"
        "cuando hago pan siempre queda duro",
        "que bueno esta el pan",
    ],
    "pt, no accents": ["pq vc e demais", "quando eu fiz ficou bom"],
    "a link": ["the clip is at https://example.com/watch?v=abc ok"],
}


@pytest.mark.parametrize(
    "text", [pytest.param(t, id=f"{lang}: {t}") for lang, ts in ASKS.items() for t in ts]
)
def test_a_question_in_a_show_not_in_english_is_a_question(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize(
    "text", [pytest.param(t, id=f"{lang}: {t}") for lang, ts in STATEMENTS.items() for t in ts]
)
def test_a_statement_in_a_show_not_in_english_is_not(text: str) -> None:
    assert not is_question(text)


def test_a_question_to_the_hosts_without_accents_ranks_as_the_accented_one() -> None:
    """`cómo hago para afinar la guitarra` was a question (6.13), `como hago…` a remark (3.00)."""
    plain, accented = (
        _scores(_show("La guitarra", ("guitarra", "cuerdas", "afinar"), host="hoy guitarras"), t)[0]
        for t in ("como hago para afinar la guitarra", "cómo hago para afinar la guitarra")
    )
    assert "question" in plain.flags and "remark" not in plain.reasons
    assert plain.value == pytest.approx(accented.value)


# -- Japanese and Chinese: words without spaces ------------------------------------------------


def test_japanese_is_cut_into_pieces_that_find_a_keyword_inside_a_sentence() -> None:
    words = split_words("麺の小麦粉はどこで買えますか？")
    assert {"麺", "小麦", "麦粉"} <= words.content
    # particles and endings are no content: two questions do not look alike by "ですか"
    assert not {"です", "すか", "ます", "の"} & words.content


def test_a_japanese_question_on_topic_gets_topic_and_question_points() -> None:
    """Segment 2 of the reviewer's ramen show: keywords 麺, 小麦粉, かんすい. しゅん's question
    has two of them and got no topic and no question points (1.20, as a greeting)."""
    ranker = _show("麺の打ち方", ("麺", "小麦粉", "かんすい"), host="麺を打ちます")
    flour, kansui, soup = _scores(
        ranker, "麺の小麦粉はどこで買えますか？", "かんすいは必要ですか", "スープ美味しそう！"
    )
    assert {"question", "on_topic"} <= flour.flags and flour.reasons["topic"] > 0
    # a keyword in hiragana, followed by a particle: matched as written
    assert {"question", "on_topic"} <= kansui.flags
    assert "question" not in soup.flags
    assert flour.value > soup.value + 1.0 and kansui.value > soup.value


def test_one_japanese_keyword_counts_as_one_keyword_of_a_spaced_language() -> None:
    """A katakana word is cut into pairs (スー, ープ), which share the keyword's weight: one
    keyword said is about 0.70 relevance, as "broth" is on an English show."""
    japanese = _show("スープ", ("スープ",)).topic.match(split_words("スープ美味しそう"))
    english = _show("Broth", ("broth",)).topic.match(split_words("broth looks tasty"))
    assert japanese.relevance == pytest.approx(english.relevance)


def test_a_single_kanji_of_the_title_weighs_less_than_its_words() -> None:
    """Title 豚骨ラーメンの作り方 ("how to make tonkotsu ramen"): 作 and 方 (of 作り方) each
    weighed a whole word, ラーメン a third of one per piece, and "あの方は誰ですか" ("who is
    that person?", 方 as "person") took topic +2.27 and the top of the queue (last read,
    2026-12-08). A one-character piece of a longer written word weighs its share of that word."""
    ranker = _show("豚骨ラーメンの作り方", (), host="今日は豚骨ラーメンを作ります")
    who, soup = _scores(ranker, "あの方は誰ですか", "豚骨スープは何時間煮込みますか")
    assert "on_topic" not in who.flags
    assert who.reasons.get("topic", 0.0) < soup.reasons["topic"] / 3
    assert soup.value > who.value
    # a keyword of one character is still a whole keyword
    assert _show("麺の打ち方", ("麺",)).topic.match(split_words("麺は太いですか")).relevance > 0.5


def test_the_same_japanese_question_with_and_without_its_mark_is_one_row() -> None:
    ranker = _show("スープの作り方", ("スープ", "豚骨", "出汁"), host="今日は豚骨スープを作ります")
    (first, _), (_, again) = _scored(
        ranker, "豚骨スープは何時間煮込みますか？", "豚骨スープは何時間煮込みますか"
    )
    assert "question" in again.flags and again.same_as == ("twitch", first.id)


# -- Arabic ------------------------------------------------------------------------------------


def test_arabic_questions_rise_above_remarks() -> None:
    """كيف أبدأ تعلم البرمجة بلغة بايثون؟ was a remark (−1.15); with an ASCII ? a question."""
    ranker = _show(
        "تعلم البرمجة", ("البرمجة", "بايثون", "الخوارزميات"), host="اليوم نتحدث عن تعلم البرمجة"
    )
    how, book, remark = _scores(
        ranker,
        "كيف أبدأ تعلم البرمجة بلغة بايثون؟",
        "هل تنصحون بكتاب عن الخوارزميات ؟",
        "بايثون لغة جميلة جدا",
    )
    for question in (how, book):
        assert "question" in question.flags and "remark" not in question.reasons
        assert question.value > remark.value + 1.0


def test_arabic_vowel_marks_neither_cut_words_nor_hide_a_keyword() -> None:
    marked = split_words("هَلْ تَسْتَخْدِمُونَ النَّمَاذِجَ المَفْتُوحَةَ؟")
    assert marked.tokens == split_words("هل تستخدمون النماذج المفتوحة؟").tokens
    ranker = _show("الذكاء الاصطناعي", ("الذكاء", "النماذج", "التعلم"))
    assert ranker.topic.match(marked).relevance > 0.5


# -- the same question in three spellings ------------------------------------------------------


def test_one_question_in_three_spellings_is_asked_by_three_never_a_paste() -> None:
    """Three viewers, one question: `por que vc usa…` (Portuguese), `por qué usas…`, and
    `porque usas…` (no space, no accent) was `pasted by 3`, copypasta −3.00."""
    ranker = _show(
        "La guitarra", ("guitarra", "cuerdas", "afinar"), host="hoy hablamos de guitarras"
    )
    (first, _), *later = _scored(
        ranker,
        "por que vc usa cordas de nylon na guitarra",
        "por qué usas cuerdas de nylon en la guitarra",
        "porque usas cuerdas de nylon en la guitarra",
    )
    for _, score in later:
        assert "copypasta" not in score.flags and "copypasta" not in score.reasons
        assert {"question", "same_question"} <= score.flags
        assert score.same_as == ("twitch", first.id)


def test_a_text_nearly_another_viewers_question_asks_it_again() -> None:
    """The rule itself, whatever the question detection reads: a text of 40 characters or more
    nearly the same as another viewer's question of the segment asks it again (one row), where
    it was a copypasta when the detection missed it. A real paste wave stays a wave."""
    ranker = _show("Filters", ("filter", "resonance"), host="on to filters")
    asked, again = _scores(
        ranker,
        "so the filter squeals when resonance is at max, normal?",
        "so the filter squeals when resonance is at max, normal",  # no form, no mark
    )
    assert "question" in asked.flags
    assert "copypasta" not in again.flags and "same_question" in again.flags
    wave = _scores(
        _show("Filters", ("filter",)),
        *["BUY MY FILTER MIXTAPE NOW it is fire fire fire, follow me"] * 3,
    )
    assert "copypasta" in wave[2].flags


@pytest.mark.parametrize(
    ("question", "answer"),
    [
        ("NOT TOS?", "not tos"),  # real #xqcow: one row "asked by 2", the answerer an asker
        ("is this the final boss?", "this is the final boss"),
        ("is he going to do the cloud skip?", "yes he is going to do the cloud skip"),
    ],
)
def test_an_answer_that_repeats_a_question_is_not_asked_by_its_answerer(
    question: str, answer: str
) -> None:
    """A viewer answering another's question in its own words (`not tos` after `NOT TOS?`) was
    read as the question asked again: one row "asked by 2", `w` naming the answerer as asker.
    Only a long text nearly word for word the question asks it again."""
    ranker = _show("Speedrun practice", ("route", "practice"), host="hey chat welcome back")
    (asked, _), (_, said) = _scored(ranker, question, answer)
    assert "question" not in said.flags and "same_question" not in said.flags
    assert said.same_as != ("twitch", asked.id)


# -- long lines of Chinese and Japanese -------------------------------------------------------


def _long_japanese_question(seed: int, length: int = 180) -> str:
    """豚骨スープ, then a run of kanji no other line has, then ですか: a long question that shares
    its three opening pieces (豚骨, スー, ープ) with every other one and nothing else."""
    rng = random.Random(seed)
    return (
        "豚骨スープ" + "".join(chr(rng.randrange(0x4E00, 0x9FA5)) for _ in range(length)) + "ですか"
    )


class _CountedWords(set[str]):
    """The segment's topic words, counting how often a word is looked up in them."""

    looked_up = 0

    def __contains__(self, word: object) -> bool:
        _CountedWords.looked_up += 1
        return super().__contains__(word)


def _lookups_for_one_more_question(held: int) -> int:
    same = SameQuestions()
    for n in range(held):
        words = split_words(_long_japanese_question(n))
        same.remember(("twitch", f"c{n}"), f"viewer{n}", words.content, "", tokens=frozenset())
    topic = _CountedWords({"豚骨"})
    _CountedWords.looked_up = 0
    words = split_words(_long_japanese_question(held + 1))
    assert same.find(words.content, "late", topic_words=topic) is None
    return _CountedWords.looked_up


def test_one_more_long_question_costs_the_same_however_many_are_held() -> None:
    """A long line of kanji was compared word by word with every held question sharing two of
    its pieces: 600 such questions took 76 s to rank (3.7 s before the cut into pairs). A held
    question sharing too little of the new one's words is passed over before it is weighed."""
    few, many = _lookups_for_one_more_question(20), _lookups_for_one_more_question(200)
    assert many < 2 * few


def test_a_very_long_line_of_kanji_brings_a_bounded_number_of_words() -> None:
    """2,000-character lines (a Discord message) of kanji were 2,000 words each, every one
    counted by the segment's topic: 150 of them took 431 MB. A comment brings at most
    `MAX_UNSPACED_PIECES` pieces of Chinese or Japanese, and still finds a keyword near its
    start."""
    line = _long_japanese_question(7, length=2000)
    words = split_words(line)
    assert len(words.content) <= 100 and len(words.tokens) <= 110
    assert {"豚骨", "スー", "ープ"} <= words.content


# -- laughter and greetings --------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["kkkkkkkkk", "jajsjsjs", "ｗｗｗｗ", "ههههههه", "草", "哈哈哈", "rsrsrs"]
)
def test_laughter_in_other_languages_is_laughter(text: str) -> None:
    (score,) = _scores(_show("La sopa", ("sopa",)), text)
    assert "laughter" in score.flags and score.value < 0


@pytest.mark.parametrize(
    "text", ["こんばんは〜", "初見です！", "مرحبا", "السلام عليكم", "oi gente", "buenas", "大家好"]
)
def test_greetings_in_other_languages_are_greetings(text: str) -> None:
    (score,) = _scores(_show("La sopa", ("sopa",)), text)
    assert "greeting" in score.flags and score.value < 0


def test_a_greeting_that_goes_on_to_ask_is_judged_by_its_question() -> None:
    (score,) = _scores(
        _show("スープの作り方", ("スープ",)), "こんばんは！スープは何時間煮込みますか？"
    )
    assert "greeting" not in score.flags and "question" in score.flags


# -- what `stagehand rank` prints --------------------------------------------------------------

RAMEN = [
    {"kind": "show", "title": "ラーメン深夜便", "description": "自家製ラーメンの作り方を語る配信"},
    {"kind": "segment", "ts": "2026-12-06T11:00:00Z", "title": "スープの作り方",
     "keywords": ["スープ", "豚骨", "出汁"]},
    {"kind": "comment", "id": "ja-1", "ts": "2026-12-06T11:00:02Z", "author": "host_taro",
     "text": "こんばんは！今日は豚骨スープを作ります", "roles": ["broadcaster"]},
    {"kind": "comment", "id": "ja-2", "ts": "2026-12-06T11:00:04Z", "author": "yuki",
     "text": "こんばんは〜"},
    {"kind": "comment", "id": "ja-3", "ts": "2026-12-06T11:00:06Z", "author": "haru",
     "text": "豚骨スープは何時間煮込みますか？"},
    {"kind": "comment", "id": "ja-4", "ts": "2026-12-06T11:00:08Z", "author": "mei",
     "text": "豚骨スープは何時間煮込みますか"},
    {"kind": "comment", "id": "ja-5", "ts": "2026-12-06T11:00:10Z", "author": "sora",
     "text": "出汁は何を使っていますか？？"},
    {"kind": "comment", "id": "ja-6", "ts": "2026-12-06T11:00:12Z", "author": "ken", "text": "草"},
    {"kind": "comment", "id": "ja-7", "ts": "2026-12-06T11:00:16Z", "author": "aoi",
     "text": "スープ美味しそう！"},
]  # fmt: skip


def test_stagehand_rank_puts_a_japanese_shows_questions_first(tmp_path: Path) -> None:
    """The reviewer's `rank ja.jsonl`: はる's question 1.200, as ゆき's こんばんは〜."""
    path = tmp_path / "深夜ラーメン.jsonl"
    path.write_text(
        "\n".join(json.dumps(line, ensure_ascii=False) for line in RAMEN) + "\n", encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, "-m", "stagehand", "rank", str(path), "--format", "jsonl"],
        capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert [row["id"] for row in rows[:2]] == ["ja-3", "ja-5"]
    assert rows[0]["asked_by"] == 2 and rows[0]["askers"] == ["ja-3", "ja-4"]
    assert {"question", "topic"} <= rows[0]["reasons"].keys()
    last = {row["id"] for row in rows[-2:]}
    assert last == {"ja-2", "ja-6"}  # the greeting and the laughter, under the remark
