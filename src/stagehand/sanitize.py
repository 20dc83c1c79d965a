"""Hostile chat text in, inert text out.

Chat text is data: it must never move the cursor, set the terminal title, write the clipboard
(OSC 52), open links (OSC 8), reorder what is shown (bidi overrides, CVE-2021-42574) or drown a
line in combining marks (zalgo). `clean_text` is what the console shows, the ranking reads and
search finds; the original text is kept in the database for the record.

Markup is not this module's concern: the console renders clean text as plain `Content`, never
as markup, so `[b]` stays the three characters `[b]`.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from stagehand.graphemes import prefix

#: Longest text kept for display, ranking and search; the original is stored whole.
MAX_CHARS = 2000
TRUNCATION_MARKER = " […]"
#: Chat repeats itself (emotes, copypasta, "!hand"): the latest distinct texts up to this length
#: keep their sanitized form, so a repeat costs a lookup (at most 4,096 × 500 characters).
REMEMBERED_TEXTS = 4096
REMEMBERED_CHARS = 500
#: Unicode's stream-safe format caps a run of combining marks at 30; chat needs far fewer.
MAX_COMBINING_RUN = 4

# ESC-introduced sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ESC \), DCS/SOS/PM/APC
# (ESC P|X|^|_ ... ESC \), and two-character escapes. Also their 8-bit C1 forms.
_ESCAPE_SEQUENCE = re.compile(
    r"""
    (?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]                      # CSI
  | (?:\x1b\]|\x9d).*?(?:\x07|\x1b\\|\x9c|$)              # OSC, to BEL / ST / end
  | (?:\x1b[PX^_]|[\x90\x98\x9e\x9f]).*?(?:\x1b\\|\x9c|$)  # DCS, SOS, PM, APC
  | \x1b[ -/]*[0-~]?                                      # other escapes (or a lone ESC)
    """,
    re.VERBOSE | re.DOTALL,
)

# Bidi embeddings, overrides and isolates (the Trojan Source set), plus the invisible marks.
_BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
# Zero-width characters that hide text or split words to dodge filters; ZWJ (U+200D) stays
# because emoji sequences need it. Also the invisible math operators (U+2061-2064), the
# deprecated shaping controls (U+206A-206F) and the interlinear annotation marks (U+FFF9-FFFB):
# format characters that show nothing and carry nothing chat needs.
_INVISIBLE = frozenset(
    "\u200b\u2060\ufeff\u180e\u00ad\u2061\u2062\u2063\u2064"
    "\u206a\u206b\u206c\u206d\u206e\u206f\ufff9\ufffa\ufffb"
)


# What must never reach a terminal raw from a JSON file, beyond the C0 controls `json.dumps`
# escapes itself (and whose layout newlines must stay): DEL and C1 controls, bidi and invisible
# format characters, line/paragraph separators and lone surrogates (which cannot even be encoded
# as UTF-8). `inert_json` writes them as \uXXXX escapes.
_RAW_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200b\u200e\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb\ud800-\udfff]"
)


@dataclass(frozen=True, slots=True)
class Sanitized:
    text: str
    truncated: bool
    changed: bool


def sanitize(raw: str, *, max_chars: int = MAX_CHARS) -> Sanitized:
    """Make chat text safe to store as clean text, rank, search and show in a terminal."""
    if max_chars == MAX_CHARS and len(raw) <= REMEMBERED_CHARS:
        return _sanitize_chat(raw)
    return _sanitize(raw, max_chars)


@functools.lru_cache(maxsize=REMEMBERED_TEXTS)
def _sanitize_chat(raw: str) -> Sanitized:
    return _sanitize(raw, MAX_CHARS)


def _sanitize(raw: str, max_chars: int) -> Sanitized:
    if raw.isascii() and raw.isprintable():
        # Most chat: printable ASCII has no escapes, controls, bidi or combining marks.
        text = raw
    else:
        text = _ESCAPE_SEQUENCE.sub("", raw)
        text = _strip_controls(text)
        # Normalize after removing controls (a removed control can let marks compose), and
        # again after capping marks, so sanitizing clean text changes nothing.
        text = unicodedata.normalize("NFC", text)
        text = unicodedata.normalize("NFC", _cap_combining_runs(text))
        if not any(_shows_something(char) for char in text):
            # Joiners, variation selectors and marks with nothing to join or mark ("\u200d",
            # "\ufe0f"): an invisible line is no line (it would take an empty queue row).
            text = ""
    text = " ".join(text.split())  # newlines and tabs become single spaces: one comment, one line
    truncated = len(text) > max_chars
    if truncated:
        # Cut between whole characters: never half a flag, a joiner left dangling or an
        # accent without its letter.
        kept = prefix(text, max_chars - len(TRUNCATION_MARKER), len)
        text = kept.rstrip() + TRUNCATION_MARKER
    return Sanitized(text=text, truncated=truncated, changed=text != raw)


def clean(raw: str, *, max_chars: int = MAX_CHARS) -> str:
    """`sanitize(raw).text`, for names, topics and command arguments."""
    return sanitize(raw, max_chars=max_chars).text


#: The longest display name shown on stream or sent to an API client (cut with `…`).
NAME_CHARS = 40


def clean_name(shown_name: str, user_id: str = "") -> str:
    """A viewer's name as screens outside the console show it: cleaned like chat text (no
    bidi overrides, escapes or mark towers), at most `NAME_CHARS`; the user id when nothing
    is left of it. Line breaks in a name are taken out, not made spaces: "Priya\u2028(host)"
    is "Priya(host)", never a name with a suffix that looks like the console's own."""
    shown_name = unbroken_name(shown_name)
    return clean(shown_name, max_chars=NAME_CHARS) or clean(user_id, max_chars=NAME_CHARS) or "?"


#: Characters that break a line: in a name they are dropped (chat text makes them spaces).
_NAME_BREAKS = dict.fromkeys(map(ord, "\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"))


def unbroken_name(name: str) -> str:
    """A name without the characters that break a line ("Priya\u2028(host)": "Priya(host)"),
    which cleaning would make spaces: a name on one line is never one with a made-up suffix."""
    return name if name.isascii() and name.isprintable() else name.translate(_NAME_BREAKS)


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def storable(text: str) -> str:
    """The text exactly, except lone surrogates (JSON's "\\ud800" makes them), which no UTF-8
    store can take: they become U+FFFD, so a name or a line is stored instead of refused."""
    if text.isascii():
        return text
    return _LONE_SURROGATE.sub("\ufffd", text)


def _strip_controls(text: str) -> str:
    kept: list[str] = []
    for char in text:
        if char in _BIDI_CONTROLS or char in _INVISIBLE:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            # Tabs and line breaks become spaces (split() folds them); every other C0/C1 goes.
            if char in "\t\n\r":
                kept.append(" ")
            continue
        if category in ("Cs", "Co", "Cn"):
            # Lone surrogates, private use and unassigned code points render unpredictably.
            continue
        if category in ("Zl", "Zp"):
            kept.append(" ")
            continue
        kept.append(char)
    return "".join(kept)


#: Categories that draw nothing by themselves: non-spacing and enclosing marks (variation
#: selectors among them) and format characters (the zero-width joiner, tag characters).
_DRAWS_NOTHING = frozenset({"Mn", "Me", "Cf"})
#: Letters and symbols drawn as blanks, which chat uses for "empty" names and lines: the Hangul
#: fillers (default-ignorable, drawn blank or not at all) and the blank Braille pattern.
_BLANKS = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def _shows_something(char: str) -> bool:
    return (
        not char.isspace()
        and char not in _BLANKS
        and unicodedata.category(char) not in _DRAWS_NOTHING
    )


def _cap_combining_runs(text: str) -> str:
    kept: list[str] = []
    run = 0
    for char in text:
        if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me"):
            run += 1
            if run > MAX_COMBINING_RUN:
                continue
        else:
            run = 0
        kept.append(char)
    return "".join(kept)


def has_control_characters(text: str) -> bool:
    """True if any character could act on a terminal (used by tests and display guards)."""
    return any(unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS for char in text)


def inert_json(value: Any, *, indent: int | None = None) -> str:
    """`json.dumps` whose output is safe to `cat`: readable UTF-8, but every character that could
    act on a terminal or reorder text escaped. Lossless: a JSON reader gets `value` back."""
    text = json.dumps(value, ensure_ascii=False, indent=indent)
    return _RAW_IN_JSON.sub(lambda match: f"\\u{ord(match.group()):04x}", text)
