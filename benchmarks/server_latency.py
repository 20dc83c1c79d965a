"""The show server under load: how fast an action reaches the overlay, and what ten attached
consoles cost a show during a 1,000 comments/s flood.

1. **Action to overlay.** A show with its server; an overlay client on `/overlay/events` (and,
   where Debian's chromium is installed, the real overlay page in headless Chromium). Each round
   posts `feature` for one of two comments (`POST /api/actions`) and times it until the overlay
   has the new comment: the WebSocket message arriving, and the page having drawn it (the page
   stamps `data-updated` with the wall clock when it renders). Baseline in the same run: the
   plain round trip of `GET /api/state?limit=1`. Measured on a quiet show, then during the flood.
2. **Fan-out.** Real Twitch chat (../shared/data, looped with fresh ids; generated chat without
   it) replayed at 1,000 comments/s into the show, first with no client (the baseline), then with
   10 `RemoteShow` consoles (what `stagehand attach` runs: decoding every event and keeping the
   mirror) in a separate process, as they would be on other machines. For each: the rate the show
   kept, its loop's lag (a 10 ms ticker), each comment from published to committed by the store
   writer, the show process's CPU, and for the clients each event from published (show process)
   to received (client process), on the same wall clock.

    python benchmarks/server_latency.py                   # 1,000/s for 20 s, 200 actions
    python benchmarks/server_latency.py --rate 1000 --seconds 30 --clients 10

Numbers, not a pass/fail test: docs/server.md has what was measured.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parent))
from console_flood import flood

from stagehand.adapters.replay import ReplayAdapter
from stagehand.config import Settings
from stagehand.config.server import parse_listen
from stagehand.events import CommentRanked, CoreEvent
from stagehand.server.access import AccessTokens, Role
from stagehand.server.app import start_server
from stagehand.server.remote import RemoteShow
from stagehand.session import open_show


def percentiles(values: list[float]) -> str:
    if not values:
        return "no samples"
    values = sorted(values)
    p99 = values[max(0, int(len(values) * 0.99) - 1)]
    return (
        f"p50 {statistics.median(values):7.1f} ms   p99 {p99:7.1f} ms   "
        f"max {values[-1]:7.1f} ms   (n={len(values):,})"
    )


# -- 1. action to overlay ---------------------------------------------------------------------


async def action_to_overlay(url: str, token: str, rounds: int, page: Any | None) -> dict:
    """Time `feature` from the POST to the overlay's WebSocket message (and the page's render)."""
    headers = {"Authorization": f"Bearer {token}"}
    socket_ms: list[float] = []
    page_ms: list[float] = []
    baseline_ms: list[float] = []
    async with aiohttp.ClientSession(headers=headers) as session:
        queue: list[dict[str, Any]] = []
        while len(queue) < 2:  # two comments to show in turn
            async with session.get(f"{url}/api/state?limit=2") as response:
                queue = (await response.json())["queue"][:2]
            await asyncio.sleep(0.1)
        async with aiohttp.ClientSession() as plain:
            overlay = await plain.ws_connect(f"{url}/overlay/events")
            await overlay.receive_json()  # the state it starts from
            for n in range(rounds):
                comment_id, text = queue[n % 2]["id"], queue[n % 2]["text"]
                started_wall, started = time.time(), time.perf_counter()
                async with session.post(
                    f"{url}/api/actions", json={"action": "feature", "comment_id": comment_id}
                ) as response:
                    assert (await response.json())["ok"]
                while True:
                    message = await overlay.receive_json()
                    if (message["featured"] or {}).get("text") == text:
                        break
                socket_ms.append((time.perf_counter() - started) * 1000)
                if page is not None:
                    while True:
                        stamped = await page.evaluate("document.body.getAttribute('data-updated')")
                        if stamped and int(stamped) >= started_wall * 1000 - 1:
                            shown = await page.evaluate(
                                "document.querySelector('#featured .text').textContent"
                            )
                            if shown == text:
                                break
                        await asyncio.sleep(0.001)
                    page_ms.append(int(stamped) - started_wall * 1000)
                started = time.perf_counter()
                async with session.get(f"{url}/api/state?limit=1") as response:
                    await response.read()
                baseline_ms.append((time.perf_counter() - started) * 1000)
                await asyncio.sleep(0.02)
            await overlay.close()
    return {"socket": socket_ms, "page": page_ms, "baseline": baseline_ms}


# -- 2. fan-out -----------------------------------------------------------------------------------


async def clients_main(url: str, token: str, count: int, kind: str, out: Path) -> None:
    """The client process: `count` clients noting when every comment arrived. `console`: a
    `RemoteShow` each (what `stagehand attach` runs: every event decoded, the mirror kept);
    `socket`: the events WebSocket read and parsed as JSON, nothing more (a light tool)."""
    received: list[dict[int, float]] = [{} for _ in range(count)]
    shows: list[RemoteShow] = []
    sockets: list[aiohttp.ClientWebSocketResponse] = []
    session = aiohttp.ClientSession(headers={"Authorization": f"Bearer {token}"})
    for index in range(count):
        if kind == "socket":
            sockets.append(await session.ws_connect(f"{url}/api/events", max_msg_size=0))
            continue
        remote = RemoteShow(url, token)
        await remote.connect()

        def heard(event: CoreEvent, remote: RemoteShow = remote, index: int = index) -> None:
            if isinstance(event, CommentRanked):
                received[index][remote.seq] = time.time()

        remote.add_listener(heard)
        shows.append(remote)

    async def read(ws: aiohttp.ClientWebSocketResponse, index: int) -> None:
        async for message in ws:
            now = time.time()
            for event in json.loads(message.data).get("events", ()):
                if event["type"] == "CommentRanked":
                    received[index][event["seq"]] = now

    print("ready", flush=True)
    runners = [asyncio.ensure_future(remote.run_adapters()) for remote in shows]
    runners += [asyncio.ensure_future(read(ws, n)) for n, ws in enumerate(sockets)]
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)  # until told
    for remote in shows:
        await remote.close()
    for ws in sockets:
        await ws.close()
    for runner in runners:
        runner.cancel()
    await asyncio.gather(*runners, return_exceptions=True)
    await session.close()
    out.write_text(json.dumps([{str(k): v for k, v in r.items()} for r in received]))


async def flooded(
    rate: float,
    seconds: float,
    clients: int,
    kind: str,
    rounds: int,
    folder: Path,
    page_maker: Any,
) -> dict:
    settings = Settings()
    committed_at: dict[int, float] = {}
    published: dict[int, float] = {}

    def on_committed(events: list[CoreEvent]) -> None:
        now = time.time()
        for event in events:
            if isinstance(event, CommentRanked):
                committed_at[id(event)] = now

    live = open_show(
        settings,
        db_path=folder / f"flood-{clients}-{kind}.db",
        show_name="flood",
        title="Flood",
        adapters=[],
        commands=False,
        on_committed=on_committed,
    )
    server = await start_server(live, settings, listen=parse_listen("127.0.0.1:0"))
    hub = server.hub
    #: id(event) -> (its number, the event: kept alive so no other event takes its id).
    by_event: dict[int, tuple[int, CoreEvent]] = {}

    def note(event: CoreEvent) -> None:  # after the hub: `hub.seq` is this event's number
        if isinstance(event, CommentRanked):
            published[hub.seq] = time.time()
            by_event[id(event)] = (hub.seq, event)

    live.add_listener(note)
    token = AccessTokens().create(f"bench{clients}{kind}", Role.HOST)
    process = None
    if clients:
        out = folder / f"clients-{clients}-{kind}.json"
        process = subprocess.Popen(
            [
                sys.executable,
                __file__,
                "--as-clients",
                server.url,
                token,
                str(clients),
                kind,
                str(out),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert process.stdout is not None
        # The clients connect to this loop's server: wait for them off the loop.
        ready = await asyncio.to_thread(process.stdout.readline)
        assert ready.strip() == "ready", ready
    adapter = ReplayAdapter(list(flood(rate, seconds)), speed=1.0)
    live.add_adapter(adapter)
    lags: list[float] = []

    async def ticker() -> None:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(0.01)
            lags.append((time.perf_counter() - started - 0.01) * 1000)

    ticking = asyncio.ensure_future(ticker())
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    running = asyncio.ensure_future(live.run_adapters())
    await asyncio.sleep(2)  # the flood under way, then the actions during it
    page = await page_maker(server.url) if page_maker else None
    during = await action_to_overlay(server.url, token, rounds, page)
    await asyncio.wait_for(adapter.finished.wait(), seconds * 4 + 60)
    elapsed = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    ticking.cancel()
    if page is not None:
        await page.close()
    received: list[dict[str, float]] = []
    if process is not None:
        await asyncio.sleep(1)  # the last events on their way
        assert process.stdin is not None
        process.stdin.write("stop\n")
        process.stdin.flush()
        await asyncio.to_thread(process.wait, 60)
        received = json.loads((folder / f"clients-{clients}-{kind}.json").read_text())
    await server.stop()
    await live.close()
    running.cancel()
    await asyncio.gather(running, return_exceptions=True)
    stored_ms = [
        (committed_at[key] - published[seq]) * 1000
        for key, (seq, _) in by_event.items()
        if key in committed_at and seq in published
    ]
    delivered_ms = [
        (at - published[int(seq)]) * 1000
        for client in received
        for seq, at in client.items()
        if int(seq) in published
    ]
    cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    return {
        "comments": len(published),
        "elapsed": elapsed,
        "cpu": cpu,
        "lags": lags,
        "stored": stored_ms,
        "delivered": delivered_ms,
        "per_client": [len(client) for client in received],
        "during": during,
    }


async def chromium_page(folder: Path):  # type: ignore[no-untyped-def]
    """The overlay in headless Chromium, when Debian's chromium is installed."""
    tests = Path(__file__).resolve().parent.parent / "tests" / "server"
    sys.path.insert(0, str(tests))
    from cdp import CHROMIUM, open_browser

    if CHROMIUM is None:
        return None

    async def open_page(url: str):  # type: ignore[no-untyped-def]
        page = await open_browser(folder / f"profile-{time.monotonic_ns()}")
        await page.open(url + "/overlay")
        return page

    return open_page


async def run(rate: float, seconds: float, clients: int, rounds: int) -> None:
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        os.environ["STAGEHAND_ACCESS_FILE"] = str(folder / "tokens.json")  # not yours
        page_maker = await chromium_page(folder)
        # A quiet show first: the overlay latency with nothing else going on.
        settings = Settings()
        live = open_show(
            settings,
            db_path=folder / "quiet.db",
            show_name="quiet",
            adapters=[ReplayAdapter(list(flood(10, 1)), instant=True)],
            commands=False,
        )
        server = await start_server(live, settings, listen=parse_listen("127.0.0.1:0"))
        await live.run_adapters()
        token = AccessTokens().create("quiet", Role.HOST)
        page = await page_maker(server.url) if page_maker else None
        quiet = await action_to_overlay(server.url, token, rounds, page)
        if page is not None:
            await page.close()
        await server.stop()
        await live.close()

        print(f"action to overlay, {rounds} feature actions (POST /api/actions -> overlay)")
        print(f"  quiet show   overlay socket {percentiles(quiet['socket'])}")
        if quiet["page"]:
            print(f"  quiet show   page drawn     {percentiles(quiet['page'])}")
        print(f"  baseline     GET /api/state {percentiles(quiet['baseline'])}")

        results = {}
        for count, kind in ((0, ""), (clients, "socket"), (clients, "console")):
            results[(count, kind)] = await flooded(
                rate, seconds, count, kind, rounds, folder, page_maker
            )
        labels = {
            "": "no client (baseline)",
            "socket": f"{clients} events clients (WebSocket + JSON)",
            "console": f"{clients} attached consoles (RemoteShow), one process",
        }
        for (count, kind), result in results.items():
            label = labels[kind]
            kept = result["comments"] / result["elapsed"]
            print(
                f"\nflood {rate:,.0f}/s for {seconds:g} s, {label}: {result['comments']:,} "
                f"comments in {result['elapsed']:.1f} s = {kept:,.0f}/s; show process CPU "
                f"{result['cpu']:.1f} s ({result['cpu'] / result['elapsed']:.0%} of a core)"
            )
            print(f"  loop lag (10 ms ticker)     {percentiles(result['lags'])}")
            print(f"  published -> stored         {percentiles(result['stored'])}")
            if count:
                per = result["per_client"]
                print(f"  published -> each client    {percentiles(result['delivered'])}")
                print(f"  comments each client got    min {min(per):,} max {max(per):,}")
            during = result["during"]
            print(f"  action to overlay socket    {percentiles(during['socket'])}")
            if during["page"]:
                print(f"  action to overlay page      {percentiles(during['page'])}")
            print(f"  baseline GET /api/state     {percentiles(during['baseline'])}")


def main() -> int:
    if len(sys.argv) > 1 and sys.argv[1] == "--as-clients":
        url, token, count, kind, out = sys.argv[2:7]
        asyncio.run(clients_main(url, token, int(count), kind, Path(out)))
        return 0
    parser = argparse.ArgumentParser(description=" ".join(__doc__.split("\n\n")[0].split()))
    parser.add_argument("--rate", type=float, default=1000)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--clients", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    asyncio.run(run(args.rate, args.seconds, args.clients, args.rounds))
    return 0


if __name__ == "__main__":
    sys.exit(main())
