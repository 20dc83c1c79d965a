"""A token named `host` made before `token create` refused that name (what every screen calls
the show's own console): the show refuses it in plain words, and `token list` and doctor say
how to replace it (a last read, lr3: a deck with such a token acted as the host's own console,
and its actions read as the host's in the log)."""

from __future__ import annotations

from showserver import act, call, serve
from test_attach import attach_in_a_child

from doctor_run import line
from fakes.show_runs import stagehand
from stagehand.server.access import AccessTokens, Role, TokenEntry, digest

OLD_SECRET = "sh_oldhosttoken_abcdefghijklmnopqrstuvwxyz0123456789"


def a_token_named_host_from_before() -> None:
    """What the token file holds when `host` was made before the name was refused."""
    access = AccessTokens()
    entries = access.entries()
    entries.append(TokenEntry("host", Role.PRODUCER, digest(OLD_SECRET), "2026-11-01T00:00:00Z"))
    access._write(entries)  # `create` refuses the name now; the file held it from before


async def test_the_show_refuses_a_token_named_host_saying_how_to_replace_it(tmp_path) -> None:
    served = await serve(tmp_path)
    try:
        await served.played()
        a_token_named_host_from_before()
        served.tokens["host"] = OLD_SECRET
        status, body = await act(served, "host", action="dismiss", comment_id="m2")
        assert status == 401 and not body["ok"], body
        assert "stagehand token revoke host" in body["message"]
        assert "another name" in body["message"]
        # Nothing was done by it: the comment is still in the queue.
        _, state = await call(served, "GET", "/api/state", served.tokens["hana"])
        assert "m2" in str(state["queue"])
    finally:
        await served.close()


def test_token_list_and_doctor_say_a_token_named_host_is_refused() -> None:
    a_token_named_host_from_before()
    listed = stagehand("token", "list", timeout=60)
    assert listed.returncode == 0, listed.stderr
    host_line = next(row for row in listed.stdout.splitlines() if row.startswith("host "))
    assert "refused by the show" in host_line and "stagehand token revoke host" in host_line

    done = stagehand("doctor", "--offline", timeout=60)
    assert "Traceback" not in done.stderr
    found = line(done.stdout, "show server tokens")
    assert found.split()[0] == "FIX", found
    after = done.stdout.split(found, 1)[1]
    assert "stagehand token revoke host" in found + after


async def test_attach_with_a_token_named_host_says_how_to_replace_it(tmp_path) -> None:
    """`stagehand attach` with such a token printed the generic "refused the token (wrong, or
    revoked)", while the API, `token list` and doctor give the fix: it gives the same fix."""
    served = await serve(tmp_path)
    try:
        await served.played()
        a_token_named_host_from_before()
        code, _, err = await attach_in_a_child(served.url, OLD_SECRET)
        said = err.decode().strip()
        assert code != 0 and b"Traceback" not in err, said
        assert len(said.splitlines()) == 1, said
        assert "stagehand token revoke host" in said and "another name" in said, said
        assert "wrong, or revoked" not in said
    finally:
        await served.close()
