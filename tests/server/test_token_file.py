"""The show server's token file broken while a show runs, and an attached console's dead token.

A token file that does not read (a bad edit, a half-copied backup) is not every token revoked:
the show says so once (log and screens, never the file's content), callers get 503 saying the
show's token file is unreadable, attached consoles wait for the show as for a show that went
away, and all of them are back by themselves once the file is restored.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from showserver import call, played, serve, write_show
from test_attach import attach_in_a_child, console_of, until
from textual.pilot import Pilot

from fakes.show_runs import stagehand
from stagehand.console.app import StagehandApp
from stagehand.events import Notice
from stagehand.server.access import AccessTokens, Role, default_tokens_path

BROKEN = "{broken"


def break_token_file() -> str:
    """The file as a bad edit leaves it; what it held (to restore it)."""
    path = default_tokens_path()
    kept = path.read_text("utf-8")
    path.write_text(BROKEN, "utf-8")
    return kept


def restore_token_file(kept: str) -> None:
    path = default_tokens_path()
    path.write_text(kept, "utf-8")
    path.chmod(0o600)


@asynccontextmanager
async def connected_console(tmp_path: Path) -> AsyncIterator[tuple[StagehandApp, Pilot]]:
    """alice's console (a producer) attached to a show played through, and connected."""
    async with played(tmp_path) as served, console_of(served, "alice") as (_, app, pilot):
        await until(lambda: app.state.connections["show"][0] == "connected", 3, pilot)
        yield app, pilot


async def test_an_unreadable_token_file_is_said_once_and_answered_503_not_revoked(
    tmp_path,
) -> None:
    served = await serve(tmp_path)
    said: list[Notice] = []
    served.live.add_listener(lambda e: said.append(e) if isinstance(e, Notice) else None)
    try:
        await served.played()
        kept = break_token_file()
        for _ in range(3):  # a Stream Deck pressing, a console polling: said once
            status, body = await call(served, "GET", "/api/state", served.tokens["alice"])
            assert status == 503, body
            assert "token file is unreadable" in body["message"]
            assert "revoked" not in body["message"] and "broken" not in body["message"]
            assert str(default_tokens_path()) not in body["message"]  # no paths to callers
        await until(lambda: len(said) >= 1)
        assert [n.level for n in said] == ["warning"]
        assert "token file is unreadable" in said[0].text
        assert str(default_tokens_path()) in said[0].here  # the host's own console: where
        assert all(BROKEN not in n.text + n.here for n in said)
        assert all(t not in n.text + n.here for n in said for t in served.tokens.values())

        restore_token_file(kept)
        status, body = await call(served, "GET", "/api/state", served.tokens["alice"])
        assert status == 200, body
        await until(lambda: len(said) == 2)
        assert said[1].level == "info" and "reads again" in said[1].text
        # A token unknown to a readable file is still refused as one.
        status, body = await call(served, "GET", "/api/state", "shs_not-one-of-ours")
        assert status == 401
    finally:
        await served.close()


async def test_attached_consoles_wait_out_a_broken_token_file_and_come_back_by_themselves(
    tmp_path,
) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        kept = break_token_file()
        # Within the socket's token check (2 s): away, not refused for good.
        await until(
            lambda: app.state.connections["show"][0] == "reconnecting",
            seconds=6,
            pilot=pilot,
            said=lambda: app.state.connections["show"],
        )
        await until(
            lambda: "token file is unreadable" in app.state.connections["show"][1],
            seconds=6,
            pilot=pilot,
            said=lambda: app.state.connections["show"],
        )
        assert app.state.connections["show"][0] != "failed"
        assert not any("revoked" in n.text for n in app.state.notices)
        restore_token_file(kept)
        await until(
            lambda: app.state.connections["show"][0] == "connected",
            seconds=10,
            pilot=pilot,
            said=lambda: app.state.connections["show"],
        )


async def test_a_key_on_a_console_whose_token_was_revoked_says_so_not_press_again(
    tmp_path,
) -> None:
    async with connected_console(tmp_path) as (app, pilot):
        AccessTokens().revoke("alice")
        await until(lambda: app.state.connections["show"][0] == "failed", 8, pilot)
        told = len(app.state.notices)
        await pilot.press("home", "d")
        await until(
            lambda: len(app.state.notices) > told,
            seconds=3,
            pilot=pilot,
        )
        said = " ".join(n.text for n in list(app.state.notices)[told:])
        assert "revoked" in said and "a new token and attach again" in said
        assert "press again" not in said


def test_attach_over_https_to_a_plain_http_show_says_use_http(tmp_path) -> None:
    """Typing https:// for a show served over http:// is named as such, with the address to
    use, not blamed on the show not running."""
    import asyncio

    async def attach_https() -> tuple[int, str, str]:
        served = await serve(tmp_path)
        try:
            https = served.url.replace("http://", "https://")
            code, _, stderr = await attach_in_a_child(https, served.tokens["alice"])
            return code, stderr.decode(), served.url
        finally:
            await served.close()

    code, stderr, plain = asyncio.run(attach_https())
    assert code == 2
    assert "serves http://" in stderr and f"try {plain}" in stderr, stderr
    assert "is the show running?" not in stderr and "WRONG_VERSION" not in stderr
    assert "Traceback" not in stderr


def test_doctor_checks_the_show_servers_token_file() -> None:
    """Before, doctor looked only at the platforms' token store: a show server's token file
    that did not read passed, and every console was refused on the night."""
    from doctor_run import line

    def doctor_line() -> str:
        done = stagehand("doctor", "--offline", timeout=60)
        assert "Traceback" not in done.stderr
        found = line(done.stdout, "show server tokens")
        after = done.stdout.split(found, 1)[1].lstrip("\n").split("\n", 1)[0]
        return found + (f" {after.strip()}" if after.strip().startswith("->") else "")

    path = default_tokens_path()
    assert doctor_line().split()[0] == "ok"  # none made yet: nothing to fix
    AccessTokens().create("alice", Role.PRODUCER)
    found = doctor_line()
    assert found.split()[0] == "ok" and "owner-only" in found and "1 live token" in found

    kept = break_token_file()
    found = doctor_line()
    assert found.split()[0] == "FIX" and "unreadable (not valid JSON)" in found
    assert str(path) in found and "move it aside" in found
    assert BROKEN not in found and "Error" not in found  # plain words, no Python class name

    restore_token_file(kept)
    path.chmod(0o644)
    found = doctor_line()
    assert found.split()[0] == "FIX" and f"chmod 600 {path}" in found


def test_a_show_started_with_an_unreadable_token_file_says_so_at_once(tmp_path) -> None:
    """Not only at the first console's knock: the host reads it when the show starts."""
    path = default_tokens_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(BROKEN, "utf-8")
    transcript = write_show(tmp_path / "show.jsonl")
    done = stagehand("replay", str(transcript), "--instant", "--headless")
    assert done.returncode == 0, done.stderr
    warned = [x for x in done.stderr.splitlines() if "cannot check tokens" in x]
    assert len(warned) == 1 and str(path) in warned[0] and BROKEN not in warned[0], done.stderr


def test_a_token_file_the_system_will_not_read_is_named_in_plain_words_with_its_own_fix() -> None:
    """It said "unreadable (IsADirectoryError)" or "(PermissionError)", a Python class name, and
    advised moving a file aside that only needed its owner or mode put right."""
    from doctor_run import line

    path = default_tokens_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.mkdir()  # a copy that made a folder of it
    done = stagehand("doctor", "--offline", timeout=60)
    found = line(done.stdout, "show server tokens")
    fix = done.stdout.split(found, 1)[1].lstrip("\n").split("\n", 1)[0]
    assert (
        found.split()[0] == "FIX"
        and f"{path}: the token file is unreadable (Is a directory)" in found
    )
    assert "Error" not in found + fix
    assert fix.strip() == f"-> {path} is a folder: move it aside and create the tokens again"


def test_a_token_file_it_may_not_read_asks_for_its_owner_and_mode_not_a_new_file(
    monkeypatch,
) -> None:
    """A file owned by another user (restored as root, say): the fix is chown and chmod. Made
    as the system answers it (the tests run as root, who reads any file: this is the one way)."""
    import getpass
    from pathlib import Path

    from stagehand.server.access import doctor_check

    path = default_tokens_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"tokens": []}', "utf-8")
    path.chmod(0o600)
    read_text = Path.read_text

    def refused(self: Path, *args: object, **kwargs: object) -> str:
        if self == path:
            raise PermissionError(13, "Permission denied", str(path))
        return read_text(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Path, "read_text", refused)
    check = doctor_check()
    assert not check.ok
    assert check.detail.startswith(f"{path}: the token file is unreadable (Permission denied)")
    user = getpass.getuser()
    assert check.fix == (
        f"let {user}, who runs the show, read it: chown {user} {path} && chmod 600 {path}"
    )
    assert "move it aside" not in check.fix and "Error" not in check.detail + check.fix


def test_a_token_file_without_read_permission_is_named_so_by_doctor() -> None:
    """The same as a user meets it (not as root, who reads any file)."""
    import os

    import pytest

    from doctor_run import line

    if os.geteuid() == 0:
        pytest.skip("root reads a file whatever its mode")
    path = default_tokens_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"tokens": []}', "utf-8")
    path.chmod(0o000)
    done = stagehand("doctor", "--offline", timeout=60)
    path.chmod(0o600)
    found = line(done.stdout, "show server tokens")
    assert "unreadable (Permission denied)" in found and "Error" not in found
    assert f"chmod 600 {path}" in done.stdout.split(found, 1)[1]
