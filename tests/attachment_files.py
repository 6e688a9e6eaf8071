"""Attachment files for tests: well-formed PDFs, PNGs and JPEGs of any size, as a scanner or a
phone writes them (structurally: the checks read structure, not pixels), and the hostile changes
made to them by the properties."""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib
from collections.abc import Callable, Sequence

PDF, PNG, JPEG = "application/pdf", "image/png", "image/jpeg"

_PDF_BODY = (
    b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    b"2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
    b"3 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>\nendobj\n"
)
_PDF_END = b"trailer\n<< /Root 1 0 R /Size 5 >>\nstartxref\n0\n%%EOF\n"


def pdf(size: int = 1024, content: bytes = b"BT /F1 12 Tf (scan) Tj ET") -> bytes:
    """A PDF of ``size`` bytes (at least its skeleton's) whose page draws ``content``, compressed."""
    stream = zlib.compress(content)
    page = b"4 0 obj\n<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream\nendobj\n" % (len(stream), stream)
    head = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + _PDF_BODY + page
    room = size - len(head) - len(_PDF_END)
    padding = b"%" + b"x" * (room - 2) + b"\n" if room >= 2 else b""
    return head + padding + _PDF_END


def pdf_with_stream(dictionary: bytes, data: bytes, size: int = 1024, line_end: bytes = b"\n") -> bytes:
    """``pdf(size)`` with one more object before its trailer: a stream of ``data`` whose dictionary
    holds ``dictionary`` (its filters, say) besides its length, ``line_end`` after ``stream``."""
    stream = b"5 0 obj\n<< /Length %d %s >>\nstream%s%s\nendstream\nendobj\n" % (len(data), dictionary, line_end, data)
    return pdf(size).replace(b"trailer", stream + b"trailer", 1)


def object_stream(objects: bytes) -> bytes:
    """The data of an object stream holding ``objects`` as object 6 (ISO 32000-2 7.5.7)."""
    return b"6 0 " + objects


def lzw(data: bytes, early_change: int = 1) -> bytes:
    """``data`` LZW-coded as ISO 32000-2 7.4.4 says: 9 to 12 bit codes, most significant bit first,
    the width growing one code early (``early_change`` 1) or not (0), a clear code to start and
    whenever the table nears its 4,096 entries, the end code to finish."""
    codes: list[tuple[int, int]] = []
    table = {bytes([code]): code for code in range(256)}
    emitted = 0

    def emit(code: int) -> None:
        nonlocal emitted
        known = 258 + max(emitted - 1, 0)  # the decoder's table is an entry behind the encoder's
        width = 9 + sum(known >= (1 << bits) - early_change for bits in (9, 10, 11))
        codes.append((code, width))
        emitted += 1

    emit(256)
    emitted = 0
    word = b""
    for byte in data:
        longer = word + bytes([byte])
        if longer in table:
            word = longer
            continue
        emit(table[word])
        table[longer] = 257 + emitted
        if 257 + emitted >= 4000:
            emit(256)
            table, emitted = {bytes([code]): code for code in range(256)}, 0
        word = bytes([byte])
    if word:
        emit(table[word])
    emit(257)
    bits = "".join(format(code, f"0{width}b") for code, width in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big")


def run_length(data: bytes) -> bytes:
    """``data`` as RunLengthDecode reads it: a run of 2-128 equal bytes as a repeat, the rest as
    literal runs of up to 128 bytes, then the end byte 128."""
    out = bytearray()
    for found in re.finditer(rb"([\s\S])\1{1,127}|(?:([\s\S])(?!\2))+?(?=([\s\S])\3|$)", data):
        run = found[0]
        if found[1] is not None:
            out += bytes([257 - len(run)]) + run[:1]
        else:
            for at in range(0, len(run), 128):
                out += bytes([len(run[at : at + 128]) - 1]) + run[at : at + 128]
    return bytes(out + b"\x80")


ENCODERS: dict[bytes, Callable[[bytes], bytes]] = {
    b"FlateDecode": zlib.compress,
    b"LZWDecode": lzw,
    b"RunLengthDecode": run_length,
    b"ASCIIHexDecode": lambda data: binascii.hexlify(data) + b">",
    b"ASCII85Decode": lambda data: base64.a85encode(data, wrapcol=76) + b"~>",
}
SHORT = {b"FlateDecode": b"Fl", b"LZWDecode": b"LZW", b"RunLengthDecode": b"RL", b"ASCIIHexDecode": b"AHx"}
SHORT[b"ASCII85Decode"] = b"A85"


def encoded(data: bytes, chain: Sequence[bytes]) -> bytes:
    """``data`` as a stream whose ``/Filter`` is ``chain``: a viewer decodes by the first filter
    first, so the last one encodes first."""
    for name in reversed(chain):
        data = ENCODERS[name](data)
    return data


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data and its CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png(size: int = 1024) -> bytes:
    """A 1×1 PNG of ``size`` bytes: the room left is a private ancillary chunk."""
    header = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0))
    pixels = png_chunk(b"IDAT", zlib.compress(b"\x00\xff\x00\x00"))
    end = png_chunk(b"IEND", b"")
    room = size - len(header) - len(pixels) - len(end)
    padding = png_chunk(b"prVt", b"\x00" * (room - 12)) if room >= 12 else b""
    return header + padding + pixels + end


def jpeg_segment(marker: int, data: bytes) -> bytes:
    """One JPEG marker segment: the marker and its length-prefixed data."""
    return bytes([0xFF, marker]) + struct.pack(">H", len(data) + 2) + data


def jpeg(size: int = 1024) -> bytes:
    """A JPEG of ``size`` bytes: SOI, JFIF, comments for the room left, one scan, EOI."""
    head = b"\xff\xd8" + jpeg_segment(0xE0, b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00")
    frame = jpeg_segment(0xC0, b"\x08\x00\x01\x00\x01\x01\x01\x11\x00")
    scan = jpeg_segment(0xDA, b"\x01\x01\x00\x00\x3f\x00") + b"\x12\x34\xff\x00\x56"
    end = b"\xff\xd9"
    room = size - len(head) - len(frame) - len(scan) - len(end)
    comments = b""
    while room >= 4:
        take = min(room - 4, 65533)
        comments += jpeg_segment(0xFE, b"c" * take)
        room -= take + 4
    return head + comments + frame + scan + b"\x00" * max(room, 0) + end  # the rest in the scan's data


def sample(content_type: str, size: int = 1024) -> bytes:
    return {PDF: pdf, PNG: png, JPEG: jpeg}[content_type](size)
