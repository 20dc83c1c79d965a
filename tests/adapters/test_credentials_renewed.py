"""A platform whose credentials are refused mid-show comes back once the host does what the
notice says, with no restart: `stagehand auth youtube` (a new authorization in the token file)
or `stagehand auth discord` (a new bot token there), next to the running show. Real adapters
against the project's fake YouTube and fake Discord, a real live show and SQLite file."""

from __future__ import annotations

from pathlib import Path

from adapters.youtube.show import start_show
from fakes.discord_server import FakeDiscord, adapter_settings
from fakes.live_shows import running, until
from fakes.youtube_server import FakeYouTube, store_credentials
from stagehand.adapters.discord.adapter import DiscordAdapter
from stagehand.adapters.discord.credentials import store_bot_token
from stagehand.config import Settings
from stagehand.events import CommentRanked
from stagehand.platform import ConnectionState
from stagehand.session import open_show
from stagehand.tokens import TokenStore

FAILED, CONNECTED = ConnectionState.FAILED.value, ConnectionState.CONNECTED.value


async def test_youtube_reads_on_after_a_new_authorization_is_stored(
    fake_youtube: FakeYouTube, tmp_path: Path
) -> None:
    fake = fake_youtube
    show = await start_show(fake, tmp_path)
    show.adapter.connection.credentials_check_seconds = 0.05
    try:
        fake.say("before the revoke")
        await show.wait_for_comments(1)
        fake.revoke(fake.consent_channel)  # access removed in the Google account
        detail = await show.wait_for_state(FAILED)
        assert "run `stagehand auth youtube`" in detail
        assert "connects again by itself" in detail
        fake.say("anyone reading youtube now?")
        # What `stagehand auth youtube` does: a new authorization in the same token file.
        store_credentials(fake, tmp_path / "tokens.json")
        await show.wait_for(
            lambda: any(c.text == "anyone reading youtube now?" for c in show.comments()), 10
        )
        assert show.states()[-1][0] == CONNECTED
    finally:
        await show.stop()


async def test_discord_connects_again_after_a_new_bot_token_is_stored(tmp_path: Path) -> None:
    tokens = TokenStore(tmp_path / "tokens.json")
    store_bot_token(tokens, "MTEwMDAw.first.bot-token")
    async with FakeDiscord() as fake:
        adapter = DiscordAdapter(
            adapter_settings(fake, token=None),
            tokens,
            guild_ready_timeout=0.05,
            retry_delays=(0.05,),
        )
        adapter.connection.credentials_check_seconds = 0.05
        live = open_show(
            Settings(), db_path=tmp_path / "show.db", adapters=[adapter], commands=False
        )

        def state() -> ConnectionState | None:
            return live.connections.get("discord", (None,))[0]

        async with running(live) as show:
            await until(lambda: state() is ConnectionState.CONNECTED)
            # The token is reset in the developer portal: Discord refuses it from now on.
            fake.identify_close_code = 4004
            fake.fail("GET", r"/users/@me", 401, 0, "401: Unauthorized", times=1000)
            fake.sessions.clear()  # no session to resume: a new login is needed
            await fake.drop_socket()
            await until(lambda: state() is ConnectionState.FAILED, 10)
            failed = live.connections["discord"][1]
            assert "stagehand auth discord" in failed and "connects again by itself" in failed
            # The host stores the new token, as the notice says.
            fake.identify_close_code = None
            fake._failures.clear()
            store_bot_token(tokens, "MTEwMDAw.second.bot-token")
            await until(lambda: state() is ConnectionState.CONNECTED, 10)
            await fake.dispatch("MESSAGE_CREATE", fake.message(content="discord back?"))
            await until(
                lambda: any(
                    isinstance(e, CommentRanked) and e.ranked.comment.text == "discord back?"
                    for e in show.seen
                )
            )
