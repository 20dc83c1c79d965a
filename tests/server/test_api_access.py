"""Who may use the show server: no token, a wrong one, a revoked one (401); a role that may not
do what it asks (403); and the token file itself (hashed, owner-only)."""

from __future__ import annotations

import json
import os
import stat

import aiohttp
from showserver import act, call, serve

from fakes.show_runs import stagehand
from stagehand.config import Settings
from stagehand.server.access import AccessTokens, default_tokens_path


async def test_no_token_or_a_wrong_one_gets_401_and_says_how_to_get_one(tmp_path) -> None:
    served = await serve(tmp_path)
    try:
        status, body = await call(served, "GET", "/api/state")
        assert status == 401 and "Authorization: Bearer" in body["message"]
        status, body = await call(served, "GET", "/api/state", token="shs_not-a-real-token")
        assert status == 401 and body == {
            "ok": False,
            "message": "this token is not valid here (unknown or revoked)",
        }
        status, _ = await call(served, "POST", "/api/actions", body={"action": "answer"})
        assert status == 401
    finally:
        await served.close()


async def test_each_role_does_what_it_may_and_gets_403_for_the_rest(tmp_path) -> None:
    served = await serve(tmp_path)
    try:
        await served.played()
        status, state = await call(served, "GET", "/api/state", served.tokens["vic"])
        assert status == 200 and state["you"] == {"name": "vic", "role": "viewer"}
        assert {c["id"] for c in state["queue"]} == {"m1", "m2", "m3", "m4"}

        status, body = await act(served, "vic", action="dismiss", comment_id="m1")
        assert status == 403 and "viewer token" in body["message"]
        status, body = await act(served, "alice", action="answer", comment_id="m2")
        assert (status, body["message"]) == (
            403,
            "a producer may not answer on air: that takes a host token",
        )
        for action in ("stage", "moderate", "next_segment", "end_stage"):
            status, _ = await act(served, "alice", action=action, comment_id="m2", kind="ban")
            assert status == 403, action

        status, body = await act(served, "alice", action="dismiss", comment_id="m1")
        assert status == 200 and body["ok"] and body["key"]
        status, body = await act(served, "hana", action="answer", comment_id="m2")
        assert status == 200 and body["message"] == "Answered ben on air"

        # A producer undoes only what they did; a host anything.
        host_key = body["key"]
        status, body = await act(served, "alice", action="undo", key=host_key)
        assert status == 403 and "only their own" in body["message"]
        status, body = await act(served, "alice", action="undo")
        assert status == 200 and body["ok"], body
        assert "dismissal of ana's comment" in body["message"]

        db = served.db()
        rows = db.execute("SELECT action, actor FROM host_actions ORDER BY id").fetchall()
        assert rows == [("dismiss", "alice"), ("answer", "hana"), ("undo", "alice")]
    finally:
        await served.close()


async def test_bad_requests_say_what_is_wrong(tmp_path) -> None:
    served = await serve(tmp_path)
    try:
        await served.played()
        status, body = await act(served, "hana", action="launch")
        assert status == 400 and "unknown action 'launch'" in body["message"]
        status, body = await act(served, "hana", action="answer")
        assert status == 400 and "comment_id" in body["message"]
        status, body = await act(served, "hana", action="answer", comment_id="nope")
        assert status == 404 and "no comment 'nope'" in body["message"]
        status, body = await act(served, "hana", action="reply", comment_id="m1")
        assert status == 400 and "text" in body["message"]
    finally:
        await served.close()


async def test_a_revoked_token_stops_working_on_a_running_show(tmp_path) -> None:
    served = await serve(tmp_path)
    try:
        status, _ = await call(served, "GET", "/api/state", served.tokens["alice"])
        assert status == 200
        AccessTokens().revoke("alice")  # as `stagehand token revoke alice` does
        status, body = await call(served, "GET", "/api/state", served.tokens["alice"])
        assert status == 401 and "revoked" in body["message"]
        status, _ = await act(served, "alice", action="dismiss", comment_id="m1")
        assert status == 401
        status, _ = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert status == 200  # the others still work
    finally:
        await served.close()


async def test_the_config_token_is_a_host_named_script(tmp_path) -> None:
    settings = Settings(server={"token": "a-long-enough-script-token"})
    served = await serve(tmp_path, settings=settings)
    try:
        await served.played()
        status, body = await call(
            served,
            "POST",
            "/api/actions",
            "a-long-enough-script-token",
            {"action": "feature", "comment_id": "top"},
        )
        assert status == 200 and body["ok"]
        actor = served.db().execute("SELECT actor FROM host_actions").fetchone()[0]
        assert actor == "script"
    finally:
        await served.close()


def test_token_commands_print_a_token_once_and_keep_only_its_hash() -> None:
    made = stagehand("token", "create", "--name", "alice", "--role", "producer")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("shs_") and len(token) > 40
    assert "producer token 'alice'" in made.stderr

    path = default_tokens_path()
    stored = path.read_text()
    assert token not in stored and "sha256" in stored
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert json.loads(stored)["tokens"][0]["role"] == "producer"

    listed = stagehand("token", "list")
    assert listed.returncode == 0 and "alice" in listed.stdout and "live" in listed.stdout
    assert token not in listed.stdout

    again = stagehand("token", "create", "--name", "alice")
    assert again.returncode == 2 and "exists already" in again.stderr
    assert "Traceback" not in again.stderr

    revoked = stagehand("token", "revoke", "alice")
    assert revoked.returncode == 0 and "Revoked 'alice'" in revoked.stdout
    assert "revoked" in stagehand("token", "list").stdout
    missing = stagehand("token", "revoke", "bob")
    assert missing.returncode == 2 and "no live token named 'bob'" in missing.stderr

    bad = stagehand("token", "create", "--name", "<script>")
    assert bad.returncode == 2 and "cannot be used" in bad.stderr


def test_token_create_points_to_a_way_that_keeps_the_token_out_of_ps() -> None:
    """A token on the command line shows in `ps` to everyone on the machine (revB): the hint
    is the hidden prompt or the environment variable, never `--token TOKEN`."""
    made = stagehand("token", "create", "--name", "pat", "--role", "producer")
    assert made.returncode == 0, made.stderr
    assert "--token" not in made.stderr, made.stderr
    assert "stagehand attach http://HOST:PORT" in made.stderr
    assert "STAGEHAND_ATTACH_TOKEN" in made.stderr
    # The show's own console is "host" on every screen: no token takes its name.
    host = stagehand("token", "create", "--name", "host")
    assert host.returncode == 2 and "the show's own console" in host.stderr, host.stderr


async def test_a_comment_already_handled_is_not_handled_twice(tmp_path) -> None:
    """Two consoles racing, or a button pressed twice: the second answer/dismiss/stage on one
    comment is refused (409), so the show records one answer and the ranking learns once."""
    served = await serve(tmp_path)
    try:
        await served.played()
        status, body = await act(served, "hana", action="answer", comment_id="m2")
        assert status == 200 and body["ok"]
        for action in ("answer", "dismiss", "stage"):
            status, body = await act(served, "hana", action=action, comment_id="m2")
            assert status == 409, action
            assert body == {"ok": False, "message": "ben's comment was answered already"}
        status, body = await act(served, "alice", action="dismiss", comment_id="m2")
        assert status == 409
        db = served.db()
        rows = db.execute("SELECT action FROM host_actions WHERE action != 'reply'").fetchall()
        assert rows == [("answer",)]

        # Undone, it may be answered again.
        status, body = await act(served, "hana", action="undo")
        assert status == 200 and body["ok"]
        status, body = await act(served, "hana", action="answer", comment_id="m2")
        assert status == 200 and body["ok"]
    finally:
        await served.close()


async def test_what_was_done_already_is_refused_409_in_the_shows_words(tmp_path) -> None:
    """An undo asked twice (a button pressed twice, two consoles restoring one comment) answered
    200 with ok false, as did a comment put on stream or pinned twice and a guest brought on
    stage twice; docs/server.md says 409, as for a comment answered already. Nothing more is
    recorded for the refused ones."""
    served = await serve(tmp_path)
    try:
        await served.played()

        async def done_already(message: str, **body: str) -> None:
            status, answer = await act(served, "hana", **body)
            assert (status, answer) == (409, {"ok": False, "message": message}), body

        _, dismissed = await act(served, "hana", action="dismiss", comment_id="m4")
        status, answer = await act(served, "hana", action="undo", key=dismissed["key"])
        assert status == 200 and answer["ok"]
        await done_already(
            "The dismissal of dev's comment was already undone", action="undo", key=dismissed["key"]
        )

        status, answer = await act(served, "hana", action="feature", comment_id="m3")
        assert status == 200 and answer["ok"]
        await done_already("cleo's comment is on stream already", action="feature", comment_id="m3")
        status, answer = await act(served, "alice", action="pin", comment_id="m3")
        assert status == 200 and answer["ok"]
        await done_already("cleo's comment is pinned already", action="pin", comment_id="m3")
        status, answer = await act(served, "hana", action="answer", comment_id="m2")
        assert status == 200 and answer["ok"]
        await done_already(
            "Nothing to pin: ben's comment was answered already", action="pin", comment_id="m2"
        )

        status, answer = await act(served, "hana", action="stage", comment_id="m4")
        assert status == 200 and answer["ok"]
        await done_already("dev is already on stage", action="stage", comment_id="m4")
        _, ended = await act(served, "hana", action="end_stage", author_id="103")
        status, answer = await act(served, "hana", action="stage", comment_id="m4")
        assert status == 200 and answer["ok"]
        await done_already(
            "Cannot undo ending dev's stage appearance: dev is on stage again already",
            action="undo",
            key=ended["key"],
        )

        rows = served.db().execute("SELECT action FROM host_actions ORDER BY rowid").fetchall()
        assert [r[0] for r in rows] == [
            "dismiss", "undo", "feature", "pin", "answer", "stage_start", "stage_end", "stage_start"
        ]  # fmt: skip
    finally:
        await served.close()


async def test_nothing_to_act_on_is_refused_409_as_a_stream_deck_button_can_tell(tmp_path) -> None:
    """`unfeature` with nothing on stream, `end_stage` with nobody on stage, `unpin` of a comment
    not pinned and `undo` with nothing to undo answered 200 with ok false, while `stage_hand`
    with no hands answered 409: every "nothing to act on" is 409 (docs/server.md). An unknown
    undo `key` is 404, as an unknown comment is; a body without an action says so and lists the
    actions (it said "unknown action None"). Nothing is recorded for any of them."""
    served = await serve(tmp_path)
    try:
        await served.played()
        for body, message in [
            ({"action": "unfeature"}, "Nothing is on stream"),
            ({"action": "end_stage"}, "Nobody is on stage"),
            ({"action": "end_stage", "comment_id": "m4"}, "Nobody is on stage"),
            ({"action": "unpin", "comment_id": "m3"}, "cleo's comment is not pinned"),
            ({"action": "undo"}, "Nothing to undo yet"),
            ({"action": "stage_hand"}, "no raised hands to bring on stage"),
        ]:
            status, answer = await act(served, "hana", **body)
            assert (status, answer) == (409, {"ok": False, "message": message}), body
        status, answer = await act(served, "hana", action="undo", key="f00")
        assert status == 404 and "no host action 'f00' in this show" in answer["message"]
        status, answer = await call(served, "POST", "/api/actions", served.tokens["hana"], {})
        assert status == 400, answer
        assert answer["message"].startswith('the body names no "action": one of answer, dismiss')
        assert "None" not in answer["message"]
        status, answer = await act(served, "hana", action=5)
        assert status == 400 and answer["message"].startswith('"action" must be a string: one of')
        assert served.db().execute("SELECT count(*) FROM host_actions").fetchone() == (0,)
    finally:
        await served.close()


async def test_a_queued_comment_older_than_the_recent_chat_can_still_be_acted_on(
    tmp_path,
) -> None:
    """In a flood the show's memory of recent chat moves on, while the queue keeps its best
    comments however old: a console acting on such a row still reaches it."""
    served = await serve(tmp_path)
    try:
        await served.played()
        served.live._state.recent.drop("twitch", "m2")  # as if 20,000 lines came after it
        status, body = await act(served, "hana", action="answer", comment_id="m2")
        assert status == 200 and body["message"] == "Answered ben on air"
    finally:
        await served.close()


async def test_revoking_a_token_closes_the_events_socket_it_holds(tmp_path) -> None:
    """`stagehand token revoke` says consoles using the token are disconnected: they are, within
    seconds, and told why (a console's reconnect is then refused with 401)."""
    import asyncio

    import aiohttp

    served = await serve(tmp_path)
    try:
        await served.played()
        headers = {"Authorization": f"Bearer {served.tokens['alice']}"}
        async with (
            aiohttp.ClientSession(headers=headers) as session,
            session.ws_connect(served.url + "/api/events") as ws,
        ):
            first = await ws.receive(timeout=5)
            assert "snapshot" in json.loads(first.data)
            AccessTokens().revoke("alice")
            closed_by = None
            async with asyncio.timeout(5):
                while closed_by is None:
                    message = await ws.receive()
                    if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                        closed_by = ws.close_code
            assert closed_by == 4401
        status, _ = await call(served, "GET", "/api/state", served.tokens["alice"])
        assert status == 401
    finally:
        await served.close()


async def test_a_foreign_host_or_origin_is_refused_so_a_web_page_cannot_rebind_to_the_show(
    tmp_path,
) -> None:
    """DNS rebinding: a page on evil.example whose name now points at 127.0.0.1 talks to the
    show with Host (and Origin) evil.example. The show answers only to its own names."""
    import aiohttp

    from stagehand.config import Settings

    served = await serve(tmp_path, settings=Settings(server={"public_host": "show.example.org"}))
    try:
        token = served.tokens["hana"]
        auth = {"Authorization": f"Bearer {token}"}
        async with aiohttp.ClientSession() as session:

            async def status(path: str, **headers: str) -> int:
                async with session.get(served.url + path, headers=headers) as response:
                    return response.status

            assert await status("/api/state", Host="evil.example", **auth) == 421
            assert await status("/overlay", Host="evil.example:8765") == 421
            assert await status("/api/state", Origin="http://evil.example", **auth) == 421
            try:
                await session.ws_connect(
                    served.url + "/overlay/events", headers={"Host": "evil.example"}
                )
                raise AssertionError("the overlay's socket opened for a foreign Host")
            except aiohttp.WSServerHandshakeError as refused:
                assert refused.status == 421
            async with session.get(
                served.url + "/overlay", headers={"Host": "evil.example"}
            ) as response:
                assert "[server] public_host" in await response.text()

            # Its own names: loopback, the proxy's public name, an address (never rebound).
            assert await status("/api/state", **auth) == 200
            assert await status("/api/state", Host="localhost:8765", **auth) == 200
            assert await status("/api/state", Host="show.example.org", **auth) == 200
            assert await status("/overlay", Host="192.168.1.20:8765") == 200
            origin = "https://show.example.org"
            assert await status("/api/state", Host="show.example.org", Origin=origin, **auth) == 200
    finally:
        await served.close()


async def test_malformed_requests_get_a_400_not_a_server_error(tmp_path) -> None:
    """Each of these crashed a handler (500 and a traceback in the show's terminal) or quietly
    did something else than asked."""
    import aiohttp

    served = await serve(tmp_path)
    try:
        await served.played()
        token = served.tokens["hana"]
        status, body = await call(served, "GET", "/api/state?limit=-1", token)
        assert status == 400 and "limit" in body["message"]
        status, body = await call(served, "GET", "/api/state?limit=1", token)
        assert status == 200 and len(body["queue"]) == 1
        served.db().close()  # search reads the store: every comment written first
        status, body = await call(served, "GET", "/api/search?q=%00drift", token)
        assert status == 200 and {h["message_id"] for h in body["hits"]} == {"m3", "m4"}
        status, body = await act(
            served,
            "hana",
            action="moderate",
            comment_id="m1",
            kind="timeout",
            duration_seconds=True,
        )
        assert status == 400 and "duration_seconds" in body["message"]
        async with aiohttp.ClientSession() as session:
            headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            async with session.post(
                served.url + "/api/actions", data="[" * 20_000, headers=headers
            ) as response:
                assert response.status == 400
                assert "JSON" in (await response.json())["message"]
            async with session.ws_connect(
                served.url + "/api/events?since=\u00b2", headers=headers
            ) as ws:
                first = await ws.receive_json(timeout=5)
                assert "snapshot" in first  # not a number: a fresh start, not a crash
    finally:
        await served.close()


async def test_a_number_too_long_for_python_gets_a_400_or_a_snapshot(tmp_path) -> None:
    """`int()` refuses more than 4,300 digits: these answered 500 with a traceback."""
    import aiohttp

    served = await serve(tmp_path)
    try:
        await served.played()
        token = served.tokens["vic"]
        digits = "1" * 5000
        status, body = await call(served, "GET", f"/api/state?limit={digits}", token)
        assert (status, body) == (
            400,
            {"ok": False, "message": "limit must be a whole number from 1 on"},
        )
        status, body = await call(served, "GET", f"/api/search?q=drift&limit={digits}", token)
        assert (status, body["ok"]) == (400, False) and "limit" in body["message"]
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + f"/api/events?since=x:{digits}", headers=headers) as ws,
        ):
            assert "snapshot" in await ws.receive_json(timeout=5)
    finally:
        await served.close()


async def test_a_search_limit_out_of_range_gets_a_400_as_the_state_limit_does(tmp_path) -> None:
    """`/api/search?limit=0`, `-1` and `201` answered 200 with a clamped limit (one hit, one hit,
    up to 200): docs/server.md says 1 to 200, and `/api/state` refuses its bad limits."""
    served = await serve(tmp_path)
    try:
        await served.played()
        served.db().close()  # search reads the store: every comment written first
        token = served.tokens["vic"]
        for limit in ("0", "-1", "201", "1000", "1.5", ""):
            status, body = await call(served, "GET", f"/api/search?q=drift&limit={limit}", token)
            assert (status, body) == (
                400,
                {"ok": False, "message": "limit must be a whole number from 1 to 200"},
            ), limit
        for limit, hits in (("1", 1), ("200", 2)):
            status, body = await call(served, "GET", f"/api/search?q=drift&limit={limit}", token)
            assert status == 200 and len(body["hits"]) == hits, limit
    finally:
        await served.close()


async def test_topic_needs_a_title_and_keeps_the_keywords_unless_given(tmp_path) -> None:
    """`{"action": "topic"}` alone emptied the segment's keywords (which changes the ranking)
    and answered "Segment 1 is live"."""
    served = await serve(tmp_path)
    try:
        await served.played()

        async def segment() -> dict:
            _, state = await call(served, "GET", "/api/state?limit=1", served.tokens["vic"])
            return state["segment"]

        before = await segment()
        assert before["keywords"] == ["oscillator", "waveform", "VCO"]
        for body in ({}, {"text": "  "}, {"keywords": ["bass"]}, {"text": 3}):
            status, answer = await act(served, "hana", action="topic", **body)
            assert status == 400, body
            assert 'needs "text"' in answer["message"] or '"text" must' in answer["message"]
        assert await segment() == before

        status, answer = await act(served, "hana", action="topic", text="Filters")
        assert status == 200 and answer["ok"]
        now = await segment()
        assert (now["title"], now["keywords"]) == ("Filters", before["keywords"])
        status, _ = await act(served, "hana", action="topic", text="Filters", keywords=["cutoff"])
        assert status == 200 and (await segment())["keywords"] == ["cutoff"]
    finally:
        await served.close()


async def test_a_blank_title_for_the_next_segment_is_refused_as_the_next_segment_s(
    tmp_path,
) -> None:
    """A Stream Deck button sending `next_segment` with a blank or non-text title was told
    `topic needs "text"`: the answer names the action it was for, and the live segment stays."""
    served = await serve(tmp_path)
    try:
        await served.played()
        _, state = await call(served, "GET", "/api/state?limit=1", served.tokens["vic"])
        before = state["segment"]
        for body in ({"text": "  "}, {"title": " "}, {"title": 3}):
            status, answer = await act(served, "hana", action="next_segment", **body)
            assert status == 400, body
            message = answer["message"]
            assert message.startswith('next_segment needs "text": the new segment\'s title'), body
            assert "topic" not in message, message
        _, state = await call(served, "GET", "/api/state?limit=1", served.tokens["vic"])
        assert state["segment"] == before
        status, answer = await act(served, "hana", action="topic", text=" ")
        assert status == 400 and answer["message"].startswith('topic needs "text"'), answer
    finally:
        await served.close()


async def test_a_topic_with_nothing_changed_is_refused_as_done_already(tmp_path) -> None:
    """A Stream Deck button pressed twice: the second is "Topic unchanged" (409), and records
    no host action for anyone's `u` to take back."""
    served = await serve(tmp_path)
    try:
        await served.played()
        status, answer = await act(served, "hana", action="topic", text="Filters")
        assert status == 200 and answer["ok"]
        for body in ({}, {"keywords": ["oscillator", "waveform", "VCO"]}):
            status, answer = await act(served, "hana", action="topic", text="Filters", **body)
            assert (status, answer) == (409, {"ok": False, "message": "Topic unchanged"}), body
        db = served.db()
        try:
            actions = db.execute("SELECT action FROM host_actions WHERE action = 'topic'")
            assert actions.fetchall() == [("topic",)]
        finally:
            db.close()
    finally:
        await served.close()


async def test_no_screen_elsewhere_is_told_where_the_host_keeps_the_transcript(tmp_path) -> None:
    """A last read, lr3: a viewer's token was given the replay's full transcript path (the
    host's folders, their name in them) in the connection's detail."""
    folder = tmp_path / "Jane Doe shows"
    folder.mkdir()
    served = await serve(folder)
    try:
        headers = {"Authorization": "Bearer " + served.tokens["vic"]}
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/api/events", headers=headers) as ws,
        ):
            first = await ws.receive_json(timeout=5)
            seen = [json.dumps(first)]
            await served.played()
            while '"finished"' not in seen[-1]:  # the replay's connection: played through
                seen.append(json.dumps(await ws.receive_json(timeout=5)))
        assert "show.jsonl" in seen[-1]
        assert not [frame for frame in seen if "Jane" in frame or str(tmp_path) in frame]
        # A screen attaching now starts from the snapshot: the same, its file name only.
        async with (
            aiohttp.ClientSession() as session,
            session.ws_connect(served.url + "/api/events", headers=headers) as ws,
        ):
            snapshot = (await ws.receive_json(timeout=5))["snapshot"]
        assert snapshot["connections"]["replay"] == ["finished", "show.jsonl"]
    finally:
        await served.close()
