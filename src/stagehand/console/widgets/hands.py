"""The raised-hands queue, oldest first (`h` brings the first one on stage)."""

from __future__ import annotations

from collections.abc import Sequence

from textual.content import Content

from stagehand.console.names import StaffNames, name_of
from stagehand.console.text import plain, platform_tag
from stagehand.console.widgets.panel import Panel
from stagehand.domain import Author

HANDS_SHOWN = 8


class HandsPanel(Panel):
    def show(self, hands: Sequence[Author], *, staff: StaffNames) -> None:
        self.set_title(f"Raised hands ({len(hands)})")
        if not hands:
            self.set_content(Content.styled("No raised hands (viewers type !hand).", "$text-muted"))
            return
        lines = [
            Content.assemble(
                (f"{index}. ", "$text-muted"),
                plain(name_of(author, staff=staff), style="bold"),
                " ",
                platform_tag(author.platform),
            )
            for index, author in enumerate(hands[:HANDS_SHOWN], 1)
        ]
        if len(hands) > HANDS_SHOWN:
            lines.append(Content.styled(f"… and {len(hands) - HANDS_SHOWN} more", "$text-muted"))
        self.set_content(Content("\n").join(lines))
