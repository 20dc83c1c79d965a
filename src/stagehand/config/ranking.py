"""The `[ranking]` config section: weights, recency half-life and spam rules.

Every field has a default that works for a typical talk show; the weights are the points a signal
adds to (or takes from) a comment's score, so they read directly as the numbers in `reasons`.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from stagehand.config.section import Section

DEFAULT_SPAM_PHRASES = [
    "follow me",
    "follow my channel",
    "check out my channel",
    "check my channel",
    "sub to me",
    "subscribe to my",
    "free followers",
    "free viewers",
    "cheap viewers",
    "buy followers",
    "best viewers",
    "promote your stream",
    "free v bucks",
    "free vbucks",
    "free nitro",
    "onlyfans",
    "dm me for",
    "earn money fast",
    "crypto giveaway",
]

#: Chat bots common on Twitch and Discord: their lines are announcements, never comments.
DEFAULT_BOTS = [
    "nightbot",
    "streamelements",
    "moobot",
    "fossabot",
    "streamlabs",
    "wizebot",
    "botisimo",
    "sery_bot",
    "soundalerts",
    "mee6",
    "pretzelrocks",
    "commanderroot",
    # Twitch's own accounts for system messages (subscriptions, hosts) in IRC-era captures
    "twitchnotify",
    "jtv",
]


class RankingWeights(Section):
    """Points each signal adds to a comment's score (negative points sink it)."""

    base: float = 1.0
    """What every comment starts with; a comment that ends at 0 or below sinks under all others."""

    topic: float = 4.0
    """Points for a comment fully on the live segment's topic (scaled by relevance 0..1)."""

    thread: float = 2.7
    """Points for replying to, or following up on, an on-topic comment (scaled by its relevance)."""

    question: float = 1.5
    """Points for a question; an off-topic question gets 20% of it, an on-topic one all of it."""

    ask: float = 1.0
    """Extra points for a question sent with the !ask command."""

    hand: float = 2.0
    """Points while the author has their hand raised (!hand)."""

    to_show: float = 3.5
    """Points for a question put to the hosts or a guest (it says "you", names them or replies
    to them), scaled by how little the topic explains it: such a question is likely on topic."""

    guest: float = 1.5
    """Points for naming or replying to a guest while they are on stage."""

    highlight: float = 1.5
    """Points for a paid or platform highlight (channel points, Bits, Super Chat); Bits and
    money up to twice this with the amount."""

    asked_by: float = 1.0
    """Points a queue row of one question asked by several viewers gains per further asker
    (at most 4 of them count)."""

    substance: float = 1.2
    """Points for a comment that says several things (six content words or more; a part of it
    from three) in a chat of emotes and one-word reactions, scaled by how terse the chat is:
    nothing in a chat whose comments carry two content words or more on average."""

    newcomer: float = 0.2
    """Points for an author's first comment of the show (or the platform's first-message mark)."""

    moderator: float = 0.3
    """Points for comments from moderators."""

    subscriber: float = 0.2
    """Points for comments from subscribers, VIPs and members."""

    on_stage: float = -0.5
    """Points for comments from someone already on stage (they can simply say it)."""

    host: float = -2.0
    """Points for comments from the broadcaster or a host (they do not need to read themselves)."""

    feedback: float = 2.0
    """Points for resembling comments the hosts answered (minus for resembling dismissed ones)."""

    greeting: float = -1.5
    """Points for a greeting with nothing else in it ("Hey John!!")."""

    side_chatter: float = -1.2
    """Points for viewer-to-viewer talk that is not about the topic."""

    emote_only: float = -2.0
    """Points for a comment made only of emotes or emoji."""

    reaction: float = -1.5
    """Points for a short emote reaction that only echoes the topic ("PRO GAMER LULW"); it never
    takes more than the topic gave."""

    echo: float = -3.0
    """Points for an emote reaction made only of the topic's words ("PRO GAMER LULW" while the
    segment is about a pro gamer): it takes what the topic gave beyond `reaction`, at most this."""

    laughter: float = -1.5
    """Points for a comment that is only laughter ("lol", "hahaha", "KEKW")."""

    command: float = -2.0
    """Points for a chat command other than !ask (!uptime, !discord, ...)."""

    short: float = -0.6
    """Points for a comment with no content words ("ok", "yes", "thanks")."""

    off_topic: float = -0.3
    """Points for a comment with content that has nothing to do with the topic."""

    link: float = -0.5
    """Points for a comment carrying a link (from an author who is not a newcomer)."""

    spam: float = -4.0
    """Points for spam: a link from a newcomer or a configured spam phrase."""

    repeat: float = -1.5
    """Points for repeating one's own recent comment, or words repeated within one comment."""

    copypasta: float = -3.0
    """Points for a long text other authors already posted (copypasta)."""

    shouting: float = -0.6
    """Points for a comment written mostly in capitals."""


class SpamRules(Section):
    """How spam, repeats and floods are recognised."""

    phrases: list[str] = Field(default_factory=lambda: list(DEFAULT_SPAM_PHRASES))
    """Phrases that mark a comment as spam (matched case-insensitively anywhere in the text)."""

    newcomer_link_is_spam: bool = True
    """Treat a link in an author's first comment of the show as spam."""

    recent_texts: int = Field(default=400, ge=10, le=10_000)
    """How many recent comments are remembered to recognise repeats and copypasta."""

    near_duplicate_ratio: float = Field(default=88.0, ge=50, le=100)
    """How similar (0-100, rapidfuzz ratio) two texts must be to count as the same text."""

    copypasta_min_chars: int = Field(default=40, ge=5)
    """Shortest text that counts as copypasta when another author already posted it."""

    shouting_min_letters: int = Field(default=12, ge=3)
    """Fewest letters a comment needs before capitals count as shouting."""

    shouting_ratio: float = Field(default=0.7, gt=0, le=1)
    """Share of capital letters from which a comment counts as shouting."""

    author_free_comments: float = Field(default=4.0, ge=1)
    """Comments an author may post within about a minute before each counts for less."""

    author_window_seconds: float = Field(default=60.0, gt=0)
    """Half-life of an author's recent-comment count (how fast a busy author recovers)."""

    flood_comments: float = Field(default=8.0, ge=1)
    """Recent-comment count from which an author is flagged as flooding."""

    max_authors: int = Field(default=20_000, ge=100)
    """Most authors whose history is kept (least recently seen are forgotten first)."""


class RankingSettings(Section):
    half_life_seconds: float = Field(default=600.0, gt=0)
    """A comment's score halves every this many seconds (recency)."""

    on_topic_threshold: float = Field(default=0.35, ge=0, le=1)
    """Topic relevance (0..1) from which a comment counts as on topic (flag and metrics)."""

    off_topic_threshold: float = Field(default=0.12, ge=0, le=1)
    """Topic relevance below which a comment with content counts as off topic."""

    description_weight: float = Field(default=0.3, ge=0, le=1)
    """How much a word from the show description counts towards the topic (1 = a keyword)."""

    learn_from_chat: bool = True
    """Learn words that keep appearing in on-topic comments as part of the segment's topic."""

    max_learned_terms: int = Field(default=400, ge=10, le=10_000)
    """Most words the topic profile learns per segment (from chat and from host feedback)."""

    cached_texts: int = Field(default=8192, ge=256, le=1_000_000)
    """Most distinct comment texts whose word analysis is kept for repeats (8 times as many
    chunks and 6 times as many words): memory stays flat while a long show brings new words."""

    worker: Literal["auto", "process", "inline"] = "auto"
    """Where the ranker runs during a show: "process" (a process of its own, on a second core:
    the show's process is left to take chat, store it and draw the console), "inline" (in the
    show's process), or "auto" (a process of its own when the machine gives this one two cores
    or more). Scores are the same either way."""

    bots: list[str] = Field(default_factory=lambda: list(DEFAULT_BOTS))
    """Chat bot accounts whose lines are never comments (not queued, not counted): a user name on
    any platform ("nightbot") or on one ("twitch:nightbot"). Add your own bot's account here when
    a transcript carries its lines."""

    blocked_terms: list[str] = Field(default_factory=list)
    """Words and phrases that hold a viewer's comment back from the queue and the report's
    follow-ups (it stays in raw chat and the database, counted as held back), on top of the
    bundled list of sexual remarks, slurs and abuse in English, Spanish, Portuguese, French,
    German and Italian (none yet in Arabic, Chinese or Japanese). Whole words, any case, accents
    and digit stand-ins ("c0ck"); "word*" also holds back longer words starting with it."""

    blocked_defaults: bool = True
    """Hold back the bundled list too (false: only `blocked_terms`; both empty: nothing is)."""

    weights: RankingWeights = RankingWeights()
    """Points per signal."""

    spam: SpamRules = SpamRules()
    """Spam, repeat and flood rules."""
