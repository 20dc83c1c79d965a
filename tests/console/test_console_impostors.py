"""Nobody looks like the host (reviewer finding 3): a viewer going by the host's, a moderator's
or the broadcaster's name is shown with their login beside it, the show's own people carry a
mark no viewer can wear, and Twitch shows "display (login)" when a display name is more than
the login in other capitals. A line break in a name never makes a suffix of it.

The real app under Pilot on a show replayed into a real SQLite file.
"""

from __future__ import annotations

import json

from textual.widgets import OptionList

from conftest import (
    RecordingAdapter,
    actions_done,
    comment_record,
    open_console,
    played,
    screen_text,
    select,
)
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
        # and "Priya(host)" begins with the host's name: the login shows.
        assert "Priya(hos… (mallory): is the" in shown
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


async def test_every_place_that_names_the_impostor_shows_their_login(tmp_path) -> None:
    """The names reach every screen from the console's own state (no Textual internals): the
    raised hands, the reply and moderate dialogs, the stage panel and the handled list name a
    viewer going by the host's name with their login too, and the host with the host's mark."""
    records = [
        *IMPOSTORS[:5],
        comment_record(
            "i5",
            "2026-11-20T19:00:09Z",
            "priya_x",
            "666",
            "!hand",
            platform="discord",
            display_name="Priya",
        ),
    ]
    transcript = tmp_path / "imp.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    discord = RecordingAdapter("discord")
    console = open_console(tmp_path / "show.db", transcript, adapters=(discord,), commands=True)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        app = console.app
        shown = screen_text(app)
        assert "1. Priya (priya_x) DC" in shown  # the raised hands
        select(app, "i1")
        await pilot.press("r")
        assert "Reply to Priya (priya_x) on DC" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("m")
        assert "Moderate Priya (priya_x) on DC" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("p")
        await actions_done(pilot)
        assert "★ Priya (priya_x) DC  on stage" in screen_text(app)
        await pilot.press("l")
        await pilot.pause()
        handled = app.screen.query_one("#handled", OptionList)
        assert "DC Priya (priya_x): Priya here" in str(handled.get_option_at_index(0).prompt)
        await pilot.press("escape")
        # The host's own line is marked where it shows.
        assert f"{HOST_MARK} Priya: welcome!" in screen_text(app)


def _discord_viewer(id: str, second: int, login: str, display: str, text: str) -> dict:
    return comment_record(
        id,
        f"2026-11-20T19:01:{second:02d}Z",
        login,
        str(700 + second),
        text,
        platform="discord",
        display_name=display,
    )


DRESSED_UP = [
    *IMPOSTORS[:4],  # the host Priya and the moderator Seveas have spoken
    comment_record(
        "m2",
        "2026-11-20T19:00:30Z",
        "al",
        "3",
        "keep it on topic",
        platform="discord",
        display_name="Al",
        roles=["moderator"],
    ),
    _discord_viewer("d1", 1, "mallory1", "Priya(host)", "giveaway! DM me"),
    _discord_viewer("d2", 2, "mallory2", "Priya | host", "giveaway! DM me"),
    _discord_viewer("d3", 3, "mallory3", "Priya_", "giveaway! DM me"),
    _discord_viewer("d4", 4, "mallory4", "\u0420riya official", "giveaway! DM me"),  # Cyrillic Р
    _discord_viewer("d5", 5, "mallory5", "Príya", "giveaway! DM me"),
    _discord_viewer("d6", 6, "mallory6", "PriyaHost", "giveaway! DM me"),
    _discord_viewer("d7", 7, "mallory7", "Seveas2", "giveaway! DM me"),
    # Ordinary viewers: a longer name that starts like the host's, a short moderator's name as
    # the first word of a real name, a name the short one starts.
    _discord_viewer("o1", 8, "priyanka", "Priyanka", "hello from Pune"),
    _discord_viewer("o2", 9, "alsmith", "Al Smith", "hello from Leeds"),
    _discord_viewer("o3", 10, "alice", "Alice", "hello from Lyon"),
]


async def test_a_viewer_dressing_up_a_hosts_name_shows_their_login(tmp_path) -> None:
    """ "Priya(host)", "Priya | host", "Рriya official" (a Cyrillic Р) or "PriyaHost" begin with
    the host's name once case, accents, look-alike letters and separators are gone: shown
    with the login. A viewer whose name merely starts with the same letters ("Priyanka"), or
    whose first word is a short staff name ("Al Smith" beside the moderator Al), is not."""
    transcript = tmp_path / "dressed.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in DRESSED_UP), "utf-8")
    console = open_console(tmp_path / "show.db", transcript)
    async with console.app.run_test(size=(140, 40)) as pilot:
        await played(console, pilot)
        shown = screen_text(console.app)
        assert f"{HOST_MARK} Priya: welcome!" in shown
        assert f"{MODERATOR_MARK} Al: keep it" in shown
        for login in ("mallory1", "mallory2", "mallory3", "mallory4", "mallory5", "mallory6"):
            assert f"({login}): giveaway!" in shown, login
        assert "Seveas2 (mallory7): giveaway!" in shown
        assert "Priyanka: hello from Pune" in shown
        assert "Al Smith: hello from Leeds" in shown
        assert "Alice: hello from Lyon" in shown


def test_a_short_staff_name_marks_only_its_own_look_alikes() -> None:
    """The moderator "Al": a viewer "AL" or "Al_" passes for them (shown with the login); "Al
    Smith" and "Alice" do not. The host "Alice": a viewer "Al" does not pass for her, "Alice
    (mod)" does."""
    from stagehand.console.names import HOST_MARK, StaffNames, shows_login
    from stagehand.domain import Author

    def viewer(display: str) -> Author:
        return Author("discord", "9", "someone", display)

    short = StaffNames()
    short.met(Author("discord", "1", "al", "Al"), MODERATOR_MARK)
    assert shows_login(viewer("AL"), short)
    assert shows_login(viewer("Al_"), short)
    assert not shows_login(viewer("Al Smith"), short)
    assert not shows_login(viewer("Alice"), short)
    longer = StaffNames()
    longer.met(Author("discord", "2", "alice", "Alice"), HOST_MARK)
    assert not shows_login(viewer("Al"), longer)
    assert shows_login(viewer("Alice (mod)"), longer)
    assert shows_login(viewer("ALICE✨official"), longer)


async def test_a_configured_host_is_known_before_they_speak(tmp_path) -> None:
    """`[show] hosts = ["discord:priya"]`: a viewer taking the name "Priya" before Priya has
    said a word shows their login from their first line (the staff names were learned from
    chat lines alone, so the first impostor lines passed); Priya herself, when she speaks,
    wears the host's mark and no login."""
    from stagehand.config import Settings
    from stagehand.config.sections import ShowSettings
    from stagehand.domain import Author, Comment

    records = [
        *IMPOSTORS[:2],
        comment_record(
            "i1",
            "2026-11-20T19:00:01Z",
            "priya_x",
            "666",
            "Priya here: DM me your card number for the giveaway",
            platform="discord",
            display_name="Priya",
        ),
    ]
    transcript = tmp_path / "early.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    settings = Settings(show=ShowSettings(hosts=["discord:priya"]))
    console = open_console(tmp_path / "show.db", transcript, settings=settings)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        assert "Priya (priya_x): Priya here" in screen_text(console.app)
        host = Author("discord", "1", "priya", "Priya")
        console.live.comment_received(
            Comment("h1", "discord", "synthnight", host, "welcome everyone", console.live.now())
        )
        await pilot.pause(0.3)
        console.app.redraw()
        await pilot.pause()
        shown = screen_text(console.app)
        assert f"{HOST_MARK} Priya: welcome everyone" in shown
        assert "Priya (priya_x): Priya here" in shown
        assert "(priya)" not in shown


async def test_a_login_mixing_look_alike_scripts_is_marked(tmp_path) -> None:
    """revA, finding 14: logins `ana` and `аna` (a Cyrillic а; replay and YouTube can have such
    names) were drawn alike in raw chat and the stage panel. A name that mixes letters of
    different scripts that look alike wears a mark no viewer can type into their own name."""
    records = [
        IMPOSTORS[0],
        IMPOSTORS[1],
        comment_record("a1", "2026-11-20T19:00:01Z", "ana", "20", "hi from ana"),
        comment_record("a2", "2026-11-20T19:00:02Z", "\u0430na", "21", "hi from the other"),
        comment_record("a3", "2026-11-20T19:00:03Z", "≈ mallory", "22", "a mark in my name"),
    ]
    transcript = tmp_path / "alike.jsonl"
    transcript.write_text("".join(json.dumps(r) + "\n" for r in records), "utf-8")
    console = open_console(tmp_path / "show.db", transcript)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        shown = screen_text(console.app)
        assert "\n" in shown
        lines = shown.splitlines()
        assert any("ana: hi from ana" in line and "≈" not in line for line in lines), shown
        assert "≈ \u0430na: hi from the other" in shown
        assert "mallory: a mark" in shown and "≈ mallory" not in shown  # nobody can type it
