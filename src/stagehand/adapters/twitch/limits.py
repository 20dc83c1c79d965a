"""Twitch's sending limits: message length and messages per 30 seconds.

Twitch collapses runs of whitespace and refuses messages over 500 characters (twitchio
3.3.2 checks `" ".join(message.split())` against 500 before sending, user.py:1280); a bot
may send 20 messages per 30 s, 100 when it moderates the channel. Going over the rate
gets the bot silently dropped or briefly locked out, so the limiter (`adapters/sending.py`)
refuses early instead.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 500
MAX_PARTS = 3
ELLIPSIS = "…"


def split_message(
    text: str, limit: int = MAX_MESSAGE_CHARS, max_parts: int = MAX_PARTS
) -> list[str]:
    """Whitespace-collapsed `text` in parts of at most `limit` characters, cut at word ends.

    At most `max_parts` parts: beyond that the last part is cut and ends with an ellipsis,
    so a runaway reply never floods chat.
    """
    words = text.split()
    parts: list[str] = []
    current = ""
    for word in words:
        while len(word) > limit:  # a single "word" longer than a message: hard cut
            if current:
                parts.append(current)
                current = ""
            parts.append(word[:limit])
            word = word[limit:]
        if not current:
            current = word
        elif len(current) + 1 + len(word) <= limit:
            current = f"{current} {word}"
        else:
            parts.append(current)
            current = word
    if current:
        parts.append(current)
    if len(parts) > max_parts:
        last = parts[max_parts - 1]
        cut = last[: limit - len(ELLIPSIS)].rstrip()
        parts = [*parts[: max_parts - 1], cut + ELLIPSIS]
    return parts


def cut_short(text: str, limit: int = MAX_MESSAGE_CHARS, max_parts: int = MAX_PARTS) -> bool:
    """Whether `split_message` leaves the end of `text` out (it takes more than `max_parts`)."""
    return len(split_message(text, limit, max_parts=max(len(text), 1))) > max_parts
