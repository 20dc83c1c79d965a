"""The live segment's topic profile: weighted word stems and phrases, and what it learns.

Relevance is the saturating sum of the weights of the topic stems a comment uses:
`1 - exp(-1.2 * sum)`, so one keyword gives about 0.7, two about 0.9, a single word from the show
description about 0.3. Besides the configured words (title, keywords, `t`, the show description),
the profile learns the segment's working vocabulary while it runs (pseudo-relevance feedback):

- words that keep turning up in on-topic comments, in the hosts' own lines and in the comments
  the hosts answered or staged, much more often than in chat at large (lift), join it with a
  small weight (co-occurrence expansion);
- words many viewers suddenly take up during the segment (bursts);
- the words of comments the hosts answered or staged (relevance feedback).

`TopicMatch.learned` says how much of a comment's relevance only the learned words give, so the
explanation can tell "on topic" from "talks like this segment's chat".

Misspellings and word forms are covered by stemming and, for longer words, a rapidfuzz ratio
against the explicit topic words. Every table here is bounded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from operator import itemgetter

from rapidfuzz import fuzz, process

from stagehand.frozen import quick_init
from stagehand.ranking.text import STOPWORDS, Words, phrase_words, stem

TITLE_WEIGHT = 0.7
KEYWORD_WEIGHT = 1.0
PHRASE_WORD_WEIGHT = 0.5
FUZZY_FACTOR = 0.8
FUZZY_CUTOFF = 85.0
#: A word that is the start ("config", "repo") or the end of a compound ("scope") of a longer
#: topic word, at least SHORT_FORM_MIN letters and SHORT_FORM_SHARE of it, counts at
#: SHORT_FORM_FACTOR of its weight.
SHORT_FORM_FACTOR = 0.6
SHORT_FORM_MIN = 3
SHORT_FORM_SHARE = 0.33
LEARNED_CAP = 0.4
BURST_CAP = 0.3
BURST_MIN_DOCS = 30
BURST_AUTHORS = 6
#: Below these counts a word is neither learned (its on-topic co-occurrence) nor bursting (its
#: uses this segment): `_weight` asks no further.
_LEARNED_MIN_CO = 1.5
_BURST_MIN_USES = 3
FEEDBACK_STEP = 0.35
SATURATION = 1.2
#: Direct relevance from which a comment teaches the profile its other words.
TEACHING_RELEVANCE = 0.5
#: How much a line known to be about the segment teaches, as an on-topic comment of this
#: relevance would: a host's own line (the hosts talk about what they are doing), a comment the
#: hosts answered or staged (they judged it on topic).
HOST_LINE_EVIDENCE = 0.5
ANSWER_EVIDENCE = 1.0
#: Words that frame a title or a show description rather than say what it is about ("First look
#: at ...", "Envelope, MIDI and your questions", "Ask questions with !ask, raise your hand"): a
#: title keeps FRAMING_FACTOR of such a word's weight and the description drops it, so "hello" or
#: "questions" there does not put every greeting or question on topic.
FRAMING_FACTOR = 0.2
FRAMING_WORDS = frozenset(
    stem(word)
    for word in [
        *("first", "look", "hello", "hi", "welcome", "intro", "introduction", "episode"),
        *("segment", "today", "tonight", "live", "show", "stream", "talk", "talking", "discuss"),
        *("discussion", "chat", "news", "update", "updates", "question", "questions", "answers"),
        *("ama", "recap", "wrap", "new", "quick", "thoughts", "ask", "raise", "hand"),
        *("morning", "evening", "night", "monday", "tuesday", "wednesday", "thursday", "friday"),
        *("saturday", "sunday", "weekly", "daily"),
    ]
)
#: Everyday words: a topic word already used by this share of chat counts for nothing more than
#: EVERYDAY_FLOOR of its weight, one used by at most RARE_SHARE counts fully (log scale between).
EVERYDAY_SHARE = 0.1
RARE_SHARE = 0.005
EVERYDAY_FLOOR = 0.15
#: The show description's words say what every segment of the show is about: they count for a
#: comment that none of the segment's own words match, and add nothing to one they match ("the
#: port forwarding script" is no more about a port-forwarding segment for adding "on ubuntu" in
#: an Ubuntu help channel). False: they add to the segment's words, as before.
DESCRIPTION_ONLY_ALONE = True
#: Comments seen before chat-wide word shares are trusted.
EVERYDAY_MIN_DOCS = 50.0
_DECAY_EVERY = 1000
_FUZZY_MEMORY = 5000


@quick_init
@dataclass(frozen=True, slots=True)
class TopicMatch:
    relevance: float
    """0..1: how much the comment is about the topic."""
    terms: tuple[str, ...]
    """The topic stems (and phrases) it used, for explanations and tests."""
    learned: float = 0.0
    """The part of `relevance` only words learned during the segment give (from its chat, the
    hosts' lines and what the hosts answered): `relevance` minus the configured words' own."""
    looked_back: bool = False
    """Matched only by words the segment taught after the comment arrived (`look_back`): all
    of `relevance` is `learned`, and the comment teaches nothing by it."""

    def covers(self, content: frozenset[str]) -> bool:
        """Every one of these content stems is a topic word (the comment adds none of its own)."""
        return bool(content) and content.issubset(self.terms)


_NO_MATCH = TopicMatch(0.0, ())


def relevance_from_sum(total: float) -> float:
    """Turn summed term weights into a 0..1 relevance that saturates."""
    return 1.0 - math.exp(-SATURATION * total) if total > 0 else 0.0


class TopicProfile:
    """Stems and phrases with weights for the live segment, plus bounded learned tables."""

    def __init__(
        self, *, description_weight: float = 0.3, max_learned_terms: int = 400, learn: bool = True
    ) -> None:
        self.description_weight = description_weight
        self.max_learned_terms = max_learned_terms
        self.learn = learn
        self._explicit: dict[str, float] = {}
        self._phrases: dict[tuple[str, ...], float] = {}
        self._description: dict[str, float] = {}
        self._description_stems: list[tuple[str, float]] = []
        self._feedback: dict[str, float] = {}
        self._near_keys: list[str] = []
        self._fuzzy: dict[str, float] = {}
        self._static: dict[str, float] = {}
        self._configured: dict[str, float] = {}
        self._described: dict[str, float] = {}
        """The stems only the show description gives, at its weight (`DESCRIPTION_ONLY_ALONE`)."""
        # Chat-wide document frequency (kept across segments) and on-topic co-occurrence.
        self._df: dict[str, float] = {}
        self._docs = 0.0
        self._co: dict[str, float] = {}
        self._rel_docs = 0.0
        self._seg_df: dict[str, float] = {}
        self._seg_users: dict[str, set[str]] = {}
        self._seg_docs = 0.0
        self._seen = 0
        self._hindsight: dict[str, float] = {}

    # -- building the profile -------------------------------------------------------------

    def set_description(self, description: str) -> None:
        self._description_stems = [
            (s, share) for s, share in _content_stems(description) if s not in FRAMING_WORDS
        ]
        self._description = _heaviest(
            (s, self.description_weight * share) for s, share in self._description_stems
        )
        self._rebuild()

    def set_topic(self, title: str, keywords: Iterable[str]) -> None:
        """Replace the topic at once: explicit words, phrases, and everything learned for it."""
        self._explicit = {}
        self._phrases = {}
        self._feedback = {}
        self._co = {}
        self._rel_docs = 0.0
        self._seg_df = {}
        self._seg_users = {}
        self._seg_docs = 0.0
        self._hindsight = {}
        # Words this chat already uses everywhere ("ubuntu" in #ubuntu) say little about the
        # segment: damp them by how common they were before it began (an IDF learned from chat).
        self._description = _heaviest(
            (s, self.description_weight * share * self.everyday_factor(s))
            for s, share in self._description_stems
        )
        for stem_, share in _content_stems(title):
            weight = TITLE_WEIGHT * share * self.everyday_factor(stem_)
            if stem_ in FRAMING_WORDS:
                weight *= FRAMING_FACTOR
            self._explicit[stem_] = max(self._explicit.get(stem_, 0.0), weight)
        self.add_terms(keywords)

    def everyday_factor(self, stem_: str) -> float:
        """1 for a word rare in the chat so far, down to EVERYDAY_FLOOR for an everyday one."""
        if self._docs < EVERYDAY_MIN_DOCS:
            return 1.0
        share = (self._df.get(stem_, 0.0) + 0.5) / (self._docs + 1.0)
        if share <= RARE_SHARE:
            return 1.0
        span = math.log(EVERYDAY_SHARE / RARE_SHARE)
        factor = math.log(EVERYDAY_SHARE / share) / span
        return min(1.0, max(EVERYDAY_FLOOR, factor))

    def add_terms(self, terms: Iterable[str]) -> None:
        """Keywords or phrases the hosts add; a phrase also lifts its words a little."""
        for term in terms:
            words = phrase_words(term)
            stems = tuple(stem_ for word, _ in words for stem_ in word)
            if not stems:
                continue
            if len(stems) == 1:
                self._explicit[stems[0]] = KEYWORD_WEIGHT
                continue
            if len(words) == 1 and words[0][1]:
                # One word of Chinese or Japanese (kanji, katakana): its character pairs
                # share the word's weight, so the word counts once, as a word of a spaced
                # script does, and part of it (小麦 of 小麦粉) for part of its weight.
                self._add_pieces(stems, KEYWORD_WEIGHT)
                continue
            self._phrases[stems] = KEYWORD_WEIGHT  # a phrase, or a word in hiragana
            for word, content in words:
                if content:
                    self._add_pieces(word, PHRASE_WORD_WEIGHT)
                elif content is None and len(word[0]) > 1 and word[0] not in STOPWORDS:
                    weight = max(self._explicit.get(word[0], 0.0), PHRASE_WORD_WEIGHT)
                    self._explicit[word[0]] = weight
        self._rebuild()

    def _add_pieces(self, pieces: tuple[str, ...], weight: float) -> None:
        """The pieces of a word of Chinese or Japanese, sharing its weight."""
        for piece in pieces:
            share = weight / len(pieces)
            self._explicit[piece] = max(self._explicit.get(piece, 0.0), share)

    @property
    def terms(self) -> dict[str, float]:
        """The explicit topic stems and their weights (for display and tests)."""
        return dict(self._explicit)

    def __contains__(self, stem: object) -> bool:
        """`stem` is part of the topic as it stands (explicit, learned, bursting or taught)."""
        return isinstance(stem, str) and self._weight(stem)[0] > 0

    # -- judging ----------------------------------------------------------------------------

    def match(self, words: Words, *, description: bool = True) -> TopicMatch:
        """How much `words` are about the segment. `description`: whether the show description
        may count for a comment none of the segment's words match (`DESCRIPTION_ONLY_ALONE`);
        not in a help channel, where it is the subject of every line
        (`ranker.HELP_CHANNEL_UNDESCRIBED`)."""
        total = configured = described = 0.0
        used: list[str] = []
        show_words: list[str] = []
        only_described = self._described if DESCRIPTION_ONLY_ALONE else {}
        for stem_ in words.content:
            weight, own = self._weight(stem_)
            if weight > 0:
                if weight <= only_described.get(stem_, 0.0):
                    described += weight  # the show's subject: counted below, if alone
                    show_words.append(stem_)
                    continue
                total += weight
                configured += own
                used.append(stem_)
        for phrase, weight in self._phrases.items():
            if _contains_run(words.stems, phrase):
                total += weight
                configured += weight
                used.append(" ".join(phrase))
        if not used and show_words and description:
            total = configured = described
            used = show_words
        if not used and self._hindsight:
            return self._match_later(words)
        if not used:
            return _NO_MATCH  # most comments: no word counted (nothing summed, nothing learned)
        relevance = relevance_from_sum(total)
        learned = relevance - relevance_from_sum(configured) if total > configured else 0.0
        return TopicMatch(relevance, tuple(sorted(used)), learned)

    def _match_later(self, words: Words) -> TopicMatch:
        """A comment no word known on its arrival matched, matched by the vocabulary its segment
        learned by its end (`look_back`)."""
        later = self._hindsight
        used = [stem_ for stem_ in words.content if stem_ in later]
        if not used:
            return _NO_MATCH
        relevance = relevance_from_sum(sum(later[stem_] for stem_ in used))
        return TopicMatch(relevance, tuple(sorted(used)), relevance, looked_back=True)

    def _weight(self, stem_: str) -> tuple[float, float]:
        """The stem's weight, and the part of it the configured words give (the rest was learned
        during the segment)."""
        weight = self._static.get(stem_, 0.0)
        own = self._configured.get(stem_, 0.0) if weight else 0.0
        # Most words were never learned nor burst: the two look-ups below answer them without
        # the calls (each of which would answer 0 for them, and the weight is never below 0).
        if self._co and self._co.get(stem_, 0.0) >= _LEARNED_MIN_CO:
            weight = max(weight, self._learned_weight(stem_))
        if self._seg_docs >= BURST_MIN_DOCS and self._seg_df.get(stem_, 0.0) >= _BURST_MIN_USES:
            weight = max(weight, self._burst_weight(stem_))
        if weight == 0.0 and len(stem_) >= SHORT_FORM_MIN and self._near_keys:
            weight = self._fuzzy.get(stem_, -1.0)
            if weight < 0:
                weight = self._near_weight(stem_)
            own = weight  # a clipped or misspelt configured word
        return weight, own

    def _near_weight(self, stem_: str) -> float:
        """A topic word in another form counts a little less: misspelt ("oscilator"), or a short
        form of it ("scope" for oscilloscope, "config" for configuration). Remembered: chat repeats
        its typos and its short forms."""
        weight = 0.0
        for key in self._near_keys:
            if _short_form(stem_, key):
                weight = max(weight, self._explicit[key] * SHORT_FORM_FACTOR)
        if weight:
            # An everyday word of this chat ("back", "get") is itself, not a clipped topic word.
            weight *= self.everyday_factor(stem_) ** 2
        if len(stem_) >= 5:
            found = process.extractOne(
                stem_, self._near_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF
            )
            if found is not None:
                weight = max(weight, self._explicit[found[0]] * FUZZY_FACTOR)
        if len(self._fuzzy) >= _FUZZY_MEMORY:
            self._fuzzy.clear()
        self._fuzzy[stem_] = weight
        return weight

    def _rebuild(self) -> None:
        """One table of the fixed weights (explicit, host feedback, description) for `match`."""
        configured = dict(self._description)
        for stem_, weight in self._explicit.items():
            if weight > configured.get(stem_, 0.0):
                configured[stem_] = weight
        static = dict(configured)
        for stem_, weight in self._feedback.items():
            if weight > static.get(stem_, 0.0):
                static[stem_] = weight
        self._configured = configured
        self._static = static
        self._described = {s: w for s, w in self._description.items() if static.get(s) == w}
        self._near_keys = [s for s, w in self._explicit.items() if len(s) >= 4 and w >= 0.5]
        self._fuzzy = {}

    def _learned_weight(self, stem_: str) -> float:
        if not self.learn or self._rel_docs < 2:
            return 0.0
        co = self._co.get(stem_, 0.0)
        if co < _LEARNED_MIN_CO:
            return 0.0
        p_topic = co / self._rel_docs
        p_chat = self._df.get(stem_, 0.0) / max(self._docs, 1.0)
        lift = p_topic / max(p_chat, 1e-9)
        if lift < 2.0:
            return 0.0
        return LEARNED_CAP * min(1.0, (co - 1.0) / 3.0) * min(1.0, (lift - 1.0) / 4.0)

    def _burst_weight(self, stem_: str) -> float:
        """Up to BURST_CAP for a word BURST_AUTHORS viewers took up during this segment: used at
        least 3 times, and at least 3x as often as in the chat before the segment began."""
        seg = self._seg_df.get(stem_, 0.0)
        if seg < _BURST_MIN_USES or len(self._seg_users.get(stem_, ())) < BURST_AUTHORS:
            return 0.0
        before = max(self._df.get(stem_, 0.0) - seg, 0.0)
        docs_before = max(self._docs - self._seg_docs, 1.0)
        lift = (seg / self._seg_docs) / ((before + 1.0) / docs_before)
        if lift < 3.0:
            return 0.0
        return BURST_CAP * min(1.0, (seg - 2.0) / 4.0) * min(1.0, (lift - 2.0) / 6.0)

    # -- learning ---------------------------------------------------------------------------

    def observe(self, words: Words, direct_relevance: float, author: str = "") -> None:
        """Count the comment's words; on-topic comments teach their other words to the topic."""
        if not self.learn:
            return
        self._docs += 1
        self._seg_docs += 1
        df, seg_df, seg_users = self._df, self._seg_df, self._seg_users
        for stem_ in words.content:
            df[stem_] = df.get(stem_, 0.0) + 1
            seg_df[stem_] = seg_df.get(stem_, 0.0) + 1
            users = seg_users.get(stem_)
            if users is None:
                seg_users[stem_] = {author}
            elif len(users) < BURST_AUTHORS:
                users.add(author)
        if direct_relevance >= TEACHING_RELEVANCE:
            self._rel_docs += direct_relevance
            for stem_ in words.content:
                if stem_ not in self._explicit:
                    self._co[stem_] = self._co.get(stem_, 0.0) + direct_relevance
        self._seen += 1
        if self._seen % _DECAY_EVERY == 0:
            self._decay()

    def learned_vocabulary(self) -> dict[str, float]:
        """The working vocabulary the segment learned by co-occurrence (from its on-topic chat,
        the hosts' lines and the comments the hosts answered), stem -> weight, as it stands.

        Not its bursts: what the crowd is suddenly saying belongs to that moment (a wave at the
        segment's end says nothing about a comment from its start). Not the answered comments'
        own words either (`feedback`): an answer would lift the very comment answered."""
        learned = ((stem_, self._learned_weight(stem_)) for stem_ in self._co)
        return {stem_: weight for stem_, weight in learned if weight > 0}

    def look_back(self, vocabulary: dict[str, float]) -> None:
        """Judge the segment again knowing what it taught by its end (`learned_vocabulary` of
        the profile that ran through it): a comment none of the words known on its arrival
        match is matched by that vocabulary, as the comments after the chat taught it were.
        Until the topic changes. Only for looking back on a finished segment (`stagehand
        rank`): the live queue scores each comment once, on arrival."""
        self._hindsight = dict(vocabulary)

    def teach(self, words: Words, evidence: float) -> dict[str, float]:
        """A line known to be about the segment (a host's own line, a comment the hosts answered):
        its words count as co-occurring with the topic, as an on-topic comment's do.

        Returns what it added, so an undone answer can take it back (`unteach`)."""
        if not self.learn or evidence <= 0:
            return {}
        added = {s: evidence for s in words.content if s not in self._explicit}
        if added:
            self._rel_docs += evidence
            for stem_, amount in added.items():
                self._co[stem_] = self._co.get(stem_, 0.0) + amount
        return added

    def unteach(self, added: dict[str, float]) -> None:
        """Take back what `teach` added (an undone answer)."""
        if not added:
            return
        self._rel_docs = max(0.0, self._rel_docs - max(added.values()))
        for stem_, amount in added.items():
            left = self._co.get(stem_, 0.0) - amount
            if left > 1e-9:
                self._co[stem_] = left
            else:
                self._co.pop(stem_, None)

    def feedback(self, words: Words, positive: bool) -> dict[str, float | None]:
        """The hosts answered (positive) or dismissed a comment: move its words with it.

        Returns each moved word's weight before (None: it had none), so an undo can put it back.
        """
        step = FEEDBACK_STEP if positive else -FEEDBACK_STEP
        before = {s: self._feedback.get(s) for s in words.content if s not in self._explicit}
        for stem_ in words.content:
            if stem_ in self._explicit:
                continue
            weight = min(1.0, max(0.0, self._feedback.get(stem_, 0.0) + step))
            if weight > 0:
                self._feedback[stem_] = weight
            else:
                self._feedback.pop(stem_, None)
        self._feedback = _keep_top(self._feedback, self.max_learned_terms)
        self._rebuild()
        return before

    def restore_feedback(self, before: dict[str, float | None]) -> None:
        """Put words back where an undone answer or dismissal found them."""
        for stem_, weight in before.items():
            if weight is None:
                self._feedback.pop(stem_, None)
            else:
                self._feedback[stem_] = weight
        self._rebuild()

    def _decay(self) -> None:
        # Halve the counts so old chat fades, and keep only the most frequent words.
        self._docs /= 2
        self._rel_docs /= 2
        self._df = _halved_top_and_dropped(self._df, self.max_learned_terms * 10)[0]
        self._co = _halved_top_and_dropped(self._co, self.max_learned_terms)[0]
        self._seg_docs /= 2
        self._seg_df, dropped = _halved_top_and_dropped(self._seg_df, self.max_learned_terms * 10)
        users = self._seg_users  # every word of the segment's counts has its viewers here
        for stem_ in dropped:  # a few hundred words of thousands: cheaper than a new dict
            del users[stem_]

    def size(self) -> int:
        """How many entries the tables hold (for the bounded-memory test)."""
        tables = (self._df, self._co, self._feedback, self._explicit, self._seg_df, self._seg_users)
        return sum(len(table) for table in tables)


def _content_stems(text: str) -> list[tuple[str, float]]:
    """The content stems of a title or description, each with its share of its written word:
    1 for a word of a spaced script; a word of Chinese or Japanese shares it among its pieces
    (`text.unspaced_words`: "スープ" is スー and ープ, half each), and hiragana is no content.
    A run of one character in a longer written word weighs no more than one of its pieces:
    作 and 方 of "豚骨ラーメンの作り方" are 1/6 each, not a word each ("あの方は誰ですか" is no
    question about the ramen); a title of one kanji ("麺") is still a whole word."""
    out: list[tuple[str, float]] = []
    for written in text.split():
        words = phrase_words(written)
        pieces = sum(len(word) for word, content in words if content)
        for word, content in words:
            if content is None:
                if word[0] not in STOPWORDS and len(word[0]) > 1:
                    out.append((word[0], 1.0))
            elif content:
                share = 1.0 / pieces if len(word[0]) == 1 else 1.0 / len(word)
                out += [(piece, share) for piece in word]
    return out


def _heaviest(weights: Iterable[tuple[str, float]]) -> dict[str, float]:
    """Each stem's greatest weight."""
    table: dict[str, float] = {}
    for stem_, weight in weights:
        if weight > table.get(stem_, 0.0):
            table[stem_] = weight
    return table


def _short_form(word: str, topic_word: str) -> bool:
    """True when `word` is a clipped form of the longer `topic_word`: its start ("repo" of
    "repositori", "config" of "configur"), or its end after a part of at least as many letters
    ("scope" of "oscilloscop"; not "witch" of "switch" or "work" of "network")."""
    if len(word) < SHORT_FORM_MIN or len(word) + 2 > len(topic_word):
        return False  # "new" is no clipped "news": a clipped word drops at least two letters
    if len(word) < SHORT_FORM_SHARE * len(topic_word):
        return False
    if topic_word.startswith(word):
        return True
    return topic_word.endswith(word) and len(topic_word) - len(word) >= len(word)


def _contains_run(stems: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    size = len(phrase)
    first = phrase[0]
    if first not in stems:  # most comments: one pass in C instead of a Python loop
        return False
    return any(
        stems[i] == first and stems[i : i + size] == phrase for i in range(len(stems) - size + 1)
    )


def _halved_top_and_dropped(
    table: dict[str, float], limit: int
) -> tuple[dict[str, float], list[str]]:
    """`_keep_top` of the table with every count halved, without halving what is then dropped,
    and the words dropped: with fresh chat the word tables grow by thousands of words between
    two decays, so a decay sorts the words once, by their counts before halving (halving keeps
    their order, ties included: it is exact for any count above 1e-307), and halves the words it
    keeps (`v * 0.5` is `v / 2` exactly; mapped in C, it costs half a Python loop's time)."""
    if len(table) <= limit:
        return dict(zip(table, map(_HALF, table.values()), strict=True)), []
    ordered = sorted(table, key=table.__getitem__, reverse=True)
    kept = ordered[:limit]
    halved = map(_HALF, map(table.__getitem__, kept))
    return dict(zip(kept, halved, strict=True)), ordered[limit:]


_HALF = (0.5).__mul__


def _keep_top(table: dict[str, float], limit: int) -> dict[str, float]:
    if len(table) <= limit:
        return table
    kept = sorted(table.items(), key=itemgetter(1), reverse=True)[:limit]
    return dict(kept)
