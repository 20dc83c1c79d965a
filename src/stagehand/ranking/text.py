"""Words out of chat text: tokens, stems, stopwords and emote-shaped tokens.

Everything here is pure and cheap; stems are cached in a bounded LRU because chat repeats a small
vocabulary endlessly.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import _CacheInfo, _lru_cache_wrapper, lru_cache
from typing import Any, ClassVar, Generic, TypeVar

import snowballstemmer

from stagehand.frozen import quick_init
from stagehand.ranking.languages import FOREIGN_STOPWORDS, fold

_STEMMER = snowballstemmer.stemmer("english")
if hasattr(_STEMMER, "maxCacheSize"):
    # PyStemmer keeps a cache of its own, and every 2,000 new words sorts its 10,000 entries to
    # trim it: with fresh chat that cost more than stemming. `stem` below caches already.
    _STEMMER.maxCacheSize = 0

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "also",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "can't",
        "cannot",
        "could",
        "couldn't",
        "did",
        "didn't",
        "do",
        "does",
        "doesn't",
        "doing",
        "don't",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "get",
        "got",
        "had",
        "hadn't",
        "has",
        "hasn't",
        "have",
        "haven't",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "i'm",
        "i've",
        "if",
        "in",
        "into",
        "is",
        "isn't",
        "it",
        "it's",
        "its",
        "itself",
        "just",
        "let's",
        "like",
        "me",
        "more",
        "most",
        "much",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "really",
        "same",
        "she",
        "should",
        "shouldn't",
        "so",
        "some",
        "still",
        "such",
        "than",
        "that",
        "that's",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "there's",
        "these",
        "they",
        "they're",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "us",
        "very",
        "was",
        "wasn't",
        "we",
        "we're",
        "were",
        "weren't",
        "what",
        "what's",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "won't",
        "would",
        "wouldn't",
        "you",
        "you're",
        "your",
        "yours",
        "yourself",
        "im",
        "ive",
        "dont",
        "cant",
        "doesnt",
        "isnt",
        "wont",
        "didnt",
        "u",
        "ur",
        "ya",
        "yeah",
        "yes",
        "yep",
        "nope",
        "ok",
        "okay",
        "oh",
        "ah",
        "um",
        "uh",
        "hmm",
        "well",
        "gonna",
        "wanna",
        "gotta",
        "thing",
        "things",
        "something",
        "anything",
        "everything",
        "stuff",
        "one",
        "way",
        "know",
        "think",
        "see",
        "want",
        "need",
        "make",
        "try",
        "use",
        "using",
        "go",
        "going",
        "come",
        "say",
        "said",
        "even",
        "maybe",
        "lot",
        "lots",
        "guys",
        "guy",
        "chat",
        "someone",
        "anyone",
        "anybody",
        "everyone",
        "people",
        "thanks",
        "thank",
        "thx",
        "ty",
        "np",
        "please",
        "pls",
        "plz",
        "sure",
        "cool",
        "nice",
        "right",
        "good",
        "great",
    ]
)

#: Emotes every Twitch chat knows (global, BTTV, FFZ, 7TV); camel-humped names are caught by shape.
KNOWN_EMOTES = frozenset(
    [
        "kappa",
        "kapp",
        "keepo",
        "lul",
        "lulw",
        "omegalul",
        "kekw",
        "kekl",
        "kek",
        "pog",
        "pogu",
        "poggers",
        "pogchamp",
        "pagchomp",
        "pagman",
        "ez",
        "clap",
        "monkas",
        "monkaw",
        "monkahmm",
        "pepega",
        "pepehands",
        "pepelaugh",
        "sadge",
        "feelsbadman",
        "feelsgoodman",
        "feelsweirdman",
        "weirdchamp",
        "residentsleeper",
        "biblethump",
        "kreygasm",
        "4head",
        "3head",
        "notlikethis",
        "wutface",
        "dansgame",
        "failfish",
        "trihard",
        "cmonbruh",
        "anele",
        "nam",
        "jebaited",
        "hahaa",
        "haha",
        "heyguys",
        "seemsgood",
        "coolstorybob",
        "ayaya",
        "kkona",
        "kkonaw",
        "copium",
        "hopium",
        "aware",
        "clueless",
        "modcheck",
        "catjam",
        "pepepls",
        "ratjam",
        "blobdance",
        "d:",
        ":)",
        ":(",
        ":d",
        ":p",
        "xd",
        ";)",
        "<3",
    ]
)

LAUGHTER = re.compile(
    r"^(?:(?:a?ha){2,}h?|(?:he){2,}h?|(?:hi){3,}|l+o+l+[sz]*|lmf?a+o+|rofl+|xd+|kek\w*|lul\w*"
    r"|omegalul\w*|ja(?:ja)+|ka(?:ka)+|jsjs\w*|ksks\w*|w{3,}|hah\w*|😂+|🤣+|😆+|😹+"
    # kkkk and rsrs (Portuguese), jajsjs (Spanish typed fast), ｗｗｗ (full width), 草 and 笑
    # (Japanese), 哈哈 (Chinese), ははは, ههههه (Arabic)
    r"|k{3,}|(?:rs){2,}|j[ajsk]*s[ajsk]*j[ajsk]*|ｗ{2,}|[草笑]+|哈{2,}|[はハ]{3,}|ه{3,})$",
    re.IGNORECASE,
)

_WORD = re.compile(r"[^\W_]+(?:'[^\W_]+)?", re.UNICODE)
#: Scripts written without spaces between words: Chinese and Japanese. Kanji (with 々 and 〇),
#: katakana (with ー and the half-width forms) and hiragana.
_HAN = "\u3005\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KATAKANA = "\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_HIRAGANA = "\u3041-\u309f"
UNSPACED = re.compile(f"[{_HAN}{_KATAKANA}{_HIRAGANA}]")
#: A word's runs of one script: kanji or katakana (content), hiragana (particles and endings),
#: anything else.
_SCRIPT_RUN = re.compile(
    f"([{_HAN}{_KATAKANA}]+)|([{_HIRAGANA}]+)|[^{_HAN}{_KATAKANA}{_HIRAGANA}]+"
)
_KANJI_KATAKANA_BREAK = re.compile(f"(?<=[{_HAN}])(?=[{_KATAKANA}])|(?<=[{_KATAKANA}])(?=[{_HAN}])")
#: Arabic's vowel marks (tashkeel) and its stretching tatweel: optional in writing ("هَلْ" is
#: "هل", "مـرحبا" is "مرحبا"), and each mark would cut a word in two.
_ARABIC_MARKS = dict.fromkeys(
    [
        *range(0x610, 0x61B),
        *range(0x64B, 0x660),
        0x670,
        0x640,
        *range(0x6D6, 0x6DD),
        *range(0x6DF, 0x6E5),
        0x6E7,
        0x6E8,
        *range(0x6EA, 0x6EE),
    ]
)
_CAMEL_HUMP = re.compile(r"^[A-Za-z]*[a-z][A-Z][A-Za-z0-9]*$|^[A-Z]{2,}[a-z]+[A-Z]?$")
#: A letter or a digit: what `str.isalnum` says of a character (`re`'s `\w` is exactly those
#: and "_"), found without a Python generator stepping through the chunk.
_ALNUM = re.compile(r"[^\W_]")
_MENTION = re.compile(r"^@[\w.\-]+[,:]?$")
#: Each byte's kind, for counting an ASCII chunk's letters and capitals with `bytes.translate`
#: and `bytes.count` (what `str.isalpha` and `str.isupper` say of each character).
_NOT_A_LETTER, _SMALL, _CAPITAL = b"\x00", b"\x01", b"\x02"
_LETTER_KINDS = b"".join(
    (_CAPITAL if chr(b).isupper() else _SMALL) if chr(b).isalpha() else _NOT_A_LETTER
    for b in range(256)
)


@quick_init
@dataclass(frozen=True, slots=True)
class Words:
    """A comment's words, split the ways the signals need them."""

    tokens: tuple[str, ...]
    """Every lower-cased word, in order (for phrases and question openers)."""
    stems: tuple[str, ...]
    """Stems of `tokens`, aligned with them."""
    content: frozenset[str]
    """Stems of the content words: no stopwords, emotes, mentions or one-letter words."""
    emote_like: int
    """How many whitespace chunks look like emotes or emoji."""
    chunks: int
    """How many whitespace-separated chunks the text has."""
    mentions: tuple[str, ...]
    """Lower-cased names mentioned with @name."""
    laughter_only: bool = False
    """Every chunk is laughter or an emote, and at least one laughs ("lol", "KEKW LULW")."""
    letters: int = 0
    """Letters outside emotes (for shouting)."""
    capitals: int = 0
    """Capital letters among `letters`."""
    written: int = 0
    """Words as written, outside mentions: `tokens`, but a run of kanji, katakana or hiragana
    one word, not its pieces (a 22-character advert in Chinese says one thing, not 21)."""


T = TypeVar("T")

#: Texts whose analysis is kept by default (`[ranking] cached_texts`); chunks and words get
#: CHUNKS_PER_TEXT and WORDS_PER_TEXT times as many places.
CACHED_TEXTS = 8192
CHUNKS_PER_TEXT = 8
WORDS_PER_TEXT = 6


class BoundedCache(Generic[T]):
    """`functools.lru_cache` around a one-argument function, with a bound the config can set
    (`bound_caches`): chat repeats its texts, chunks and words, and a long show brings new ones
    every minute, so each cache holds at most its bound, whatever the show's length.

    `per_text`: how many entries per cached text it may hold (the bound is `cached_texts` times
    that); every cache made with it is resized by `bound_caches`."""

    _per_text: ClassVar[list[tuple[BoundedCache[Any], int]]] = []

    def __init__(self, function: Callable[[str], T], maxsize: int, *, per_text: int = 0) -> None:
        # Each cache gets a class of its own, whose `__call__` is the `lru_cache` itself
        # (`_use`): a call then runs no Python code of ours, which halves the cost of a hit
        # (a comment asks these caches a dozen times).
        self.__class__ = type(f"BoundedCache[{function.__name__}]", (BoundedCache,), {})
        self.__wrapped__ = function
        self.__doc__ = function.__doc__
        self._use(lru_cache(maxsize=maxsize)(function))
        if per_text:
            BoundedCache._per_text.append((self, per_text))

    def __call__(self, key: str) -> T:
        """(What each cache's own class does, without this Python frame.)"""
        return self._cached(key)

    def _use(self, cached: _lru_cache_wrapper[T]) -> None:
        self._cached = cached
        type(self).__call__ = staticmethod(cached)  # type: ignore[method-assign]

    def resize(self, maxsize: int) -> None:
        """A new bound (what is cached is dropped only when the bound changes)."""
        if maxsize != self._cached.cache_info().maxsize:
            self._use(lru_cache(maxsize=maxsize)(self.__wrapped__))

    def cache_info(self) -> _CacheInfo:
        return self._cached.cache_info()

    def cache_clear(self) -> None:
        self._cached.cache_clear()


def bound_caches(texts: int) -> None:
    """Bound the text caches (process-wide) by `[ranking] cached_texts`."""
    for cache, per_text in BoundedCache._per_text:
        cache.resize(texts * per_text)


class AnyCase:
    """A case-insensitive regex that answers whether a text holds a match: an ASCII text's lower
    case is searched with a case-sensitive copy of it, twice as fast (`re` compares letters
    case-insensitively one by one); any other text with the regex itself (case-insensitive
    matching knows more than lower case: the long "ſ" is an "s").

    The pattern is written in lower case (and so without `\\S`, `\\W` or `\\D`), so for an ASCII
    text both answer alike."""

    def __init__(self, pattern: str) -> None:
        if pattern != pattern.lower():
            raise ValueError(f"AnyCase needs a pattern in lower case: {pattern!r}")
        self.regex = re.compile(pattern, re.IGNORECASE)
        self._lower = re.compile(pattern)

    def found_in(self, text: str) -> bool:
        if text.isascii():
            return self._lower.search(text.lower()) is not None
        return self.regex.search(text) is not None


def cached_per_text(function: Callable[[str], T]) -> BoundedCache[T]:
    """`function` of a comment's text, cached like `split_words` (one entry per text)."""
    return BoundedCache(function, CACHED_TEXTS, per_text=1)


def _stem(word: str) -> str:
    """The snowball stem of a lower-cased word (cached: chat vocabulary is small)."""
    return _STEMMER.stemWord(word)


def is_emote_chunk(chunk: str) -> bool:
    """True for a chunk that is an emote or emoji rather than a word."""
    return analyse_chunk(chunk).emote


def is_symbolic(chunk: str) -> bool:
    """True for emoji and symbols (no letters or digits at all)."""
    return not any(ch.isalnum() for ch in chunk) and any(
        unicodedata.category(ch).startswith("S") for ch in chunk
    )


@quick_init
@dataclass(frozen=True, slots=True)
class Chunk:
    """What one whitespace-separated chunk is, worked out once (chat repeats its chunks)."""

    mention: str | None
    emote: bool
    laughter: bool
    tokens: tuple[str, ...]
    stems: tuple[str, ...]
    content: tuple[str, ...]
    letters: int
    capitals: int
    written: int
    """Its words as written (`Words.written`)."""


def _emote_shaped(chunk: str) -> bool:
    bare = chunk.strip(".,!?")
    if not bare:
        return not any(ch.isalnum() for ch in chunk) and not set(chunk) <= set(".,!?")
    if _ALNUM.search(bare) is None:
        return True  # emoji, kaomoji, symbols
    if bare.lower() in KNOWN_EMOTES:
        return True
    return bool(_CAMEL_HUMP.match(bare))


def _analyse_chunk(chunk: str) -> Chunk:
    """The chunk's kind, words, stems and letters; cached, so a busy chat pays once per chunk."""
    if _MENTION.match(chunk):
        return Chunk(chunk[1:].rstrip(",:").lower(), False, False, (), (), (), 0, 0, 0)
    emote = _emote_shaped(chunk)
    bare = chunk.strip(".,!?")
    laughter = bool(bare) and bool(LAUGHTER.match(bare))
    beyond_ascii = not chunk.isascii()
    written = chunk.translate(_ARABIC_MARKS) if beyond_ascii else chunk
    words = [w.lower().replace("'", "") for w in _WORD.findall(written)]
    if len(words) > 1 and "-" in chunk:
        words.append("".join(words))  # wi-fi also matches wifi
    unspaced: dict[str, bool] = {}
    said = len(words)
    if beyond_ascii and UNSPACED.search(written):
        words, unspaced, said = _unspaced_pieces(words)
    stems = tuple(stem(w) for w in words)
    # An emote has no content words (nothing to step through); the others: a list made in one go.
    content = (
        ()
        if emote
        else tuple(
            [
                s
                for w, s in zip(words, stems, strict=True)
                if (
                    unspaced[w]
                    if w in unspaced
                    else not (
                        len(w) < 2 or w in STOPWORDS or w.isdigit() or fold(w) in FOREIGN_STOPWORDS
                    )
                )
            ]
        )
    )
    letters = capitals = 0
    if not emote and chunk.isascii():  # counted in C: what the loop below counts
        if chunk.isalpha() and chunk.islower():  # most chat words: "lol", "what"
            letters = len(chunk)
        else:
            kinds = chunk.encode("ascii").translate(_LETTER_KINDS)
            letters = len(kinds) - kinds.count(_NOT_A_LETTER)
            capitals = kinds.count(_CAPITAL)
    elif not emote:
        for ch in chunk:
            if ch.isalpha():
                letters += 1
                capitals += ch.isupper()
    return Chunk(None, emote, laughter, tuple(words), stems, content, letters, capitals, said)


def unspaced_words(word: str) -> list[tuple[tuple[str, ...], bool | None]]:
    """The words a written word of Chinese or Japanese may hold, each as its pieces, and whether
    they are content: no space tells where a word ends, so each run of kanji, of katakana and
    of hiragana is cut into its overlapping character pairs ("小麦粉" -> 小麦, 麦粉; one
    character alone: "麺"), which find a word inside a longer run ("豚骨スープは" holds スープ)
    and tell two questions in other words apart. Kanji and katakana pairs are content;
    hiragana pairs (particles and endings: "は", "ですか", "ます") never are (False). Any
    other run ("ａｂｃ" in "ａｂｃ全角") is a word of its own, judged as any word (None)."""
    out: list[tuple[tuple[str, ...], bool | None]] = []
    for run in _SCRIPT_RUN.finditer(word):
        content_run, hiragana = run.group(1), run.group(2)
        if content_run is None and hiragana is None:
            out.append(((run.group(0),), None))
            continue
        for part in _KANJI_KATAKANA_BREAK.split(content_run or hiragana):
            pieces = (
                (part,) if len(part) == 1 else tuple(part[i : i + 2] for i in range(len(part) - 1))
            )
            out.append((pieces, content_run is not None))
    return out


#: Pieces of Chinese or Japanese a whitespace chunk brings at most (about its first hundred
#: characters), and content words a comment brings at most: a 2,000-character line of kanji
#: was 2,000 words, each counted by the segment's topic (150 such lines took 431 MB).
MAX_UNSPACED_PIECES = 100
MAX_CONTENT_WORDS = 300


def _unspaced_pieces(words: list[str]) -> tuple[list[str], dict[str, bool], int]:
    """`words` with each word of Chinese or Japanese cut into its pieces (`unspaced_words`),
    whether each piece is content (at most `MAX_UNSPACED_PIECES` pieces), and how many words
    they were as written (a run of one script one word)."""
    pieces: list[str] = []
    content: dict[str, bool] = {}
    written = 0
    for word in words:
        if UNSPACED.search(word) is None:
            pieces.append(word)
            written += 1
            continue
        for parts, is_content in unspaced_words(word):
            room = MAX_UNSPACED_PIECES - len(pieces)
            if room <= 0:
                break
            written += 1
            parts = parts[:room]
            pieces += parts
            if is_content is not None:
                for part in parts:
                    content[part] = content.get(part, False) or is_content
    return pieces, content, written


def _split_words(text: str) -> Words:
    """Tokens, stems and content stems of a (clean) comment text.

    Cached (the result is immutable): live chat repeats whole texts ("LULW", "o7", waves).
    """
    tokens: list[str] = []
    stems: list[str] = []
    content: set[str] = set()
    mentions: list[str] = []
    emote_like = letters = capitals = written = 0
    laughing = True
    laughs = False
    chunks = text.split()
    for raw in chunks:
        chunk = analyse_chunk(raw)
        if chunk.mention is not None:
            mentions.append(chunk.mention)
            laughing = False
            continue
        emote_like += chunk.emote
        laughs = laughs or chunk.laughter
        laughing = laughing and (chunk.laughter or chunk.emote)
        tokens += chunk.tokens
        stems += chunk.stems
        if len(content) < MAX_CONTENT_WORDS:
            content.update(chunk.content)
        letters += chunk.letters
        capitals += chunk.capitals
        written += chunk.written
    return Words(
        tokens=tuple(tokens),
        stems=tuple(stems),
        content=frozenset(content),
        emote_like=emote_like,
        chunks=len(chunks),
        mentions=tuple(mentions),
        laughter_only=bool(chunks) and laughing and laughs,
        letters=letters,
        capitals=capitals,
        written=written,
    )


stem = BoundedCache(_stem, CACHED_TEXTS * WORDS_PER_TEXT, per_text=WORDS_PER_TEXT)
analyse_chunk = BoundedCache(
    _analyse_chunk, CACHED_TEXTS * CHUNKS_PER_TEXT, per_text=CHUNKS_PER_TEXT
)
split_words = cached_per_text(_split_words)


def phrase_words(phrase: str) -> list[tuple[tuple[str, ...], bool | None]]:
    """The written words of a title, keyword or phrase, each as its stems (every word kept:
    phrases match word for word), and whether it is content: a word of a spaced script is one stem, judged as any word (None); one of Chinese or
    Japanese is the pieces a comment's text is cut into (`unspaced_words`)."""
    written = phrase if phrase.isascii() else phrase.translate(_ARABIC_MARKS)
    out: list[tuple[tuple[str, ...], bool | None]] = []
    for word in _WORD.findall(written):
        word = word.lower().replace("'", "")
        if word.isascii() or UNSPACED.search(word) is None:
            out.append(((stem(word),), None))
        else:
            out += [(tuple(map(stem, parts)), c) for parts, c in unspaced_words(word)]
    return out


def normalize_for_repeat(text: str) -> str:
    """Text reduced for near-duplicate checks: lower case, runs of the same word collapsed."""
    out: list[str] = []
    for word in text.lower().split():
        if not out or out[-1] != word:
            out.append(word)
    return " ".join(out)[:300]


#: Fewest words a text needs to be a wall (a phrase at least twice).
_WALL_WORDS = 4


def said_once(normalized: str) -> str:
    """What a wall says, once: a phrase posted again and again in one comment ("xqc has no
    visa monkaW xqc has no visa monkaW ...", its last copy maybe cut off by the platform's
    length limit) is that phrase. The repeat check compares what was said, so the same wall
    posted again with more or fewer copies is the same text again. Any other text is itself.

    `normalized`: a text from `normalize_for_repeat` (lower case, runs of a word collapsed)."""
    space = normalized.find(" ")
    if space < 0 or f" {normalized[:space]}" not in normalized[space:]:
        return normalized  # most texts: the opening word never comes back
    words = normalized.split(" ")
    count = len(words)
    if count < _WALL_WORDS:
        return normalized
    first = words[0]
    last = count - 1
    for period in range(1, count // 2 + 1):
        # Only where the opening word comes back can a copy start: most texts never pass this.
        if (
            words[period] == first
            and words[period:last] == words[: last - period]
            and words[last - period].startswith(words[last])  # the last word maybe cut short
        ):
            return " ".join(words[:period])
    return normalized


def wall_phrase(text: str, said: str) -> str:
    """The phrase a wall says once, as the comment wrote it (its capitals and emotes kept):
    `said` is `said_once` of the text's `normalize_for_repeat`, and the phrase is that many of
    the text's words, runs of one word counted once as there."""
    count = said.count(" ") + 1
    out: list[str] = []
    last = ""
    for chunk in text.split():
        lowered = chunk.lower()
        if lowered == last:
            continue
        last = lowered
        out.append(chunk)
        if len(out) == count:
            break
    return " ".join(out)
