"""Reading a transcript from a known place: how a replay resumes where its stored show ends.

A replay records, in the same transaction as the rows it stores, how far into its transcript the
stored show goes: a `TranscriptPosition` (the byte offset after the last line played, that line's
number, and a digest of every byte before the offset). Resuming checks the digest against the
file and seeks straight there; an edited or different transcript is played from its start instead
(nothing is stored twice either way: the database's unique keys decide).

Lines are decoded by `transcript.iter_events`, the same as `read_transcript`; this module only
adds the byte positions, which a text-mode file cannot give while it is iterated.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from stagehand.transcript import TranscriptError, TranscriptEvent, iter_events

#: A line longer than this is no chat event: it is skipped (and cannot eat all memory).
MAX_LINE_BYTES = 1 << 20
#: A "line" that runs on past this is not a transcript at all (say, /dev/zero): stop reading.
GIVE_UP_BYTES = 64 * MAX_LINE_BYTES
_CHUNK = 1 << 16
_READ_BUFFER = 1 << 20


def _new_digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=20)


@dataclass(frozen=True, slots=True)
class TranscriptPosition:
    """Where a replay got to: `offset` bytes (the first `line` lines) played, their `digest`."""

    offset: int
    line: int
    digest: str


def position_holds(path: Path, position: TranscriptPosition) -> bool:
    """True if the file's first `position.offset` bytes are the ones the position was taken on."""
    digest = _new_digest()
    left = position.offset
    try:
        with path.open("rb") as handle:
            while left > 0:
                chunk = handle.read(min(left, _CHUNK * 16))
                if not chunk:
                    return False
                digest.update(chunk)
                left -= len(chunk)
    except OSError:
        return False
    return digest.hexdigest() == position.digest


@dataclass(frozen=True, slots=True)
class Mark:
    """Where the reader was right after one event's line (the digest is worked out on demand)."""

    offset: int
    line: int
    digest: hashlib.blake2b

    def position(self) -> TranscriptPosition:
        return TranscriptPosition(self.offset, self.line, self.digest.hexdigest())


class TranscriptReader:
    """A transcript's events in file order, from its start or from a position (checked first
    with `position_holds`); `position()` says how far the events given out so far reach, and
    `marked()` gives each event with its own place."""

    def __init__(
        self,
        path: Path,
        *,
        start: TranscriptPosition | None = None,
        on_error: Callable[[TranscriptError], None] | None = None,
    ) -> None:
        self.path = path
        self.start = start
        self._on_error = on_error
        self._offset = start.offset if start else 0
        self._line = start.line if start else 0
        self._digest = _new_digest()
        self.size: int | None = None

    @property
    def offset(self) -> int:
        """Bytes read so far (for progress)."""
        return self._offset

    def position(self) -> TranscriptPosition:
        """How far the events given out so far reach (the line of the last one included)."""
        return TranscriptPosition(self._offset, self._line, self._digest.hexdigest())

    def marked(self) -> Iterator[tuple[TranscriptEvent, Mark]]:
        """Each event with the place right after its line."""
        for event in self:
            yield event, Mark(self._offset, self._line, self._digest.copy())

    def __iter__(self) -> Iterator[TranscriptEvent]:
        # A big buffer: each refill lets the writer thread take the GIL for a while.
        with self.path.open("rb", buffering=_READ_BUFFER) as handle:
            stat = os.fstat(handle.fileno())
            self.size = stat.st_size or None
            if self.start is not None:
                self._hash_prefix(handle, self.start.offset)
            yield from iter_events(
                self._lines(handle),
                source=str(self.path),
                on_error=self._on_error,
                first_line=self._line + 1,
            )

    def _hash_prefix(self, handle: BinaryIO, offset: int) -> None:
        left = offset
        while left > 0:
            chunk = handle.read(min(left, _CHUNK * 16))
            if not chunk:
                break
            self._digest.update(chunk)
            left -= len(chunk)

    def _lines(self, handle: BinaryIO) -> Iterator[str]:
        """Decoded lines; a line that is too long or not UTF-8 is reported and given as blank
        (so line numbers stay right and `iter_events` skips it)."""
        while True:
            raw = handle.readline(MAX_LINE_BYTES + 1)
            if not raw:
                return
            self._took(raw)
            if len(raw) > MAX_LINE_BYTES and not raw.endswith(b"\n"):
                self._skip_rest_of_line(handle)
                self._report(f"line longer than {MAX_LINE_BYTES:,} bytes")
                yield ""
                continue
            try:
                yield raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self._report(f"not UTF-8 text (byte {exc.start + 1} of the line)")
                yield ""

    def _took(self, raw: bytes) -> None:
        self._digest.update(raw)
        self._offset += len(raw)
        self._line += 1

    def _skip_rest_of_line(self, handle: BinaryIO) -> None:
        skipped = 0
        while True:
            raw = handle.readline(_CHUNK)
            if not raw:
                return
            self._digest.update(raw)
            self._offset += len(raw)
            if raw.endswith(b"\n"):
                return
            skipped += len(raw)
            if skipped > GIVE_UP_BYTES:
                raise TranscriptError(
                    f"{self.path}:{self._line}: not a transcript (a line runs on past "
                    f"{GIVE_UP_BYTES // (1 << 20)} MiB)"
                )

    def _report(self, reason: str) -> None:
        error = TranscriptError(f"{self.path}:{self._line}: {reason}")
        if self._on_error is None:
            raise error
        self._on_error(error)
