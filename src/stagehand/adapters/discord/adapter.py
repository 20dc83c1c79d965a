"""`DiscordAdapter`: the Discord connection for one show, on the caller's event loop.

discord.py is started with `await client.start(token)` (never `run()`, which would own the loop
and logging). discord.py resumes dropped gateway sessions itself; the shared `Connection` loop
(adapters/connection.py) handles what it gives up on: a failed login or network trouble before
the gateway (retried with backoff), and the settings a user must fix (reported once, clearly,
and not retried).
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import discord
from pydantic import SecretStr

from stagehand.adapters.connection import (
    Backoff,
    Connection,
    ConnectionRefused,
    CredentialsRefused,
)
from stagehand.adapters.discord import actions, normalize, slash
from stagehand.adapters.discord.client import StagehandClient
from stagehand.adapters.discord.credentials import bot_token
from stagehand.adapters.discord.endpoints import point_library_at
from stagehand.adapters.discord.errors import (
    GATEWAY_AUTH_FAILED,
    TOKEN_REFUSED,
    describe_error,
    explain,
    intent_message,
)
from stagehand.adapters.discord.normalize import PLATFORM
from stagehand.adapters.own_actions import OwnActions
from stagehand.config.discord import DiscordSettings
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.platform import ActionResult, Adapter, AdapterSink
from stagehand.tokens import TokenStore

log = logging.getLogger(__name__)

RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
REMEMBERED_INTERACTIONS = 500


def _usable(client: StagehandClient) -> bool:
    return not client.is_closed() and client.is_ready()


class DiscordAdapter(Adapter):
    platform = PLATFORM

    def __init__(
        self,
        settings: DiscordSettings,
        tokens: TokenStore,
        *,
        guest_link: str = "",
        slash_commands: Iterable[tuple] = (),
        command_prefix: str = "!",
        guild_ready_timeout: float = 2.0,
        retry_delays: Sequence[float] = RETRY_DELAYS,
    ) -> None:
        self.settings = settings
        self.tokens = tokens
        self.guest_link = guest_link
        self.specs = slash.as_specs(slash_commands)
        self.command_prefix = command_prefix
        self.guild_ready_timeout = guild_ready_timeout
        #: The client of the current attempt; actions act through it while it is ready.
        self.connection: Connection[StagehandClient] = Connection(
            PLATFORM,
            backoff=Backoff(tuple(retry_delays) or RETRY_DELAYS),
            not_connected="discord: not connected",
            usable=_usable,
        )
        self._sink: AdapterSink | None = None
        self._interactions: OrderedDict[str, discord.Interaction] = OrderedDict()
        #: Config problems said already: each once per run, not at every new session.
        self._warned: set[str] = set()
        #: The bans stagehand makes and lifts, which Discord announces back (not logged twice).
        self.own_bans = OwnActions()
        self.own_unbans = OwnActions()

    @property
    def client(self) -> StagehandClient | None:
        return self.connection.link

    def set_slash_commands(self, specs: Iterable[tuple]) -> None:
        """The chat commands to offer as slash commands; takes effect at the next connection."""
        self.specs = slash.as_specs(specs)

    # --- the connection ---------------------------------------------------------------------

    async def run(self, sink: AdapterSink) -> None:
        """Connect and deliver until `close`; one run per adapter instance."""
        self._sink = sink
        self.connection.attach(sink)
        token, _source = bot_token(self.settings, self.tokens)
        if token is None:
            return self.connection.fail(
                "no bot token: set STAGEHAND_DISCORD_TOKEN or run `stagehand auth discord`"
            )
        if self.settings.guild_id is None:
            return self.connection.fail("set [discord] guild_id to the server the show runs in")
        point_library_at(self.settings)
        await self.connection.keep(sink, lambda: self._connect(sink), describe_error)

    async def _connect(self, sink: AdapterSink) -> None:
        """One gateway session with a new client, until it is closed or fails. The token is
        read again for each: one stored by `stagehand auth discord` during the show is used."""
        token, source = bot_token(self.settings, self.tokens)
        if token is None:
            raise ConnectionRefused(
                "no bot token: set STAGEHAND_DISCORD_TOKEN or run `stagehand auth discord`"
            )
        client = StagehandClient(
            self.settings,
            sink,
            report=self.connection.report,
            warn=self._warn,
            specs=self.specs,
            command_prefix=self.command_prefix,
            guild_ready_timeout=self.guild_ready_timeout,
            on_command=self._command_used,
            own_bans=self.own_bans,
            own_unbans=self.own_unbans,
        )
        self.connection.link = client
        try:
            await client.start(token.get_secret_value())
        except discord.PrivilegedIntentsRequired:
            raise ConnectionRefused(intent_message(client.application_id)) from None
        except discord.LoginFailure:
            raise self._token_refused(token, source) from None
        except discord.ConnectionClosed as exc:
            if exc.code == GATEWAY_AUTH_FAILED:
                raise self._token_refused(token, source) from None
            raise
        finally:
            # Closed before reporting, so its own late "disconnect" event stays quiet.
            if not client.is_closed():
                await client.close()

    def _token_refused(self, token: SecretStr, source: str) -> ConnectionRefused:
        """Discord refused `token`. One from the token store: the Discord side connects again
        once another is stored there. One from the config or the environment wins over the
        store, so storing another would change nothing: the host is told what to change."""
        if source.startswith("token store"):

            def renewed() -> bool:
                now, _ = bot_token(self.settings, self.tokens)
                return now is not None and now.get_secret_value() != token.get_secret_value()

            return CredentialsRefused(TOKEN_REFUSED, renewed)
        if not self.connection.ever_connected:
            return ConnectionRefused(TOKEN_REFUSED)
        return ConnectionRefused(
            "Discord refused the bot token from [discord] token or STAGEHAND_DISCORD_TOKEN: "
            "put a new one from the developer portal (Bot -> Reset Token) there, then quit "
            "(q) and run `stagehand run` again: the show resumes"
        )

    def _warn(self, problem: str) -> None:
        if problem not in self._warned:
            self._warned.add(problem)
            self.connection.notice(problem)

    async def close(self) -> None:
        self.connection.close()
        client = self.connection.link
        if client is not None and not client.is_closed():
            await client.close()

    # --- slash commands ---------------------------------------------------------------------

    async def _command_used(
        self, interaction: discord.Interaction, name: str, text: str | None
    ) -> None:
        client = self.client
        if client is None or self._sink is None:
            return
        comment = normalize.comment_from_command(
            interaction, name, text, self.command_prefix, client.map_roles
        )
        if interaction.channel_id is not None:
            client.remember(comment.id, interaction.channel_id)
        self._interactions[comment.id] = interaction
        while len(self._interactions) > REMEMBERED_INTERACTIONS:
            self._interactions.popitem(last=False)
        # Discord wants an answer within 3 s; the show's answer (if any) comes as a follow-up.
        typed = f"/{name} {text.strip()}" if text and text.strip() else f"/{name}"
        try:
            await interaction.response.send_message(
                f"Sent to the show: {typed}"[:2000],
                ephemeral=True,
                allowed_mentions=actions.NO_MENTIONS,
            )
        except (discord.DiscordException, OSError) as exc:
            log.warning("discord: could not acknowledge /%s: %s", name, explain(exc))
        self._sink.comment_received(comment)

    # --- actions ----------------------------------------------------------------------------

    async def send(self, text: str) -> ActionResult:
        if (client := self.connection.ready()) is None:
            return self.connection.not_connected()
        return await actions.send(client, text)

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        if (client := self.connection.ready()) is None:
            return self.connection.not_connected()
        return await actions.reply(client, comment, text, self._interactions.get(comment.id))

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        if (client := self.connection.ready()) is None:
            return self.connection.not_connected()
        return await actions.invite_to_stage(client, author, self.guest_link)

    async def end_stage(self, author: Author) -> ActionResult:
        if (client := self.connection.ready()) is None:
            return self.connection.not_connected()
        return await actions.end_stage(client, author)

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        if (client := self.connection.ready()) is None:
            return self.connection.not_connected()
        banning = kind is ModerationKind.BAN
        if banning:
            self.own_bans.making(comment.author.id)  # Discord announces it back: not twice
        result = await actions.moderate(client, comment, kind, duration_seconds, reason)
        if banning and not result.ok:
            self.own_bans.failed(comment.author.id)
        return result

    async def unban(
        self, author: Author, kind: ModerationKind = ModerationKind.BAN
    ) -> ActionResult:
        if (client := self.connection.ready()) is None:
            return self.connection.not_connected()
        lifting_ban = kind is ModerationKind.BAN
        if lifting_ban:
            self.own_unbans.making(author.id)  # Discord announces it back: not twice
        result = await actions.unban(client, author, kind)
        if lifting_ban and not result.ok:
            self.own_unbans.failed(author.id)
        return result
