"""The show server's token file unreadable at two awkward moments: when the show starts (the
notice must still reach the show's screens), and while an attached console takes something
back (its undo keeps its place: the show did nothing)."""

from __future__ import annotations

import asyncio

import aiohttp
from showserver import serve, write_show
from test_token_file import BROKEN, break_token_file, restore_token_file

from stagehand.adapters.replay import ReplayAdapter, transcript_start
from stagehand.config import Settings
from stagehand.config.server import parse_listen
from stagehand.events import Notice
from stagehand.server.access import AccessTokens, Role, default_tokens_path
from stagehand.server.app import start_server
from stagehand.server.remote import RemoteShow
from stagehand.session import open_show


def test_a_token_file_broken_before_the_show_starts_is_said_on_its_screens(tmp_path) -> None:
    """The show server starts before the show runs: its "token file unreadable" notice was
    dropped then, and as it is said once, the host's console never heard it (found by the last
    read; only the log had it)."""
    token = AccessTokens().create("alice", Role.PRODUCER)
    default_tokens_path().write_text(BROKEN, "utf-8")
    transcript = write_show(tmp_path / "show.jsonl")
    live = open_show(
        Settings(),
        db_path=tmp_path / "show.db",
        show_name="late",
        source=str(transcript),
        started_at=transcript_start(transcript),
        adapters=[ReplayAdapter(transcript, instant=True)],
    )
    said: list[str] = []
    live.add_listener(lambda e: said.append(e.text) if isinstance(e, Notice) else None)

    async def run() -> int:
        server = await start_server(live, Settings(), listen=parse_listen("127.0.0.1:0"))
        try:
            await live.run_adapters()
            async with (
                aiohttp.ClientSession() as session,
                session.get(
                    server.url + "/api/state", headers={"Authorization": f"Bearer {token}"}
                ) as answer,
            ):
                return answer.status
        finally:
            await server.stop()
            await live.close()

    assert asyncio.run(run()) == 503
    assert any("token file" in text for text in said), said


async def test_an_undo_while_the_token_file_is_unreadable_keeps_its_place(tmp_path) -> None:
    """An attached host's `u` answered 503 (the show could not check the token): the show did
    nothing, so the undo stays on the console's `u` (`retry`) instead of being used up."""
    served = await serve(tmp_path)
    await served.played()
    host = RemoteShow(served.url, served.tokens["hana"])
    await host.connect()
    try:
        ben = served.live.find_comment("twitch", "m2")
        assert ben is not None
        done = await host.answer(ben)
        assert done.ok, done
        kept = break_token_file()
        try:
            result = await host.undo(done.key)
        finally:
            restore_token_file(kept)
        assert not result.ok and result.retry, result
    finally:
        await host.close()
        await served.close()
