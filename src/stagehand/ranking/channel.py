"""The show's end of the socket to its ranker's worker: pickled messages framed as
`multiprocessing.connection` frames them (a 4-byte big-endian length, then the bytes), so the
worker can read them with a plain blocking `Connection`.

The show's end never blocks for long: the socket is non-blocking, and while a message cannot be
written (the worker is busy, or its answers fill the other direction) whatever the worker sent
is read into an inbox. So neither side can block the other whatever the sockets' buffer sizes
(8 KiB on some systems), and a worker that stops reading is noticed: `send` and `receive` give
up after a deadline or as soon as `alive()` says the worker is gone (`WorkerGone`).
"""

from __future__ import annotations

import contextlib
import pickle
import select
import socket
import struct
import time
from collections import deque
from collections.abc import Callable
from typing import Any

_HEADER = struct.Struct("!i")
_LONG_HEADER = struct.Struct("!Q")
#: How much of the socket is read at a time.
_CHUNK = 1 << 16
#: How often a wait checks the worker is still there.
POLL_SECONDS = 0.5
#: Socket buffers asked for (the system may give less; nothing depends on it).
BUFFER_BYTES = 1 << 20


class WorkerGone(Exception):
    """The worker closed its end, died, or did not answer in time; the message says which."""


class Channel:
    def __init__(self, sock: socket.socket, alive: Callable[[], bool]) -> None:
        for option in (socket.SO_SNDBUF, socket.SO_RCVBUF):
            # A smaller buffer than asked only means more turns of the loops below.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, option, BUFFER_BYTES)
        sock.setblocking(False)
        self._sock = sock
        self._alive = alive
        self._inbox = bytearray()
        self._messages: deque[Any] = deque()
        self._closed = False

    def fileno(self) -> int:
        return self._sock.fileno()

    def close(self) -> None:
        self._closed = True
        self._sock.close()

    # -- sending -------------------------------------------------------------------------------

    def send(self, message: object, deadline_seconds: float) -> None:
        """Write `message` whole, reading what the worker sends meanwhile; `WorkerGone` if it
        cannot be written within `deadline_seconds` or the worker is gone."""
        payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
        size = len(payload)
        header = (
            _HEADER.pack(size) if size <= 0x7FFFFFFF else _HEADER.pack(-1) + _LONG_HEADER.pack(size)
        )
        data = memoryview(header + payload)
        deadline = time.monotonic() + deadline_seconds
        while data:
            try:
                sent = self._sock.send(data)
            except BlockingIOError:
                sent = 0
            except OSError as exc:
                raise WorkerGone(type(exc).__name__) from exc
            data = data[sent:]
            if data:
                self._wait(writing=True, deadline=deadline)

    # -- receiving -----------------------------------------------------------------------------

    def ready(self) -> bool:
        """Whether a whole message has arrived (reading what is there, never waiting)."""
        if not self._messages:
            self._read_available()
        return bool(self._messages)

    def receive(self, deadline_seconds: float) -> Any:
        """The next message, waiting for it; `WorkerGone` past the deadline or if it is gone."""
        deadline = time.monotonic() + deadline_seconds
        while not self.ready():
            self._wait(writing=False, deadline=deadline)
        return self._messages.popleft()

    def _wait(self, *, writing: bool, deadline: float) -> None:
        """Wait until the socket can be read (or written, when `writing`), for at most one poll;
        read what arrived. `WorkerGone` if the deadline passed or the worker is gone."""
        if time.monotonic() > deadline:
            raise WorkerGone("no answer in time")
        if not self._alive():
            raise WorkerGone("it exited")
        # poll, not select: select refuses descriptors above 1023 (a show may hold more files).
        poller = select.poll()
        poller.register(self._sock, select.POLLIN | (select.POLLOUT if writing else 0))
        try:
            events = poller.poll(POLL_SECONDS * 1000)
        except (OSError, ValueError) as exc:
            raise WorkerGone(f"cannot wait for it ({exc})") from exc
        if any(event & ~select.POLLOUT for _, event in events):  # data, end of file, an error
            self._read_available()

    def _read_available(self) -> None:
        while True:
            try:
                chunk = self._sock.recv(_CHUNK)
            except BlockingIOError:
                break
            except OSError as exc:
                raise WorkerGone(type(exc).__name__) from exc
            if not chunk:
                raise WorkerGone("it closed its end")
            self._inbox += chunk
            if len(chunk) < _CHUNK:
                break
        self._unframe()

    def _unframe(self) -> None:
        inbox = self._inbox
        start = 0
        while len(inbox) - start >= _HEADER.size:
            (size,) = _HEADER.unpack_from(inbox, start)
            body = start + _HEADER.size
            if size == -1:
                if len(inbox) - body < _LONG_HEADER.size:
                    break
                (size,) = _LONG_HEADER.unpack_from(inbox, body)
                body += _LONG_HEADER.size
            if len(inbox) - body < size:
                break
            self._messages.append(pickle.loads(inbox[body : body + size]))
            start = body + size
        if start:
            del inbox[:start]
