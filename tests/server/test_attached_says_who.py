"""An attached console says who it is and what its token may do, where a producer looks (a user
review, revB: a console attached with a viewer token by mistake looked like a producer's until a
key was refused; `?` listed keys the role cannot use and promised that `q` takes guests off
stage; "attached as" was only in the terminal's title, which tmux does not show; the revoked
token's notices lost "ask the host for a new token" to the terminal's width; Ctrl+C said
Textual's "press ctrl+q" instead of doing what q does)."""

from __future__ import annotations

from showserver import played
from test_attach import console_of, screen_text, until

from stagehand.console.screens.confirm import ConfirmScreen
from stagehand.console.screens.help import HelpScreen
from stagehand.server.access import AccessTokens

#: The width revB's terminal had (tmux, 100 columns).
SIZE = (100, 30)


def header_text(app) -> str:
    """The header's lines, as the terminal shows them."""
    return "\n".join(screen_text(app).splitlines()[0:3])


async def test_the_header_and_help_say_who_an_attached_console_is(tmp_path) -> None:
    async with played(tmp_path) as served:
        async with console_of(served, "vic", SIZE) as (_, viewer_app, pilot):
            await pilot.pause()
            assert "vic · viewer: reads only" in header_text(viewer_app)
        async with console_of(served, "alice", SIZE) as (_, producer_app, pilot):
            await pilot.pause()
            assert "alice · producer" in header_text(producer_app)
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(producer_app.screen, HelpScreen)
            shown = str(producer_app.screen.query_one("#help Static").render())
            lines = {line.split()[0]: line for line in shown.splitlines() if line.strip()}
            assert "You are alice (producer token)" in shown
            for key in ("a", "p", "e", "m", "n", "t"):  # take a host token
                assert "✕ not with your token" in lines[key], lines[key]
            for key in ("d", "s", "f", "r"):  # a producer's
                assert "✕" not in lines[key], lines[key]
            assert "the show goes on, and so does anyone on stage" in lines["q"]
            assert "taken off" not in lines["q"]
            await pilot.press("escape")
            # Ctrl+C asks as q does.
            await pilot.press("ctrl+c")
            await pilot.pause()
            assert isinstance(producer_app.screen, ConfirmScreen)
            await pilot.press("escape")


async def test_a_revoked_tokens_notices_keep_the_fix_at_a_terminals_width(tmp_path) -> None:
    async with played(tmp_path) as served, console_of(served, "alice", SIZE) as (_, app, pilot):
        await pilot.pause()
        AccessTokens().revoke("alice")  # as `stagehand token revoke alice` does
        await until(
            lambda: any("no longer accepts" in n.text for n in app.state.notices),
            seconds=15,
            pilot=pilot,
        )
        said = [n.text for n in app.state.notices if "no longer accepts" in n.text][-1]
        assert said.startswith("Ask the host for a new token and attach again"), said
        assert "--token" not in said  # a token on the command line shows in `ps`
        await pilot.press("j", "d")
        await until(lambda: app.state.notice.level == "refused", pilot=pilot, seconds=5)
        refused = app.state.notice.text
        assert refused.startswith("Nothing was done: ask the host for a new token"), refused
        # What the notices line shows at 100 columns keeps it.
        lines = screen_text(app).splitlines()
        assert "ask the host for a new token" in lines[-2], lines[-3:]
