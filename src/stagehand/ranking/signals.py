"""The stateless signals: each a small pure function of a comment's text (and its words).

The Ranker combines them with the stateful ones (topic, repeats, authors); keeping these pure
makes each one testable on its own and cheap: a few regex passes over a short string.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from stagehand.ranking.text import STOPWORDS, Words, analyse_chunk

_QUESTION_OPENERS = frozenset(
    [
        "how",
        "what",
        "why",
        "when",
        "where",
        "who",
        "whom",
        "which",
        "whose",
        "can",
        "could",
        "would",
        "should",
        "shall",
        "is",
        "are",
        "am",
        "was",
        "were",
        "do",
        "does",
        "did",
        "will",
        "has",
        "have",
        "had",
        "any",
        "anyone",
        "anybody",
        "isnt",
        "arent",
        "dont",
        "doesnt",
        "didnt",
        "cant",
        "wont",
        "wouldnt",
        "shouldnt",
        "couldnt",
        "whats",
        "hows",
        "whys",
        "wheres",
        "whos",
    ]
)
_QUESTION_PHRASES = re.compile(
    r"\b(?:i wonder|i was wondering|wondering (?:if|whether|how|why|what)|any ?(?:one|body) know"
    r"|any idea|any tips|help me|can (?:some|any)(?:one|body)|is there (?:a|any) way|how to"
    r"|what about|thoughts on|question:|q:|do you (?:think|know|recommend)"
    r"|(?:is|was|are) (?:that|this|it|these|those) (?:normal|ok|okay|right|correct|expected|safe"
    r"|fine|bad|a problem)|or not\b)",
    re.IGNORECASE,
)
_QUESTION_MARK = re.compile(r"[?？¿](?:\s|$|[)\"'!.,:;?？])|[?？]$")

# Words that open a greeting ("hey john", "gm chat")...
_GREETING_OPENERS = frozenset(
    {
        "hi",
        "hii",
        "hiii",
        "hiiii",
        "hello",
        "helo",
        "hallo",
        "hullo",
        "hey",
        "heyy",
        "heyyy",
        "heya",
        "hiya",
        "yo",
        "sup",
        "wassup",
        "whatsup",
        "howdy",
        "hola",
        "ola",
        "ciao",
        "salut",
        "bonjour",
        "moin",
        "servus",
        "greetings",
        "gm",
        "gn",
        "goodnight",
        "bye",
        "byee",
        "cya",
        "wb",
        "o7",
        "hai",
        "ello",
        "ahoy",
    }
)
# ...and those that count as a greeting anywhere in a short line.
_GREETING_WORDS = _GREETING_OPENERS | frozenset(
    {
        "morning",
        "evening",
        "afternoon",
        "night",
        "later",
        "welcome",
        "everyone",
        "everybody",
        "all",
        "guys",
        "chat",
        "folks",
        "fam",
        "gang",
        "y'all",
        "yall",
        "there",
        "good",
    }
)
_GREETING_PHRASES = re.compile(
    r"^(?:good (?:morning|evening|afternoon|night)|what'?s up|hello there|greetings from)\b",
    re.IGNORECASE,
)

_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*\.(?:com|net|org|io|gg|tv|ly|me|co|xyz|ru|info"
    r"|link|live|shop|app|site|online|store|club)(?:/\S*)?\b",
    re.IGNORECASE,
)


def question_strength(text: str, words: Words) -> float:
    """0 for no question; 0.8 for a question mark or a question opener; 1.0 for both.

    Chat often drops the question mark ("how do i mount ntfs"), so an interrogative first word
    counts too; a lone "???" (confusion, not a question) does not.
    """
    if len(words.tokens) < 2:
        return 0.0
    mark = bool(_QUESTION_MARK.search(text))
    opener = words.tokens[0] in _QUESTION_OPENERS and len(words.tokens) >= 3
    phrase = bool(_QUESTION_PHRASES.search(text))
    if mark and (opener or phrase):
        return 1.0
    if mark or opener or phrase:
        return 0.8
    return 0.0


def is_ask_command(text: str, prefix: str = "!") -> bool:
    """True when the comment is an `!ask` with a question after it (the question the viewer
    wants answered on air); a bare `!ask` is a command like any other, not a question."""
    head = text[: len(prefix) + 4].lower()
    return head.startswith(f"{prefix}ask ") and bool(text[len(prefix) + 4 :].strip())


def strip_ask(text: str, prefix: str = "!") -> str:
    """The question of an `!ask` without the command word."""
    return text[len(prefix) + 3 :].strip() if is_ask_command(text, prefix) else text


def is_other_command(text: str, prefix: str = "!") -> bool:
    """True for a chat command that is not !ask (those are for the bot, not the hosts)."""
    if not text.startswith(prefix) or is_ask_command(text, prefix):
        return False
    rest = text[len(prefix) :]
    return bool(rest) and not rest[0].isspace() and rest[0] not in "!?"


def is_greeting(text: str, words: Words, names: Iterable[str] = ()) -> bool:
    """A greeting with nothing else in it: "hi", "Hey John!!", "good morning chat o7".

    A greeting that goes on to say something ("hi, how do I ...") is not one: the rest is judged.
    """
    tokens = [t for t in words.tokens if t]
    if not tokens:
        return False
    opens = tokens[0] in _GREETING_OPENERS or bool(_GREETING_PHRASES.match(text.strip()))
    if not opens:
        return False
    known = {n.lower() for n in names} | set(words.mentions)
    rest = [t for t in tokens if t not in _GREETING_WORDS and t not in STOPWORDS and t not in known]
    return len(rest) <= 1 and words.chunks <= 8


def is_laughter(text: str, words: Words) -> bool:
    """Only laughter (and maybe emotes): "lol", "hahaha", "LULW LULW", "😂😂"."""
    return words.laughter_only


def is_emote_only(text: str, words: Words) -> bool:
    """Only emotes, emoji or symbols: "PogU PogU", "🔥🔥🔥", "KKonaW Clap"."""
    return words.chunks > 0 and words.emote_like == words.chunks and not words.mentions


def is_reaction(words: Words) -> bool:
    """A short comment carried by emotes: at most two content words next to an emote or emoji
    ("PRO GAMER LULW", "ALIAN VISA PogU", "😎 PRO GAMER")."""
    return 0 < words.emote_like < words.chunks and len(words.content) <= 2 and words.chunks <= 4


def has_link(text: str) -> bool:
    """True when the text carries a URL or a bare domain (example.com/path)."""
    return bool(_LINK.search(text))


def spam_phrase(text: str, phrases: Iterable[str]) -> str | None:
    """The first configured spam phrase found in the text (case-insensitive), if any."""
    lowered = text.lower()
    for phrase in _lowered(tuple(phrases)):
        if phrase in lowered:
            return phrase
    return None


@lru_cache(maxsize=16)
def _lowered(phrases: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(p.lower() for p in phrases if p)


def is_shouting(text: str, *, min_letters: int, ratio: float, words: Words | None = None) -> bool:
    """Mostly capitals over enough letters; emote names do not count as shouting.

    Pass the text's `words` when they are at hand: their letter counts are already made.
    """
    if words is None:
        chunks = [analyse_chunk(chunk) for chunk in text.split()]
        letters = sum(c.letters for c in chunks)
        capitals = sum(c.capitals for c in chunks)
    else:
        letters, capitals = words.letters, words.capitals
    return letters >= min_letters and capitals >= ratio * letters


def repeats_itself(words: Words) -> bool:
    """Words repeated within one comment ("APEX IS DEAD APEX IS DEAD APEX IS DEAD")."""
    tokens = words.tokens
    return len(tokens) >= 6 and len(set(tokens)) / len(tokens) < 0.5


def addressed_names(text: str, words: Words, known_names: Iterable[str]) -> tuple[str, ...]:
    """Names the comment speaks to: @mentions, IRC style "name: ..." / "name, ..." openers, and
    a known name opening a line that speaks to "you" ("wren did your panels arrive?")."""
    names = list(words.mentions)
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if len(first) > 1 and first[-1] in ":,":
        candidate = first[:-1].lstrip("@").lower()
        if candidate and candidate in known_names:
            names.append(candidate)
    elif (
        words.tokens
        and len(words.tokens[0]) >= 3
        and words.tokens[0] in known_names
        and words.tokens[0] not in STOPWORDS
        and words.tokens[0] not in _QUESTION_OPENERS
        and _SECOND_PERSON.intersection(words.tokens[1:])
    ):
        names.append(words.tokens[0])
    return tuple(dict.fromkeys(names))


#: Words that put a question to the whole chat rather than to the show.
_TO_CHAT = frozenset({"anyone", "anybody", "everyone", "everyones", "everybody", "yall", "y'all"})
_SECOND_PERSON = frozenset({"you", "your", "youre", "yours", "u", "ur"})


def asks_the_chat(words: Words) -> bool:
    """A question put to the other viewers: "anyone going to superbooth?", "whats everyone's
    favourite album?" (one of the first three words asks the whole chat)."""
    return bool(_TO_CHAT.intersection(words.tokens[:3]))
