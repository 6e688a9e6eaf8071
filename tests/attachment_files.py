"""Attachment files for tests: well-formed PDFs, PNGs and JPEGs of any size, as a scanner or a
phone writes them (structurally: the checks read structure, not pixels), and the hostile changes
made to them by the properties."""

from __future__ import annotations

import struct
import zlib

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
