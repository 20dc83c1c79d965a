"""Chat for the benchmarks: real Twitch chat, replayed with a growing audience and fresh text.

The captures in ../shared/data/twitch-irc-raw (5,731 comments from 1,326 viewers over about
eight minutes) are the material. Looping them as they are (`repeated` mode) makes a kind
benchmark: the same 1,326 viewers for a million comments, and the same texts, so every cache
that remembers authors, texts or words hits almost always. `realistic` mode keeps what real chat
does and adds what a long show brings:

- **A growing audience.** Each comment may come from a viewer never seen before: a returning
  viewer's persona is replaced by a new one (new id, new name) with the probability that reaches
  `authors` distinct viewers by the end. Who talks how often stays the capture's.
- **Fresh text.** Within one pass over the capture a text repeats exactly as it did in the real
  chat (waves: 59% of comments repeat an earlier text of the capture); from one pass to the next,
  each text of two or more words has one word replaced (decided by the text and the pass, so a
  wave stays a wave): by a word of the capture's vocabulary (weighted as chat uses them) or, for
  NEW_WORD_SHARE of the replacements, by a word never seen before (names, typos, new slang).
  One-word texts ("LULW", "KEKW") are the chat's constant waves and stay as they are.

Measured over 1M comments (`describe`): 61% of comments repeat a text of the last 5,000 (the
capture itself: 59%), 68% one of the last 8,192 (repeated mode: 99%); 6% of words are new to the
show (the capture's second half: 10.5%, over eight minutes; a long show's vocabulary grows more
slowly).

`describe(stream)` measures what a run really got (text repeats within a sliding window, new
words, distinct authors), so the README can state it rather than assume it.
"""

from __future__ import annotations

import dataclasses
import json
import random
import sys
import zlib
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from stagehand.domain import Author, Comment
from stagehand.importers.twitch_irc import read_comments

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "twitch-irc-raw"

#: Of the replaced words, the share that are words nobody used before.
NEW_WORD_SHARE = 0.75
_SYLLABLES = [c + v for c in "bdfgklmnprstvz" for v in "aeiou"]


def real_chat() -> list[Comment]:
    """The real captures, in order (exits with a clear line when ../shared/data is absent)."""
    if not DATA.is_dir():
        sys.exit(
            f"real chat not found at {DATA}: the benchmarks need ../shared/data beside the repo"
        )
    comments = list(read_comments((DATA / "xqcow-2019-09-15.irc.txt").open(encoding="utf-8")))
    recent = json.loads((DATA / "nymn-2024-01-06.recentmessages.json").read_text("utf-8"))
    later = list(read_comments(recent["messages"]))
    # The second capture follows the first at once (they were recorded years apart).
    gap = comments[-1].ts - later[0].ts + timedelta(seconds=1)
    comments += [dataclasses.replace(comment, ts=comment.ts + gap) for comment in later]
    return comments


@dataclass(frozen=True)
class ChatShape:
    """How the benchmark's chat is made: `realistic` (growing audience, fresh text) or not."""

    realistic: bool = True
    authors: int | None = None
    """Distinct viewers by the end of `count` comments (realistic; default: one per 5 comments)."""
    seed: int = 19


def coined_word(number: int) -> str:
    """The `number`th word nobody used before: pronounceable, and never one of the capture's."""
    syllables = []
    while True:
        number, digit = divmod(number, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
        if number == 0:
            break
    return "".join(syllables) + "x"  # the trailing x keeps it off any real word


class ChatStream:
    """`count` comments made from `base` in the given shape; iterate it once (or again: it is
    deterministic, so a baseline and the pipeline can see the very same rows)."""

    def __init__(self, base: list[Comment], count: int, shape: ChatShape) -> None:
        self.base = base
        self.count = count
        self.shape = shape
        # Every word the capture used, as often as it used it: a pick from here is weighted.
        self._words = [word for comment in base for word in comment.text.split()]
        self._base_authors = len({comment.author.key for comment in base})
        wanted = shape.authors if shape.authors is not None else max(1, count // 5)
        self.new_author_chance = max(0.0, (wanted - self._base_authors) / count)

    def __iter__(self) -> Iterator[Comment]:
        shape = self.shape
        rng = random.Random(shape.seed)
        base = self.base
        span = base[-1].ts - base[0].ts + timedelta(seconds=1)
        personas: dict[tuple[str, str], Author] = {}
        new_authors = 0
        produced = 0
        round_number = 0
        chance = self.new_author_chance
        while produced < self.count:
            shift = span * round_number
            # A text's replacement word is decided once per pass, so a wave stays a wave.
            varied: dict[str, str] = {}
            for comment in base:
                if produced == self.count:
                    return
                author = comment.author
                text = comment.text
                if shape.realistic:
                    key = author.key
                    if key not in personas or rng.random() < chance:
                        if key in personas:
                            new_authors += 1
                            author = Author(
                                author.platform,
                                f"{author.id}n{new_authors}",
                                f"{author.name}_{new_authors}",
                                f"{author.display_name}_{new_authors}",
                                author.roles,
                            )
                        personas[key] = author
                    author = personas[key]
                    if round_number:
                        text = varied.get(text) or varied.setdefault(
                            text, self._vary(text, round_number)
                        )
                yield Comment(
                    id=f"{comment.id}-{round_number}",
                    platform=comment.platform,
                    channel=comment.channel,
                    author=author,
                    text=text,
                    ts=comment.ts + shift,
                    reply_to=comment.reply_to,
                    first_message=comment.first_message,
                )
                produced += 1
            round_number += 1

    def _vary(self, text: str, round_number: int) -> str:
        words = text.split(" ")
        if len(words) < 2:
            return text
        # Choices from a hash of the text and the pass: deterministic, and cheap.
        mixed = (zlib.crc32(text.encode()) * 2654435761 + round_number * 40503) & 0xFFFFFFFFFFFF
        position = mixed % len(words)
        if (mixed >> 8) % 1000 < NEW_WORD_SHARE * 1000:
            replacement = coined_word(round_number * 1_000_003 + (mixed >> 20) % 1_000_003)
        else:
            replacement = self._words[(mixed >> 20) % len(self._words)]
        words[position] = replacement
        return " ".join(words)


def describe(stream: ChatStream, window: int = 5_000) -> dict[str, float]:
    """What the stream really is: the share of comments whose text appeared within the last
    `window` comments, the share of words never seen before in the stream, distinct authors."""
    recent: OrderedDict[str, int] = OrderedDict()
    words_seen: set[str] = set()
    authors: set[tuple[str, str]] = set()
    repeats = words = new_words = comments = 0
    for comment in stream:
        comments += 1
        text = comment.text
        if text in recent:
            repeats += 1
            recent.move_to_end(text)
        recent[text] = comments
        while recent and next(iter(recent.values())) <= comments - window:
            recent.popitem(last=False)
        for word in text.split():
            words += 1
            if word not in words_seen:
                new_words += 1
                words_seen.add(word)
        authors.add((comment.author.platform, comment.author.id))
    return {
        "comments": comments,
        "text_repeats": repeats / max(comments, 1),
        "new_words": new_words / max(words, 1),
        "authors": len(authors),
    }
