"""One table of console keys (console/actions.py): the footer, the help and the palette agree.

A key the host learns in one place (the footer, `?`, ctrl+p) does what the other two say, and a
key that acts on the selected comment never acts on anything else.
"""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from conftest import actions_done, open_console, played, screen_text
from stagehand.console.actions import ACTIONS, KEYS, ConsoleAction
from stagehand.console.app import StagehandApp

#: Tall enough for the whole help without scrolling.
SIZE = (120, 50)


def test_every_action_in_the_table_is_one_the_app_can_run() -> None:
    for action in ACTIONS.values():
        assert callable(getattr(StagehandApp, f"action_{action.name}", None)), action.name
    keys = [key.strip() for action in ACTIONS.values() for key in action.keys.split(",")]
    assert len(keys) == len(set(keys)), "a key bound to two actions"
    places = sorted(a.footer for a in ACTIONS.values() if a.footer is not None)
    assert places == list(range(1, len(places) + 1)), "two keys in one place of the footer"


async def test_the_footer_the_help_and_the_palette_say_the_same_for_every_key(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(140, SIZE[1])) as pilot:  # wide: every footer key
        await played(console, pilot)
        # the footer: the keys a host needs on air first (only the first ten fit at 80 columns)
        footer = [(k.key_display, k.description) for k in console.app.query(FooterKey)]
        assert footer[:10] == [
            ("a", "Answer"),
            ("d", "Dismiss"),
            ("p", "Stage"),
            ("e", "End"),
            ("r", "Reply"),
            ("m", "Mod"),
            ("u", "Undo"),
            ("/", "Search"),
            ("?", "Help"),
            ("q", "Quit"),
        ]
        assert len(footer) == sum(1 for a in ACTIONS.values() if a.footer is not None)

        await pilot.press("question_mark")
        help_lines = screen_text(console.app).splitlines()
        await pilot.press("escape")
        palette = {c.title: c.help for c in console.app.get_system_commands(console.app.screen)}

        for entry in KEYS:
            said = f"{entry.shown_keys:>8}  {entry.description}"
            line = next((line for line in help_lines if said in line), None)
            assert line is not None, f"the help does not list {entry.shown_keys}"
            if entry.records is not None:
                assert line.rstrip(" │").endswith(f"→ {entry.records}")
            if isinstance(entry, ConsoleAction):
                # the palette says what the help says, and which key does it
                assert entry.title in palette, entry.title
                described = palette[entry.title].lower()
                assert described == f"{entry.description} ({entry.shown_keys})".lower()


async def test_the_palette_has_one_quit_and_it_asks_first(tmp_path, show_file):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        commands = list(console.app.get_system_commands(console.app.screen))
        quits = [c for c in commands if c.title == "Quit"]
        assert len(quits) == 1 and "asks first" in quits[0].help
        assert {"Theme", "Keys", "Screenshot"} <= {c.title for c in commands}  # Textual's stay
        await pilot.press("ctrl+p", *"Quit")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause(0.2)
        assert "Quit the show?" in screen_text(console.app)
        await pilot.press("n")
        assert console.app.is_running and not console.app.closed


NEEDS_SELECTION = [a for a in ACTIONS.values() if a.needs_selection is not None]


@pytest.mark.parametrize("action", NEEDS_SELECTION, ids=[a.name for a in NEEDS_SELECTION])
async def test_a_key_for_the_selected_comment_does_nothing_when_none_is_selected(
    tmp_path, show_file, action: ConsoleAction
):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=SIZE) as pilot:
        await played(console, pilot)
        screens = len(console.app.screen_stack)
        await pilot.press(action.keys.split(",")[0])
        await actions_done(pilot)
        text = screen_text(console.app)
        assert f"Nothing to {action.needs_selection}: nothing is selected" in text
        assert len(console.app.screen_stack) == screens  # no dialog opened for nothing
        assert console.db().execute("SELECT count(*) FROM host_actions").fetchone() == (0,)
