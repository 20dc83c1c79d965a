"""How this chat writes: how many words its comments carry.

A big Twitch chat answers the stream in emotes and one-word reactions ("KKonaW", "RUSH PogU",
"PRO GAMER LULW"): its comments carry about half a content word on average. There a comment
that says several things is rare and worth reading. In a help channel or a talk show, where
most comments are sentences, a long comment is just a comment. `ChatStyle` keeps a running
average over the chat's recent comments (about `STYLE_MEMORY` of them, for the whole show like
the chat-wide word counts) so the ranker can tell which kind of chat it is in. Constant memory
and cost: two numbers.
"""

from __future__ import annotations

#: About how many recent comments the average follows (each new one weighs 1 / STYLE_MEMORY).
STYLE_MEMORY = 500
#: Comments seen before the average is trusted: until then the chat is taken as wordy.
STYLE_MIN_COMMENTS = 50
#: A chat whose comments carry this many content words on average or more is wordy (`terse`
#: 0); one whose comments carry none is all emotes (`terse` 1).
WORDY_CHAT = 2.0
_KEEP = 1.0 - 1.0 / STYLE_MEMORY


class ChatStyle:
    """A running average of how many content words the chat's comments carry."""

    def __init__(self) -> None:
        self._comments = 0.0
        self._words = 0.0
        self._seen = 0

    def observe(self, content_words: int) -> None:
        """Count one comment and its content words."""
        self._comments = self._comments * _KEEP + 1.0
        self._words = self._words * _KEEP + content_words
        self._seen += 1

    @property
    def settled(self) -> bool:
        """Whether enough comments were seen (STYLE_MIN_COMMENTS) to tell the chat's style."""
        return self._seen >= STYLE_MIN_COMMENTS

    @property
    def terse(self) -> float:
        """0..1: how little this chat's comments say. 0 in a chat of sentences (or before
        STYLE_MIN_COMMENTS were seen), towards 1 in a chat of nothing but emotes."""
        if self._seen < STYLE_MIN_COMMENTS:
            return 0.0
        return max(0.0, 1.0 - self._words / self._comments / WORDY_CHAT)
