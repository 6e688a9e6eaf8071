"""What an uploaded attachment's bytes must be: the file its declared type says, whole, and nothing
besides. The declared type and size are signed into the upload URL, but the bytes are the
uploader's: a script named a PDF, a photo with an archive appended, a cut-off scan.

PNG: the signature, then chunks (each length, type and CRC checked) from IHDR to IEND, and the
file ends at IEND. JPEG: SOI, then marker segments by their lengths and entropy-coded scans to the
one EOI, which ends the file. PDF: ``pdf_content`` (the header, the end marker, no active content).
Pure and bounded by the file's size (the attachment rules cap it at 10 MB)."""

from __future__ import annotations

import re
import zlib

from ahaki.intake.domain.attachment_refusals import AttachmentRefusal
from ahaki.intake.domain.pdf_content import pdf_refusal

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_PNG_MAX_CHUNK = 2**31 - 1  # the format's own limit on a chunk's length
_FILL = re.compile(rb"\xff+")
_MARKER = re.compile(rb"\xff(?=[^\x00\xd0-\xd7])")  # in a scan: not a stuffed byte, not a restart


def content_refusal(content_type: str, data: bytes) -> AttachmentRefusal | None:
    """Why ``data`` is not an acceptable file of ``content_type`` (None: it is)."""
    if content_type == "image/png":
        return _png(data)
    if content_type == "image/jpeg":
        return _jpeg(data)
    if content_type == "application/pdf":
        return pdf_refusal(data)
    return AttachmentRefusal.SIGNATURE  # no rule reads any other type


def _png(data: bytes) -> AttachmentRefusal | None:
    if not data.startswith(_PNG_SIGNATURE):
        return AttachmentRefusal.SIGNATURE
    at, first = len(_PNG_SIGNATURE), True
    view = memoryview(data)  # the CRCs read chunks in place, not copies
    while at + 12 <= len(data):
        length = int.from_bytes(data[at : at + 4], "big")
        kind = data[at + 4 : at + 8]
        end = at + 12 + length
        if length > _PNG_MAX_CHUNK or end > len(data) or not kind.isalpha() or (first and kind != b"IHDR"):
            return AttachmentRefusal.STRUCTURE
        if zlib.crc32(view[at + 4 : at + 8 + length]) != int.from_bytes(data[end - 4 : end], "big"):
            return AttachmentRefusal.STRUCTURE
        if kind == b"IEND":
            return None if end == len(data) else AttachmentRefusal.TRAILING_DATA
        at, first = end, False
    return AttachmentRefusal.TRUNCATED


def _jpeg(data: bytes) -> AttachmentRefusal | None:
    if not data.startswith(b"\xff\xd8\xff"):
        return AttachmentRefusal.SIGNATURE
    at, scanned = 2, False
    while True:
        if at + 2 > len(data):
            return AttachmentRefusal.TRUNCATED
        if data[at] != 0xFF:
            return AttachmentRefusal.STRUCTURE
        marker = data[at + 1]
        if marker == 0xFF:  # fill bytes before a marker: to the last of them
            fill = _FILL.match(data, at)
            at = fill.end() - 1 if fill else at + 1
            continue
        if marker == 0xD9:  # EOI
            if not scanned:
                return AttachmentRefusal.STRUCTURE
            return None if at + 2 == len(data) else AttachmentRefusal.TRAILING_DATA
        if marker == 0xD8 or marker == 0x00:
            return AttachmentRefusal.STRUCTURE  # a second SOI, or a stuffed byte outside a scan
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # TEM and RSTn stand alone
            at += 2
            continue
        if at + 4 > len(data):
            return AttachmentRefusal.TRUNCATED
        length = int.from_bytes(data[at + 2 : at + 4], "big")
        if length < 2 or at + 2 + length > len(data):
            return AttachmentRefusal.STRUCTURE if length < 2 else AttachmentRefusal.TRUNCATED
        at += 2 + length
        if marker == 0xDA:  # SOS: entropy-coded data up to the next marker
            scanned = True
            at = _scan_end(data, at)
            if at < 0:
                return AttachmentRefusal.TRUNCATED


def _scan_end(data: bytes, at: int) -> int:
    """Where the entropy-coded data from ``at`` ends (the 0xFF of the next marker), or -1. Inside
    it a 0xFF is followed by a stuffed 0x00 or is a restart marker (RST0-7)."""
    found = _MARKER.search(data, at)
    return found.start() if found else -1
