"""Chat bots' accounts (`[ranking] bots`): their lines are announcements, never comments.

An entry is a user name on any platform ("nightbot") or on one ("twitch:nightbot"), matched
without regard to case and a leading "@". The pipeline's classifier (`stagehand.show.kinds`)
and `stagehand rank` both ask this one rule, so a bot's line never ranks anywhere.

Viewers' lines for those bots (`!uptime`, `!so @ana`) are told from a viewer talking after a
`!word` (`!aks is this legal?`) by `other_bots_command`, which the classifier and the ranker ask.
"""

from __future__ import annotations

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
#: Wizebot, song request and points bots): for one of them, with whatever follows (`!so @ana`,
#: `!sr a song`, `!quote 12`, `!bet 100`), never for the hosts.
OTHER_BOTS_COMMANDS = frozenset(
    [
        "accountage",
        "addcom",
        "addquote",
        "age",
        "bet",
        "bttv",
        "build",
        "clip",
        "cmds",
        "coins",
        "commands",
        "crosshair",
        "delcom",
        "delquote",
        "discord",
        "donate",
        "duel",
        "editcom",
        "elo",
        "emotes",
        "enter",
        "ffz",
        "followage",
        "followers",
        "gamble",
        "game",
        "giveaway",
        "github",
        "heist",
        "hug",
        "ign",
        "instagram",
        "join",
        "kofi",
        "leaderboard",
        "level",
        "links",
        "lurk",
        "merch",
        "mods",
        "patreon",
        "permit",
        "pc",
        "ping",
        "playlist",
        "points",
        "poll",
        "prime",
        "quote",
        "quotes",
        "raffle",
        "rank",
        "record",
        "redeem",
        "roulette",
        "rules",
        "schedule",
        "sens",
        "setup",
        "shoutout",
        "skip",
        "slots",
        "so",
        "socials",
        "song",
        "songrequest",
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
        "twitter",
        "unlurk",
        "uptime",
        "vote",
        "voteskip",
        "watchtime",
        "website",
        "winstreak",
        "wrongsong",
        "xp",
        "youtube",
    ]
)


def other_bots_command(name: str, rest: str) -> bool:
    """Whether a `!name rest` line whose name is no command of ours is for a chat bot, not the
    hosts: a known bot's command (`OTHER_BOTS_COMMANDS`), or a bare word with nothing said after
    it (`!hnad`, a channel's own `!specs`). Else it is a viewer talking, who began with a `!word`
    (`!aks is this legal?`, `!pregunta ¿...?`): a comment like any other.

    `name` in lower case, without the prefix.
    """
    return not rest.strip() or name in OTHER_BOTS_COMMANDS
