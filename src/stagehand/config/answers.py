"""The `[commands.answers]` config section: what the bot says in chat, in the show's language.

Each answer is a template: its text as the viewer reads it, with named placeholders in braces
(`{place}`) filled in when it is said. Which placeholders an answer may use is fixed
(`PLACEHOLDERS`); another name, a format spec or a brace left open is refused when the config is
loaded, naming the key and the placeholders it may use (`{{` and `}}` are braces as text).
"""

from __future__ import annotations

import string
from typing import Any

from pydantic import Field, ValidationInfo, field_validator

from stagehand.config.section import Section

#: The placeholders each answer may use.
PLACEHOLDERS: dict[str, frozenset[str]] = {
    "hand_raised": frozenset({"place"}),
    "hand_lowered": frozenset(),
    "opted_out": frozenset({"prefix"}),
    "opted_in": frozenset(),
    "forget_asked": frozenset({"prefix", "seconds"}),
    "forgotten": frozenset({"prefix"}),
    "help": frozenset({"commands"}),
    "help_moderators": frozenset({"commands", "moderator_commands"}),
    "topic": frozenset({"topic"}),
    "no_topic": frozenset(),
}


class AnswerSettings(Section):
    """What the bot answers in chat, as templates in the show's language (docs/commands.md
    lists each answer and its placeholders)."""

    hand_raised: str = Field(default="Hand raised: you are #{place} in the queue.", max_length=400)
    """Answer to !hand (with confirm_hands = true); {place} is the viewer's place in the queue."""

    hand_lowered: str = Field(default="Hand lowered.", max_length=400)
    """Answer to !lower (with confirm_hands = true)."""

    opted_out: str = Field(
        default="Done: from now on your name and messages are not kept (they are still "
        "counted, anonymously). {prefix}optin undoes it.",
        max_length=400,
    )
    """Answer to !optout; {prefix} is the command prefix."""

    opted_in: str = Field(
        default="Done: your name and messages are kept again from now on.", max_length=400
    )
    """Answer to !optin."""

    forget_asked: str = Field(
        default="This deletes your name and messages stored by this show. To go ahead, type "
        "{prefix}forget confirm within {seconds} s.",
        max_length=400,
    )
    """Answer to !forget, asking to confirm; {prefix} is the command prefix, {seconds} how long the confirmation is accepted."""

    forgotten: str = Field(
        default="Done: your name and messages stored by this show are deleted. "
        "{prefix}optout stops keeping new ones.",
        max_length=400,
    )
    """Answer to !forget confirm; {prefix} is the command prefix."""

    help: str = Field(default="Commands: {commands}.", max_length=400)
    """Answer to a viewer's !help; {commands} lists their commands."""

    help_moderators: str = Field(
        default="Commands: {commands}. Moderators: {moderator_commands}.", max_length=400
    )
    """Answer to a moderator's !help; {commands} lists the audience's commands, {moderator_commands} the moderators'."""

    topic: str = Field(default="Now on the show: {topic}", max_length=400)
    """Answer to !topic; {topic} is the live segment's title and keywords."""

    no_topic: str = Field(default="No topic is set yet.", max_length=400)
    """Answer to !topic before any segment."""

    @field_validator("*")
    @classmethod
    def _known_placeholders(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        allowed = PLACEHOLDERS.get(name, frozenset())
        if not str(value).strip():
            raise ValueError("must not be empty: the viewer would get a blank message")
        used = placeholders(str(value))
        unknown = sorted(used - allowed)
        if unknown:
            can = ", ".join(f"{{{p}}}" for p in sorted(allowed)) or "none"
            raise ValueError(
                f"{{{unknown[0]}}} is not a placeholder of this answer (it may use: {can}; "
                "write {{ and }} for braces as text)"
            )
        return value

    def say(self, answer: str, **values: object) -> str:
        """The answer `answer` with its placeholders filled in from `values`."""
        return str(getattr(self, answer)).format_map(values)


def placeholders(template: str) -> set[str]:
    """The names in braces in `template`; a ValueError when a brace is left open or a
    placeholder has more than a name (`{place!r}`, `{place:>3}`, `{prefix.upper}`)."""
    names: set[str] = set()
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        raise ValueError("has a { or } left open (write {{ and }} for braces as text)") from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not name.isidentifier() or spec or conversion:
            raise ValueError(
                f"{{{name}}} is not a placeholder: write a name alone in braces, as {{place}}"
            )
        names.add(name)
    return names
