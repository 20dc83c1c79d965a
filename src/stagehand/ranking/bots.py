"""Chat bots' accounts (`[ranking] bots`): their lines are announcements, never comments.

An entry is a user name on any platform ("nightbot") or on one ("twitch:nightbot"), matched
without regard to case and a leading "@". The pipeline's classifier (`stagehand.show.kinds`)
and `stagehand rank` both ask this one rule, so a bot's line never ranks anywhere.

Viewers' lines for those bots (`!uptime`, `!so @ana`) are told from a viewer talking after a
`!word` (`!aks is this legal?`) by `other_bots_command`, which the classifier and the ranker ask.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from stagehand.domain import Author


class BotAccounts:
    def __init__(self, entries: Iterable[str]) -> None:
        on: set[tuple[str, str]] = set()
        anywhere: set[str] = set()
        for entry in entries:
            platform, colon, name = entry.strip().partition(":")
            if colon:
                on.add((platform.strip().casefold(), name.strip().lstrip("@").casefold()))
            elif platform:
                anywhere.add(platform.lstrip("@").casefold())
        self.anywhere = frozenset(anywhere)
        self.on = frozenset(on)

    def is_bot(self, author: Author) -> bool:
        name = author.name.casefold()
        return name in self.anywhere or (
            bool(self.on) and (author.platform.casefold(), name) in self.on
        )


#: Commands of the chat bots channels run (Nightbot, StreamElements, Streamlabs, Fossabot, Moobot,
#: Wizebot, song request, points, text-to-speech and fun bots): for one of them, with whatever
#: follows (`!so @ana`, `!sr a song`, `!songs request a song`, `!marker funny`, `!givepoints @ana
#: 100`, `!top points`, `!tts hi`, `!roll 2d6`, `!slap @ana`), never for the hosts.
OTHER_BOTS_COMMANDS = frozenset(
    [
        "accountage",
        "addcom",
        "addpoints",
        "addquote",
        "age",
        "bet",
        "bonk",
        "bttv",
        "build",
        "clip",
        "cmds",
        "coinflip",
        "coins",
        "commands",
        "cookie",
        "crosshair",
        "delcom",
        "delquote",
        "dice",
        "discord",
        "donate",
        "duel",
        "editcom",
        "elo",
        "emotes",
        "enter",
        "ffz",
        "flip",
        "followage",
        "followers",
        "gamble",
        "game",
        "github",
        "give",
        "giveaway",
        "givepoints",
        "heist",
        "hug",
        "hydrate",
        "ign",
        "instagram",
        "join",
        "kofi",
        "leaderboard",
        "level",
        "links",
        "love",
        "lurk",
        "marker",
        "merch",
        "mods",
        "pat",
        "patreon",
        "pc",
        "permit",
        "ping",
        "playlist",
        "points",
        "poll",
        "prime",
        "queue",
        "quote",
        "quotes",
        "raffle",
        "rank",
        "record",
        "redeem",
        "removepoints",
        "roll",
        "roulette",
        "rps",
        "rules",
        "schedule",
        "sens",
        "setpoints",
        "setup",
        "shoutout",
        "skip",
        "slap",
        "slots",
        "so",
        "socials",
        "song",
        "songlist",
        "songrequest",
        "songs",
        "specs",
        "sr",
        "stats",
        "steam",
        "store",
        "sub",
        "subs",
        "tiktok",
        "time",
        "tip",
        "title",
        "top",
        "toppoints",
        "tts",
        "twitter",
        "unlurk",
        "uptime",
        "vote",
        "voteskip",
        "watchtime",
        "website",
        "winner",
        "winstreak",
        "wrongsong",
        "xp",
        "youtube",
    ]
)


#: A first argument that names a person (`@ana`, Discord's `<@4711>`) or is a number (`100`,
#: `-5`, `2.5k`, `50%`): what a chat bot's command takes, not how a viewer starts to talk.
_BOT_ARGUMENT = re.compile(r"@\S+|<@!?\d+>|[+-]?\d[\d.,]*[km]?%?", re.IGNORECASE)


def other_bots_command(name: str, rest: str) -> bool:
    """Whether a `!name rest` line whose name is no command of ours is for a chat bot, not the
    hosts: a known bot's command (`OTHER_BOTS_COMMANDS`), a bare word with nothing said after
    it (`!hnad`, a channel's own `!specs`), or a word whose first argument is a person or a
    number (`!yeet @ana`, `!wager 250 on red`: a channel's own bot command). Else it is a viewer
    talking, who began with a `!word` (`!aks is this legal?`, `!pregunta ¿...?`): a comment like
    any other.

    `name` in lower case, without the prefix.
    """
    words = rest.split(maxsplit=1)
    return not words or name in OTHER_BOTS_COMMANDS or bool(_BOT_ARGUMENT.fullmatch(words[0]))
