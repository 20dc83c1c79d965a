"""The same question from several viewers: found on arrival, shown as one row "asked by N".

A question is the same as an earlier one of this segment, by someone else, when
- its text is nearly the same (the repeat check's rapidfuzz ratio, >= 88: "what flour is
  that?" and "what flour is that"), or
- they share the words that matter: at least 1.5 of shared weight, at least 0.6 of the
  lighter question's weight and 0.4 of the heavier's, each word weighing 1, or 0.5 when it is part of the segment's topic
  as it stands ("how long do you proof the dough" and "how long should the dough proof": same;
  two questions that only share "sourdough starter": not; "RED printer why does my driver
  fail?" inside "[bold red]x[/] is this markup shown as bold? printer driver question": 0.67 of
  the short one, 0.33 of the long one, not), or
- a short question shares a word that is not a topic word and nearly all its words with the
  other ("what engine did you use?" and "what engine did you use for it": at least 0.8 of the
  shorter one's words and 0.6 of both);

but never two questions that open by asking for different kinds of answer (`asks_for`: which
thing, why, how, how much or long, when, where, who): "which capacitor do you use in the
filter?" and "why does the capacitor on the filter get hot?" share their words, not their
question, and answering one row would have closed the other unanswered.

A viewer asking again in nearly the same words (the repeat check's own match, or the short
question rule above among the kept questions, when the repeat check's recent texts no longer
reach back) joins the row of the question they asked, wherever it is: they count once there, and the question stays one row
(a repeat that was a row of its own split it, the later askers joining the newer half).

The answer is the first asker's comment (its platform and id), which every later asker of the
same question points to (`Score.same_as`). A copypasta is never merged by its words (the ranker
puts it in its wave's row): a question posted again word for word by more than `WAVE_COPIES` others
(ranker.py) is a wave, not a question asked again, and a wave's row (`wave`) takes no question
by its words, only its own text: "which synth filter do you like best?" is not "what synth filter
should I buy? copy this if you agree" pasted by 30. Everything here is bounded: the last `size` questions of the segment, with
an index from word to question so a new question is compared only with those sharing a word.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Container, Hashable, Sequence
from dataclasses import dataclass

from stagehand.frozen import quick_init

CommentKey = tuple[str, str]

#: Questions of the live segment remembered.
KEPT_QUESTIONS = 300
#: Shared weight a question needs with an earlier one, and the share of its own weight.
MIN_SHARED = 1.5
MIN_OVERLAP = 0.6
#: ... and the share of the heavier question's weight the shared words must be too.
MIN_OVERLAP_OF_BOTH = 0.4
#: For the word-for-word check: share of the shorter question's words, and of both.
MIN_CONTAINED = 0.8
MIN_JACCARD = 0.6
#: What one of the segment's own topic words weighs (every question on topic uses them).
TOPIC_WORD_WEIGHT = 0.5


def _each(words: str, kind: str) -> dict[str, str]:
    return dict.fromkeys(words.split(), kind)


#: The kind of answer a question's opening word asks for, in the seven languages the question
#: detection reads word by word (ranking/languages.py), accented and folded. Words that open other sentences
#: as often ("was", "come", "ou", "por" alone) are left out: a question opening with none of
#: these asks for nothing in particular, and may be merged as before.
_ASKS = {
    **_each(
        "what whats what's which qué que cuál cual cuáles cuales qual quais quel quelle quels"
        " quelles quoi lequel laquelle lesquels welche welcher welches welchen welchem cosa"
        " cosè quale quali ماذا ايش شو",
        "which",
    ),
    **_each(
        "why whys why's pourquoi warum wieso weshalb weswegen perché perche porque pq porquê"
        " لماذا ليش",
        "why",
    ),
    **_each("how hows how's cómo como comment wie كيف", "how"),
    **_each(
        "cuánto cuánta cuántos cuántas cuanto cuanta cuantos cuantas quanto quanta quantos"
        " quantas quanti quante combien wieviel wievielen كم",
        "how much",
    ),
    **_each("when whens when's cuándo cuando quando quand wann متى", "when"),
    **_each(
        "where wheres where's dónde donde adónde onde cadê où wo woher wohin dove أين اين وين",
        "where",
    ),
    **_each(
        "who whos who's whom whose quién quien quiénes quem qui wer wen wem wessen chi",
        "who",
    ),
}
#: "how" and the word after it that ask for an amount ("how long", "how many").
_HOW_MUCH = frozenset(_each("long much many often big fast far old", "how much"))
_WHY_AFTER_POR = frozenset({"qué", "que", "quê"})  # "por qué", "por que": why (es, pt)
#: How far into a question its opening word may come ("hey chat, why ...").
_OPENING_WORDS = 3


def asks_for(tokens: Sequence[str]) -> str:
    """The kind of answer the question's opening word asks for ("" when it opens otherwise)."""
    for index, token in enumerate(tokens[:_OPENING_WORDS]):
        following = tokens[index + 1] if index + 1 < len(tokens) else ""
        if token == "por" and following in _WHY_AFTER_POR:
            return "why"
        kind = _ASKS.get(token)
        if kind is not None:
            return "how much" if kind == "how" and following in _HOW_MUCH else kind
    return ""


@quick_init
@dataclass(frozen=True, slots=True)
class _Asked:
    number: int
    key: CommentKey
    lead: CommentKey
    author: str
    lead_author: str
    content: frozenset[str]
    tokens: frozenset[str]
    asks: str

    def asks_as(self, asks: str) -> bool:
        """A question asking for `asks` may be this one (either may ask for nothing special)."""
        return not (asks and self.asks) or asks == self.asks

    def asked_by(self, author: str) -> bool:
        """`author` asked this question already (here, or as its first asker)."""
        return author in (self.author, self.lead_author)


#: A segment's questions as `SameQuestions` keeps them (set aside while another segment is live).
_Kept = tuple[
    "deque[_Asked]",
    dict[str, list[int]],
    dict[str, int],
    dict[CommentKey, str],
    set[CommentKey],
    int,
]


class SameQuestions:
    """The live segment's questions, to tell whether a new one was asked already."""

    def __init__(self, size: int = KEPT_QUESTIONS) -> None:
        self.size = size
        #: The live segment (`segment_is`), and the one before it with its questions.
        self._segment: Hashable = None
        self._before: tuple[Hashable, _Kept] | None = None
        self.clear()

    def clear(self) -> None:
        """A new segment: its questions are new questions."""
        self._asked: deque[_Asked] = deque(maxlen=self.size)
        self._by_stem: dict[str, list[int]] = {}
        self._by_text: dict[str, int] = {}
        #: Who wrote each question still held, by its key (`first_asker`): one lookup, where
        #: searching the ring was up to 300 steps on every question of a copypasta wave.
        self._first_askers: dict[CommentKey, str] = {}
        #: Rows that are waves of pastes (`wave`): only their own text joins them.
        self._waves: set[CommentKey] = set()
        self._next = 0

    def segment_is(self, segment: Hashable) -> None:
        """The live segment is `segment` (what tells it from the others: its position and
        start). A new one starts with no questions; the live one with its topic edited keeps
        them, and the one before (a segment change undone) gets its own back: forgetting them
        there split every question asked before into a row of its own, later askers in
        another."""
        if segment == self._segment:
            return
        kept = (
            self._asked,
            self._by_stem,
            self._by_text,
            self._first_askers,
            self._waves,
            self._next,
        )
        before, self._before = self._before, (self._segment, kept)
        if before is not None and before[0] == segment:
            (
                self._asked,
                self._by_stem,
                self._by_text,
                self._first_askers,
                self._waves,
                self._next,
            ) = before[1]
        else:
            self.clear()
        self._segment = segment

    def find(
        self,
        content: frozenset[str],
        author: str,
        *,
        same_text: str = "",
        own_text: str = "",
        topic_words: Container[str] = (),
        tokens: frozenset[str] = frozenset(),
        asks: str = "",
    ) -> CommentKey | None:
        """The first asker's comment of the question this one asks again, if any.

        `same_text`: a nearly identical earlier text by someone else (from the repeat check);
        `own_text`: one by the same author (asking again); `topic_words`: the segment's topic
        as it stands; `tokens`: every word of the question; `asks`: what it asks for
        (`asks_for`).

        A viewer asking their question again in nearly the same words joins its row (counted
        once there): a repeat that started a row of its own split the question in two, and
        every later asker joined the newer half. Only in nearly the same words: a viewer's
        other question sharing words with their first is not merged into it.
        """
        for text in (same_text, own_text):
            if text:
                earlier = self._get(self._by_text.get(text, -1))
                if earlier is not None and earlier.asks_as(asks):
                    return earlier.lead
        weights = {stem: TOPIC_WORD_WEIGHT if stem in topic_words else 1.0 for stem in content}
        shared: dict[int, float] = {}
        for stem, weight in weights.items():
            for number in self._by_stem.get(stem, ()):
                shared[number] = shared.get(number, 0.0) + weight
        own = sum(weights.values())
        best: tuple[float, int] | None = None
        mine: _Asked | None = None
        for number, weight in shared.items():
            earlier = self._get(number)
            if earlier is None:
                continue
            if earlier.author == author:
                # Their own question again, asked longer ago than the repeat check's recent
                # texts reach (76 s in a busy chat): in nearly the same words, its row.
                if _word_for_word(tokens, earlier.tokens) and earlier.asks_as(asks):
                    mine = earlier if mine is None or earlier.number > mine.number else mine
                continue
            if earlier.asked_by(author) or earlier.lead in self._waves:
                continue  # their own row, or a wave of pastes: only its own text joins that
            if not earlier.asks_as(asks):
                continue  # the same words, asking for another kind of answer
            if weight >= MIN_SHARED:
                if weight < MIN_OVERLAP_OF_BOTH * own:
                    # Too little of this one whatever the other weighs (max(own, theirs) >=
                    # own): passed over before the other's words are weighed, or a long line
                    # of kanji costs as many look-ups as the held questions have pieces.
                    continue
                theirs = sum(
                    TOPIC_WORD_WEIGHT if s in topic_words else 1.0 for s in earlier.content
                )
                if weight < MIN_OVERLAP_OF_BOTH * max(own, theirs):
                    continue  # a short question inside a longer one asking something else
                overlap = weight / min(own, theirs)
            elif weight >= 1.0 and _word_for_word(tokens, earlier.tokens):
                overlap = MIN_OVERLAP
            else:
                continue
            if overlap >= MIN_OVERLAP and (best is None or (overlap, -number) > best):
                best = (overlap, -number)
        if mine is not None:
            return mine.lead
        if best is None:
            return None
        found = self._get(-best[1])
        return found.lead if found is not None else None

    def is_question(self, text: str) -> bool:
        """`text` (as the repeat check keeps it) is a question of this segment still held, and
        no wave of pastes: a text nearly the same by another viewer asks it again."""
        asked = self._get(self._by_text.get(text, -1)) if text else None
        return asked is not None and asked.lead not in self._waves

    def wave(self, lead: CommentKey | None) -> None:
        """The row `lead` is a wave of pastes: a question sharing its words is not swallowed."""
        if lead is not None:
            self._waves.add(lead)

    def remember(
        self,
        key: CommentKey,
        author: str,
        content: frozenset[str],
        text: str,
        lead: CommentKey | None = None,
        tokens: frozenset[str] = frozenset(),
        asks: str = "",
    ) -> None:
        """Remember a question (`lead`: the first asker's comment when it was asked before)."""
        number = self._next
        self._next += 1
        lead_author = author if lead is None else self.first_asker(lead)
        self._first_askers[key] = author
        self._asked.append(
            _Asked(number, key, lead or key, author, lead_author, content, tokens, asks)
        )
        for stem in content:
            self._by_stem.setdefault(stem, []).append(number)
        if text:
            self._by_text[text] = number
        if number % self.size == self.size - 1:
            self._forget_old()

    def first_asker(self, lead: CommentKey) -> str:
        """Who asked the question `lead` first ("" when it is no longer remembered)."""
        return self._first_askers.get(lead, "")

    def _get(self, number: int) -> _Asked | None:
        if not self._asked:
            return None
        index = number - self._asked[0].number
        return self._asked[index] if 0 <= index < len(self._asked) else None

    def _forget_old(self) -> None:
        """Drop index entries of questions the ring no longer holds (once per `size` questions)."""
        oldest = self._asked[0].number if self._asked else self._next
        self._by_stem = {
            stem: kept
            for stem, numbers in self._by_stem.items()
            if (kept := [n for n in numbers if n >= oldest])
        }
        self._by_text = {text: n for text, n in self._by_text.items() if n >= oldest}
        held = {asked.key for asked in self._asked}
        self._first_askers = {k: a for k, a in self._first_askers.items() if k in held}
        leads = {asked.lead for asked in self._asked}
        self._waves = {lead for lead in self._waves if lead in leads}

    def __len__(self) -> int:
        return len(self._asked)


def _word_for_word(mine: frozenset[str], theirs: frozenset[str]) -> bool:
    """Nearly all the words of the shorter question are in the other."""
    if min(len(mine), len(theirs)) < 3:
        return False
    common = len(mine & theirs)
    contained = common / min(len(mine), len(theirs))
    return contained >= MIN_CONTAINED and common / len(mine | theirs) >= MIN_JACCARD
