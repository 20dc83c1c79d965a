"""The twitchio `Client` stagehand runs: tokens from our store, chat to a callback.

What differs from a stock `twitchio.Client`:
- tokens come from and go back to `stagehand.tokens.TokenStore`; twitchio's default
  `.tio.tokens.json` in the working directory (authentication/tokens.py:347) is never written;
- a stored token Twitch refuses is told apart from Twitch failing to answer while checking or
  refreshing it, which twitchio reports alike as an invalid token (`load_tokens`);
- every EventSub socket twitchio ever registers is remembered (`SocketIndex`), because
  twitchio 3.3.2 drops the socket it moved to after a `session_reconnect` from its own
  registry when Twitch keeps the session id (eventsub/websockets.py:295 registers the new
  socket under the id, then the old socket's `_cleanup`, line 503, pops that same key);
- a socket whose reader died on a malformed frame is given a new reader: twitchio reads
  `data["metadata"]` outside its try block (eventsub/websockets.py:387), so a frame
  without it ends the reader while the socket stays open, and only the 15-25 s keepalive
  timeout would notice;
- a notification twitchio cannot read (an event missing a key it reads) is one warning line
  naming the subscription type and the message id (`GuardedWebsocket`), not twitchio's
  CRITICAL line and traceback.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

import aiohttp
import twitchio
from twitchio.eventsub.websockets import Websocket
from twitchio.exceptions import HTTPException, InvalidTokenException

from stagehand.adapters.twitch.credentials import AccountToken
from stagehand.adapters.twitch.errors import (
    TOKEN_REFUSALS,
    TwitchLoginUnavailable,
    TwitchTokenRefused,
    app_refused,
    login_failure,
)
from stagehand.config.twitch import TwitchSettings
from stagehand.logs import register_secrets

log = logging.getLogger(__name__)


class GuardedWebsocket(Websocket):
    """twitchio's EventSub socket, saying in one line what it skipped when a notification
    cannot be read (a `channel.chat.message` without `chatter_user_id`, `message` null).

    twitchio 3.3.2 catches the failure itself (eventsub/websockets.py:416) but logs it as
    CRITICAL "Caught an unknown exception while proccessing a websocket 'notification' event"
    with a traceback and no word of which message: the host reads that on the terminal."""

    __slots__ = ()

    async def _process_notification(self, data: Any) -> None:
        try:
            await super()._process_notification(data)
        except Exception as exc:
            log.warning(
                "twitch: skipped a malformed %s notification%s (%s); reading goes on",
                *_what_was_skipped(data),
                type(exc).__name__,
            )
            log.debug("twitch: the malformed notification's error", exc_info=True)


def _what_was_skipped(data: Any) -> tuple[str, str]:
    """The notification's subscription type, and " (message <id>)" when it names a message
    (ids are shown quoted: they came off the wire)."""
    metadata = data.get("metadata") if isinstance(data, dict) else None
    payload = data.get("payload") if isinstance(data, dict) else None
    event = payload.get("event") if isinstance(payload, dict) else None
    kind = metadata.get("subscription_type") if isinstance(metadata, dict) else None
    message_id = event.get("message_id") if isinstance(event, dict) else None
    shown_kind = kind if isinstance(kind, str) and kind.isprintable() else "EventSub"
    shown_id = f" (message {str(message_id)[:64]!r})" if message_id else ""
    return shown_kind[:64], shown_id


class _TrackedSockets(dict[str, Websocket]):
    def __init__(self, seen: set[Websocket], initial: dict[str, Websocket] | None = None):
        super().__init__()
        self._seen = seen
        for key, value in (initial or {}).items():
            self[key] = value

    def __setitem__(self, key: str, value: Websocket) -> None:
        if type(value) is Websocket:  # registered once welcomed: before any notification
            value.__class__ = GuardedWebsocket
        self._seen.add(value)
        super().__setitem__(key, value)


class SocketIndex(defaultdict[str, dict[str, Websocket]]):
    """twitchio's `_websockets` mapping, remembering every socket stored in it."""

    def __init__(self) -> None:
        self.seen: set[Websocket] = set()  # Websocket has __slots__: no weak refs
        super().__init__(lambda: _TrackedSockets(self.seen))

    def __setitem__(self, key: str, value: dict[str, Websocket]) -> None:
        super().__setitem__(key, _TrackedSockets(self.seen, value))

    def open_sockets(self) -> list[Websocket]:
        """Sockets twitchio has not closed for good (connected or reconnecting)."""
        self.seen.difference_update([s for s in self.seen if s._closed])
        return list(self.seen)


def socket_connected(socket: Websocket) -> bool:
    """Open and welcomed (twitchio clears `_ready` while it reconnects)."""
    return socket.connected and socket._ready.is_set()


def reads_chat(sockets: Iterable[Websocket]) -> bool:
    """Whether a welcomed socket carries the chat subscription. After a reconnect twitchio
    subscribes again one by one and drops any Twitch refused: a socket that kept only the
    deletions would stay open, and chat would be lost without a word."""
    for socket in sockets:
        if not socket_connected(socket):
            continue
        for sub in socket._subscriptions.values():
            kind = sub["type"]
            if getattr(kind, "value", kind) == "channel.chat.message":
                return True
    return False


def revive_reader(socket: Websocket) -> BaseException | None:
    """Restart a socket's reader that died on a bad frame; returns what killed it."""
    task = socket._listen_task
    if task is None or not task.done() or task.cancelled() or not socket.connected:
        return None
    error = task.exception()
    if error is None:  # ended on purpose (socket closing): twitchio reconnects by itself
        return None
    socket._listen_task = asyncio.create_task(socket._listen())
    return error


TokenSaver = Callable[[str, str, str, int | None], None]


class ChatClient(twitchio.Client):
    """A twitchio client wired to stagehand's token store and comment callback."""

    def __init__(
        self,
        *,
        client_id: str,
        client_secret: str,
        settings: TwitchSettings,
        bot_id: str,
        accounts: list[AccountToken],
        on_chat_message: Callable[[Any], None],
        on_token: TokenSaver,
        on_refused: Callable[[str, str], None] = lambda user_id, login: None,
        on_ban: Callable[[Any], None] = lambda payload: None,
        on_unban: Callable[[Any], None] = lambda payload: None,
        on_message_delete: Callable[[Any], None] = lambda payload: None,
        on_chat_clear: Callable[[Any], None] = lambda payload: None,
    ) -> None:
        super().__init__(
            client_id=client_id,
            client_secret=client_secret,
            bot_id=bot_id,
            fetch_client_user=False,
        )
        self._settings = settings
        self._websockets = SocketIndex()
        self._accounts = accounts
        #: Whose each refresh token is: the stored ones, then each one a refresh hands over.
        self._refresh_owners = {a.refresh_token: a.user_id for a in accounts if a.refresh_token}
        #: The access token last handed to the store, per user id.
        self._handed_over: dict[str, str] = {}
        self._on_chat_message = on_chat_message
        #: Moderation done in Twitch's own chat (EventSub channel.ban, channel.unban,
        #: channel.chat.message_delete, channel.chat.clear).
        self._on_ban = on_ban
        self._on_unban = on_unban
        self._on_message_delete = on_message_delete
        self._on_chat_clear = on_chat_clear
        self._on_token = on_token
        #: Told (user id, login) when Twitch refuses to refresh an account's token.
        self._on_refused = on_refused
        self._logins = {a.user_id: a.login for a in accounts}
        self._mask_app_tokens()
        self._store_refreshes_at_once()

    def _mask_app_tokens(self) -> None:
        """Register each app token twitchio obtains (at login, and again after a 401) as a secret;
        a refusal of the app's client id or secret becomes `TwitchAuthError` with the fix.

        twitchio keeps it in its HTTP client and fetches it with `client_credentials_token`
        (client.py:658 at login, authentication/tokens.py:215 after a 401): the one place to see
        every new one. A refusal there is final (twitchio would report it as a plain HTTP error,
        and the session would be tried again and again); a 5xx stays an HTTP error, retried.
        """
        http = self._http
        fetch = http.client_credentials_token

        async def client_credentials_token(*args: Any, **kwargs: Any) -> Any:
            try:
                payload = await fetch(*args, **kwargs)
            except HTTPException as exc:
                if (refused := app_refused(exc, self._settings)) is not None:
                    # The error's text quotes the request, client secret and all: not kept.
                    raise refused from None
                raise
            register_secrets([payload.access_token])
            return payload

        http.client_credentials_token = client_credentials_token  # type: ignore[method-assign]

    def _store_refreshes_at_once(self) -> None:
        """Store a token twitchio refreshes while adding it as soon as Twitch hands it over.

        twitchio checks the new token (`/oauth2/validate`) before it announces it
        (authentication/tokens.py:120-139); when Twitch fails to answer that check, the new
        token would be lost with the session, and the next session would try the old refresh
        token, which the refresh may have used up. Every refresh goes through here (at login,
        after a 401, in twitchio's hourly check), each with the refresh token the one before
        handed over: the owner of each is followed from one to the next. A refresh Twitch
        refuses (the account disconnected stagehand) is `TwitchTokenRefused`, naming whose
        token it was, and `on_refused` hears of it.
        """
        oauth = getattr(self._http, "_ManagedHTTPClient__isolated", None)  # twitchio's own
        if oauth is None:
            return
        fetch = oauth.refresh_token

        async def refresh_token(refresh: str, /) -> Any:
            try:
                payload = await fetch(refresh)
            except HTTPException as exc:
                user_id = self._refresh_owners.get(refresh)
                if exc.status not in TOKEN_REFUSALS or user_id is None:
                    raise
                # Revoked: every action as this account fails alike until it authorizes again.
                login = self._logins.get(user_id) or user_id
                self._on_refused(user_id, login)
                raise TwitchTokenRefused(login, exc) from None
            register_secrets([payload.access_token, payload.refresh_token])
            user_id = self._refresh_owners.pop(refresh, None)
            if user_id is not None:
                self._refresh_owners[payload.refresh_token] = user_id
                self._hand_over(
                    user_id, payload.access_token, payload.refresh_token, payload.expires_in
                )
            return payload

        oauth.refresh_token = refresh_token

    def _hand_over(self, user_id: str, access: str, refresh: str, expires_in: int | None) -> None:
        self._handed_over[user_id] = access
        self._on_token(user_id, access, refresh, expires_in)

    @property
    def sockets(self) -> SocketIndex:
        return self._websockets  # type: ignore[return-value]

    async def load_tokens(self, path: str | None = None, /) -> None:
        """Add the stored user tokens (twitchio validates them, refreshing where needed).

        A token Twitch refuses stops with the fix (`TwitchAuthError`); Twitch failing to answer
        (a 5xx, a 429, no network) is `TwitchLoginUnavailable`, and the session is tried again.
        """
        for account in self._accounts:
            try:
                await self.add_token(account.access_token, account.refresh_token)
            except InvalidTokenException as exc:
                # Its message quotes the token: replace it, and drop the chain that holds it.
                raise login_failure(exc, account.login or account.user_id) from None
            except (aiohttp.ClientError, TimeoutError) as exc:
                raise TwitchLoginUnavailable(
                    f"could not reach Twitch's login service ({type(exc).__name__}) while "
                    f"checking {account.login or account.user_id}'s token"
                ) from None
        for user_id, data in self.tokens.items():
            self._on_token(user_id, data["token"], data["refresh"], None)

    async def save_tokens(self, path: str | None = None, /) -> None:
        """Hand the current tokens back to the store (never to a file of twitchio's)."""
        for user_id, data in self.tokens.items():
            self._on_token(user_id, data["token"], data["refresh"], None)

    async def event_token_refreshed(self, payload: twitchio.TokenRefreshedPayload) -> None:
        """twitchio announcing a refresh: stored already when Twitch handed the token over
        (`_store_refreshes_at_once`), unless that refresh was not seen there."""
        register_secrets([payload.token, payload.refresh_token])
        if self._handed_over.get(payload.user_id) == payload.token:
            return
        self._refresh_owners[payload.refresh_token] = payload.user_id
        self._hand_over(payload.user_id, payload.token, payload.refresh_token, payload.expires_in)

    async def event_message(self, payload: twitchio.ChatMessage) -> None:
        self._on_chat_message(payload)

    async def event_ban(self, payload: twitchio.ChannelBan) -> None:
        self._on_ban(payload)

    async def event_unban(self, payload: twitchio.ChannelUnban) -> None:
        self._on_unban(payload)

    async def event_message_delete(self, payload: twitchio.ChatMessageDelete) -> None:
        self._on_message_delete(payload)

    async def event_chat_clear(self, payload: twitchio.ChannelChatClear) -> None:
        self._on_chat_clear(payload)

    async def close_all_sockets(self) -> None:
        """Close the sockets twitchio's own `close` may have lost track of."""
        for socket in self.sockets.open_sockets():
            try:
                await socket.close()
            except Exception:  # closing is best effort; the process may be exiting
                log.debug("ignored an error while closing an EventSub socket", exc_info=True)
