"""A fake OBS Studio: obs-websocket 5 on 127.0.0.1, as its protocol reference describes it
(obsproject/obs-websocket, docs/generated/protocol.md), with a few scenes and sources.

The handshake is the real one: Hello (op 0) with an authentication challenge and salt when a
password is set; Identify (op 1) checked against base64(sha256(base64(sha256(password + salt))
+ challenge)), computed here from the reference, not from the client's code; a wrong one closes
the connection with 4009 (AuthenticationFailed), a message before Identify with 4007
(NotIdentified); then Identified (op 2). Requests (op 6) get RequestResponse (op 7) with
requestStatus codes from the reference (100 Success, 204 UnknownRequestType, 600
ResourceNotFound). `requests` keeps every request in order, so tests assert on what OBS was
asked.

`hangs` makes it an OBS (or something else on its port) that accepts the connection and then
never answers: `"upgrade"` reads the HTTP upgrade request and never replies to it, `"hello"`
completes the WebSocket upgrade and never says Hello. `connections` counts connections made.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import WSCloseCode, WSMsgType, web

SUCCESS, UNKNOWN_REQUEST_TYPE, RESOURCE_NOT_FOUND = 100, 204, 600
NOT_IDENTIFIED, AUTHENTICATION_FAILED = 4007, 4009


@dataclass
class FakeObs:
    password: str | None = "hunter2-obs"
    #: scene name -> {source name: (scene item id, enabled)}
    scenes: dict[str, dict[str, list[Any]]] = field(
        default_factory=lambda: {
            "Main": {"Camera": [1, True], "Guest cam": [7, False]},
            "Interview": {"Camera": [1, True], "Guest cam": [3, True]},
        }
    )
    program: str = "Main"
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    refused_logins: int = 0
    url: str = ""
    hangs: Literal["", "upgrade", "hello"] = ""
    connections: int = 0
    _release: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> FakeObs:
        app = web.Application()
        app.router.add_get("/", self._socket)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"ws://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        self._release.set()  # hanging handlers end, so the server can stop
        await self._runner.cleanup()

    def enabled(self, scene: str, source: str) -> bool:
        return bool(self.scenes[scene][source][1])

    async def _socket(self, request: web.Request) -> web.StreamResponse:
        self.connections += 1
        ws = web.WebSocketResponse(protocols=("obswebsocket.json",))
        if self.hangs == "upgrade":
            await self._release.wait()
            return web.Response(status=503)
        await ws.prepare(request)
        if self.hangs == "hello":
            await self._release.wait()
            await ws.close()
            return ws
        hello: dict[str, Any] = {"obsWebSocketVersion": "5.5.2", "rpcVersion": 1}
        salt = challenge = ""
        if self.password:
            salt = base64.b64encode(secrets.token_bytes(32)).decode()
            challenge = base64.b64encode(secrets.token_bytes(32)).decode()
            hello["authentication"] = {"challenge": challenge, "salt": salt}
        await ws.send_json({"op": 0, "d": hello})
        identified = False
        async for message in ws:
            if message.type != WSMsgType.TEXT:
                continue
            data = message.json()
            op, body = data.get("op"), data.get("d") or {}
            if not identified:
                if op != 1:
                    await ws.close(code=NOT_IDENTIFIED, message=b"Not identified.")
                    break
                if self.password and body.get("authentication") != _expected(
                    self.password, salt, challenge
                ):
                    self.refused_logins += 1
                    await ws.close(code=AUTHENTICATION_FAILED, message=b"Authentication failed.")
                    break
                identified = True
                await ws.send_json({"op": 2, "d": {"negotiatedRpcVersion": 1}})
            elif op == 6:
                await ws.send_json({"op": 7, "d": self._answer(body)})
        if not ws.closed:
            await ws.close(code=WSCloseCode.GOING_AWAY)
        return ws

    def _answer(self, body: dict[str, Any]) -> dict[str, Any]:
        kind, data = body.get("requestType", ""), body.get("requestData") or {}
        self.requests.append((kind, data))
        answer: dict[str, Any] = {"requestType": kind, "requestId": body.get("requestId")}
        status, response = self._do(kind, data)
        answer["requestStatus"] = status
        if response is not None:
            answer["responseData"] = response
        return answer

    def _do(self, kind: str, data: dict[str, Any]) -> tuple[dict[str, Any], dict | None]:
        ok = {"result": True, "code": SUCCESS}
        if kind == "GetCurrentProgramScene":
            return ok, {"currentProgramSceneName": self.program, "sceneName": self.program}
        if kind == "SetCurrentProgramScene":
            scene = data.get("sceneName")
            if scene not in self.scenes:
                return _missing(f"No source was found by the name of `{scene}`."), None
            self.program = scene
            return ok, None
        if kind == "GetSceneItemId":
            items = self.scenes.get(data.get("sceneName", ""))
            if items is None or data.get("sourceName") not in items:
                return _missing(
                    "No scene items were found in the specified scene by that name."
                ), None
            return ok, {"sceneItemId": items[data["sourceName"]][0]}
        if kind == "SetSceneItemEnabled":
            items = self.scenes.get(data.get("sceneName", ""), {})
            for item in items.values():
                if item[0] == data.get("sceneItemId"):
                    item[1] = bool(data.get("sceneItemEnabled"))
                    return ok, None
            return _missing("No scene items were found in the specified scene."), None
        return {
            "result": False,
            "code": UNKNOWN_REQUEST_TYPE,
            "comment": "Your request type is not valid.",
        }, None


def _missing(comment: str) -> dict[str, Any]:
    return {"result": False, "code": RESOURCE_NOT_FOUND, "comment": comment}


def _expected(password: str, salt: str, challenge: str) -> str:
    """The reference's steps: password + salt, SHA-256, base64; + challenge, SHA-256, base64."""
    secret = base64.b64encode(hashlib.sha256((password + salt).encode("utf-8")).digest())
    answer = hashlib.sha256(secret + challenge.encode("utf-8")).digest()
    return base64.b64encode(answer).decode("utf-8")
