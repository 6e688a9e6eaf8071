"""The PDF standard filters that can hide a name a viewer acts on (ISO 32000-2 7.4): Flate, LZW,
RunLength, ASCIIHex and ASCII85, each decoding what it can of a stream within one budget shared by
every stream of a file. A filter stops at its own end marker, at the first byte it cannot read (a
lenient viewer shows what came before the break) or at the budget, never raises. Image-only
filters (DCT, JPX, JBIG2, CCITTFax) end a chain: their output is pixels, not PDF syntax. Unknown
and crypt filters pass the data on unchanged, as pdf.js does (and as an Identity crypt filter is).

Pure, and bounded: Flate, ASCIIHex and ASCII85 run in zlib, binascii and base64 a piece at a time;
LZW and RunLength need a loop per code or run, each counted against the budget's steps."""

from __future__ import annotations

import binascii
import re
import sys
import zlib
from array import array
from collections.abc import Callable, Sequence
from dataclasses import dataclass

BytesLike = bytes | bytearray | memoryview
PIECE = 64 * 1024  # raw bytes fed to a decoder at a time: the peak is the output, not the input too
WHITE_SPACE = b"\x00\t\n\x0c\r "  # ISO 32000-2 7.2.3


@dataclass
class Budget:
    """What decoding one file may still cost: bytes produced (or read, for the text filters, which
    skip white space), streams decoded, and steps of a Python loop (a token, an LZW code, a run)."""

    left: int
    streams: int
    steps: int

    def spent(self) -> bool:
        return self.left < 0 or self.streams < 0 or self.steps < 0


# Abbreviations are the inline-image names (ISO 32000-2 8.9.7); lenient viewers take them anywhere.
CANONICAL = {
    b"Fl": b"FlateDecode",
    b"LZW": b"LZWDecode",
    b"RL": b"RunLengthDecode",
    b"AHx": b"ASCIIHexDecode",
    b"A85": b"ASCII85Decode",
    b"DCT": b"DCTDecode",
    b"CCF": b"CCITTFaxDecode",
}


IMAGE_ONLY = frozenset({b"DCTDecode", b"JPXDecode", b"JBIG2Decode", b"CCITTFaxDecode"})


def decode(data: memoryview, chain: Sequence[bytes], budget: Budget, early_change: int = 1) -> BytesLike:
    """What ``data`` decodes to through ``chain`` (in order), as far as the standard filters go."""
    out: BytesLike = data
    for name in chain:
        name = CANONICAL.get(name, name)
        if name in IMAGE_ONLY:
            break  # pixels: nothing a viewer parses
        decoder = _DECODERS.get(name)
        if decoder is None:
            continue  # a crypt filter, an unknown one: the data as they are
        out = decoder(memoryview(out), budget, early_change)
        if budget.spent():
            break
    return out


def inflate(data: memoryview, budget: Budget, early_change: int = 1) -> bytearray:
    """A zlib stream, up to one byte past the budget (so the caller sees it run over). Fed in
    pieces, so a stream broken midway still yields what came before the break. The stream's own
    end is where it stops, not an ``endstream`` written inside it."""
    inflater = zlib.decompressobj()
    out = bytearray()
    limit = budget.left
    pending: bytes | memoryview = data[:PIECE]
    at = PIECE
    while len(out) <= limit:
        try:  # at most a piece at a time, so the peak is the output, not twice it
            out += inflater.decompress(pending, min(limit + 1 - len(out), PIECE))
        except zlib.error:
            break
        if inflater.eof:
            break
        pending = inflater.unconsumed_tail
        if not pending:
            if at >= len(data):
                break
            pending, at = data[at : at + PIECE], at + PIECE
    budget.left -= len(out)
    return out


_HEX_DIGITS = re.compile(rb"[0-9A-Fa-f]*+")


def _ascii_hex(data: memoryview, budget: Budget, early_change: int = 1) -> bytearray:
    """Hex digits to ``>``; white space skipped; an odd last digit is followed by 0."""
    out, carry, at = bytearray(), b"", 0
    while at < len(data) and budget.left >= 0:
        raw = bytes(data[at : at + PIECE])
        at += len(raw)
        text = carry + raw.translate(None, WHITE_SPACE)
        digits = _matched(_HEX_DIGITS, text)
        ended = digits < len(text) or at >= len(data)
        usable = digits if ended else digits - digits % 2  # an odd digit waits for the next piece
        carry = text[usable:digits]
        piece = text[:usable] + (b"0" if ended and usable % 2 else b"")
        out += binascii.unhexlify(piece)
        budget.left -= max(len(raw), len(piece) // 2)
        if ended:
            break
    return out


_A85_INCOMPLETE = re.compile(rb"[!-u]{0,4}")  # a group going on in the next piece
_A85_PARTIAL = re.compile(rb"[!-u]{2,4}(?![!-u])")  # a last group of two to four characters
# Groups of five digits, or ``z``, up to the first that is not one or is above 2**32 - 1 (``s8W-!``).
_A85_GROUPS = re.compile(rb"(?:z|(?![t-u]|s[9-u]|s8[X-u]|s8W[.-u]|s8W-[\"-u])[!-u]{5})*+")
_DIGIT_VALUES = bytes((code - 33) % 256 for code in range(256))


def _ascii85(data: memoryview, budget: Budget, early_change: int = 1) -> bytearray:
    """Groups of five characters (``z`` for four zero bytes) to ``~>``; white space skipped; a last
    group of two to four characters padded as the format says."""
    out, carry, at = bytearray(), b"", 0
    while at < len(data) and budget.left >= 0:
        raw = bytes(data[at : at + PIECE])
        at += len(raw)
        text = carry + raw.translate(None, WHITE_SPACE)
        groups = _matched(_A85_GROUPS, text)
        carry = text[groups:]
        decoded = _base85(text[:groups].replace(b"z", b"!!!!!"))
        going_on = at < len(data) and _A85_INCOMPLETE.fullmatch(carry) is not None
        partial = None if going_on else _A85_PARTIAL.match(carry)
        if partial:  # padded with the largest digit; as many bytes as digits less one
            value = 0
            for digit in partial[0] + b"u" * (5 - len(partial[0])):
                value = value * 85 + digit - 33
            decoded += value.to_bytes(5, "big")[1 : len(partial[0])] if value < 2**32 else b""
        out += decoded
        budget.left -= max(len(raw), len(decoded))
        if not going_on:
            break
    return out


def _base85(text: bytes) -> bytes:
    """Groups of five base-85 digits to four bytes each, all groups at once: digit by digit, in
    32-bit lanes of one integer (the regular expression let no group exceed 32 bits, so no lane
    carries into the next)."""
    count = len(text) // 5
    value = 0
    for column in range(5):
        lanes = bytearray(4 * count)
        lanes[3::4] = text[column::5].translate(_DIGIT_VALUES)
        value = value * 85 + int.from_bytes(lanes, "big")
    return value.to_bytes(4 * count, "big")


def _matched(pattern: re.Pattern[bytes], text: bytes) -> int:
    found = pattern.match(text)
    return found.end() if found else 0


def _run_length(data: memoryview, budget: Budget, early_change: int = 1) -> bytearray:
    """Runs: a length byte 0-127 copies the next 1-128 bytes, 129-255 repeats the next byte
    2-128 times, 128 ends the data."""
    out = bytearray()
    base, end, limit, steps = 0, len(data), budget.left, budget.steps
    while base < end and len(out) <= limit and steps >= 0:
        piece = bytes(data[base : base + PIECE + 129])  # a piece at a time: bytes index faster than a view
        at, stop = 0, min(PIECE, end - base)
        while at < stop and steps >= 0 and len(out) <= limit:
            steps -= 1
            length = piece[at]
            if length < 128:
                out += piece[at + 1 : at + length + 2]
                at += length + 2
            elif length > 128:
                out += piece[at + 1 : at + 2] * (257 - length)
                at += 2
            else:
                base = end  # the end of the data
                break
        base += at
    budget.left -= len(out)
    budget.steps = steps
    return out


_SINGLE = [bytes([code]) for code in range(256)] + [b"", b""]  # 256 clears the table, 257 ends


def _windows(data: memoryview) -> array[int]:
    """The 32 bits from every byte offset of ``data``, big-endian, so that a code of 9-12 bits at
    any bit offset is two shifts and a mask away."""
    padded = bytes(data) + bytes(7)
    windows = array("I", bytes(4 * len(data)))
    for offset in range(4):
        count = len(range(offset, len(data), 4))
        part = array("I", padded[offset : offset + 4 * count])
        if sys.byteorder == "little":
            part.byteswap()
        windows[offset::4] = part
    return windows


def _lzw(data: memoryview, budget: Budget, early_change: int = 1) -> bytearray:
    """Codes of 9 to 12 bits, most significant first; 256 clears the table, 257 ends; the code
    width grows one code early unless ``/EarlyChange 0`` (ISO 32000-2 7.4.4)."""
    out, table, previous = bytearray(), _SINGLE[:], b""
    width, grow, mask, shift = 9, 512 - early_change, 511, 23  # shift: 32 bits less the width
    limit, steps, bit, end, ended = budget.left, budget.steps, 0, len(data) * 8, False
    while not ended and bit + width <= end and len(out) <= limit and steps >= 0:
        first = bit >> 3  # a piece of the input at a time: its windows are four times its size
        windows = _windows(data[first : first + PIECE + 4])
        at, last, stop = bit - first * 8, PIECE * 8, end - first * 8  # in bits from the piece's start
        while at < last and at + width <= stop and len(out) <= limit and steps >= 0:
            steps -= 1
            code = (windows[at >> 3] >> (shift - (at & 7))) & mask
            at += width
            size = len(table)
            if code < size and code != 256 and code != 257:
                entry = table[code]
            elif code == 256:
                del table[258:]
                width, grow, mask, shift, previous = 9, 512 - early_change, 511, 23, b""
                continue
            elif code == size and previous:
                entry = previous + previous[:1]
            else:
                ended = True  # the end code, or a code not yet in the table: the break
                break
            out += entry
            if previous and size < 4096:
                table.append(previous + entry[:1])
                if size + 1 >= grow and width < 12:
                    width, mask, shift = width + 1, mask * 2 + 1, shift - 1
                    grow = (1 << width) - early_change
            previous = entry
        bit = first * 8 + at
    budget.left -= len(out)
    budget.steps = steps
    return out


_DECODERS: dict[bytes, Callable[[memoryview, Budget, int], BytesLike]] = {
    b"FlateDecode": inflate,
    b"LZWDecode": _lzw,
    b"RunLengthDecode": _run_length,
    b"ASCIIHexDecode": _ascii_hex,
    b"ASCII85Decode": _ascii85,
}
