"""The Ranker: one per show, scores each comment once on arrival and learns from the hosts.

`score` combines the pure signals (signals.py), the topic profile (topic.py) and the bounded show
memory (memory.py) into a `Score`: `value` is the sum of `reasons`, `rank_key` folds the recency
decay in (recency.py), `flags` names what was found using the names the store and metrics count.
The cost per comment is a few regex passes, a set lookup per word and one rapidfuzz scan over a
fixed-size ring of recent texts: constant, whatever the length of the show.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import _lru_cache_wrapper, lru_cache, partial

from stagehand.config.ranking import RankingSettings, SpamRules
from stagehand.domain import AuthorKey, Comment, Role, Score, Segment, host_account
from stagehand.frozen import quick_init
from stagehand.ranking import signals
from stagehand.ranking.audience import Audience
from stagehand.ranking.chat_style import ChatStyle
from stagehand.ranking.memory import LRU, AuthorState, RecentTexts, decayed
from stagehand.ranking.questions import speaks_to_you
from stagehand.ranking.recency import rank_key
from stagehand.ranking.same_question import SameQuestions, asks_for
from stagehand.ranking.text import (
    Words,
    bound_caches,
    normalize_for_repeat,
    said_once,
    split_words,
    wall_phrase,
)
from stagehand.ranking.topic import ANSWER_EVIDENCE, HOST_LINE_EVIDENCE, TopicProfile

#: How long an author's or a comment's topic carries to replies and follow-ups (seconds).
THREAD_HALF_LIFE = 600.0
REPLY_CARRY = 0.8
MENTION_CARRY = 0.8
FOLLOW_UP_CARRY = 0.7
OFF_TOPIC_QUESTION_SHARE = 0.2
EXEMPLARS = 50
MIN_SIMILARITY = 0.25
#: A question that neither says "you" nor names anyone is still likely for the show, less surely.
IMPLICIT_TO_SHOW = 0.7
#: The share of its topic a viewer's remark to another viewer loses in a show with hosts.
VIEWER_TALK_DAMPING = 0.5
#: The share of its topic a viewer's remark to the room keeps in a show with hosts (a question
#: keeps all of it).
REMARK_TOPIC_SHARE = 0.7
#: Content words from which a comment says more than a reaction (`substance`: beyond
#: SUBSTANCE_FROM, growing to its full points at SUBSTANCE_FULL).
SUBSTANCE_FROM = 2
SUBSTANCE_FULL = 6
#: `substance` counts every word a comment says (emotes aside), not only its content words:
#: "HE LIED IN THE INTERVIEW" says one thing in five words, two of them content words.
SUBSTANCE_COUNTS_WORDS = True
#: In a terse chat, `shouting` and `off_topic` keep only (1 - terse) of their weight: where
#: capitals are how the whole chat talks and most comments share no word with the topic,
#: neither tells a comment from the ones around it (a quarter of each on #xqcow, all of each in
#: a chat of sentences).
TERSE_FADES_PENALTIES = True
#: In a channel without hosts (a help channel) the conversations are the show: the topic a line
#: carries from its thread counts this much more than in a show, where the hosts' segment is.
HOSTLESS_THREAD_FACTOR = 1.2
#: A wall is the reaction it repeats: "PogU APEX PogU APEX ..." is judged by "PogU APEX"
#: (`reaction`, `echo`), as its phrase posted once would be.
WALLS_REACT = True
#: In a chat of emotes, a question posted as a wall takes no `question` or `to_show` points.
WALLS_ASK_NOTHING = True
#: In a help channel (no host has spoken, and a chat of sentences: `terse` 0, once the chat's
#: style is known, after `chat_style.STYLE_MIN_COMMENTS` comments) the show's
#: description is the channel's own subject ("Ubuntu help desk: installing, configuring and fixing
#: Ubuntu"): every line there is about it, so it tells no line apart, and a comment none of the
#: segment's words match gets nothing from it ("does ubuntu install nvidia drivers?" is another
#: viewer's problem, not the port-forwarding conversation the segment is). In a show, and in a
#: stream's chat of emotes, it still counts alone (`topic.DESCRIPTION_ONLY_ALONE`).
HELP_CHANNEL_UNDESCRIBED = True
#: Where no host has spoken, in a chat of emotes (a stream's, not a help channel's), a question
#: pointing at a thing ("is this game still relevant?") is put to the show, as any question not
#: put to the chat is in a show (IMPLICIT_TO_SHOW).
POINTING_ASKS_THE_SHOW = True
#: A text nearly the same as (the repeat check's ratio) another viewer's question of this
#: segment asks it again, in other spelling, whether or not the question detection reads it
#: as one ("porque usas cuerdas de nylon en la guitarra" after "por qué usas cuerdas…"): a
#: question asked again, one row "asked by N", never a paste (until `WAVE_COPIES`).
ASKED_AGAIN_STRENGTH = 0.8
#: ...but only a text as long as a paste (`copypasta_min_chars`) and this near the question
#: (0-100): "not tos" after "NOT TOS?", "this is the final boss" after "is this the final
#: boss?" (88.9) are answers, not the question asked again by its answerer; the three
#: spellings of "por qué usas cuerdas de nylon en la guitarra" are 94.4 to 95.5.
ASKED_AGAIN_SIMILARITY = 94.0
#: A question others posted word for word this many times among the recent texts is a wave of
#: pastes from then on; fewer copies are viewers asking the same question (one row "asked by N",
#: lifted). Four viewers asking it on four platforms are askers; a sixth copy is where the
#: row's lift has stopped growing (`queue_order.MAX_ASKED_BY`) and a wave begins.
WAVE_COPIES = 5
_HOST_ROLES = frozenset({Role.BROADCASTER.value, Role.HOST.value})
_MODERATOR = Role.MODERATOR.value
_STEERING_ROLES = _HOST_ROLES | {_MODERATOR}
#: The roles a `[show] hosts` account's lines are scored with, whatever its platform says.
_CONFIGURED_HOST = frozenset({Role.HOST.value})
_SUBSCRIBER_ROLES = frozenset({Role.SUBSCRIBER.value, Role.VIP.value, Role.MEMBER.value})
#: The reasons that say a comment is about the segment (what a side conversation keeps half of).
_TOPICAL = ("topic", "learned_topic", "thread", "feedback")
#: What `copy.deepcopy` of a Ranker does not copy (`Ranker.__deepcopy__`).
_NOT_COPIED = frozenset({"_names_view", "_facts"})
#: A `Score`'s fields in order: value, rank key, reasons, flags, same as.
ScoreParts = tuple[float, float, dict[str, float], frozenset[str], tuple[str, str] | None]


@dataclass(frozen=True, slots=True)
class Feedback:
    """What one answer or dismissal taught the ranker, kept so an undo can take it back."""

    content: frozenset[str]
    positive: bool
    before: dict[str, float | None]
    topic_changes: int
    taught: dict[str, float] = field(default_factory=dict)
    """What an answer taught the segment's vocabulary (`TopicProfile.teach`)."""


@quick_init
@dataclass(frozen=True, slots=True)
class _TextFacts:
    """What a comment's text says by itself, worked out once per text: chat repeats its texts
    (two comments in three repeat one of the last few thousand), and a repeat then costs one
    lookup instead of one per signal."""

    words: Words
    command: bool
    """A chat command other than `!ask` (when the comment did not come as one)."""
    emote_only: bool
    laughter: bool
    catching_up: bool
    strength: float
    """`question_strength` (an `!ask` question counts 1.0 whatever this says)."""
    link: bool
    spam_phrase: bool
    normalized: str
    said: str
    repeats_itself: bool
    shouting: bool
    for_later: bool
    opener: str
    """`signals.opener_name`: the name a "name: ..." opener speaks to ("" for none)."""


class Ranker:
    """Holds a show's ranking state; see docs/ranking.md for the signals and the weights."""

    def __init__(
        self, settings: RankingSettings, *, show_description: str = "", command_prefix: str = "!"
    ) -> None:
        self.settings = settings
        self.command_prefix = command_prefix
        bound_caches(settings.cached_texts)
        spam = settings.spam
        self.topic = TopicProfile(
            description_weight=settings.description_weight,
            max_learned_terms=settings.max_learned_terms,
            learn=settings.learn_from_chat,
        )
        self.topic.set_description(show_description)
        self._recent = RecentTexts(spam.recent_texts, spam.near_duplicate_ratio)
        self._style = ChatStyle()
        #: By (platform, user id), an `AuthorKey`'s fields: a tuple hashes and compares in C, where
        #: an `AuthorKey` calls its Python `__hash__` and `__eq__` (twice a look-up: the LRU moves
        #: what it finds to the end).
        self._authors: LRU[tuple[str, str], AuthorState] = LRU(spam.max_authors)
        self._names: LRU[str, AuthorKey] = LRU(spam.max_authors)
        self._names_view = self._names.keys()  # `in` without touching the recency order
        # Recent comment id -> (its topic relevance, its author), for replies.
        self._comments: LRU[str, tuple[float, AuthorKey]] = LRU(spam.recent_texts * 10)
        self._spam_phrases = tuple(p for p in spam.phrases if p)
        self._audience = Audience()
        self._same = SameQuestions()
        self._raised: set[AuthorKey] = set()
        self._on_stage: set[AuthorKey] = set()
        #: `[show] hosts` accounts, (platform, casefolded user name): see `add_hosts`.
        self._host_accounts: set[tuple[str, str]] = set()
        self._liked: deque[frozenset[str]] = deque(maxlen=EXEMPLARS)
        self._disliked: deque[frozenset[str]] = deque(maxlen=EXEMPLARS)
        self._topic_changes = 0  # what feedback learned belongs to the topic it was given under
        self._setup_segment = False  # the segment is about the hosts' setup (mic, camera, ...)
        # Per ranker: the facts depend on its settings (prefix, spam phrases, shouting rule). Not a
        # bound method: the ranker would hold itself, and once `gc.freeze` had moved it out of
        # the collector's reach (ranking/worker_process.py) a finished show's ranker would stay.
        self._facts: _lru_cache_wrapper[_TextFacts] = lru_cache(maxsize=settings.cached_texts)(
            partial(_text_facts, command_prefix, self._spam_phrases, spam)
        )

    def __deepcopy__(self, memo: dict[int, object]) -> Ranker:
        """The ranker as it stands, to go on from separately (`stagehand rank` judges each
        segment again from where it began: ranking/offline.py)."""
        clone = object.__new__(Ranker)
        memo[id(self)] = clone
        for name, value in vars(self).items():
            if name not in _NOT_COPIED:
                setattr(clone, name, copy.deepcopy(value, memo))
        clone._names_view = clone._names.keys()  # a live view: of the copy's names
        clone._facts = self._facts  # what a text says depends on the settings only
        return clone

    # -- what the hosts tell the ranker -------------------------------------------------------

    def set_segment(self, segment: Segment) -> None:
        """A new topic, at once: what was learned for the old one no longer applies."""
        self.topic.set_topic(segment.title, segment.keywords)
        self._liked.clear()
        self._same.segment_is((segment.position, segment.started_at))
        self._topic_changes += 1
        self._setup_segment = _about_the_setup(segment)

    def add_topic_terms(self, terms: Iterable[str]) -> None:
        self.topic.add_terms(terms)

    def set_hand(self, author: AuthorKey, raised: bool) -> None:
        (self._raised.add if raised else self._raised.discard)(author)

    def set_on_stage(self, author: AuthorKey, on_stage: bool, *, names: Iterable[str] = ()) -> None:
        """`author` came on stage or left it; `names` (their user and display names) let the
        ranker lift comments that name them while they are there."""
        (self._on_stage.add if on_stage else self._on_stage.discard)(author)
        self._audience.set_guest(author, on_stage, names)

    def add_hosts(self, hosts: Iterable[str]) -> None:
        """The hosts, before they speak: `[show] hosts` accounts ("twitch:cohost") or bare names.
        Questions naming them are put to the show, and an account's own lines are the hosts'
        whatever roles its platform gives it (a reply to a co-host is for the show)."""
        for entry in hosts:
            account = host_account(entry)
            if account is not None:
                self._host_accounts.add(account)
            self._audience.add_host_names([account[1] if account is not None else entry])

    def recall_author(self, author: AuthorKey, comments: int) -> None:
        """A resumed show: `author` already wrote `comments` comments (no newcomer any more)."""
        if comments > 0 and self._authors.get(_account(author)) is None:
            self._authors.put(_account(author), AuthorState(comments=comments))

    def feedback(self, comment: Comment, positive: bool) -> Feedback | None:
        """Answered or staged (positive) lifts similar comments; dismissed sinks them.

        Returns what was learned, for `take_back` when the hosts undo the answer or dismissal.
        """
        if positive:
            self._audience.answered = True
        words = split_words(self._body(comment)[0])
        if not words.content:
            return None
        (self._liked if positive else self._disliked).append(words.content)
        before = self.topic.feedback(words, positive)
        taught = self.topic.teach(words, ANSWER_EVIDENCE) if positive else {}
        return Feedback(words.content, positive, before, self._topic_changes, taught)

    def take_back(self, feedback: Feedback) -> None:
        """Forget an undone answer or dismissal (unless the topic changed since: then it is gone)."""
        examples = self._liked if feedback.positive else self._disliked
        if feedback.content in examples:
            examples.remove(feedback.content)
        if feedback.topic_changes == self._topic_changes:
            self.topic.restore_feedback(feedback.before)
            self.topic.unteach(feedback.taught)

    # -- scoring -------------------------------------------------------------------------------

    def score(self, comment: Comment, *, ask: bool | None = None) -> Score:
        """Score one comment on arrival. `ask` says whether it came as `!ask <question>` (the
        pipeline has already cut the command word off); None lets the ranker read it off the text."""
        return Score(*self.score_parts(comment, ask=ask))

    def score_parts(self, comment: Comment, *, ask: bool | None = None) -> ScoreParts:
        """`score` as a plain tuple of the `Score`'s fields, in their order: what the worker
        process sends back (ranking/wire.py), without building a `Score` to take it apart."""
        settings = self.settings
        weights = settings.weights
        spam = settings.spam
        now = comment.ts.timestamp()
        body, ask = self._body(comment, ask)
        facts = self._facts(body)
        words = facts.words
        key = comment.author.key
        who = str(key)  # the author, as the text memories keep them
        author = comment.author
        state = self._authors.get((author.platform, author.id)) or AuthorState()
        roles = author.roles
        if (
            self._host_accounts
            and (author.platform.casefold(), author.name.casefold()) in self._host_accounts
        ):
            roles = roles | _CONFIGURED_HOST  # a `[show] hosts` account speaks as a host
        if roles & _HOST_ROLES:
            self._audience.learn_host(comment)
        reasons: dict[str, float] = {"base": weights.base}
        flags: set[str] = set()
        terse = self._style.terse  # read once: the chat's style changes after the scoring

        # What kind of comment is it?
        command = not ask and facts.command
        emote_only = facts.emote_only
        laughter = facts.laughter
        names = self._known_names(words)
        greeting = (
            signals.is_greeting(body, words, names)
            or facts.catching_up
            # Lazily: only a comment with a word of praise needs the names looked for.
            or signals.is_praise(
                words, lambda: itertools.chain(names, self._audience.names_in(words))
            )
        )
        noise = command or emote_only or laughter or greeting

        # Topic: direct relevance, and what the comment inherits from the thread it is part of.
        # A greeting or a farewell is about no topic, whatever words it shares with the show's
        # description: the hosts' names ("hey john hey priya"), "build" ("great build!").
        topic = (
            None
            if greeting
            else self.topic.match(
                words,
                description=not HELP_CHANNEL_UNDESCRIBED
                or not self._style.settled
                or terse > 0
                or self._audience.has_hosts,
            )
        )
        direct = topic.relevance if topic is not None else 0.0
        addressed = signals.addressed_names(body, words, self._names_view, opener=facts.opener)
        audience = self._audience
        to_viewers = [
            n
            for n in addressed
            if not audience.is_show_name(n) and not self._is_channel(n, comment)
        ]
        parent = self._comments.get(comment.reply_to) if comment.reply_to is not None else None
        parent_key = parent[1] if parent is not None else None
        partners: list[AuthorState] = []
        inherited = (
            0.0 if noise else self._inherited(comment, state, parent, addressed, now, partners)
        )
        relevance = max(direct, inherited)
        if topic is not None and direct > 0:
            # What the configured words give, and what only the words learned during the segment
            # (its chat, the hosts' lines, what they answered) add: `w` says which is which.
            if direct > topic.learned:
                reasons["topic"] = weights.topic * (direct - topic.learned)
            if topic.learned > 0:
                reasons["learned_topic"] = weights.topic * topic.learned
        if relevance > direct:
            thread = (
                weights.thread if audience.has_hosts else weights.thread * HOSTLESS_THREAD_FACTOR
            )
            reasons["thread"] = thread * (relevance - direct)
        if relevance >= settings.on_topic_threshold:
            flags.add("on_topic")

        # Questions. `!ask` is one, the viewer says so, unless there is nothing to ask in it
        # (emotes or laughter only): then it is flagged `ask` (the command was heard) and
        # neither a question nor lifted.
        asked = ask and not (emote_only or laughter)
        strength = 1.0 if asked else facts.strength
        # Said before? (Asked again in other spelling, a paste, a repeat: below.)
        match = self._recent.find(facts.said, who) if not emote_only else None
        if (
            not strength
            and not noise
            and match is not None
            and not match.same_author
            and match.similarity >= ASKED_AGAIN_SIMILARITY
            and len(facts.normalized) >= spam.copypasta_min_chars
            and self._same.is_question(match.other_text)
        ):
            strength = ASKED_AGAIN_STRENGTH
        if strength > 0 and not noise:
            flags.add("question")
            share = OFF_TOPIC_QUESTION_SHARE + (1 - OFF_TOPIC_QUESTION_SHARE) * relevance
            reasons["question"] = weights.question * strength * share
        if ask:
            flags.add("ask")
        if asked:
            flags.add("question")
            reasons["ask"] = weights.ask

        # Said to other viewers, not to the show: never a question for the hosts' follow-up.
        # An `!ask` is put to the show, whoever it names first or however it is worded.
        replying_to_viewer = (
            parent_key is not None and parent_key != key and not audience.is_show_key(parent_key)
        )
        to_chat = not asked and bool(
            to_viewers or replying_to_viewer or self._to_chat(comment, words, strength)
        )
        if to_chat:
            flags.add("to_chat")

        # Said to a guest on stage, or a question put to the show. A question about the
        # broadcast ("what mic is she using?"), unless the segment is about the setup, or for a
        # later show ("can you do gnocchi next week") is for the show but not for this segment:
        # it gets neither lift.
        broadcast = not self._setup_segment and signals.about_the_broadcast(words, self.topic)
        later = facts.for_later
        if strength > 0:
            flags.update(
                n for n, on in (("about_broadcast", broadcast), ("for_later", later)) if on
            )
        broadcast = broadcast or later
        to_guest = (
            not noise
            and not broadcast
            and audience.has_guests
            and (
                (parent_key is not None and audience.is_guest(parent_key))
                or audience.names_a_guest(words, addressed)
            )
            and not audience.is_guest(key)
        )
        if to_guest:
            flags.add("to_guest")
            reasons["guest"] = weights.guest
        to_show = 0.0
        if (
            "question" in flags
            and not noise
            and not to_chat
            and not broadcast
            and not roles & _HOST_ROLES
        ):
            to_show = self._put_to_show(words, addressed, parent_key, to_guest)
            if to_show > 0:
                flags.add("to_show")
                reasons["to_show"] = weights.to_show * to_show * strength * (1 - relevance)

        # Low-value kinds.
        if command:
            reasons["command"] = weights.command
        elif emote_only:
            flags.add("emote_only")
            reasons["emote"] = weights.emote_only
        # A wall is the reaction it repeats ("POGGERS APEX 🔥 LIT POGGERS APEX 🔥 LIT ...").
        once = (
            words
            if facts.said == facts.normalized or noise or strength or not WALLS_REACT
            else split_words(wall_phrase(body, facts.said))
        )
        if not noise and strength == 0 and signals.is_reaction(once):
            # An emote reaction that echoes a topic word is the chat cheering, not a remark.
            gained = sum(reasons.get(n, 0.0) for n in ("topic", "learned_topic", "thread"))
            if gained > 0:
                reasons["reaction"] = max(weights.reaction, -gained)
                if topic is not None and topic.covers(once.content):
                    # Nothing but the topic's own words ("PRO GAMER LULW" under "A pro gamer
                    # refused a US work visa"): the chat saying the title back says nothing.
                    reasons["echo"] = max(weights.echo, -(gained + reasons["reaction"]))
        if laughter:
            flags.add("laughter")
            reasons["laughter"] = weights.laughter
        if greeting:
            flags.add("greeting")
            reasons["greeting"] = weights.greeting
        if (to_viewers or replying_to_viewer) and relevance < settings.on_topic_threshold:
            # The closer a reply comes to the topic, the less it is a side conversation.
            flags.add("side_chatter")
            threshold = settings.on_topic_threshold
            reasons["side_chatter"] = weights.side_chatter * (1 - relevance / threshold)
        penalty_share = 1.0 - terse if TERSE_FADES_PENALTIES else 1.0
        if not noise and not words.content and strength == 0:
            reasons["short"] = weights.short
        elif (
            not noise
            and not to_show
            and relevance < settings.off_topic_threshold
            and len(words.content) >= 2
        ):
            flags.add("off_topic")
            reasons["off_topic"] = weights.off_topic * penalty_share

        # Spam, repeats, shouting.
        newcomer = comment.first_message or state.comments == 0
        steering = bool(roles & _STEERING_ROLES)
        if facts.link and not steering:
            flags.add("link")
            # Link spam rarely talks about the topic; an on-topic link is just a link.
            if newcomer and spam.newcomer_link_is_spam and relevance < settings.on_topic_threshold:
                flags.add("spam")
                reasons["spam"] = weights.spam
            else:
                reasons["link"] = weights.link
        if "spam" not in flags and facts.spam_phrase and not steering:
            flags.add("spam")
            reasons["spam"] = weights.spam
        normalized, said = facts.normalized, facts.said
        pasted_from: tuple[str, str] | None = None
        if match is not None and match.same_author:
            flags.add("repeat")
            reasons["repeat"] = weights.repeat
            # The same viewer asking again, in a chat of emotes: the queue has the question
            # already, and its copy is spam, not lifted as a new one. In a chat of sentences
            # (a help channel) asking again is how a viewer nobody answered asks.
            if terse > 0:
                reasons.pop("question", None)
                reasons.pop("to_show", None)
        elif (
            match is not None
            and len(normalized) >= spam.copypasta_min_chars
            and (strength == 0 or match.times >= WAVE_COPIES)
        ):
            # A long text posted again by others. A question posted again, even word for
            # word, is the same question asked again (merged below) until `WAVE_COPIES` others
            # posted it: then a wave. The wave is one queue row with its first post, which it
            # sinks too (`queue_order`).
            flags.add("copypasta")
            pasted_from = match.other_first
            reasons["copypasta"] = weights.copypasta
        elif match is not None and not noise:
            # Others said it already: a chat wave counts fully from the third time on.
            flags.add("repeat")
            reasons["repeat"] = weights.repeat if match.times >= 2 else weights.repeat / 2
        if facts.repeats_itself:
            # Words repeated within the comment ("VISA VISA VISA"), on top of any repeat above.
            flags.add("repeat")
            reasons["repeat"] = reasons.get("repeat", 0.0) + weights.repeat
            if terse > 0 and WALLS_ASK_NOTHING:
                # A question posted as a wall is the question asked again and again: in a chat
                # of emotes, spam, as the same viewer asking again is (above).
                reasons.pop("question", None)
                reasons.pop("to_show", None)
        if facts.shouting:
            flags.add("shouting")
            reasons["shouting"] = weights.shouting * penalty_share
        if not noise and "repeat" not in flags and "copypasta" not in flags and terse > 0:
            # In a chat of emotes and one-word reactions, a comment that says several things
            # stands out: it is what a host can read out there (a long wall or a paste is not).
            # Words as written: a run of Chinese or Japanese is one, not its pieces.
            saying = min(len(words.content), words.written)
            if SUBSTANCE_COUNTS_WORDS:
                saying = max(saying, words.written - words.emote_like)
            said_more = saying - SUBSTANCE_FROM
            if said_more > 0:
                share = min(said_more, SUBSTANCE_FULL - SUBSTANCE_FROM)
                share /= SUBSTANCE_FULL - SUBSTANCE_FROM
                reasons["substance"] = weights.substance * share * terse

        # Who wrote it, and what the platform made of it.
        if comment.highlight is not None:
            flags.add("highlight")
            reasons["highlight"] = signals.highlight_points(comment.highlight, weights.highlight)
        if newcomer:
            flags.add("newcomer")
            reasons["newcomer"] = weights.newcomer
        if self._raised and key in self._raised:  # an empty set still hashes the key
            flags.add("raised_hand")
            reasons["hand"] = weights.hand
        if self._on_stage and key in self._on_stage:
            flags.add("on_stage")
            reasons["on_stage"] = weights.on_stage
        if _MODERATOR in roles:
            flags.add("moderator")
            reasons["moderator"] = weights.moderator
        if roles & _SUBSCRIBER_ROLES:
            flags.add("subscriber")
            reasons["subscriber"] = weights.subscriber
        if roles & _HOST_ROLES:
            reasons["host"] = weights.host

        # What the hosts taught this show (a greeting resembling an answered comment is still one).
        learned = 0.0 if greeting else self._feedback_similarity(words.content)
        if learned:
            reasons["feedback"] = weights.feedback * learned
        if strength == 0 and not noise and audience.has_hosts and not roles & _STEERING_ROLES:
            # In a show the queue is for what the hosts take on air, and that is questions: a
            # remark keeps part of what the topic (the thread, what the hosts' answers taught)
            # gave, so it stays under the questions put to the show. Told to another viewer
            # ("@kim she's kneading now") it is a side conversation; told to the room ("the
            # volcano of flour, my favourite bit") it is a reaction the hosts may read out.
            gained = sum(max(0.0, reasons.get(n, 0.0)) for n in _TOPICAL)
            if gained > 0 and (to_viewers or replying_to_viewer):
                reasons["to_viewer"] = -VIEWER_TALK_DAMPING * gained
            elif gained > 0:
                reasons["remark"] = -(1 - REMARK_TOPIC_SHARE) * gained

        # One author posting a lot: each further comment counts for less (diminishing returns).
        recent = decayed(state.recent, state.recent_ts, now, spam.author_window_seconds) + 1
        if recent > spam.author_free_comments:
            factor = math.sqrt(spam.author_free_comments / recent)
            positive = sum(v for v in reasons.values() if v > 0)
            reasons["flood"] = -(1 - factor) * positive
            if recent >= spam.flood_comments:
                flags.add("flood")

        # The same question as another viewer's earlier this segment: one queue row for both.
        same_as = None
        if "question" in flags and not noise and not to_chat and not roles & _STEERING_ROLES:
            tokens = frozenset(words.tokens)
            asks = asks_for(words.tokens)
            if "copypasta" not in flags:
                same_as = self._same.find(
                    words.content,
                    who,
                    same_text=match.other_text if match is not None else "",
                    own_text=match.own_text if match is not None else "",
                    topic_words=self.topic,
                    tokens=tokens,
                    asks=asks,
                )
                if same_as is not None and self._same.first_asker(same_as) != who:
                    # Another viewer asked it first (asking one's own again is a `repeat`).
                    flags.add("same_question")
                elif same_as is not None and "repeat" not in flags:
                    # Their own question again, longer ago than the recent texts reach.
                    flags.add("repeat")
                    reasons["repeat"] = weights.repeat
                    if terse > 0:
                        reasons.pop("question", None)
                        reasons.pop("to_show", None)
            else:
                self._same.wave(pasted_from)
            own = (comment.platform, comment.id)
            # A pasted question is in its wave's row: so is whoever asks it again after.
            lead = same_as or pasted_from
            self._same.remember(own, who, words.content, said, lead, tokens, asks)

        if pasted_from is not None:
            same_as = pasted_from
        # The row this text is in, for whoever pastes it next: a repeat's or a merged
        # question's own id started a second row of the same wave.
        first = same_as or (comment.platform, comment.id)
        value = sum(reasons.values())
        # A comment matched only in hindsight (`TopicProfile.look_back`) teaches nothing: what
        # the segment learned by its end came without it.
        teaching = 0.0 if topic is not None and topic.looked_back else direct
        self._remember(
            comment, key, who, state, words, said, teaching, relevance, recent, now, first
        )
        self._style.observe(len(words.content))
        for partner in partners:
            # Being answered keeps a thread alive: its topic does not fade while people answer.
            partner.topic_ts = now
        if roles & _HOST_ROLES and not noise:
            # The hosts talk about what they are doing: their words are the segment's vocabulary
            # (not their greetings or commands).
            self.topic.teach(words, HOST_LINE_EVIDENCE)
        return (
            value,
            rank_key(value, now, settings.half_life_seconds),
            # A rounding already remembered is looked up here, not in a call a reason (`or`: a
            # value rounded to zero, or not yet remembered, takes the call, which says the same).
            {name: _ROUNDED.get(v) or _rounded(v) for name, v in reasons.items()},
            frozenset(flags),
            same_as,
        )

    # -- helpers -------------------------------------------------------------------------------

    def _body(self, comment: Comment, ask: bool | None = None) -> tuple[str, bool]:
        text = comment.clean_text or comment.text
        if ask is not None:
            return text, ask
        ask = signals.is_ask_command(text, self.command_prefix)
        return (signals.strip_ask(text, self.command_prefix) if ask else text), ask

    def _known_names(self, words: Words) -> list[str]:
        names = self._names_view
        return [t for t in words.tokens if t in names]

    @staticmethod
    def _is_channel(name: str, comment: Comment) -> bool:
        return bool(comment.channel) and name == comment.channel.lstrip("#").lower()

    def _inherited(
        self,
        comment: Comment,
        state: AuthorState,
        parent: tuple[float, AuthorKey] | None,
        addressed: tuple[str, ...],
        now: float,
        partners: list[AuthorState],
    ) -> float:
        """The topic a comment carries from its thread (`parent`: the comment it replies to);
        `partners` gets the authors it talks to."""
        carried = FOLLOW_UP_CARRY * decayed(state.topic, state.topic_ts, now, THREAD_HALF_LIFE)
        if parent is not None:
            parent_topic, parent_key = parent
            carried = max(carried, REPLY_CARRY * parent_topic)
            parent_state = self._authors.get(_account(parent_key))
            if parent_state is not None and parent_key != comment.author.key:
                partners.append(parent_state)
        for name in addressed:
            other_key = self._names.get(name)
            other = self._authors.get(_account(other_key)) if other_key is not None else None
            if other is not None and other_key != comment.author.key:
                affinity = decayed(other.topic, other.topic_ts, now, THREAD_HALF_LIFE)
                carried = max(carried, MENTION_CARRY * affinity)
                partners.append(other)
        return carried

    def _put_to_show(
        self,
        words: Words,
        addressed: tuple[str, ...],
        parent_key: AuthorKey | None,
        to_guest: bool,
    ) -> float:
        """How surely a question (not put to the chat) is for the show: 1 when it speaks to a
        guest on stage, says "you", names a host or replies to one; IMPLICIT_TO_SHOW for any
        other; 0 where there is no show (no hosts: `Audience.has_hosts`), but for a question
        that, in a stream's chat, points at the thing on screen (IMPLICIT_TO_SHOW). While a guest is on stage the segment is theirs: a question naming
        only a host is banter, not for it."""
        audience = self._audience
        if to_guest:
            return 1.0
        if not audience.has_hosts:
            # No host has spoken: a help channel, or a stream whose streamer never types. In a
            # stream's chat (`terse`: a help channel writes sentences) a question pointing at a
            # thing ("is this game still relevant?") asks about what is on the screen, as any
            # question not put to the chat does in a show. (A question @-addressed to the
            # channel put to the show lost the Twitch captures 0.059 held out: docs/ranking.md.)
            if (
                POINTING_ASKS_THE_SHOW
                and self._style.terse > 0
                and signals.points_at_the_stream(words)
            ):
                return IMPLICIT_TO_SHOW
            return 0.0
        names_host = audience.names_a_host(words, addressed) or (
            parent_key is not None and parent_key in audience.host_keys
        )
        if names_host and audience.has_guests:
            return 0.0
        if names_host or speaks_to_you(words):
            return 1.0
        return IMPLICIT_TO_SHOW

    def _to_chat(self, comment: Comment, words: Words, question_strength: float) -> bool:
        """A question put to the whole chat ("anyone going to superbooth?") or opened with a
        viewer's name ("wren did your panels arrive?")."""
        if question_strength > 0 and signals.asks_the_chat(words):
            return True
        name = signals.named_first(words, self._names_view)
        return (
            name is not None
            and not self._audience.is_show_name(name)
            and not self._is_channel(name, comment)
            and self._names.get(name) != comment.author.key
        )

    def _feedback_similarity(self, content: frozenset[str]) -> float:
        if not content or not (self._liked or self._disliked):
            return 0.0
        liked = max((_cosine(content, other) for other in self._liked), default=0.0)
        disliked = max((_cosine(content, other) for other in self._disliked), default=0.0)
        liked = liked if liked >= MIN_SIMILARITY else 0.0
        disliked = disliked if disliked >= MIN_SIMILARITY else 0.0
        return liked - disliked

    def _remember(
        self,
        comment: Comment,
        key: AuthorKey,
        who: str,
        state: AuthorState,
        words: Words,
        said: str,
        teaching: float,
        relevance: float,
        recent: float,
        now: float,
        first: tuple[str, str],
    ) -> None:
        state.comments += 1
        state.recent, state.recent_ts = recent, now
        topic_now = decayed(state.topic, state.topic_ts, now, THREAD_HALF_LIFE)
        state.topic, state.topic_ts = max(topic_now, relevance), now
        if state.comments == 1:
            # Later comments: `get` already made it most recent.
            self._authors.put((comment.author.platform, comment.author.id), state)
        name = comment.author.name.lower()
        self._names.put(name, key)
        shown = comment.author.display_name.lower() if comment.author.display_name else name
        if shown != name:
            self._names.put(shown, key)
        self._comments.put(comment.id, (relevance, key))
        self._recent.remember(said, who, first)
        self.topic.observe(words, teaching, who)


def _text_facts(
    command_prefix: str, spam_phrases: tuple[str, ...], spam: SpamRules, body: str
) -> _TextFacts:
    """`_TextFacts` of a comment's text, under a ranker's settings (cached per ranker)."""
    words = split_words(body)
    normalized = normalize_for_repeat(body)
    return _TextFacts(
        words=words,
        command=signals.is_other_command(body, command_prefix),
        emote_only=signals.is_emote_only(body, words),
        laughter=signals.is_laughter(body, words),
        catching_up=signals.is_catching_up(body),
        strength=signals.question_strength(body, words),
        link=signals.has_link(body),
        spam_phrase=signals.spam_phrase(body, spam_phrases) is not None,
        normalized=normalized,
        said=said_once(normalized),
        repeats_itself=signals.repeats_itself(words),
        shouting=signals.is_shouting(
            body, min_letters=spam.shouting_min_letters, ratio=spam.shouting_ratio, words=words
        ),
        for_later=signals.asks_for_another_show(body),
        opener=signals.opener_name(body),
    )


def _account(key: AuthorKey) -> tuple[str, str]:
    """What `Ranker._authors` keeps an author's state by: the key's fields, as a tuple."""
    return key.platform, key.id


def _about_the_setup(segment: Segment) -> bool:
    """The segment's title or keywords name the setup ("Chat Q&A: setup and gear")."""
    words = split_words(" ".join([segment.title, *segment.keywords])).tokens
    return not signals.SETUP_WORDS.isdisjoint(words)


#: `round(value, 4)` of the values a reason takes most: the weights themselves, comment after
#: comment (95% of them in real chat). Rounding costs ten times a lookup.
_ROUNDED: dict[float, float] = {}
_ROUNDED_KEPT = 4_096


def _rounded(value: float) -> float:
    """`round(value, 4)`, remembered for the values that come back."""
    rounded = _ROUNDED.get(value)
    if rounded is None:
        rounded = round(value, 4)
        if value and len(_ROUNDED) < _ROUNDED_KEPT:  # not zero: 0.0 and -0.0 are one key
            _ROUNDED[value] = rounded
    return rounded


def _cosine(a: frozenset[str], b: frozenset[str]) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / math.sqrt(len(a) * len(b))
