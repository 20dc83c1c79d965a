"""What the live show keeps of a viewer who opted out (`!optout`): no name and no text.

The database anonymizes them (store/recorder.py); every screen must too: the console, the show
server's API and events, the stream's overlay. So from the moment they opt out, the core
publishes each of their comments anonymized (still counted, and still stored, as an anonymous
comment), and takes what the screens hold of them already off (show/actions.py). A comment with
no text never enters the queue (show/queue.py), and the overlay refuses it (show/changes.py).
"""

from __future__ import annotations

import dataclasses

from stagehand.domain import Author, RankedComment

#: How screens name a viewer who opted out: a name only (a viewer may choose it too);
#: `Author.anonymous` is what says someone is anonymous.
OPTED_OUT_NAME = "a viewer who opted out"


def anonymized(ranked: RankedComment) -> RankedComment:
    """The comment as screens may see it: its author's key only (the show still counts them),
    no name, no text, no attachments. What it replied to stays: another comment's id, counted
    in the metrics (viewers replying to viewers), none of theirs."""
    comment = ranked.comment
    author = comment.author
    anonymous = Author(author.platform, author.id, "", OPTED_OUT_NAME, anonymous=True)
    return dataclasses.replace(
        ranked,
        comment=dataclasses.replace(
            comment, author=anonymous, text="", clean_text="", attachments=()
        ),
    )


def with_text_of(ranked: RankedComment, shown: RankedComment) -> RankedComment:
    """`shown` (anonymized) with `ranked`'s text back: what the chat commands read of a viewer
    who opted out (their commands work, under no name)."""
    comment = ranked.comment
    return dataclasses.replace(
        shown,
        comment=dataclasses.replace(
            shown.comment, text=comment.text, clean_text=comment.clean_text
        ),
    )
