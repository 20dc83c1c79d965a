"""The stage panel: who is on stage, for how long, and what they said while there."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from textual.content import Content

from stagehand.console.text import clock_time, name_of, plain, platform_tag
from stagehand.console.widgets.panel import Panel
from stagehand.domain import AuthorKey, Comment, StageSession

#: Lines of what each guest said shown under their name (the newest).
SAID_SHOWN = 4


class StagePanel(Panel):
    def show(
        self,
        sessions: Sequence[StageSession],
        said: Mapping[AuthorKey, Sequence[Comment]],
        *,
        now: datetime,
    ) -> None:
        self.set_class(bool(sessions), "-live")
        if not sessions:
            self.set_content(
                Content.styled("Nobody on stage. p brings the selected author on.", "$text-muted")
            )
            return
        lines: list[Content] = []
        for session in sessions:
            author = session.author
            lines.append(
                Content.assemble(
                    ("★ ", "bold $warning"),
                    plain(name_of(author), style="bold"),
                    " ",
                    platform_tag(author.platform),
                    (f"  on stage {clock_time(session.seconds(now))}", "bold $text-warning"),
                )
            )
            recent = list(said.get(author.key, ()))[-SAID_SHOWN:]
            if not recent:
                lines.append(Content.styled("  (nothing said in chat since)", "$text-muted"))
            for comment in recent:
                lines.append(
                    Content.assemble(
                        ("  › ", "$text-warning"),
                        plain(comment.shown_text, max_chars=300, style="$text-warning"),
                    )
                )
        self.set_content(Content("\n").join(lines))
