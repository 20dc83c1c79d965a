"""What each ranking signal adds: the quality benchmark with one signal taken away at a time.

    python benchmarks/ranking_ablation.py [--data ../shared/data] [--only NAME] [--view live]

Runs `ranking_quality.py`'s evaluation over every labelled set once with everything on, then
once per signal with that signal off, and prints mean nDCG@10 per set and split (dev and held
out; held-out means are read, never tuned on). A positive "adds" is what the signal is worth.

The signals of issue 16, and how each is taken away:

- `questions`: question forms in six languages (`ranking/questions.py`) -> the English-only
  rule they replaced (an English question word first, or an English phrase, or `?`);
- `stopwords`: other languages' function words -> counted as content words again;
- `to_show`, `guest`, `highlight`, `asked_by`: their weights -> 0;
- `merging`: one row per question asked again -> every comment its own row;
- `kinds`: only viewers' comments as candidates -> every line a candidate, as `rank` did before.

And those of its second pass:

- `to_viewer`: a viewer's remark to another viewer keeping half its topic in a show -> all of it;
- `broadcast`: questions about the broadcast's sound or picture kept from `to_show`/`guest` ->
  lifted like any other;
- `later`: requests for a later show kept from `to_show`/`guest` -> lifted like any other.

And those of its third pass:

- `vocabulary`: the hosts' own lines and the comments they answer teaching the segment's
  vocabulary (`TopicProfile.teach`) -> only on-topic chat, bursts and answered words, as before;
- `remark`: in a show, a remark to the room keeping part of its topic -> all of it.

And those for emote-heavy chat (the real Twitch captures):

- `walls`: a wall's phrase compared once by the repeat check (`text.said_once`) -> the whole
  wall, so the same wall with more or fewer copies is new text;
- `echo`: an emote reaction made only of the topic's words keeping none of it -> its weight 0
  (the `reaction` rule alone, as before);
- `substance`: a comment saying several things in a chat of emotes -> its weight 0.

And those of the tenth sitting, for the same chat:

- `words`: `substance` counting every word a comment says (emotes aside) -> its content words
  only, as before;
- `fades`: `shouting` and `off_topic` fading as the chat gets terse -> their full weights.

And those of the seventeenth sitting:

- `described`: the show description's words counting only for a comment no segment word
  matches (`topic.DESCRIPTION_ONLY_ALONE`) -> added to the segment's words, as before;
- `hostless`: a thread counting more in a channel without hosts
  (`ranker.HOSTLESS_THREAD_FACTOR`) -> as much as in a show.

And those of the eighteenth sitting, for the same chat:

- `wall_react`: a wall judged as the reaction it repeats (`ranker.WALLS_REACT`) -> by the
  whole wall, never a reaction;
- `wall_ask`: a question posted as a wall in a chat of emotes taking no `question` or
  `to_show` points (`ranker.WALLS_ASK_NOTHING`) -> kept, as before;
- `pointing`: a question pointing at a thing put to the show in a stream's chat without hosts
  (`ranker.POINTING_ASKS_THE_SHOW`) -> nothing lifted there, as before.

And that of the nineteenth sitting:

- `help_desc`: in a help channel (no hosts, a chat of sentences) the show description counting
  for nothing (`ranker.HELP_CHANNEL_UNDESCRIBED`) -> counting alone, as in a show.

`--split dev` prints the dev means only (what tuning may read).
"""

from __future__ import annotations

import argparse
import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import ranking_quality as rq

from stagehand.config.ranking import RankingSettings
from stagehand.domain import Comment, CommentKind
from stagehand.ranking import questions, ranker, same_question, signals, text, topic
from stagehand.ranking.text import Words

#: The English-only rule's question words: the ones the ranker still uses to tell a question
#: word from a viewer's name.
_ENGLISH_OPENERS = signals.ENGLISH_QUESTION_WORDS
_ENGLISH_PHRASES = re.compile(
    r"\b(?:i wonder|i was wondering|wondering (?:if|whether|how|why|what)|any ?(?:one|body) know"
    r"|any idea|any tips|help me|can (?:some|any)(?:one|body)|is there (?:a|any) way|how to"
    r"|what about|thoughts on|question:|q:|do you (?:think|know|recommend)"
    r"|(?:is|was|are) (?:that|this|it|these|those) (?:normal|ok|okay|right|correct|expected|safe"
    r"|fine|bad|a problem)|or not\b)",
    re.IGNORECASE,
)


def _english_only(text_: str, words: Words) -> bool:
    opener = len(words.tokens) >= 3 and words.tokens[0] in _ENGLISH_OPENERS
    return opener or bool(_ENGLISH_PHRASES.search(text_))


def _clear_caches() -> None:
    questions._strength.cache_clear()
    text.split_words.cache_clear()
    text.analyse_chunk.cache_clear()


Ablation = Callable[[], contextlib.AbstractContextManager[RankingSettings]]


@contextlib.contextmanager
def _patched(target: object, name: str, value: object) -> Iterator[RankingSettings]:
    before = getattr(target, name)
    setattr(target, name, value)
    _clear_caches()
    try:
        yield RankingSettings()
    finally:
        setattr(target, name, before)
        _clear_caches()


@contextlib.contextmanager
def _patched_all(*changes: tuple[object, str, object]) -> Iterator[RankingSettings]:
    with contextlib.ExitStack() as stack:
        for target, name, value in changes:
            settings = stack.enter_context(_patched(target, name, value))
        yield settings


def _weight_off(name: str) -> Ablation:
    @contextlib.contextmanager
    def off() -> Iterator[RankingSettings]:
        settings = RankingSettings()
        yield settings.model_copy(
            update={"weights": settings.weights.model_copy(update={name: 0.0})}
        )

    return off


def _every_line_a_comment(settings: RankingSettings) -> Callable[[Comment], CommentKind]:
    return lambda comment: CommentKind.COMMENT


ABLATIONS: dict[str, Ablation] = {
    "questions": lambda: _patched(questions, "_asks", _english_only),
    "stopwords": lambda: _patched(text, "FOREIGN_STOPWORDS", frozenset()),
    "to_show": _weight_off("to_show"),
    "guest": _weight_off("guest"),
    "highlight": _weight_off("highlight"),
    "asked_by": _weight_off("asked_by"),
    "merging": lambda: _patched(same_question.SameQuestions, "find", lambda *a, **k: None),
    "kinds": lambda: _patched(rq.MEASURED_WITH, "classify", _every_line_a_comment),
    "to_viewer": lambda: _patched(ranker, "VIEWER_TALK_DAMPING", 0.0),
    "broadcast": lambda: _patched(signals, "about_the_broadcast", lambda *a, **k: False),
    "later": lambda: _patched(signals, "asks_for_another_show", lambda *a, **k: False),
    "vocabulary": lambda: _patched_all(
        (ranker, "HOST_LINE_EVIDENCE", 0.0), (ranker, "ANSWER_EVIDENCE", 0.0)
    ),
    "remark": lambda: _patched(ranker, "REMARK_TOPIC_SHARE", 1.0),
    "walls": lambda: _patched(ranker, "said_once", lambda normalized: normalized),
    "echo": _weight_off("echo"),
    "substance": _weight_off("substance"),
    "words": lambda: _patched(ranker, "SUBSTANCE_COUNTS_WORDS", False),
    "fades": lambda: _patched(ranker, "TERSE_FADES_PENALTIES", False),
    "described": lambda: _patched(topic, "DESCRIPTION_ONLY_ALONE", False),
    "hostless": lambda: _patched(ranker, "HOSTLESS_THREAD_FACTOR", 1.0),
    "wall_react": lambda: _patched(ranker, "WALLS_REACT", False),
    "wall_ask": lambda: _patched(ranker, "WALLS_ASK_NOTHING", False),
    "pointing": lambda: _patched(ranker, "POINTING_ASKS_THE_SHOW", False),
    "help_desc": lambda: _patched(ranker, "HELP_CHANNEL_UNDESCRIBED", False),
}


def _sets(data: Path) -> dict[str, list[rq.Query]]:
    sets = rq.labelled_queries(data)
    demo = rq.demo_queries()
    if demo:
        sets["demo-show"] = demo
    shows = getattr(rq, "labelled_shows", None)
    if shows is not None:
        sets.update(shows())
    return sets


Means = dict[tuple[str, str], float]


def _measure(
    sets: dict[str, list[rq.Query]],
    view: str,
    settings: RankingSettings,
    splits: tuple[str, ...] = ("dev", "heldout"),
) -> Means:
    means: Means = {}
    for name, queries in sets.items():
        chosen_queries = [q for q in queries if q.split in splits]
        figures = [(q.split, rq.evaluate_query(q, settings, False)) for q in chosen_queries]
        for split in splits:
            chosen = [f[view]["stagehand"][0] for s, f in figures if s == split]
            if chosen:
                means[(name, split)] = sum(chosen) / len(chosen)
    return means


def main() -> None:
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--data", type=Path, default=rq.REPO.parent / "shared" / "data")
    parser.add_argument("--only", help="evaluate only sets whose name contains this")
    parser.add_argument("--view", choices=["live", "end"], default="live")
    parser.add_argument("--split", choices=["dev", "heldout", "both"], default="both")
    args = parser.parse_args()
    splits = ("dev", "heldout") if args.split == "both" else (args.split,)
    view = "live queue" if args.view == "live" else "segment end"
    sets = _sets(args.data)
    if args.only:
        sets = {k: v for k, v in sets.items() if args.only in k}
    full = _measure(sets, view, RankingSettings(), splits)
    taken: dict[str, Means] = {}
    for name, ablation in ABLATIONS.items():
        with ablation() as settings:
            taken[name] = _measure(sets, view, settings, splits)
    print(f"{view}: nDCG@10 with everything, and what each signal adds (everything - without it)")
    print(f"{'set':<22} {'split':<8} {'all':>6}" + "".join(f"{n:>11}" for n in ABLATIONS))
    for key, value in full.items():
        adds = "".join(f"{value - taken[n][key]:>+11.3f}" for n in ABLATIONS)
        print(f"{key[0]:<22} {key[1]:<8} {value:>6.3f}{adds}")


if __name__ == "__main__":
    main()
