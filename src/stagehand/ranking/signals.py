"""The stateless signals: each a small pure function of a comment's text (and its words).

The Ranker combines them with the stateful ones (topic, repeats, authors); keeping these pure
makes each one testable on its own and cheap: a few regex passes over a short string.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Container, Iterable
from functools import lru_cache
from operator import itemgetter

from stagehand.command_word import fold_command_word
from stagehand.domain import Highlight, HighlightKind
from stagehand.ranking.bots import other_bots_command

# The ranker asks every signal here; question detection is big enough for its own module.
from stagehand.ranking.questions import question_strength as question_strength
from stagehand.ranking.text import (
    STOPWORDS,
    AnyCase,
    Words,
    analyse_chunk,
    cached_per_text,
    split_words,
)

#: English question words: never a viewer's name ("how", "whats").
ENGLISH_QUESTION_WORDS = frozenset(
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
        # oi, olá, buenas, bom dia, boa tarde, bonsoir, buongiorno, salve, welcome in five more
        *("oi", "olá", "buenas", "buenos", "bom", "boa", "bonsoir", "buongiorno", "buonasera"),
        *(
            "guten",
            "salve",
            "saludos",
            "welcome",
            "bienvenida",
            "bienvenido",
            "bienvenidos",
            "bienvenue",
        ),
        *("willkommen", "benvenuta", "benvenuto", "benvenuti", "bem-vinda", "bem-vindo"),
        # مرحبا, السلام (عليكم), سلام, أهلا, هلا, مساء / صباح (الخير): Arabic
        *("مرحبا", "السلام", "سلام", "أهلا", "اهلا", "هلا", "مساء", "صباح", "وعليكم"),
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
        # the cheer that comes with a hello ("hey John!! friday build lets gooo")
        *("lets", "let's", "go", "hype", "ayy", "ay", "back", "live", "happy"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        # días, tardes, noches, pessoal, gente, tout le monde, a tutti, zusammen, Leute, Abend
        *("dia", "días", "dias", "tarde", "tardes", "noches", "noite", "pessoal", "gente"),
        *("todos", "tout", "monde", "tutti", "zusammen", "leute", "abend", "tag", "morgen"),
        *("crew", "squad", "checking", "first", "erster", "primero", "primeiro", "premier"),
        *("عليكم", "الخير", "النور", "جميعا", "الجميع", "شباب", "يا", "بكم", "بالجميع"),
    }
)
#: Greetings in Japanese and Chinese, written without spaces: the text opens with one
#: ("こんばんは〜", "初見です", "大家好"), and the rest is judged as a greeting's rest.
_UNSPACED_GREETING = re.compile(
    r"(?:こんばんは|こんばんわ|こんにちは|こんにちわ|おはよう(?:ございます)?|はじめまして|初見(?:です)?"
    r"|ばんわ|やっほー?|おやすみ(?:なさい)?|またね|お疲れ様(?:です|でした)?|おつかれ(?:さま)?|乙"
    r"|大家好|你们好|你好|晚上好|早上好|哈喽|拜拜|再见)"
)
#: Where a greeting comes from ("hello from the discord side", "boa tarde do Rio"): the place
#: after these words is part of the hello.
_GREETED_FROM = frozenset({"from", "desde", "da", "de", "del", "aus", "von", "depuis", "dal"})
#: "gooo", "hiii", "heyyy": a letter held for effect counts once.
_HELD = re.compile(r"(.)\1{2,}")
#: `_HELD`'s replacement, the held letter once: what the template r"\1" gives, but a template
#: costs `re` a call into its Python part on every `sub` (five times the whole `sub`).
_held_once = itemgetter(1)
_GREETING_PHRASES = re.compile(
    r"^(?:(?:good (?:morning|evening|afternoon|night)|what'?s up|hello there|greetings from"
    r"|[\w ]{0,30}\bchecking in)\b"
    r"|(?:first|erste[rs]?|primer[oa]|primeir[oa]|premi[eè]re?|prim[oa])\s*!)",
    re.IGNORECASE,
)
# Farewells are greetings too ("thanks for having us, great build!", "see you next week"): at the
# end of a show they come in a wave, and must not top the queue.
_THANKS = frozenset(
    {
        *("thanks", "thank", "thx", "thnx", "ty", "tysm", "tyvm", "thankyou"),
        # gracias, obrigado, valeu, merci, danke, grazie
        *("gracias", "obrigado", "obrigada", "valeu", "merci", "danke", "grazie"),
    }
)
_FAREWELL_WORDS = frozenset(
    {
        *("you", "so", "much", "for", "having", "us", "me", "great", "good", "awesome"),
        *("amazing", "fun", "nice", "cool", "show", "stream", "see", "ya", "next", "week"),
        *("time", "again", "lot", "lots", "both", "tonight", "today", "same", "soon", "was"),
        *("that", "this", "it", "one", "u"),
    }
)
# A thanks is a farewell when it thanks the show or the people in it ("thanks for having us",
# "thanks both, great stream", "thanks John!!"); a bare "thanks" or "thanks, gonna try" in a help
# channel is part of a conversation, judged like any short comment.
_FAREWELL_MARKERS = frozenset(
    {
        *("having", "show", "stream", "build", "see", "week", "next", "same", "tonight"),
        *("everyone", "everybody", "all", "both", "guys", "chat", "folks", "yall"),
    }
)
_FAREWELL_PHRASES = re.compile(
    r"^(?:(?:good|great|awesome|amazing|fun|nice|cool) (?:show|stream|build|session|episode)"
    r"|see (?:you|ya|u)\b|same time next|that was (?:fun|great|awesome|amazing))",
    re.IGNORECASE,
)
# Who a greeting or a thanks is for: the word right after the opener, with nothing between
# ("hey John!!", "thank you priya"; not "hi, first time here").
_GREETED = re.compile(
    r"(?:^|[\s,.!])(?:hey+|hi+|hello|heya|hiya|yo|howdy|hola|bye+|cya|gm|gn|morning|evening"
    r"|thanks|thank you|thank u|thx|ty|tysm|gracias|obrigad[oa]|valeu|merci|danke|grazie)"
    r"\s+@?([^\W\d_][\w.'-]*)",
    re.IGNORECASE,
)

_LINK = re.compile(
    r"(?:https?://|www\.)\S+|\b[a-z0-9][a-z0-9-]*\.(?:com|net|org|io|gg|tv|ly|me|co|xyz|ru|info"
    r"|link|live|shop|app|site|online|store|club)(?:/\S*)?\b",
    re.IGNORECASE,
)


def is_ask_command(text: str, prefix: str = "!") -> bool:
    """True when the comment is an `!ask` with a question after it (the question the viewer
    wants answered on air); a bare `!ask` is a command like any other, not a question. A
    full-width `！ask` (an input method's) is one too (`stagehand.command_word`)."""
    text = fold_command_word(text)
    head = text[: len(prefix) + 4].lower()
    return head.startswith(f"{prefix}ask ") and bool(text[len(prefix) + 4 :].strip())


def strip_ask(text: str, prefix: str = "!") -> str:
    """The question of an `!ask` without the command word."""
    if not is_ask_command(text, prefix):
        return text
    return fold_command_word(text)[len(prefix) + 3 :].strip()


#: A command's name, as the classifier reads it (`stagehand.commands.parse`): letters only.
_COMMAND_NAME = re.compile(r"[a-z]{1,20}")


def is_other_command(text: str, prefix: str = "!") -> bool:
    """True for a chat bot's command (`!uptime`, `!so @ana`, a bare `!word`), which is for the
    bot, not the hosts; a viewer talking after an unknown `!word` is not one (`ranking.bots`)."""
    text = fold_command_word(text)
    if not text.startswith(prefix) or is_ask_command(text, prefix):
        return False
    head, _, rest = text[len(prefix) :].partition(" ")
    name = head.casefold()
    return bool(_COMMAND_NAME.fullmatch(name)) and other_bots_command(name, rest)


_CATCHING_UP = re.compile(
    r"^(?:i'?m |im )?back\b|\bwhat(?:'?d| did) i miss\b|\bdid (?:i|we) miss\b"
    r"|\bjust (?:got here|joined|arrived|tuned in)\b|\blate to the (?:stream|show|party)\b"
    r"|\b(?:here|on|live|back) yet\b|\bwhen (?:is|does|will) \w+ (?:coming|come|get) on\b"
    r"|\bque me perd[ií]|\bo que (?:eu )?perdi|\bqu'?est[- ]ce que j'?ai rat[ée]"
    r"|\bwas hab(?:e)? ich verpasst|\bcosa mi sono pers[oa]",
    re.IGNORECASE,
)
#: A word every match of `_CATCHING_UP` holds (each of its alternatives has one as it is
#: written). Most texts hold none: in an ASCII text's lower case (where case-insensitive matching
#: is lower-casing) that is found in a tenth of the full search, so only the rest are searched.
_CATCHING_UP_HINTS = re.compile(r"back|miss|just|late|yet|when|perd|rat|verpasst|pers")
#: The same words for any other text, matched as `_CATCHING_UP` matches them (case-insensitive
#: matching knows more than lower case: "ſ" is an "s"). The full search costs such a text (an
#: emoji, braille art) about thirty times this one.
_CATCHING_UP_HINTS_ANY_CASE = re.compile(_CATCHING_UP_HINTS.pattern, re.IGNORECASE)
#: The characters beyond ASCII that `re` matches to an ASCII letter case-insensitively ("İ",
#: "ı", "ſ" and the Kelvin sign, as its documentation says). A text beyond ASCII without them
#: holds a hint word only in its ASCII characters: those are looked in, alone and lower-cased
#: (`_CATCHING_UP_ASCII_HINTS`), for a sixth of what the case-insensitive search costs.
_LIKE_ASCII_LETTERS = re.compile("[\u0130\u0131\u017f\u212a]")
_CATCHING_UP_ASCII_HINTS = re.compile(_CATCHING_UP_HINTS.pattern.encode("ascii"))


def is_catching_up(text: str) -> bool:
    """Someone arriving or back, asking what they missed: "back! what did I miss?". A hello in
    other words: it names the topic ("is the dough done yet?") but is about nothing."""
    if text.isascii():
        if not _CATCHING_UP_HINTS.search(text.lower()):
            return False
    elif _LIKE_ASCII_LETTERS.search(text) is None:
        # Dropping the rest may join two runs of letters into a hint: then the full search says.
        if not _CATCHING_UP_ASCII_HINTS.search(text.encode("ascii", "ignore").lower()):
            return False
    elif not _CATCHING_UP_HINTS_ANY_CASE.search(text):
        return False
    return bool(_CATCHING_UP.search(text))


#: Praise with nothing else in it ("Noor you're an inspiration", "ur a legend", "sos un crack").
_PRAISE = frozenset(
    {
        *("inspiration", "inspiring", "amazing", "awesome", "legend", "legendary", "goat"),
        *("goated", "hero", "queen", "king", "icon", "incredible", "brilliant", "genius"),
        *("talented", "fantastic", "wholesome", "proud", "respect", "based", "cracked", "crack"),
        *("increíble", "increible", "genial", "incrível", "incrivel", "maravilhosa"),
        *("maravilhoso", "demais", "génial", "incroyable", "toll", "bravissima", "bravissimo"),
    }
)
_PRAISE_FILLER = frozenset(
    {
        *("you", "youre", "your", "ur", "u", "are", "an", "a", "the", "so", "such", "truly"),
        *("really", "literally", "just", "absolute", "absolutely", "total", "totally", "true"),
        *("real", "my", "our", "all", "love", "great", "best", "sos", "eres", "es", "tu", "um"),
        *("uma", "é", "voce", "você", "est", "une", "un", "bist", "du", "ein", "eine", "sei"),
    }
)


#: A Bits cheer in the text ("Cheer100", "Kappa500"): the cheer, not a word.
_CHEERMOTE = re.compile(r"^[a-z]+\d+$")


def is_praise(words: Words, names: Callable[[], Iterable[str]] = tuple) -> bool:
    """Praise for the show or a guest with nothing else said: "Noor you're an inspiration".
    `names` gives the names it may address, asked only for a comment with a word of praise."""
    tokens = words.tokens
    if not tokens or len(tokens) > 8 or _PRAISE.isdisjoint(tokens):
        return False
    known = {n.lower() for n in names()} | set(words.mentions)
    return all(
        t in _PRAISE or t in _PRAISE_FILLER or t in known or _CHEERMOTE.match(t) for t in tokens
    )


def is_greeting(text: str, words: Words, names: Iterable[str] = ()) -> bool:
    """A greeting or a farewell with nothing else in it: "hi", "Hey John!!", "good morning chat
    o7", "thanks for having us, great build!", "good show. see you next week".

    A greeting that goes on to say something ("hi, how do I ...") is not one: the rest is judged.
    """
    shape = _greeting_shape(text)
    if shape is None or words.chunks > 8:
        return False
    rest, greeted = shape
    if len(rest) > 1:
        known = {n.lower() for n in names} | set(words.mentions) | set(greeted)
        rest = tuple(t for t in rest if t not in known)
    return len(rest) <= 1


@cached_per_text
def _greeting_shape(text: str) -> tuple[tuple[str, ...], tuple[str, ...]] | None:
    """What `is_greeting` reads of the text alone (cached per text): None when it does not open
    as a greeting or a farewell; else its words that are no greeting, farewell, thanks or common
    word, and the names it greets."""
    stripped = text.strip()
    if not stripped.isascii() and (hello := _UNSPACED_GREETING.match(stripped)) is not None:
        return _greeting_rest(split_words(stripped[hello.end() :]).tokens), ()
    written = [t for t in split_words(text).tokens if t]
    if not written:
        return None
    first = _HELD.sub(_held_once, written[0])
    if not (
        first in _GREETING_OPENERS
        or first in _THANKS
        or _GREETING_PHRASES.match(stripped)
        or _FAREWELL_PHRASES.match(stripped)
    ):
        return None  # most texts: what the test below says, without its names and its words
    tokens = [first, *(_HELD.sub(_held_once, t) for t in written[1:])]
    greeted = greeted_names(text)
    opens = (
        tokens[0] in _GREETING_OPENERS
        or (tokens[0] in _THANKS and bool(greeted or _FAREWELL_MARKERS.intersection(tokens)))
        or bool(_GREETING_PHRASES.match(stripped))
        or bool(_FAREWELL_PHRASES.match(stripped))
    )
    if not opens:
        return None
    return _greeting_rest(_without_origin(tokens)), greeted


def _greeting_rest(tokens: Iterable[str]) -> tuple[str, ...]:
    """The words of a greeting that are no greeting, farewell, thanks or common word."""
    return tuple(
        t
        for t in tokens
        if t not in _GREETING_WORDS
        and t not in _FAREWELL_WORDS
        and t not in _THANKS
        and t not in STOPWORDS
    )


def _without_origin(tokens: list[str]) -> list[str]:
    """The words of a greeting without where it comes from: "hello from the discord side" ->
    hello (up to three words after "from", "desde", "de", "aus", ...)."""
    for i, token in enumerate(tokens[1:], start=1):
        if token in _GREETED_FROM:
            return tokens[:i] + tokens[i + 4 :]
    return tokens


def greeted_names(text: str) -> tuple[str, ...]:
    """Who a greeting or a thanks speaks to: "hey john hey priya" -> ("john", "priya").

    Only a word that directly follows the opener, and is no greeting, thanks or common word:
    "thanks everyone" and "hi, first time here" name nobody.
    """
    names = []
    for match in _GREETED.finditer(text):
        name = match[1].lower().rstrip(".'-")
        if (
            len(name) >= 2
            and name not in _GREETING_WORDS
            and name not in _FAREWELL_WORDS
            and name not in _THANKS
            and name not in STOPWORDS
            and name not in ENGLISH_QUESTION_WORDS
        ):
            names.append(name)
    return tuple(dict.fromkeys(names))


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
    # Either holds "://" or a dot: most texts have neither, and that is quicker to see.
    return ("." in text or "://" in text) and bool(_LINK.search(text))


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


def addressed_names(
    text: str, words: Words, known_names: Container[str], *, opener: str | None = None
) -> tuple[str, ...]:
    """Names the comment speaks to: @mentions, and IRC style "name: ..." / "name, ..." openers.
    `opener`: `opener_name(text)`, when the caller has it already (the ranker, once a text)."""
    candidate = opener_name(text) if opener is None else opener
    mentions = words.mentions
    if candidate and candidate in known_names:
        return tuple(dict.fromkeys([*mentions, candidate]))
    return tuple(dict.fromkeys(mentions)) if mentions else ()


def opener_name(text: str) -> str:
    """The name an IRC style opener ("name: ...", "name, ...") speaks to, lower-cased, whether
    or not anyone has it; "" when the text opens with none."""
    first = text.split(maxsplit=1)[0] if text.strip() else ""
    if len(first) > 1 and first[-1] in ":,":
        return first[:-1].lstrip("@").lower()
    return ""


def named_first(words: Words, known_names: Container[str]) -> str | None:
    """A known name opening a line that speaks to "you": "wren did your panels ever arrive?"
    (looser than `addressed_names`: good enough to tell a question for a viewer from one for
    the show, too loose to move a score)."""
    tokens = words.tokens
    if not tokens or len(tokens[0]) < 3 or tokens[0] not in known_names:
        return None
    if tokens[0] in STOPWORDS or tokens[0] in ENGLISH_QUESTION_WORDS:
        return None
    return tokens[0] if _SECOND_PERSON.intersection(tokens[1:]) else None


#: Words that put a question to the whole chat rather than to the show.
_TO_CHAT = frozenset(
    {
        *("anyone", "anybody", "everyone", "everyones", "everybody", "yall", "y'all"),
        # alguien, alguém, quelqu'un, jemand, qualcuno (apostrophes and case already gone)
        *("alguien", "alguém", "alguem", "quelquun", "jemand", "irgendwer", "qualcuno"),
    }
)
_SECOND_PERSON = frozenset({"you", "your", "youre", "yours", "u", "ur"})


def asks_the_chat(words: Words) -> bool:
    """A question put to the other viewers: "anyone going to superbooth?", "whats everyone's
    favourite album?" (one of the first three words asks the whole chat), "is the stream quiet
    for anyone else?"."""
    tokens = words.tokens
    if _TO_CHAT.intersection(tokens[:3]):
        return True
    return any(
        token in _TO_CHAT and following in ("else", "here")
        for token, following in itertools.pairwise(tokens)
    )


#: Demonstratives that point at a thing ("this game", "ese mapa", "cette map", "dieses Spiel",
#: "questo gioco"): in English, Spanish, Portuguese, French, German and Italian (none in Arabic,
#: Chinese or Japanese), those that are never a pronoun's other form.
_DEMONSTRATIVES = frozenset(
    {"this", "that", "these", "those", "este", "esta", "ese", "esa", "esse", "essa", "cette"}
    | {"cet", "ces", "dieser", "diese", "dieses", "diesen", "questo", "questa", "quel"}
)


def points_at_the_stream(words: Words) -> bool:
    """A demonstrative before a content word: "is this game still relevant?", "who tf still
    plays this game". In a stream's chat that thing is on the screen: the stream's subject, as a
    question to the show is (`Ranker._put_to_show`). "what is that" points at nothing named."""
    tokens, stems, content = words.tokens, words.stems, words.content
    return any(
        token in _DEMONSTRATIVES and following in content
        for token, following in zip(tokens, stems[1:], strict=False)
    )


#: What a highlight is worth, as a share of the `highlight` weight, before its amount counts.
_HIGHLIGHT_SHARE = {
    HighlightKind.CHANNEL_POINTS: 1.0,
    HighlightKind.BITS: 1.0,
    HighlightKind.SUPER_CHAT: 1.0,
    HighlightKind.SUPER_STICKER: 0.5,  # a sticker: no words to take on air
    HighlightKind.MEMBERSHIP: 0.5,
}


def highlight_points(highlight: Highlight, weight: float) -> float:
    """Points for a paid or platform highlight: `weight` for channel points, a Bits cheer or a
    Super Chat, half of it for a sticker or a membership. Bits and money count more with the
    amount, by a quarter per tenfold, up to twice as much: 1 000 bits x1.25, 10 000 x1.5 (Bits
    in hundreds: a cent each); $10 x1.25, $100 x1.5. Money is in its currency's major unit and
    not converted (a show's Super Chats mostly share one currency)."""
    points = weight * _HIGHLIGHT_SHARE.get(highlight.kind, 1.0)
    if highlight.kind in (HighlightKind.CHANNEL_POINTS, HighlightKind.MEMBERSHIP):
        return points
    amount = highlight.amount / 100 if highlight.kind is HighlightKind.BITS else highlight.amount
    if amount > 1:
        points *= min(2.0, 1.0 + 0.25 * math.log10(amount))
    return points


#: What a question about the broadcast itself talks about: "is the audio quiet for anyone
#: else", "what mic is she using", "is the camera lagging". Put to the show, but about no
#: segment (the words as written, in English, Spanish, Portuguese, French, German and Italian). Only the broadcast's own sound and
#: picture: the platforms ("did youtube bring you wishlists"), pets and things in the room ("is
#: the keeper's cat based on yours") can be what a show talks about.
_BROADCAST_WORDS = frozenset(
    {
        *("mic", "mics", "microphone", "audio", "camera", "cam", "webcam", "facecam", "lag"),
        *("lagging", "laggy", "buffering", "bitrate", "1080p", "720p", "vod", "vods"),
        # micro, micrófono, microfone, Mikrofon, microfono; cámara, câmera, caméra, Kamera
        *("micro", "micrófono", "microfono", "microfone", "mikrofon", "áudio", "cámara"),
        *("câmera", "caméra", "kamera", "telecamera"),
    }
)
#: A segment about these is about the setup: there a question on the mic or the camera is on topic.
SETUP_WORDS = frozenset({*_BROADCAST_WORDS, "setup", "gear", "equipment", "rig", "streaming"})


def about_the_broadcast(words: Words, topic: Container[str] = ()) -> bool:
    """The comment talks about the broadcast rather than a topic: "is the audio quiet for
    anyone else", "what mic is she using". A word that is part of the `topic` (stems: a
    segment on recording a podcast has "mic") is the topic."""
    if _BROADCAST_WORDS.isdisjoint(words.tokens):
        return False  # most comments: one set operation instead of a loop over their words
    return any(
        token in _BROADCAST_WORDS and stem not in topic
        for token, stem in zip(words.tokens, words.stems, strict=False)
    )


_ANOTHER_SHOW = AnyCase(
    r"\bnext (?:week|time|stream|show|episode|ep|month|year)\b|\banother (?:time|day|stream)\b"
    r"|\bsome ?day\b|\bone day\b|\bpr[oó]xima (?:semana|vez|semaine)\b|\bpr[oó]ximo (?:stream|mes)\b"
    r"|\bprochaine? (?:fois|semaine|stream|émission)\b|\bn[aä]chste[ns]? (?:woche|mal|stream|folge)\b"
    r"|\bprossim[ao] (?:volta|settimana|stream|puntata)\b"
)


def asks_for_another_show(text: str) -> bool:
    """A request for a later show rather than a question on this one: "can you do gnocchi next
    week", "la próxima vez hacen pan?", "machst du nächste Woche Brot"."""
    return _ANOTHER_SHOW.found_in(text)
