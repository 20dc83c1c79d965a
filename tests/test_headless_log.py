"""A show with no console: the log file keeps everything, the terminal gets one line a problem."""

from __future__ import annotations

import contextlib
import logging

import pytest

from stagehand.logs import configure_logging


@pytest.fixture
def restore_logging():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    for handler in list(root.handlers):
        root.removeHandler(handler)
        handler.close()
    for handler in handlers:
        root.addHandler(handler)
    root.setLevel(level)


def test_headless_warnings_are_one_line_each_and_the_log_file_has_the_rest(
    restore_logging: None, capsys: pytest.CaptureFixture[str]
) -> None:
    path = configure_logging(to_file=True, echo_warnings=True)
    assert path is not None
    try:
        raise RuntimeError("the adapter broke")
    except RuntimeError:
        logging.getLogger("stagehand.show.platforms").exception("twitch adapter stopped")
    # Said by the headless status lines (`twitch: failed (...)`, the `Error:` line): not twice.
    logging.getLogger("stagehand.adapters.connection").error("twitch: token refused")
    logging.getLogger("stagehand.adapters.connection").info("twitch: chat ended")
    logging.getLogger("discord.client").warning(
        "PyNaCl is not installed, voice will NOT be supported"
    )
    logging.getLogger("stagehand.replay").info("played 10 lines")
    for handler in logging.getLogger().handlers:
        handler.flush()

    [line] = capsys.readouterr().err.splitlines()
    assert line.endswith(f"twitch adapter stopped (the details are in {path})")
    log = path.read_text()
    assert "Traceback" in log and "RuntimeError: the adapter broke" in log
    assert "twitch: token refused" in log and "twitch: chat ended" in log
    assert "played 10 lines" in log
    assert "voice will NOT be supported" not in log  # stagehand never uses voice


def test_a_log_file_that_cannot_be_written_says_nothing_on_the_terminal(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A full disk (here /dev/full): the show says in one line what to fix; the log file's
    handler must not add logging's "--- Logging error ---" and a traceback for every record."""
    from stagehand.logs import QuietFileHandler

    handler = QuietFileHandler("/dev/full", encoding="utf-8")
    log = logging.getLogger("stagehand.test.full")
    log.addHandler(handler)
    log.propagate = False
    try:
        for n in range(3):
            log.warning("record %d", n)
    finally:
        log.removeHandler(handler)
        with contextlib.suppress(OSError):  # closing flushes again: /dev/full refuses that too
            handler.close()
    captured = capsys.readouterr()
    assert "Logging error" not in captured.err and "Traceback" not in captured.err
