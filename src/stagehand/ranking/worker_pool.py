"""The worker processes a show's ranker runs in (ranking/worker.py): how one starts, and the
pool that hands a closed show's worker to the next show of the same process.

A worker is `stagehand.ranking.worker_process` in a fresh interpreter, started with
`subprocess` (docs/decisions.md says why not `multiprocessing`): in a session of its own with no
terminal, with this process's import path, none of the show's `STAGEHAND_*` environment, and one
end of a socket pair; what it writes to its error output is read only when it died.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import socket
import subprocess
import sys

from stagehand.ranking.channel import Channel

#: What a worker wrote on its way out that is logged (its last words: a traceback).
LAST_WORDS = 4_000
#: How long closing waits for a worker that has to be stopped.
STOP_SECONDS = 2.0
#: How the worker starts: this process's import path, then the worker's `main`. The path is
#: given whole rather than through PYTHONPATH, which would put it before the standard library.
_BOOT = (
    "import sys, json; sys.path[:] = json.loads(sys.argv[2]); "
    "from stagehand.ranking.worker_process import main; main(sys.argv)"
)


class WorkerProcess:
    """A worker interpreter (ranking/worker_process.py) and this process's end of its socket.

    One show at a time; a closed show hands it back (`release`) for the next show of this
    process, so a process that opens many shows (a test run, a host replaying several) starts one
    interpreter, not one per show. Raises OSError when it cannot start.
    """

    _idle: list[WorkerProcess] = []

    def __init__(self) -> None:
        ours, theirs = socket.socketpair()
        # The worker needs no secret: none of the show's settings from the environment.
        env = {k: v for k, v in os.environ.items() if not k.startswith("STAGEHAND_")}
        with theirs:
            try:
                self.popen = subprocess.Popen(
                    [sys.executable, "-c", _BOOT, str(theirs.fileno()), json.dumps(sys.path)],
                    pass_fds=(theirs.fileno(),),
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,  # read only if it dies: its last words
                    start_new_session=True,  # no terminal: Ctrl-C and hang-ups are the show's
                    env=env,
                )
            except BaseException:
                ours.close()
                raise
        os.set_blocking(self.popen.stderr.fileno(), False)  # type: ignore[union-attr]
        self.channel = Channel(ours, alive=lambda: self.popen.poll() is None)

    @classmethod
    def take(cls) -> WorkerProcess:
        """An idle worker of this process if one is alive, else a new one."""
        while cls._idle:
            worker = cls._idle.pop()
            if worker.popen.poll() is None:
                return worker
            worker.stop()
        return cls()

    def release(self) -> None:
        """The show is done with it: keep it for the next show (one is kept), or stop it."""
        if self.popen.poll() is None and not self._idle:
            self._idle.append(self)
        else:
            self.stop()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.channel.close()
        try:
            self.popen.wait(STOP_SECONDS)  # it leaves when its socket closes
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()

    def last_words(self) -> str:
        """What the worker wrote to its error output (a traceback when it failed), if anything."""
        try:
            written = self.popen.stderr.read(LAST_WORDS) if self.popen.stderr else None
        except OSError:
            return ""
        return (written or b"").decode("utf-8", "replace").strip()

    @classmethod
    def stop_idle(cls) -> None:
        while cls._idle:
            cls._idle.pop().stop()


atexit.register(WorkerProcess.stop_idle)
