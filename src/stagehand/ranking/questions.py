"""Is a comment a question, and is it put to the show? In nine languages, with or without `?`.

Chat drops question marks ("compile times tripled after that, how did you cope") and asks in
many languages ("vocês usam fermento natural", "habt ihr das schon probiert"). A comment is a
question when it has a question mark (`?`, `¿`, `？`, `؟`), opens with a question word of any of
the languages in `languages.py` (an ambiguous one only with another word of its language: "como
siempre" is no question, "como hiciste la masa", "donde compraste" and "como se hace" are), opens a later clause with one ("…, how did
you cope"), asks in German word order ("hast du …", "ist das normal"), offers "you" a choice ("tu
les fais sécher ou tu les cuis"), or makes a request ("any tips", "tell us
about", "cuéntanos", "alguma dica", "est-ce que", "weiß jemand", "qualcuno sa"). Japanese and
Chinese, written without spaces, ask with a final か or 吗 or a question word inside the
sentence (何, どこ, いつ, 什么, 怎么: `_UNSPACED_QUESTION`).

Answers are cached per text: chat repeats itself.
"""

from __future__ import annotations

import re
from functools import lru_cache

from stagehand.ranking.alternation import by_first_character
from stagehand.ranking.languages import (
    LANGUAGES,
    OR,
    REQUESTS,
    SECOND_PERSON,
    fold,
)
from stagehand.ranking.text import UNSPACED, AnyCase, Words, analyse_chunk, split_words

#: Phrases that ask, as written.
_ASKING_PHRASES = (
    r"i wonder|i was wondering|wondering (?:if|whether|how|why|what)|any ?(?:one|body) know"
    r"|any idea|any tips|help me|can (?:some|any)(?:one|body)|is there (?:a|any) way|how to"
    r"|what about|thoughts on|question:|q:|do you (?:think|know|recommend)"
    r"|(?:is|was|are) (?:that|this|it|these|those) (?:normal|ok|okay|right|correct|expected|safe"
    r"|fine|bad|a problem)|or not\b"
)
#: Tried at every word of a fresh comment: grouped by their first letters (`by_first_character`),
#: as `languages.REQUESTS` is.
_QUESTION_PHRASES = AnyCase(r"\b(?:" + by_first_character([_ASKING_PHRASES]) + ")")
#: A question mark: `¿`, the full-width `？` and the Arabic `؟` anywhere (Japanese and Chinese
#: put no space after one: "これ何？笑"); `?` before a space, the end, punctuation, an emoji
#: ("la sopa lleva ajo?😂") or Chinese or Japanese, not inside a word or a link ("?v=", "wh?t").
_QUESTION_MARK = re.compile(r"[¿？؟]|\?(?:$|[^\w=&/%#+\-@~]|[\u3040-\u30ff\u3400-\u9fff])")
#: Japanese asks with a final か ("…ですか", "…ますか", "…のか"; not "とか", "なんか", "確か")
#: or かな, or a question word in the sentence (何, どこ, いつ, どう, なぜ, 誰, …; not "何か"
#: something, "いつも" always, "どうも" thanks, "何度も" many times, "何事も" without a hitch,
#: nor 何 or どう in "…ても", "no matter": "何回見ても泣ける", "どうしても食べたい"); Chinese
#: with a final 吗 or 呢, or a question word (什么, 怎么, 为什么, 哪, 谁, 多少, 多久; not
#: "没什么" nothing much, "多少有点咸" a bit salty, "不知道为什么" don't know why).
_TE_MO = r"[^。、！？!?\s]*?[てで]も"  # "…ても" in the same clause: "no matter"
_UNSPACED_QUESTION = re.compile(
    r"(?<![とし確静ばバなん])か[ー〜~]*(?![^\W_])|かな(?![^\W_])"
    rf"|何(?!か|も|でも|とか|[回度年人日個時事]+[もか]|{_TE_MO})"
    r"|(?:どこ|いつ|どれ|誰|だれ|どちら)(?!か|も|でも)"
    rf"|どう(?!も|ぞ|せ|{_TE_MO})"
    r"|なぜ|なんで(?!も)|どの|どんな|いくら(?!でも)|どっち(?!も)"
    r"|[吗嗎](?![^\W_])|呢(?![^\W_])|(?<![为為没沒])(?<![没沒]有)(?:什么|甚麼|什麼)|怎么|怎麼|怎样"
    r"|(?<!不知道)(?:为什么|為什麼)|哪|谁|(?<!多)多少(?![有会會也还還都带帶点點少])|多久|几[点个分次]"
)

#: Ambiguous openers (accents folded): what may follow them to ask, and each language's "you".
_AMBIGUOUS: dict[str, tuple[frozenset[str], frozenset[str]]] = {}
for _lang in LANGUAGES:
    for _word in _lang.ambiguous:
        follows, you = _AMBIGUOUS.get(_word, (frozenset(), frozenset()))
        _AMBIGUOUS[_word] = (follows | _lang.follows, you | _lang.second_person)
#: Question words that open a question with no doubt: as written ("qué"), and without their
#: accents when that is no everyday word ("cadê" as "cade"; not "que").
_OPENERS = frozenset().union(*(lang.openers for lang in LANGUAGES))
_FOLDED_OPENERS = frozenset(fold(w) for w in _OPENERS) - frozenset(_AMBIGUOUS)

#: "what a game", "how cool is that": exclamations, not questions.
_EXCLAIMED = frozenset({"a", "an", "cool", "nice", "awesome", "great", "cute", "funny", "sick"})
#: "qué bien", "que lindo", "che bello": Spanish, Portuguese and Italian exclaim with "what"
#: too (accents folded).
_EXCLAIMED_ROMANCE = frozenset(
    {
        *("bien", "bueno", "buena", "buenisimo", "rico", "rica", "lindo", "linda", "bonito"),
        *("bonita", "hermoso", "hermosa", "precioso", "preciosa", "genial", "increible", "guapo"),
        *("guapa", "maravilla", "pinta", "bom", "boa", "legal", "delicia", "belo", "bela"),
        *("maravilha", "incrivel", "bello", "bella", "buono", "buona", "brava", "bravo", "figo"),
        *("fantastico", "carino", "carina", "meraviglia", "spettacolo", "gostoso", "gostosa"),
    }
)
#: Inside a comment, a clause that opens with a question word and goes on with a verb or a
#: pronoun asks ("…, how did you cope"); so does a verb with "you" ("…, did you try x").
_WH = frozenset({"how", "what", "why", "when", "where", "who", "which", "whats", "hows", "whys"})
_AUX = frozenset(
    [
        "do",
        "does",
        "did",
        "is",
        "are",
        "was",
        "were",
        "can",
        "could",
        "would",
        "should",
        "will",
        "have",
        "has",
        "had",
        "dont",
        "doesnt",
        "didnt",
        "isnt",
        "arent",
        "cant",
        "wont",
    ]
)
_SUBJECTS = frozenset({"you", "u", "ya", "it", "there", "we", "they", "he", "she", "that", "this"})
_CLAUSE = re.compile(r"[,;:.!…–—]+\s*|\s+(?:but|and|so|also)\s+")
#: What a text `_CLAUSE` parts holds: one of its marks, or one of its words ("also" holds "so").
#: Most chat holds neither (nine texts in ten) and is not split: the split costs such a text five
#: times this look.
_CLAUSE_MARKS = re.compile(r"[,;:.!…–—]")
#: German yes/no questions open with the verb: "hast du …", "benutzt ihr …".
_GERMAN_YOU = frozenset({"du", "ihr"})
_NOT_VERBS = frozenset({"und", "oder", "aber", "weil", "dass", "wenn", "als", "ob", "ich", "wir"})
#: Portuguese and Spanish ask yes/no questions in the order of a statement; opened with the
#: polite "you" and a verb ("vocês usam fermento natural"), a comment to the hosts asks.
_YOU_FIRST = frozenset({"voce", "voces", "vc", "vcs", "usted", "ustedes"})
#: "How" or "where" and "I" doing a thing ask how to do it ("como hago para afinar la guitarra",
#: "donde compro las cuerdas", "onde compro"); after "cuando" it tells ("cuando hago pan…").
_HOW_WHERE = frozenset({"como", "donde", "adonde", "onde"})
_I_DO = frozenset(
    {
        *("hago", "hacer", "consigo", "conseguir", "aprendo", "aprender", "compro", "comprar"),
        *("empiezo", "empezar", "puedo", "faço", "faco", "fazer", "começo", "comeco", "posso"),
    }
)
#: "porque" (and "pq") is "because" and, typed without its space or accent, "why": followed
#: straight by "you" or a verb saying "you" ("porque usas cuerdas de nylon", "pq vc usa"), it asks.
_WHY_OR_BECAUSE = frozenset({"porque", "pq", "porq", "xq"})
_YOU_VERBS = frozenset(
    {"usas", "tienes", "haces", "prefieres", "elegiste", "hiciste", "usaste", "pusiste", "eliges"}
)
#: A Spanish verb saying "you did" (preterite "-aste", "-iste": "donde compraste", "como
#: aprendiste"), where a question word may also be an everyday word; not these nouns and verbs.
_DID_YOU = re.compile(r"\w{3,}(?:aste|iste)")
_NOT_DID_YOU = frozenset({"consiste", "insiste", "resiste", "persiste", "contraste", "desgaste"})


def _did_you(word: str) -> bool:
    return _DID_YOU.fullmatch(word) is not None and word not in _NOT_DID_YOU


#: ... unless the verb is "to be": "vocês são demais" praises.
_COPULAS = frozenset({"sao", "e", "estao", "esta", "son", "es", "estan", "eres", "sois"})


def question_strength(text: str, words: Words | None = None) -> float:
    """0 for no question; 0.8 for a question mark or a question form; 1.0 for both.

    A lone "???" (confusion, not a question) is none, nor one word echoed in surprise, emotes
    aside ("girl? PogU", "mendo PagChomp ?"). `words` is `split_words(text)`.
    """
    return _strength(text)


@lru_cache(maxsize=16_384)
def _strength(text: str) -> float:
    words = split_words(text)
    said, opening = _emotes_aside(text) if words.emote_like else (len(words.tokens), 0)
    if len(words.tokens) < 2 or said < 2:
        return 0.0
    # Every match opens with one of these marks: most chat holds none, and four look-ups in C
    # answer it without the search (which tries each of the text's places).
    mark = ("?" in text or "？" in text or "¿" in text or "؟" in text) and bool(
        _QUESTION_MARK.search(text)
    )
    # A question word after the opening emotes asks ("LULW whats this game"), reaction or not.
    written = words.tokens[opening:]
    opens = opening > 0 and _opens_question(written, tuple(map(fold, written)))
    if (
        not mark
        and not opens
        and 0 < words.emote_like < words.chunks <= 4
        and len(words.content) <= 2
    ):
        return 0.0  # an emote reaction ("SHOW US PogU") cheers, it does not ask
    form = opens or _asks(text, words)
    if mark and form:
        return 1.0
    if mark or form:
        return 0.8
    return 0.0


def _emotes_aside(text: str) -> tuple[int, int]:
    """How many words the text says, emotes not counted ("GIRL? PogU" says one), and how many
    of its tokens the emotes opening it hold ("LULW whats this game": one)."""
    said = opening = 0
    for chunk in map(analyse_chunk, text.split()):
        if not chunk.emote:
            said += len(chunk.tokens)
        elif not said:
            opening += len(chunk.tokens)
    return said, opening


def _asks(text: str, words: Words) -> bool:
    """A question form, question mark or not."""
    if not text.isascii() and UNSPACED.search(text) and _UNSPACED_QUESTION.search(text):
        return True  # Japanese or Chinese: "豚骨スープは何時間煮込みますか"
    tokens = tuple(map(fold, words.tokens))
    if _opens_question(words.tokens, tokens):
        return True
    if _QUESTION_PHRASES.found_in(text):
        return True
    lowered = fold(text)
    if REQUESTS.search(lowered):
        return True
    if len(tokens) >= 4 and OR.intersection(tokens[2:]) and SECOND_PERSON.intersection(tokens):
        return True  # you with a choice: "tu les fais sécher ou tu les cuis"
    return _a_later_clause_asks(lowered)


def _a_later_clause_asks(lowered: str) -> bool:
    """A clause after the first asks: "…, how did you cope" (`lowered`: the text, folded)."""
    if (
        _CLAUSE_MARKS.search(lowered) is None
        and "so" not in lowered
        and "and" not in lowered
        and "but" not in lowered
    ):
        return False  # one clause, none after it (most chat: not split at all)
    return any(_clause_asks(clause.split()) for clause in _CLAUSE.split(lowered)[1:])


def _opens_question(written: tuple[str, ...], tokens: tuple[str, ...]) -> bool:
    """`written`: the words as written (lower case); `tokens`: the same, accents folded."""
    if len(tokens) < 3:
        return False
    first, second = tokens[0], tokens[1]
    if first in ("what", "how") and second in _EXCLAIMED:
        return False
    if first in ("que", "che") and second in _EXCLAIMED_ROMANCE:
        return False  # "qué bien suena hoy", "que lindo ficou", "che bello"
    if first in _AUX_OPENERS and _statement_after_aux(first, second):
        return False  # "didn't work, weird", "can confirm", "have checked the manual"
    if written[0] in _OPENERS or first in _FOLDED_OPENERS:
        return True
    ambiguous = _AMBIGUOUS.get(first)
    if ambiguous is not None:
        follows, you = ambiguous
        if second in follows or you.intersection(tokens[1:]) or _did_you(second):
            return True
    if first == "por" and second in ("que", "quê"):  # "por qué", "por que" (why)
        return True
    if first in _HOW_WHERE and second in _I_DO:
        return True  # "como hago para afinar", "donde compro", "como faço pra"
    if first in _WHY_OR_BECAUSE and (second in _YOU_FIRST or second in _YOU_VERBS):
        return tokens[2] not in _COPULAS  # "porque usas cuerdas", "pq vc usa"
    if first in _YOU_FIRST and second not in _COPULAS:
        return True
    return second in _GERMAN_YOU and first not in _NOT_VERBS and first.isalpha()


#: English openers that are auxiliaries: a question puts the subject after them ("did you",
#: "is the oven"); straight after them a verb or an adverb makes a statement ("didn't work",
#: "don't worry", "can't wait", "can confirm", "have checked the manual", "is still broken").
_AUX_OPENERS = _AUX | frozenset(
    {"am", "shall", "wouldnt", "shouldnt", "couldnt", "hasnt", "havent", "wasnt", "werent"}
)
_STATEMENT_VERBS = frozenset(
    {
        *("be", "been", "being", "do", "done", "get", "got", "go", "gone", "have", "had", "know"),
        *("think", "wait", "worry", "care", "mind", "matter", "work", "works", "want", "like"),
        *("love", "need", "seem", "seems", "look", "looks", "see", "seen", "forget", "make"),
        *("made", "help", "start", "understand", "remember", "recommend", "confirm", "relate"),
        *("agree", "believe", "tell", "say", "said", "try", "tried", "find", "found", "use"),
        *("used", "happen", "exist", "stop", "feel", "hear", "guess", "bother", "hurt", "sound"),
        *("also", "still", "just", "really", "actually", "already", "never", "not", "too"),
        *("even", "probably", "definitely", "totally", "always", "literally", "finally"),
    }
)


#: Auxiliaries after which a participle forms a statement ("is working", "have checked"); after
#: the others it is an adjective of the subject ("do pickled eggs keep").
_PARTICIPLE_AUX = frozenset(
    {"is", "are", "was", "were", "am", "has", "have", "had", "isnt", "arent", "hasnt", "havent"}
)


def _statement_after_aux(aux: str, word: str) -> bool:
    """A verb or an adverb, where a question would have its subject."""
    if word in _STATEMENT_VERBS:
        return True
    return (
        aux in _PARTICIPLE_AUX
        and len(word) > 4
        and word.endswith(("ed", "ing"))
        and word not in ("anything", "something")
    )


def _clause_asks(tokens: list[str]) -> bool:
    """A later clause asking: "how did you cope", "did you try", "what about the oven"."""
    if len(tokens) < 2:
        return False
    first, second = tokens[0].strip("'\""), tokens[1].strip("'\",")
    if first in _WH and (second in _AUX or second in _SUBJECTS or second == "about"):
        return True
    return first in _AUX and second in _SUBJECTS


def speaks_to_you(words: Words) -> bool:
    """The comment says "you" in any of the languages ("you", "vocês", "ihr", "vous")."""
    return any(fold(token) in SECOND_PERSON for token in words.tokens)


def is_question(text: str) -> bool:
    """Convenience for tests and tools: `question_strength(text) > 0`."""
    return _strength(text) > 0
