"""The bot's answers that matter most to a viewer are written in the show's language from the
config (`[commands.answers]`): a wrong template is refused at start, naming file, key and what
it may hold."""

from __future__ import annotations

from pathlib import Path

import pytest

from commands.chat import play, say, segment
from stagehand.config import ConfigError, load_settings

SPANISH = """
[commands]
confirm_hands = true

[commands.answers]
hand_raised = "Mano levantada: eres el #{place} de la fila."
hand_lowered = "Mano bajada."
opted_out = "Listo: ya no guardamos tu nombre ni tus mensajes. {prefix}optin lo deshace."
forget_asked = "Esto borra tu nombre y tus mensajes. Escribe {prefix}forget confirm en {seconds} s."
forgotten = "Listo: borramos tu nombre y tus mensajes."
help = "Comandos: {commands}."
topic = "Ahora en el programa: {topic}"
"""


async def test_answers_are_said_in_the_configured_words(tmp_path: Path) -> None:
    config = tmp_path / "stagehand.toml"
    config.write_text(SPANISH, encoding="utf-8")
    played = await play(
        tmp_path,
        [
            segment("Guitarras", ["cuerdas"]),
            say("m1", "ana", "!hand", t=1),
            say("m2", "ana", "!lower", t=2),
            say("m3", "ben", "!optout", t=3),
            say("m4", "cleo", "!forget", t=4),
            say("m5", "cleo", "!forget confirm", t=5),
            say("m6", "dev", "!help", t=6),
            say("m7", "eli", "!topic", t=7),
        ],
        settings=load_settings(config),
    )
    answers = played.answers()
    assert answers[:5] == [
        "Mano levantada: eres el #1 de la fila.",
        "Mano bajada.",
        "Listo: ya no guardamos tu nombre ni tus mensajes. !optin lo deshace.",
        "Esto borra tu nombre y tus mensajes. Escribe !forget confirm en 60 s.",
        "Listo: borramos tu nombre y tus mensajes.",
    ]
    assert answers[5].startswith("Comandos: !ask") and "!hand" in answers[5]
    assert answers[6] == "Ahora en el programa: Guitarras (cuerdas)"


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ('hand_raised = "Eres el #{lugar}."', "{lugar} is not a placeholder of this answer"),
        ('hand_raised = "Eres el #{place."', "left open"),
        ('opted_out = "{prefix.__class__}"', "write a name alone in braces"),
        ('topic = "  "', "must not be empty"),
    ],
)
def test_a_wrong_answer_template_names_file_key_and_what_it_may_hold(
    tmp_path: Path, line: str, expected: str
) -> None:
    config = tmp_path / "stagehand.toml"
    config.write_text(f"[commands.answers]\n{line}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(config)
    message = str(caught.value)
    key = line.split(" ", 1)[0]
    assert str(config) in message and f"commands.answers.{key}" in message
    assert expected in message
