"""Faults the hosts must see plainly: a database that stops taking writes, a platform that
fails with a secret in its error text. Neither may crash the console or show the secret."""

from __future__ import annotations

import os
import subprocess

import pytest

from conftest import RecordingAdapter, actions_done, open_console, played, screen_text
from stagehand.logs import register_secret


class Freezer:
    """Makes files unwritable even for root (chattr +i), and writable again."""

    def __init__(self) -> None:
        self.frozen: list = []

    def freeze(self, path) -> None:
        if os.geteuid() != 0:
            path.chmod(0o444)
        elif subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
            pytest.skip("cannot make a read-only file here (root without chattr +i)")
        self.frozen.append(path)

    def thaw(self) -> None:
        for path in self.frozen:
            if os.geteuid() == 0:
                subprocess.run(["chattr", "-i", str(path)], check=False)
            path.chmod(0o644)
        self.frozen.clear()


@pytest.fixture
def freezer():
    frozen = Freezer()
    yield frozen
    frozen.thaw()


async def test_a_database_that_stops_taking_writes_is_said_in_the_console(
    tmp_path, show_file, freezer
):
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(100, 30)) as pilot:
        await played(console, pilot)
        assert console.live.flush()
        freezer.freeze(tmp_path / "show.db-wal")  # where WAL mode writes first
        live = console.live
        live.start_segment("late")  # a change the writer cannot store yet
        try:
            for _ in range(100):
                await pilot.pause(0.05)
                if "Storage problem" in screen_text(console.app):
                    break
            text = screen_text(console.app)
            assert "Storage problem: cannot write the database" in text
            assert console.app.is_running  # no traceback, the show goes on
        finally:
            freezer.thaw()
        # and once the file is writable again, nothing queued was lost
        assert live.flush(15)
        assert console.db().execute("SELECT title FROM segments WHERE title = 'late'").fetchone()


class LeakyAdapter(RecordingAdapter):
    """A platform library whose error message carries the token (twitchio's do, in URLs)."""

    async def reply(self, comment, text):
        raise RuntimeError("POST https://api.example/chat?access_token=tok-SECRET-123456 failed")


async def test_a_secret_in_a_platform_error_never_reaches_the_screen(tmp_path, show_file):
    register_secret("tok-SECRET-123456")
    console = open_console(tmp_path / "show.db", show_file, adapters=(LeakyAdapter(),))
    async with console.app.run_test(size=(100, 30)) as pilot:
        await played(console, pilot)
        await pilot.press("j", "r")  # select the top comment, reply to it
        await pilot.pause()
        await pilot.press(*"thanks!")
        await pilot.press("enter")
        await actions_done(pilot)
        await pilot.pause(0.2)
        text = screen_text(console.app)
        assert "RuntimeError" in text  # the host is told the reply failed...
        assert "tok-SECRET-123456" not in text  # ...without the token
        (outcome,) = (
            console.db()
            .execute("SELECT outcome FROM host_actions WHERE action = 'reply'")
            .fetchone()
        )
        assert outcome.startswith("failed:") and "tok-SECRET-123456" not in outcome


async def test_a_task_that_fails_says_why_in_words_and_where_the_details_are(
    tmp_path, show_file, monkeypatch
):
    """A task of the console fails (here the counting of the header's numbers breaks: a fault
    put in its place, as a bug would): the notice says what stopped and why, as words, and
    where the traceback is; no Python class name reaches the screen."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(140, 36)) as pilot:
        await played(console, pilot)

        def broken(*args: object, **kwargs: object) -> None:
            raise ValueError("the counting broke")

        monkeypatch.setattr("stagehand.show.participation.show_metrics", broken)
        worker = console.app.refresh_metrics()
        while worker.is_running or worker.state.name == "PENDING":
            await pilot.pause(0.01)
        console.app.redraw()
        await pilot.pause()
        line = screen_text(console.app).splitlines()[-2:]
        said = " ".join(line)
        assert "metrics stopped: the counting broke" in said, said
        assert "the details are in the log" in said, said
        assert "Error" not in said, said


async def test_a_damaged_database_under_the_header_numbers_is_said_in_one_plain_line(
    tmp_path, show_file
):
    """The database file damaged under the show: the header's numbers say what is wrong and
    what to do, with no Python class name (they used to stop: "metrics stopped: file is not a
    database")."""
    console = open_console(tmp_path / "show.db", show_file)
    async with console.app.run_test(size=(140, 36)) as pilot:
        await played(console, pilot)
        (tmp_path / "show.db").write_bytes(b"not a database " * 500)
        worker = console.app.refresh_metrics()
        while worker.is_running or worker.state.name == "PENDING":
            await pilot.pause(0.01)
        console.app.redraw()
        await pilot.pause()
        said = [n.text for n in console.app.state.notices]
        assert any(
            text.startswith("The participation numbers cannot be read from the show's database")
            and "missing, moved or damaged" in text
            for text in said
        ), said
        assert not any("Error" in text or "stopped" in text for text in said), said
