"""What each platform will make of a reply before it is sent: Twitch splits a long one into up
to three messages, YouTube cuts it to 200 characters (its @handle included), Discord to 2,000.

The reply box says it as the host types (console/screens/reply.py), so nothing of what they
wrote is cut without them seeing it first; the platforms' answers say it again when it goes out.
"""

from __future__ import annotations

from collections.abc import Sequence

from stagehand.adapters.twitch import limits as twitch
from stagehand.adapters.youtube import limits as youtube
from stagehand.domain import Comment
from stagehand.show.askers import by_platform, naming_the_others

#: The longest reply the console takes: Discord's limit, past what any platform sends whole.
MAX_REPLY_CHARS = 2000
#: Discord's limit for a message.
DISCORD_CHARS = 2000


def what_each_gets(text: str, asked: Sequence[Comment]) -> str:
    """How the reply `text` to the row `asked` (the shown comment first) goes out where it is
    not one whole message: "Twitch: 2 messages"; "YouTube: cut to 200 characters (its limit,
    the @handle included)"; "" when every platform takes it whole."""
    notes: list[str] = []
    if not text.strip():
        return ""
    for platform, comments in by_platform(asked).items():
        sent, _ = naming_the_others(text, comments[0], comments[1:])
        if platform == "twitch":
            parts = len(twitch.split_message(sent, max_parts=len(sent)))
            if parts > twitch.MAX_PARTS:
                shown = twitch.MAX_PARTS * twitch.MAX_MESSAGE_CHARS
                notes.append(
                    f"Twitch: cut to {twitch.MAX_PARTS} messages of "
                    f"{twitch.MAX_MESSAGE_CHARS} ({shown:,} characters)"
                )
            elif parts > 1:
                notes.append(f"Twitch: {parts} messages")
        elif platform == "youtube":
            handle = "@" + comments[0].author.name.lstrip("@")
            if len(" ".join(f"{handle} {sent}".split())) > youtube.MAX_MESSAGE_CHARS:
                notes.append(
                    f"YouTube: cut to {youtube.MAX_MESSAGE_CHARS} characters "
                    "(its limit, the @handle included)"
                )
        elif platform == "discord" and len(sent) > DISCORD_CHARS:
            notes.append(f"Discord: cut to {DISCORD_CHARS:,} characters")
    return "; ".join(notes)
