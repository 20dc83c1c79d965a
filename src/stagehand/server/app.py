"""The show server: the routes, and starting and stopping it beside a running show.

    GET  /api/state      the show now (token)
    POST /api/actions    one intent of the show (token; the role decides which)
    GET  /api/events     WebSocket: a snapshot, then every event as it happens (token)
    GET  /api/metrics    the participation numbers so far (token)
    GET  /api/search     ?q=words: this show's comments (token)
    GET  /overlay        the OBS browser source (no token: it holds only what is on stream)
    GET  /overlay/events WebSocket: what the overlay shows, whenever it changes (no token)

docs/server.md documents each. Every API request presents `Authorization: Bearer <token>`;
401 without a valid one, 403 when the token's role may not do what it asks. Every error under
/api is JSON, aiohttp's own (404, 405, 413) and a request that failed (500) included.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import json
import logging
import socket
import ssl
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import urlsplit

from aiohttp import WSMsgType, web

from stagehand.config import Settings
from stagehand.config.server import DEFAULT_LISTEN, ListenAddress
from stagehand.domain import Author, Comment
from stagehand.events import Notice
from stagehand.ranking.queue_order import QueueRow
from stagehand.sanitize import clean_name
from stagehand.server import actions, overlay
from stagehand.server.access import (
    AccessTokens,
    Caller,
    TokenFileProblem,
    TokenNameTaken,
    TokensUnreadable,
)
from stagehand.server.anonymous import ScreenIds
from stagehand.server.connections import quiet_connections
from stagehand.server.hub import EventHub
from stagehand.server.wire import SEQ_HEADER, dumps, encode
from stagehand.show.live import LiveShow
from stagehand.show.queue import key_of
from stagehand.show.search import SearchError
from stagehand.store.queries import SearchHit

log = logging.getLogger(__name__)

#: The request's caller, set by the auth middleware for every /api route.
CALLER = web.RequestKey("caller", Caller)
#: The token the request presented (an events socket checks it again while it stays open).
TOKEN = web.RequestKey("token", str)
TOKENS = web.AppKey("tokens", AccessTokens)
LIVE = web.AppKey("live", LiveShow)
HUB = web.AppKey("hub", EventHub)
SETTINGS = web.AppKey("settings", Settings)
#: Seconds between clock frames on an idle events socket (they carry show time).
CLOCK_SECONDS = 2.0
#: The close code an events socket gets when its token is revoked (a 401 over WebSocket).
REVOKED = 4401
#: The close code an events socket gets when the show can no longer check its token (the token
#: file became unreadable): a 503 over WebSocket; the client reconnects and is let in once it reads.
UNAVAILABLE = 4503
#: Seconds a client is asked to wait before trying again while the token file is unreadable.
UNAVAILABLE_RETRY_SECONDS = 5.0
#: Ports tried after the default one when it is taken (another show running here).
PORTS_TO_TRY = 20
#: What an API request that failed answers (500): the details are in the show's log, not here.
FAILED = (
    "the show could not answer this request (a fault in stagehand or its database): try "
    "again; if it keeps failing, the show's log says why"
)


class ServerRefused(Exception):
    """The server cannot start as configured; the message says why and what to change."""


def _json(status: int, body: dict[str, Any]) -> web.Response:
    return web.Response(
        status=status,
        text=dumps(body),
        content_type="application/json",
        headers={"Cache-Control": "no-store"},
    )


def _unauthorized(message: str, *, said: bool = False) -> web.Response:
    """401. `said`: the refusal's own words go in `WWW-Authenticate` too (RFC 6750's
    `error_description`), where a client that cannot read the body (a WebSocket's handshake:
    `stagehand attach`) finds them."""
    response = _json(401, {"ok": False, "message": message})
    challenge = 'Bearer realm="stagehand"'
    if said:
        description = "".join(c for c in message if c.isprintable() and c not in '"\\')
        challenge += f', error="invalid_token", error_description="{description}"'
    response.headers["WWW-Authenticate"] = challenge
    return response


def _unavailable(message: str) -> web.Response:
    """503: the show cannot tell who the caller is now (its token file); not their fault, and
    not for good: a client tries again."""
    response = _json(503, {"ok": False, "message": message})
    response.headers["Retry-After"] = str(int(UNAVAILABLE_RETRY_SECONDS))
    return response


def build_app(
    live: LiveShow, hub: EventHub, tokens: AccessTokens, settings: Settings
) -> web.Application:
    """The aiohttp application serving `live` (see the module docstring for the routes)."""

    @web.middleware
    async def own_names_only(request: web.Request, handler: Any) -> web.StreamResponse:
        foreign = _foreign_name(request, settings)
        if foreign is not None:
            return _json(
                421,
                {
                    "ok": False,
                    "message": f"this show server does not answer to {foreign!r}: reach it by "
                    "its address or localhost, or set [server] public_host to the name a "
                    "reverse proxy serves it under (docs/server.md)",
                },
            )
        return await handler(request)

    @web.middleware
    async def authenticate(request: web.Request, handler: Any) -> web.StreamResponse:
        if not request.path.startswith("/api/"):
            return await handler(request)
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorized(
                "no token: send `Authorization: Bearer <token>` "
                "(stagehand token create --role producer makes one)"
            )
        try:
            caller = tokens.caller(token.strip())
        except TokensUnreadable as exc:
            return _unavailable(str(exc))
        except TokenNameTaken as exc:
            return _unauthorized(str(exc), said=True)
        if caller is None:
            return _unauthorized("this token is not valid here (unknown or revoked)")
        request[CALLER] = caller
        request[TOKEN] = token.strip()
        return await handler(request)

    @web.middleware
    async def api_errors_as_json(request: web.Request, handler: Any) -> web.StreamResponse:
        """aiohttp's own refusals (no such route, a wrong method, a body too large) and a
        request that failed (500) in the API's shape, `{"ok": false, "message": ...}`, like
        every other API error. A failure is logged here, once (aiohttp does not log it again),
        and its answer says nothing of what failed: that is for the show's log."""
        try:
            return await handler(request)
        except web.HTTPException as exc:
            if exc.status < 400 or not _is_api(request.path):
                raise
            response = _json(exc.status, {"ok": False, "message": _refusal(request, exc)})
            if "Allow" in exc.headers:
                response.headers["Allow"] = exc.headers["Allow"]
            return response
        except ConnectionError:
            raise  # the client went away: nobody to answer (connections.py logs it quietly)
        except Exception:
            # Once an answer has begun (an events socket), aiohttp can only drop the connection.
            if not _is_api(request.path) or request.writer.output_size > 0:
                raise
            log.exception("%s %s failed", request.method, request.rel_url.raw_path)
            return _json(500, {"ok": False, "message": FAILED})

    app = web.Application(
        # The errors' shape outermost: a failure anywhere under /api is answered in JSON.
        middlewares=[api_errors_as_json, own_names_only, authenticate],
        client_max_size=64 * 1024,
    )
    app[LIVE] = live
    app[HUB] = hub
    app[SETTINGS] = settings
    app[TOKENS] = tokens
    app.router.add_get("/api/state", state)
    app.router.add_post("/api/actions", post_action)
    app.router.add_get("/api/events", events)
    app.router.add_get("/api/metrics", metrics)
    app.router.add_get("/api/search", search)
    app.router.add_get("/overlay", overlay_page)
    app.router.add_get("/overlay/events", overlay_events)
    return app


def _is_api(path: str) -> bool:
    return path == "/api" or path.startswith("/api/")


def _refusal(request: web.Request, exc: web.HTTPException) -> str:
    if isinstance(exc, web.HTTPNotFound):
        return f"no {request.path} in this show's API (docs/server.md lists the routes)"
    if isinstance(exc, web.HTTPMethodNotAllowed):
        allowed = ", ".join(sorted(exc.allowed_methods))
        return f"{request.path} does not take {request.method}: only {allowed}"
    return exc.text or exc.reason


def _foreign_name(request: web.Request, settings: Settings) -> str | None:
    """The Host, or the Origin's host, when it is not one of this server's names (a page
    elsewhere whose name was pointed at this machine: DNS rebinding); None when all is well."""
    host = request.headers.get("Host")
    if host is not None and not settings.server.answers_to(host):
        return host
    origin = request.headers.get("Origin")
    if origin is not None:
        origin_host = urlsplit(origin).netloc
        if not origin_host or not settings.server.answers_to(origin_host):
            return origin
    return None


# -- the API ------------------------------------------------------------------------------------


async def state(request: web.Request) -> web.Response:
    """The show now, in the documented shape (docs/server.md)."""
    live, hub = request.app[LIVE], request.app[HUB]
    caller: Caller = request[CALLER]
    limit_text = request.query.get("limit")
    limit = _whole_number(limit_text) if limit_text is not None else None
    if limit_text is not None and (limit is None or limit < 1):
        return _json(400, {"ok": False, "message": "limit must be a whole number from 1 on"})
    rows = hub.queue.queue_rows()[:limit]
    ids = hub.ids
    segment = live.current_segment
    featured = live.featured
    return _json(
        200,
        {
            "show": {
                "name": live.show.name,
                "title": live.show.title,
                "started_at": live.show.started_at.isoformat(),
                "now": live.now().isoformat(),
            },
            "segment": None
            if segment is None
            else {
                "position": segment.position,
                "title": segment.title,
                "keywords": list(segment.keywords),
                "started_at": segment.started_at.isoformat() if segment.started_at else None,
            },
            "queue": [
                _queued(row, hub.queue.pins.get(key_of(row.ranked.comment)), ids) for row in rows
            ],
            "stage": [
                {
                    **_person(s.author, ids),
                    "since": s.started_at.isoformat(),
                    "comment_id": s.comment_id,
                }
                for s in live.on_stage
            ],
            "hands": [_person(author, ids) for author in live.hands],
            "featured": None
            if featured is None
            else {
                **_comment_fields(featured.comment, ids),
                "since": featured.since.isoformat(),
                "by": featured.actor,
            },
            "you": {"name": caller.name, "role": caller.role.value},
        },
    )


def _person(author: Author, ids: ScreenIds) -> dict[str, Any]:
    # A guest or a raised hand that opted out or asked to be forgotten stays, anonymously: their
    # platform id would name them again, so `author_id` is their pseudonym (the events' too,
    # which `stage_hand` and `end_stage` take).
    return {
        "author": author.shown_name,
        "author_id": ids.shown_id(author),
        "platform": author.platform,
    }


def _comment_fields(comment: Comment, ids: ScreenIds) -> dict[str, Any]:
    return {
        "id": comment.id,
        "platform": comment.platform,
        "author": comment.author.shown_name,
        "author_id": ids.shown_id(comment.author),
        "text": comment.shown_text,
        "ts": comment.ts.isoformat(),
    }


def _queued(row: QueueRow, pin: Any, ids: ScreenIds) -> dict[str, Any]:
    """A queue row: its comment, scored as the row; `asked_by`: the viewers who asked the same
    question (1 for most rows), `askers`: each of them (acting on the row acts for all)."""
    score = row.ranked.score
    return {
        **_comment_fields(row.ranked.comment, ids),
        "score": round(score.value, 3),
        "flags": sorted(score.flags),
        "reasons": {name: round(points, 3) for name, points in score.reasons.items()},
        "pinned": None if pin is None else {"by": pin.actor, "note": pin.note},
        "asked_by": row.asked_by,
        "askers": [_comment_fields(r.comment, ids) for r in row.askers],
    }


async def post_action(request: web.Request) -> web.Response:
    caller: Caller = request[CALLER]
    try:
        body = await request.json()
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return _json(400, {"ok": False, "message": "the body must be JSON"})
    answer = await actions.perform(request.app[LIVE], request.app[HUB], caller, body)
    response = _json(answer.status, answer.body)
    if answer.told is not None:
        response.headers[SEQ_HEADER] = str(answer.told)
    return response


async def metrics(request: web.Request) -> web.Response:
    totals = await asyncio.to_thread(request.app[LIVE].participation)
    if totals is None:  # none read yet: the show's notices say why (show/participation.py)
        message = "the participation numbers cannot be read yet: the show's notices say why"
        return _json(503, {"ok": False, "message": message})
    return _json(200, encode(totals))


#: The most hits one `/api/search` answers (docs/server.md).
SEARCH_LIMIT = 200


async def search(request: web.Request) -> web.Response:
    query = request.query.get("q", "").strip()
    if not query:
        return _json(400, {"ok": False, "message": "search needs ?q=words"})
    limit = _whole_number(request.query.get("limit", "50"))
    if limit is None or not 1 <= limit <= SEARCH_LIMIT:
        # Refused as /api/state refuses a bad limit: a clamped one would hide the client's bug.
        return _json(
            400, {"ok": False, "message": f"limit must be a whole number from 1 to {SEARCH_LIMIT}"}
        )
    try:
        hits = await asyncio.to_thread(request.app[LIVE].search, query, limit)
    except SearchError as exc:  # the database cannot be read now: the words say why
        return _json(503, {"ok": False, "message": exc.public})
    return _json(200, {"hits": encode([_named_as_shown(hit) for hit in hits])})


def _named_as_shown(hit: SearchHit) -> SearchHit:
    """The hit with its names cleaned as `/api/state` cleans them (the text is clean already)."""
    return replace(
        hit,
        author=clean_name(hit.author, hit.author_id),
        author_name=clean_name(hit.author_name, hit.author_id) if hit.author_name else "",
        display_name=clean_name(hit.display_name, hit.author_id) if hit.display_name else "",
    )


async def events(request: web.Request) -> web.StreamResponse:
    """A snapshot (or, with `?since=EPOCH:N`, the events after N), then every event as it happens;
    each message is `{"now": <show time>, "events": [...]}`."""
    hub = request.app[HUB]
    caller: Caller = request[CALLER]
    since_text = request.query.get("since")
    # `?since=EPOCH:SEQ` (the snapshot's "epoch" and the last "seq" seen); anything else: a
    # snapshot, never another numbering's events.
    epoch, _, seq_text = (since_text or "").rpartition(":")
    since = _whole_number(seq_text) if seq_text else None
    ws = web.WebSocketResponse(heartbeat=20, compress=False, max_msg_size=64 * 1024)
    await ws.prepare(request)
    client, first = hub.subscribe(caller, since, epoch or None)
    reader = asyncio.ensure_future(_drain(ws))
    try:
        await ws.send_str(hub.frame(client.take(), first))
        while not ws.closed:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(client.ready.wait(), CLOCK_SECONDS)
            if reader.done():
                break
            try:
                still = request.app[TOKENS].caller(request[TOKEN])
            except TokensUnreadable:
                await ws.close(code=UNAVAILABLE, message=b"the show's token file is unreadable")
                break
            except TokenNameTaken:
                still = None
            if still is None:
                # Revoked while connected (the check is a stat of the token file).
                await ws.close(code=REVOKED, message=b"this token was revoked")
                break
            if client.dropped:
                await ws.close(code=1013, message=b"too far behind: reconnect with ?since=")
                break
            await ws.send_str(hub.frame(client.take()))
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        hub.unsubscribe(client)
        reader.cancel()
    return ws


#: The most digits a number in a query may have: more than any count here needs, and far below
#: the 4,300 past which `int()` raises.
MAX_DIGITS = 18


def _whole_number(text: str) -> int | None:
    """`text` as a whole number (ASCII digits, an optional minus), or None: `isdigit` alone
    accepts "²", which `int()` then refuses; `int()` alone accepts " 1_0 "."""
    digits = text.removeprefix("-")
    if not (digits.isascii() and digits.isdigit()) or len(digits) > MAX_DIGITS:
        return None
    return int(text)


async def _drain(ws: web.WebSocketResponse) -> None:
    """Read (and ignore) what a client sends, so its close and pings are handled."""
    async for message in ws:
        if message.type == WSMsgType.ERROR:
            break


# -- the overlay --------------------------------------------------------------------------------


async def overlay_page(request: web.Request) -> web.Response:
    hub, settings = request.app[HUB], request.app[SETTINGS]
    theme = overlay.theme_css(settings.overlay.css)
    page = overlay.render_page(hub.overlay_state(), theme)
    return web.Response(
        text=page,
        content_type="text/html",
        headers={
            "Content-Security-Policy": overlay.policy(
                theme, request.headers.get("Host"), secure=request.secure
            ),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
        },
    )


async def overlay_events(request: web.Request) -> web.StreamResponse:
    hub = request.app[HUB]
    ws = web.WebSocketResponse(heartbeat=20, compress=False, max_msg_size=4096)
    await ws.prepare(request)
    watcher = hub.watch_overlay()
    reader = asyncio.ensure_future(_drain(ws))
    try:
        while not ws.closed and not reader.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(watcher.ready.wait(), 10)
            text = watcher.take()
            if text is not None and not ws.closed:
                await ws.send_str(text)
    except (ConnectionResetError, asyncio.CancelledError):
        pass
    finally:
        hub.unwatch_overlay(watcher)
        reader.cancel()
    return ws


# -- running beside a show ------------------------------------------------------------------------


@dataclass
class ShowServer:
    """A running show server: its address on this machine, and how to stop it. `elsewhere`:
    how other machines reach it, when it listens on every interface ("" otherwise)."""

    runner: web.AppRunner
    hub: EventHub
    url: str
    elsewhere: str = ""

    async def stop(self) -> None:
        await self.runner.cleanup()


def bind(
    settings: Settings, *, listen: ListenAddress | None = None, insecure_remote: bool = False
) -> socket.socket:
    """The server's listening socket, bound now (before the show opens, so a refusal leaves no
    show behind). ServerRefused when the address needs TLS it does not have, the TLS files do
    not load, or the port is taken (the default port: the next free one of `PORTS_TO_TRY`)."""
    config = settings.server
    explicit = listen is not None or config.listen != DEFAULT_LISTEN
    address = check_address(settings, listen=listen, insecure_remote=insecure_remote)
    ports = [address.port] if explicit or address.port == 0 else _ports_from(address.port)
    family = socket.AF_INET6 if ":" in address.host else socket.AF_INET
    for port in ports:
        try:
            return socket.create_server((address.host, port), family=family, backlog=128)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE and port != ports[-1]:
                continue
            raise ServerRefused(_bind_problem(address, port, exc, explicit)) from None
    raise AssertionError("unreachable: the last port raises")


async def start_server(
    live: LiveShow,
    settings: Settings,
    *,
    listen: ListenAddress | None = None,
    insecure_remote: bool = False,
    sock: socket.socket | None = None,
) -> ShowServer:
    """Serve `live` (on the running loop) until `stop`, on `sock` (from `bind`; bound here when
    None). ServerRefused as `bind` says."""
    config = settings.server
    if sock is None:
        sock = bind(settings, listen=listen, insecure_remote=insecure_remote)
    context = _tls_context(settings) if config.tls else None
    token = config.token.get_secret_value() if config.token else None

    def token_file_changed(problem: TokenFileProblem) -> None:
        # Said once per change, on the show's log and every screen; never the file's content.
        if problem.broken:
            log.warning("%s", problem.here)
        else:
            log.info("%s", problem.here)
        level = "warning" if problem.broken else "info"
        live.tell(Notice(problem.public, level, here=problem.here))

    tokens = AccessTokens(config_token=token, on_problem=token_file_changed)
    tokens.readable()  # a file broken before the show began is said now, not at the first caller
    hub = EventHub(live)
    live.add_listener(hub)
    app = build_app(live, hub, tokens, settings)
    quiet_connections()
    runner = web.AppRunner(app, access_log=None, handle_signals=False, shutdown_timeout=1.0)
    await runner.setup()
    site = web.SockSite(runner, sock, ssl_context=context)
    await site.start()
    address = listen or config.address
    bound = sock.getsockname()[1]
    host = f"[{address.host}]" if ":" in address.host else address.host
    scheme = "https" if context else "http"
    elsewhere = ""
    if address.host in ("0.0.0.0", "::"):
        host = "127.0.0.1"  # this machine's own view; others use its network name
        elsewhere = f"{scheme}://{socket.gethostname()}:{bound}"
    return ShowServer(runner, hub, f"{scheme}://{host}:{bound}", elsewhere)


def check_address(
    settings: Settings, *, listen: ListenAddress | None = None, insecure_remote: bool = False
) -> ListenAddress:
    """Where the server will listen; ServerRefused for a non-loopback address without TLS
    (unless `insecure_remote`) or TLS files that do not load."""
    config = settings.server
    address = listen or config.address
    if not address.loopback and not config.tls and not (insecure_remote or config.insecure_remote):
        raise ServerRefused(
            f"the show server would listen on {address}, where anyone on the network could "
            "read tokens and chat in the clear: set [server] tls_cert and tls_key, or put a "
            "TLS reverse proxy in front and listen on 127.0.0.1, or pass --insecure-remote on "
            "a network you trust (docs/server.md)"
        )
    if config.tls:
        _tls_context(settings)
    return address


def _ports_from(port: int) -> list[int]:
    return [p for p in range(port, port + PORTS_TO_TRY) if p <= 65535]


def _bind_problem(address: ListenAddress, port: int, exc: OSError, explicit: bool) -> str:
    if exc.errno == errno.EADDRINUSE:
        where = f"port {port}" if explicit else f"ports {address.port}-{port}"
        return (
            f"the show server cannot listen on {address.host}: {where} in use (another show "
            "running?); choose another with --listen HOST:PORT or [server] listen"
        )
    return (
        f"the show server cannot listen on {address.host}:{port}: {exc.strerror or exc}; "
        "choose another address with --listen HOST:PORT or [server] listen"
    )


def _tls_context(settings: Settings) -> ssl.SSLContext:
    cert, key = settings.server.tls_cert, settings.server.tls_key
    assert cert is not None and key is not None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(cert.expanduser(), key.expanduser())
    except (OSError, ssl.SSLError) as exc:
        raise ServerRefused(
            f"[server] tls_cert / tls_key do not load ({exc}): give a PEM certificate and its key"
        ) from None
    return context
