"""Reading streamList's answer as it arrives: a JSON array whose elements come one by one.

Google's REST mapping of a server-streaming method (gRPC transcoding) answers with one JSON
array, `[{...},\n{...}\n]`, and writes each element (a `liveChatMessageListResponse`) the moment
the server has it. The array may be cut anywhere between bytes: an element is handed on only
once it is whole, so a connection that drops mid-element loses nothing that was handed on, and
the next stream resumes from the last whole element's `nextPageToken`.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Iterator
from typing import Any

#: Longest element kept waiting for its end (a page of 2,000 messages is far smaller).
MAX_PENDING_CHARS = 16_000_000


class StreamFormatError(ValueError):
    """The answer is not a JSON array of objects."""


class JsonArrayStream:
    """Feed bytes in; whole top-level elements come out, in order."""

    def __init__(self) -> None:
        self._text = ""
        self._decode = codecs.getincrementaldecoder("utf-8")("replace").decode
        self._json = json.JSONDecoder()
        self._opened = False
        self.closed = False

    def feed(self, chunk: bytes) -> Iterator[dict[str, Any]]:
        self._text += self._decode(chunk)
        while True:
            position = self._skip(0)
            if position >= len(self._text):
                self._text = ""
                return
            if not self._opened:
                if self._text[position] != "[":
                    raise StreamFormatError("the answer is not a JSON array")
                self._opened = True
                self._text = self._text[position + 1 :]
                continue
            if self._text[position] in ",":
                self._text = self._text[position + 1 :]
                continue
            if self._text[position] == "]":
                self.closed = True
                self._text = ""
                return
            try:
                element, end = self._json.raw_decode(self._text, position)
            except json.JSONDecodeError:
                if len(self._text) > MAX_PENDING_CHARS:
                    raise StreamFormatError("an element of the answer never ends") from None
                return  # the rest of the element has not arrived yet
            self._text = self._text[end:]
            if not isinstance(element, dict):
                raise StreamFormatError("an element of the answer is not an object")
            yield element

    def _skip(self, position: int) -> int:
        text = self._text
        while position < len(text) and text[position] in " \t\r\n":
            position += 1
        return position
