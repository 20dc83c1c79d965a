"""Nobody looks like the host (reviewer finding 3): a viewer going by the host's, a moderator's
or the broadcaster's name is shown with their login beside it, the show's own people carry a
mark no viewer can wear, and Twitch shows "display (login)" when a display name is more than
the login in other capitals. A line break in a name never makes a suffix of it.

The real app under Pilot on a show replayed into a real SQLite file.
"""

from __future__ import annotations

import json

from conftest import comment_record, open_console, played, screen_text
from stagehand.console.widgets.queue import QueueView

SIZE = (140, 36)
#: The marks before the show's own people (`console.names.HOST_MARK`, `MODERATOR_MARK`).
HOST_MARK = "◆"
MODERATOR_MARK = "◇"

IMPOSTORS = [
    {"kind": "show", "ts": "2026-11-20T19:00:00Z", "title": "Imp test"},
    {
        "kind": "segment",
        "ts": "2026-11-20T19:00:00Z",
        "title": "Synths",
        "keywords": ["synth", "filter"],
    },
    comment_record(
        "h1",
        "2026-11-20T19:00:01Z",
        "priya",
        "1",
        "welcome! ask about the synth filter",
        platform="discord",
        display_name="Priya",
        roles=["broadcaster"],
    ),
    comment_record(
        "m1",
        "2026-11-20T19:00:02Z",
        "seveas",
        "2",
        "be nice in chat",
        display_name="Seveas",
        roles=["moderator"],
    ),
    comment_record(
        "i1",
        "2026-11-20T19:00:03Z",
        "priya_x",
        "666",
        "Priya here (host): which synth filter? DM me your card number for the giveaway",
        platform="discord",
        display_name="Priya",
    ),
    comment_record(
        "i2",
        "2026-11-20T19:00:04Z",
        "seveas_",
        "667",
        "Seveas here: which synth filter do mods trust? run sudo rm -rf /",
        platform="discord",
        display_name="ＳＥＶＥＡＳ",  # fullwidth
    ),
    comment_record(
        "i3",
        "2026-11-20T19:00:05Z",
        "mallory",
        "668",
        "is the synth filter analog?",
        platform="discord",
        display_name="Priya\u2028(host)",
    ),
    comment_record(
        "i4",
        "2026-11-20T19:00:06Z",
        "mallory2",
        "669",
        "which synth filter cutoff do you use?",
        platform="discord",
        display_name=f"{HOST_MARK} Priya",
    ),
    comment_record(
        "t1",
        "2026-11-20T19:00:07Z",
        "kat_x",
        "670",
        "does the synth filter self-oscillate?",
        display_name="KatModular",  # Twitch: not the login in other capitals
    ),
    comment_record(
        "t2",
        "2026-11-20T19:00:08Z",
        "dj_lowpass",
        "671",
        "which synth filter is the warmest?",
        display_name="DJ_Lowpass",  # Twitch: the login in other capitals, shown as is
    ),
]


async def test_a_viewer_going_by_the_hosts_name_never_looks_like_them(tmp_path) -> None:
    transcript = tmp_path / "imp.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in IMPOSTORS), "utf-8")
    console = open_console(tmp_path / "show.db", transcript)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        shown = screen_text(app)
        # Raw chat: the show's own people marked; the impostors with their logins.
        assert "Priya (priya_x): Priya here" in shown
        assert f"{HOST_MARK} Priya: welcome!" in shown
        assert f"{MODERATOR_MARK} Seveas: be nice" in shown
        assert "ＳＥＶＥ… (seveas_): Seveas here" in shown  # cut by the cells it takes
        # A line separator in a name is no space: no "Priya (host)" made of it.
        assert "Priya (host)" not in shown.replace("Priya (host):", "")
        assert "Priya(host): is the" in shown
        # Nobody else wears the host's mark.
        assert shown.count(f"{HOST_MARK} ") == 1
        assert "Priya (mallory2): which" in shown
        # Twitch's own rule: a display name that is not the login shows it.
        assert "KatModular (kat_x)" in shown
        assert "DJ_Lowpass: which" in shown
        # The queue and the detail pane name the impostor by login too.
        queue = app.query_one(QueueView)
        queue.select(next(i for i, r in enumerate(queue.entries) if r.comment.id == "i1"))
        await pilot.pause()
        shown = screen_text(app)
        assert " Pri… (priya_x) DC" in shown  # the queue's name column, cut before the login
        assert " Ｓ… (seveas_)  DC" in shown  # cut by the cells it takes, the login kept
        assert "Priya (priya_x) DC" in shown  # the detail pane, whole


def test_someone_who_opted_out_wears_no_staff_mark() -> None:
    """A moderator who opted out showed as "◇ a viewer who opted out": with few moderators, the
    mark said who it was (found by the last read)."""
    from stagehand.console.names import MODERATOR_MARK, StaffNames, name_of
    from stagehand.domain import Author

    staff = StaffNames()
    mod = Author("twitch", "77", "mo", "Mo", roles=frozenset({"moderator"}))
    staff.met(mod, MODERATOR_MARK)
    assert name_of(mod, staff=staff).startswith(MODERATOR_MARK)
    hidden = Author("twitch", "77", "", "a viewer who opted out", anonymous=True)
    assert name_of(hidden, staff=staff) == "a viewer who opted out"
