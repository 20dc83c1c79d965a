"""Letters of other scripts drawn like Latin ones: how a name that copies another is seen.

"аna" with a Cyrillic а is drawn as "ana"; "Рriya" with a Cyrillic Р as "Priya". Twitch and
Discord logins are ASCII, but YouTube handles and replayed transcripts can hold any script. The
console (`console/names.py`) and the reports (`metrics.facts.report_names`) compare names by
their `skeleton` and mark a name that `mixes_scripts`, so nobody passes for another unnoticed.
"""

from __future__ import annotations

import unicodedata

#: Letters of other scripts drawn like Latin ones (lower case: names are casefolded first):
#: "Рriya" with a Cyrillic Р, "Ρriya" with a Greek Ρ. Unicode's confusables, the common part.
LOOK_ALIKES = str.maketrans(
    {
        **dict(zip("авеёкмнорстухѕіїјԁһԛԝӏ", "abeekmhopctyxsiijdhqwl", strict=True)),
        **dict(zip("αβεηικμνορτυχγωζ", "abenikmvoptuxywz", strict=True)),
        **dict(zip("օսıɡ", "ouig", strict=True)),
    }
)
#: Marks a name that `mixes_scripts`, in the console and the reports: "≈ аna" is not "ana".
LOOK_ALIKE_MARK = "≈"
#: The scripts whose letters pass for one another (the first word of a letter's Unicode name).
_ALIKE_SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK", "ARMENIAN"})


def skeleton(name: str) -> str:
    """`name` as it reads: casefolded, width and accents off, look-alike letters as the Latin
    ones ("аna", "ANA", "ａｎａ" and "ána" are all "ana")."""
    if name.isascii():
        return name.casefold()
    folded = unicodedata.normalize("NFKD", name.casefold()).translate(LOOK_ALIKES)
    return "".join(char for char in folded if not unicodedata.combining(char))


def mixes_scripts(name: str) -> bool:
    """Whether `name` mixes letters of scripts that look alike (Latin with Cyrillic, Greek or
    Armenian), one of them a look-alike letter: "аna" (a Cyrillic а) does, "ana", "анна" and
    "田中 ana" do not."""
    if name.isascii():
        return False
    scripts: set[str] = set()
    look_alike = False
    for char in name.casefold():
        if not char.isalpha():
            continue
        script = unicodedata.name(char, "").partition(" ")[0]
        if script in _ALIKE_SCRIPTS:
            scripts.add(script)
            look_alike = look_alike or char.translate(LOOK_ALIKES) != char
    return look_alike and len(scripts) > 1
