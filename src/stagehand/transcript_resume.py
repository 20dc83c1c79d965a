"""Reading a transcript from a known place: how a replay resumes where its stored show ends.

A replay records, in the same transaction as the rows it stores, how far into its transcript the
stored show goes: a `TranscriptPosition` (the byte offset after the last line played, that line's
number, and a digest of every byte before the offset). Resuming checks the digest against the
file and seeks straight there; an edited or different transcript is played from its start instead
(nothing is stored twice either way: the database's unique keys decide).

Lines are read by `transcript.read_lines` and decoded by `transcript.iter_events`, the same as
`read_transcript` does; this module only counts the bytes they read, and digests them.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from stagehand.domain import TranscriptPosition
from stagehand.transcript import TranscriptError, TranscriptEvent, iter_events, read_lines

_CHUNK = 1 << 20
#: A big buffer: each refill lets the writer thread take the GIL for a while.
_READ_BUFFER = 1 << 20


def _new_digest() -> hashlib.blake2b:
    return hashlib.blake2b(digest_size=20)


def position_holds(path: Path, position: TranscriptPosition) -> bool:
    """True if the file's first `position.offset` bytes are the ones the position was taken on."""
    digest = _new_digest()
    left = position.offset
    try:
        with path.open("rb") as handle:
            while left > 0:
                chunk = handle.read(min(left, _CHUNK))
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
        #: Where the file's last line starts, when it has no line break (it may be cut off: a
        #: recording still being written, a copy cut short).
        self._unterminated_at: TranscriptPosition | None = None
        #: Set when that line could not be read: how far the events really reach.
        self._incomplete_at: TranscriptPosition | None = None
        self._at_line_start = True

    @property
    def offset(self) -> int:
        """Bytes read so far (for progress)."""
        return self._offset

    def position(self) -> TranscriptPosition:
        """How far the events given out so far reach (the line of the last one included). A
        last line cut off mid-way is not included: it is played once the file is complete."""
        if self._incomplete_at is not None:
            return self._incomplete_at
        return TranscriptPosition(self._offset, self._line, self._digest.hexdigest())

    def marked(self) -> Iterator[tuple[TranscriptEvent, Mark]]:
        """Each event with the place right after its line."""
        for event in self:
            yield event, Mark(self._offset, self._line, self._digest.copy())

    def __iter__(self) -> Iterator[TranscriptEvent]:
        with self.path.open("rb", buffering=_READ_BUFFER) as handle:
            self.size = os.fstat(handle.fileno()).st_size or None
            if self.start is not None:
                self._hash_prefix(handle, self.start.offset)
            yield from iter_events(
                self._lines(_Counted(handle, self)),
                source=str(self.path),
                on_error=self._bad_line,
                first_line=self._line + 1,
            )

    def _bad_line(self, error: TranscriptError) -> None:
        if self._unterminated_at is not None:  # only the file's last line can be unterminated
            self._incomplete_at = self._unterminated_at
            error = TranscriptError(
                f"{error}; the file ends in the middle of this line, so it is not counted as "
                "played: replaying the file once it is complete plays it"
            )
        if self._on_error is None:
            raise error
        self._on_error(error)

    def _hash_prefix(self, handle: BinaryIO, offset: int) -> None:
        left = offset
        while left > 0:
            chunk = handle.read(min(left, _CHUNK))
            if not chunk:
                break
            self._digest.update(chunk)
            left -= len(chunk)

    def _lines(self, handle: _Counted) -> Iterator[bytes | None]:
        for line in read_lines(handle, source=str(self.path)):  # type: ignore[arg-type]
            self._line += 1
            yield line

    def _took(self, raw: bytes, *, unterminated: bool) -> None:
        if unterminated and self._at_line_start:  # (not the tail of an endless line: skipped)
            self._unterminated_at = TranscriptPosition(
                self._offset, self._line, self._digest.hexdigest()
            )
        self._at_line_start = raw.endswith(b"\n")
        self._digest.update(raw)
        self._offset += len(raw)


class _Counted:
    """The transcript file as `read_lines` reads it, every byte counted and digested."""

    def __init__(self, handle: BinaryIO, reader: TranscriptReader) -> None:
        self._handle = handle
        self._reader = reader

    def readline(self, limit: int = -1) -> bytes:
        line = self._handle.readline(limit)
        # Short of the limit and with no line break: the file ends there.
        unterminated = bool(line) and not line.endswith(b"\n") and (limit < 0 or len(line) < limit)
        self._reader._took(line, unterminated=unterminated)
        return line
