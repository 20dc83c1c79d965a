"""The `[commands]` config section (chat commands such as !ask and !hand)."""

from __future__ import annotations

from pydantic import Field, field_validator

from stagehand.command_word import PREFIX_CHARACTERS
from stagehand.config.answers import AnswerSettings
from stagehand.config.section import Section


class SendBudget(Section):
    """At most `messages` answers in any window of `per_seconds` seconds."""

    messages: int = Field(default=20, ge=0, le=1000)
    """How many messages may go out in one window (0 never answers)."""

    per_seconds: float = Field(default=30.0, gt=0, le=3600)
    """The window's length in seconds."""


def _platform_budgets() -> dict[str, SendBudget]:
    # Twitch lets an ordinary account send 20 messages per 30 s in all; 15 leaves room for the
    # hosts' own replies. Discord allows about 5 messages per 5 s in a channel. On YouTube
    # every message costs 20 of the day's 10,000 quota units: few answers, so replies stay
    # affordable.
    return {
        "twitch": SendBudget(messages=15, per_seconds=30.0),
        "discord": SendBudget(messages=4, per_seconds=5.0),
        "youtube": SendBudget(messages=2, per_seconds=60.0),
    }


# What a command prefix may be made of (`PREFIX_CHARACTERS`): symbols that begin no word, name,
# mention, emoticon or hashtag in chat, and that no platform takes for its own commands. Not
# letters or digits (prefix "a" would swallow every line starting with "a"), not whitespace, and
# not `@` (a mention), `#` (a hashtag), `:` and `;` (":D", ";p"), `<` (a Discord mention), `>`
# (quoting), `*` (emphasis), `.` and `/` (Twitch reads ".ban" and "/ban" as its own chat
# commands). Kept with the folding of their full-width forms (`stagehand.command_word`).


class CommandSettings(Section):
    """Chat commands: !ask, !hand, !topic, ... for viewers; !stage, !segment, ... for moderators.
    docs/commands.md describes each one."""

    enabled: bool = True
    """Answer chat commands. false leaves only !optout, !optin and !forget on: a viewer's say over their own data is never switched off."""

    prefix: str = Field(default="!", min_length=1, max_length=3)
    """What starts a chat command, e.g. "!" for !ask: 1 to 3 of the characters ! ? ~ $ % & + = ^ -"""

    @field_validator("prefix")
    @classmethod
    def _prefix_of_symbols(cls, value: str) -> str:
        if not all(character in PREFIX_CHARACTERS for character in value):
            allowed = " ".join(PREFIX_CHARACTERS)
            raise ValueError(
                f'must be 1 to 3 of the characters {allowed} (e.g. "!" or "?"): letters,'
                " digits, spaces and @ # . / : would turn ordinary messages or mentions into commands"
            )
        return value

    cooldown_seconds: float = Field(default=10.0, ge=0, le=3600)
    """How long a viewer waits before the same command works again for them (moderators never wait, nor does anyone's !optout, !optin or !forget); uses in between are logged and ignored (an !ask then is a plain comment, without the !ask lift)."""

    max_argument_chars: int = Field(default=200, ge=10, le=2000)
    """Longest command argument kept in the log (a question, a title, a name), and longest !segment or !topic title (a longer one ends at a word, and the moderator is told)."""

    max_keywords: int = Field(default=10, ge=0, le=50)
    """Most keywords a moderator's !segment or !topic may set (of up to 40 characters each); the answer says which were left out."""

    forget_confirm_seconds: float = Field(default=60.0, ge=5, le=3600)
    """How long "!forget confirm" is accepted after "!forget" asked for confirmation."""

    confirm_hands: bool = False
    """Answer !hand and !lower in chat (the console shows the queue either way; answers cost send budget)."""

    send_budgets: dict[str, SendBudget] = Field(default_factory=_platform_budgets)
    """Most command answers per platform, under each platform's rate limit (Twitch: 20 per 30 s for an ordinary account, shared with the hosts' replies). Answers over budget are dropped, not queued."""

    default_send_budget: SendBudget = SendBudget()
    """The send budget of platforms not listed in send_budgets."""

    answers_per_viewer: SendBudget = SendBudget(messages=3, per_seconds=60.0)
    """Most answers one viewer gets, so that nobody can spend the whole budget alone."""

    answers: AnswerSettings = AnswerSettings()
    """What the bot answers in chat, in the show's language: [commands.answers] (docs/commands.md)."""

    recent_authors: int = Field(default=5000, ge=10, le=1_000_000)
    """How many recent chatters !stage @name can find (by user name, never by display name)."""

    def budget_for(self, platform: str) -> SendBudget:
        """The send budget of `platform`."""
        return self.send_budgets.get(platform, self.default_send_budget)
