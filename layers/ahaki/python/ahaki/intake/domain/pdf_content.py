"""A PDF attachment: a scan or a printed certificate, never a program. It begins with ``%PDF-``,
ends at its last ``%%EOF`` (white space after it only), is not encrypted (staff must read it), and
names no active content: no JavaScript, launch or submit actions, embedded files, rich media or
XFA forms. Names are read as the format writes them (``#xx`` escapes decoded) in the file and in
every Flate-compressed stream (object streams hide dictionaries there), inflated within a budget
so that a small file cannot make the check inflate gigabytes."""

from __future__ import annotations

import re
import zlib

from ahaki.intake.domain.attachment_refusals import AttachmentRefusal

# Names that make a document act (ISO 32000-2 12.6, 7.11.4, 13): refused wherever they appear.
ACTIVE_NAMES = frozenset(
    {
        b"JavaScript",
        b"JS",
        b"Launch",
        b"SubmitForm",
        b"ImportData",
        b"GoToE",
        b"EmbeddedFile",
        b"EmbeddedFiles",
        b"RichMedia",
        b"XFA",
    }
)
INFLATE_BUDGET = 64 * 1024 * 1024  # bytes inflated in all, across every stream of one file
_TAIL_SPACE = b"\x00\t\n\x0c\r "  # PDF white space (ISO 32000-2 7.2.3)
_NAME = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_STREAM = re.compile(rb"stream\r?\n")
_PIECE = 64 * 1024


def pdf_refusal(data: bytes, inflate_budget: int = INFLATE_BUDGET) -> AttachmentRefusal | None:
    if not data.startswith(b"%PDF-"):
        return AttachmentRefusal.SIGNATURE
    end = data.rfind(b"%%EOF")
    if end < 0:
        return AttachmentRefusal.TRUNCATED
    if data[end + 5 :].strip(_TAIL_SPACE):
        return AttachmentRefusal.TRAILING_DATA
    names = set(_names(data))
    if b"Encrypt" in names:
        return AttachmentRefusal.ENCRYPTED
    if names & ACTIVE_NAMES:
        return AttachmentRefusal.ACTIVE_CONTENT
    budget = inflate_budget
    for start in _STREAM.finditer(data):
        inflated = _inflate(memoryview(data)[start.end() :], budget)
        budget -= len(inflated)
        if budget < 0:
            return AttachmentRefusal.TOO_DEEP
        if set(_names(inflated)) & ACTIVE_NAMES:
            return AttachmentRefusal.ACTIVE_CONTENT
    return None


def _names(data: bytes) -> list[bytes]:
    return [_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), found) for found in _NAME.findall(data)]


def _inflate(data: memoryview, budget: int) -> bytes:
    """What a zlib stream beginning at ``data`` inflates to, up to one byte past ``budget`` (so
    the caller sees it run over). Fed in pieces, so a stream broken midway still yields what came
    before the break, as a lenient reader would show it; data that is not zlib yields nothing. The
    stream's own end is where it stops, not an ``endstream`` written inside it."""
    inflater = zlib.decompressobj()
    out = bytearray()
    for at in range(0, len(data), _PIECE):
        try:
            out += inflater.decompress(data[at : at + _PIECE], budget + 1 - len(out))
        except zlib.error:
            break
        if inflater.eof or len(out) > budget or inflater.unconsumed_tail:
            break
    return bytes(out)
