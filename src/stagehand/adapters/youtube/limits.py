"""YouTube's sending limits: 200 characters a message (the pace stagehand keeps itself is
`adapters/sending.py`, `[youtube] messages_per_30s`).

YouTube refuses chat messages over 200 characters. Every message also costs 20 quota units,
so a long reply is cut (with "…") rather than split into several paid messages.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 200
ELLIPSIS = "…"


def fit_message(text: str, limit: int = MAX_MESSAGE_CHARS) -> str:
    """Whitespace collapsed, cut at a word end to `limit` characters (with "…" when cut)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - len(ELLIPSIS)]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + ELLIPSIS
