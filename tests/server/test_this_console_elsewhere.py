"""The show's own console, as the other screens see it: a producer's attached console reads what
the host did at the show's machine by name ("host: Dismissed ana's comment", "host: Undid ..."),
never as its own, and its handled list (`l`) says who did each action and offers a producer only
their own to take back (a user review, revB: the
local console's actions carried no actor, so a producer's console showed its undos as the
producer's own and its dismissals not at all)."""

from __future__ import annotations

from showserver import SHOW, Served, write_show
from test_attach import attached, until

from stagehand.adapters.replay import ReplayAdapter, transcript_start
from stagehand.config import Settings
from stagehand.config.server import parse_listen
from stagehand.console.app import make_app
from stagehand.server.access import AccessTokens, Role
from stagehand.server.app import start_server
from stagehand.session import open_show

SIZE = (120, 35)
#: What the show's own console is called on other screens (show/core.py `THIS_CONSOLE`).
THIS_CONSOLE = "host"


async def served_here(tmp_path) -> Served:
    """The show as `stagehand replay` runs it: its own console plays it (`make_app` then runs
    the adapters), served for consoles elsewhere."""
    transcript = write_show(tmp_path / "show.jsonl", SHOW)
    replay = ReplayAdapter(transcript, instant=True)
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="synth",
        source=str(transcript),
        started_at=transcript_start(transcript),
        adapters=[replay],
        commands=False,
    )
    access = AccessTokens()
    tokens = {"alice": access.create("alice", Role.PRODUCER)}
    server = await start_server(live, Settings(), listen=parse_listen("127.0.0.1:0"))
    return Served(live, server, replay, tokens, runner=None)  # type: ignore[arg-type]


async def test_a_producer_reads_the_shows_own_console_by_name(tmp_path) -> None:
    served = await served_here(tmp_path)
    here = make_app(served.live, Settings(), server_url=served.url)
    async with here.run_test(size=SIZE) as host_pilot:
        await served.played()
        producer, producer_app = await attached(served, "alice")
        try:
            async with producer_app.run_test(size=SIZE) as producer_pilot:
                notices = producer_app.state.notices
                await host_pilot.press("j")
                await host_pilot.pause()
                dismissed = here.query_one("QueueView").selected.comment
                who = dismissed.author.shown_name
                await host_pilot.press("d")
                await until(
                    lambda: any(
                        n.text == f"{THIS_CONSOLE}: Dismissed {who}'s comment" for n in notices
                    ),
                    pilot=producer_pilot,
                    said=lambda: [n.text for n in notices],
                )
                # Its handled list names who did it, and offers the producer no undo of it.
                await producer_pilot.press("l")
                await producer_pilot.pause()
                listed = producer_app.screen.query_one("#handled")
                line = str(listed.get_option_at_index(0).prompt)
                assert f"by {THIS_CONSOLE}" in line, line
                assert listed.get_option_at_index(0).disabled
                assert listed.highlighted is None
                await producer_pilot.press("u")
                await producer_pilot.pause()
                assert not any("may undo only" in n.text for n in notices)
                await producer_pilot.press("escape")
                await host_pilot.press("u")
                await until(
                    lambda: any(
                        n.text.startswith(f"{THIS_CONSOLE}: Undid the dismissal of {who}'s")
                        for n in notices
                    ),
                    pilot=producer_pilot,
                    seconds=3,
                    said=lambda: [n.text for n in notices],
                )
                # Never as the producer's own.
                assert not any(n.text.startswith("Undid") for n in notices)
                # The show's own console reads its own plainly.
                assert not any(n.text.startswith(f"{THIS_CONSOLE}:") for n in here.state.notices)
        finally:
            await producer.close()
        await host_pilot.press("q", "y")
    await served.server.stop()
    # The database keeps the show's own console as every screen names it (so a restart still
    # says who acted); the report calls it "this machine" (tests/test_metrics.py).
    rows = served.db().execute("SELECT action, actor FROM host_actions ORDER BY id").fetchall()
    assert rows and all(actor == THIS_CONSOLE for _, actor in rows), rows


async def test_the_hosts_help_says_attach_without_putting_a_token_on_the_command_line(
    tmp_path,
) -> None:
    """A token on the command line shows in `ps` to everyone on the machine: `?` told the host
    to hand producers `stagehand attach URL --token T` all the same (a last read, lr3)."""
    from stagehand.console.screens.help import HelpScreen

    served = await served_here(tmp_path)
    here = make_app(served.live, Settings(), server_url=served.url)
    async with here.run_test(size=SIZE) as pilot:
        await served.played()
        await pilot.press("question_mark")
        await until(lambda: isinstance(here.screen, HelpScreen), 2, pilot)
        shown = str(here.screen.query_one("#help Static").render())
        attach = " ".join(shown.split("stagehand attach", 1)[1].split()[:20])
        assert "--token" not in attach and "STAGEHAND_ATTACH_TOKEN" in attach, attach
        await pilot.press("escape", "q", "y")
    await served.server.stop()


def test_the_docs_never_put_an_attach_token_on_the_command_line() -> None:
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    for page in [root / "README.md", *sorted((root / "docs").glob("*.md"))]:
        text = " ".join(page.read_text("utf-8").split())
        for example in text.split("`stagehand attach ")[1:]:
            shown = example.split("`", 1)[0]
            assert "--token" not in shown, f"{page.name}: `stagehand attach {shown}`"
