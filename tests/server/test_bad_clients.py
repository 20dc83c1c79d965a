"""Clients that misbehave at the HTTP level: a header aiohttp cannot parse (with a token in it),
a client that hangs up while its body is read, a route or method the API does not have. The
show's log stays free of tokens and tracebacks, and every API answer is the API's JSON."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
import pytest
from showserver import Served, call, serve

from stagehand.logs import configure_logging
from stagehand.server.access import AccessTokens, Role


@pytest.fixture
def show_log(monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The log file a show with the console writes (`configure_logging`), at DEBUG."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    monkeypatch.setenv("STAGEHAND_LOG_LEVEL", "DEBUG")
    path = configure_logging(to_file=True)
    assert path is not None
    try:
        yield path
    finally:
        for handler in list(root.handlers):
            root.removeHandler(handler)
            handler.close()
        for handler in handlers:
            root.addHandler(handler)
        root.setLevel(level)


async def raw_request(served: Served, request: bytes) -> tuple[bytes, bytes]:
    """Send `request` as it is on a new connection: (the answer's head, its body)."""
    where = urlsplit(served.url)
    reader, writer = await asyncio.open_connection(where.hostname, where.port)
    try:
        writer.write(request)
        answer = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    head, _, body = answer.partition(b"\r\n\r\n")
    return head, body


async def logged(path: Path, *words: str) -> str:
    """The log once one of `words` is in it (the server has dealt with the client by then)."""
    async with asyncio.timeout(10):
        while not any(word in (text := path.read_text()) for word in words):
            await asyncio.sleep(0.05)
    return text


async def test_a_malformed_header_puts_no_token_in_the_log(tmp_path, show_log) -> None:
    """A button deck plugin that adds a stray control character to the header, or folds it:
    aiohttp refuses the request, and its error quoted the raw header line, token and all. (Its
    400 answer still quotes it, to the client that sent it: nothing else sees it.)"""
    served = await serve(tmp_path)
    try:
        token = served.tokens["hana"]
        for header in (f"Bearer {token}\x01", f"Bearer\r\n  {token}"):
            request = f"GET /api/state HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: {header}\r\n"
            head, _ = await raw_request(served, f"{request}\r\n".encode())
            assert head.split(b"\r\n")[0].endswith(b" 400 Bad Request"), head

        status, _ = await call(served, "GET", "/api/state", token)
        assert status == 200  # the show serves on
        log = await logged(show_log, "a request that is not valid HTTP")
        assert token not in log
        assert "Traceback" not in log and " ERROR " not in log
    finally:
        await served.close()


def test_a_token_shaped_like_ours_is_masked_in_any_log_line(show_log) -> None:
    """Whatever else quotes a request (a library's error, an exception's message), the log
    masks a token `stagehand token create` made, though the show never registered it."""
    token = AccessTokens().create("deck", Role.HOST)
    logging.getLogger("aiohttp.server").error("bad header %r", f"Authorization: Bearer {token}")
    try:
        raise ValueError(f"refused Bearer {token}\x01")
    except ValueError:
        logging.getLogger("aiohttp.server").exception("Error handling request")
    log = show_log.read_text()
    assert token not in log and token[4:] not in log
    assert "Authorization: Bearer ***" in log and "refused Bearer ***" in log


async def test_a_client_that_hangs_up_mid_request_leaves_no_traceback(tmp_path, show_log) -> None:
    """A Stream Deck button that timed out, a laptop closed, curl stopped with Ctrl-C while it
    sends a body: a client going away is normal, a debug line at most."""
    served = await serve(tmp_path)
    try:
        await served.played()
        token = served.tokens["hana"]
        where = urlsplit(served.url)
        for _ in range(3):
            _, writer = await asyncio.open_connection(where.hostname, where.port)
            writer.write(
                b"POST /api/actions HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + f"Authorization: Bearer {token}\r\n".encode()
                + b"Content-Type: application/json\r\nContent-Length: 60000\r\n\r\n"
                + b'{"action":'
            )
            await writer.drain()
            await asyncio.sleep(0.1)  # the action is waiting for the rest of its body
            writer.close()
        log = await logged(show_log, "went away", "Traceback")
        assert "Traceback" not in log and " ERROR " not in log
        assert "a client went away in the middle of a request" in log
        status, _ = await call(served, "GET", "/api/state", token)
        assert status == 200
    finally:
        await served.close()


async def test_no_such_route_or_method_under_api_is_answered_in_json(tmp_path) -> None:
    """A button deck or script parses every API answer as JSON: aiohttp's own refusals too."""
    served = await serve(tmp_path)
    try:
        token = served.tokens["vic"]
        status, body = await call(served, "GET", "/api/nope", token)
        assert (status, body["ok"]) == (404, False)
        assert "/api/nope" in body["message"] and "docs/server.md" in body["message"]
        status, body = await call(served, "DELETE", "/api/state", token)
        assert (status, body["ok"]) == (405, False)
        assert body["message"] == "/api/state does not take DELETE: only GET, HEAD"

        headers = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession(headers=headers) as session:
            async with session.delete(served.url + "/api/state") as response:
                assert response.content_type == "application/json"
                assert set(response.headers["Allow"].split(",")) == {"GET", "HEAD"}
            big = json.dumps({"action": "dismiss", "text": "x" * 200_000})
            async with session.post(served.url + "/api/actions", data=big) as response:
                assert response.status == 413 and response.content_type == "application/json"
                assert (await response.json())["ok"] is False
            # Pages outside the API keep aiohttp's answers.
            async with session.get(served.url + "/overlay/nope") as response:
                assert response.status == 404 and response.content_type == "text/plain"
        status, body = await call(served, "GET", "/api/nope")
        assert status == 401  # no token: nothing about the API's routes either
    finally:
        await served.close()


async def test_a_request_that_fails_is_answered_in_json_and_logged_once(
    tmp_path, show_log, monkeypatch
) -> None:
    """A fault behind the API (here a fault in counting the participation numbers): a 500 in
    the API's JSON that says nothing of the fault, one record in the show's log, and the show
    serves on. (A database moved away is no fault: test_the_numbers_of_a_moved_database...)"""
    served = await serve(tmp_path)
    try:
        await served.played()
        token = served.tokens["vic"]

        def broken(*args: object, **kwargs: object) -> None:
            raise ValueError("the counting broke")

        monkeypatch.setattr("stagehand.show.participation.show_metrics", broken)
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            aiohttp.ClientSession(headers=headers) as session,
            session.get(served.url + "/api/metrics") as response,
        ):
            assert response.status == 500
            assert response.content_type == "application/json"
            body = await response.json()
        assert body == {
            "ok": False,
            "message": "the show could not answer this request (a fault in stagehand or its "
            "database): try again; if it keeps failing, the show's log says why",
        }
        log = await logged(show_log, "GET /api/metrics failed")
        assert log.count("GET /api/metrics failed") == 1 and log.count("Traceback") == 1
        assert "the counting broke" in log  # the details: in the log only
        assert "Error handling request" not in log  # aiohttp did not log it a second time
        assert token not in log and token[4:] not in log

        monkeypatch.undo()
        status, _ = await call(served, "GET", "/api/metrics", token)
        assert status == 200
    finally:
        await served.close()


async def test_the_numbers_of_a_moved_database_are_a_503_until_it_is_back(tmp_path) -> None:
    """The show's database moved away before any numbers were read (a folder in its place):
    `/api/metrics` answers 503 with one plain line, no path and no class name, and creates
    nothing; once the file is back the numbers are read again."""
    served = await serve(tmp_path)
    path = served.live.db_path
    kept = path.with_name("kept.db")
    try:
        await served.played()
        token = served.tokens["vic"]
        path.rename(kept)  # the show's own connection keeps the real file
        path.mkdir()
        status, body = await call(served, "GET", "/api/metrics", token)
        assert status == 503
        assert body == {
            "ok": False,
            "message": "the participation numbers cannot be read yet: the show's notices say why",
        }
        assert list(path.iterdir()) == []
        path.rmdir()
        kept.rename(path)
        status, body = await call(served, "GET", "/api/metrics", token)
        assert status == 200 and body["comments"] > 0
    finally:
        if kept.exists():
            if path.is_dir():
                path.rmdir()
            kept.rename(path)
        await served.close()


async def test_a_search_the_show_cannot_do_is_a_503_that_names_no_path(tmp_path) -> None:
    """The show's database moved away (a folder in its place): `/api/search` answers 503 with
    the line a console shows (what is wrong, what to do), naming neither the file's path on
    the show's machine nor a Python class; once the file is back, the search works."""
    served = await serve(tmp_path)
    path = served.live.db_path
    kept = path.with_name("kept.db")
    try:
        await served.played()
        # The comment is stored before the file moves: what is searched is the search, not the
        # writer's way back once the file returns (the crash-safety tests have that).
        assert await asyncio.to_thread(served.live.flush, 5)
        path.rename(kept)
        path.mkdir()
        status, body = await call(served, "GET", "/api/search?q=bass", served.tokens["vic"])
        assert status == 503
        assert body == {
            "ok": False,
            "message": "Search cannot read the show's database: the file is missing, moved or "
            "damaged on the show's machine; search again once it is back",
        }
        path.rmdir()
        kept.rename(path)
        status, body = await call(served, "GET", "/api/search?q=bass", served.tokens["vic"])
        assert status == 200 and len(body["hits"]) == 1
    finally:
        if kept.exists():
            if path.is_dir():
                path.rmdir()
            kept.rename(path)
        await served.close()
