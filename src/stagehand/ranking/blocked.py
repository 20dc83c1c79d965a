"""Blocked terms (`[ranking] blocked_terms`): a viewer's line with one is held back from the queue.

The queue holds only what a host may take on air; a sexual remark, a slur or "kill yourself" is
never that, however well it ranks. The pipeline's classifier (`stagehand.show.kinds`) asks this
one rule of each viewer's comment: a line that has a blocked term is `held` (stored, counted, in
raw chat and the log, never queued, never a follow-up).

A term is a word or a phrase, matched as whole words: "cunt" holds "CUNT" back but not
"Scunthorpe", an added "ass" not "class" or "assess". Matching is done on the text as the ranker
folds it (lower case, accents and width folded: "ＣＯＣＫ", "maricón" and "maricon" alike), with
a held letter counting once ("cooock") and the usual digit and symbol stand-ins ("c0ck", "a$$",
"sh1t"); words of a phrase may be apart by any spaces or punctuation ("fuck.you"). A term ending
in `*` also holds back longer words that start with it ("motherfuck*": "motherfuckers").

Cheap for the many lines that hold nothing: each whitespace chunk of the text is looked up
(cached: chat repeats its chunks), folded, for a word that could be a term's (its stand-ins read as
letters, held letters once, a plural's "s" off, a mention's "@" off): a chunk's words are its parts
between punctuation ("fuck_you", "onlyfans.com"), and a term is looked for by its longest part.
Only a line with such a word is searched with the one regex of every term. Measured: the find of
each line of #xqcow's 2019 capture (../shared/data/twitch-irc-raw), about 1.4 µs a line.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from stagehand.ranking.languages import fold

#: The bundled list: sexual remarks, slurs and abuse aimed at someone, in English, Spanish,
#: Portuguese, French, German and Italian (none yet in Arabic, Chinese or Japanese). Swearing as such is not here ("what the fuck", "merde", "caralho", "cazzo"): a
#: show decides that for itself, with `[ranking] blocked_terms`. Words that are also everyday
#: words in one of these six languages are left out ("pede", "fica", "rola", "negro", "chink",
#: "coño"/"cono", "bite"), and so is "cbt" (also a therapy).
DEFAULT_BLOCKED_TERMS = (
    # English
    "fuck you",
    "fuck u",
    "fuck yourself",
    "fuck your",
    "fuck ur",
    "fuck off",
    "fuck me",
    "motherfuck*",
    "cock",
    "cocksuck*",
    "ball torture",
    "dick pic",
    "suck my",
    "lick my",
    "in the ass",
    "up the ass",
    "blowjob",
    "handjob",
    "rimjob",
    "dildo",
    "pussy",
    "cunt",
    "whore",
    "slut",
    "skank",
    "nudes",
    "rape you",
    "rape u",
    "kill yourself",
    "kill urself",
    "kys",
    "nigger",
    "nigga",
    "faggot",
    "fag",
    "retard",
    "tranny",
    "kike",
    "spic",
    "wetback",
    "gook",
    # Spanish
    "puta",
    "puto",
    "putita",
    "maricón",
    "marica",
    "chúpame",
    "chúpamela",
    "chúpala",
    "mámamela",
    "verga",
    "follar",
    "te voy a violar",
    "concha de tu madre",
    "panocha",
    # Portuguese
    "vai se foder",
    "vai te foder",
    "vai tomar no cu",
    "buceta",
    "viado",
    "vadia",
    "arrombado",
    "chupa meu",
    "xoxota",
    "piroca",
    # French
    "pute",
    "salope",
    "enculé",
    "nique ta mère",
    "ntm",
    "suce ma",
    "suce moi",
    "branlette",
    # German
    "fick dich",
    "ficken",
    "fotze",
    "hure",
    "hurensohn",
    "schlampe",
    "wichser",
    "schwuchtel",
    "missgeburt",
    "blas mir",
    "neger",
    "spast",
    # Italian
    "vaffanculo",
    "puttana",
    "troia",
    "frocio",
    "ricchione",
    "culattone",
    "zoccola",
    "succhiamelo",
    "pompino",
)

#: The flag a held-back line is stored with; its one reason names the term (`blocked_term: cock`).
HELD_FLAG = "blocked_term"

#: What stands in for a letter ("c0ck", "a$$", "sh1t", "5lut", "@ss").
_STAND_INS = {"a": "a4@", "e": "e3", "i": "i1", "o": "o0", "s": "s5$", "t": "t7"}
_AS_LETTERS = str.maketrans("4@3105$7", "aaeiosst")
#: The parts of a chunk or a term a word could be: letters and digits, and the stand-ins that are
#: no word characters ("@ss", "a$$"); "_" and other punctuation part them ("fuck_you",
#: "onlyfans.com", "f*ck"), as a term's words may be apart by any of it (`_parts`).
_PARTS = re.compile(r"[\w@$]+")
#: Chunks whose answer is kept.
CACHED_CHUNKS = 1 << 15
#: Between the words of a phrase: any spaces or punctuation ("fuck.you", "fuck _ you").
_APART = r"[\W_]+"


def _letter(char: str) -> str:
    """A letter of a term, held as long as a viewer likes ("cooock"), or a stand-in for it."""
    stand_ins = _STAND_INS.get(char)
    if stand_ins is not None:
        return f"[{re.escape(stand_ins)}]+"
    return f"{re.escape(char)}+" if char.isalnum() else re.escape(char)


def _parts(text: str) -> list[str]:
    r"""The parts of folded text a term's word could be (`_PARTS`; "_" parts them too: a regex
    without it, `(?:[^\W_]|[@$])+`, took twice as long)."""
    return _PARTS.findall(text.replace("_", " "))


def _key(word: str) -> str:
    """A word with its stand-ins read as letters and each held letter once ("c00ock": "cock")."""
    word = word.translate(_AS_LETTERS)
    return "".join(char for i, char in enumerate(word) if i == 0 or word[i - 1] != char)


def term_pattern(term: str) -> str | None:
    """A term as a regex over folded text (None for an empty term); see the module's doc."""
    words = fold(term).split()
    if not words:
        return None
    prefix = words[-1].endswith("*")
    if prefix:
        words[-1] = words[-1].rstrip("*")
        if not words[-1]:
            words.pop()
            if not words:
                return None
    body = _APART.join("".join(_letter(char) for char in word) for word in words)
    if prefix:
        return body + r"\w*"
    # A plural holds back too ("cocks", "putas", "hures"); not after a word of one or two
    # letters ("fuck u" is not "fuck us").
    plural = "(?:e?[s5$])?" if len(words[-1]) > 2 else ""
    return f"{body}{plural}(?!\\w)"


class BlockedTerms:
    """The show's blocked terms: `find` says which one a text has (None: none)."""

    def __init__(self, terms: Iterable[str]) -> None:
        by_first: dict[str, list[str]] = {}
        self._terms: list[tuple[str, re.Pattern[str]]] = []
        words: set[str] = set()
        starts: set[str] = set()
        for term in dict.fromkeys(t.strip() for t in terms):
            pattern = term_pattern(term)
            if pattern is None:
                continue
            self._terms.append((term, re.compile(f"(?<!\\w){pattern}")))
            by_first.setdefault(fold(term)[0], []).append(pattern)
            folded = fold(term).split()
            if folded[-1].endswith("*"):
                start = _parts(folded[-1].rstrip("*") or folded[0])
                starts.add(_key(start[0]) if start else "")
            # A phrase is looked for by its longest part: "in the ass" by "ass", not "in";
            # "onlyfans.com" by "onlyfans", "f*ck" by "ck" (as a chunk is parted).
            parts = _parts(" ".join(w.rstrip("*") for w in folded))
            words.add(_key(max(reversed(parts), key=len)) if parts else "")
        self._words = frozenset(words - {""})
        self._starts = tuple(sorted(starts - {""}))
        self._may_hold = lru_cache(maxsize=CACHED_CHUNKS)(self._chunk_may_hold)
        self.terms = tuple(term for term, _ in self._terms)
        # One regex for them all. The left word boundary is checked after the first character
        # (`(?<!\w.)`: the character before it is no letter), so every alternative opens with a
        # character and the regex engine skips, in C, to where one of them could start.
        branches = []
        for first, patterns in sorted(by_first.items()):
            head = _letter(first)
            rests = "|".join(sorted(p[len(head) :] for p in patterns))
            # One character, the boundary, then the rest of a held letter ("cccock").
            one = head.removesuffix("+")
            more = f"{one}*" if one != head else ""
            branches.append(f"{one}(?<!\\w.){more}(?:{rests})")
        self._any = re.compile("|".join(branches)) if branches else None

    def __bool__(self) -> bool:
        return self._any is not None

    def find(self, text: str) -> str | None:
        """The first blocked term `text` has, as configured; None when it has none."""
        found = self._any
        if found is None:
            return None
        # Chunks as they were typed: chat repeats them, so folding is cached with the answer.
        if not any(map(self._may_hold, text.split())):
            return None
        folded = fold(text)
        if found.search(folded) is None:
            return None
        # Rare (a held-back line): which term it was, for the hosts' `w`.
        for term, pattern in self._terms:
            if pattern.search(folded):
                return term
        return None

    def _chunk_may_hold(self, chunk: str) -> bool:
        """Whether a chunk has a word a term could start or be (never False for one that has)."""
        words, starts = self._words, self._starts
        for part in _parts(fold(chunk)):
            key = _key(part)
            if key in words or (starts and key.startswith(starts)):
                return True
            if key.endswith("s") and (key[:-1] in words or key.removesuffix("es") in words):
                return True
            # "@cock", "$lut" as a mention or a price: the word after the sign (while "@ss"
            # is "ass" as it stands, above).
            if part[0] in "@$" and self._may_be(_key(part.lstrip("@$"))):
                return True
        return False

    def _may_be(self, key: str) -> bool:
        """Whether a part's key is a term's word, starts a `*` term, or is a plural of one."""
        words, starts = self._words, self._starts
        if key in words or (starts and key.startswith(starts)):
            return True
        return key.endswith("s") and (key[:-1] in words or key.removesuffix("es") in words)


def blocked_terms(extra: Iterable[str], *, defaults: bool = True) -> BlockedTerms:
    """The terms a show holds back: the bundled list (unless `defaults` is off) and `extra`."""
    return BlockedTerms([*(DEFAULT_BLOCKED_TERMS if defaults else ()), *extra])
