"""How `stagehand rank --format table` names the authors of its rows: as the report and the
console tell people apart, so a producer checking a transcript takes nobody for someone else.

The report's names (`metrics.facts.report_names`): a name two people share, or that reads like
another's ("ana" and "аna" with a Cyrillic а), gets the login beside it, else the platform id,
and a name mixing look-alike scripts wears `≈`. The console's rule for the login
(`console.names.shows_login`): beside a Twitch display name that is more than the login in
other capitals, and beside any name taken from the show's own people ("Priya(host)").
"""

from __future__ import annotations

from collections.abc import Iterable

from stagehand.commands.people import host_accounts
from stagehand.confusables import LOOK_ALIKE_MARK
from stagehand.console.names import StaffNames, shows_login
from stagehand.domain import Author, AuthorKey
from stagehand.metrics.facts import AuthorInfo, report_names
from stagehand.report.text import display_width, fit
from stagehand.sanitize import NAME_CHARS

#: The author column's width in terminal cells.
AUTHOR_CELLS = 28


def staff_of(
    hosts: Iterable[str], channel: str, staff_lines: Iterable[tuple[Author, str]]
) -> StaffNames:
    """The show's own people as the console would know them by its end: `[show] hosts`, the
    Twitch channel, and each author of a host's or moderator's line with its mark."""
    staff = StaffNames()
    staff.expect(host_accounts(hosts))
    if channel:
        staff.expect([("twitch", channel)])
    for author, mark in staff_lines:
        staff.met(author, mark)
    return staff


def table_names(authors: Iterable[Author], staff: StaffNames) -> dict[AuthorKey, str]:
    """Each author's name in the table, inert and at most `AUTHOR_CELLS` wide: a long name is
    cut before what tells it apart (the login, the platform id), never that."""
    people = list(dict.fromkeys(authors))
    infos = [
        AuthorInfo(row, a.platform, a.name, a.display_name, False, a.anonymous, a.id)
        for row, a in enumerate(people)
    ]
    named = report_names(infos)
    names: dict[AuthorKey, str] = {}
    for info, author in zip(infos, people, strict=True):
        # `report_names` gives "[≈ ]name[ (what tells it apart)]".
        base, full = info.shown_name, named[info.id]
        mark = "" if full.startswith(base) else f"{LOOK_ALIKE_MARK} "
        apart = full[len(mark) + len(base) :].strip()
        if not apart and shows_login(author, staff):
            apart = f"(@{author.name})"
        shown = fit(base, NAME_CHARS) or fit(author.id, NAME_CHARS) or "?"
        names[author.key] = _fitted(mark, shown, fit(apart, NAME_CHARS))
    return names


def _fitted(mark: str, name: str, apart: str) -> str:
    """`mark`, `name` and `apart` in `AUTHOR_CELLS`, the name cut first."""
    tail = f" {apart}" if apart else ""
    room = AUTHOR_CELLS - display_width(mark) - display_width(tail)
    if room < 4:  # a login too long to keep whole: the name cut as one
        return fit(f"{mark}{name}{tail}", AUTHOR_CELLS)
    return mark + fit(name, room) + tail
