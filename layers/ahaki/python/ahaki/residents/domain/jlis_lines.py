"""The lines of an exchange file, from its bytes: linear in the size, bounded per line, never raising.

The file arrives as chunks of bytes (S3's stream). Each line is cut at ``\\n`` and decoded as
UTF-8 with ``surrogateescape``: a byte that is not UTF-8 (a Shift_JIS file, a character cut in
two) becomes a lone surrogate instead of an exception, and the codec refuses any value holding
one. A line longer than ``MAX_LINE_BYTES`` is never assembled: its bytes are dropped as they come
and the line is replaced by ``OVERLONG`` and the line's first bytes (so the codec can tell whose
row it was), which the codec refuses with its own reason. So one
50 MB line costs what 50 MB of short lines cost (botocore's ``iter_lines`` is quadratic in the
length of a line). The SHA-256 of every byte read is kept, so a re-sent file can be told apart.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from operator import methodcaller

# A result row holds 18 fields, the longest 200 characters (3 bytes each in UTF-8): ~2 KB.
MAX_LINE_BYTES = 8192
OVERLONG = "\x00overlong"  # the first field of a line over the bound; no real line starts so (NUL)
HEAD = 64  # bytes of an overlong line kept: its record type, number and subject_reference
_decode = methodcaller("decode", "utf-8", "surrogateescape")


def _overlong(head: bytes) -> str:
    return f"{OVERLONG},{_decode(head[:HEAD])}"


class TextLines:
    """Iterate once for the lines (without their ``\\n``); afterwards ``digest`` and ``size``."""

    def __init__(self, chunks: Iterable[bytes], limit: int = MAX_LINE_BYTES) -> None:
        self._chunks = chunks
        self._limit = limit
        self._hash = hashlib.sha256()
        self.size = 0

    @property
    def digest(self) -> str:
        """SHA-256 (hex) of the bytes read so far: the whole file once iteration has ended."""
        return self._hash.hexdigest()

    def __iter__(self) -> Iterator[str]:
        limit = self._limit
        pending: list[bytes] = []  # the pieces of the line not ended yet
        pending_size = 0
        head: bytes | None = None  # set once the pending line passed the bound: its bytes are dropped
        for chunk in self._chunks:
            self._hash.update(chunk)
            self.size += len(chunk)
            parts = chunk.split(b"\n")
            if len(parts) == 1:  # no line ends in this chunk
                if head is None:
                    pending.append(chunk)
                    pending_size += len(chunk)
                    if pending_size > limit:
                        head, pending = b"".join(pending)[:HEAD], []
                continue
            first, middle, last = parts[0], parts[1:-1], parts[-1]
            if head is not None:
                yield _overlong(head)
            elif pending_size + len(first) > limit:
                yield _overlong(b"".join(pending)[:HEAD] + first[:HEAD])
            else:
                yield _decode(b"".join([*pending, first]))
            if middle and max(map(len, middle)) <= limit:
                yield from map(_decode, middle)  # the common case: every line short, no step per line
            else:
                yield from (_overlong(line) if len(line) > limit else _decode(line) for line in middle)
            pending_size = len(last)
            head, pending = (last[:HEAD], []) if pending_size > limit else (None, [last])
        if head is not None:
            yield _overlong(head)
        elif pending_size:
            yield _decode(b"".join(pending))
