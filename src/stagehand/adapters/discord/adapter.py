"""`DiscordAdapter`: the Discord connection for one show, on the caller's event loop.

discord.py is started with `await client.start(token)` (never `run()`, which would own the loop
and logging). discord.py resumes dropped gateway sessions itself; this class handles what it
gives up on: a failed login or network trouble before the gateway (retried with backoff), and
the settings a user must fix (reported once, clearly, and not retried).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import OrderedDict
from collections.abc import Iterable, Sequence

import aiohttp
import discord

from stagehand.adapters.discord import actions, normalize, slash
from stagehand.adapters.discord.client import StagehandClient, point_at
from stagehand.adapters.discord.credentials import bot_token
from stagehand.config.discord import DiscordSettings
from stagehand.domain import Author, Comment, ModerationKind
from stagehand.platform import ActionResult, Adapter, AdapterSink, ConnectionState
from stagehand.tokens import TokenStore

log = logging.getLogger(__name__)

RETRY_DELAYS = (1.0, 2.0, 5.0, 10.0, 30.0)
REMEMBERED_INTERACTIONS = 500
PORTAL = "https://discord.com/developers/applications"
GATEWAY_AUTH_FAILED = 4004
TOKEN_REFUSED = (
    "Discord refused the bot token: copy a new one from the developer portal "
    "(Bot -> Reset Token) into `stagehand auth discord`"
)


def intent_message(application_id: int | None) -> str:
    where = f"{PORTAL}/{application_id}/bot" if application_id else f"{PORTAL} -> your app -> Bot"
    return (
        "Discord refused the Message Content intent: enable Message Content Intent under "
        f"Privileged Gateway Intents at {where}, save, then restart stagehand"
    )


class DiscordAdapter(Adapter):
    platform = "discord"

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
        self.retry_delays = tuple(retry_delays) or RETRY_DELAYS
        self.client: StagehandClient | None = None
        self._sink: AdapterSink | None = None
        self._closing = asyncio.Event()
        self._interactions: OrderedDict[str, discord.Interaction] = OrderedDict()

    def set_slash_commands(self, specs: Iterable[tuple]) -> None:
        """The chat commands to offer as slash commands; takes effect at the next connection."""
        self.specs = slash.as_specs(specs)

    # --- the connection ---------------------------------------------------------------------

    async def run(self, sink: AdapterSink) -> None:
        """Connect and deliver until `close`; one run per adapter instance."""
        self._sink = sink
        token, _source = bot_token(self.settings, self.tokens)
        if token is None:
            return self._fail(
                sink,
                "no bot token: set STAGEHAND_DISCORD_TOKEN or run `stagehand auth discord`",
            )
        if self.settings.guild_id is None:
            return self._fail(sink, "set [discord] guild_id to the server the show runs in")
        point_at(self.settings.api_url, self.settings.gateway_url)
        attempt = 0
        while not self._closing.is_set():
            client = StagehandClient(
                self.settings,
                sink,
                specs=self.specs,
                command_prefix=self.command_prefix,
                guild_ready_timeout=self.guild_ready_timeout,
                on_command=self._command_used,
            )
            self.client = client
            state = ConnectionState.CONNECTING if attempt == 0 else ConnectionState.RECONNECTING
            sink.connection_changed(self.platform, state, "")
            fatal = ""
            try:
                await client.start(token.get_secret_value())
            except discord.PrivilegedIntentsRequired:
                fatal = intent_message(client.application_id)
            except discord.LoginFailure:
                fatal = TOKEN_REFUSED
            except discord.ConnectionClosed as exc:
                if exc.code == GATEWAY_AUTH_FAILED:
                    fatal = TOKEN_REFUSED
                why = normalize_error(exc)
                log.warning("discord: connection failed: %s", why)
            except (discord.DiscordException, aiohttp.ClientError, OSError, TimeoutError) as exc:
                why = normalize_error(exc)
                log.warning("discord: connection failed: %s", why)
            except Exception:
                why = "unexpected error (see the log)"
                log.exception("discord: the client stopped")
            else:
                why = "the client stopped"
            finally:
                # Closed before reporting, so its own late "disconnect" event stays quiet.
                if not client.is_closed():
                    await client.close()
            if fatal:
                return self._fail(sink, fatal)
            if self._closing.is_set():
                break
            if client.was_ready:
                attempt = 0  # it worked for a while: start the backoff afresh
            delay = self.retry_delays[min(attempt, len(self.retry_delays) - 1)]
            attempt += 1
            sink.connection_changed(
                self.platform, ConnectionState.RECONNECTING, f"{why}; retrying in {delay:g} s"
            )
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), delay)
        sink.connection_changed(self.platform, ConnectionState.DISCONNECTED, "")

    def _fail(self, sink: AdapterSink, detail: str) -> None:
        log.error("discord: %s", detail)
        sink.connection_changed(self.platform, ConnectionState.FAILED, detail)

    async def close(self) -> None:
        self._closing.set()
        if self.client is not None and not self.client.is_closed():
            await self.client.close()

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
            log.warning("discord: could not acknowledge /%s: %s", name, normalize_error(exc))
        self._sink.comment_received(comment)

    # --- actions ----------------------------------------------------------------------------

    def _connected(self) -> StagehandClient | None:
        client = self.client
        if client is None or client.is_closed() or not client.is_ready():
            return None
        return client

    async def send(self, text: str) -> ActionResult:
        if (client := self._connected()) is None:
            return _not_connected()
        return await actions.send(client, text)

    async def reply(self, comment: Comment, text: str) -> ActionResult:
        if (client := self._connected()) is None:
            return _not_connected()
        return await actions.reply(client, comment, text, self._interactions.get(comment.id))

    async def invite_to_stage(self, author: Author, comment: Comment | None) -> ActionResult:
        if (client := self._connected()) is None:
            return _not_connected()
        return await actions.invite_to_stage(client, author, self.guest_link)

    async def end_stage(self, author: Author) -> ActionResult:
        if (client := self._connected()) is None:
            return _not_connected()
        return await actions.end_stage(client, author)

    async def moderate(
        self,
        comment: Comment,
        kind: ModerationKind,
        *,
        duration_seconds: int | None = None,
        reason: str = "",
    ) -> ActionResult:
        if (client := self._connected()) is None:
            return _not_connected()
        return await actions.moderate(client, comment, kind, duration_seconds, reason)

    async def unban(
        self, author: Author, kind: ModerationKind = ModerationKind.BAN
    ) -> ActionResult:
        if (client := self._connected()) is None:
            return _not_connected()
        return await actions.unban(client, author, kind)


def _not_connected() -> ActionResult:
    return ActionResult.failed("discord: not connected")


def normalize_error(exc: Exception) -> str:
    from stagehand.adapters.discord.reasons import explain

    if isinstance(exc, discord.ConnectionClosed):
        return f"the gateway closed the connection (code {exc.code})"
    return explain(exc)
