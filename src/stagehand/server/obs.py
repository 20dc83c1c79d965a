"""OBS Studio follows the stage: a small obs-websocket (v5) client, and the listener that uses it.

With `[obs] enabled`, bringing a guest on stage switches OBS to `[obs] stage_scene` and/or shows
`[obs] stage_source`; when the stage is empty again it switches back to `show_scene` and hides
the source. Our own client on aiohttp (already a dependency) rather than a library: the few
requests needed fit in a page, and it keeps GPL code out (obsws-python is GPL; docs/decisions.md).

The protocol (obs-websocket 5, `docs/generated/protocol.md` in obsproject/obs-websocket): the
server says Hello (op 0) with an authentication challenge and salt when a password is set; the
client answers Identify (op 1) with base64(sha256(base64(sha256(password + salt)) + challenge));
the server answers Identified (op 2), or closes with 4009 when the password is wrong. Then
Request (op 6) and RequestResponse (op 7), matched by requestId.

OBS never holds up the show: the listener only notes what the stage should look like, and one
task of its own brings OBS there (the latest wish wins), telling the hosts when OBS says no.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import hashlib
import logging
import uuid
from typing import Any

import aiohttp

from stagehand.config import Settings
from stagehand.config.obs import ObsSettings
from stagehand.events import CoreEvent, StageChanged
from stagehand.platform import DoctorCheck
from stagehand.show.live import LiveShow

log = logging.getLogger(__name__)

#: The RPC version this client speaks.
RPC_VERSION = 1
#: WebSocketCloseCode::AuthenticationFailed.
AUTHENTICATION_FAILED = 4009


class ObsError(Exception):
    """OBS could not be reached, refused the password, or refused a request (the message says
    which, in words a host can act on)."""


def auth_response(password: str, salt: str, challenge: str) -> str:
    """The `authentication` string of Identify (protocol.md, "Creating an authentication string")."""
    secret = base64.b64encode(hashlib.sha256((password + salt).encode()).digest()).decode()
    return base64.b64encode(hashlib.sha256((secret + challenge).encode()).digest()).decode()


class ObsClient:
    """One identified connection to obs-websocket, and requests over it."""

    def __init__(self, url: str, password: str | None, *, timeout: float = 5.0) -> None:
        self.url = url
        self.password = password
        self.timeout = timeout
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    @property
    def connected(self) -> bool:
        return self._ws is not None and not self._ws.closed

    async def connect(self) -> None:
        """Connect and identify (ObsError with the reason when OBS cannot be used).

        The whole handshake (TCP, the WebSocket upgrade, Hello, Identify, Identified) gets
        `timeout` seconds: a peer that accepts and never answers (not OBS, or OBS hung) is given
        up on then, not after aiohttp's own five minutes."""
        await self.close()
        self._session = aiohttp.ClientSession()
        try:
            async with asyncio.timeout(self.timeout):
                await self._handshake(self._session)
        except TimeoutError:
            await self.close()
            raise ObsError(
                f"OBS did not answer at {self.url} within {self.timeout:g} s"
                " ([obs] timeout_seconds): is that OBS's WebSocket server, and is OBS responding?"
            ) from None
        except (aiohttp.ClientError, OSError) as exc:
            await self.close()
            log.debug("OBS at %s: %r", self.url, exc)
            raise ObsError(
                f"OBS is not reachable at {self.url}: is OBS running with its WebSocket server "
                "on (Tools → WebSocket Server Settings), at that address?"
            ) from None
        except ObsError:
            await self.close()
            raise
        except (KeyError, TypeError, AttributeError):  # a Hello without OBS's fields
            await self.close()
            raise ObsError(
                f"{self.url} answered, but not as obs-websocket does: is that OBS's WebSocket "
                "server (Tools → WebSocket Server Settings)?"
            ) from None

    async def _handshake(self, session: aiohttp.ClientSession) -> None:
        self._ws = await session.ws_connect(
            self.url,
            protocols=("obswebsocket.json",),
            timeout=aiohttp.ClientWSTimeout(ws_close=self.timeout),
        )
        hello = await self._receive(op=0)
        identify: dict[str, Any] = {"rpcVersion": RPC_VERSION, "eventSubscriptions": 0}
        challenge = hello.get("authentication")
        if challenge:
            if not self.password:
                raise ObsError(
                    "OBS asks for a password: set [obs] password (or STAGEHAND_OBS_PASSWORD)"
                )
            identify["authentication"] = auth_response(
                self.password, challenge["salt"], challenge["challenge"]
            )
        await self._ws.send_json({"op": 1, "d": identify})
        await self._receive(op=2)

    async def _receive(self, *, op: int) -> dict[str, Any]:
        assert self._ws is not None
        while True:
            message = await self._ws.receive(timeout=self.timeout)
            if message.type in (
                aiohttp.WSMsgType.CLOSE,
                aiohttp.WSMsgType.CLOSED,
                aiohttp.WSMsgType.CLOSING,
            ):
                code = self._ws.close_code
                if code == AUTHENTICATION_FAILED:
                    raise ObsError("OBS refused the password: check [obs] password")
                raise ObsError(f"OBS closed the connection (code {code})")
            if message.type != aiohttp.WSMsgType.TEXT:
                continue
            try:
                data = message.json()
            except ValueError:
                data = None
            if not isinstance(data, dict) or not isinstance(data.get("d") or {}, dict):
                raise ObsError(
                    f"{self.url} answered, but not as obs-websocket does: is that OBS's "
                    "WebSocket server (Tools → WebSocket Server Settings)?"
                )
            if data.get("op") == op:
                return data.get("d") or {}
            # Events (op 5) are not subscribed to; anything else before our answer is skipped.

    async def request(self, request_type: str, **data: Any) -> dict[str, Any]:
        """One request; its responseData (ObsError when OBS says no, with its comment)."""
        if not self.connected:
            await self.connect()
        assert self._ws is not None
        request_id = uuid.uuid4().hex
        try:
            await self._ws.send_json(
                {
                    "op": 6,
                    "d": {
                        "requestType": request_type,
                        "requestId": request_id,
                        "requestData": data,
                    },
                }
            )
            while True:
                answer = await self._receive(op=7)
                if answer.get("requestId") == request_id:
                    break
        except (aiohttp.ClientError, OSError, TimeoutError, ConnectionResetError) as exc:
            await self.close()
            raise ObsError(f"OBS stopped answering ({type(exc).__name__})") from None
        status = answer.get("requestStatus") or {}
        if not status.get("result"):
            comment = status.get("comment") or f"code {status.get('code')}"
            raise ObsError(f"OBS refused {request_type}: {comment}")
        return answer.get("responseData") or {}

    async def close(self) -> None:
        if self._ws is not None:
            with contextlib.suppress(Exception):
                await self._ws.close()
            self._ws = None
        if self._session is not None:
            await self._session.close()
            self._session = None


class ObsStage:
    """A show listener that brings OBS to the stage's state: someone on stage, or nobody."""

    def __init__(
        self, live: LiveShow, settings: ObsSettings, client: ObsClient | None = None
    ) -> None:
        self.live = live
        self.settings = settings
        password = settings.password.get_secret_value() if settings.password else None
        self.client = client or ObsClient(settings.url, password, timeout=settings.timeout_seconds)
        self._wanted: bool | None = None
        self._done: bool | None = None
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        #: What OBS was last asked, and what it said (tests and the hosts read it).
        self.last_error: str | None = None

    @classmethod
    def follow(cls, live: LiveShow, settings: ObsSettings) -> ObsStage:
        """Start following `live`'s stage (on the running loop)."""
        stage = cls(live, settings)
        live.add_listener(stage)
        stage._task = asyncio.ensure_future(stage._run())
        return stage

    def __call__(self, event: CoreEvent) -> None:
        if isinstance(event, StageChanged):
            self._wanted = bool(event.on_stage)
            self._wake.set()

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            wanted = self._wanted
            if wanted is None or wanted == self._done:
                continue
            try:
                await self.apply(wanted)
                self._done = wanted
                self.last_error = None
            except ObsError as exc:
                self.last_error = str(exc)
                # The log too, as a platform's notices: headless, that is the terminal (stderr).
                log.warning("OBS: %s", exc)
                self.live.say(f"OBS: {exc}", "warning")

    async def apply(self, on_stage: bool) -> None:
        """Switch scenes and show or hide the source for a stage with (or without) a guest."""
        settings = self.settings
        scene = settings.stage_scene if on_stage else settings.show_scene
        if scene:
            await self.client.request("SetCurrentProgramScene", sceneName=scene)
        if settings.stage_source:
            holder = settings.source_scene
            if not holder:
                current = await self.client.request("GetCurrentProgramScene")
                holder = str(current.get("currentProgramSceneName", ""))
            found = await self.client.request(
                "GetSceneItemId", sceneName=holder, sourceName=settings.stage_source
            )
            item = found.get("sceneItemId")
            if not isinstance(item, int):
                raise ObsError(f"OBS did not say where {settings.stage_source!r} is in {holder!r}")
            await self.client.request(
                "SetSceneItemEnabled", sceneName=holder, sceneItemId=item, sceneItemEnabled=on_stage
            )

    async def close(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
        await self.client.close()


def doctor_checks(settings: Settings, online: bool) -> list[DoctorCheck]:
    """`stagehand doctor`'s OBS line, with `[obs] enabled`: OBS reached and the password taken,
    as the show will when a guest comes on stage (not asked `--offline`)."""
    obs = settings.obs
    if not obs.enabled:
        return []
    if not online:
        return [DoctorCheck("obs", True, f"{obs.url} (not asked: --offline)")]
    password = obs.password.get_secret_value() if obs.password else None

    async def ask() -> str | None:
        client = ObsClient(obs.url, password, timeout=obs.timeout_seconds)
        try:
            await client.connect()
        except ObsError as exc:
            return str(exc)
        finally:
            await client.close()
        return None

    problem = asyncio.run(ask())
    if problem is None:
        return [DoctorCheck("obs", True, f"OBS answers at {obs.url} and takes the password")]
    return [
        DoctorCheck(
            "obs",
            False,
            problem,
            "start OBS with its WebSocket server on, or set [obs] enabled = false (the show goes "
            "on without OBS; only the scene switches are lost)",
        )
    ]
