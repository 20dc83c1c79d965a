"""Questions without a question mark, in six languages (issue 16: question detection).

Each language gets questions the way chat writes them (accents dropped or kept, no `?`), and
statements that look like them but do not ask.
"""

from __future__ import annotations

import pytest

from stagehand.ranking.questions import is_question, speaks_to_you
from stagehand.ranking.text import split_words

ASKS = {
    "en": [
        "compile times tripled after that, how did you cope",
        "tell us about the oven you use",
        "curious how long you proof it",
        "walk us through the shaping again",
        "any advice for a first sourdough",
        "would love to know what flour that is",
        "the crust went pale, did you lower the heat",
    ],
    "es": [
        "cuéntanos cómo haces la masa",
        "como hiciste la masa tan rapido",
        "alguien sabe que harina usan",
        "algun consejo para el levado",
        "por que usas harina integral",
        "puedes mostrar la miga otra vez",
    ],
    "pt": [
        "vocês usam fermento natural",
        "alguma dica pra massa não grudar",
        "qual farinha vocês usam",
        "tem como fazer sem ovo",
        "me explica de novo a dobra",
        "o que vocês acham de farinha integral",
    ],
    "fr": [
        "est-ce que vous utilisez du levain",
        "pourquoi la pâte colle autant",
        "vous pouvez montrer la mie",
        "quelqu'un sait combien de temps ça lève",
        "des conseils pour le façonnage",
        "comment tu fais pour la croûte",
    ],
    "de": [
        "habt ihr das schon mal probiert",
        "wie lange backt ihr das brot",
        "weiß jemand welches mehl das ist",
        "kannst du die krume nochmal zeigen",
        "irgendwelche tipps für den teig",
        "warum reißt die kruste so",
    ],
    "it": [
        "qualcuno sa quanto tempo lievita",
        "come si fa il lievito madre",
        "quale farina usate",
        "potete mostrare la mollica",
        "qualche consiglio per la pasta fresca",
        "perché la pasta si rompe così",
    ],
}

STATEMENTS = {
    "en": ["what a game", "come on guys lets go", "the saw wave sounds great", "nice build"],
    "es": [
        "como siempre increible",
        "que bueno esta el pan",
        "cuando lo hice quedo perfecto",
        "qué bonito queda el mueble",
    ],
    "pt": ["vocês são demais", "quando eu fiz ficou bom", "que pão lindo", "que legal ficou"],
    "fr": ["comment dire, c'est magnifique", "qui l'eût cru, superbe"],
    "de": ["das brot sieht super aus", "wir backen morgen auch"],
    "it": ["che bella pasta", "come sempre bravissimi", "che bello vedervi"],
}


@pytest.mark.parametrize(
    "text",
    [
        "didn't help, same error after reboot",
        "don't worry about the hum",
        "can't wait for the next build",
        "can confirm the firmware fixed it",
        "have checked the wiring twice already",
        "is still crackling on my side",
    ],
)
def test_an_auxiliary_followed_by_a_verb_opens_a_statement(text: str) -> None:
    assert not is_question(text)


@pytest.mark.parametrize(
    "text",
    ["didn't the old firmware fix it", "do pickled eggs keep", "have you tried flux", "is it done"],
)
def test_an_auxiliary_followed_by_its_subject_still_asks(text: str) -> None:
    assert is_question(text)


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in ASKS.items() for text in texts]
)
def test_questions_without_a_question_mark_are_questions(language: str, text: str) -> None:
    assert is_question(text), f"{language}: {text!r}"


@pytest.mark.parametrize(
    ("language", "text"), [(lang, text) for lang, texts in STATEMENTS.items() for text in texts]
)
def test_statements_that_look_like_questions_are_not(language: str, text: str) -> None:
    assert not is_question(text), f"{language}: {text!r}"


@pytest.mark.parametrize(
    "text",
    ["do you proof it overnight", "vocês usam sal", "habt ihr das", "vous utilisez du levain"],
)
def test_a_question_to_you_says_so_in_each_language(text: str) -> None:
    assert speaks_to_you(split_words(text))


def test_other_languages_function_words_are_not_content() -> None:
    words = split_words("vocês usam fermento natural na massa")
    assert words.content == {"usam", "fermento", "natur", "massa"}
    assert "pour" in split_words("pour the water slowly").content  # an English word kept
