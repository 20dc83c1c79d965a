"""The selected comment in full, and on demand (`w`) why it ranks where it does."""

from __future__ import annotations

from datetime import datetime

from textual.content import Content

from stagehand.console.names import StaffNames, name_of
from stagehand.console.state import FORGOTTEN, GONE_BY_NAME
from stagehand.console.text import age, highlight_label, plain, platform_tag
from stagehand.console.widgets.panel import Panel
from stagehand.domain import CommentKind, Pin, RankedComment
from stagehand.ranking.blocked import HELD_FLAG
from stagehand.ranking.queue_order import each_viewer


def reasons_line(ranked: RankedComment) -> Content:
    """`score 2.35 = topic +1.20 · question +0.80 · flood −0.30 …`, biggest parts first; for
    a line held back, which blocked term held it."""
    score = ranked.score
    if ranked.kind is CommentKind.HELD or HELD_FLAG in score.flags:
        terms = [name.partition(": ")[2] for name in score.reasons if ": " in name]
        return Content.assemble(
            ("held back from the queue: ", "bold $text-error"),
            ("blocked term ", "$text-muted"),
            plain(f'"{terms[0]}"' if terms else "", max_chars=60, style="bold"),
            (" ([ranking] blocked_terms)", "$text-muted"),
        )
    parts = sorted(score.reasons.items(), key=lambda item: -abs(item[1]))
    pieces: list[Content] = [Content.styled(f"score {score.value:.2f} = ", "bold")]
    for index, (name, value) in enumerate(parts):
        if index:
            pieces.append(Content.styled(" · ", "$text-muted"))
        style = "$text-success" if value > 0 else "$text-error" if value < 0 else "$text-muted"
        pieces.append(plain(name, max_chars=30))
        pieces.append(Content.styled(f" {value:+.2f}", style))
    if score.flags:
        pieces.append(Content.styled("   flags: ", "$text-muted"))
        pieces.append(plain(", ".join(sorted(score.flags)), max_chars=200, style="italic"))
    return Content.assemble(*pieces)


def pinned_line(pin: Pin) -> Content:
    """`▲ pinned by alice: ask this one next` (the note is a producer's text: plain, capped)."""
    return Content.assemble(
        ("▲ pinned", "bold $text-success"),
        (" by ", "$text-success"),
        plain(pin.actor or "the hosts", max_chars=40, style="bold $text-success"),
        (": " if pin.note else "", "$text-success"),
        plain(pin.note, max_chars=200, style="italic $text-success"),
    )


#: Askers the Selected pane names when its width is not known yet; the others are counted ("and
#: 27 more"): the whole list of a wave ran past the pane and was cut mid-name.
NAMED_ASKERS = 3


def asked_by_line(
    askers: tuple[RankedComment, ...], width: int = 0, *, staff: StaffNames | None
) -> Content:
    """`asked by 3: fin TW, ben DC, eve TW`: who asked the row's question (or `pasted by 31:
    paster0 TW, paster1 TW, paster2 TW and 28 more` for a copypasta wave), as many by name as
    fit in `width` columns with the count of the rest (`NAMED_ASKERS` when the width is 0)."""
    verb = "pasted" if any("copypasta" in a.score.flags for a in askers) else "asked"
    viewers = each_viewer(askers)  # one who asked again is listed once
    head = Content.styled(f"{verb} by {len(viewers)}: ", "bold $accent")
    names = [
        Content.assemble(
            plain(name_of(asker.comment.author, staff=staff), style="bold"),
            " ",
            platform_tag(asker.comment.platform),
        )
        for asker in viewers
    ]
    named = _fitting(head.cell_length, names, width) if width > 0 else NAMED_ASKERS
    pieces: list[Content] = [head]
    for index, name in enumerate(names[:named]):
        if index:
            pieces.append(Content.styled(", ", "$text-muted"))
        pieces.append(name)
    if len(names) > named:
        pieces.append(Content.styled(f" and {len(names) - named} more", "$text-muted"))
    return Content.assemble(*pieces)


def _fitting(used: int, names: list[Content], width: int) -> int:
    """How many of `names` fit on one line of `width` after `used` columns, with " and N more"
    for the rest (at least one: a name longer than the line wraps)."""
    named = 0
    for index, name in enumerate(names):
        rest = len(names) - index - 1
        more = len(f" and {rest} more") if rest else 0
        used += (2 if index else 0) + name.cell_length
        if used + more > width:
            break
        named += 1
    return max(named, 1)


def _ago(seconds: float) -> str:
    shown = age(seconds)
    return "just now" if shown == "now" else f"{shown} ago"


#: What the detail pane says when nothing is selected (before the first key press).
NOTHING_SELECTED = "Nothing selected. ↓ or j selects the top comment; a click selects a row."


class CommentDetail(Panel):
    def show(
        self,
        ranked: RankedComment | None,
        *,
        askers: tuple[RankedComment, ...] = (),
        now: datetime,
        reasons: bool,
        outside: bool = False,
        lost: RankedComment | None = None,
        lost_why: str = "",
        pin: Pin | None = None,
        staff: StaffNames,
    ) -> None:
        if ranked is None:
            self.set_content(self._nothing_selected(lost, lost_why, staff))
            return
        comment = ranked.comment
        head = Content.assemble(
            plain(name_of(comment.author, staff=staff), style="bold"),
            " ",
            platform_tag(comment.platform),
            (f"  {_ago((now - comment.ts).total_seconds())}", "$text-muted"),
            ("  ", ""),
            highlight_label(comment.highlight) if comment.highlight else Content(""),
            ("  " if comment.highlight else "", ""),
            plain(
                ", ".join(sorted(comment.author.roles)), max_chars=80, style="italic $text-muted"
            ),
            ("  (from search: not in the queue)" if outside else "", "bold $text-warning"),
            ("   (w: why)" if not reasons else "", "$text-muted"),
        )
        lines = [head, plain(comment.shown_text)]
        if reasons:  # asked for: right under the text, before a long list of askers
            lines.append(reasons_line(ranked))
        if pin is not None:
            lines.append(pinned_line(pin))
        if len(each_viewer(askers)) > 1:
            lines.append(asked_by_line(askers, self.content_region.width, staff=staff))
        # The reasons take more room than the pane's few lines (app.tcss `#detail.-why`).
        self.set_class(reasons, "-why")
        self.set_content(Content("\n").join(lines))

    @staticmethod
    def _nothing_selected(lost: RankedComment | None, why: str, staff: StaffNames) -> Content:
        if lost is None:
            return Content.styled(NOTHING_SELECTED, "$text-muted")
        if why in GONE_BY_NAME:  # not a word of theirs on screen, nor their name
            what = "asked to be forgotten" if why == FORGOTTEN else "opted out"
            gone = Content.styled(f"The selected comment's author {what}.", "bold $text-warning")
            hint = Content.styled("Nothing is selected now: j/↓ selects a comment.", "$text-muted")
            return Content("\n").join([hint, gone])
        # What is selected now comes first, whole; then which comment left and why, on its
        # own (its text is not quoted: cut to the pane's width it stopped mid-sentence, and the
        # handled list `l` has it).
        hint = Content.styled(
            "Nothing is selected now: j/↓ selects the comment in its row, k/↑ the one above.",
            "$text-muted",
        )
        gone = Content.assemble(
            plain(name_of(lost.comment.author, staff=staff), style="bold"),
            ("'s comment left the queue", "bold $text-warning"),
            (f" ({why})" if why else "", "$text-warning"),
            (".", ""),
        )
        return Content("\n").join([hint, gone])
