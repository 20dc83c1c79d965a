"""Just enough of the Chrome DevTools Protocol (over aiohttp) to drive headless Chromium: open a
page, run a line of JavaScript in it, take a screenshot. Debian's `chromium` package; the tests
that need it skip, saying so, where it is absent."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import re
import shutil
from pathlib import Path
from typing import Any

import aiohttp

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
SKIP_REASON = "chromium is not installed (apt-get install -y chromium)"


class Page:
    """One tab of a headless Chromium, driven over its DevTools WebSocket."""

    def __init__(
        self,
        process: asyncio.subprocess.Process,
        session: aiohttp.ClientSession,
        ws: aiohttp.ClientWebSocketResponse,
    ) -> None:
        self.process = process
        self.session = session
        self.ws = ws
        self._ids = itertools.count(1)
        self._answers: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self._loaded = asyncio.Event()
        self._reader = asyncio.ensure_future(self._read())
        self.drain: asyncio.Future[bytes] | None = None

    async def _read(self) -> None:
        async for message in self.ws:
            data = message.json()
            if "id" in data and data["id"] in self._answers:
                self._answers.pop(data["id"]).set_result(data)
            elif data.get("method") == "Page.loadEventFired":
                self._loaded.set()

    async def send(self, method: str, **params: Any) -> dict[str, Any]:
        number = next(self._ids)
        answer = asyncio.get_running_loop().create_future()
        self._answers[number] = answer
        await self.ws.send_json({"id": number, "method": method, "params": params})
        data = await asyncio.wait_for(answer, 30)
        if "error" in data:
            raise RuntimeError(f"{method}: {data['error']}")
        return data.get("result", {})

    async def open(self, url: str, width: int = 1280, height: int = 720) -> None:
        await self.send("Page.enable")
        await self.send(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        # What OBS composites: the page over the video, so its background must stay clear.
        await self.send(
            "Emulation.setDefaultBackgroundColorOverride", color={"r": 0, "g": 0, "b": 0, "a": 0}
        )
        self._loaded.clear()
        await self.send("Page.navigate", url=url)
        await asyncio.wait_for(self._loaded.wait(), 30)

    async def evaluate(self, expression: str) -> Any:
        result = await self.send(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        return result["result"].get("value")

    async def screenshot(self, path: Path) -> Path:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
        return path

    async def close(self) -> None:
        self._reader.cancel()
        await self.ws.close()
        await self.session.close()
        with contextlib.suppress(ProcessLookupError):
            self.process.terminate()
        await self.process.wait()
        if self.drain is not None:
            self.drain.cancel()


async def open_browser(profile: Path) -> Page:
    """Headless Chromium with one blank tab, ready to drive."""
    assert CHROMIUM is not None, SKIP_REASON
    process = await asyncio.create_subprocess_exec(
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--remote-debugging-port=0",
        f"--user-data-dir={profile}",
        "about:blank",
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stderr is not None
    endpoint = None
    while endpoint is None:
        line = await asyncio.wait_for(process.stderr.readline(), 30)
        if not line:
            raise RuntimeError("chromium exited before it listened for DevTools")
        found = re.search(rb"DevTools listening on (ws://[^\s]+)", line)
        if found:
            endpoint = found.group(1).decode()
    # Chromium goes on writing to stderr: drain it, or it would block on a full pipe.
    drain = asyncio.ensure_future(process.stderr.read())
    port = re.search(r":(\d+)/", endpoint).group(1)  # type: ignore[union-attr]
    session = aiohttp.ClientSession()
    async with session.get(f"http://127.0.0.1:{port}/json/list") as response:
        tabs = await response.json()
    page = next(tab for tab in tabs if tab.get("type") == "page")
    ws = await session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0)
    page_ = Page(process, session, ws)
    page_.drain = drain
    return page_
